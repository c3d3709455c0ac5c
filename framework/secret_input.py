"""Where a secret given on the command line comes from: never the command line itself.

A literal value would be visible to every user in ``ps`` and kept in shell history, so a
credential option takes ``env:NAME`` (an environment variable), ``file:PATH`` (the file's
content, one trailing newline dropped) or ``prompt`` (asked for, not echoed). A literal is
refused with that fix.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from .storage.secrets import remember_secret

PROMPT = "prompt"
FORMS = "env:VAR, file:PATH or prompt"


def environment_value(variable: str, option: str) -> str:
    """The value of environment variable ``variable``, which ``option`` named as ``env:``.

    Raises:
        click.BadParameter: the variable is not set.
    """
    if variable not in os.environ:
        raise click.BadParameter(f"environment variable {variable} is not set",
                                 param_hint=option)
    return os.environ[variable]


def resolve_secret(name: str, value: str, option: str, joiner: str = "=") -> str:
    """Return the secret ``value`` refers to (``env:``, ``file:`` or ``prompt``).

    ``joiner`` is how ``name`` and its value are written in the fix (``=`` in ``KEY=VALUE``
    pairs, a space after an option).

    Raises:
        click.BadParameter: a literal value, an unset variable or an unreadable file.
    """
    if value.startswith("env:"):
        secret = environment_value(value[4:], option)
    elif value.startswith("file:"):
        try:
            secret = Path(value[5:]).expanduser().read_text(encoding="utf-8").removesuffix("\n")
        except OSError as error:
            raise click.BadParameter(f"cannot read {value[5:]}: {error.strerror}",
                                     param_hint=option) from None
    elif value == PROMPT:
        secret = click.prompt(name, hide_input=True, err=True)
    else:
        remember_secret(value)  # it must not be echoed back in the error either
        raise click.BadParameter(
            f"{name} is a secret and is never taken literally (it would show in `ps` and the "
            f"shell history); give {name}{joiner}env:VAR, {name}{joiner}file:PATH or "
            f"{name}{joiner}prompt",
            param_hint=option)
    remember_secret(secret)
    return secret


def parse_secret_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    """Parse ``KEY=env:VAR`` / ``KEY=file:PATH`` / ``KEY=prompt`` options into secrets."""
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not key:
            raise click.BadParameter(f"{pair!r} is not KEY={FORMS}", param_hint=option)
        values[key] = resolve_secret(key, value if sep else PROMPT, option)
    return values


def secret_option(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Click callback for a secret option.

    From its environment variable the value is taken as it is; on the command line it must be
    ``env:``, ``file:`` or ``prompt`` (a literal is refused).
    """
    if value is None:
        return None
    source = ctx.get_parameter_source(param.name or "")
    if source is click.core.ParameterSource.ENVIRONMENT:
        remember_secret(value)
        return value
    return resolve_secret(param.opts[-1], value, param.opts[-1], joiner=" ")
