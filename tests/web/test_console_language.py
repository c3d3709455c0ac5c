"""Every text the console shows has its Bahasa Indonesia (the console speaks both languages).

Texts are written in English in the templates and the console's code and translated by
``framework.web.catalogue_id.CATALOGUE``; a text missing there would show in English on an
Indonesian page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from framework.web.catalogue_id import CATALOGUE

WEB = Path(__file__).resolve().parents[2] / "framework" / "web"
#: ``_("...")`` or ``_('...')`` in a template
TEMPLATE_TEXT = re.compile(r'''_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*[,)]''')


def _template_texts() -> set[str]:
    texts = set()
    for path in WEB.rglob("*.html"):
        for match in TEMPLATE_TEXT.finditer(path.read_text(encoding="utf-8")):
            texts.add(ast.literal_eval(match.group(1)))
    return texts


def _code_texts() -> set[str]:
    texts = set()
    for path in WEB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                texts.add(node.args[0].value)
    return texts


def test_every_console_text_has_its_indonesian() -> None:
    texts = _template_texts() | _code_texts()
    assert len(texts) > 100  # the scan found the console's texts
    missing = sorted(text for text in texts if text not in CATALOGUE)
    assert missing == []
