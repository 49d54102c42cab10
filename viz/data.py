"""The build as plain Python records for the views, read with a few bulk SELECTs.

Every view (overview, city, reform, analogues, comparison) is a pure function of
this ``Model``, so ``write_site`` queries the store once (about ten SELECTs)
instead of once per page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from citykg.namespaces import CK_IRI, CKR_IRI, SPARQL_PREFIXES
from citykg.viz.source import ViewSource

INITIATIVE_CLASSES = ("Reform", "Platform", "Project", "PolicyDocument", "Organization", "Award")
AREA_LEVELS = ("Province", "City", "County")


@dataclass
class Evidence:
    quote: str
    doc: str  # document IRI
    start: int | None = None
    mention: str = ""


@dataclass
class Doc:
    iri: str
    title: str = ""
    date: str = ""
    file: str = ""
    publisher: str = ""
    about: list[str] = field(default_factory=list)


@dataclass
class Area:
    iri: str
    label: str
    level: str
    adcode: str = ""
    parent: str | None = None
    alts: list[str] = field(default_factory=list)


@dataclass
class Concept:
    iri: str
    scheme: str  # local name of the scheme: reforms | domains | indicators | ...
    label: str = ""
    label_en: str = ""
    alts: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The last path segment of the IRI, used in file names."""
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Initiative:
    iri: str
    cls: str
    label: str
    city: str | None = None
    concepts: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
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


@dataclass
class Analogy:
    iri: str
    source: str
    target: str
    score: float = 0.0
    basis: list[str] = field(default_factory=list)


@dataclass
class Model:
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
        for table in (self.areas, self.concepts, self.initiatives, self.docs):
            item = table.get(iri)
            if item is not None:
                text = getattr(item, "label", "") or getattr(item, "title", "")
                if text:
                    return text
        return iri.rstrip("/").rsplit("/", 1)[-1]

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

    def cities(self) -> list[str]:
        """Cities that have at least one initiative or observation, by label."""
        used = {i.city for i in self.initiatives.values() if i.city}
        used |= {self.subject_city(o.refers_to) for o in self.observations.values()}
        used.discard(None)
        return sorted(used, key=self.label)  # type: ignore[arg-type]

    def subject_city(self, iri: str | None) -> str | None:
        """The city an observation's subject (a city or an initiative) belongs to."""
        if iri in self.initiatives:
            return self.initiatives[iri].city
        return self.city_of(iri)

    def concepts_in_use(self, scheme: str | None = None) -> list[Concept]:
        used = {c for i in self.initiatives.values() for c in i.concepts}
        return sorted(
            (
                self.concepts[c]
                for c in used
                if c in self.concepts and (scheme is None or self.concepts[c].scheme == scheme)
            ),
            key=lambda c: c.label,
        )

    def indicators_in_use(self) -> list[Concept]:
        used = {o.indicator for o in self.observations.values()}
        return sorted((self.concepts[c] for c in used if c in self.concepts), key=lambda c: c.label)


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


Q_AREAS = """SELECT ?a ?level ?label ?lang ?adcode ?parent WHERE {
  ?a a ?level . VALUES ?level { ck:Province ck:City ck:County }
  OPTIONAL { ?a rdfs:label ?label BIND(LANG(?label) AS ?lang) }
  OPTIONAL { ?a ck:adcode ?adcode } OPTIONAL { ?a ck:partOf ?parent } }"""
Q_AREA_ALTS = """SELECT ?a ?alt WHERE { ?a ck:adcode ?code ; skos:altLabel ?alt }"""
Q_CONCEPTS = """SELECT ?c ?scheme ?label ?lang WHERE { ?c skos:inScheme ?scheme .
  OPTIONAL { ?c skos:prefLabel ?label BIND(LANG(?label) AS ?lang) } }"""
Q_CONCEPT_ALTS = """SELECT ?c ?alt WHERE { ?c skos:inScheme ?s ; skos:altLabel ?alt }"""
Q_CONCEPT_DOMAINS = """SELECT ?c ?d WHERE { ?c skos:inScheme ?s ; ck:domain ?d }"""
Q_INITIATIVES = """SELECT ?x ?cls ?label ?lang ?city WHERE {
  ?x a ?cls . VALUES ?cls { ck:Reform ck:Platform ck:Project ck:PolicyDocument ck:Organization ck:Award }
  OPTIONAL { ?x rdfs:label ?label BIND(LANG(?label) AS ?lang) } OPTIONAL { ?x ck:inCity ?city } }"""
Q_REALIZES = """SELECT ?x ?c WHERE { ?x ck:realizes ?c }"""
Q_INIT_DOMAINS = """SELECT ?x ?d WHERE { ?x ck:domain ?d FILTER NOT EXISTS { ?x skos:inScheme ?s } }"""
Q_EVIDENCE = """SELECT ?x ?quote ?doc ?start ?mention WHERE { ?x ck:evidence ?ev .
  ?ev ck:quote ?quote ; ck:inDocument ?doc .
  OPTIONAL { ?ev ck:charStart ?start } OPTIONAL { ?ev ck:mention ?mention } }"""
Q_DOCS = """SELECT ?d ?title ?date ?file ?publisher ?about WHERE { ?d a ck:SourceDocument .
  OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date }
  OPTIONAL { ?d ck:fileName ?file } OPTIONAL { ?d dcterms:publisher ?publisher }
  OPTIONAL { ?d ck:aboutCity ?about } }"""
Q_OBS = """SELECT ?o ?ind ?value ?max ?unit ?qual ?ref ?asOf ?role ?target ?raw ?rank WHERE {
  ?o a ck:Observation ; ck:indicator ?ind .
  OPTIONAL { ?o ck:value ?value } OPTIONAL { ?o ck:valueMax ?max } OPTIONAL { ?o ck:unit ?unit }
  OPTIONAL { ?o ck:qualifier ?qual } OPTIONAL { ?o ck:refersTo ?ref } OPTIONAL { ?o ck:asOf ?asOf }
  OPTIONAL { ?o ck:changeRole ?role } OPTIONAL { ?o ck:isTarget ?target } OPTIONAL { ?o ck:rawText ?raw }
  OPTIONAL { ?o a ck:Ranking BIND(true AS ?rank) } }"""
Q_ANALOGIES = """SELECT ?a ?s ?t ?score ?basis WHERE { ?a a ck:Analogy ; ck:source ?s ; ck:target ?t .
  OPTIONAL { ?a ck:score ?score } OPTIONAL { ?a ck:basis ?basis } }"""


def load_model(source: ViewSource) -> Model:
    """Read everything the views need from the build."""

    def q(body: str) -> list[dict[str, str]]:
        return source.select(SPARQL_PREFIXES + body)

    area_labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    areas: dict[str, Area] = {}
    for r in q(Q_AREAS):
        a = areas.setdefault(r["a"], Area(r["a"], "", _local(r["level"])))
        a.adcode = r.get("adcode", a.adcode)
        a.parent = r.get("parent", a.parent)
        if "label" in r:
            area_labels[r["a"]].append((r["label"], r.get("lang", "")))
    for iri, a in areas.items():
        a.label = _pick(area_labels[iri]) or a.adcode or _local(iri)
    for r in q(Q_AREA_ALTS):
        if r["a"] in areas and r["alt"] not in areas[r["a"]].alts:
            areas[r["a"]].alts.append(r["alt"])

    c_labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    concepts: dict[str, Concept] = {}
    for r in q(Q_CONCEPTS):
        concepts.setdefault(r["c"], Concept(r["c"], _local(r["scheme"])))
        if "label" in r:
            c_labels[r["c"]].append((r["label"], r.get("lang", "")))
    for iri, c in concepts.items():
        c.label = _pick(c_labels[iri]) or _local(iri)
        c.label_en = _pick(c_labels[iri], "en")
    for r in q(Q_CONCEPT_ALTS):
        if r["c"] in concepts:
            concepts[r["c"]].alts.append(r["alt"])
    for r in q(Q_CONCEPT_DOMAINS):
        if r["c"] in concepts and r["d"] not in concepts[r["c"]].domains:
            concepts[r["c"]].domains.append(r["d"])

    i_labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    inits: dict[str, Initiative] = {}
    for r in q(Q_INITIATIVES):
        i = inits.setdefault(r["x"], Initiative(r["x"], _local(r["cls"]), ""))
        i.city = i.city or r.get("city")
        if "label" in r:
            i_labels[r["x"]].append((r["label"], r.get("lang", "")))
    for iri, i in inits.items():
        i.label = _pick(i_labels[iri]) or _local(iri)
    for r in q(Q_REALIZES):
        if r["x"] in inits and r["c"] not in inits[r["x"]].concepts:
            inits[r["x"]].concepts.append(r["c"])
    for r in q(Q_INIT_DOMAINS):
        if r["x"] in inits and r["d"] not in inits[r["x"]].domains:
            inits[r["x"]].domains.append(r["d"])

    docs: dict[str, Doc] = {}
    for r in q(Q_DOCS):
        d = docs.setdefault(r["d"], Doc(r["d"]))
        d.title = d.title or r.get("title", "")
        d.date = d.date or r.get("date", "")
        d.file = d.file or r.get("file", "")
        d.publisher = d.publisher or r.get("publisher", "")
        if r.get("about") and r["about"] not in d.about:
            d.about.append(r["about"])

    obs: dict[str, Observation] = {}
    for r in q(Q_OBS):
        if r["o"] in obs:
            continue
        obs[r["o"]] = Observation(
            r["o"], r["ind"], r.get("value", ""), r.get("max", ""), r.get("unit", ""), r.get("qual", ""),
            r.get("ref"), r.get("asOf", ""), r.get("role", ""), r.get("target", "") in ("true", "1"),
            r.get("raw", ""), "rank" in r,
        )  # fmt: skip

    for r in q(Q_EVIDENCE):
        ev = Evidence(r["quote"], r["doc"], _int(r.get("start")), r.get("mention", ""))
        target = inits.get(r["x"]) or obs.get(r["x"])
        if target is not None and ev not in target.evidence:
            target.evidence.append(ev)
    for item in (*inits.values(), *obs.values()):
        item.evidence.sort(key=lambda e: (e.doc, e.start or 0))

    analogies: dict[str, Analogy] = {}
    for r in q(Q_ANALOGIES):
        a = analogies.setdefault(r["a"], Analogy(r["a"], r["s"], r["t"], _float(r.get("score"))))
        if r.get("basis") and r["basis"] not in a.basis:
            a.basis.append(r["basis"])
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
