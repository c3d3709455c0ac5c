"""Credentials encrypted at rest (Fernet), and redaction of every secret from logs.

A link's credentials are stored as one Fernet token per side. The key comes from
``JEMBATAN_SECRET_KEY`` or a key file (``./.jembatan/secret.key`` by default, created on first
use with mode 0600 in a 0700 directory). Every value ``SecretBox.decrypt`` hands out is
remembered, and ``install_redaction`` makes sure no log record ever shows it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from .errors import ConfigError

ENV_SECRET_KEY = "JEMBATAN_SECRET_KEY"
DEFAULT_KEY_PATH = Path(".jembatan") / "secret.key"
MASK = "***"
#: shorter values are not redacted: masking "1" or "id" everywhere would make logs unreadable
MIN_SECRET_LENGTH = 6

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


class SecretBox:
    """Encrypts and decrypts credential dictionaries with one Fernet key.

    Args:
        key: a Fernet key; if omitted, ``JEMBATAN_SECRET_KEY`` or the key file is used.
        key_path: where the key file lives (created if missing).
    """

    def __init__(self, key: str | bytes | None = None, key_path: Path | str | None = None) -> None:
        self._key = key.encode() if isinstance(key, str) else key
        self.key_path = Path(key_path) if key_path is not None else DEFAULT_KEY_PATH
        self._fernet: Fernet | None = None
        self._raw_key = b""
        self._lock = threading.Lock()

    @property
    def fernet(self) -> Fernet:
        """The Fernet instance, loading or creating the key on first use."""
        with self._lock:
            if self._fernet is None:
                self._fernet = self._load()
            return self._fernet

    def derive_key(self, purpose: str) -> bytes:
        """Return a 32-byte key for ``purpose`` (e.g. signing console cookies), HKDF-derived.

        Derived from the secret key, so it survives restarts without a second secret to keep.
        """
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        _ = self.fernet
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=f"jembatan:{purpose}".encode()).derive(self._raw_key)

    def _load(self) -> Fernet:
        key = self._key or os.environ.get(ENV_SECRET_KEY, "").encode() or self._key_from_file()
        self._raw_key = key
        try:
            return Fernet(key)
        except ValueError:
            raise ConfigError(
                "the secret key is not a valid Fernet key (32 url-safe base64 bytes)",
                fix=f"set {ENV_SECRET_KEY} to the output of "
                    "`python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`") from None

    def _key_from_file(self) -> bytes:
        if self.key_path.exists():
            return self.key_path.read_bytes().strip()
        self.key_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.key_path.parent, 0o700)
        key = Fernet.generate_key()
        # O_EXCL: two processes starting together must not overwrite each other's new key.
        try:
            fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return self.key_path.read_bytes().strip()
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key

    def encrypt(self, values: Mapping[str, Any]) -> str:
        """Return a Fernet token holding ``values`` as JSON."""
        for value in _leaf_strings(values):
            remember_secret(value)
        return self.fernet.encrypt(json.dumps(dict(values)).encode()).decode()

    def decrypt(self, token: str) -> dict[str, Any]:
        """Return the dictionary inside ``token`` and remember its values for redaction.

        Raises:
            ConfigError: the token was encrypted with another key (the key changed).
        """
        if not token:
            return {}
        try:
            values = json.loads(self.fernet.decrypt(token.encode()))
        except InvalidToken:
            raise ConfigError(
                "stored credentials cannot be decrypted: the secret key changed since they "
                "were saved",
                fix=f"restore the old key ({ENV_SECRET_KEY} or {self.key_path}), or "
                    "re-enter the link's credentials") from None
        for value in _leaf_strings(values):
            remember_secret(value)
        return values


def _leaf_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [leaf for item in value.values() for leaf in _leaf_strings(item)]
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaf_strings(item)]
    return []


def remember_secret(value: str) -> None:
    """Add ``value`` to the strings redacted from logs, records and command output."""
    if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with every remembered secret replaced by ``***``."""
    with _secrets_lock:
        # Longest first, so a secret containing another is masked whole.
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_value(value: Any) -> Any:
    """Return a JSON-like value with every string redacted (for push records)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


class RedactingFilter(logging.Filter):
    """A logging filter that masks remembered secrets in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message (and traceback text) with secrets masked."""
        _redact_record(record)
        return True


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a bad format string is logging's problem, not ours
        return
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)


_installed = False
_install_lock = threading.Lock()


def install_redaction() -> None:
    """Redact secrets from every log record of the process (idempotent).

    A filter on the root logger alone would miss records propagated from child loggers, so the
    record factory itself redacts, and the root handlers get a ``RedactingFilter`` as well.
    """
    global _installed
    with _install_lock:
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _redact_record(record)
                return record

            logging.setLogRecordFactory(factory)
            _installed = True
        root = logging.getLogger()
        for handler in root.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())
