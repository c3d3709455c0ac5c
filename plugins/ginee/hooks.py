"""Hook implementations of the ginee plugin."""
