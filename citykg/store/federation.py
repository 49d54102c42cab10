"""No federation, ever: refuse any query whose algebra contains ``SERVICE``.

pyoxigraph has an HTTP client compiled in and offers no option to refuse
``SERVICE``: a federated query makes the engine POST the sub-query to any URL.
So citykg decides before the engine sees a query, by two independent checks:

1. The query text, after SPARQL's ``\\uXXXX`` escapes are replaced (the engine does
   that first), does not contain the letters ``service`` in any case: then no
   ``SERVICE`` keyword can exist, whatever the comments, strings or escapes. This is
   the fast path for almost every query.
2. Otherwise the query is parsed into its algebra by an independent parser (rdflib's
   SPARQL grammar) and refused if any ``ServiceGraphPattern`` occurs; it is also
   refused when that parser cannot read it (we cannot prove it does not federate),
   or when citykg's own lexer sees the keyword.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from citykg.store import sparqlsyntax

_LETTERS = re.compile("service", re.I | re.A)
#: Queries whose verdict is remembered (the parser takes tens of ms per query).
VERDICT_CACHE = 512


class FederationRefused(ValueError):
    """The query would (or might) reach the network through ``SERVICE``."""


def refuse(sparql: str, source: str) -> None:
    """QueryError for a query that federates, might, or is nested deep enough to crash the engine."""
    from citykg.errors import QueryError

    if sparqlsyntax.too_deep(sparql):
        raise QueryError(
            f"{source}: the query is nested more than {sparqlsyntax.MAX_NESTING} levels deep "
            "(parentheses, brackets or braces) - simplify it."
        )
    try:
        check_no_service(sparql)
    except FederationRefused as exc:
        raise QueryError(f"{source}: {exc}.") from None


def screen(sparql: str, source: str) -> str:
    """The query form after the checks made on the text alone, before any engine sees it.

    Refuses updates, ``SERVICE`` (see :func:`check_no_service`) and nesting past
    ``sparqlsyntax.MAX_NESTING``; the verdict for a text is remembered. No syntax check:
    the engine parses the text anyway (``citykg.store.core``).
    """
    from citykg.errors import QueryError

    verdict = _screened(sparql)
    if isinstance(verdict, QueryError):
        raise QueryError(verdict.message.replace(_SOURCE, source))
    return verdict


_SOURCE = "\x00SOURCE\x00"  # stands for the query's name in a remembered verdict


@functools.lru_cache(maxsize=VERDICT_CACHE)
def _screened(sparql: str) -> Any:
    from citykg.errors import QueryError

    form = sparqlsyntax.query_form(sparql)
    if form == "update":
        return QueryError(f"{_SOURCE}: SPARQL updates are not allowed - citykg queries are read-only.")
    try:
        refuse(sparql, _SOURCE)
    except QueryError as exc:
        return exc
    return form


def might_federate(query: str) -> bool:
    """False when the query cannot contain a ``SERVICE`` keyword at all (cheap, sound).

    >>> might_federate("SELECT * { ?s ?p ?o }"), might_federate(r"select * { \\u0073ervice <a:b> {} }")
    (False, True)
    """
    return bool(_LETTERS.search(sparqlsyntax.unescape_codepoints(query)))


def check_no_service(query: str) -> None:
    """Raise FederationRefused when ``query`` federates or cannot be shown not to.

    >>> check_no_service('SELECT * { ?s ?p "customer service" }')
    >>> check_no_service("SELECT * { { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } } }")
    Traceback (most recent call last):
    ...
    citykg.store.federation.FederationRefused: SERVICE (federated query) is not allowed - citykg never reaches the network
    """
    if not might_federate(query):
        return
    verdict = _verdict(query)
    if verdict:
        raise FederationRefused(verdict)


@functools.lru_cache(maxsize=VERDICT_CACHE)
def _verdict(query: str) -> str:
    """'' when the query provably has no SERVICE, else the reason to refuse it."""
    refused = "SERVICE (federated query) is not allowed - citykg never reaches the network"
    if sparqlsyntax.uses_service(query):
        return refused
    if sparqlsyntax.too_deep(query):
        return f"the query is nested more than {sparqlsyntax.MAX_NESTING} levels deep"
    from rdflib.plugins.sparql.parser import parseQuery

    from citykg.iris import SPARQL_PREFIXES

    try:
        tree = parseQuery(SPARQL_PREFIXES + query)
    except RecursionError:
        return "the query is too deeply nested to check for SERVICE"
    except Exception:
        return (
            "the query contains the word 'service' and citykg's second SPARQL parser cannot read "
            "it, so it cannot be shown not to federate - avoid that word outside strings"
        )
    return refused if _has_service(tree) else ""


def _has_service(tree: Any) -> bool:
    """True when the parse tree holds a ServiceGraphPattern anywhere (iterative walk)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return False
