"""The public surface is exactly ``__all__``: nothing leaks, nothing listed is missing."""

from __future__ import annotations

import types

import pytest

import poller
import poller.events
import poller.exceptions

MODULES = [poller, poller.events, poller.exceptions]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_is_what_the_module_exposes(module: types.ModuleType) -> None:
    """Every public attribute is in ``__all__``, and every name there resolves."""
    exposed = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
        if name != "annotations"  # `from __future__ import annotations`
        if getattr(value, "__module__", module.__name__).startswith("poller")
    }
    for name in module.__all__:
        assert getattr(module, name) is not None

    assert sorted(module.__all__) == module.__all__
    assert exposed <= set(module.__all__), exposed - set(module.__all__)


def test_every_exception_is_exported() -> None:
    """Every error class of poller.exceptions is in its ``__all__`` and the package's."""
    classes = {
        name
        for name, value in vars(poller.exceptions).items()
        if isinstance(value, type) and issubclass(value, Exception)
        if value.__module__ == "poller.exceptions"
    }

    assert classes == set(poller.exceptions.__all__)
    assert classes <= set(poller.__all__)
