"""``jembatan demo``: the seed guides' whole flow against the bundled plugins' emulators.

Not a platform plugin: it composes the three bundled plugins (which is why it may import
them, unlike the core) and registers one command through the ordinary ``register_commands``
hook.
"""
