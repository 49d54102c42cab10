"""The SPARQL lexer that binds parameters for remote endpoints."""

from __future__ import annotations

import doctest

import pyoxigraph as ox
import pytest

from citykg.store import sparqlsyntax
from citykg.store.sparqlsyntax import (
    inject_values,
    query_form,
    set_slice,
    slice_clause,
    uses_service,
    where_brace,
)


def test_doctests() -> None:
    assert doctest.testmod(sparqlsyntax).failed == 0


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "select"),
        ("# comment SELECT\nBASE <http://x/> PREFIX a: <http://y/> ASK { ?s ?p ?o }", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "graph"),
        ("describe <http://x/a>", "graph"),
        ("PREFIX : <http://x/> DELETE DATA { :a :b :c }", "update"),
        ("LOAD <http://x/>", "update"),
        ("hello", "unknown"),
    ],
)
def test_query_form(query: str, form: str) -> None:
    assert query_form(query) == form


@pytest.mark.parametrize(
    "query",
    [
        # braces and keywords inside strings, IRIs and comments must not fool the lexer
        'SELECT ?x WHERE { ?x <http://e/p> "WHERE { }" . } # WHERE {',
        "SELECT ?x (EXISTS { ?x ?p ?o } AS ?e) WHERE { ?x ?p ?o }",
        "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o FILTER(?o < 3) }",
        "SELECT ?x { ?x ?p '''a\n}''' }",
        "ASK { ?x ?p ?o }",
    ],
)
def test_injected_values_bind_where_the_query_matches(query: str) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("WHERE { }")))
    text = inject_values(query, {"x": "<http://e/a>"})
    assert "VALUES (?x) { (<http://e/a>) }" in text
    store.query(text)  # parses: the VALUES row landed inside the WHERE group


def test_short_construct_form_cannot_take_params() -> None:
    with pytest.raises(ValueError, match="short CONSTRUCT WHERE"):
        where_brace("CONSTRUCT WHERE { ?s ?p ?o }")


def test_service_is_detected_outside_strings_only() -> None:
    assert uses_service("select * { service <http://x/> { ?s ?p ?o } }")
    assert not uses_service('SELECT * { ?s ?p "SERVICE" } # SERVICE')


def test_a_page_sets_the_one_limit_clause_and_nothing_else() -> None:
    query = 'SELECT ?l WHERE { { SELECT ?l WHERE { ?s ?p ?l } ORDER BY ?l LIMIT 3 } FILTER(?l != "LIMIT 9") }'
    assert slice_clause(query) == (3, None)
    paged = set_slice(query, 2, 1)
    assert slice_clause(paged) == (2, 1)
    assert paged.endswith('LIMIT 2 OFFSET 1 } FILTER(?l != "LIMIT 9") }')
    store = ox.Store()
    for label in "abcd":
        store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal(label)))
    assert [s["l"].value for s in store.query(paged)] == ["b", "c"]
    assert [s["l"].value for s in store.query(set_slice(paged, offset=3))] == ["d"]


@pytest.mark.parametrize(
    ("query", "limit", "message"),
    [
        ("SELECT * { ?s ?p ?o }", 5, "no LIMIT clause"),
        ("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 2 } } LIMIT 5", 5, "more than one LIMIT"),
        ("SELECT * { ?s ?p ?o } LIMIT 5", -1, "non-negative integer"),
        ("SELECT * { ?s ?p ?o } LIMIT 5", "5 } ?s ?p", "non-negative integer"),
    ],
)
def test_a_page_is_refused_when_unclear(query: str, limit: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        set_slice(query, limit)  # type: ignore[arg-type]
