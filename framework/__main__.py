"""``python -m framework``: the ``jembatan`` command without the console script."""

from .cli import main

if __name__ == "__main__":
    main()
