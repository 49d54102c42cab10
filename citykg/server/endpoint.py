"""``citykg serve``: a read-only SPARQL 1.1 Protocol endpoint and an offline query page.

The HTTP side is stdlib ``ThreadingHTTPServer``. Queries run in a small pool of
worker processes, each with the store open read-only: a pyoxigraph query cannot
be interrupted from Python, so a query that outlives its time limit is stopped
by killing its worker (and starting a fresh one) - the client gets a clear 503,
never a hang. Rows beyond ``max_rows`` are not collected; the client gets a 400
saying to add LIMIT.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import queue
import signal
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any

from citykg.errors import CitykgError, InputError, NotFound, StoreError
from citykg.server.formats import CONTENT_TYPE, negotiate, serialize
from citykg.server.page import APP_JS, PAGE_HTML
from citykg.store import querylib, sparqlsyntax
from citykg.store.core import open_store

Reply = tuple[int, str, bytes]


@dataclass
class ServerConfig:
    data: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10000
    workers: int = 2
    memory: bool = True  # workers copy the store into memory (faster queries, more RAM)


def _text(status: int, message: str) -> Reply:
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


def _worker_main(conn: Connection, data: str | None, max_rows: int, memory: bool) -> None:
    """Worker process: open the store, say "ready", then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = open_store(data, memory=memory)
    except CitykgError as exc:
        conn.send(("error", exc.message))
        return
    conn.send(("ready", ""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(store, job, max_rows))


def _answer(store: Any, job: dict[str, Any], max_rows: int) -> Reply:
    try:
        if job.get("saved"):
            saved = querylib.find(job["saved"])
            params = querylib.bind_params(saved, job.get("params") or {}, store)
            text, source = saved.text, saved.name
        else:
            text, params, source = job["query"], {}, "query"
        result = store.query(text, params, source=source, max_rows=max_rows)
        fmt = negotiate(job.get("accept"), result.kind, job.get("format"))
        if fmt is None:
            return _text(
                406,
                f"No acceptable result format for a {result.kind} query "
                f"(Accept: {job.get('accept')}); try application/sparql-results+json or text/turtle.",
            )
        if result.truncated:
            return _text(
                400,
                f"The query returns more than {max_rows} rows - add LIMIT (or start the server "
                "with a higher --max-rows).",
            )
        return 200, CONTENT_TYPE[fmt], serialize(result, fmt)
    except CitykgError as exc:
        return _text(http_status(exc), exc.message)
    except Exception as exc:
        return _text(500, f"Query failed: {type(exc).__name__}: {exc}")


class _Worker:
    def __init__(self, ctx: Any, cfg: ServerConfig) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_main, args=(child, cfg.data, cfg.max_rows, cfg.memory), daemon=True
        )
        self.proc.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has opened the store (startup is not query time)."""
        if not self.conn.poll(timeout):
            self.stop()
            raise StoreError(f"A query worker did not open the store within {timeout:g} s.")
        try:
            status, message = self.conn.recv()
        except (EOFError, OSError):
            status, message = "error", "the worker exited"
        if status != "ready":
            self.stop()
            raise StoreError(f"A query worker could not start: {message}")

    def stop(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes handing out answers with a deadline."""

    STARTUP_TIMEOUT = 600.0

    def __init__(self, cfg: ServerConfig) -> None:
        self.cfg = cfg
        self.ctx = mp.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.all: list[_Worker] = []
        self.lock = threading.Lock()
        starting = [_Worker(self.ctx, cfg) for _ in range(max(1, cfg.workers))]
        try:
            for w in starting:
                w.wait_ready(self.STARTUP_TIMEOUT)
        except StoreError:
            for w in starting:
                w.stop()
            raise
        self.all = starting
        for w in starting:
            self.idle.put(w)

    def _add(self) -> None:
        w = _Worker(self.ctx, self.cfg)
        try:
            w.wait_ready(self.STARTUP_TIMEOUT)
        except StoreError as exc:
            sys.stderr.write(f"{exc.format_message()}\n")
            return
        with self.lock:
            self.all.append(w)
        self.idle.put(w)

    def _replace(self, w: _Worker) -> None:
        w.stop()
        with self.lock:
            if w in self.all:
                self.all.remove(w)
        threading.Thread(target=self._add, daemon=True).start()

    def run(self, job: dict[str, Any]) -> Reply:
        try:
            w = self.idle.get(timeout=self.cfg.timeout)
        except queue.Empty:
            return _text(503, f"All query workers stayed busy for {self.cfg.timeout:g} s - try again later.")
        deadline = time.monotonic() + self.cfg.timeout
        try:
            w.conn.send(job)
            if w.conn.poll(max(0.0, deadline - time.monotonic())):
                reply = w.conn.recv()
                self.idle.put(w)
                return reply
        except (EOFError, OSError):
            self._replace(w)
            return _text(500, "The query worker died - the query may need too much memory.")
        self._replace(w)
        return _text(
            503,
            f"The query exceeded the {self.cfg.timeout:g} s time limit and was stopped - narrow it "
            "or add LIMIT (or start the server with a higher --timeout).",
        )

    def close(self) -> None:
        with self.lock:
            workers = list(self.all)
        for w in workers:
            w.stop()


class Handler(BaseHTTPRequestHandler):
    server_version = "citykg"
    pool: WorkerPool
    quiet = False

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _send(self, reply: Reply, extra: dict[str, str] | None = None) -> None:
        status, ctype, body = reply
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away; nothing to tell it

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        args = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/":
            csp = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'"
            return self._send(
                (200, "text/html; charset=utf-8", PAGE_HTML.encode()), {"Content-Security-Policy": csp}
            )
        if url.path == "/app.js":
            return self._send((200, "text/javascript; charset=utf-8", APP_JS.encode()))
        if url.path == "/queries.json":
            items = [{**q.to_json(), "text": q.text} for q in querylib.catalogue().values()]
            return self._send((200, "application/json", json.dumps(items, ensure_ascii=False).encode()))
        if url.path.startswith("/saved/"):
            name = urllib.parse.unquote(url.path[len("/saved/") :])
            fmt = args.pop("format", [None])[0]
            params = {k: v[-1] for k, v in args.items()}
            return self._send(
                self.pool.run(
                    {"saved": name, "params": params, "format": fmt, "accept": self.headers.get("Accept")}
                )
            )
        if url.path == "/sparql":
            return self._protocol(args)
        return self._send(
            _text(404, f"No page {url.path} - the SPARQL endpoint is /sparql, the query page /.")
        )

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._send(_text(404, "POST queries to /sparql."))
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            return self._send(_text(413, "The request body is larger than 1 MB."))
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        args = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/sparql-update":
            return self._send(_text(403, "This endpoint is read-only: SPARQL updates are refused."))
        if ctype == "application/sparql-query":
            args["query"] = [body]
        elif ctype == "application/x-www-form-urlencoded":
            for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                args.setdefault(k, []).extend(v)
        else:
            return self._send(
                _text(415, "Send application/sparql-query or application/x-www-form-urlencoded.")
            )
        return self._protocol(args)

    def _protocol(self, args: dict[str, list[str]]) -> None:
        if "update" in args:
            return self._send(_text(403, "This endpoint is read-only: SPARQL updates are refused."))
        if "default-graph-uri" in args or "named-graph-uri" in args:
            return self._send(
                _text(
                    400,
                    "default-graph-uri/named-graph-uri are not supported: the default graph "
                    "is the union of all graphs; use GRAPH in the query.",
                )
            )
        queries = args.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            return self._send(_text(400, "Pass exactly one query parameter (SPARQL 1.1 Protocol)."))
        if sparqlsyntax.query_form(queries[0]) == "update":
            return self._send(_text(403, "This endpoint is read-only: SPARQL updates are refused."))
        fmt = (args.get("format") or [None])[0]
        self._send(self.pool.run({"query": queries[0], "accept": self.headers.get("Accept"), "format": fmt}))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def make_server(cfg: ServerConfig, quiet: bool = False) -> tuple[Server, WorkerPool]:
    """Build the store if needed, start the workers and bind the HTTP server (not yet serving)."""
    open_store(cfg.data)  # builds OUT/store if stale; fails early when there is no build
    pool = WorkerPool(cfg)
    handler = type("BoundHandler", (Handler,), {"pool": pool, "quiet": quiet})
    try:
        server = Server((cfg.host, cfg.port), handler)
    except OSError as exc:
        pool.close()
        raise StoreError(
            f"Cannot listen on {cfg.host}:{cfg.port}: {exc.strerror} - pick another --port."
        ) from None
    return server, pool


def serve_forever(cfg: ServerConfig) -> None:
    """Run until Ctrl-C or SIGTERM; prints the URL first (tests read it)."""
    server, pool = make_server(cfg)
    host, port = server.server_address[:2]
    if cfg.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: listening on {cfg.host} - anyone who can reach it can query the graph", file=sys.stderr
        )
    print(
        f"citykg serve: http://{host}:{port}/ (SPARQL endpoint http://{host}:{port}/sparql) - Ctrl-C to stop"
    )
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        pool.close()
