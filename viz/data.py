"""The build as plain Python records for the views, read once with a few bulk SELECTs.

Every view (overview, city, reform, analogues, comparison) is a pure function of
this ``Model``, so ``write_site`` reads the store once instead of once per page,
and the indexes by city, concept, subject and indicator (built on first use) keep
each page's work proportional to the page rather than to the corpus.

At 2,000 articles (4M triples) reading is the expensive part: on the persistent
store a join runs lookup by lookup and every IRI in a result costs a lookup of
its text. So each SELECT reads one predicate, or joins whole predicates in
sub-SELECTs (one hash join each); rows are streamed as tuples (``ViewSource.rows``)
and joined here in dictionaries; repeated strings (quotes, reasons) are shared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from citykg.gcpause import no_cyclic_gc
from citykg.graph.records import ENTITY_CLASSES
from citykg.namespaces import CK_IRI, CKR_IRI, SPARQL_PREFIXES
from citykg.viz.source import ViewSource

INITIATIVE_CLASSES = ENTITY_CLASSES  # the six entity classes (citykg.graph.records)
AREA_LEVELS = ("Province", "City", "County")
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Evidence:
    quote: str
    doc: str  # document IRI
    start: int | None = None


@dataclass(slots=True)
class Doc:
    iri: str
    title: str = ""
    date: str = ""
    file: str = ""
    publisher: str = ""
    about: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Area:
    iri: str
    label: str
    level: str
    adcode: str = ""
    parent: str | None = None
    alts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Concept:
    iri: str
    scheme: str  # local name of the scheme: reforms | domains | indicators | ...
    label: str = ""
    label_en: str = ""
    alts: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    curated: bool = True  # False for an indicator minted from article text (ck:curated false)

    @property
    def slug(self) -> str:
        """The last path segment of the IRI, used in file names."""
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(slots=True)
class Initiative:
    iri: str
    cls: str
    label: str
    city: str | None = None
    concepts: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Observation:
    iri: str
    indicator: str
    value: str = ""
    value_max: str = ""
    unit: str = ""
    qualifier: str = ""
    refers_to: str | None = None
    as_of: str = ""
    role: str = ""
    is_target: bool = False
    raw: str = ""
    ranking: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Analogy:
    iri: str
    source: str
    target: str
    score: float = 0.0
    basis: list[str] = field(default_factory=list)


@dataclass
class Model:
    """The records of one build. Treat it as read-only: the indexes below are built once."""

    areas: dict[str, Area]
    concepts: dict[str, Concept]
    initiatives: dict[str, Initiative]
    observations: dict[str, Observation]
    docs: dict[str, Doc]
    analogies: list[Analogy]

    def label(self, iri: str | None) -> str:
        """A display label for any IRI of the model (falls back to the IRI's tail)."""
        if not iri:
            return ""
        text = self._labels.get(iri)
        return text if text is not None else iri.rstrip("/").rsplit("/", 1)[-1]

    @cached_property
    def _labels(self) -> dict[str, str]:
        """IRI -> label, in one table (a page looks up hundreds of thousands of labels)."""
        labels = {d.iri: d.title for d in self.docs.values() if d.title}
        for table in (self.initiatives, self.concepts, self.areas):  # earlier tables win, as before
            labels.update((iri, item.label) for iri, item in table.items() if item.label)
        return labels

    def city_of(self, iri: str | None) -> str | None:
        """The prefecture-level city an area lies in (itself for a city); None above city level."""
        seen = set()
        while iri and iri not in seen:
            seen.add(iri)
            area = self.areas.get(iri)
            if area is None:
                return None
            if area.level == "City":
                return iri
            iri = area.parent
        return None

    def subject_city(self, iri: str | None) -> str | None:
        """The city an observation's subject (a city or an initiative) belongs to."""
        if iri in self.initiatives:
            return self.initiatives[iri].city
        return self.city_of(iri)

    def cities(self) -> list[str]:
        """Cities that have at least one initiative or observation, by label."""
        return list(self._cities)

    @cached_property
    def _cities(self) -> tuple[str, ...]:
        used = set(self.initiatives_by_city) | set(self.observations_by_city)
        return tuple(sorted(used, key=self.label))

    # ---- indexes: each built once, on first use ----

    @cached_property
    def initiatives_by_city(self) -> dict[str, list[Initiative]]:
        return _index((i.city, i) for i in self.initiatives.values() if i.city)

    @cached_property
    def initiatives_by_concept(self) -> dict[str, list[Initiative]]:
        return _index((c, i) for i in self.initiatives.values() for c in i.concepts)

    @cached_property
    def observations_by_subject(self) -> dict[str, list[Observation]]:
        return _index((o.refers_to, o) for o in self.observations.values() if o.refers_to)

    @cached_property
    def observations_by_city(self) -> dict[str, list[Observation]]:
        """Observations by the city of their subject (see ``subject_city``)."""
        return _index(
            (city, o) for o in self.observations.values() if (city := self.subject_city(o.refers_to))
        )

    @cached_property
    def observations_by_indicator(self) -> dict[str, list[Observation]]:
        return _index((o.indicator, o) for o in self.observations.values())

    @cached_property
    def docs_by_city(self) -> dict[str, list[Doc]]:
        return _index((city, d) for d in self.docs.values() for city in d.about)

    def concepts_in_use(self, scheme: str | None = None) -> list[Concept]:
        return sorted(
            (
                self.concepts[c]
                for c in self.initiatives_by_concept
                if c in self.concepts and (scheme is None or self.concepts[c].scheme == scheme)
            ),
            key=lambda c: c.label,
        )

    def indicators_in_use(self) -> list[Concept]:
        used = self.observations_by_indicator
        return sorted((self.concepts[c] for c in used if c in self.concepts), key=lambda c: c.label)


def _index(pairs: Iterable[tuple[K, V]]) -> dict[K, list[V]]:
    """Group ``(key, item)`` pairs into ``{key: [items in the order given]}``.

    >>> _index([("a", 1), ("b", 2), ("a", 3)])
    {'a': [1, 3], 'b': [2]}
    """
    out: dict[K, list[V]] = defaultdict(list)
    for key, item in pairs:
        out[key].append(item)
    return dict(out)


def _pick(labels: list[tuple[str, str]], lang: str = "zh") -> str:
    """Prefer a label in ``lang``, then one without a tag, then any (sorted for determinism).

    >>> _pick([("City", "en"), ("城市", "zh")])
    '城市'
    """
    for want in (lang, ""):
        hits = sorted(text for text, tag in labels if tag.lower().split("-")[0] == want)
        if hits:
            return hits[0]
    return sorted(labels)[0][0] if labels else ""


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# Large tables: one predicate per SELECT, or whole predicates hash-joined in sub-SELECTs.
# Where one side repeats (the 17 domains of 100,000 initiatives, the same sentence quoted
# by several nodes), rows are grouped by it so its text is fetched once per group; the
# other side is a space-separated list of IRIs (an IRI never contains a space; a blank
# node, which STR() cannot print, becomes "" - COALESCE - instead of failing its group).
Q_OF_CLASS = "SELECT ?x WHERE {{ ?x a ck:{cls} }}"
Q_LABELS = """SELECT ?label (LANG(?label) AS ?lang) (GROUP_CONCAT(COALESCE(STR(?x), ""); separator=" ") AS ?xs)
  WHERE { ?x rdfs:label ?label } GROUP BY ?label"""
Q_BY_OBJECT = """SELECT ?o (GROUP_CONCAT(COALESCE(STR(?x), ""); separator=" ") AS ?xs)
  WHERE {{ ?x {predicate} ?o }} GROUP BY ?o"""
Q_EVIDENCE = """SELECT ?quote (GROUP_CONCAT(COALESCE(CONCAT(STR(?x), " ", STR(?doc), " ",
  COALESCE(STR(?start), "-")), ""); separator=" ") AS ?refs) WHERE {
  { SELECT ?x ?ev WHERE { ?x ck:evidence ?ev } }
  { SELECT ?ev ?quote WHERE { ?ev ck:quote ?quote } }
  { SELECT ?ev ?doc WHERE { ?ev ck:inDocument ?doc } }
  OPTIONAL { SELECT ?ev ?start WHERE { ?ev ck:charStart ?start } } } GROUP BY ?quote"""
# Observation fields present on (nearly) every observation are hash-joined in one SELECT;
# the sparse ones (a few percent) are read apart, so they do not cost a join per observation.
_OBS_FIELDS = (("value", "value"), ("unit", "unit"), ("qual", "qualifier"), ("ref", "refersTo"),
               ("asOf", "asOf"), ("raw", "rawText"))  # fmt: skip
Q_OBS = (
    "SELECT ?o ?ind " + " ".join(f"?{v}" for v, _ in _OBS_FIELDS) + " WHERE {\n"
    "  { SELECT ?o WHERE { ?o a ck:Observation } } { SELECT ?o ?ind WHERE { ?o ck:indicator ?ind } }\n"
    + "".join(f"  OPTIONAL {{ SELECT ?o ?{v} WHERE {{ ?o ck:{p} ?{v} }} }}\n" for v, p in _OBS_FIELDS)
    + "}"
)
_OBS_SPARSE = (("value_max", "ck:valueMax"), ("role", "ck:changeRole"), ("is_target", "ck:isTarget"))
Q_ANALOGIES = """SELECT ?a ?s ?t ?score WHERE { { SELECT ?a WHERE { ?a a ck:Analogy } }
  { SELECT ?a ?s WHERE { ?a ck:source ?s } } { SELECT ?a ?t WHERE { ?a ck:target ?t } }
  OPTIONAL { SELECT ?a ?score WHERE { ?a ck:score ?score } } }"""


def load_model(source: ViewSource) -> Model:
    """Read everything the views need from the build.

    The cyclic garbage collector is paused meanwhile: the records are millions of
    long-lived objects (at 2,000 articles), and every collection would walk them again.
    """
    with no_cyclic_gc():
        model = _load(source)
        # records in IRI order (not the store's): a model patched by an incremental site step
        # (``viz.incsite``) is then equal to a fresh one, order included
        model.initiatives = dict(sorted(model.initiatives.items()))
        model.observations = dict(sorted(model.observations.items()))
        return model


def _load(source: ViewSource) -> Model:
    def q(body: str) -> Iterator[tuple[Any, ...]]:  # lexical values, None when unbound
        return source.rows(SPARQL_PREFIXES + body)

    shared: dict[str, str] = {}  # one copy of each document IRI (245,000 evidence rows, 2,000 articles)

    def one(text: str) -> str:
        return shared.setdefault(text, text)

    from citykg.viz.tables import read_areas, read_concepts, read_docs  # they fill this module's records

    areas = read_areas(q)
    concepts = read_concepts(q)

    inits: dict[str, Initiative] = {}
    for cls in INITIATIVE_CLASSES:  # the first class in this order wins, as in the legend
        for (x,) in q(Q_OF_CLASS.format(cls=cls)):
            if x not in inits:
                inits[x] = Initiative(x, cls, "")
    i_labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for label, lang, xs in q(Q_LABELS):  # the same name is often used in many cities
        for x in (xs or "").split():
            if x in inits:
                i_labels[x].append((label, lang or ""))
    for iri, i in inits.items():
        i.label = _pick(i_labels.pop(iri, [])) or _local(iri)
    del i_labels
    for city, xs in q(Q_BY_OBJECT.format(predicate="ck:inCity")):
        for x in (xs or "").split():  # several cities (a merged organization): the smallest IRI, stably
            i = inits.get(x)
            if i is not None and (i.city is None or city < i.city):
                i.city = city
    for predicate, attr in (("ck:realizes", "concepts"), ("ck:domain", "domains")):
        for target, xs in q(Q_BY_OBJECT.format(predicate=predicate)):
            for x in (xs or "").split():
                i = inits.get(x)
                if i is not None:
                    getattr(i, attr).append(target)
    for i in inits.values():
        i.concepts = sorted(set(i.concepts))
        i.domains = sorted(set(i.domains))

    docs = read_docs(q)

    obs: dict[str, Observation] = {}
    for o, ind, value, unit, qual, ref, as_of, raw in q(Q_OBS):
        if o not in obs:  # a second value of a functional property: keep the first
            obs[o] = Observation(o, ind, value or "", unit=unit or "", qualifier=qual or "", refers_to=ref,
                                 as_of=as_of or "", raw=raw or "")  # fmt: skip
    for attr, predicate in _OBS_SPARSE:
        for value, os in q(Q_BY_OBJECT.format(predicate=predicate)):
            for o in (os or "").split():
                if o in obs:
                    setattr(obs[o], attr, value in ("true", "1") if attr == "is_target" else value)
    for (o,) in q(Q_OF_CLASS.format(cls="Ranking")):
        if o in obs:
            obs[o].ranking = True

    for quote, refs in q(Q_EVIDENCE):
        parts = (refs or "").split()
        for x, doc, start in zip(parts[::3], parts[1::3], parts[2::3], strict=True):
            item = inits.get(x) or obs.get(x)
            if item is not None:
                item.evidence.append(Evidence(quote, one(doc), _int(start)))
    for item in (*inits.values(), *obs.values()):
        if len(item.evidence) > 1:
            item.evidence = sorted(set(item.evidence), key=lambda e: (e.doc, e.start or 0, e.quote))

    analogies: dict[str, Analogy] = {}
    for a_iri, s, t, score in q(Q_ANALOGIES):
        if a_iri not in analogies:
            analogies[a_iri] = Analogy(a_iri, s, t, _float(score))
    for basis, a_iris in q(Q_BY_OBJECT.format(predicate="ck:basis")):
        for a_iri in (a_iris or "").split():
            if a_iri in analogies:
                analogies[a_iri].basis.append(basis)
    for a in analogies.values():
        a.basis = sorted(set(a.basis))
    return Model(areas, concepts, inits, obs, docs, sorted(analogies.values(), key=lambda a: a.iri))


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _float(text: str | None) -> float:
    try:
        return float(text) if text is not None else 0.0
    except ValueError:
        return 0.0


def is_resource(iri: str) -> bool:
    """True for citykg resource or ontology IRIs."""
    return iri.startswith((CKR_IRI, CK_IRI))
