"""`jembatan plugin new`: a scaffolded plugin passes the contract suite as generated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from framework.cli import build_cli

KINDS = {"store": ("tokoku", "jembatan_tokoku.hooks:plugin", "CommerceConnectorContract"),
         "accounting": ("bukuku", "jembatan_bukuku.hooks", "AccountingConnectorContract")}


def _run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    # The generated folder goes on the path instead of a pip install into a fresh venv (slow);
    # the plugin is found exactly as an installed one would be, through the plugin loader.
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(cwd), **env}, check=False)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_scaffolded_plugin_passes_the_contract_suite_and_loads(tmp_path: Path,
                                                                kind: str) -> None:
    name, entry, contract = KINDS[kind]
    made = CliRunner().invoke(build_cli(), ["plugin", "new", name, "--kind", kind,
                                            "--into", str(tmp_path)])
    assert made.exit_code == 0, made.output
    root = tmp_path / f"jembatan-{name}"
    for part in ("hooks", "connector", "mapping", "models", "errors", "assumptions",
                 "emulator"):
        assert (root / f"jembatan_{name}" / f"{part}.py").exists(), part
    assert contract in (root / "tests" / "test_contract.py").read_text()
    assert f'{name} = "{entry}"' in (root / "pyproject.toml").read_text()

    tests = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], root)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout, tests.stdout

    listed = _run([sys.executable, "-m", "framework", "plugins", "--settings", name], root,
                  JEMBATAN_LOAD_PLUGINS=entry)
    assert listed.returncode == 0, listed.stderr
    assert f"{name} (" in listed.stdout and "api_key" in listed.stdout


def test_a_name_already_installed_or_not_an_identifier_is_refused(tmp_path: Path) -> None:
    for name, why in (("ginee", "already installed"), ("Toko-Ku", "cannot name a plugin")):
        result = CliRunner().invoke(build_cli(), ["plugin", "new", name, "--kind", "store",
                                                  "--into", str(tmp_path)])
        assert result.exit_code == 1 and why in result.output, result.output
    assert not list(tmp_path.iterdir())
