"""The Accurate Online plugin: client, connector, reactions, handlers and emulator."""
