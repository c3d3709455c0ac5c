"""``jembatan plugin new``: write a plugin package that installs and passes the contract suite.

The templates under ``templates/`` are a working plugin for a made-up platform (connector,
emulator and assumptions agree), so the generated package is green from the first run and
every later change is made against passing tests. ``@@name@@`` (the platform name),
``@@Title@@`` (its class-name form) and ``@@kind@@`` are filled in.
"""

from __future__ import annotations

import keyword
import re
from enum import StrEnum
from pathlib import Path

from ..errors import ConfigError

TEMPLATES = Path(__file__).parent / "templates"
NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


class Kind(StrEnum):
    """What the platform is to jembatan."""

    STORE = "store"
    ACCOUNTING = "accounting"


#: the entry point each kind registers (a store plugin is one ``StorePlugin`` object)
ENTRY = {Kind.STORE: "jembatan_{name}.hooks:plugin", Kind.ACCOUNTING: "jembatan_{name}.hooks"}
HOOKS_EXTRA = {Kind.STORE: ", status table",
               Kind.ACCOUNTING: ", job handlers, order reactions"}


def title_of(name: str) -> str:
    """``my_shop`` -> ``MyShop`` (class names)."""
    return "".join(part.capitalize() for part in name.split("_"))


def check_name(name: str, taken: set[str]) -> None:
    """Refuse a name that is not a lowercase identifier or is already a platform.

    Raises:
        ConfigError: the name cannot be used.
    """
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ConfigError(f"{name!r} cannot name a plugin",
                          fix="use 2-31 lowercase letters, digits or _, starting with a letter "
                              "(e.g. tokoku)")
    if name in taken:
        raise ConfigError(f"a platform named {name!r} is already installed",
                          fix="choose another name (installed: " + ", ".join(sorted(taken)) + ")")


def scaffold(name: str, kind: Kind, into: Path) -> list[Path]:
    """Write the package for ``name`` under ``into/jembatan-NAME``; return the files written.

    Raises:
        ConfigError: the target folder exists already.
    """
    root = into / f"jembatan-{name}"
    if root.exists():
        raise ConfigError(f"{root} exists already", fix="remove it or choose another --into")
    values = {"@@name@@": name, "@@Title@@": title_of(name), "@@kind@@": kind.value,
              "@@entry@@": ENTRY[kind].format(name=name), "@@hooks_extra@@": HOOKS_EXTRA[kind]}
    written = []
    for source_root, target_root in ((TEMPLATES / "common", root),
                                     (TEMPLATES / kind.value / "package",
                                      root / f"jembatan_{name}"),
                                     (TEMPLATES / kind.value / "tests", root / "tests")):
        for template in sorted(source_root.rglob("*.tmpl")):
            target = target_root / template.relative_to(source_root).with_suffix("")
            text = template.read_text(encoding="utf-8")
            for placeholder, value in values.items():
                text = text.replace(placeholder, value)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    (root / "tests" / "__init__.py").write_text("", encoding="utf-8")
    return written
