"""The Ginee plugin: connector, client, mapping, webhook check and emulator of Ginee OpenAPI."""
