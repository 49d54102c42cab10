"""The working set of a build: the few document quads the steps after extraction read.

A build no longer holds every document graph in one store (4.4M quads for 2,000
articles, most of the memory): each document graph goes straight to the TriG,
and only what the analogue finder (``analogue_data.load_input``) and the summary
counts (``build.stats``) query stays in the in-memory working store, in its
default graph:

- initiatives (the classes of ``INITIATIVE_CLASSES``): type, label, ck:inCity,
  ck:realizes, ck:domain, ck:evidence;
- their evidences: ck:inDocument and ck:quote (not offsets, not the mention);
- documents: type, ck:fileName, ck:aboutCity, dcterms:title and dcterms:date (the analogue
  finder ranks recent evidence first and shows where each sentence comes from);
- observations about an initiative: ck:refersTo and ck:indicator (the analogue
  finder's "same indicator reported"); observations are otherwise only counted.

That is about a fifth of a document graph. ``tests/graph/test_workset.py`` checks
that the analogue input and the counts read from the working set equal those
read from the whole dataset, so a new query in ``load_input`` that needs more
fails there first.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from citykg.graph.rdf.emit import LABEL, P
from citykg.graph.records import ENTITY_CLASSES
from citykg.namespaces import CK_IRI

#: the classes whose nodes the analogue finder and the summary counts read
INITIATIVE_CLASSES = frozenset(ox.NamedNode(CK_IRI + c) for c in ENTITY_CLASSES)
_OF_INITIATIVES = frozenset({P.rdf_type, LABEL, P.inCity, P.realizes, P.domain, P.evidence})
_OF_DOCUMENTS = frozenset({P.rdf_type, P.fileName, P.aboutCity, P.dcterms_title, P.dcterms_date})
_OF_EVIDENCE = frozenset({P.inDocument, P.quote})


def working_set(quads: Iterable[ox.Quad]) -> tuple[list[ox.Triple], int]:
    """The triples of one document graph the build keeps, and the document's observation count."""
    quads = list(quads)
    initiatives, documents, observations = set(), set(), set()
    for q in quads:
        if q.predicate == P.rdf_type:
            if q.object in INITIATIVE_CLASSES:
                initiatives.add(q.subject)
            elif q.object == P.SourceDocument:
                documents.add(q.subject)
            elif q.object == P.Observation:
                observations.add(q.subject)
    evidences = {q.object for q in quads if q.predicate == P.evidence and q.subject in initiatives}
    about_initiative = {
        q.subject for q in quads if q.predicate == P.refersTo and q.subject in observations and q.object in initiatives
    }
    kept = []
    for q in quads:
        s, p = q.subject, q.predicate
        if (
            (s in initiatives and p in _OF_INITIATIVES)
            or (s in evidences and p in _OF_EVIDENCE)
            or (s in documents and p in _OF_DOCUMENTS)
            or (s in about_initiative and (p == P.refersTo or p == P.indicator))
        ):
            kept.append(q.triple)
    return kept, len(observations)
