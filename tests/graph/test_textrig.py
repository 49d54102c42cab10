"""The text TriG writer and the row readers against pyoxigraph, on random rows and on real documents.

The worker writes a document graph from the emitter's rows of strings (``rdf.textrig``,
``rdf.nt``) and reads its analogue record and summary part from them (``rdf.docrecord``);
these must give exactly the bytes and records that pyoxigraph's writer and the quad
readers give for the same quads.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citykg.graph.analogues.index import doc_record as doc_record_of_quads
from citykg.graph.ingest.documents import load_manifest, read_document
from citykg.graph.kb import load_kb
from citykg.graph.pipeline import extract
from citykg.graph.rdf import nt
from citykg.graph.rdf.docrecord import doc_record, read_rows, summary_part
from citykg.graph.rdf.emit import rdfize
from citykg.graph.rdf.summaryparts import part_of
from citykg.graph.rdf.textrig import trig_block
from citykg.graph.rdf.trig import block
from citykg.namespaces import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = PREFIXES["ckr"] + "doc/0123abcd"

# local names: what citykg mints (slashes, digits, hyphens) and what Turtle must escape or cannot write
_local_chars = st.sampled_from(list("abcXYZ019_-./:~!$&'()*+,;=?#@%·\u0301\u203f数据局é"))
_local = st.text(_local_chars, min_size=0, max_size=8)


def _valid(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


_iris = st.one_of(
    st.builds(lambda base, local: base + local, st.sampled_from(sorted(PREFIXES.values())), _local),
    st.builds(lambda local: "http://example.org/" + local, _local),
    st.sampled_from([nt.XSD_INTEGER, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", GRAPH]),
).filter(_valid)
_text = st.text(st.one_of(st.characters(max_codepoint=0x80), st.sampled_from(list('"\\\n\r\t\b\f\x7f\ufffe\uffff数“”')),
                          st.characters(exclude_categories=("Cs",))), max_size=12)  # fmt: skip
_lexical = st.one_of(_text, st.sampled_from(["1", "-5", "+07", "1.5", ".5", "5.", "1e5", "-1.2E-3", "true", "false",
                                              "TRUE", "2024-05-01", "2024", "x"]))  # fmt: skip
_datatypes = st.sampled_from([XSD + t for t in ("integer", "decimal", "boolean", "double", "date", "gYear", "string")]
                             + ["http://example.org/dt"])  # fmt: skip
_objects = st.one_of(
    _iris.map(nt.iri),
    _text.map(nt.literal),
    _text.map(nt.zh),
    st.builds(nt.typed, _lexical, _datatypes),
)
_rows = st.lists(st.tuples(_iris, _iris, _objects), max_size=25)


@settings(max_examples=400, deadline=None)
@given(_rows)
def test_the_text_writer_writes_pyoxigraphs_bytes(rows: list[nt.Row]) -> None:
    quads = nt.rows_to_quads(rows, GRAPH)
    assert [nt.quad_row(q) for q in quads] == rows  # the rows are the quads' terms
    assert trig_block(GRAPH, rows) == block(quads)
    assert nt.nquads(rows, GRAPH) == ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


@settings(max_examples=200, deadline=None)
@given(_text, _lexical, _datatypes)
def test_terms_read_back_as_pyoxigraph_reads_them(text: str, lexical: str, datatype: str) -> None:
    for term, lit in ((nt.zh(text), ox.Literal(text, language="zh")), (nt.literal(text), ox.Literal(text)),
                      (nt.typed(lexical, datatype), ox.Literal(lexical, datatype=ox.NamedNode(datatype)))):  # fmt: skip
        assert term == str(lit)
        assert nt.value(term) == lit.value


def test_every_character_is_quoted_as_pyoxigraph_quotes_it() -> None:
    chars = [*range(0xD800), *range(0xE000, 0x110000)]  # every code point but the surrogates
    assert [nt.quoted(chr(c)) for c in chars] == [str(ox.Literal(chr(c))) for c in chars]


def test_an_empty_graph_is_an_empty_line_as_before() -> None:
    assert trig_block(GRAPH, []) == block([]) == b"\n"


@pytest.fixture(scope="module")
def documents(seed_dir: Path) -> list:
    """The emitted graphs of the seed articles."""
    kb, manifest = load_kb(), load_manifest(seed_dir)
    docs = [read_document(f, manifest.get(f.name)) for f in sorted(seed_dir.glob("*.txt"))]
    return [rdfize(extract(d, kb), kb) for d in docs]


def test_real_documents_are_written_and_read_as_from_quads(documents: list) -> None:
    assert len(documents) == 5
    for dq in documents:
        quads = dq.quads
        assert len(quads) == len(dq.rows) > 100
        assert trig_block(dq.graph_iri, dq.rows) == block(quads)
        assert doc_record(dq.rows) == doc_record_of_quads(quads)
        assert summary_part(dq.rows) == part_of(quads)
        assert read_rows(dq.rows) == (doc_record(dq.rows), summary_part(dq.rows))
        assert nt.nquads(dq.scheme_rows, "urn:g") == ox.serialize(
            nt.rows_to_quads(dq.scheme_rows, "urn:g"), format=ox.RdfFormat.N_QUADS
        )
    assert any(dq.scheme_rows for dq in documents)
    assert sum(doc_record(dq.rows).observations for dq in documents) > 50
