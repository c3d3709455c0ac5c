"""The Forstok plugin: connector, mapping, client and emulator of Forstok's seller API."""
