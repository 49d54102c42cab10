"""Read-only access to a build for the views and exports.

Queries go through ``citykg.store.core`` (the one query interface): a build folder's
``citykg.trig`` gets its persistent store under OUT/store; any other TriG file
(a fixture, a copy) is loaded into memory so nothing is written beside it.
Exports that need every quad read an in-memory pyoxigraph copy of the TriG.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citykg.errors import StoreError
from citykg.namespaces import PREFIXES
from citykg.paths import TRIG_NAME, locate_build
from citykg.store.core import EmbeddedStore, QueryResult, QueryStore, lexical, memory_store, open_store


def locate_trig(data: Path | str | None) -> Path:
    """The TriG of a build: ``data`` is an OUT folder, its ``.trig`` file, or None (out/)."""
    return locate_build(data).trig


class ViewSource:
    """One build opened for reading; cheap to create, opens the store lazily."""

    def __init__(self, data: Path | str | None = None) -> None:
        self.trig = locate_trig(data)
        self.out_dir = self.trig.parent

    @cached_property
    def query_store(self) -> QueryStore:
        if self.trig.name == TRIG_NAME:
            return open_store(self.trig)
        return memory_store(self.trig)

    def select(self, sparql: str, params: dict[str, Any] | None = None) -> list[dict[str, str]]:
        """SELECT rows as ``{variable: lexical value}``; unbound variables are absent."""
        rows = self.query_store.select(sparql, params)
        return [{k: v for k, v in r.items() if v is not None} for r in rows]

    def rows(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """Stream the rows of a fixed, parameter-free SELECT as tuples of lexical values (None: unbound).

        For the bulk reads of ``load_model`` (millions of values at 2,000 articles): rows
        come straight from pyoxigraph, one at a time, instead of being collected as terms
        and then converted to dicts, which took most of the site's time at that scale.
        """
        store = self.query_store
        if isinstance(store, EmbeddedStore):
            answer = store.store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
            for solution in answer:
                yield tuple(lexical(t) for t in solution)
        else:
            for row in store.query(sparql).rows:
                yield tuple(lexical(t) for t in row)

    def query(self, sparql: str, params: dict[str, Any] | None = None, source: str = "query") -> QueryResult:
        """Any query, answered with RDF terms (SELECT rows or CONSTRUCT triples)."""
        return self.query_store.query(sparql, params, source=source)

    @cached_property
    def dataset(self) -> ox.Store:
        """An in-memory pyoxigraph copy of every quad (for exports)."""
        store = ox.Store()
        try:
            store.bulk_load(path=str(self.trig), format=ox.RdfFormat.TRIG)
        except (SyntaxError, ValueError, OSError) as exc:
            raise StoreError(
                f'Cannot read "{self.trig}": {exc} - rebuild it with "citykg build".'
            ) from exc
        return store
