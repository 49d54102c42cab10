"""``citykg serve``: a read-only SPARQL 1.1 Protocol endpoint and an offline query page.

The HTTP side is stdlib ``ThreadingHTTPServer`` speaking HTTP/1.1 with keep-alive
and CORS (request heads and responses through the lean layer of
``citykg.server.wire``); queries run in worker processes (``citykg.server.pool``),
so a query past its time limit is stopped by killing its worker and an engine
crash is one 500. A repeated request is answered from its build's cache before
its query string is even parsed (``citykg.server.cache``).
Bounded everywhere: a per-request read deadline (a client that trickles its
headers is dropped), a cap on open connections (more get an immediate 503), a row
and triple cap and a byte cap on every answer, a nesting bound on queries.
"""

from __future__ import annotations

import io
import json
import math
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from citykg.iris import PREFIXES
from citykg.server import assets
from citykg.server.cache import CACHE_BYTES
from citykg.server.generation import MAX_OVERTIME, OVERTIME
from citykg.server.page import editor_text
from citykg.server.pool import PoolConfig, WorkerPool
from citykg.server.wire import LeanHandler, response_head
from citykg.server.worker import Limits, Reply, text_reply
from citykg.store import querylib, sparqlsyntax

#: Largest request body accepted (a query or a form).
MAX_BODY = 1_000_000
#: A request's line, headers and body must all arrive within this many seconds (slow clients are dropped).
READ_TIMEOUT = 10.0
#: Open connections served at once; more are answered 503 at once (and closed).
MAX_CONNECTIONS = 512
#: CPU seconds after which a query counts as expensive and moves to the low-priority lane.
CHEAP_SECONDS = 1.0
#: How long browsers may cache a CORS preflight answer (seconds).
PREFLIGHT_MAX_AGE = 86400
PARAM_PREFIX = "param."
BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 44\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
    b"Too many open connections - try again soon.\n"
)


@dataclass
class ServerConfig:
    data: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10000
    max_bytes: int = 10_000_000
    workers: int = 2
    slow_workers: int = 2
    memory: bool = True  # workers copy the store into memory (faster queries, more RAM)
    cors: str = "*"  # "*", a comma-separated list of origins, or "" for none
    read_timeout: float = READ_TIMEOUT
    max_connections: int = MAX_CONNECTIONS
    cheap_seconds: float = CHEAP_SECONDS
    cache_bytes: int = CACHE_BYTES  # answers remembered per build generation (citykg.server.cache)
    overtime: float = OVERTIME  # seconds a query past --timeout may run on into the cache (0: none)
    max_overtime: int = MAX_OVERTIME  # such queries at once


class _DeadlineReader(io.RawIOBase):
    """Socket reads that fail once the current request's deadline has passed (slowloris)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline = time.monotonic() + READ_TIMEOUT

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request read deadline passed")
        self.sock.settimeout(left)
        return self.sock.recv_into(buf)


class Handler(LeanHandler):
    server_version = "citykg"
    pool: WorkerPool
    cfg: ServerConfig

    def setup(self) -> None:
        super().setup()
        # One write per response (below) and no Nagle delay: keep-alive clients would
        # otherwise wait for a delayed ACK (~40 ms) on every request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        self.reader.deadline = time.monotonic() + self.cfg.read_timeout
        super().handle_one_request()

    def _cors(self) -> dict[str, str]:
        allowed = self.cfg.cors.strip()
        if not allowed:
            return {}
        if allowed == "*":
            return {"Access-Control-Allow-Origin": "*"}
        origin = self.headers.get("Origin", "")
        if origin in {o.strip() for o in allowed.split(",")}:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}

    def _send(self, reply: Reply, extra: dict[str, str] | None = None) -> None:
        status, ctype, body = reply
        if status == HTTPStatus.SERVICE_UNAVAILABLE:
            # busy workers, or a query past the time limit (maybe finishing in overtime): by the
            # time limit from now a worker is free, or the answer is remembered
            extra = {"Retry-After": str(max(1, math.ceil(self.cfg.timeout))), **(extra or {})}
        self.log_request(status, len(body))
        headers = [
            ("Content-Type", ctype),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
        ]
        headers += {**self._cors(), **(extra or {})}.items()
        data = response_head(status, self.version_string(), headers)
        if self.command != "HEAD":
            data += body  # headers and body in one send (no delayed-ACK stall on keep-alive)
        try:
            self.connection.settimeout(self.cfg.read_timeout)
            self.connection.sendall(data)
        except OSError:
            self.close_connection = True  # the client went away or stopped reading

    def do_OPTIONS(self) -> None:
        """CORS preflight (and plain OPTIONS): which methods and headers a page may use."""
        asked = self.headers.get("Access-Control-Request-Headers", "Content-Type, Accept")
        extra = {
            "Allow": "GET, HEAD, POST, OPTIONS",
            "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
            "Access-Control-Allow-Headers": asked,
            "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE),
        }
        self._send((204, "text/plain; charset=utf-8", b""), extra)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        gen = key = None
        if self.path.startswith(("/sparql", "/saved/")):
            # A repeated request is answered from its build's cache before any parsing
            # (citykg.server.cache); only answers to /sparql and /saved/NAME are kept there.
            key = ("GET", self.path, self.headers.get("Accept"))
            gen, hit = self.pool.lookup(key)
            if hit is not None:
                return self._send(hit)
        url = urllib.parse.urlsplit(self.path)
        args = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        static = assets.page(url.path)
        if static is not None:
            return self._send(static[:3], static[3])
        if url.path == "/queries.json":
            return self._send((200, "application/json", _catalogue_json()))
        if url.path == "/prefixes.json":
            return self._send((200, "application/json", json.dumps(PREFIXES).encode()))
        if url.path.startswith("/saved/") or url.path == "/sparql":
            if url.path == "/sparql":
                return self._protocol(args, gen, key)
            return self._saved(urllib.parse.unquote(url.path[len("/saved/") :]), args, gen, key)
        return self._send(
            text_reply(404, f"No page {url.path} - the SPARQL endpoint is /sparql, the query page /.")
        )

    def _saved(self, name: str, args: dict[str, list[str]], gen: Any, key: Any) -> None:
        if not name.strip():
            names = ", ".join(querylib.catalogue())
            return self._send(text_reply(404, f"Name a saved query: /saved/NAME - one of {names}."))
        fmt = args.pop("format", []) + args.pop("output", [])
        params = {k.removeprefix(PARAM_PREFIX): v[-1] for k, v in args.items()}
        job = {"saved": name, "params": params, "format": fmt, "accept": self.headers.get("Accept")}
        self._send(self.pool.run(job, gen, key))

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._send(text_reply(404, "POST queries to /sparql."))
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            return self._send(text_reply(413, f"The request body must be 0 to {MAX_BODY} bytes."))
        raw = self.rfile.read(length)
        key = ("POST", self.path, self.headers.get("Content-Type"), raw, self.headers.get("Accept"))
        gen, hit = self.pool.lookup(key)
        if hit is not None:
            return self._send(hit)
        body = raw.decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        args = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/sparql-update":
            return self._send(text_reply(403, "This endpoint is read-only: SPARQL updates are refused."))
        if ctype == "application/sparql-query":
            args["query"] = [body]
        elif ctype == "application/x-www-form-urlencoded":
            for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                args.setdefault(k, []).extend(v)
        else:
            return self._send(
                text_reply(415, "Send application/sparql-query or application/x-www-form-urlencoded.")
            )
        return self._protocol(args, gen, key)

    def _protocol(self, args: dict[str, list[str]], gen: Any, key: Any) -> None:
        if "update" in args:
            return self._send(text_reply(403, "This endpoint is read-only: SPARQL updates are refused."))
        if "default-graph-uri" in args or "named-graph-uri" in args:
            return self._send(
                text_reply(
                    400,
                    "default-graph-uri/named-graph-uri are not supported: the default graph "
                    "is the union of all graphs; use GRAPH in the query.",
                )
            )
        queries = args.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            return self._send(text_reply(400, "Pass exactly one query parameter (SPARQL 1.1 Protocol)."))
        if sparqlsyntax.query_form(queries[0]) == "update":
            return self._send(text_reply(403, "This endpoint is read-only: SPARQL updates are refused."))
        fmt = args.get("format", []) + args.get("output", [])
        params = {k[len(PARAM_PREFIX) :]: v[-1] for k, v in args.items() if k.startswith(PARAM_PREFIX)}
        job: dict[str, Any] = {"query": queries[0], "accept": self.headers.get("Accept"), "format": fmt}
        if params:
            job["params"] = params
        self._send(self.pool.run(job, gen, key))


def _catalogue_json() -> bytes:
    """The saved questions for the page: header fields, the text, the editor text, parameter names."""
    items = []
    for q in querylib.catalogue().values():
        items.append(
            {
                **q.to_json(),
                "text": q.text,
                "editor_text": editor_text(q.text),
                "param_names": [p.name for p in q.params],
                "param_docs": {p.name: p.doc for p in q.params},
            }
        )
    return json.dumps(items, ensure_ascii=False).encode()


class Server(ThreadingHTTPServer):
    """Threads per connection, at most ``max_connections`` at once (the rest get a 503 and close)."""

    daemon_threads = True
    request_queue_size = 1024
    max_connections = MAX_CONNECTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.active = 0
        self.active_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.active_lock:
            full = self.active >= self.max_connections
            if not full:
                self.active += 1
        if full:
            try:
                request.settimeout(0.5)
                request.sendall(BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.active_lock:
                self.active -= 1


def make_server(cfg: ServerConfig, quiet: bool = False) -> tuple[Server, WorkerPool]:
    """Build the store if needed, start the workers and bind the HTTP server (not yet serving)."""
    from citykg.store.core import _locate, open_store

    trig = _locate(cfg.data)
    open_store(cfg.data)  # builds OUT/store if stale; fails early when there is no build
    pool = WorkerPool(
        PoolConfig(
            data=str(trig),  # the dataset file itself: OUT/citykg.trig, or any .nq/.trig named by --data
            trig=Path(trig),
            memory=cfg.memory,
            workers=cfg.workers,
            slow_workers=cfg.slow_workers,
            timeout=cfg.timeout,
            cheap_seconds=cfg.cheap_seconds,
            limits=Limits(max_rows=cfg.max_rows, max_bytes=cfg.max_bytes),
            cache_bytes=cfg.cache_bytes,
            overtime=cfg.overtime,
            max_overtime=cfg.max_overtime,
        )
    )
    handler = type("BoundHandler", (Handler,), {"pool": pool, "quiet": quiet, "cfg": cfg})
    try:
        server = Server((cfg.host, cfg.port), handler)
    except OSError as exc:
        pool.close()
        from citykg.errors import StoreError

        raise StoreError(
            f"Cannot listen on {cfg.host}:{cfg.port}: {exc.strerror} - pick another --port."
        ) from None
    server.max_connections = cfg.max_connections
    return server, pool


def serve_forever(cfg: ServerConfig) -> None:
    """Run until Ctrl-C or SIGTERM; prints the URL first (tests read it)."""
    import signal

    server, pool = make_server(cfg)
    host, port = server.server_address[:2]
    if cfg.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: listening on {cfg.host} - anyone who can reach it can query the graph",
            file=sys.stderr,
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
        Handler.access_log.flush()
