"""Request parameters as Accurate reads them: JSON, form bodies and query strings alike.

Accurate's native parameter form is flat: ``detailItem[0].itemNo=A1`` or
``data[1].detailItem[0].quantity=2``. Official samples post nested JSON instead. The emulator
accepts both and turns the flat form into the same nested structure, so handlers see one shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path_of(name: str) -> list[str | int]:
    """Split ``a[0].b`` into ``["a", 0, "b"]``."""
    return [int(index) if index else key for key, index in _TOKEN.findall(name)]


def _place(root: dict[str, Any], path: list[str | int], value: Any) -> None:
    node: Any = root
    for step, following in zip(path, path[1:], strict=False):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(step, int):
            while len(node) <= step:
                node.append(None)
            if node[step] is None:
                node[step] = empty
            node = node[step]
        else:
            node = node.setdefault(step, empty)
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[last] = value


def unflatten(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Build nested dicts and lists from flat ``a[0].b`` names.

    A name seen twice without an index (``val=1&val=2``) becomes a list, as servlet
    containers read repeated parameters.
    """
    root: dict[str, Any] = {}
    for name, value in pairs:
        path = _path_of(name)
        if not path:
            continue
        if len(path) == 1 and isinstance(path[0], str) and path[0] in root:
            previous = root[path[0]]
            root[path[0]] = [*previous, value] if isinstance(previous, list) else [previous, value]
            continue
        try:
            _place(root, path, value)
        except (AttributeError, TypeError):
            continue  # a clash between flat and nested names: the later one is ignored
    return root


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` updated by ``extra`` (the body wins over the query string)."""
    merged = dict(base)
    merged.update(extra)
    return merged


async def read_params(request: Request) -> dict[str, Any]:
    """Return every parameter of a request (query string plus body) as one nested dict."""
    params = unflatten(request.query_params.multi_items())
    raw = await request.body()
    if not raw:
        return params
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = json.loads(raw)
        except ValueError:
            return params
        return merge(params, body if isinstance(body, dict) else {"data": body})
    # url-encoded form, parsed here: no multipart dependency just for Accurate's flat names
    form = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return merge(params, unflatten(form))
