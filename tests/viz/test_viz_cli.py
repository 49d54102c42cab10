"""``citykg viz`` and ``citykg export`` on the built seed corpus: files that are right, errors that help."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.store import summaries
from citykg.store.core import open_store

EXTERNAL = re.compile(
    r"""<(script|link|img|iframe)[^>]*\s(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE
)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def fail(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    return result.output


def assert_self_contained(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert not EXTERNAL.search(text), f"{path.name} loads something from the network"
    assert "<script src" not in text and "<link" not in text
    assert not (path.parent / "lib").exists()
    return text


@pytest.mark.parametrize(
    "args",
    [("overview",), ("analogues",), ("city", "青岛"), ("reform", "一网通办"), ("compare", "5G基站数量")],
)
def test_each_view_writes_one_self_contained_page(built: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "v.html"
    msg = run("viz", *args, "--data", str(built), "-o", str(out))
    assert str(out) in msg
    text = assert_self_contained(out)
    assert list(tmp_path.iterdir()) == [out]
    if args[0] == "compare":
        assert text.count("<rect") >= 2 and "<svg" in text and "<script" not in text
    else:
        assert "window.network" in text and 'id="ck-data"' in text
    if args[0] == "city":
        assert "青岛市" in text


def test_view_defaults_to_out_views(out_copy: Path) -> None:
    run("viz", "city", "370200", "--data", str(out_copy))
    assert (out_copy / "views" / "city-370200.html").is_file()


def test_query_view_from_construct_and_node_pair_select(built: Path, tmp_path: Path) -> None:
    rows = open_store(built).select("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x ck:inCity ?c }")
    out = tmp_path / "q.html"
    msg = run("viz", "query", "SELECT ?x ?c WHERE { ?x ck:inCity ?c }", "--data", str(built), "-o", str(out))
    cities = len(open_store(built).select("SELECT DISTINCT ?c WHERE { ?x ck:inCity ?c }"))
    assert f"{int(rows[0]['n']) + cities} nodes" in msg
    out2 = tmp_path / "c.html"
    run(
        "viz",
        "query",
        "CONSTRUCT { ?x ck:realizes ?c } WHERE { ?x ck:realizes ?c }",
        "--data",
        str(built),
        "-o",
        str(out2),
    )
    assert_self_contained(out2)
    saved = tmp_path / "s.html"
    run("viz", "query", "city-portfolio", "-p", "city=青岛", "--data", str(built), "-o", str(saved))
    assert "~area/370200" in node_ids(saved)  # the bound city is the hub


def node_ids(page: Path) -> list[str]:
    """The short node ids of a graph page's data (an id may be [folder in I, rest])."""
    text = page.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="ck-data">(.*?)</script>', text, re.S).group(1))
    return [data["I"][n[0][0]] + n[0][1] if isinstance(n[0], list) else n[0] for n in data["nodes"]]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("city", "不存在市"), "not found"),
        (("reform", "no-such-reform"), "not found"),
        (("compare", "no-such-indicator"), "not found"),
        (("city",), "needs NAME"),
        (("overview", "extra"), "takes no argument"),
        (("query", "SELECT ?x WHERE { ?x a ck:City }"), "two columns of nodes"),
        (("query", "no-such-query"), "not found"),
    ],
)
def test_user_mistakes_are_one_line_errors(built: Path, args: tuple[str, ...], needle: str) -> None:
    assert needle in fail("viz", *args, "--data", str(built))


def test_missing_build_is_a_clear_error(tmp_path: Path) -> None:
    assert "citykg build" in fail("viz", "overview", "--data", str(tmp_path / "nothing"))
    assert "citykg build" in fail("export", "--format", "ttl", "--data", str(tmp_path / "nothing"))


def test_aggregation_above_max_nodes_says_so(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "agg.html"
    msg = run("viz", "overview", "--data", str(built), "-o", str(out), "--max-nodes", "20")
    assert "aggregated" in msg
    assert "已按概念/类别聚合" in out.read_text(encoding="utf-8")


def test_exports_read_back(built: Path, tmp_path: Path) -> None:
    dataset = ox.Store()
    dataset.bulk_load(path=str(built / "citykg.trig"), format=ox.RdfFormat.TRIG)
    n_quads = len(dataset)
    for fmt, ext, rdf in (("nq", "nq", ox.RdfFormat.N_QUADS), ("jsonld", "jsonld", ox.RdfFormat.JSON_LD)):
        path = tmp_path / f"x.{ext}"
        run("export", "--format", fmt, "--data", str(built), "-o", str(path))
        back = ox.Store()
        back.bulk_load(path=str(path), format=rdf)
        assert len(back) == n_quads  # every graph, the ontology's included (issue 16)
        assert {q.graph_name for q in back} == {q.graph_name for q in dataset}
    trig = tmp_path / "x.trig"
    run("export", "--format", "trig", "--with-summaries", "--data", str(built), "-o", str(trig))
    back = ox.Store()
    back.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    # the build's TriG holds the summaries already: computed again, they are the same quads
    assert back.contains_named_graph(summaries.GRAPH_SUMMARIES) and set(back) == set(dataset)
    ttl, with_ttl = tmp_path / "x.ttl", tmp_path / "with.ttl"
    run("export", "--format", "ttl", "--data", str(built), "-o", str(ttl))
    run("export", "--format", "ttl", "--with-summaries", "--data", str(built), "-o", str(with_ttl))
    plain = set(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE))
    summed = set(ox.parse(path=str(with_ttl), format=ox.RdfFormat.TURTLE))
    realized_in = ox.NamedNode("https://w3id.org/citykg/ontology#realizedIn")
    assert len(plain) > 1000 and not any(t.predicate == realized_in for t in plain)  # the data's union only
    assert plain < summed and any(t.predicate == realized_in for t in summed)
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"x.{fmt}"
        run("export", "--format", fmt, "--data", str(built), "-o", str(path))
        g = reader(path)
        labels = {d.get("label") for _, d in g.nodes(data=True)}
        assert "青岛市" in labels and g.number_of_edges() > 100
    folder = tmp_path / "csv"
    run("export", "--format", "csv", "--data", str(built), "-o", str(folder))
    with (folder / "nodes.csv").open(encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with (folder / "edges.csv").open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    ids = {n["id"] for n in nodes}
    assert any(n["label"] == "青岛市" and n["class"] == "ck:City" for n in nodes)
    assert edges and all(e["source"] in ids and e["target"] in ids for e in edges)
    assert {"ck:inCity", "ck:realizes"} <= {e["predicate"] for e in edges}


def test_help_has_examples() -> None:
    for name in ("viz", "export"):
        assert "Example:" in run(name, "--help")


def test_a_loose_trig_needs_an_explicit_output(mini_trig: Path, tmp_path: Path) -> None:
    assert "pass -o FILE" in fail("viz", "overview", "--data", str(mini_trig))
    out = tmp_path / "mini.html"
    assert "6 nodes" in run("viz", "overview", "--data", str(mini_trig), "-o", str(out))
    assert not (mini_trig.parent / "views").exists()
