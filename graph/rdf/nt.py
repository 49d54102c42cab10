"""RDF terms as N-Triples text: the form the document graphs are emitted, sorted and written in.

A document graph is a list of rows ``(subject IRI, predicate IRI, object)`` of plain
strings, the object in its N-Triples form (``<iri>``, ``"text"@zh``,
``"5"^^<…#integer>``): exactly ``str()`` of the pyoxigraph term, so sorting the rows
sorts the quads as ``trig.quad_key`` does, and no pyoxigraph object is made per
quad (making them was a third of the RDF step). ``textrig`` writes the rows as the
TriG pyoxigraph writes; ``rows_to_quads`` turns them into pyoxigraph quads where a
caller wants those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

#: a document graph's statement: subject IRI, predicate IRI, object as N-Triples text
Row = tuple[str, str, str]

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_INTEGER, XSD_DECIMAL, XSD_BOOLEAN = XSD + "integer", XSD + "decimal", XSD + "boolean"
XSD_DATE, XSD_YEAR_MONTH, XSD_YEAR = XSD + "date", XSD + "gYearMonth", XSD + "gYear"
ZH = "zh"

#: the characters a quoted N-Triples string escapes (oxrdf's ``print_quoted_str``): named escapes,
#: the other C0 controls, DEL and U+FFFE/U+FFFF as \\uXXXX (tests/graph/test_textrig.py checks it against pyoxigraph)
_NAMED_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_CONTROL_END = 0x20  # C0 controls are below this code point
_DEL = 0x7F
_NONCHARS = (0xFFFE, 0xFFFF)  # the two BMP noncharacters are escaped too
_ESCAPES = {c: _NAMED_ESCAPES.get(chr(c), f"\\u{c:04X}")
            for c in (*range(_CONTROL_END), _DEL, *_NONCHARS, ord('"'), ord("\\"))}  # fmt: skip
_NEEDS_ESCAPE = re.compile("[\x00-\x1f\x7f\ufffe\uffff\"\\\\]")
_UNESCAPE = re.compile(r'\\(?:u([0-9A-F]{4})|([btnfr"\\]))')
_HEX = 16  # \\uXXXX escapes are hexadecimal
_UNNAMED = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def quoted(text: str) -> str:
    """``text`` as a quoted N-Triples string.

    >>> quoted('他说"好"\\n')
    '"他说\\\\"好\\\\"\\\\n"'
    """
    if _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    return f'"{text.translate(_ESCAPES)}"'


def iri(value: str) -> str:
    """An IRI term: ``<value>``."""
    return f"<{value}>"


def literal(text: str) -> str:
    """A plain (xsd:string) literal."""
    return quoted(text)


def zh(text: str) -> str:
    """A literal tagged ``@zh``."""
    return quoted(text) + "@" + ZH


def typed(value: str, datatype: str) -> str:
    """A typed literal (``datatype`` an IRI string; xsd:string is written plain, as pyoxigraph does).

    >>> typed("5", XSD_INTEGER)
    '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if datatype == XSD + "string":
        return quoted(value)
    return f"{quoted(value)}^^<{datatype}>"


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), _HEX)) if m.group(1) else _UNNAMED[m.group(2)], body)


def value(term: str) -> str:
    """The IRI or lexical value of an N-Triples term (``.value`` of the pyoxigraph term).

    >>> value("<http://x/y>"), value('"数据\\\\"局"@zh'), value(typed("2024", XSD_YEAR))
    ('http://x/y', '数据"局', '2024')
    """
    if term[0] == "<":
        return term[1:-1]
    return _unescape(term[1 : term.rindex('"')])


def is_iri(term: str) -> bool:
    """Whether an N-Triples term is an IRI (not a literal)."""
    return term[0] == "<"


def nquads(rows: Iterable[Row], graph: str) -> bytes:
    """The rows as N-Quads in ``graph``, in their order (what ``ox.serialize(…, N_QUADS)`` writes)."""
    g = f" <{graph}> .\n"
    return "".join(f"<{s}> <{p}> {o}{g}" for s, p, o in rows).encode("utf-8")


def rows_to_quads(rows: Iterable[Row], graph: str) -> list[ox.Quad]:
    """pyoxigraph quads of ``rows`` in ``graph`` (parsed from their N-Quads: the exact terms)."""
    data = nquads(rows, graph)
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS)) if data else []


def quad_row(q: ox.Quad) -> Row:
    """The row of a pyoxigraph quad (its graph dropped)."""
    return (q.subject.value, q.predicate.value, str(q.object))
