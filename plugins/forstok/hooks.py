"""Hook implementations of the forstok plugin."""
