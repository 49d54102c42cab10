"""RDF terms and query results shared by every store: rows of terms, booleans or triples.

``QueryResult.dicts()`` is the one row shape every command prints (IRIs in full,
literals as their lexical form), so the embedded store and a remote endpoint
answer identically.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from citykg.iris import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class QueryResult:
    """What any store answers: rows of RDF terms (SELECT), a boolean (ASK) or triples."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False  # more rows existed than max_rows (or than max_chars allowed)
    oversized: bool = False  # stopped by the size cap, not the row cap

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as variable -> lexical value (IRIs in full); unbound -> None."""
        if self.kind == "ask":
            return [{"result": "true" if self.boolean else "false"}]
        return [{v: lexical(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]

    def serialize(self, fmt: str = "turtle") -> str:
        """CONSTRUCT/DESCRIBE triples as Turtle, N-Triples or JSON-LD text."""
        return serialize_triples(self.triples, fmt)


def lexical(term: Term | None) -> str | None:
    """The value a row shows: full IRI, literal lexical form, ``_:id`` for blank nodes."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def to_term(value: Any) -> Term:
    """An RDF term from a pyoxigraph/rdflib term or a plain Python value.

    >>> str(to_term(3)), str(to_term("青岛"))
    ('"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"青岛"')
    """
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple):
        return value
    module = type(value).__module__
    if module.startswith("rdflib"):
        from rdflib import BNode, Literal, URIRef

        if isinstance(value, URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, BNode):
            return ox.BlankNode(str(value))
        if isinstance(value, Literal):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, Decimal | float):
        return ox.Literal(format(Decimal(str(value)), "f"), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(value))


def serialize_triples(triples: list[ox.Triple], fmt: str = "turtle") -> str:
    """Serialise triples; ``fmt`` is turtle, ntriples or jsonld."""
    if fmt == "jsonld":
        from rdflib import Graph

        g = Graph()
        for p, iri in PREFIXES.items():
            g.bind(p, iri)
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
        return g.serialize(format="json-ld", indent=2)
    rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "ntriples" else ox.RdfFormat.TURTLE
    prefixes = PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None
    kwargs = {"prefixes": prefixes} if prefixes else {}
    return ox.serialize(triples, format=rdf_format, **kwargs).decode()


def _size(term: Term | None) -> int:
    """Characters a term adds to a serialised answer (close enough to bound the bytes)."""
    if term is None:
        return 0
    if isinstance(term, ox.Triple):
        return len(str(term))
    return len(term.value) + 8


def answer_form(answer: Any) -> str:
    """``ask``, ``select`` or ``graph``: the form of a pyoxigraph answer (``collect``'s ``kind``)."""
    if isinstance(answer, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(answer, ox.QuerySolutions) else "graph"


def collect(
    answer: Any, kind: str, max_rows: int | None = None, max_chars: int | None = None
) -> QueryResult:
    """Turn a pyoxigraph answer (solutions, boolean or triples) into a QueryResult.

    At most ``max_rows`` rows or triples are kept, and collecting stops once their
    terms hold more than ``max_chars`` characters (one huge GROUP_CONCAT row);
    either sets ``truncated`` (``oversized`` for the second), so a server never
    holds an unbounded answer.
    """
    if kind == "ask":
        return QueryResult("ask", boolean=bool(answer))
    result = QueryResult(kind)
    chars = 0
    if kind == "graph":
        for triple in answer:
            if max_rows is not None and len(result.triples) >= max_rows:
                result.truncated = True
                break
            chars += _size(triple)
            if max_chars is not None and chars > max_chars:
                result.truncated = result.oversized = True
                break
            result.triples.append(triple)
        return result
    result.variables = [v.value for v in answer.variables]
    for sol in answer:
        if max_rows is not None and len(result.rows) >= max_rows:
            result.truncated = True
            break
        row = list(sol)
        if max_chars is not None:
            chars += sum(_size(t) for t in row)
            if chars > max_chars:
                result.truncated = result.oversized = True
                break
        result.rows.append(row)
    return result


XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = frozenset(
    XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
)  # fmt: skip
FLOAT_TYPES = frozenset({XSD + "double", XSD + "float"})


def typed(term: Any) -> Any:
    """A JSON value for an RDF term: numbers and booleans by datatype, everything else its text.

    >>> import pyoxigraph as ox
    >>> num = lambda v, t: typed(ox.Literal(v, datatype=ox.NamedNode(XSD + t)))
    >>> num("8894", "integer"), num("0.5", "decimal"), num("2.0", "decimal"), num("1E3", "double")
    (8894, 0.5, 2, 1000.0)
    >>> num("true", "boolean"), num("INF", "double"), typed(ox.Literal("青岛")), typed(None)
    (True, 'INF', '青岛', None)
    """
    datatype = getattr(term, "datatype", None)
    if datatype is None:
        return lexical(term)
    dtype, value = datatype.value, term.value
    try:
        if dtype in INTEGER_TYPES:
            return int(value)
        if dtype == XSD + "decimal":
            number = Decimal(value)
            return int(number) if number == number.to_integral_value() else float(number)
        if dtype in FLOAT_TYPES:
            f = float(value)
            return f if math.isfinite(f) else value
        if dtype == XSD + "boolean":
            return value.strip() in ("true", "1")
    except (ValueError, InvalidOperation):
        return value
    return value


def typed_rows(result: Any) -> list[dict[str, Any]]:
    """The rows of a SELECT result with typed values (see :func:`typed`)."""
    return [{v: typed(t) for v, t in zip(result.variables, row, strict=True)} for row in result.rows]
