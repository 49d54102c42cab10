"""``citykg export`` for Gephi and Cytoscape (issue 16): typed attributes, projections, CSV for Excel."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
from click.testing import CliRunner

from citykg.cli import cli
from citykg.store.core import open_store


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_full_graphml_has_typed_attributes(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "full.graphml"
    run("export", "--format", "graphml", "--data", str(built), "-o", str(path))
    g = nx.read_graphml(path)
    qingdao = g.nodes["https://w3id.org/citykg/resource/area/370200"]
    assert qingdao["label"] == "青岛市" and qingdao["adcode"] == "370200" and qingdao["cls"] == "ck:City"
    observations = [d for _, d in g.nodes(data=True) if d.get("cls") == "ck:Observation"]
    assert observations and all(isinstance(d.get("value"), float) for d in observations)
    assert any(d.get("unit") for d in observations)
    initiatives = [d for _, d in g.nodes(data=True) if d.get("cls") == "ck:Reform"]
    assert initiatives and all(d.get("city") for d in initiatives)


def test_city_concept_projection_round_trips(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "cc.gexf"
    run("export", "--format", "gexf", "--projection", "city-concept", "--data", str(built), "-o", str(path))
    g = nx.read_gexf(path)
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds == {"city", "concept"}
    expected = open_store(built).select(
        "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i ck:inCity ?c ; ck:realizes ?k . ?k skos:prefLabel ?l "
        'FILTER(LANG(?l) = "zh") }'
    )[0]["n"]
    assert sum(d["weight"] for *_, d in g.edges(data=True)) >= int(expected)
    for a, b in g.edges():
        assert {g.nodes[a]["kind"], g.nodes[b]["kind"]} == {"city", "concept"}


def test_analogy_projection_weights_by_score(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "an.graphml"
    run("export", "--format", "graphml", "--projection", "analogies", "--data", str(built), "-o", str(path))
    g = nx.read_graphml(path)
    assert g.number_of_edges() > 0
    assert all(0 < d["weight"] <= 1 for *_, d in g.edges(data=True))
    assert all(d["kind"] == "initiative" and d.get("city") for _, d in g.nodes(data=True))


def test_csv_with_bom_for_excel(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    run("export", "--format", "csv", "--projection", "city-concept", "--bom", "--data", str(built), "-o", str(folder))
    raw = (folder / "nodes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (folder / "nodes.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert any(r["label"] == "青岛市" and r["adcode"] == "370200" for r in rows)


def test_jsonld_is_compacted_with_a_context_and_reads_back(built: Path, tmp_path: Path) -> None:
    import json

    import pyoxigraph as ox

    path = tmp_path / "x.jsonld"
    run("export", "--format", "jsonld", "--data", str(built), "-o", str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["@context"]["ck"] == "https://w3id.org/citykg/ontology#"
    assert '"ck:inCity"' in path.read_text(encoding="utf-8")
    back = ox.Store()
    back.bulk_load(path=str(path), format=ox.RdfFormat.JSON_LD)
    whole = ox.Store()
    whole.bulk_load(path=str(built / "citykg.trig"), format=ox.RdfFormat.TRIG)
    assert set(back) == set(whole)


def test_graphml_and_gexf_carry_our_layout_and_class_colours(built: Path, tmp_path: Path) -> None:
    ml, gexf = tmp_path / "cc.graphml", tmp_path / "full.gexf"
    run("export", "--format", "graphml", "--projection", "city-concept", "--data", str(built), "-o", str(ml))
    g = nx.read_graphml(ml)
    cities = [d for _, d in g.nodes(data=True) if d["kind"] == "city"]
    assert cities and all(d["color"] == "#d62728" and (d["r"], d["g"], d["b"]) == (214, 39, 40) for d in cities)
    points = {(round(d["x"], 3), round(d["y"], 3)) for _, d in g.nodes(data=True)}
    assert len(points) == g.number_of_nodes()  # every node placed, none on top of another
    run("export", "--format", "gexf", "--data", str(built), "-o", str(gexf))
    h = nx.read_gexf(gexf)
    city = h.nodes["https://w3id.org/citykg/resource/area/370200"]["viz"]
    assert city["color"]["r"] == 214 and {"x", "y"} <= set(city["position"])
