"""Serialise a QueryResult as SPARQL JSON/XML/CSV/TSV or RDF, and negotiate the format.

Own serialisers (not pyoxigraph's) because the endpoint caps rows: it collects at
most ``max_rows`` solutions and then writes them.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from citykg.iris import PREFIXES
from citykg.store.sparqlterms import QueryResult, Term

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/javascript": "json",
    "application/javascript": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/n-quads": "nquads",
    "text/x-nquads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
    "text/n3": "n3",
    "text/rdf+n3": "n3",
    "application/n3": "n3",
}
CONTENT_TYPE = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "n3": "text/n3; charset=utf-8",
}
#: ``format=`` short names (also SPARQLWrapper's ``format``/``output`` values), per result kind.
SHORT_ROWS = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
SHORT_GRAPH = {
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "ntriples",
    "ntriples": "ntriples",
    "n-triples": "ntriples",
    "nq": "nquads",
    "nquads": "nquads",
    "n-quads": "nquads",
    "trig": "trig",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "rdfxml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
    "n3": "n3",
}
OX_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}
#: Formats that take prefixes (shorter, readable output).
WITH_PREFIXES = {"turtle", "trig", "n3"}


def _explicit(values: list[str], kind: str) -> str | None:
    """The first ``format=`` value that names a format of this result kind (short name or MIME type)."""
    short, table = (SHORT_GRAPH, GRAPH_TYPES) if kind == "graph" else (SHORT_ROWS, RESULT_TYPES)
    for value in values:
        v = value.strip().lower()
        if v in short:
            return short[v]
        if v in table:
            return table[v]
    return None


def negotiate(accept: str | None, kind: str, explicit: str | list[str] | None = None) -> str | None:
    """The result format for ``format=`` (if it names one for this kind), else the Accept header.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "select")
    'xml'
    >>> negotiate("*/*", "graph"), negotiate(None, "ask"), negotiate("image/png", "select")
    ('turtle', 'json', None)
    >>> negotiate("*/*", "graph", ["xml"]), negotiate(None, "select", ["tsv", "text/tab-separated-values"])
    ('rdfxml', 'tsv')
    """
    if explicit:
        found = _explicit([explicit] if isinstance(explicit, str) else explicit, kind)
        if found:
            return found
    table = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    default = "turtle" if kind == "graph" else "json"
    if not accept:
        return default
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *opts = [x.strip() for x in part.split(";")]
        q = 1.0
        for opt in opts:
            if opt.startswith("q="):
                try:
                    q = float(opt[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, media.lower()))
    for neg_q, _, media in sorted(ranked):
        if neg_q == 0:
            continue
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


def not_acceptable(accept: str | None, kind: str) -> str:
    """The 406 message: what was asked and which types this kind of result can have.

    >>> not_acceptable("image/png", "graph").split(" - ")[1][:40]
    'a CONSTRUCT/DESCRIBE result is available'
    """
    if kind == "graph":
        what, types = (
            "CONSTRUCT/DESCRIBE",
            [
                "text/turtle",
                "application/n-triples",
                "application/ld+json",
                "application/rdf+xml",
                "application/n-quads",
                "application/trig",
                "text/n3",
            ],
        )
        short = "turtle, nt, nq, trig, jsonld, rdfxml, n3"
    else:
        what = "SELECT" if kind == "select" else "ASK"
        types = [
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ]
        short = "json, xml, csv, tsv"
    return (
        f"No acceptable format (Accept: {accept}) - a {what} result is available as "
        f"{', '.join(types)} (or format={short}); try Accept: {types[0]}."
    )


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def serialize(result: QueryResult, fmt: str) -> bytes:
    """``result`` in ``fmt`` (json/xml/csv/tsv for rows; turtle/ntriples/nquads/trig/jsonld/rdfxml/n3 for graphs)."""
    if result.kind == "graph":
        kwargs = {"prefixes": PREFIXES} if fmt in WITH_PREFIXES else {}
        return ox.serialize(result.triples, format=OX_FORMAT[fmt], **kwargs)
    if fmt == "json":
        if result.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}).encode()
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
        doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode()
    if fmt == "xml":
        head = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        if result.kind == "ask":
            return f"{head}<head/><boolean>{str(bool(result.boolean)).lower()}</boolean></sparql>".encode()
        out = [
            head,
            "<head>",
            *(f"<variable name={quoteattr(v)}/>" for v in result.variables),
            "</head><results>",
        ]
        for row in result.rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(result.variables, row, strict=True)
                if t is not None
            ]
            out.append("</result>")
        out.append("</results></sparql>")
        return "\n".join(out).encode()
    buf = io.StringIO()
    if result.kind == "ask":  # no standard: CSV as Jena writes it, TSV as Oxigraph reads it
        answer = str(bool(result.boolean)).lower()
        return (f"_askResult\r\n{answer}\r\n" if fmt == "csv" else answer).encode()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(
                [
                    ""
                    if t is None
                    else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else getattr(t, "value", str(t)))
                    for t in row
                ]
            )
        return buf.getvalue().encode()
    buf.write("\t".join(f"?{v}" for v in result.variables) + "\n")
    for row in result.rows:
        buf.write("\t".join("" if t is None else str(t) for t in row) + "\n")
    return buf.getvalue().encode()
