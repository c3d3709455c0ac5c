"""The plugins bundled with jembatan, each found through the ``jembatan`` entry points."""
