"""Bahasa Indonesia and English for the console.

Texts are written in English in the code and templates; ``CATALOGUE`` gives the Indonesian.
The language comes from the ``lang`` cookie (the switch in the header) or, first, from the
browser's ``Accept-Language``; Indonesian when neither says.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from starlette.requests import Request

from .catalogue_id import CATALOGUE

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "id"


def language_of(request: Request) -> str:
    """Return ``id`` or ``en`` for this request."""
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(request.headers.get("accept-language", ""))


def from_accept_language(header: str) -> str:
    """Pick the best of our languages from an ``Accept-Language`` header."""
    best, best_q = DEFAULT, -1.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best


def translator(lang: str) -> Callable[..., str]:
    """Return ``_(text, **values)`` for ``lang``; unknown texts stay English."""
    table = CATALOGUE if lang == "id" else {}

    def translate(text: str, **values: Any) -> str:
        out = table.get(text, text)
        return out.format(**values) if values else out

    return translate


def money_formatter(lang: str) -> Callable[[Any], str]:
    """Return ``money(amount)``: whole rupiah, ``Rp 204.500`` in Indonesian, ``IDR 204,500``."""

    def money(amount: Any) -> str:
        if amount is None:
            return "—"
        text = f"{Decimal(str(amount)):,.0f}"
        if lang == "id":
            return "Rp " + text.replace(",", ".")
        return "IDR " + text

    return money
