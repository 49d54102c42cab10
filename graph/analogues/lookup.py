"""Read the materialised analogies of a finished build: what ``citykg analogues`` shows.

The build writes each initiative's best analogues as ck:Analogy nodes (graph
ckr:graph/analogies). Answering for one initiative or one city reads only those
nodes and the few initiatives they join, through the store's indexes: a name is
resolved by binding it as a literal (``VALUES``), not by scanning every label,
and nothing is recomputed (at 2,000 articles the full recompute took 95 s and
3.4 GB). Each row carries both evidence sentences with their articles' titles and
dates, and the reasons in English and Chinese.

Library code: errors are ``citykg.errors`` (the CLI prints them in one line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from citykg.errors import NotFound, closest
from citykg.graph.analogues.explain import KINDS, basis_order
from citykg.graph.analogues.text import match_key
from citykg.graph.records import ENTITY_CLASSES, EntityClass

CLASSES = tuple(c for c in ENTITY_CLASSES if c != EntityClass.Organization)
#: offered as policy analogues by default; awards and documents only with ``--classes``
POLICY_CLASSES = (EntityClass.Reform, EntityClass.Platform, EntityClass.Project)
CK = "https://w3id.org/citykg/ontology#"
#: IRIs per VALUES block of a describe query (one query per block keeps each query small)
VALUES_CHUNK = 500
#: provincial app and portal kinds (the reform scheme's and the brand scheme's)
PORTALS = frozenset(
    {
        "https://w3id.org/citykg/resource/concept/platform/provincial-app",
        "https://w3id.org/citykg/resource/concept/reform/provincial-gov-app",
    }
)


@dataclass
class Evidence:
    quote: str
    file: str
    title: str = ""
    date: str = ""

    @property
    def source(self) -> str:
        """``title (date)``, else the file name.

        >>> Evidence("q", "a.txt", "标题", "2024-01-02").source, Evidence("q", "a.txt").source
        ('标题 (2024-01-02)', 'a.txt')
        """
        head = self.title or self.file
        return f"{head} ({self.date})" if self.date else head


@dataclass
class Initiative:
    iri: str
    label: str = ""
    cls: str = ""
    city: str = ""
    city_label: str = ""
    concepts: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    portal: bool = False  # a provincial government-service app or portal (the city uses it)

    def sentence(self) -> Evidence | None:
        """The evidence that names it, newest article first, then the fullest sentence (the one shown)."""
        named = [e for e in self.evidence if match_key(self.label) in match_key(e.quote)] or self.evidence
        return min(named, key=lambda e: (e.date == "", _neg(e.date), -len(e.quote), e.quote), default=None)


def _neg(date: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in date)


@dataclass
class Row:
    """One analogy seen from one side (the ``a`` side)."""

    score: float
    a: str
    b: str
    basis: list[str] = field(default_factory=list)
    basis_zh: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def flipped(self) -> Row:
        return Row(self.score, self.b, self.a, self.basis, self.basis_zh, self.kinds)


def values(var: str, terms: Iterable[ox.NamedNode | ox.Literal]) -> str:
    """A VALUES clause of serialised RDF terms (pyoxigraph escapes them: no text reaches SPARQL).

    >>> values("x", [ox.NamedNode("http://a/b"), ox.Literal('a"b', language="zh")])
    'VALUES ?x { <http://a/b> "a\\\\"b"@zh }'
    """
    return f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}"


class Lookup:
    """Targeted reads of a build (``citykg.store.core.QueryStore``)."""

    def __init__(self, qs: object) -> None:
        self.qs = qs
        self.items: dict[str, Initiative] = {}

    def select(self, sparql: str) -> list[dict[str, str | None]]:
        prefixes = f"PREFIX ck: <{CK}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        prefixes += "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
        return self.qs.select(prefixes + sparql)  # type: ignore[attr-defined, no-any-return]

    # ------------------------------------------------------------ names

    def initiatives_named(self, name: str) -> set[str]:
        """Initiatives labelled ``name`` (bound as a literal: an index lookup), else containing it."""
        forms = {name.strip(), name.strip().replace('"', "“")}
        terms = [t for f in forms for t in (ox.Literal(f, language="zh"), ox.Literal(f))]
        classes = " ".join(f"ck:{c}" for c in CLASSES)
        rows = self.select(
            f"SELECT DISTINCT ?x WHERE {{ {values('l', terms)} ?x rdfs:label ?l . "
            f"VALUES ?cls {{ {classes} }} ?x a ?cls }}"
        )
        if rows:
            return {r["x"] for r in rows if r["x"]}
        labels = self._all_labels()
        key = match_key(name)
        part = {x for x, lab in labels if key and key in match_key(lab)}
        if part:
            return part
        raise NotFound("initiative", name, closest(name, sorted({lab for _, lab in labels})))

    def _all_labels(self) -> list[tuple[str, str]]:
        classes = " ".join(f"ck:{c}" for c in CLASSES)
        rows = self.select(f"SELECT DISTINCT ?x ?l WHERE {{ VALUES ?cls {{ {classes} }} ?x a ?cls ; rdfs:label ?l }}")
        return [(r["x"], r["l"]) for r in rows if r["x"] and r["l"]]

    def city_named(self, name: str, option: str) -> str:
        """City IRI for a typed name (通化 or 通化市), by bound literals; else close matches."""
        forms = {name.strip(), name.strip() + "市"}
        terms = [t for f in sorted(forms) for t in (ox.Literal(f, language="zh"), ox.Literal(f))]
        rows = self.select(
            f"SELECT DISTINCT ?c WHERE {{ {values('n', terms)} ?c a ck:City . "
            "{ ?c rdfs:label ?n } UNION { ?c skos:altLabel ?n } }"
        )
        hits = sorted(r["c"] for r in rows if r["c"])
        if hits:
            return hits[0]
        names = [r["n"] for r in self.select("SELECT DISTINCT ?n WHERE { ?c a ck:City ; rdfs:label ?n }") if r["n"]]
        raise NotFound(
            f"city (given to {option})",
            name,
            closest(name, names),
            'run "citykg analogues --similar-cities <city>" with one of the cities built',
        )

    def city_initiatives(self, city: str) -> set[str]:
        rows = self.select(f"SELECT DISTINCT ?x WHERE {{ {values('c', [ox.NamedNode(city)])} ?x ck:inCity ?c }}")
        return {r["x"] for r in rows if r["x"]}

    # ------------------------------------------------------------ analogies

    def analogies(self, focus: set[str] | None) -> list[Row]:
        """The materialised analogies touching ``focus`` (all when None), best first."""
        if focus is not None and not focus:
            return []
        bound = ""
        if focus is not None:
            bound = values("x", [ox.NamedNode(x) for x in sorted(focus)])
            bound += " { ?a ck:source ?x } UNION { ?a ck:target ?x }"
        rows = self.select(
            f"SELECT ?a ?score ?s ?t ?basis ?kind WHERE {{ {bound} ?a a ck:Analogy ; ck:score ?score ; "
            "ck:source ?s ; ck:target ?t . OPTIONAL { ?a ck:basis ?basis } OPTIONAL { ?a ck:basisKind ?kind } }"
        )
        merged: dict[str, Row] = {}
        for r in rows:
            row = merged.setdefault(r["a"] or "", Row(float(r["score"] or 0), r["s"] or "", r["t"] or ""))
            b = r["basis"]
            if b:
                target = row.basis_zh if _is_zh(b) else row.basis
                if b not in target:
                    target.append(b)
            if r["kind"] and r["kind"] not in row.kinds:
                row.kinds.append(r["kind"])
        for row in merged.values():
            row.basis, row.basis_zh = basis_order(row.basis), basis_order(row.basis_zh)
            row.kinds = [k for k in KINDS if k in row.kinds]
        return sorted(merged.values(), key=lambda r: (-r.score, r.a, r.b))

    def describe(self, iris: Iterable[str], evidence: bool = True) -> dict[str, Initiative]:
        """Label, class, city, concepts and (``evidence``) sentences with their articles, by IRI."""
        want = sorted(set(iris) - set(self.items))
        for start in range(0, len(want), VALUES_CHUNK):
            chunk = values("x", [ox.NamedNode(x) for x in want[start : start + VALUES_CHUNK]])
            self._describe(chunk, evidence)
        return {x: self.items[x] for x in iris if x in self.items}

    def _describe(self, chunk: str, evidence: bool) -> None:
        # plain bound lookups, joined here: one query with nested OPTIONALs took 10 s at 2,000 articles
        classes = " ".join(f"ck:{c}" for c in CLASSES)
        for r in self.select(f"SELECT ?x ?cls ?l WHERE {{ {chunk} VALUES ?cls {{ {classes} }} ?x a ?cls ; rdfs:label ?l }}"):
            x = r["x"] or ""
            it = self.items.setdefault(x, Initiative(x))
            rank = CLASSES.index((r["cls"] or "").rsplit("#", 1)[-1])
            if not it.cls or rank < CLASSES.index(it.cls):
                it.cls = CLASSES[rank]
            it.label = min(filter(None, (it.label, r["l"] or "")), default="")
        city: dict[str, str] = {}
        for r in self.select(f"SELECT ?x ?c WHERE {{ {chunk} ?x ck:inCity ?c }}"):
            if r["x"] and r["c"]:
                city[r["x"]] = min(city.get(r["x"], r["c"]), r["c"])
        for r in self.select(f"SELECT ?x ?c WHERE {{ {chunk} ?x ck:evidence/ck:inDocument/ck:aboutCity ?c }}"):
            if r["x"] and r["c"] and r["x"] not in city:  # no ck:inCity: the city of its article
                city[r["x"]] = r["c"]
        names: dict[str, str] = {}
        if city:
            bound = values("c", [ox.NamedNode(c) for c in sorted(set(city.values()))])
            for r in self.select(f"SELECT ?c ?l WHERE {{ {bound} ?c rdfs:label ?l }}"):
                if r["c"] and r["l"]:
                    names[r["c"]] = min(names.get(r["c"], r["l"]), r["l"])
        for x, c in city.items():
            if x in self.items:
                self.items[x].city, self.items[x].city_label = c, names.get(c, "")
        for r in self.select(f"SELECT ?x ?k ?up WHERE {{ {chunk} ?x ck:realizes ?k OPTIONAL {{ ?k skos:broader ?up }} }}"):
            it = self.items.get(r["x"] or "")
            if it is not None and r["k"]:
                it.concepts.add(r["k"])
                it.portal = it.portal or r["k"] in PORTALS or r["up"] in PORTALS
        if evidence:
            self._evidence(chunk)

    def add_evidence(self, iris: Iterable[str]) -> None:
        """Read the evidence sentences of these (described) initiatives, if not read yet."""
        want = sorted(x for x in set(iris) if x in self.items and not self.items[x].evidence)
        for start in range(0, len(want), VALUES_CHUNK):
            self._evidence(values("x", [ox.NamedNode(x) for x in want[start : start + VALUES_CHUNK]]))

    def _evidence(self, chunk: str) -> None:
        seen: dict[str, set[str]] = defaultdict(set)
        for r in self.select(
            f"SELECT ?x ?q ?f ?title ?date WHERE {{ {chunk} ?x ck:evidence ?e . ?e ck:quote ?q ; ck:inDocument ?d . "
            "OPTIONAL { ?d ck:fileName ?f } OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date } }"
        ):
            it = self.items.get(r["x"] or "")
            if it is None or not r["q"] or r["q"] in seen[it.iri]:
                continue
            seen[it.iri].add(r["q"])
            it.evidence.append(Evidence(r["q"], r["f"] or "", r["title"] or "", r["date"] or ""))
        for it in self.items.values():
            it.evidence.sort(key=lambda e: (e.file, e.quote))


def _is_zh(text: str) -> bool:
    """Is this reason the Chinese one (it starts with a CJK character)?

    >>> _is_zh("两者都实施无感认证"), _is_zh("both realize 无感认证")
    (True, False)
    """
    return bool(text) and "\u4e00" <= text[0] <= "\u9fff"


def offered(it: Initiative, classes: Iterable[str]) -> bool:
    """Is ``it`` offered as a policy analogue? Awards, documents and provincial portals a city
    merely uses (湘易办 in a 长沙 article) only when asked for (``--classes ...,Award,Portal``).

    >>> offered(Initiative("x", cls="Award"), POLICY_CLASSES), offered(Initiative("y", cls="Reform"), POLICY_CLASSES)
    (False, True)
    >>> offered(Initiative("z", cls="Platform", portal=True), POLICY_CLASSES)
    False
    """
    wanted = set(classes)
    return it.cls in wanted and (not it.portal or "Portal" in wanted)
