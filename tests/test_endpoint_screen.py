"""A new query text is checked from its text alone, then parsed once, by the engine that answers it.

Issue 15: every new text cost the worker a syntax check on an empty store (a second
parse) and a full tokenisation for the nesting bound, about half its time. Now a text
without parameters on the embedded store is screened lexically (read-only, no SERVICE,
nesting bound: ``citykg.store.federation.screen``) and the answering engine's own parse
is the syntax check. These tests hold the guarantees that must not move: the same
answers and errors as the checked path, nothing refused ever reaches the engine, and
the nesting bound's shortcut never says "shallow" for a deep text.
"""

from __future__ import annotations

import endpointkit
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citykg.errors import QueryError
from citykg.store import core, federation, sparqlsyntax
from citykg.store.core import memory_store

FIXTURE = endpointkit.FIXTURE
VALID = [
    "SELECT ?c ?l WHERE { ?c a ck:City ; rdfs:label ?l } ORDER BY ?c ?l",
    "PREFIX ex: <http://example.org/> ASK { ?s ?p ?o }",
    "ASK { ?s ck:noSuchProperty ?o }",
    "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a ck:City ; rdfs:label ?l }",
    "DESCRIBE ?c WHERE { ?c a ck:City } LIMIT 1",
    'SELECT ?s WHERE { ?s ?p "SERVICE <http://x/> {}" } # SERVICE in a comment',
]
BROKEN = [
    "SELECT ?c WHERE { ?c a ck:City",
    "SELECT ?c WHERE { ?c a nope:City }",
    "SELEKT ?c WHERE { ?c ?p ?o }",
    "SELECT ?c\nWHERE {\n  ?c a ck:City .\n  FILTER(?c = )\n}",
]
REFUSED = [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
    ("prefix : <urn:x:> delete where { ?s ?p ?o }", "read-only"),
    ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    (r"SELECT * { \u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("ASK { FILTER(" + "(" * 80 + "1" + ")" * 80 + ") }", "nested"),
]


@pytest.fixture(scope="module")
def store() -> core.EmbeddedStore:
    return memory_store(FIXTURE)


def checked_answer(store: core.EmbeddedStore, text: str) -> core.QueryResult:
    """The answer by the checked path (syntax check on an empty store, then the engine)."""
    kind = core._check(text, "query")
    return store._answer(text, kind, "query", None)


def test_a_new_text_is_not_parsed_twice(store: core.EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {text: checked_answer(store, text) for text in VALID}

    def no_second_parse(*args: object) -> str:
        raise AssertionError("the empty-store syntax check ran for a text without parameters")

    monkeypatch.setattr(core, "_check_text", no_second_parse)
    core._checked.cache_clear()
    for text in VALID:
        got = store.query(text + " # new text")
        want = expected[text]
        assert got.kind == want.kind, text
        assert (got.variables, got.rows, got.boolean) == (want.variables, want.rows, want.boolean), text
        assert sorted(map(str, got.triples)) == sorted(map(str, want.triples)), text
    assert expected[VALID[0]].rows, "the fixture has cities, so the comparison proves something"


@pytest.mark.parametrize("text", BROKEN)
def test_a_syntax_error_reads_the_same_as_before(store: core.EmbeddedStore, text: str) -> None:
    with pytest.raises(QueryError) as before:
        core._check_text(text, "query")
    with pytest.raises(QueryError) as now:
        store.query(text)
    assert now.value.message == before.value.message
    assert now.value.message.startswith("query: SPARQL syntax error at line ")


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_refused_texts_never_reach_the_engine(
    store: core.EmbeddedStore, text: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    real = store.store

    class Spy:
        def query(self, sparql: str, **kwargs: object) -> object:
            asked.append(sparql)
            return real.query(sparql, **kwargs)

    monkeypatch.setattr(store, "store", Spy())
    monkeypatch.setattr(ox, "Store", lambda *a, **k: Spy())  # the empty-store check's engine too
    for attempt in (text, text + " # again"):
        with pytest.raises(QueryError, match=reason):
            store.query(attempt, source="q")
    assert asked == []


def test_the_screen_remembers_its_verdict_and_names_the_source() -> None:
    text = REFUSED[2][0] + " # remembered"
    for source in ("first", "second"):
        with pytest.raises(QueryError) as err:
            federation.screen(text, source)
        assert err.value.message.startswith(f"{source}: ")
    assert federation.screen("ASK { ?s ?p ?o }", "q") == "ask"


# Texts made of the characters that matter to the nesting bound: brackets, string and
# comment delimiters, escapes that spell a bracket or a quote, and filler.
PIECES = ["(", ")", "[", "]", "{", "}", '"', "'", "#", "\n", "\\u0028", "\\u0022", "\\u005Cu0022", "a", " ", "<a:b>"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.integers(min_value=0, max_value=8))
def test_the_nesting_shortcut_agrees_with_the_tokeniser(pieces: list[str], bound: int) -> None:
    text = "".join(pieces)
    assert sparqlsyntax.too_deep(text, bound) == (sparqlsyntax.nesting_depth(text) > bound)


def form_by_tokens(query: str) -> str:
    """query_form without its shortcut: the first significant word decides."""
    for t in sparqlsyntax.tokens(query):
        if t.kind != "word":
            continue
        word = t.text.upper()
        if word in ("BASE", "PREFIX") or t.text.endswith(":"):
            continue
        if word in sparqlsyntax.FORMS:
            return sparqlsyntax.FORMS[word]
        return "update" if word in sparqlsyntax.UPDATE_WORDS else "unknown"
    return "unknown"


FORM_PIECES = ["SELECT", "select", "Ask", "CONSTRUCT", "describe", "INSERT", "PREFIX", "ex:", ":", "x",
               " ", "\n", "\u3000", "?v", "*", "{", "}", "(", "#c\n", "<a:b>", "-", ".", "_", '"s"']  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(FORM_PIECES), max_size=12))
def test_the_form_shortcut_agrees_with_the_tokeniser(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert sparqlsyntax.query_form(text) == form_by_tokens(text)
