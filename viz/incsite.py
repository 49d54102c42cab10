"""An incremental site step: read and render only what the changed graphs reach.

A full site step reads the whole model (30+ CPU s at 2,000 articles), every
article's mentions, and builds every page's data to digest it. After it, the step
keeps its state beside the pages (``viz.sitestate``: OUT/views/.site-state): the model, the
digest of every named graph of the TriG it was read from (``trigparts``), each
article's quote order (what the graph pages' tooltips refer to), and each page's
index note and search characters. The next build's site step then:

1. hashes the new TriG's graphs and compares them with the kept digests; a change
   outside the document graphs and the analogies (the ontology, the schemes, the
   divisions), a different code digest or different arguments mean a full step;
2. takes the statements that differ in the changed graphs (old TriG = the previous
   build's, kept until publish) and the IRIs in them, plus the holders of changed
   evidence nodes: those resources' records are read again from the store by pattern
   lookups (``viz.increcords``), everything else is the kept model's. The patched
   model equals a fresh ``load_model`` (a test compares them);
3. compares each re-read record with the kept one: the pages of a changed record
   (its old and new city, concepts, indicator, articles) are re-rendered, with the
   summaries it appears in; every other page is the previous build's file.

Anything unexpected (no state, a TriG not laid out as the build writes it, blank
nodes in a changed statement, a change larger than ``MAX_CHANGED_FRACTION``) falls
back to the full step, which is always correct.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

import pyoxigraph as ox

from citykg.iris import GRAPH_SUMMARIES_IRI
from citykg.namespaces import CKR_IRI, SPARQL_PREFIXES
from citykg.store import trigindex
from citykg.store.trigdiff import changed_statements, quads_of, read_blocks, unmatched
from citykg.store.trigparts import Block, digests, graph_blocks
from citykg.viz.data import Initiative, Model, Observation
from citykg.viz.doctext import DocText, DocTexts
from citykg.viz.increcords import holders_of, read_analogies, read_records
from citykg.viz.links import doc_key
from citykg.viz.reader import mentions_of
from citykg.viz.sitestate import SiteState
from citykg.viz.source import ViewSource
from citykg.viz.tables import read_concepts, read_docs
from citykg.viz.views import AGG_TIP_ROWS

DOC_GRAPHS = CKR_IRI + "doc/"  # document graphs: ckr:doc/<hash>
ANALOGY_GRAPH = CKR_IRI + "graph/analogies"
#: the concept schemes: the curated concepts (ontology files: a change there is a new code digest,
#: a full step) and those the build mints from article text, which one edited article can add,
#: drop or change (a minted indicator's expected unit): its concepts are then read again
SCHEMES_GRAPH = CKR_IRI + "graph/schemes"
#: the derived summaries (citykg.store.summaries): no page reads them, and they change only
#: with the documents (whose change the step follows)
SUMMARIES_GRAPH = GRAPH_SUMMARIES_IRI
#: changed statement bytes per byte of the TriG above which the full step is taken (then most
#: pages change anyway; an edited article is two whole graphs, its IRI being its content hash)
MAX_CHANGED_FRACTION = 0.5


def trig_graphs(trig: Path) -> tuple[bytes | None, list[Block], dict[str, str]] | None:
    """The TriG's bytes, graph blocks and per-graph digests (None: not laid out as the build writes it).

    When the build's block index of ``trig`` is valid (``citykg.store.trigindex``: its size and
    mtime), the blocks and digests are the index's and the bytes are not read (None): only the
    blocks of changed graphs are, by ``find_change``, each checked against its indexed digest."""
    index = trigindex.load(trig)
    if index is not None:
        return None, index.blocks, digests(b"", index.blocks)
    data = trig.read_bytes()
    blocks = graph_blocks(data)
    return None if blocks is None else (data, blocks, digests(data, blocks))


@dataclass
class Change:
    """The resources whose statements differ between the kept state's TriG and the new one."""

    graphs: set[str]  # changed graph IRIs (added and removed ones included)
    iris: set[str]  # IRIs in a changed statement, plus holders of changed evidence nodes


def find_change(state: SiteState, old_trig: Path, new: tuple[bytes | None, list[Block], dict[str, str]],
                new_trig: Path | None = None) -> Change | None:  # fmt: skip
    """What changed since the state (None: a full step is needed). ``new`` is ``trig_graphs(new_trig)``."""
    new_data, new_blocks, new_digests = new
    changed = {g for g in state.graphs.keys() | new_digests.keys() if state.graphs.get(g) != new_digests.get(g)}
    changed.discard(SUMMARIES_GRAPH)
    if not changed:
        return Change(set(), set())
    if any(not g.startswith(DOC_GRAPHS) and g not in (ANALOGY_GRAPH, SCHEMES_GRAPH) for g in changed):
        return None  # the ontology or the divisions: labels everywhere may change
    parts = _changed_parts(state, changed, old_trig, new, new_trig)
    if parts is None:
        return None
    (old_data, mine), (data, theirs) = parts
    # blocks with the same bytes in both (most of the analogies graph's) hold the same statements
    gone, came = changed_statements(old_data, mine, data, theirs)
    size = sum(b.end - b.start for b in new_blocks) if new_data is None else len(new_data)
    if sum(len(t) for _, t in gone | came) > MAX_CHANGED_FRACTION * max(size, 1):
        return None
    removed, added = quads_of(gone), quads_of(came)
    if removed is None or added is None:
        return None
    iris = {t.value for q in removed | added for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    return Change(changed, iris)


def _changed_parts(state: SiteState, changed: set[str], old_trig: Path,
                   new: tuple[bytes | None, list[Block], dict[str, str]],
                   new_trig: Path | None) -> tuple[tuple[bytes, list[Block]], tuple[bytes, list[Block]]] | None:  # fmt: skip
    """The bytes and blocks of the changed graphs in the old and the new TriG (None: a full step).

    A file with a valid block index is not read whole: only its blocks that are not also in the
    other file are (each checked against its digest); a file without one is read and scanned."""
    new_data, new_blocks, _ = new
    want = {g: state.graphs[g] for g in changed if g in state.graphs}
    old_index = trigindex.load(old_trig)
    if old_index is not None:
        old_data, old_blocks = None, old_index.blocks
    else:
        try:
            old_data = old_trig.read_bytes()
        except OSError:
            return None
        old_blocks = graph_blocks(old_data)
        if old_blocks is None:
            return None
    mine = [b for b in old_blocks if b.graph in changed]
    if digests(old_data or b"", mine) != want:
        return None  # the previous TriG is not the one the state was read from
    theirs = [b for b in new_blocks if b.graph in changed]
    if old_data is None and new_data is None:
        mine, theirs = unmatched(mine, theirs)  # only the blocks in one file and not the other are read
    old_part = (old_data, mine) if old_data is not None else read_blocks(old_trig, mine)
    if new_data is not None:
        new_part: tuple[bytes, list[Block]] | None = (new_data, theirs)
    else:
        new_part = read_blocks(new_trig, theirs) if new_trig is not None else None
    return None if old_part is None or new_part is None else (old_part, new_part)


def patch_model(old: Model, source: ViewSource, iris: set[str], schemes: bool = False) -> tuple[Model, set[str]]:
    """The model of the new build: ``old`` with the records of ``iris`` (and of the holders of
    evidence nodes among them) read again, and its concepts when ``schemes`` changed (a small
    table, read whole); returns it and the resources re-read. A document or concept whose record
    is unchanged keeps the old record (the kept state writes only changed records)."""
    store = source.query_store.store
    touched = iris | holders_of(store, iris)
    cache: dict = {}  # each resource's statements are read once for both readers
    inits, obs = read_records(store, touched, cache)
    all_inits = {k: v for k, v in old.initiatives.items() if k not in touched} | inits
    all_obs = {k: v for k, v in old.observations.items() if k not in touched} | obs
    analogies = {a.iri: a for a in old.analogies if a.iri not in touched} | read_analogies(store, touched, cache)
    docs = read_docs(lambda body: source.rows(SPARQL_PREFIXES + body))
    docs = {k: d if (was := old.docs.get(k)) != d else was for k, d in docs.items()}
    concepts = old.concepts
    if schemes:
        fresh = read_concepts(lambda body: source.rows(SPARQL_PREFIXES + body))
        concepts = {k: c if (was := old.concepts.get(k)) != c else was for k, c in fresh.items()}
    model = Model(old.areas, concepts, dict(sorted(all_inits.items())), dict(sorted(all_obs.items())),
                  docs, sorted(analogies.values(), key=lambda a: a.iri))  # fmt: skip
    return model, touched


@dataclass
class Dirty:
    """The pages to render again; every other page is the previous build's."""

    cities: set[str] = field(default_factory=set)
    concepts: set[str] = field(default_factory=set)  # reform pages and comparison pages (indicators)
    docs: set[str] = field(default_factory=set)  # readers and text scripts
    overview: bool = False
    analogues: bool = False
    map: bool = False
    everything: bool = False  # the set of pages changed: links to them are everywhere

    def has(self, kind: str, key: str = "") -> bool:
        """True when the page ``kind`` (about ``key``) is to be rendered again."""
        if self.everything:
            return True
        if kind in ("overview", "analogues", "map"):
            return bool(getattr(self, kind))
        table = {"city": self.cities, "reform": self.concepts, "compare": self.concepts, "article": self.docs}
        return kind not in table or key in table[kind]


class KeptTexts(DocTexts):
    """The articles of an incremental step: an unchanged article's quote order is the kept one (its
    text script is the previous build's); a changed one is built from its mentions, read on demand."""

    def __init__(self, model: Model, source: ViewSource, source_text: Callable, kept: dict[str, list[str]],
                 fresh: set[str]) -> None:  # fmt: skip
        super().__init__(model, {}, source_text)
        self.source = source
        self.kept = {d: q for d, q in kept.items() if d not in fresh and d in model.docs}
        self._kept_index: dict[str, dict[str, int]] = {}

    def get(self, doc: str) -> DocText:
        if doc not in self.mentions:
            self.mentions[doc] = mentions_of(self.source, doc)
        return super().get(doc)

    def ref(self, doc: str, quote: str) -> tuple[str, int] | None:
        order = self.kept.get(doc)
        if order is None:
            return super().ref(doc, quote)
        index = self._kept_index.get(doc)
        if index is None:
            index = self._kept_index[doc] = {q: i for i, q in enumerate(order)}
        i = index.get(quote)
        return None if i is None else (doc_key(doc), i)


def dirty_pages(old: Model, new: Model, touched: set[str], graphs: set[str], max_nodes: int | None = None) -> Dirty:
    """Which pages the change reaches, from the records that differ between ``old`` and ``new``
    (``max_nodes``: the site's limit above which a graph page is aggregated)."""
    changed = {x for x in touched if old.initiatives.get(x) != new.initiatives.get(x)}
    changed |= {x for x in touched if old.observations.get(x) != new.observations.get(x)}
    docs = {d for d in old.docs.keys() | new.docs.keys() if old.docs.get(d) != new.docs.get(d)}
    dirty = Dirty(docs=docs | {g for g in graphs if g.startswith(DOC_GRAPHS)})
    concepts = {c for c in old.concepts.keys() | new.concepts.keys() if old.concepts.get(c) != new.concepts.get(c)}
    for m in (old, new):  # a concept's name, unit and page are on the pages of what realizes or measures it
        for c in concepts:
            changed.update(i.iri for i in m.initiatives_by_concept.get(c, ()))
            changed.update(o.iri for o in m.observations_by_indicator.get(c, ()))
    dirty.concepts |= concepts
    # a reader shows what its mentions are (class, name, city, value...), not their other evidence
    reshaped = {x for x in changed if _shape(old, x) != _shape(new, x)}
    for m in (old, new):  # a document's title or date is in every tooltip quoting it
        changed |= _holders(m, docs)
        for x in list(changed):  # a metric shows its subject's label, and links its subject's city
            metrics = {o.iri for o in m.observations_by_subject.get(x, ())}
            changed |= metrics
            reshaped |= metrics if x in reshaped else set()
    for m in (old, new):
        for d in docs:
            if d in m.docs:
                dirty.cities.update(m.docs[d].about)
        for x in changed:
            _reach(m, m.initiatives.get(x) or m.observations.get(x), dirty, x in reshaped)
    dirty.overview = bool(concepts) or any(_on_overview(old, x) != _on_overview(new, x) for x in changed)
    ends = {e for a in new.analogies for e in (a.source, a.target)}
    grouped = bool(max_nodes) and len(ends) > max_nodes  # type: ignore[operator]
    # ends of an analogy whose aggregated edge still shows the evidence sentences (few basis rows)
    quoted = {e for a in new.analogies if 1 + len(a.basis) < AGG_TIP_ROWS for e in (a.source, a.target)}
    dirty.analogues = bool(concepts) or old.analogies != new.analogies or any(
        x in ends and (not grouped or x in quoted or _on_analogues(old, x) != _on_analogues(new, x))
        for x in changed
    )
    dirty.map = bool(changed or docs)
    return dirty


def _shape(model: Model, iri: str) -> tuple | None:
    """A record without its evidence (what the readers of its other articles show of it).

    Evidence in an article is in that article's graph: it changes only with that graph."""
    item = model.initiatives.get(iri) or model.observations.get(iri)
    if item is None:
        return None
    return tuple(getattr(item, f.name) for f in fields(item) if f.name != "evidence")


def _on_overview(model: Model, iri: str) -> tuple | None:
    """What the overview shows of an initiative: its name as a local name of its city's concepts."""
    i = model.initiatives.get(iri)
    concepts = tuple(c for c in i.concepts if c in model.concepts) if i and i.city else ()
    return (i.label, i.city, concepts) if concepts else None


def _on_analogues(model: Model, iri: str) -> object:
    """What an aggregated analogues page shows of an initiative: a member of its first concept's
    group (class, name, city, domains); one without a concept is a node of its own, tooltip and all.
    Its edges keep their first ``AGG_TIP_ROWS`` rows: score and basis (the caller checks that)."""
    i = model.initiatives.get(iri)
    if i is None or not i.concepts:
        return i
    return (i.cls, i.label, i.city, tuple(i.concepts), tuple(i.domains))


def _holders(model: Model, docs: set[str]) -> set[str]:
    """The initiatives and observations with evidence in one of ``docs`` (one pass, no index kept:
    a step asks once per model, for the few documents whose records changed)."""
    out: set[str] = set()
    if not docs:
        return out
    for table in (model.initiatives, model.observations):
        for iri, item in table.items():
            for ev in item.evidence:
                if ev.doc in docs:
                    out.add(iri)
                    break
    return out


def _reach(model: Model, item: Initiative | Observation | None, dirty: Dirty, readers: bool) -> None:
    """Add the pages ``item`` is on (in ``model``) to ``dirty`` (``readers``: the readers of its articles)."""
    if item is None:
        return
    if readers:
        dirty.docs.update(ev.doc for ev in item.evidence)
    if isinstance(item, Initiative):
        if item.city:
            dirty.cities.add(item.city)
        dirty.concepts.update(item.concepts)
        return
    dirty.concepts.add(item.indicator)
    city = model.subject_city(item.refers_to)
    if city:
        dirty.cities.add(city)
    subject = model.initiatives.get(item.refers_to or "")
    if subject is not None:
        dirty.concepts.update(subject.concepts)
