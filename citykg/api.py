"""citykg from Python (notebooks, scripts): open a build, run saved or ad-hoc SPARQL, get rows.

    >>> import citykg.api as ck                                      # doctest: +SKIP
    >>> kg = ck.open_build("out")                                    # doctest: +SKIP
    >>> kg.query("compare-indicator", indicator="5G基站数量")[0]      # doctest: +SKIP
    {'city': '威海市', 'value': 8894, 'unit': '计数', 'measure_word': '座', ...}
    >>> kg.dataframe("list-cities")                                  # doctest: +SKIP

Rows are dicts with typed values (numbers and booleans by their RDF datatype, IRIs and
other literals as text), the same as ``citykg query --json``. Parameters are bound as RDF
terms exactly as the CLI binds them (labels, adcodes, pinyin resolve to IRIs); nothing is
pasted into query text. ``citykg query`` runs through :func:`run_query` too.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citykg.errors import InputError, QueryError
from citykg.store import querylib
from citykg.store.core import QueryResult, QueryStore, RemoteStore, open_store
from citykg.store.sparqlterms import typed_rows


def load_query(query: str) -> tuple[str, querylib.SavedQuery | None, str]:
    """(text, header if any, source name) for a saved name, a ``.rq`` path, ``-`` (stdin) or SPARQL text."""
    if query == "-":
        text = sys.stdin.read()
        return text, _header_of("stdin", Path("-"), text), "stdin"
    path = Path(query)
    if query.endswith(".rq") or (path.suffix and path.is_file()):
        if not path.is_file():
            raise InputError(
                f"Query file {query} does not exist - give the path of a .rq file or a saved query name."
            )
        text = path.read_text(encoding="utf-8")
        return text, _header_of(path.stem, path, text), str(path)
    if any(ch.isspace() or ch == "{" for ch in query.strip()):
        return query, None, "query"
    saved = querylib.find(query)
    return saved.text, saved, saved.name


def _header_of(name: str, path: Path, text: str) -> querylib.SavedQuery | None:
    if not text.lstrip().startswith("#"):
        return None
    try:
        return querylib.parse_header(name, path, text)
    except ValueError as exc:
        raise QueryError(f"{path}: {exc}") from None


def run_query(query: str, params: dict[str, str], store: QueryStore) -> QueryResult:
    """Resolve ``query`` (see :func:`load_query`), bind its declared ``params`` and run it on ``store``."""
    text, saved, source = load_query(query)
    if isinstance(store, RemoteStore):
        store.check_union()
    if saved is None:
        if params:
            names = ", ".join(params)
            raise QueryError(
                f"{source} does not declare parameter(s) {names} - parameters need a saved "
                'query or a .rq file whose header declares them ("# params: name (type)").'
            )
        bound: dict[str, Any] = {}
    else:
        bound = querylib.bind_params(saved, params, store)
    return store.query(text, bound, source=source)


@dataclass
class Build:
    """An opened build (or a remote SPARQL endpoint) to ask questions of."""

    store: QueryStore

    def result(self, query: str, **params: Any) -> QueryResult:
        """The raw :class:`QueryResult` (SELECT rows of terms, an ASK boolean or triples)."""
        return run_query(query, {k: str(v) for k, v in params.items()}, self.store)

    def query(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of a SELECT (typed values); ``[{"result": bool}]`` for an ASK."""
        result = self.result(query, **params)
        if result.kind == "ask":
            return [{"result": bool(result.boolean)}]
        if result.kind != "select":
            raise QueryError(f"{query} is a CONSTRUCT/DESCRIBE - use .result(...).serialize() for its triples.")
        return typed_rows(result)

    def dataframe(self, query: str, **params: Any) -> Any:
        """The rows as a pandas DataFrame, columns in the query's order (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise InputError("Build.dataframe needs pandas - pip install pandas (or use .query for rows).") from None
        result = self.result(query, **params)
        rows = self.query(query, **params) if result.kind != "select" else typed_rows(result)
        columns = result.variables if result.kind == "select" else ["result"]
        return pd.DataFrame(rows, columns=columns)

    @staticmethod
    def saved() -> list[dict[str, Any]]:
        """The saved questions: name, title, description, params, columns."""
        return [q.to_json() for q in querylib.catalogue().values()]


def open_build(data: str | Path | None = None, endpoint: str | None = None) -> Build:
    """Open the build in ``data`` (an OUT folder or its ``.trig``; default ``out/``) or a SPARQL ``endpoint``."""
    return Build(open_store(str(data) if data is not None else None, endpoint))
