"""One query worker process of ``citykg serve``: open one build, answer jobs, stay bounded.

A worker is its own process so that a query that outlives its time limit can be
stopped (pyoxigraph cannot interrupt a query) and so that an engine crash is a
500 for one request, never a dead server. It reports which build it opened (the
snapshot identity of the TriG, see ``snapshot_identity``) so the pool can check
that every worker of a generation answers from the same build.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from citykg.errors import CitykgError, InputError, NotFound, StoreError
from citykg.server.formats import CONTENT_TYPE, negotiate, not_acceptable, serialize

Reply = tuple[int, str, bytes]
Identity = tuple[int, int, int, int]


@dataclass(frozen=True)
class Limits:
    """What one answer may cost: rows (or triples) and serialised bytes."""

    max_rows: int = 10000
    max_bytes: int = 10_000_000


def text_reply(status: int, message: str) -> Reply:
    """A plain-text reply (every error the endpoint gives is one line of text)."""
    return status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode()


def http_status(exc: CitykgError) -> int:
    """The HTTP status of a citykg error: unknown names 404, bad input or queries 400, store trouble 503."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, StoreError):
        return 503
    return 400


def snapshot_identity(trig: Path) -> Identity | None:
    """Which build ``trig`` is now: (device, inode, size, mtime). None while it is missing.

    A build writes the TriG to a temporary file and renames it into place, so a new
    build is a new inode: one ``stat`` per request tells the server a rebuild landed.
    """
    try:
        st = trig.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def worker_main(conn: Connection, data: str, trig: str, memory: bool, limits: Limits, nice: int) -> None:
    """Open the store, report ("ready", identity), then answer jobs until the pipe closes.

    Each answer goes back with the worker's CPU seconds so far, so the pool measures a
    query's CPU time from there without reading /proc on every request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if nice:
        os.nice(nice)
    opened = open_and_report(conn, data, trig, memory)
    if opened is not None:
        serve_jobs(conn, opened[0], limits)


def open_and_report(
    conn: Connection, data: str, trig: str, memory: bool
) -> tuple[Any, Identity | None] | None:
    """Open the store; send ("ready", identity of the build it read) or ("error", message) on ``conn``;
    returns the store and that identity (None after an error).

    The identity is None when the build changed while it was being read (the pool then
    retries), so a worker never claims a build it did not load whole."""
    from citykg.store.core import open_store

    before = snapshot_identity(Path(trig))
    try:
        store = open_store(data, memory=memory)
    except CitykgError as exc:
        conn.send(("error", exc.message))
        return None
    identity = before if before == snapshot_identity(Path(trig)) else None
    conn.send(("ready", identity))
    return store, identity


def await_ready(conn: Connection, timeout: float, who: str, stop: Any) -> Identity | None:
    """The other end of :func:`open_and_report`: the build identity a new process opened, or, after
    ``stop()``, a one-line StoreError naming ``who`` ("query worker", "query template") when it did not."""
    if not conn.poll(timeout):
        stop()
        raise StoreError(f"{who[0].upper()}{who[1:]} did not open the store within {timeout:g} s.")
    try:
        status, detail = conn.recv()
    except (EOFError, OSError):
        status, detail = "error", f"the {who.split()[-1]} exited"
    if status != "ready":
        stop()
        raise StoreError(f"{who[0].upper()}{who[1:]} could not start: {detail}")
    return detail


def serve_jobs(conn: Connection, store: Any, limits: Limits) -> None:
    """Answer jobs from ``conn`` until it closes; each reply goes with the CPU seconds used so far."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        memo = getattr(store, "resolved", None)
        if memo is None or not job.get("params"):  # labels are only resolved for parameters
            reply, learned = answer(store, job, limits), []
        else:
            reply, learned = answer_with_labels(store, memo, job, limits)
        conn.send((reply, time.process_time(), learned))  # CPU time: the pool's demotion clock


def answer_with_labels(
    store: Any, memo: dict[tuple[str, str], Any], job: dict[str, Any], limits: Limits
) -> tuple[Reply, list[tuple[str, str, str]]]:
    """``answer`` with the labels the pool knows put in the store's memo first (``job["labels"]``:
    (kind, label, IRI) rows resolved by other workers of this build), and the labels this job
    resolved anew sent back, so no label is resolved twice on one build."""
    import pyoxigraph as ox

    for kind, value, iri in job.get("labels") or ():
        memo.setdefault((kind, value), ox.NamedNode(iri))
    before = set(memo)
    reply = answer(store, job, limits)
    learned = [
        (kind, value, node.value) for (kind, value), node in memo.items() if (kind, value) not in before
    ]
    return reply, learned


def answer(store: Any, job: dict[str, Any], limits: Limits) -> Reply:
    """Run one job (a saved query with params, or a query text) and serialise it within the limits."""
    from citykg.store import querylib

    hint = "add LIMIT"
    try:
        if job.get("saved"):
            saved = querylib.find(job["saved"])
            if saved.param("limit") is not None:  # a paged listing: say how to page
                per_page = saved.param("limit").doc.split(",")[0]
                hint = f"ask for a smaller page (limit: {per_page}; offset to page on)"
            params = querylib.bind_params(saved, job.get("params") or {}, store)
            text, source = saved.text, saved.name
        else:
            text, params, source = job["query"], {}, "query"
            if job.get("params"):
                params = _declared_params(text, job["params"], store)
        result = store.query(
            text, params, source=source, max_rows=limits.max_rows, max_chars=limits.max_bytes
        )
        fmt = negotiate(job.get("accept"), result.kind, job.get("format"))
        if fmt is None:
            return text_reply(406, not_acceptable(job.get("accept"), result.kind))
        if result.oversized:
            return _too_big(limits)
        if result.truncated:
            unit = "triples" if result.kind == "graph" else "rows"
            return text_reply(
                400,
                f"The query returns more than {limits.max_rows} {unit} - {hint} (or start the "
                "server with a higher --max-rows).",
            )
        body = serialize(result, fmt)
        if len(body) > limits.max_bytes:
            return _too_big(limits)
        return 200, CONTENT_TYPE[fmt], body
    except CitykgError as exc:
        return text_reply(http_status(exc), exc.message)
    except Exception as exc:
        return text_reply(500, f"Query failed: {type(exc).__name__}: {exc}")


def _declared_params(text: str, given: dict[str, str], store: Any) -> dict[str, Any]:
    """Bind ``param.NAME`` values to a query text whose ``# params:`` header declares them.

    This is how an edited saved query keeps its parameters: they are bound as RDF
    terms (labels resolved), never pasted into the text.
    """
    from citykg.store import querylib

    try:
        header = querylib.parse_header("query", Path("query"), text)
    except ValueError as exc:
        raise InputError(f"query header: {exc}") from None
    if not header.params:
        names = ", ".join(given)
        raise InputError(
            f"the query does not declare parameter(s) {names} - keep its '# params:' header line"
        )
    return querylib.bind_params(header, given, store)


def _too_big(limits: Limits) -> Reply:
    return text_reply(
        413,
        f"The result is larger than {limits.max_bytes / 1e6:g} MB and was not sent - select fewer or "
        "shorter values, or add LIMIT (or start the server with a higher --max-bytes).",
    )
