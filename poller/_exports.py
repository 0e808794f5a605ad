"""A package's public names, read once from its own imports.

``poller/__init__.py`` imports its light names at the top and lists the heavy ones (which pull
in aiobotocore) in an ``if TYPE_CHECKING:`` block, for type checkers and readers alike.
:func:`export` reads both from the module's source, so that each name is written once: the
heavy ones are imported on first use, and ``__all__`` is every name of both, sorted. Every
exported class and function reports the package as its module (``poller.WaitResult``, not
``poller._result.WaitResult``), in reprs, documentation and pickles.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

__all__ = ["export"]


def _is_type_checking(test: ast.expr) -> bool:
    """Whether an ``if`` tests ``TYPE_CHECKING`` (bare, or as ``typing.TYPE_CHECKING``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imported(statements: list[ast.stmt]) -> dict[str, str]:
    """The public names that ``from … import …`` statements bring in, and where from."""
    names: dict[str, str] = {}
    for statement in statements:
        if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
            for alias in statement.names:
                name = alias.asname or alias.name
                if not name.startswith("_"):
                    names[name] = statement.module
    return names


def _claim(value: Any, package: str) -> Any:
    """*value*, reporting *package* as its module if it comes from one of its private modules."""
    module = getattr(value, "__module__", None)
    if (
        isinstance(module, str)
        and module.startswith(f"{package}._")
        and (isinstance(value, type) or callable(value))
    ):
        value.__module__ = package
    return value


def export(
    namespace: MutableMapping[str, Any],
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """The ``__getattr__``, ``__dir__`` and ``__all__`` of the package whose globals these are.

    Args:
        namespace: The package's ``globals()``, after its own imports.
    """
    package = namespace["__name__"]
    tree = ast.parse(Path(namespace["__file__"]).read_text(encoding="utf-8"))
    eager = _imported(tree.body)
    lazy: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            lazy.update(_imported(node.body))
    for name in eager:
        _claim(namespace[name], package)
    public = sorted({*eager, *lazy})

    def __getattr__(name: str) -> Any:
        if name not in lazy:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = _claim(getattr(importlib.import_module(lazy[name]), name), package)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *public})

    return __getattr__, __dir__, public
