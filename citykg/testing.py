"""Helpers for citykg's own test-suite (importable from any test folder)."""

from __future__ import annotations

import os
import shutil

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(name: str) -> str:
    """Path of an external tool; skip when absent, but fail in CI, where .ci/run installs it."""
    import pytest

    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed; .ci/run should have installed it")
        pytest.skip(f"{name} is not installed")
    return path


def add_cities_running(store, n: int, tag: str, label: str = "一网通办",
                       concept: str = "concept/reform/yiwang-tongban") -> list[str]:  # fmt: skip
    """Add ``n`` cities (not yet in ``store``) that each run ``label``, one Reform with evidence.

    Each city's reform sits in its own document graph; returns the adcodes used. For
    tests of what many identical initiatives do to the analogue finder.
    """
    import pyoxigraph as ox

    from citykg.graph.analogues.data import load_input
    from citykg.graph.kb import load_kb
    from citykg.namespaces import CK, CKR_IRI

    r = CKR_IRI
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    taken = {it.city for it in load_input(store).items}  # same city, same name: one thing, not a pair
    codes = sorted(a.adcode for a in load_kb().areas.values() if a.level == "City" and a.iri not in taken)[:n]
    for code in codes:
        x, g = ox.NamedNode(f"{r}initiative/{code}/{tag}"), ox.NamedNode(f"{r}doc/{tag}{code}")
        ev = ox.NamedNode(f"{r}evidence/{tag}{code}/0-4")
        store.extend(
            [
                ox.Quad(x, rdf_type, ox.NamedNode(str(CK.Reform)), g),
                ox.Quad(x, rdfs_label, ox.Literal(label, language="zh"), g),
                ox.Quad(x, ox.NamedNode(str(CK.inCity)), ox.NamedNode(f"{r}area/{code}"), g),
                ox.Quad(x, ox.NamedNode(str(CK.realizes)), ox.NamedNode(r + concept), g),
                ox.Quad(x, ox.NamedNode(str(CK.evidence)), ev, g),
                ox.Quad(ev, ox.NamedNode(str(CK.quote)), ox.Literal(f"全面推行政务服务“{label}”。"), g),
            ]
        )
    return codes
