"""The ``ckr:graph/divisions`` graph: the administrative areas a build uses, with their ancestors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from citykg.graph.kb import KnowledgeBase
from citykg.graph.rdf.oxterms import LABEL, TYPE, N, P, zh
from citykg.namespaces import CK, GRAPH_DIVISIONS, area_iri


def ancestors(kb: KnowledgeBase, codes: Iterable[str]) -> set[str]:
    """The areas and every area above them (county -> city -> province)."""
    out: set[str] = set()
    for code in codes:
        area = kb.areas.get(code)
        while area is not None and area.adcode not in out:
            out.add(area.adcode)
            area = kb.areas.get(area.parent) if area.parent else None
    return out


def division_quads(kb: KnowledgeBase, codes: Iterable[str]) -> Iterator[ox.Quad]:
    """The ckr:graph/divisions quads for the used areas and their ancestors, in code order."""
    g = N(GRAPH_DIVISIONS)
    for code in sorted(ancestors(kb, codes)):
        a = kb.areas[code]
        node = N(area_iri(code))
        for level in a.levels or (a.level,):
            yield ox.Quad(node, TYPE, N(CK[level]), g)
        yield ox.Quad(node, LABEL, zh(a.name), g)
        for s in a.short_names:
            yield ox.Quad(node, P.skos_altLabel, zh(s), g)
        yield ox.Quad(node, P.adcode, ox.Literal(code), g)
        if a.parent:
            yield ox.Quad(node, P.partOf, N(area_iri(a.parent)), g)
