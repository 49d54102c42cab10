"""``citykg export``: the build for other tools (Gephi, Cytoscape, spreadsheets, RDF tools).

RDF formats come straight from pyoxigraph (``nq``, ``trig`` and ``jsonld`` keep every
named graph, the ontology's included, so a store loaded from them by its own loader
has the schema; ``--with-summaries`` adds the derived ``ckr:graph/summaries`` that
some saved queries read; ``ttl`` is the union of the data graphs). ``graphml``/``gexf`` (networkx)
and ``csv`` (a nodes table and an edges table) hold the resource graph: every
IRI-to-IRI triple outside the ontology graph is an edge named by its predicate,
nodes carry their label and class. Files are written to a temp path, then renamed.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from citykg.namespaces import GRAPH_ONTOLOGY, PREFIXES
from citykg.viz.querygraph import LABELS, RDF_TYPE, curie
from citykg.viz.source import ViewSource

FORMATS = ("graphml", "gexf", "jsonld", "ttl", "nq", "trig", "csv")
EXTENSIONS = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "jsonld": ".jsonld",
    "ttl": ".ttl",
    "nq": ".nq",
    "trig": ".trig",
    "csv": "",
}


def default_path(out_dir: Path, fmt: str) -> Path:
    """OUT/export/citykg.<ext> (a folder OUT/export/csv for csv)."""
    return out_dir / "export" / ("csv" if fmt == "csv" else f"citykg{EXTENSIONS[fmt]}")


def data_quads(store: ox.Store) -> list[ox.Quad]:
    """Every quad outside the ontology graph (instance data, schemes, divisions, analogies)."""
    onto = ox.NamedNode(str(GRAPH_ONTOLOGY))
    return [q for q in store if q.graph_name != onto]


def resource_graph(store: ox.Store) -> nx.MultiDiGraph:
    """IRIs as nodes (label, class) and IRI-to-IRI triples as edges (predicate)."""
    g = nx.MultiDiGraph()
    labels: dict[str, tuple[int, str]] = {}
    seen: set[tuple[str, str, str]] = set()
    for q in data_quads(store):
        s, p, o = q.subject, q.predicate.value, q.object
        if not isinstance(s, ox.NamedNode):
            continue
        if s.value not in g:
            g.add_node(s.value, label=curie(s.value), cls="")
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            cls = curie(o.value)
            if not g.nodes[s.value]["cls"] or cls < g.nodes[s.value]["cls"]:
                g.nodes[s.value]["cls"] = cls
        elif isinstance(o, ox.NamedNode):
            key = (s.value, p, o.value)
            if key in seen:
                continue
            seen.add(key)
            if o.value not in g:
                g.add_node(o.value, label=curie(o.value), cls="")
            g.add_edge(s.value, o.value, predicate=curie(p))
        elif isinstance(o, ox.Literal) and p in LABELS:
            rank = {"zh": 0, "": 1}.get((o.language or "").split("-")[0], 2)
            best = labels.get(s.value)
            if best is None or (rank, o.value) < best:
                labels[s.value] = (rank, o.value)
    for iri, (_, text) in labels.items():
        g.nodes[iri]["label"] = text
    return g


def _csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


RDF_DATASETS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}


def export(source: ViewSource, fmt: str, path: Path, with_summaries: bool = False) -> dict[str, int]:
    """Write the build in ``fmt`` to ``path``; returns counts for the summary line.

    ``with_summaries`` adds ``ckr:graph/summaries`` (as every citykg store computes it)
    to the RDF formats, for stores loaded from the file by their own loader.
    """
    store = source.dataset
    if with_summaries and fmt in (*RDF_DATASETS, "ttl"):
        from citykg.store.summaries import add_summaries

        add_summaries(store)
    if fmt in (*RDF_DATASETS, "ttl"):
        if fmt == "ttl":
            triples = list(dict.fromkeys(q.triple for q in data_quads(store)))
            _atomic(path, lambda p: ox.serialize(triples, str(p), ox.RdfFormat.TURTLE, prefixes=PREFIXES))
            return {"triples": len(triples)}
        quads = list(store)  # every graph, the ontology's included
        extra = {} if fmt == "nq" else {"prefixes": PREFIXES}
        _atomic(path, lambda p: ox.serialize(quads, str(p), RDF_DATASETS[fmt], **extra))
        return {"quads": len(quads)}
    g = resource_graph(store)
    counts = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    if fmt == "graphml":
        _atomic(path, lambda p: nx.write_graphml(g, p, encoding="utf-8"))
    elif fmt == "gexf":
        _atomic(path, lambda p: nx.write_gexf(g, p, encoding="utf-8"))
    else:  # csv: a folder with nodes.csv and edges.csv
        nodes = [["id", "label", "class"]] + [[n, d["label"], d["cls"]] for n, d in g.nodes(data=True)]
        edges = [["source", "target", "predicate"]] + [
            [s, t, d["predicate"]] for s, t, d in g.edges(data=True)
        ]
        for name, rows in (("nodes.csv", nodes), ("edges.csv", edges)):
            text = _csv_text(rows)
            _atomic(path / name, lambda p, text=text: p.write_text(text, encoding="utf-8"))
    return counts
