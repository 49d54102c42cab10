"""The knowledge the extractor reads: concept schemes and administrative divisions.

Everything curated lives as Turtle under ``ontology/`` (``schemes/*.ttl`` and
``divisions.ttl``); this module loads it into plain lookup structures once per
process. Nothing here is specific to any article.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from citykg.namespaces import CK_IRI, CKR_IRI
from citykg.paths import ontology_dir

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SCHEME_PREFIX = CKR_IRI + "scheme/"
DCTERMS_SPATIAL = "http://purl.org/dc/terms/spatial"
#: the division files under ontology/: the generated divisions and the hand-kept abbreviations
DIVISION_FILES = ("divisions.ttl", "abbreviations.ttl")
#: knowledge bases whose derived indexes (indicator labels, subject openings) a process keeps:
#: a build loads one, a test session a few; beyond this the caches start afresh
KB_CACHE_SIZE = 8
#: digits of an administrative division code (adcode: province 2, city 2, county 2)
ADCODE_CHARS = 6


@dataclass
class Concept:
    iri: str
    scheme: str  # "reforms" | "domains" | "indicators" | another scheme's local name
    pref_zh: str = ""
    pref_en: str = ""
    alt_zh: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # skos:hiddenLabel: search-only variants
    definition: str = ""
    broader: list[str] = field(default_factory=list)
    narrower: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    close_match: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)  # ck:domain of a reform concept / indicator
    expected_unit: str | None = None  # ck:expectedUnit of an indicator
    curated: bool = True
    spatial: list[str] = field(default_factory=list)  # dcterms:spatial: the area that runs it (IRIs)

    @property
    def labels(self) -> list[str]:
        """Every Chinese surface form: prefLabel, altLabels, hiddenLabels."""
        return [x for x in [self.pref_zh, *self.alt_zh, *self.hidden] if x]


@dataclass
class Area:
    adcode: str
    iri: str
    name: str  # full official name, e.g. 通化市
    short_names: list[str]  # e.g. 通化
    level: str  # "Province" | "City" | "County" ("City" when typed City and another level)
    parent: str | None  # adcode
    levels: tuple[str, ...] = ()  # every level it is typed with (北京市: Province and City)
    abbreviations: list[str] = field(default_factory=list)  # 简称 (浙, 穗): ontology/abbreviations.ttl


@dataclass
class KnowledgeBase:
    concepts: dict[str, Concept]  # by IRI
    areas: dict[str, Area]  # by adcode

    def scheme(self, name: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.scheme == name]

    @property
    def reforms(self) -> list[Concept]:
        return self.scheme("reforms")

    @property
    def domains(self) -> list[Concept]:
        return self.scheme("domains")

    @property
    def indicators(self) -> list[Concept]:
        return self.scheme("indicators")

    @property
    def bodies(self) -> list[Concept]:
        """Central and provincial government bodies (ontology/schemes/bodies.ttl)."""
        return self.scheme("bodies")

    @property
    def platforms(self) -> list[Concept]:
        """Government-service apps and portals of provinces and cities (schemes/platforms.ttl)."""
        return self.scheme("platforms")

    def area_by_iri(self, iri: str) -> Area | None:
        """The area an IRI of ontology/divisions.ttl names (None for others)."""
        code = iri.rsplit("/", 1)[-1]
        area = self.areas.get(code)
        return area if area is not None and area.iri == iri else None

    def city_of(self, adcode: str) -> Area | None:
        """The prefecture-level city an area belongs to (itself if it is one)."""
        area = self.areas.get(adcode)
        while area is not None and area.level != "City":
            area = self.areas.get(area.parent) if area.parent else None
        return area

    def province_of(self, adcode: str) -> Area | None:
        area = self.areas.get(adcode)
        while area is not None and "Province" not in (area.level, *area.levels):
            area = self.areas.get(area.parent) if area.parent else None
        return area

    def areas_by_name(self) -> dict[str, list[Area]]:
        """Every official and short name -> the areas that carry it (names are ambiguous)."""
        index: dict[str, list[Area]] = defaultdict(list)
        for a in self.areas.values():
            for n in {a.name, *a.short_names}:
                index[n].append(a)
        return index


def _lit(term: ox.Literal) -> tuple[str, str | None]:
    return term.value, term.language


def load_kb(paths: list[Path] | None = None) -> KnowledgeBase:
    """Load the concept schemes and divisions (default: the bundled ontology folder)."""
    if paths is None:
        return _default_kb()
    store = ox.Store()
    for p in paths:
        store.load(path=str(p), format=ox.RdfFormat.TURTLE)
    return _read(store)


@lru_cache(maxsize=1)
def _default_kb() -> KnowledgeBase:
    root = ontology_dir()
    files = sorted((root / "schemes").glob("*.ttl"))
    files += [root / name for name in DIVISION_FILES if (root / name).exists()]
    return load_kb(files)


def _read(store: ox.Store) -> KnowledgeBase:
    """The concepts and areas of the loaded Turtle files."""
    concepts = _read_concepts(store)
    _link_both_ways(concepts)
    return KnowledgeBase(concepts=concepts, areas=_read_areas(store))


def _read_concepts(store: ox.Store) -> dict[str, Concept]:
    """Every concept in a scheme, with its labels, definition, links, unit and flags as stated."""
    concepts: dict[str, Concept] = {}
    in_scheme = ox.NamedNode(SKOS + "inScheme")
    for q in store.quads_for_pattern(None, in_scheme, None):
        iri = q.subject.value
        scheme = q.object.value
        name = scheme[len(SCHEME_PREFIX) :] if scheme.startswith(SCHEME_PREFIX) else scheme
        concepts.setdefault(iri, Concept(iri=iri, scheme=name))

    def each(pred: str):
        yield from store.quads_for_pattern(None, ox.NamedNode(pred), None)

    for q in each(SKOS + "prefLabel"):
        c = concepts.get(q.subject.value)
        if c is not None:
            value, lang = _lit(q.object)
            if lang and lang.startswith("zh"):
                c.pref_zh = value
            elif lang == "en":
                c.pref_en = value
    for pred, attr in ((SKOS + "altLabel", "alt_zh"), (SKOS + "hiddenLabel", "hidden")):
        for q in each(pred):
            c = concepts.get(q.subject.value)
            if c is not None and (q.object.language or "").startswith("zh"):
                getattr(c, attr).append(q.object.value)
    for q in each(SKOS + "definition"):
        c = concepts.get(q.subject.value)
        if c is not None and (not c.definition or q.object.language == "en"):
            c.definition = q.object.value
    for pred, attr in (
        (SKOS + "broader", "broader"),
        (SKOS + "narrower", "narrower"),
        (SKOS + "related", "related"),
        (SKOS + "closeMatch", "close_match"),
        (CK_IRI + "domain", "domains"),
    ):
        for q in each(pred):
            c = concepts.get(q.subject.value)
            if c is not None and isinstance(q.object, ox.NamedNode):
                getattr(c, attr).append(q.object.value)
    for q in each(CK_IRI + "expectedUnit"):
        c = concepts.get(q.subject.value)
        if c is not None:
            c.expected_unit = q.object.value
    for q in each(DCTERMS_SPATIAL):
        c = concepts.get(q.subject.value)
        if c is not None and isinstance(q.object, ox.NamedNode):
            c.spatial.append(q.object.value)
    for q in each(CK_IRI + "curated"):
        c = concepts.get(q.subject.value)
        if c is not None:
            c.curated = q.object.value in ("true", "1")
    return concepts


def _link_both_ways(concepts: dict[str, Concept]) -> None:
    """Symmetric links and inverse broader/narrower, so callers need not care which side says it.

    Link lists end sorted and without repeats (the load order of the files does not show)."""
    for c in concepts.values():
        for b in c.broader:
            if b in concepts and c.iri not in concepts[b].narrower:
                concepts[b].narrower.append(c.iri)
        for n in c.narrower:
            if n in concepts and c.iri not in concepts[n].broader:
                concepts[n].broader.append(c.iri)
        for attr in ("related", "close_match"):
            for o in getattr(c, attr):
                if o in concepts and c.iri not in getattr(concepts[o], attr):
                    getattr(concepts[o], attr).append(c.iri)
    for c in concepts.values():
        for attr in ("alt_zh", "hidden", "broader", "narrower", "related", "close_match", "domains"):
            setattr(c, attr, sorted(set(getattr(c, attr))))


def _read_areas(store: ox.Store) -> dict[str, Area]:
    """The administrative divisions by adcode: names, levels, parent, abbreviations."""
    areas: dict[str, Area] = {}
    level_of = {CK_IRI + "Province": "Province", CK_IRI + "City": "City", CK_IRI + "County": "County"}
    by_iri: dict[str, Area] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(CK_IRI + "adcode"), None):
        iri = q.subject.value
        a = Area(adcode=q.object.value, iri=iri, name="", short_names=[], level="", parent=None)
        areas[a.adcode] = a
        by_iri[iri] = a
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None):
        a = by_iri.get(q.subject.value)
        if a is not None and q.object.value in level_of:
            a.levels = tuple(sorted({*a.levels, level_of[q.object.value]}))
            a.level = "City" if "City" in a.levels else a.levels[-1]
    for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None):
        a = by_iri.get(q.subject.value)
        if a is not None and (q.object.language or "").startswith("zh"):
            a.name = q.object.value
    for q in store.quads_for_pattern(None, ox.NamedNode(SKOS + "altLabel"), None):
        a = by_iri.get(q.subject.value)
        if a is not None and (q.object.language or "").startswith("zh"):
            a.short_names.append(q.object.value)
    for q in store.quads_for_pattern(None, ox.NamedNode(SKOS + "hiddenLabel"), None):
        a = by_iri.get(q.subject.value)
        if a is not None and (q.object.language or "").startswith("zh"):
            a.abbreviations.append(q.object.value)
    for q in store.quads_for_pattern(None, ox.NamedNode(CK_IRI + "partOf"), None):
        a = by_iri.get(q.subject.value)
        p = by_iri.get(q.object.value)
        if a is not None and p is not None:
            a.parent = p.adcode
    for a in areas.values():
        a.short_names = sorted(set(a.short_names) - {a.name})
        a.abbreviations = sorted(set(a.abbreviations))
    return areas
