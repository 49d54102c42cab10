"""Every docstring example in citykg runs: the modules are discovered, not listed by hand."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

#: the code packages (graph/ and viz/ sit beside citykg/ in a checkout, so each is walked itself)
ROOTS = ("citykg", "citykg.graph", "citykg.viz")
MODULES = sorted(
    {root for root in ROOTS}
    | {
        info.name
        for root in ROOTS
        for info in pkgutil.walk_packages(importlib.import_module(root).__path__, prefix=f"{root}.")
    }
)


def test_discovery_sees_every_stage() -> None:
    for expected in ("citykg.graph.ingest.text", "citykg.graph.extract.metrics.quantities",
                     "citykg.graph.analogues.select", "citykg.store.core", "citykg.cli"):
        assert expected in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
