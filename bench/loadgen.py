"""A small HTTP/1.1 load generator for the endpoint benchmark (bench/bench_endpoint.py).

Client processes each drive many keep-alive connections from one selector with
pre-encoded requests and a minimal response parser (Content-Length or chunked), so
the client costs little next to the server being measured; each answer is timed
(p50/p99). A request holding ``{N}`` gets a fresh number each time it is sent.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import selectors
import socket
import time
import urllib.parse
from typing import Any


class _Conn:
    """One keep-alive connection of a load client: its socket, pending bytes, when it sent."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buf = bytearray()
        self.sent_at = 0.0


def _response_end(buf: bytearray) -> tuple[int, int] | None:
    """(status, bytes) of the first complete HTTP/1.1 response in ``buf`` (Content-Length or
    chunked), or None while it is incomplete.

    >>> _response_end(bytearray(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nhiHTTP"))
    (200, 40)
    >>> _response_end(bytearray(b"HTTP/1.1 200 OK\\r\\ntransfer-encoding: chunked\\r\\n\\r\\n2\\r\\nhi\\r\\n0\\r\\n\\r\\n"))
    (200, 59)
    """
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    status = int(buf[9:12])
    head = bytes(buf[:head_end]).lower()
    at = head.find(b"content-length:")
    if at >= 0:
        length = int(head[at + 15 :].split(b"\r\n", 1)[0])
        end = head_end + 4 + length
        return (status, end) if len(buf) >= end else None
    pos = head_end + 4
    while True:  # chunked
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(bytes(buf[pos:line_end]).split(b";")[0], 16)
        pos = line_end + 2 + size + 2
        if len(buf) < pos:
            return None
        if size == 0:
            return status, pos


def _client(url: str, requests: list[bytes], seconds: float, conns: int, out: mp.Queue) -> None:
    """One client process: ``conns`` keep-alive connections on one selector, each sending the
    next request as soon as its answer is complete (pre-encoded bytes: the client stays cheap,
    so the server is what is measured). A request holding ``{N}`` gets a fresh number each time."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    sel = selectors.DefaultSelector()
    counts = {"ok": 0, "err": 0}
    latencies: list[float] = []
    serial = itertools.count(os.getpid() * 10_000_000)

    def send(c: _Conn, n: int) -> None:
        req = requests[n % len(requests)]
        if b"{N}" in req:
            req = req.replace(b"{N}", str(next(serial)).encode())
        c.sent_at = time.perf_counter()
        c.sock.setblocking(True)
        c.sock.sendall(req)
        c.sock.setblocking(False)

    stop_at = time.monotonic() + seconds
    try:
        _drive(sel, host, port, conns, stop_at, send, counts, latencies)
    except OSError:  # the server went away: say so in the error count, never hang the bench
        counts["err"] += 1
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    out.put((counts, latencies))


def _drive(sel: selectors.BaseSelector, host: str, port: int, conns: int, stop_at: float, send: Any,
           counts: dict[str, int], latencies: list[float]) -> None:  # fmt: skip
    """The client's event loop: read answers, time them, send the next request."""
    for n in range(conns):
        c = _Conn(host, port)
        sel.register(c.sock, selectors.EVENT_READ, c)
        send(c, n)
    sent = conns
    while time.monotonic() < stop_at:
        for key, _ in sel.select(timeout=0.1):
            c = key.data
            try:
                data = c.sock.recv(1 << 16)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:  # the server closed it: count an error, open a new connection
                counts["err"] += 1
                sel.unregister(c.sock)
                c.sock.close()
                c = _Conn(host, port)
                sel.register(c.sock, selectors.EVENT_READ, c)
                send(c, sent)
                sent += 1
                continue
            c.buf += data
            done = _response_end(c.buf)
            if done is None:
                continue
            status, end = done
            del c.buf[:end]
            latencies.append(time.perf_counter() - c.sent_at)
            counts["ok" if status == 200 else "err"] += 1
            send(c, sent)
            sent += 1


def load(url: str, paths: list[str], seconds: float, clients: int, procs: int) -> dict[str, float]:
    """Requests/s (successful), errors and p50/p99 latency over ``seconds`` from ``clients`` connections."""
    host = urllib.parse.urlsplit(url).netloc
    accept = "application/sparql-results+json"
    requests = [f"GET {p} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\n\r\n".encode() for p in paths]
    q: mp.Queue = mp.Queue()
    per = max(1, clients // procs)
    workers = [mp.Process(target=_client, args=(url, requests, seconds, per, q)) for _ in range(procs)]
    for w in workers:
        w.start()
    totals = {"ok": 0, "err": 0}
    latencies: list[float] = []
    for _ in workers:
        got, lat = q.get()
        totals["ok"] += got["ok"]
        totals["err"] += got["err"]
        latencies += lat
    for w in workers:
        w.join()
    latencies.sort()
    pct = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] * 1000 if latencies else 0.0  # noqa: E731
    return {"rate": totals["ok"] / seconds, "errors": totals["err"], "p50": pct(0.5), "p99": pct(0.99)}
