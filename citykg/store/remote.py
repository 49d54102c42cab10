"""A SPARQL 1.1 Protocol endpoint as a citykg store: the same queries, bound the same way.

``open_store(endpoint=URL)`` returns one; it answers the saved queries with the same
rows as the embedded store, given a server whose default graph is the union of its
named graphs (``check_union``).
"""

from __future__ import annotations

import pyoxigraph as ox

from citykg.errors import StoreError
from citykg.iris import SPARQL_PREFIXES
from citykg.store.core import QueryStore
from citykg.store.sparqlterms import QueryResult, collect


class RemoteStore(QueryStore):
    """A SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, GraphDB, ...)."""

    def __init__(self, endpoint: str, timeout: float = 60.0) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise StoreError(
                f"Endpoint {endpoint!r} is not an http(s) URL - pass e.g. http://127.0.0.1:7878/query"
            )
        self.endpoint = endpoint
        self.label = endpoint
        self.timeout = timeout
        self._union_checked = False

    def _answer(
        self, text: str, kind: str, source: str, max_rows: int | None, max_chars: int | None = None
    ) -> QueryResult:
        # The endpoint does not know citykg's prefixes: declare them on one line so
        # line numbers in its error messages still match the query.
        text = SPARQL_PREFIXES.replace("\n", " ") + text
        accept = "application/n-triples" if kind == "graph" else "application/sparql-results+json"
        body = self._post(text, accept, source)
        try:
            if kind == "graph":
                triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
                return QueryResult("graph", triples=triples)
            answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            return collect(answer, kind, max_rows, max_chars)
        except (SyntaxError, ValueError, OSError) as exc:
            raise StoreError(
                f"{source}: {self.endpoint} did not answer {accept} ({exc}) - is it a SPARQL endpoint "
                "(Oxigraph: http://HOST:PORT/query)?"
            ) from None

    def check_union(self) -> None:
        """Fail clearly when the endpoint's default graph is not the union of its graphs.

        citykg keeps every article in its own named graph and its queries read the
        default graph, so a server must answer over the union (Oxigraph:
        ``--union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph true``).
        """
        if self._union_checked:
            return
        probe = "ASK { ?d a ck:SourceDocument }"
        if (
            not self.query(probe, source="union check").boolean
            and self.query("ASK { GRAPH ?g { ?d a ck:SourceDocument } }", source="union check").boolean
        ):
            raise StoreError(
                f"{self.endpoint}: the default graph is not the union of the named graphs - start "
                "Oxigraph with --union-default-graph (Fuseki: tdb2:unionDefaultGraph true)."
            )
        self._union_checked = True

    def _post(self, text: str, accept: str, source: str) -> bytes:
        import urllib.parse
        import urllib.request

        data = urllib.parse.urlencode({"query": text}).encode()
        req = urllib.request.Request(
            self.endpoint,
            data=data,
            method="POST",
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError(
                f"{source}: {self.endpoint} answered {exc.code}: {' '.join(detail)[:300]}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(
                f"Cannot reach endpoint {self.endpoint}: {reason} - is the server running?"
            ) from None
