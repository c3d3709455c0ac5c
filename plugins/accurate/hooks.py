"""Hook implementations of the accurate plugin."""
