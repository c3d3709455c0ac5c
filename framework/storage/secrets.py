"""Credentials encrypted at rest (Fernet), and redaction of every secret from logs.

A link's credentials are stored as one Fernet token per side. The key comes from
``JEMBATAN_SECRET_KEY`` or from one key file whatever the working directory:
``$XDG_CONFIG_HOME/jembatan/secret.key`` (``~/.config/jembatan/secret.key``), created on first use
with mode 0600 in a 0700 directory. A new key is never created next to a database that already
holds credentials (they could not be opened with it): that is a clear error instead. Every value
``SecretBox.decrypt`` hands out is remembered, and ``install_redaction`` makes sure no log record
and no line the CLI prints ever shows it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from ..errors import ConfigError

ENV_SECRET_KEY = "JEMBATAN_SECRET_KEY"
#: where jembatan before 0.2 kept the key: relative to the working directory (one per folder)
LEGACY_KEY_PATH = Path(".jembatan") / "secret.key"
MASK = "***"
#: shorter values are not redacted: masking "1" or "id" everywhere would make logs unreadable
MIN_SECRET_LENGTH = 6

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_ordered: tuple[str, ...] = ()
_ordered_of = -1  # the set only grows: its size tells whether ``_ordered`` is current
#: characters JSON text escapes (a secret holding one cannot be found in JSON text)
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')


def default_key_path() -> Path:
    """The one key file location: ``$XDG_CONFIG_HOME/jembatan/secret.key``.

    ``XDG_CONFIG_HOME`` defaults to ``~/.config``. The same file whatever folder jembatan runs
    from, so a command run elsewhere never makes a second key.
    """
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "jembatan" / "secret.key"


class SecretBox:
    """Encrypts and decrypts credential dictionaries with one Fernet key.

    Args:
        key: a Fernet key; if omitted, ``JEMBATAN_SECRET_KEY`` or the key file is used.
        key_path: where the key file lives (default ``default_key_path()``; created if missing).

    Attributes:
        stored_secrets: set by the ``App``: returns how many links already hold encrypted
            credentials. A new key file is only created while it returns 0.
    """

    def __init__(self, key: str | bytes | None = None, key_path: Path | str | None = None) -> None:
        self._key = key.encode() if isinstance(key, str) else key
        self.key_path = Path(key_path) if key_path is not None else default_key_path()
        self.stored_secrets: Callable[[], int] | None = None
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
        self._refuse_new_key_for_stored_secrets()
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

    def _refuse_new_key_for_stored_secrets(self) -> None:
        # A fresh key cannot open credentials saved with another one: say so instead of
        # creating a key next to data it can never decrypt.
        stored = self.stored_secrets() if self.stored_secrets else 0
        if not stored:
            return
        legacy = LEGACY_KEY_PATH.resolve()
        hint = (f"move {legacy} to {self.key_path}" if legacy.exists() else
                f"restore the key file {self.key_path} (or set {ENV_SECRET_KEY}) from where "
                "the credentials were saved, or re-enter them with `jembatan link set`")
        raise ConfigError(
            f"the database holds the credentials of {stored} link(s) but there is no key to open "
            f"them ({self.key_path} is missing and {ENV_SECRET_KEY} is not set); no new key was "
            "created", fix=hint)

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
                    "re-enter the link's credentials (jembatan link set LINK "
                    "--store-credential KEY=env:VAR …)") from None
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


#: a plain address (no user info, no query) kept among credentials, e.g. Accurate's data host:
#: not a secret, and masking it would hide every URL the CLI prints (emulators, the console)
_PLAIN_URL = re.compile(r"^https?://[^@?#\s]+$")


def remember_secret(value: str) -> None:
    """Add ``value`` to the strings redacted from logs, records and command output."""
    if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH \
            and not _PLAIN_URL.match(value):
        with _secrets_lock:
            _secrets.add(value)


def _ordered_secrets() -> tuple[str, ...]:
    # Longest first, so a secret containing another is masked whole; sorted once per
    # change of the set, not for every string (a batch's records hold tens of thousands).
    global _ordered, _ordered_of  # noqa: PLW0603 - a cache of the module's own set
    with _secrets_lock:
        if _ordered_of != len(_secrets):
            _ordered = tuple(sorted(_secrets, key=len, reverse=True))
            _ordered_of = len(_secrets)
        return _ordered


def redact(text: str) -> str:
    """Return ``text`` with every remembered secret replaced by ``***``."""
    for secret in _ordered_secrets():
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_value(value: Any) -> Any:
    """Return a JSON-like value with every string redacted (for push records).

    A value none of whose strings holds a secret comes back as it is: one look at its JSON
    text decides, instead of walking and copying every string of a large body.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str) and _plainly_clean(value):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def _plainly_clean(value: Any) -> bool:
    """Whether no secret occurs anywhere in ``value``'s strings (checked on its JSON text)."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # not JSON-like (a cycle, odd keys): walk it
        return False
    return is_clean_json(text)


def is_clean_json(text: str) -> bool:
    """Whether no remembered secret occurs in JSON ``text`` (dumped with ``ensure_ascii`` off).

    ``False`` also when a secret holds a character JSON escapes: only a walk of the value
    (``redact_value``) can find that one.
    """
    secrets = _ordered_secrets()
    if any(_JSON_ESCAPED.search(secret) for secret in secrets):
        return False
    return not any(secret in text for secret in secrets)


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


class RedactingStream:
    """A text stream that masks remembered secrets in everything written to it.

    The CLI wraps stdout and stderr in it, so no line a command prints (tables, results, a
    platform's error that echoes a token back) can show a secret.

    Args:
        stream: the stream written to, with the secrets masked.
    """

    def __init__(self, stream: Any) -> None:
        self.wrapped = stream

    def write(self, text: str) -> int:
        """Write ``text`` with every remembered secret masked; return ``len(text)``."""
        self.wrapped.write(redact(text) if isinstance(text, str) else text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line, masked."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


@contextlib.contextmanager
def redacted_output() -> Iterator[None]:
    """Within the block, ``sys.stdout`` and ``sys.stderr`` mask every remembered secret."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (stream if isinstance(stream, RedactingStream)
                              else RedactingStream(stream) for stream in saved)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
