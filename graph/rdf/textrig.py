"""A document graph's rows written as TriG text, byte for byte what pyoxigraph's writer makes.

``trig.block`` hands pyoxigraph quads to ``ox.serialize``; a document graph is emitted
as rows of N-Triples text (``nt``), and this module writes those rows straight away:
sorted as ``trig.quad_key`` sorts (the rows' own order), then the prefixes, the graph
and one statement per subject, ``;`` between predicates, ``,`` between objects, names
abbreviated with the longest prefix whose local part Turtle allows (escaping what it
can, as oxttl's ``escape_local_name`` does), ``a`` for rdf:type, booleans, integers,
decimals and doubles unquoted. tests/graph/test_textrig.py compares the bytes with
pyoxigraph's on random rows and on real documents.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

from citykg.graph.rdf.nt import XSD, Row
from citykg.namespaces import PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: IRIs whose Turtle form is remembered (predicates, classes, areas, concepts repeat across documents)
TERM_CACHE = 1 << 16

# Turtle's PN_CHARS_BASE, PN_CHARS_U and PN_CHARS (the ranges oxttl's lexer accepts)
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS = _BASE + "_\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
#: what a local name may escape with a backslash and has to (``_``, ``-`` and ``.`` only where they must)
_ESCAPABLE = "~!$&'()*+,;=/?#@%"
_LOCAL_OK = re.compile(f"[{_CHARS}:.{re.escape(_ESCAPABLE)}]+")
_FIRST_PLAIN = re.compile(f"[{_BASE}_:0-9]")
#: a local name of ASCII letters, digits, _ / - that neither starts with - nor ends with . (most of them)
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_/-]*")
_TO_ESCAPE = re.compile(f"[{re.escape(_ESCAPABLE)}]")
_INLINE = {
    XSD + "boolean": re.compile(r"true|false"),
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+"),
}


def _header_and_prefixes() -> tuple[str, list[tuple[str, str]]]:
    """pyoxigraph's own prefix lines (their order is its choice) and the prefixes longest IRI first."""
    probe = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"), ox.NamedNode("urn:x:g"))
    text = ox.serialize([probe], format=ox.RdfFormat.TRIG, prefixes=PREFIXES).decode("utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("@prefix "))
    return header, sorted(((iri, name) for name, iri in PREFIXES.items()), key=lambda x: -len(x[0]))


_HEADER, _PREFIXES = _header_and_prefixes()


def escape_local(name: str) -> str | None:
    """A prefixed name's local part as Turtle writes it, or None when it cannot be one.

    >>> escape_local("evidence/ab/12-15"), escape_local("-x."), escape_local("a b")
    ('evidence\\\\/ab\\\\/12-15', '\\\\-x\\\\.', None)
    """
    if _PLAIN_LOCAL.fullmatch(name):  # what citykg mints (area/370100, evidence/ab12/3-9): only / to escape
        return name.replace("/", "\\/")
    if not _LOCAL_OK.fullmatch(name):
        return None
    out = _TO_ESCAPE.sub(r"\\\g<0>", name)
    first = name[0]
    if first in "-.":
        out = "\\" + out
    elif not _FIRST_PLAIN.match(first) and first not in _ESCAPABLE:
        return None  # · and combining marks may not start a local name, nor be escaped
    if name[-1] == "." and len(name) > 1:
        out = out[:-1] + "\\."
    return out


@lru_cache(maxsize=TERM_CACHE)
def iri_term(value: str) -> str:
    """An IRI in Turtle: ``prefix:local`` with the longest prefix that allows it, else ``<value>``.

    >>> iri_term("https://w3id.org/citykg/resource/area/370100"), iri_term("http://example.org/a b")
    ('ckr:area\\\\/370100', '<http://example.org/a b>')
    """
    for base, name in _PREFIXES:
        if value.startswith(base):
            local = value[len(base) :]
            if not local:
                return name + ":"
            escaped = escape_local(local)
            if escaped is not None:
                return f"{name}:{escaped}"
    return f"<{value}>"


@lru_cache(maxsize=TERM_CACHE)
def _typed_term(term: str) -> str:
    cut = term.rindex('"')
    lexical, datatype = term[1:cut], term[cut + len('"^^<') : -1]
    pattern = _INLINE.get(datatype)
    if pattern is not None and pattern.fullmatch(lexical):
        return lexical
    return f"{term[: cut + 1]}^^{iri_term(datatype)}"


def trig_block(graph: str, rows: list[Row]) -> bytes:
    """The rows as one TriG block of ``graph``, sorted, prefixes included: what ``trig.block``
    writes for the same quads (an empty graph is an empty line there too)."""
    if not rows:
        return b"\n"
    out = [_HEADER, iri_term(graph), " {\n\t"]
    add, term, typed_term = out.append, iri_term, _typed_term
    last_s = last_p = None
    for s, p, o in sorted(rows):
        if s != last_s:
            if last_s is not None:
                add(" .\n\t")
            add(term(s))
            add(" a " if p == RDF_TYPE else f" {term(p)} ")
        elif p != last_p:
            add(" ;\n\t\ta " if p == RDF_TYPE else f" ;\n\t\t{term(p)} ")
        else:
            add(" , ")
        # the object: an IRI, a typed literal (…^^<datatype>) or a plain or tagged literal as it is
        add(term(o[1:-1]) if o[0] == "<" else typed_term(o) if o[-1] == ">" else o)
        last_s, last_p = s, p
    add(" .\n}\n\n")
    return "".join(out).encode("utf-8")
