"""The plugin-author kit: in-process test plugins, fixtures and the connector contract."""
