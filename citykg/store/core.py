"""The one small query interface: an embedded Oxigraph store or a remote endpoint.

``open_store(data)`` opens the persistent pyoxigraph store kept in ``OUT/store``
(rebuilt from ``OUT/citykg.trig`` when the TriG changes, so a query never
re-parses it); ``open_store(endpoint=URL)`` talks SPARQL 1.1 Protocol to any
server. Both answer the same saved queries with the same rows: the default
graph is the union of all graphs, and parameters are bound as RDF terms
(a ``VALUES`` row of serialised terms at the start of the WHERE group) - user
text is never pasted into the query text.

    store = open_store("out")
    store.select("SELECT ?c WHERE { ?c a ck:City }")
    store.select(q, {"city": NamedNode(...)})
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citykg.errors import QueryError, StoreError
from citykg.iris import PREFIXES
from citykg.paths import Build, locate_build
from citykg.store import federation, loading, sparqlsyntax, sparqlterms, summaries, trigdiff, trigparts
from citykg.store.sparqlterms import QueryResult, Term, collect, lexical, serialize_triples, to_term
from citykg.store.trigindex import holds_graph
from citykg.store.trigindex import load as load_index

STORE_DIR = "store"
#: Query texts whose check (form, syntax, no SERVICE) is remembered: a server sees the same ones again.
CHECK_CACHE = 1024
MARKER = "citykg-store.json"
#: the marker's key saying whether the store's summaries graph is its TriG's (else it was queried)
SUMMARIES_FROM_TRIG = "summaries_from_trig"
FORMATS = {
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
}


class QueryStore:
    """Run SPARQL with bound parameters; subclasses say where."""

    label = "store"
    parses_text = False  # True: the engine parses the text in-process (one parse, not a second check)

    def query(
        self,
        sparql: str,
        params: dict[str, Any] | None = None,
        *,
        source: str = "query",
        max_rows: int | None = None,
        max_chars: int | None = None,
    ) -> QueryResult:
        """Check ``sparql`` (read-only, syntax), bind ``params`` as RDF terms, and answer it."""
        if not params and self.parses_text:  # screened here; the engine's own parse checks the syntax
            federation.screen(sparql, source)
            return self._answer(sparql, "", source, max_rows, max_chars)  # "": form not known yet
        kind = _check(sparql, source)
        bound = bind(sparql, params, source)
        if bound is not sparql:
            federation.refuse(bound, source)  # bound terms are serialised, but check what runs
        return self._answer(bound, kind, source, max_rows, max_chars)

    def _answer(
        self, text: str, kind: str, source: str, max_rows: int | None, max_chars: int | None = None
    ) -> QueryResult:
        raise NotImplementedError

    def select(self, sparql: str, params: dict[str, Any] | None = None) -> list[dict[str, str | None]]:
        return self.query(sparql, params).dicts()

    def ask(self, sparql: str, params: dict[str, Any] | None = None) -> bool:
        result = self.query(sparql, params)
        if result.kind != "ask":
            raise QueryError("ask() needs an ASK query")
        return bool(result.boolean)

    def construct(self, sparql: str, params: dict[str, Any] | None = None, fmt: str = "turtle") -> str:
        return self.query(sparql, params).serialize(fmt)

    def construct_graph(self, sparql: str, params: dict[str, Any] | None = None):
        """CONSTRUCT/DESCRIBE answer as an rdflib Graph."""
        from rdflib import Graph

        g = Graph()
        g.parse(data=self.construct(sparql, params, "ntriples"), format="nt")
        return g


def _check(sparql: str, source: str) -> str:
    """The query form after the checks below; the verdict for a text is remembered."""
    form = _checked(sparql)
    if isinstance(form, QueryError):
        raise QueryError(form.message.replace("\x00SOURCE\x00", source))
    return form


@functools.lru_cache(maxsize=CHECK_CACHE)
def _checked(sparql: str) -> str | QueryError:
    try:
        return _check_text(sparql, "\x00SOURCE\x00")
    except QueryError as exc:
        return exc


def _check_text(sparql: str, source: str) -> str:
    """Syntax-check on an empty store (raises QueryError with line/column); returns the form."""
    federation.screen(sparql, source)
    try:
        result = ox.Store().query(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"{source}: {sparqlsyntax.syntax_message(str(exc))}") from None
    return sparqlterms.answer_form(result)


PAGE_PARAMS = ("limit", "offset")


def bind(sparql: str, params: dict[str, Any] | None, source: str = "query") -> str:
    """The query with ``params`` bound by a VALUES row of serialised RDF terms.

    Both stores bind this way (pyoxigraph's ``substitutions`` would require every
    parameter in the SELECT projection), so they answer identically. ``limit`` and
    ``offset`` are the exception: SPARQL allows no variable in LIMIT/OFFSET, so these
    two (non-negative integers) set the numbers of the query's one LIMIT clause.
    """
    if not params:
        return sparql
    names = {k: k.lstrip("?$") for k in params}
    page = {names[k]: _page_number(v, names[k], source) for k, v in params.items() if names[k] in PAGE_PARAMS}
    bindings = {names[k]: str(to_term(v)) for k, v in params.items() if names[k] not in PAGE_PARAMS}
    try:
        if page:
            sparql = sparqlsyntax.set_slice(sparql, page.get("limit"), page.get("offset"))
        return sparqlsyntax.inject_values(sparql, bindings) if bindings else sparql
    except ValueError as exc:
        raise QueryError(f"{source}: {exc}") from None


def _page_number(value: Any, name: str, source: str) -> int:
    """``value`` (an int or an integer literal) as a non-negative int; anything else is an error."""
    term = to_term(value)
    try:
        number = int(term.value) if isinstance(term, ox.Literal) else -1
    except ValueError:
        number = -1
    if number < 0:
        raise QueryError(f"{source}: {name} must be a non-negative integer, not {term}")
    return number


class EmbeddedStore(QueryStore):
    """A pyoxigraph store (persistent read-only, or in memory) queried in process."""

    always_summarised = True  # every load adds ckr:graph/summaries (citykg.store.summaries)
    parses_text = True

    def __init__(self, store: ox.Store, label: str) -> None:
        self.store = store
        self.label = label
        self.resolved: dict[tuple[str, str], ox.NamedNode] = {}  # querylib.resolve's memo

    def _answer(
        self, text: str, kind: str, source: str, max_rows: int | None, max_chars: int | None = None
    ) -> QueryResult:
        try:
            answer = self.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
            return collect(answer, kind or sparqlterms.answer_form(answer), max_rows, max_chars)
        except SyntaxError as exc:  # a text parsed here first (kind ""), or binding broke a checked one
            raise QueryError(f"{source}: {sparqlsyntax.syntax_message(str(exc), bool(kind))}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise StoreError(f"{source}: query failed on {self.label}: {exc}") from None


# --- the persistent embedded store ------------------------------------------------------------


def _locate(data: Path | str | None) -> Path:
    """The TriG file named by ``data`` (an OUT folder or the file itself): ``citykg.paths.locate_build``."""
    return locate_build(data).trig


def store_dir_for(trig: Path) -> Path:
    """Where the persistent store of ``trig`` lives (``OUT/store`` for ``OUT/citykg.trig``)."""
    return Build(trig.parent, trig).store_dir


def _stamp(trig: Path, with_hash: bool) -> dict[str, Any]:
    st = trig.stat()
    stamp: dict[str, Any] = {
        "trig": trig.name,
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "pyoxigraph": ox.__version__,
        "summaries": summaries.VERSION,
    }
    index = load_index(trig) if with_hash else None  # the build's index of this very file knows its digest
    if with_hash:
        h = hashlib.sha256()
        with trig.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b"") if index is None else ():
                h.update(chunk)
        stamp["sha256"] = h.hexdigest() if index is None else index.sha256
    return stamp


def _marker(store_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((store_dir / MARKER).read_text())
    except (OSError, ValueError):
        return None


def is_fresh(trig: Path, store_dir: Path) -> bool:
    """True when ``store_dir`` was built from the current ``trig`` (size+mtime, else hash)."""
    marker = _marker(store_dir)
    if marker is None:
        return False
    quick = _stamp(trig, with_hash=False)
    if all(marker.get(k) == v for k, v in quick.items()):
        return True
    if any(marker.get(k) != quick[k] for k in ("size", "pyoxigraph", "summaries")):
        return False
    full = _stamp(trig, with_hash=True)
    if marker.get("sha256") != full["sha256"]:
        return False
    try:  # same content, new mtime (a copy or a touch): remember it so the next open skips the hash
        tmp = store_dir / f".{MARKER}.tmp"
        tmp.write_text(json.dumps(full, indent=1))
        tmp.replace(store_dir / MARKER)
    except OSError:
        pass
    return True


def refresh_store(
    out_dir: Path | str, trig: Path | None = None, force: bool = False, base: Path | None = None,
    lenient: bool = False,
) -> Path:
    """(Re)build ``OUT/store`` from ``OUT/citykg.trig`` unless it is fresh; returns its folder.

    The new store is made in a temporary folder and swapped in, so a reader never sees
    a half-loaded store; a lock file serialises concurrent builders. ``base``, a previous
    build's folder (the build passes ``OUT`` while it writes into ``OUT/.citykg-build.*``),
    lets the new store be a copy of ``base``'s fresh store patched with the difference of
    the two TriG files (``citykg.store.trigdiff``) when that is small; otherwise the TriG
    is bulk-loaded. Either way the store holds the derived graph ``ckr:graph/summaries``
    (``citykg.store.summaries``) as its queries give it, and the stores hold the same quads:
    a TriG the build wrote (its block index, ``citykg.store.trigindex``, is valid) holds the
    graph already, exact (``graph.rdf.summaryparts``), and then the store is exactly the file's
    quads, what ``oxigraph load`` makes of it; for any other file the graph is queried.
    ``lenient``: the caller vouches for the file (the build, for the TriG it has just written),
    so the bulk load skips the IRI checks.
    """
    trig = trig or _locate(out_dir)
    store_dir = store_dir_for(trig)
    lock_path = trig.parent / f".{store_dir.name}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and is_fresh(trig, store_dir):
            return store_dir
        tmp = trig.parent / f".{store_dir.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            from_trig = _summarised(trig)
            patched = not force and base is not None and _patch(Path(base) / trig.name, trig, tmp, from_trig)
            loading.fill(tmp, trig, FORMATS[trig.suffix], patched, lenient, from_trig)
        except SyntaxError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StoreError(f'{trig}: not valid RDF ({exc}) - rebuild it with "citykg build".') from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        marker = {**_stamp(trig, with_hash=True), SUMMARIES_FROM_TRIG: from_trig}
        (tmp / MARKER).write_text(json.dumps(marker, indent=1))
        old = trig.parent / f".{store_dir.name}.old-{os.getpid()}"
        if store_dir.exists():
            store_dir.rename(old)
        tmp.rename(store_dir)
        shutil.rmtree(old, ignore_errors=True)
    _OPEN.pop((str(store_dir), False), None)
    _OPEN.pop((str(store_dir), True), None)
    return store_dir


def _summarised(trig: Path) -> bool:
    """Does ``trig`` hold its exact summaries graph: a TriG the build wrote (a valid block index) with one?"""
    return trig.suffix == ".trig" and holds_graph(trig, summaries.GRAPH_SUMMARIES.value)


def _patch(base_trig: Path, trig: Path, folder: Path, from_trig: bool) -> bool:
    """Make ``folder`` the store of ``base_trig`` patched to ``trig``; False when not worth it.

    Needs the previous store fresh for ``base_trig`` and a small difference
    (``trigdiff.trig_diff``); the previous store is only read (``loading.patch``).
    ``from_trig``: ``trig`` holds the summaries graph; the previous store's must have come
    from its TriG too (or from the queries both times), so that the patch makes them exact.
    """
    base_store = store_dir_for(base_trig)
    if trig.suffix != ".trig" or not base_trig.is_file() or not is_fresh(base_trig, base_store):
        return False
    if (_marker(base_store) or {}).get(SUMMARIES_FROM_TRIG, False) != from_trig:
        return False
    diff = trigdiff.trig_diff(base_trig, trig)
    if diff is None:
        return False
    with (base_trig.parent / f".{base_store.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)  # no reader rebuilds the previous store meanwhile
        loading.patch(base_store, diff, folder)
    return True


_OPEN: dict[tuple[str, bool], tuple[str, ox.Store]] = {}


def open_store(
    data: Path | str | None = None, endpoint: str | None = None, *, memory: bool = False
) -> QueryStore:
    """The store to query: ``endpoint`` if given, else the build in ``data`` (default ``out/``).

    The persistent store opens in milliseconds (no re-parse), which suits one-shot
    commands; ``memory=True`` loads the dataset into an in-memory store once per
    process (seconds at 1M triples), whose queries run several times faster - for
    the server's workers and other long-running users.
    """
    if endpoint:
        from citykg.store.remote import RemoteStore

        return RemoteStore(endpoint)
    trig = _locate(data)
    store_dir = store_dir_for(trig)
    try:
        refresh_store(trig.parent, trig)
    except PermissionError:
        # A read-only OUT (e.g. a shared build): load the TriG into memory instead.
        print(f"note: cannot write {store_dir}; loading {trig} into memory", file=sys.stderr)
        return EmbeddedStore(_load_in_memory(trig), str(trig))
    stamp = json.dumps(_marker(store_dir), sort_keys=True)
    key = (str(store_dir), memory)
    cached = _OPEN.get(key)
    if cached is None or cached[0] != stamp:
        if memory:  # parsing the file is several times faster than copying out of RocksDB
            loaded = _load_in_memory(trig)
        else:
            loaded = ox.Store.read_only(str(store_dir))
        cached = (stamp, loaded)
        _OPEN[key] = cached
    return EmbeddedStore(cached[1], str(trig))


def _load_in_memory(trig: Path) -> ox.Store:
    """An in-memory store of ``trig`` with its derived summaries, like the persistent store (the
    build's TriG holds them: ``refresh_store``)."""
    mem = trigparts.load_in_memory(trig, FORMATS[trig.suffix])
    if not _summarised(trig):
        summaries.add_summaries(mem)
    return mem


def memory_store(*paths: Path | str) -> EmbeddedStore:
    """An in-memory store of RDF files with their derived summaries (tests, fixtures, small checks)."""
    mem = ox.Store()
    for p in paths:
        mem.bulk_load(path=str(p), format=FORMATS.get(Path(p).suffix, ox.RdfFormat.TRIG))
    summaries.add_summaries(mem)
    return EmbeddedStore(mem, ", ".join(str(p) for p in paths))


__all__ = [
    "EmbeddedStore",
    "QueryResult",
    "QueryStore",
    "RemoteStore",
    "StoreError",
    "Term",
    "bind",
    "lexical",
    "memory_store",
    "open_store",
    "refresh_store",
    "serialize_triples",
    "to_term",
]

from citykg.store.remote import RemoteStore  # noqa: E402 - re-exported; remote.py imports this module
