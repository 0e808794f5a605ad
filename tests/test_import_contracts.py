"""The import contracts in pyproject.toml keep up with poller/ (lint-imports checks the rest).

import-linter's wildcards replace whole module names only (no ``poller._*``), so the faces'
contract lists each private module; a new one must join the list, or the faces could import it.
"""

from __future__ import annotations

import pathlib
import tomllib
from typing import Any

ROOT = pathlib.Path(__file__).parent.parent
CONTRACTS: list[dict[str, Any]] = tomllib.loads(
    (ROOT / "pyproject.toml").read_text(encoding="utf-8")
)["tool"]["importlinter"]["contracts"]


def _contract(name_start: str) -> dict[str, Any]:
    (contract,) = [c for c in CONTRACTS if c["name"].startswith(name_start)]
    return contract


def _children() -> set[str]:
    """Every module and package directly under poller/, by its full name."""
    return {
        f"poller.{path.stem}"
        for path in (ROOT / "poller").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }


def test_faces_are_forbidden_every_private_module() -> None:
    """The faces' contract forbids exactly the private modules poller/ holds."""
    private = {name for name in _children() if name.split(".")[1].startswith("_")}
    private.discard("poller.__main__")

    assert sorted(private) == _contract("Faces")["forbidden_modules"]


def test_values_contract_covers_the_values_layer() -> None:
    """The values' contract has as sources exactly the lowest layer of the layers contract."""
    lowest = _contract("Layers")["layers"][-1]
    layer = {f"poller.{tail.strip()}" for tail in lowest.split(":")}

    assert layer == set(_contract("Values")["source_modules"])
