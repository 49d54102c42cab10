"""The saved-query catalogue: ``queries/*.rq`` headers, parameters and their binding.

Each file starts with a header of ``# key: value`` lines::

    # title: 推行某项改革的城市 / Cities running a reform
    # description: Which cities run a reform, with the sentence that says so.
    # params: reform (reform label or IRI), min_cities (integer, default 2)
    # columns: city, initiative, quote
    # example: reform=一网通办

A parameter whose type mentions ``IRI`` takes a label (resolved against the
graph: 青岛 -> the city's IRI) or a full IRI; the word before ``label`` says what
kind of node (city, reform, indicator, domain, concept, initiative, node).
Literal parameters are typed: integer, decimal, string, date, boolean.
An IRI parameter declared ``default all`` is optional: left out (or given as
``all``), it stays unbound and the query answers for every node. Two integer
parameters page a listing: ``limit`` and ``offset`` set the numbers of the query's
one ``LIMIT``/``OFFSET`` clause (see ``citykg.store.core.bind``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from citykg.errors import NotFound, QueryError, closest
from citykg.iris import PREFIXES
from citykg.iris import SCHEME_DOMAINS_IRI as SCHEME_DOMAINS
from citykg.iris import SCHEME_INDICATORS_IRI as SCHEME_INDICATORS
from citykg.iris import SCHEME_REFORMS_IRI as SCHEME_REFORMS
from citykg.paths import queries_dir
from citykg.store.core import PAGE_PARAMS, QueryStore, StoreError

XSD = "http://www.w3.org/2001/XMLSchema#"
ALL = "all"  # the default of an optional IRI parameter: leave it unbound
LITERAL_TYPES = ("integer", "decimal", "string", "date", "boolean")
# kind -> SPARQL pattern over ?x (candidate) and ?l (one of its labels); ?text is bound.
RESOLVERS = {
    "city": "?x a ck:City ; rdfs:label|skos:altLabel ?l .",
    "area": "?x ck:adcode ?code ; rdfs:label|skos:altLabel ?l .",
    "reform": f"?x skos:inScheme <{SCHEME_REFORMS}> ; skos:prefLabel|skos:altLabel ?l .",
    "indicator": f"?x skos:inScheme <{SCHEME_INDICATORS}> ; skos:prefLabel|skos:altLabel ?l .",
    "domain": f"?x skos:inScheme <{SCHEME_DOMAINS}> ; skos:prefLabel|skos:altLabel ?l .",
    "concept": "?x a skos:Concept ; skos:prefLabel|skos:altLabel ?l .",
    "initiative": "?x rdfs:label ?l .",  # and RESOLVER_CHECKS
    "document": "?x a ck:SourceDocument ; ck:fileName|dcterms:title ?l .",
    "node": "?x rdfs:label|skos:prefLabel|skos:altLabel ?l .",
}
#: Conditions on a label's matches, checked after the label matched: an initiative has evidence
#: (a join starting from the 300k evidence links took 110 CPU s at 2,000 articles).
RESOLVER_CHECKS = {"initiative": "FILTER EXISTS { ?x ck:evidence ?ev }"}
HINTS = {
    "city": "list-cities",
    "area": "list-cities",
    "reform": "list-reforms",
    "indicator": "list-indicators",
    "domain": "domains-overview",
    "concept": "list-reforms",
    "initiative": "search-labels",
    "document": "list-articles",
    "node": "search-labels",
}


@dataclass
class Param:
    """One declared parameter of a saved query."""

    name: str
    kind: str  # "iri" or one of LITERAL_TYPES
    resolve: str | None = None  # RESOLVERS key for IRI params
    default: str | None = None
    doc: str = ""

    def describe(self) -> str:
        extra = f", default {self.default}" if self.default is not None else ""
        return f"{self.name} ({self.doc}{extra})"


@dataclass
class SavedQuery:
    """A ``.rq`` file with its parsed header."""

    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    example: dict[str, str] = field(default_factory=dict)

    @property
    def title_zh(self) -> str:
        return self.title.split(" / ")[0].strip()

    @property
    def title_en(self) -> str:
        parts = self.title.split(" / ", 1)
        return parts[1].strip() if len(parts) > 1 else parts[0].strip()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "description": self.description,
            "params": [p.describe() for p in self.params],
            "columns": self.columns,
            "example": self.example,
        }


_HEADER = re.compile(r"#\s*([a-z_]+)\s*:\s?(.*)")
_PARAM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(([^()]*)\)")


def parse_params(spec: str) -> list[Param]:
    """Parse a ``params:`` header value.

    >>> [(p.name, p.kind, p.resolve, p.default) for p in parse_params("reform (reform label or IRI), n (integer, default 2)")]
    [('reform', 'iri', 'reform', None), ('n', 'integer', None, '2')]
    >>> parse_params("none")
    []
    """
    spec = spec.strip()
    if spec.lower() in ("", "none", "-"):
        return []
    params = []
    for m in _PARAM.finditer(spec):
        name, inner = m.group(1), m.group(2)
        parts = [x.strip() for x in inner.split(",")]
        default = next(
            (x[len("default ") :].strip() for x in parts if x.lower().startswith("default ")), None
        )
        doc = ", ".join(x for x in parts if not x.lower().startswith("default "))
        lowered = doc.lower()
        if re.search(r"\biri\b", lowered):
            first = lowered.split()[0]
            resolve = first if first in RESOLVERS else (name if name in RESOLVERS else "node")
            params.append(Param(name, "iri", resolve, default, doc))
        else:
            kind = next((t for t in LITERAL_TYPES if t in lowered), "string")
            params.append(Param(name, kind, None, default, doc))
    if not params:
        raise ValueError(f"cannot read params {spec!r}: write e.g. 'reform (reform label or IRI)'")
    return params


def parse_header(name: str, path: Path, text: str) -> SavedQuery:
    """Read the ``# key: value`` header at the top of a saved query."""
    q = SavedQuery(name=name, path=path, text=text)
    fields: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        m = _HEADER.fullmatch(stripped)
        if m and m.group(1) in ("title", "description", "params", "columns", "example"):
            last = m.group(1)
            fields[last] = m.group(2).strip()
        elif last is not None:
            fields[last] += " " + stripped.lstrip("#").strip()
    q.title = fields.get("title", "")
    q.description = fields.get("description", "")
    q.params = parse_params(fields.get("params", "none"))
    q.columns = [c.strip() for c in fields.get("columns", "").split(",") if c.strip()]
    for pair in fields.get("example", "").split(","):
        if "=" in pair:
            k, v = pair.split("=", 1)
            q.example[k.strip()] = v.strip()
    return q


def catalogue(folder: Path | None = None, qc: bool = False) -> dict[str, SavedQuery]:
    """Saved queries by name (``qc/*-violation.rq`` when ``qc``)."""
    root = (folder or queries_dir()) / ("qc" if qc else "")
    paths = sorted(root.glob("*.rq"))
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in paths)
    cached = _CATALOGUES.get(root)
    if cached is None or cached[0] != stamp:  # parsed again only when a file changed
        cached = stamp, {p.stem: parse_header(p.stem, p, p.read_text(encoding="utf-8")) for p in paths}
        _CATALOGUES[root] = cached
    return dict(cached[1])


_CATALOGUES: dict[Path, tuple[tuple[tuple[str, int], ...], dict[str, SavedQuery]]] = {}


def find(name: str) -> SavedQuery:
    """A saved query by name (``qc/<name>`` for checks); unknown -> NotFound suggesting the closest names."""
    lib = catalogue()
    if name in lib:
        return lib[name]
    checks = catalogue(qc=True)
    key = name.removeprefix("qc/")
    if key in checks:
        return checks[key]
    by_title = {t: q.name for q in lib.values() for t in (q.title_en, q.title_zh) if t}
    near = closest(name, list(lib)) or [by_title[t] for t in closest(name, list(by_title))]
    raise NotFound(
        "query",
        name,
        near,
        hint=f'saved queries are: {", ".join(lib)} (run "citykg queries" for titles and parameters).',
    )


def literal(param: Param, value: str, query: str) -> ox.Literal:
    """A typed literal for a literal parameter; bad values -> QueryError."""
    try:
        if param.kind == "integer":
            number = int(value)
            if param.name in PAGE_PARAMS and number < 0:
                raise ValueError(value)
            return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))
        if param.kind == "decimal":
            return ox.Literal(format(Decimal(value), "f"), datatype=ox.NamedNode(XSD + "decimal"))
        if param.kind == "boolean":
            if value.lower() not in ("true", "false"):
                raise ValueError(value)
            return ox.Literal(value.lower(), datatype=ox.NamedNode(XSD + "boolean"))
        if param.kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    except (ValueError, InvalidOperation):
        kind = "non-negative integer" if param.name in PAGE_PARAMS else param.kind
        raise QueryError(
            f'Query "{query}": parameter {param.name}={value!r} is not a valid '
            f"{kind} - pass e.g. --param {param.name}="
            + {"integer": "2", "decimal": "0.5", "boolean": "true", "date": "2024-01-31"}.get(param.kind, "…")
        ) from None
    return ox.Literal(value)


def expand_iri(value: str) -> str | None:
    """A full IRI from ``http(s)://…``, ``urn:…`` or a known CURIE (``ckr:area/370200``), else None.

    >>> expand_iri("ckr:area/370200")
    'https://w3id.org/citykg/resource/area/370200'
    >>> expand_iri("青岛") is None
    True
    """
    if value.startswith(("http://", "https://", "urn:")):
        return value
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


def resolve(store: QueryStore, kind: str, value: str, query: str = "", param: str = "") -> ox.NamedNode:
    """Resolve a label (or IRI) to exactly one node of ``kind``; ambiguity/unknown -> QueryError.

    ``label@city`` (一网通办@青岛) narrows a label to the nodes of one city. A store whose
    data cannot change (the embedded one) remembers what it resolved.
    """
    memo = getattr(store, "resolved", None)
    if memo is not None and (kind, value) in memo:
        return memo[(kind, value)]
    node = _resolve(store, kind, value, query, param)
    if memo is not None and len(memo) < RESOLVED_MEMO:
        memo[(kind, value)] = node
    return node


#: Resolved labels an embedded store remembers (a server resolves the same few again and again).
RESOLVED_MEMO = 4096


def _resolve(store: QueryStore, kind: str, value: str, query: str, param: str) -> ox.NamedNode:
    iri = expand_iri(value)
    if iri is not None:
        try:
            return ox.NamedNode(iri)
        except ValueError:
            raise QueryError(f"Parameter {param}: {value!r} is not a valid IRI.") from None
    text, _, city = value.strip().partition("@")
    if kind in ("city", "area") and not city:
        from citykg.store.cityforms import city_form

        found = city_form(store, kind, text.strip())
        if isinstance(found, ox.NamedNode):
            return found
        text = found
    params: dict[str, ox.Literal] = {"text": ox.Literal(text.strip())}
    narrow = ""
    if city.strip():
        params["city"] = ox.Literal(city.strip())
        # OPTIONAL whose FILTER sees ?city: the city's labels are read for the label's matches only
        # (an inner join let Oxigraph start from every node's city: 10 CPU s at 2,000 articles)
        narrow = "OPTIONAL { ?x ck:inCity/(rdfs:label|skos:altLabel) ?cl FILTER(STR(?cl) = STR(?city)) } FILTER(BOUND(?cl))"
    pattern = RESOLVERS[kind]
    # the label match is a sub-SELECT, evaluated first (it gets the ?text VALUES row), then the rest
    head = "SELECT ?x (SAMPLE(?l) AS ?label) (SAMPLE(?cityl) AS ?where) WHERE { { SELECT DISTINCT ?x ?l WHERE {"
    checks = RESOLVER_CHECKS.get(kind, "")
    tail = f"}} }} {checks} {narrow} OPTIONAL {{ ?x ck:inCity/rdfs:label ?cityl }} }} GROUP BY ?x ORDER BY ?x"
    rows = store.select(f"{head} {pattern} FILTER(LCASE(STR(?l)) = LCASE(?text)) {tail}", params)
    where = f'Query "{query}": ' if query else ""
    if len(rows) == 1:
        return ox.NamedNode(rows[0]["x"])
    hint = HINTS[kind]
    if not rows:
        near = store.select(
            f"{head} {pattern} FILTER(CONTAINS(LCASE(STR(?l)), LCASE(?text)) || "
            f"CONTAINS(LCASE(?text), LCASE(STR(?l)))) {tail} LIMIT 8",
            params,
        )
        close = f" Close: {', '.join(_show(r) for r in near)}." if near else ""
        raise QueryError(
            f'{where}no {kind} is labelled "{value}" ({param}).{close} '
            f'Run "citykg query {hint}" to see valid values, or pass a full IRI.'
        )
    listed = "; ".join(f"{_show(r)} <{r['x']}>" for r in rows[:10])
    raise QueryError(
        f'{where}"{value}" names {len(rows)} {kind}s ({param}): {listed} - '
        "pass one of the IRIs, or label@city."
    )


def _show(row: dict[str, str | None]) -> str:
    return f"{row['label']}@{row['where']}" if row.get("where") else str(row["label"])


def bind_params(
    saved: SavedQuery, given: dict[str, str], store: QueryStore
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check ``given`` against the declared params, apply defaults, resolve labels -> RDF terms.

    A saved query that reads the derived summaries graph fails with a reason on a
    store that lacks it (loaded from the TriG by another tool), instead of answering nothing.
    """
    from citykg.store.summaries import check_requirements

    check_requirements(saved, store)
    for name in given:
        if saved.param(name) is None:
            takes = ", ".join(p.name for p in saved.params) or "none"
            raise QueryError(
                f'Query "{saved.name}" does not declare parameter "{name}" (it takes: {takes}).'
            )
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in saved.params:
        value = given.get(p.name, p.default)
        if value is None:
            raise QueryError(
                f'Query "{saved.name}" needs --param {p.name}=… ({p.doc}); '
                f"e.g. --param {p.name}={saved.example.get(p.name, '…')}"
            )
        if p.kind == "iri" and p.default == ALL and value.strip().lower() == ALL:
            continue  # optional: unbound, the query answers for every node
        if p.kind == "iri":
            out[p.name] = resolve(store, p.resolve or "node", value, saved.name, p.name)
        else:
            out[p.name] = literal(p, value, saved.name)
    return out


def parse_param_options(values: tuple[str, ...]) -> dict[str, str]:
    """``("reform=一网通办", ...)`` -> dict; a malformed one -> QueryError.

    >>> parse_param_options(("reform=一网通办", "n = 3"))
    {'reform': '一网通办', 'n': '3'}
    """
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {item!r}: write NAME=VALUE, e.g. --param reform=一网通办")
        out[name.strip()] = value.strip()
    return out


__all__ = [
    "Param",
    "SavedQuery",
    "StoreError",
    "bind_params",
    "catalogue",
    "find",
    "parse_header",
    "parse_params",
    "resolve",
]
