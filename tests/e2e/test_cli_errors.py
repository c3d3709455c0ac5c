"""Every bad argument is one clear line and a non-zero exit; every command's --help teaches."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from framework.cli import build_cli

from .conftest import Jembatan

BAD = {
    "unknown link": (["link", "show", "nope"], "unknown link 'nope'"),
    "unknown link (warehouses)": (["warehouses", "list", "--link", "nope"], "unknown link"),
    "unknown link (stock)": (["stock", "pull", "--link", "nope", "--yes"], "unknown link"),
    "unknown link (orders)": (["orders", "sync", "--link", "nope"], "unknown link"),
    "unknown link (products)": (["products", "sync", "--link", "nope"], "unknown link"),
    "unknown link (features)": (["features", "set", "--link", "nope", "invoice", "on"],
                                "unknown link"),
    "unknown link (accounts)": (["accounts", "map", "--link", "nope", "bank", "1101"],
                                "unknown link"),
    "unknown link (records)": (["records", "--link", "nope"], "unknown link"),
    "unknown record": (["repush", "999"], "999"),
    "repush without a target": (["repush"], "record ID or --all-failed"),
    "unknown store platform": (["link", "create", "x", "--store", "shopify"], "shopify"),
    "malformed setting": (["link", "create", "x", "--store", "ginee", "--store-setting",
                           "novalue"], "KEY=VALUE"),
    "unknown feature": (["features", "set", "--link", "x", "teleport", "on"], "teleport"),
    "unknown record kind": (["records", "invoices"], "invoices"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_arguments_give_one_line_and_a_non_zero_exit(case: str, tmp_path: Path) -> None:
    args, expected = BAD[case]
    line = Jembatan(f"sqlite:///{tmp_path / 'j.db'}").fails(*args)
    assert expected in line


@pytest.mark.parametrize("url", ["notaurl", "mysql+nodriver://x/y", "postgresql://nobody@127.0.0.1:1/x"])
def test_a_malformed_database_url_is_one_line(url: str) -> None:
    line = Jembatan(url).fails("link", "list")
    assert "database" in line.lower()


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(build_cli()), ids=" ".join)
def test_every_command_explains_itself(path: tuple[str, ...], tmp_path: Path) -> None:
    result = Jembatan(f"sqlite:///{tmp_path / 'never-created.db'}")(*path, "--help")
    body = result.output.split("\n\n", 1)[1]
    assert len(body.split()) >= 5, f"jembatan {' '.join(path)} --help says too little"
    assert "\\b" not in result.output, "a raw docstring hides click's \\b marker"
    assert not (tmp_path / "never-created.db").exists()  # --help never touches the database
