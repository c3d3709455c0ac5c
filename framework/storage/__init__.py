"""Durable storage.

Engines and migrations, the schema, what a column can hold, and secrets encrypted at rest.
"""
