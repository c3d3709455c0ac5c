"""Links and their configuration.

Creating, connecting, checking, sharing and re-integrating a link, the operator's views of
it, and the console's users.
"""
