"""``citykg export``: the build for other tools (Gephi, Cytoscape, spreadsheets, RDF tools).

RDF formats come straight from pyoxigraph (``nq``, ``trig`` and ``jsonld`` keep every
named graph of the build's TriG, the ontology's and the derived ``ckr:graph/summaries``
that some saved queries read included, so a store loaded from them by its own loader
has the schema and answers those queries; ``--with-summaries`` computes the summaries
again, for a TriG without them, and adds them to ``ttl``, the union of the data graphs). ``graphml``/``gexf`` (networkx)
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


CK = "https://w3id.org/citykg/ontology#"
#: Literal properties copied onto resource-graph nodes as typed attributes (name, float or not).
NODE_LITERALS = {
    CK + "adcode": ("adcode", False),
    CK + "value": ("value", True),
    CK + "unit": ("unit", False),
    CK + "asOf": ("as_of", False),
    CK + "score": ("score", True),
}
#: IRI properties whose target's label becomes a node attribute (Gephi partitions by them).
NODE_LINKS = {
    CK + "inCity": "city",
    CK + "domain": "domain",
    CK + "realizes": "concept",
    CK + "partOf": "part_of",
}
PROJECTIONS = ("full", "city-concept", "analogies")


def _typed_attributes(g: nx.MultiDiGraph, store: ox.Store) -> None:
    """Add adcode, value, unit, as_of, score (typed) and city, domain, concept, part_of (labels)."""
    for q in data_quads(store):
        s, p = q.subject, q.predicate.value
        if not isinstance(s, ox.NamedNode) or s.value not in g:
            continue
        if p in NODE_LITERALS and isinstance(q.object, ox.Literal):
            name, number = NODE_LITERALS[p]
            try:
                g.nodes[s.value][name] = float(q.object.value) if number else q.object.value
            except ValueError:
                g.nodes[s.value][name] = q.object.value
        elif p in NODE_LINKS and isinstance(q.object, ox.NamedNode) and q.object.value in g:
            g.nodes[s.value][NODE_LINKS[p]] = g.nodes[q.object.value]["label"]


CITY_CONCEPT = """
SELECT ?city ?city_label ?adcode ?province ?concept ?concept_label ?scheme (COUNT(DISTINCT ?i) AS ?n) WHERE {
  ?i ck:inCity ?city ; ck:realizes ?concept .
  ?city rdfs:label ?city_label ; ck:adcode ?adcode .
  OPTIONAL { ?city ck:partOf ?p . ?p rdfs:label ?province }
  ?concept skos:prefLabel ?concept_label . FILTER(LANG(?concept_label) = "zh")
  OPTIONAL { ?concept skos:inScheme ?scheme }
} GROUP BY ?city ?city_label ?adcode ?province ?concept ?concept_label ?scheme
"""
ANALOGIES = """
SELECT ?a ?a_label ?a_city ?b ?b_label ?b_city ?score (GROUP_CONCAT(DISTINCT ?kind; separator=",") AS ?kinds) WHERE {
  ?x a ck:Analogy ; ck:source ?a ; ck:target ?b ; ck:score ?score .
  OPTIONAL { ?x ck:basisKind ?kind }
  ?a rdfs:label ?a_label . ?b rdfs:label ?b_label .
  OPTIONAL { ?a ck:inCity/rdfs:label ?a_city } OPTIONAL { ?b ck:inCity/rdfs:label ?b_city }
} GROUP BY ?a ?a_label ?a_city ?b ?b_label ?b_city ?score
"""


#: the class whose colour a node of a projection takes (projections name kinds, not classes)
_KIND_CLASS = {"city": "City", "concept": "ReformConcept", "initiative": "Reform"}


def place(g: nx.Graph, fmt: str) -> None:
    """Positions from citykg's own layout and colours by class, the way each format carries them:
    GraphML gets ``x``, ``y``, ``r``, ``g``, ``b`` and ``color`` node attributes (what Gephi and
    Cytoscape read); GEXF gets its ``viz:position`` and ``viz:color``."""
    from citykg.viz.graphview import style
    from citykg.viz.layout import layout

    ids = list(g.nodes)
    pos = layout(ids, [(str(s), str(o)) for s, o, *_ in g.edges])
    for n in ids:
        d = g.nodes[n]
        cls = str(d.get("cls") or "").rpartition(":")[2] or _KIND_CLASS.get(str(d.get("kind")), "Resource")
        colour = style(cls)[0]
        r, gr, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        x, y = pos.get(n, (0.0, 0.0))
        if fmt == "gexf":
            d["viz"] = {"position": {"x": x, "y": -y, "z": 0.0}, "color": {"r": r, "g": gr, "b": b, "a": 1.0}}
        else:
            d.update(x=float(x), y=float(-y), r=r, g=gr, b=b, color=colour)


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    answer = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    names = [v.value for v in answer.variables]
    return [{n: t.value for n, t in zip(names, sol, strict=True) if t is not None} for sol in answer]


def projection(store: ox.Store, kind: str) -> nx.Graph:
    """The graph Gephi/Cytoscape users want: ``city-concept`` (cities and the concepts their
    initiatives realize, edge weight = initiatives) or ``analogies`` (initiatives linked by
    their analogy score); ``full`` is the resource graph with typed attributes."""
    if kind == "full":
        g = resource_graph(store)
        _typed_attributes(g, store)
        return g
    out = nx.Graph()
    if kind == "city-concept":
        for r in _rows(store, CITY_CONCEPT):
            out.add_node(r["city"], label=r["city_label"], kind="city", adcode=r["adcode"],
                         province=r.get("province", ""))  # fmt: skip
            out.add_node(
                r["concept"], label=r["concept_label"], kind="concept", scheme=curie(r.get("scheme", ""))
            )
            out.add_edge(r["city"], r["concept"], weight=float(r["n"]))
        return out
    for r in _rows(store, ANALOGIES):
        for end in ("a", "b"):
            out.add_node(r[end], label=r[f"{end}_label"], kind="initiative", city=r.get(f"{end}_city", ""))
        out.add_edge(r["a"], r["b"], weight=float(r["score"]), kinds=r.get("kinds", ""))
    return out


def _compact_iri(iri: str, by_length: list[tuple[str, str]]) -> str:
    for prefix, base in by_length:
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def compact_jsonld(expanded: bytes) -> str:
    """Expanded JSON-LD (pyoxigraph's) compacted with citykg's prefixes as an ``@context``.

    Property names, ``@id`` and ``@type`` values become CURIEs (``ck:inCity``,
    ``ckr:area/370200``); the context declares every prefix, so any JSON-LD processor
    expands it back to the same quads.

    >>> doc = b'[{"@id": "https://w3id.org/citykg/resource/area/1", "@type": ["https://w3id.org/citykg/ontology#City"]}]'
    >>> compact_jsonld(doc).split('"@graph": ')[1]
    '[{"@id": "ckr:area/1", "@type": ["ck:City"]}]}'
    """
    import json

    by_length = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))

    def walk(node: object) -> object:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, object] = {}
        for key, value in node.items():
            if key in ("@id", "@type"):
                if isinstance(value, list):
                    value = [_compact_iri(v, by_length) if isinstance(v, str) else v for v in value]
                elif isinstance(value, str):
                    value = _compact_iri(value, by_length)
                out[key] = value
            else:
                out[key if key.startswith("@") else _compact_iri(key, by_length)] = walk(value)
        return out

    doc = {"@context": dict(PREFIXES), "@graph": walk(json.loads(expanded))}
    return json.dumps(doc, ensure_ascii=False)


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


def export(
    source: ViewSource,
    fmt: str,
    path: Path,
    with_summaries: bool = False,
    projection_kind: str = "full",
    bom: bool = False,
) -> dict[str, int]:
    """Write the build in ``fmt`` to ``path``; returns counts for the summary line.

    ``with_summaries`` makes ``ckr:graph/summaries`` what every citykg store computes, in the RDF
    formats (nq/trig/jsonld keep the TriG's otherwise; ttl and the projections leave it out);
    ``projection_kind`` picks the graph for graphml/gexf/csv; ``bom`` starts CSV files
    with a UTF-8 byte-order mark (Excel then reads the Chinese text right).
    """
    from citykg.store.summaries import GRAPH_SUMMARIES, add_summaries

    store = source.dataset
    if with_summaries and fmt in (*RDF_DATASETS, "ttl"):
        add_summaries(store)  # as the queries give them, whatever the file held
    elif fmt not in RDF_DATASETS and store.contains_named_graph(GRAPH_SUMMARIES):
        store.remove_graph(GRAPH_SUMMARIES)  # derived: not data of the union or the resource graph
    if fmt in (*RDF_DATASETS, "ttl"):
        if fmt == "ttl":
            triples = list(dict.fromkeys(q.triple for q in data_quads(store)))
            _atomic(path, lambda p: ox.serialize(triples, str(p), ox.RdfFormat.TURTLE, prefixes=PREFIXES))
            return {"triples": len(triples)}
        quads = list(store)  # every graph, the ontology's included
        if fmt == "jsonld":
            text = compact_jsonld(ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
            _atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
            return {"quads": len(quads)}
        extra = {} if fmt == "nq" else {"prefixes": PREFIXES}
        _atomic(path, lambda p: ox.serialize(quads, str(p), RDF_DATASETS[fmt], **extra))
        return {"quads": len(quads)}
    g = projection(store, projection_kind)
    counts = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    if fmt == "graphml":
        place(g, fmt)
        _atomic(path, lambda p: nx.write_graphml(g, p, encoding="utf-8"))
    elif fmt == "gexf":
        place(g, fmt)
        _atomic(path, lambda p: nx.write_gexf(g, p, encoding="utf-8"))
    else:  # csv: a folder with nodes.csv and edges.csv, one column per attribute
        node_keys = sorted({k for _, d in g.nodes(data=True) for k in d})
        edge_keys = sorted({k for *_, d in g.edges(data=True) for k in d})
        header = [{"cls": "class"}.get(k, k) for k in node_keys]
        nodes = [["id", *header]] + [
            [n, *(d.get(k, "") for k in node_keys)] for n, d in g.nodes(data=True)
        ]
        edges = [["source", "target", *edge_keys]] + [
            [s, t, *(d.get(k, "") for k in edge_keys)] for s, t, d in g.edges(data=True)
        ]
        encoding = "utf-8-sig" if bom else "utf-8"
        for name, rows in (("nodes.csv", nodes), ("edges.csv", edges)):
            text = _csv_text(rows)
            _atomic(path / name, lambda p, text=text: p.write_text(text, encoding=encoding))
    return counts
