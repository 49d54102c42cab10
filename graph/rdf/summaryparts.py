"""Per-document parts of the summaries graph, merged into it before the TriG is written.

The derived graph ``ckr:graph/summaries`` (``citykg.store.summaries``) is defined
by SPARQL over the union of all graphs. Computed on the loaded store, it has to be
written into it afterwards, and RocksDB then compacts the level it lands in with the
big bulk-loaded files (+3% disk at 2,000 articles, issue 15). Known *before* the TriG
is written, it is one more graph of the TriG: the store step's one bulk load holds it
(the store is then exactly what ``oxigraph load citykg.trig`` makes), and any store
loaded from the file can run the saved queries that read it.

So each worker keeps, with its document's record, what the summaries read from its
graph (``part_of``), and the build merges the parts (``SummaryMerge``) with the part of
its knowledge graphs (ontology, schemes, divisions). The merge is exact, i.e. gives the
triples of the CONSTRUCT definitions over the union of all graphs, because:

- the joins on shared nodes (an initiative's ``ck:realizes`` / ``ck:domain`` /
  ``ck:inCity``, an observation's ``ck:indicator`` / ``ck:refersTo``, the ``ck:City``
  typing) are kept as the raw subject -> objects maps and joined after the merge;
- nodeCount's join on evidence nodes is done per graph, which is the global join
  only when no evidence node occurs in two parts: each part lists its evidence IRIs'
  namespaces (the IRI up to its last ``/``; the build mints them per document) and
  the merge checks that no namespace occurs in two parts;
- a blank node where a join could use it, or a part of another ``VERSION``, makes
  the merge inexact: then the TriG has no summaries graph and the store step computes
  it with SPARQL on the loaded store;
- the analogies graph (``graph.analogues.explain.quads_for``) uses none of the
  predicates read (tests/test_summaries.py checks the whole result against the
  CONSTRUCTs on the seed build and on an edited one).

Terms are kept in N-Triples syntax, which TriG reads as it is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citykg.iris import CK_IRI, GRAPH_SUMMARIES_IRI
from citykg.store.summaries import VERSION

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
#: the maps kept raw (subject -> objects), by the predicate they come from
MAPS = ("realizes", "domain", "inCity", "indicator", "refersTo")
#: the classes whose members the summaries read: cities (reportedIn) and documents (nodeCount)
CITY, DOCUMENT = CK_IRI + "City", CK_IRI + "SourceDocument"
EVIDENCE, IN_DOCUMENT = CK_IRI + "evidence", CK_IRI + "inDocument"
#: every predicate a summary reads (for the knowledge graphs' part, read pattern by pattern)
PREDICATES = (*(CK_IRI + m for m in MAPS), EVIDENCE, IN_DOCUMENT, RDF_TYPE)
_MAP_OF = {CK_IRI + m: m for m in MAPS}


@dataclass
class SummaryPart:
    """What one document graph (or the knowledge graphs) contributes to the summaries."""

    maps: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # MAPS name -> subject -> objects
    cities: list[str] = field(default_factory=list)  # members of ck:City
    documents: list[str] = field(default_factory=list)  # members of ck:SourceDocument
    nodes: dict[str, list[str]] = field(default_factory=dict)  # document -> its evidenced nodes (here)
    namespaces: list[str] = field(default_factory=list)  # of the evidence IRIs this graph mentions
    exact: bool = True  # False: a blank node where a join could meet it
    version: int = VERSION

    def to_tuple(self) -> tuple[Any, ...]:
        """For the cache (``graph.cache``, marshal): the fields as they are, in order. Terms are kept
        whole: reading 2,000 entries no longer unpacks 1.2M shortened IRIs (1.3 of 3 CPU s, issue 15)."""
        return (self.maps, self.cities, self.documents, self.nodes, self.namespaces, self.exact, self.version)

    @classmethod
    def from_tuple(cls, data: Any) -> SummaryPart:
        """The part ``to_tuple`` wrote; ValueError (or TypeError) when it is not one.

        >>> SummaryPart.from_tuple(SummaryPart(cities=["<urn:c>"]).to_tuple()).cities
        ['<urn:c>']
        >>> SummaryPart.from_tuple(None)
        Traceback (most recent call last):
        ValueError: not a summary part
        """
        if not isinstance(data, tuple) or len(data) != len(fields(cls)):
            raise ValueError("not a summary part")
        maps, cities, documents, nodes, namespaces, exact, version = data
        if not isinstance(maps, dict) or not isinstance(nodes, dict) or not all(isinstance(d, dict) for d in maps.values()):
            raise ValueError("not a summary part")
        return cls(maps, list(cities), list(documents), nodes, list(namespaces), bool(exact), int(version))


def _namespace(iri: str) -> str:
    """The IRI up to its last slash (two IRIs in different namespaces differ).

    >>> _namespace("https://w3id.org/citykg/resource/evidence/ab12/3-9")
    'https://w3id.org/citykg/resource/evidence/ab12'
    """
    return iri.rsplit("/", 1)[0]


def assemble(
    maps: dict[str, dict[str, set[str]]],
    cities: set[str],
    documents: set[str],
    ev_docs: dict[str, set[str]],
    ev_nodes: dict[str, set[str]],
    exact: bool,
) -> SummaryPart:
    """The part from what one pass over a graph collected (shared by ``part_of`` over quads and
    ``docrecord.summary_part`` over rows): nodeCount's evidence join is done here, inside the graph."""
    nodes: dict[str, set[str]] = {}
    for ev, docs in ev_docs.items():
        for doc in docs:
            nodes.setdefault(doc, set()).update(ev_nodes.get(ev, ()))
    return SummaryPart(
        maps={m: {s: sorted(os) for s, os in sorted(d.items())} for m, d in maps.items() if d},
        cities=sorted(cities), documents=sorted(documents),
        nodes={d: sorted(ns) for d, ns in sorted(nodes.items())},
        namespaces=sorted({_namespace(ev) for ev in (*ev_docs, *ev_nodes)}), exact=exact,
    )  # fmt: skip


def part_of(quads: Iterable[ox.Quad]) -> SummaryPart:
    """The summary part of a graph's ``quads`` (read once; the graph names are not looked at)."""
    maps: dict[str, dict[str, set[str]]] = {m: {} for m in MAPS}
    cities, documents, exact = set(), set(), True
    ev_docs: dict[str, set[str]] = {}
    ev_nodes: dict[str, set[str]] = {}
    for q in quads:
        p = q.predicate.value
        name = _MAP_OF.get(p)
        if name is not None:
            s, o = q.subject, q.object
            exact = exact and not isinstance(s, ox.BlankNode) and not isinstance(o, ox.BlankNode)
            maps[name].setdefault(str(s), set()).add(str(o))
        elif p == EVIDENCE:
            if isinstance(q.object, ox.NamedNode):  # a literal is never the subject of ck:inDocument
                ev_nodes.setdefault(q.object.value, set()).add(str(q.subject))
            exact = (
                exact and not isinstance(q.object, ox.BlankNode) and not isinstance(q.subject, ox.BlankNode)
            )
        elif p == IN_DOCUMENT:
            if isinstance(q.subject, ox.NamedNode):
                ev_docs.setdefault(q.subject.value, set()).add(str(q.object))
            exact = (
                exact and not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
            )
        elif p == RDF_TYPE and q.object.value in (CITY, DOCUMENT):
            exact = exact and not isinstance(q.subject, ox.BlankNode)
            (cities if q.object.value == CITY else documents).add(str(q.subject))
    return assemble(maps, cities, documents, ev_docs, ev_nodes, exact)


def store_part(store: ox.Store) -> SummaryPart:
    """The summary part of the named graphs of ``store`` (the build's knowledge graphs), read
    predicate by predicate; its default graph (a working set, never written) is left out."""
    return part_of(
        q
        for p in PREDICATES
        for q in store.quads_for_pattern(None, ox.NamedNode(p), None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    )


class SummaryMerge:
    """The parts of every graph of a build, merged; ``quads`` gives the summaries graph."""

    def __init__(self) -> None:
        # subject -> objects: a part's own list (sorted, no repeats) until a second part adds to it
        self.maps: dict[str, dict[str, Collection[str]]] = {m: {} for m in MAPS}
        self.cities: set[str] = set()
        self.documents: set[str] = set()
        self.nodes: dict[str, Collection[str]] = {}
        self.namespaces: set[str] = set()
        self.exact = True

    def add(self, part: SummaryPart | None) -> None:
        """Merge ``part`` (None: a graph whose part is unknown, which makes the merge inexact)."""
        if part is None or not part.exact or part.version != VERSION or not set(part.maps) <= set(MAPS):
            self.exact = False
        if not self.exact:
            return
        for name, pairs in part.maps.items():
            _union_into(self.maps[name], pairs)
        self.cities.update(part.cities)
        self.documents.update(part.documents)
        _union_into(self.nodes, part.nodes)
        if not self.namespaces.isdisjoint(part.namespaces):  # an evidence node in two parts
            self.exact = False
        self.namespaces.update(part.namespaces)

    def _joined(self, name: str) -> set[tuple[str, str]]:
        """(object of ``name``, city) for every subject with both (realizedIn, activeIn)."""
        in_city, out = self.maps["inCity"], set()
        for subject, objects in self.maps[name].items():
            for city in in_city.get(subject, ()):
                out.update((o, city) for o in objects)
        return out

    def _reported(self) -> set[tuple[str, str]]:
        """(indicator, city): an observation of it refers to the city or to something in it."""
        refers, in_city, out = self.maps["refersTo"], self.maps["inCity"], set()
        for obs, indicators in self.maps["indicator"].items():
            for about in refers.get(obs, ()):
                for place in in_city.get(about) or (about,):
                    if place in self.cities:
                        out.update((i, place) for i in indicators)
        return out

    def lines(self) -> list[str]:
        """The summaries' triples as sorted N-Triples lines (triples with a literal subject are
        dropped, as a CONSTRUCT drops them)."""
        out = []
        for name, pairs in (("realizedIn", self._joined("realizes")), ("activeIn", self._joined("domain")),
                            ("reportedIn", self._reported())):  # fmt: skip
            out.extend(f"{s} <{CK_IRI}{name}> {o} ." for s, o in pairs if not s.startswith('"'))
        for doc in self.documents:
            out.append(f'{doc} <{CK_IRI}nodeCount> "{len(self.nodes.get(doc, ()))}"^^<{XSD_INTEGER}> .')
        return sorted(out)

    def quads(self) -> list[ox.Quad] | None:
        """The summaries graph's quads (in ``ckr:graph/summaries``), or None when the merge is inexact."""
        if not self.exact:
            return None
        text = f"<{GRAPH_SUMMARIES_IRI}> {{\n" + "\n".join(self.lines()) + "\n}\n"
        return list(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.TRIG))


def _union_into(merged: dict[str, Collection[str]], pairs: dict[str, list[str]]) -> None:
    """Add ``pairs`` (a part's subject -> objects, no repeats in a list) to ``merged``: a subject new
    to ``merged`` takes the part's list as it is (dict.update, no set made: 2,000 documents' parts
    are 460,000 subjects, nearly all in one part); one in both gets the union. Lists are never
    changed afterwards, so sharing them with the parts is safe.

    >>> m = {"a": ["x"]}
    >>> _union_into(m, {"a": ["y"], "b": ["z"]})
    >>> sorted(m["a"]), m["b"]
    (['x', 'y'], ['z'])
    """
    common = pairs.keys() & merged.keys()
    joined = {s: {*merged[s], *pairs[s]} for s in common}
    merged.update(pairs)
    merged.update(joined)


def merge_file(path: Path) -> SummaryMerge:
    """The parts of a TriG file's graphs, merged, reading it once (a graph written in several
    blocks counts as several parts, which at worst makes the merge inexact, never wrong).

    The build merges the parts its workers computed instead; this serves benchmarks and checks.
    A summaries graph in the file is not read (it is what the merge gives).
    """
    merged, name, quads = SummaryMerge(), None, []
    summaries = ox.NamedNode(GRAPH_SUMMARIES_IRI)
    for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
        if q.graph_name == summaries:
            continue
        if q.graph_name != name:
            merged.add(part_of(quads))
            name, quads = q.graph_name, []
        quads.append(q)
    merged.add(part_of(quads))
    return merged
