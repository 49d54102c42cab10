"""Read what the analogue finder compares out of a built dataset (a pyoxigraph Store).

Initiatives (reforms, platforms, projects, policy documents, awards) with their
city, concepts, domains, evidence sentences and the indicators reported about
them; the concept links of the schemes (skos:broader / narrower / related /
closeMatch / exactMatch); the context facets (ontology/schemes/facets.ttl); and
the place names to strip from initiative names. Everything is queried with the
default graph as the union of all graphs, so it works on a build in progress and
on a loaded citykg.trig alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from citykg.graph.analogues.text import Facet, match_key
from citykg.graph.ingest.dates import MONTHS
from citykg.graph.records import ENTITY_CLASSES, EntityClass
from citykg.namespaces import CK_IRI, SCHEME_FACETS, SCHEME_REFORMS, SPARQL_PREFIXES

#: classes compared, most specific reading first (an item typed twice keeps the first)
ANALOGUE_CLASSES = tuple(c for c in ENTITY_CLASSES if c != EntityClass.Organization)
#: classes known by their names, not by a concept (awards, policy documents): matched by name and scored apart
NAMED_ONLY = (EntityClass.Award, EntityClass.PolicyDocument)
FACET_SCHEME = str(SCHEME_FACETS)
#: how many skos:broader steps a facet may be below its facet kind (facets.ttl is 2 deep)
MAX_FACET_DEPTH = 5
_LINKS = {
    "broader": "broader",
    "narrower": "narrower",
    "related": "related",
    "closeMatch": "close",
    "exactMatch": "close",
}


@dataclass
class Item:
    """One initiative as the analogue finder sees it."""

    iri: str
    label: str
    cls: str
    city: str
    city_label: str = ""
    province: str = ""  # IRI of the city's province (itself for 北京市, 上海市 ...)
    files: set[str] = field(default_factory=set)
    concepts: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    quotes: list[str] = field(default_factory=list)
    indicators: set[str] = field(default_factory=set)
    quote_files: dict[str, str] = field(default_factory=dict)  # quote -> file it was read from


@dataclass(frozen=True)
class DocInfo:
    """Where an evidence sentence comes from: shown next to it, and recency ranks evidence."""

    file: str
    title: str = ""
    date: str = ""  # ISO date, year-month or year, as the article gives it

    @property
    def year(self) -> float:
        """The date as a fractional year (0.0 when unknown).

        >>> DocInfo("a.txt", date="2024-07-01").year, DocInfo("b.txt").year
        (2024.5, 0.0)
        """
        parts = self.date.split("-")
        if not parts[0].isdigit():
            return 0.0
        month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
        return int(parts[0]) + (month - 1) / MONTHS


@dataclass
class ConceptInfo:
    iri: str
    scheme: str
    label_zh: str = ""
    label_en: str = ""
    definition: str = ""
    definition_zh: str = ""
    links: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: set[str] = field(default_factory=set)  # folded zh prefLabel + altLabels
    cues: set[str] = field(default_factory=set)  # names + folded zh hiddenLabels
    domains: set[str] = field(default_factory=set)  # ck:domain of the concept
    curated: bool = True  # False: minted from one initiative's name (ck:curated false), no knowledge


@dataclass
class AnalogueInput:
    items: list[Item]
    concepts: dict[str, ConceptInfo]
    facets: dict[str, Facet]
    facet_labels: dict[str, list[str]]  # facet IRI -> zh labels (pref, alt, hidden)
    place_names: dict[str, list[str]]  # city IRI -> its names and its counties' names
    all_place_names: list[str]  # full names of every province and city
    province_names: list[str] = field(default_factory=list)  # full names: 山东省, 吉林省 ...
    documents: dict[str, DocInfo] = field(default_factory=dict)  # file name -> title and date


def _rows(store: ox.Store, query: str) -> Iterator[dict[str, ox.NamedNode | ox.Literal]]:
    """The solutions of ``query`` as dicts, one at a time (a big build has 100,000s of them)."""
    result = store.query(SPARQL_PREFIXES + query, use_default_graph_as_union=True)
    variables = [v.value for v in result.variables]
    for sol in result:
        terms = [sol[v] for v in variables]
        yield {v: t for v, t in zip(variables, terms, strict=True) if t is not None}


def load_input(store: ox.Store) -> AnalogueInput:
    """Everything the finder needs from ``store``, in plain Python structures."""
    return with_knowledge(store, lambda cities: _load_items(store, cities), _load_documents(store))


def with_knowledge(
    store: ox.Store, load_items: Callable[[dict[str, str]], list[Item]], documents: dict[str, DocInfo]
) -> AnalogueInput:
    """The finder's input: the concepts, facets and places of ``store`` (its scheme and division
    graphs) with the items ``load_items(city IRI -> name)`` gives, their provinces and lifted concepts.

    One function for both readings of the items: SPARQL over a finished build (``load_input``)
    and the records of the build in progress (``analogues.index.analogue_input``).
    """
    concepts = _load_concepts(store)
    facets, facet_labels = _load_facets(store, concepts)
    places = _load_places(store)
    items = load_items(places.labels)
    for it in items:
        it.province = places.province.get(it.city, "")
    lift_concepts(items, concepts, str(SCHEME_REFORMS))
    return AnalogueInput(items, concepts, facets, facet_labels, places.per_city, places.all_names,
                         places.province_names, documents)  # fmt: skip


def _load_documents(store: ox.Store) -> dict[str, DocInfo]:
    """File name -> the article's title and date (when the article or its manifest gives them)."""
    out: dict[str, DocInfo] = {}
    for r in _rows(
        store,
        """SELECT ?file ?title ?date WHERE { ?d a ck:SourceDocument ; ck:fileName ?file .
          OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date } }""",
    ):
        f = r["file"].value
        doc = DocInfo(f, r["title"].value if "title" in r else "", r["date"].value if "date" in r else "")
        old = out.get(f)
        out[f] = doc if old is None else min(old, doc, key=lambda x: (x.title == "", x.title, x.date))
    return out


def _load_items(store: ox.Store, cities: dict[str, str]) -> list[Item]:
    values = " ".join(f"ck:{c}" for c in ANALOGUE_CLASSES)
    rank = {CK_IRI + c: i for i, c in enumerate(ANALOGUE_CLASSES)}
    items: dict[str, Item] = {}
    rows = list(
        _rows(
            store,
            f"SELECT DISTINCT ?x ?cls ?label WHERE {{ VALUES ?cls {{ {values} }} ?x a ?cls ; rdfs:label ?label }}",
        )
    )
    city: dict[str, str] = {}
    for r in _rows(store, "SELECT DISTINCT ?x ?c WHERE { ?x ck:inCity ?c }"):
        city[r["x"].value] = min(city.get(r["x"].value, r["c"].value), r["c"].value)
    for r in _rows(
        store,
        f"""SELECT DISTINCT ?x ?c WHERE {{ VALUES ?cls {{ {values} }} ?x a ?cls .
          FILTER NOT EXISTS {{ ?x ck:inCity ?any }} ?x ck:evidence/ck:inDocument/ck:aboutCity ?c }}""",
    ):
        if r["x"].value not in city:  # no ck:inCity: the city of the article it is found in
            city[r["x"].value] = r["c"].value
    rows.sort(key=lambda r: (r["x"].value, rank[r["cls"].value], r["label"].value))
    for r in rows:
        x = r["x"].value
        if x in items or x not in city:
            continue  # the most specific class and the first label win; no city, no comparison
        c = city[x]
        items[x] = Item(x, r["label"].value, r["cls"].value[len(CK_IRI) :], c, cities.get(c, ""))
    for r in _rows(
        store,
        f"""SELECT DISTINCT ?x ?file ?quote WHERE {{ VALUES ?cls {{ {values} }} ?x a ?cls .
          ?x ck:evidence ?ev . ?ev ck:inDocument ?d .
          OPTIONAL {{ ?d ck:fileName ?file }} OPTIONAL {{ ?ev ck:quote ?quote }} }}""",
    ):
        item = items.get(r["x"].value)
        if item is None:
            continue
        if "file" in r:
            item.files.add(r["file"].value)
        if "quote" in r and r["quote"].value not in item.quotes:
            item.quotes.append(r["quote"].value)
        if "quote" in r and "file" in r:
            q = r["quote"].value
            item.quote_files[q] = min(item.quote_files.get(q, r["file"].value), r["file"].value)
    for pred, attr in (("ck:realizes", "concepts"), ("ck:domain", "domains")):
        query = f"SELECT DISTINCT ?x ?c WHERE {{ VALUES ?cls {{ {values} }} ?x a ?cls ; {pred} ?c . FILTER(isIRI(?c)) }}"
        for r in _rows(store, query):
            item = items.get(r["x"].value)
            if item is not None:
                getattr(item, attr).add(r["c"].value)
    for r in _rows(store, "SELECT DISTINCT ?x ?i WHERE { ?o ck:refersTo ?x ; ck:indicator ?i . }"):
        item = items.get(r["x"].value)
        if item is not None:
            item.indicators.add(r["i"].value)
    for item in items.values():
        item.quotes.sort()
    return [items[k] for k in sorted(items)]


def lift_concepts(items: list[Item], concepts: dict[str, ConceptInfo], scheme: str) -> None:
    """Give items the ``scheme`` concepts their concepts of other schemes stand for.

    A brand concept (platforms.ttl: 湘易办, 随申办) is narrower than a kind (a provincial
    app) that skos:closeMatch a reform concept: the item realizes that reform concept
    too, so two provinces' apps are compared as one kind of thing.
    """
    lifted: dict[str, set[str]] = {}
    for it in items:
        extra: set[str] = set()
        for c in it.concepts:
            info = concepts.get(c)
            if info is None or info.scheme == scheme:
                continue
            if c not in lifted:
                ups = {c, *info.links.get("broader", ())}
                lifted[c] = {
                    r
                    for u in ups
                    if u in concepts
                    for r in concepts[u].links.get("close", ())
                    if r in concepts and concepts[r].scheme == scheme
                }
            extra |= lifted[c]
        it.concepts |= extra


def _load_concepts(store: ox.Store) -> dict[str, ConceptInfo]:
    concepts: dict[str, ConceptInfo] = {}
    for r in _rows(
        store,
        """SELECT DISTINCT ?c ?s ?zh ?en ?def ?dzh WHERE { ?c skos:inScheme ?s .
          OPTIONAL { ?c skos:prefLabel ?zh FILTER(langMatches(lang(?zh), "zh")) }
          OPTIONAL { ?c skos:prefLabel ?en FILTER(lang(?en) = "en") }
          OPTIONAL { ?c skos:definition ?def FILTER(lang(?def) = "en") }
          OPTIONAL { ?c skos:definition ?dzh FILTER(langMatches(lang(?dzh), "zh")) } }""",
    ):
        c = concepts.setdefault(r["c"].value, ConceptInfo(r["c"].value, r["s"].value))
        c.label_zh = c.label_zh or (r["zh"].value if "zh" in r else "")
        c.label_en = c.label_en or (r["en"].value if "en" in r else "")
        c.definition = c.definition or (r["def"].value if "def" in r else "")
        c.definition_zh = c.definition_zh or (r["dzh"].value if "dzh" in r else "")
    for r in _rows(
        store,
        """SELECT DISTINCT ?c ?p ?l WHERE { ?c skos:inScheme ?s .
          VALUES ?p { skos:prefLabel skos:altLabel skos:hiddenLabel }
          ?c ?p ?l . FILTER(langMatches(lang(?l), "zh")) }""",
    ):
        c = concepts[r["c"].value]
        c.cues.add(match_key(r["l"].value))
        if not r["p"].value.endswith("hiddenLabel"):
            c.names.add(match_key(r["l"].value))
    for r in _rows(store, "SELECT DISTINCT ?c WHERE { ?c skos:inScheme ?s ; ck:curated false }"):
        concepts[r["c"].value].curated = False
    for r in _rows(store, "SELECT DISTINCT ?c ?d WHERE { ?c skos:inScheme ?s ; ck:domain ?d . FILTER(isIRI(?d)) }"):
        if r["c"].value in concepts:
            concepts[r["c"].value].domains.add(r["d"].value)
    inverse = {"broader": "narrower", "narrower": "broader", "related": "related", "close": "close"}
    for pred, kind in _LINKS.items():
        for r in _rows(store, f"SELECT DISTINCT ?a ?b WHERE {{ ?a skos:{pred} ?b . FILTER(isIRI(?b)) }}"):
            a, b = r["a"].value, r["b"].value
            if a in concepts and b in concepts and a != b:
                concepts[a].links[kind].add(b)
                concepts[b].links[inverse[kind]].add(a)
    return concepts


def _load_facets(
    store: ox.Store, concepts: dict[str, ConceptInfo]
) -> tuple[dict[str, Facet], dict[str, list[str]]]:
    labels: dict[str, list[str]] = defaultdict(list)
    rows = list(
        _rows(
            store,
            f"""SELECT DISTINCT ?c ?l WHERE {{ ?c skos:inScheme <{FACET_SCHEME}> .
              VALUES ?p {{ skos:prefLabel skos:altLabel skos:hiddenLabel }}
              ?c ?p ?l . FILTER(langMatches(lang(?l), "zh")) }}""",
        )
    )
    if not rows:  # a dataset built without the facets scheme: use the bundled one
        from citykg.graph.kb import load_kb

        kb = load_kb()
        for c in kb.scheme("facets"):
            concepts.setdefault(c.iri, ConceptInfo(c.iri, FACET_SCHEME, c.pref_zh, c.pref_en, c.definition))
            for b in c.broader:
                concepts[c.iri].links["broader"].add(b)
            labels[c.iri] = c.labels
    for r in rows:
        labels[r["c"].value].append(r["l"].value)
    facets: dict[str, Facet] = {}
    for iri in labels:
        c = concepts.get(iri)
        if c is None:
            continue
        top = c
        for _ in range(MAX_FACET_DEPTH):  # climb to the facet kind (a top concept)
            parents = sorted(top.links.get("broader", ()))
            if not parents or parents[0] not in concepts:
                break
            top = concepts[parents[0]]
        if top is c:
            continue  # a facet kind itself is not a facet
        facets[iri] = Facet(iri, top.iri.rsplit("/", 1)[-1], c.label_zh, c.label_en)
    return facets, {k: sorted(v) for k, v in labels.items() if k in facets}


@dataclass
class _Places:
    labels: dict[str, str]  # area IRI -> full name
    per_city: dict[str, list[str]]  # city IRI -> names of it and its counties (full and short)
    all_names: list[str]  # full names of every province and city
    province: dict[str, str]  # city IRI -> province IRI
    province_names: list[str]


def _load_places(store: ox.Store) -> _Places:
    """Area names and levels, from the divisions in the store."""
    names: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    parent: dict[str, str] = {}
    labels: dict[str, str] = {}
    for r in _rows(
        store,
        """SELECT DISTINCT ?a ?type ?label ?alt ?parent WHERE { ?a ck:adcode ?code .
          OPTIONAL { ?a a ?type FILTER(?type IN (ck:Province, ck:City, ck:County)) }
          OPTIONAL { ?a rdfs:label ?label } OPTIONAL { ?a skos:altLabel ?alt }
          OPTIONAL { ?a ck:partOf ?parent } }""",
    ):
        a = r["a"].value
        if "type" in r:
            types[a].add(r["type"].value[len(CK_IRI) :])
        if "label" in r:
            labels[a] = r["label"].value
            names[a].add(r["label"].value)
        if "alt" in r:
            names[a].add(r["alt"].value)
        if "parent" in r:
            parent[a] = r["parent"].value
    level = {a: "City" if "City" in t else min(t) for a, t in types.items()}  # 北京市: both
    per_city: dict[str, set[str]] = defaultdict(set)
    all_names: set[str] = set()
    province: dict[str, str] = {}
    for a, ns in names.items():
        if level.get(a) in ("Province", "City") and a in labels:
            all_names.add(labels[a])  # full names only: 山东省 yes, 山东 no (爱山东, 数字山东)
        city = a if level.get(a) == "City" else parent.get(a, "")
        if level.get(a) in ("City", "County") and city:
            per_city[city] |= ns  # an item's own city and counties: short names too
        if level.get(a) == "City":
            up = parent.get(a, "")
            province[a] = up if up and level.get(up) == "Province" else a
    provinces = sorted(labels[a] for a, t in types.items() if "Province" in t and a in labels)
    return _Places(
        labels, {c: sorted(v) for c, v in per_city.items()}, sorted(all_names), province, provinces
    )
