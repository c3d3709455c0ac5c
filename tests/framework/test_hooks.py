"""Every hook is documented, in its docstring and in docs/hooks.md (datasette's rule)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from framework import hookspecs
from framework.plugins import make_plugin_manager

SPECS = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
         if hasattr(fn, "jembatan_spec")]
DOCS = (Path(__file__).parents[2] / "docs" / "hooks.md").read_text()


@pytest.mark.parametrize("name", SPECS)
def test_hook_has_a_contract_docstring(name):
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Called" in doc and "Implemented by" in doc, f"{name} lacks its contract"


@pytest.mark.parametrize("name", SPECS)
def test_hook_signature_is_in_docs(name):
    signature = f"{name}{inspect.signature(getattr(hookspecs, name))}".replace("'", "")
    assert f"def {signature}" in DOCS, f"docs/hooks.md is missing or outdated for {name}"


def test_bundled_plugins_pass_check_pending_and_register_connectors():
    manager = make_plugin_manager()
    assert {"accurate", "ginee", "forstok"} <= set(manager.registry.connectors)
    assert {"accurate", "ginee", "forstok"} <= set(manager.registry.emulators)
    names = {info.name for info in manager.plugin_infos()}
    assert {"accurate", "ginee", "forstok", "framework.builtin"} <= names


def test_core_imports_no_plugin():
    core = Path(__file__).parents[2] / "framework"
    offenders = [str(path) for path in core.rglob("*.py")
                 if "import plugins" in path.read_text() or "from plugins" in path.read_text()]
    assert offenders == []
