"""Answers of ``citykg serve`` remembered per build generation.

A build is read-only, so the answer to one request (the query text or saved
query and its parameters, the format asked for) is a pure function of the build
the request was dispatched to. Each worker generation (``citykg.server.pool``)
keeps its own ``ReplyCache``: a repeated request is answered by the accepting
process without a worker, and a rebuild starts a new, empty cache with its new
generation, so no answer from the old build survives the switch. Only final
answers (not server errors) of deterministic queries are kept (``deterministic``: no ``NOW()``,
``RAND()``, ``UUID()``...), within a byte budget, least recently used first out.
Identical requests that arrive while the first is still running wait for its
answer instead of each taking a worker (``ReplyCache.answer``): fifty clients
asking a new question at once cost one query, not fifty. A query that passes the
time limit may keep running in the background (the pool's *overtime*,
``Late``): the requests waiting on it still get its answer, and so does the next.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from citykg.store import sparqlsyntax

#: Bytes of answers (and their keys) one generation's cache may hold.
CACHE_BYTES = 64_000_000
#: An answer larger than this share of the budget is not kept (it would evict many small ones).
LARGEST_SHARE = 16
#: Distinct query texts whose determinism verdict is remembered.
VERDICTS = 4096
#: Replies from this status up are not kept (a server error may not recur).
SERVER_ERROR = 500
#: SPARQL 1.1 functions whose value changes from one execution to the next (section 17.4):
#: an answer that calls one is never reused.
VOLATILE = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})

Reply = tuple[int, str, bytes]


@functools.lru_cache(maxsize=VERDICTS)
def deterministic(query: str) -> bool:
    """False when ``query`` calls a function whose value differs per execution.

    >>> deterministic("SELECT ?c WHERE { ?c a ck:City } # now() in a comment")
    True
    >>> deterministic("SELECT (now() AS ?t) WHERE {}"), deterministic('SELECT * { BIND(STRUUID() AS ?u) }')
    (False, False)
    >>> deterministic('SELECT * { ?s ex:rand "RAND()" }')
    True
    """
    upper = query.upper()
    if not any(name in upper for name in VOLATILE):
        return True  # the usual case, without lexing the text
    return not any(t.kind == "word" and t.text.upper() in VOLATILE for t in sparqlsyntax.tokens(query))


class ReplyCache:
    """A thread-safe LRU map from a request key to its reply, bounded in bytes.

    >>> c = ReplyCache(max_bytes=1600)
    >>> c.put(("a",), (200, "t", b"x" * 5)); c.get(("a",))
    (200, 't', b'xxxxx')
    >>> c.put(("big",), (200, "t", b"x" * 60)); c.get(("big",)) is None  # costs over 1600/16
    True
    >>> for i in range(30): c.put((str(i),), (200, "t", b"y"))
    >>> c.get(("a",)) is None, c.get(("29",)) is not None, c.size <= 1600
    (True, True, True)
    """

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.entries: OrderedDict[Hashable, tuple[Reply, int]] = OrderedDict()
        self.lock = threading.Lock()
        self.running: dict[Hashable, _Flight] = {}  # requests being answered now, by key

    def answer(
        self,
        key: Hashable,
        compute: Callable[[Late | None], Reply],
        wait: float,
        pending: Reply | None = None,
    ) -> Reply:
        """The remembered reply to ``key``, else the one being computed for an identical
        request (waiting up to ``wait`` seconds for it), else ``compute(late)``.

        A finished computation's reply is kept unless it is a server error (5xx: the next
        request may fare better); a 4xx of a fixed build and query is as final as a 200.
        ``compute`` may hand its computation over to the background (``late.take()``, then
        ``late.land(reply)`` once done): its own request returns at once, while identical
        requests keep waiting on that one run. A request whose wait ends first gets ``pending``.

        >>> c, calls = ReplyCache(), []
        >>> c.answer("k", lambda late: calls.append(1) or (200, "t", b"a"), 1), c.answer("k", lambda late: 1 / 0, 1)
        ((200, 't', b'a'), (200, 't', b'a'))
        >>> c.answer("e", lambda late: (503, "t", b"busy"), 1)[0], c.get("e"), len(calls)
        (503, None, 1)
        >>> c.answer("bad", lambda late: (400, "t", b"syntax"), 1), c.get("bad")
        ((400, 't', b'syntax'), (400, 't', b'syntax'))
        """
        hit = self.get(key)
        if hit is not None:
            return hit
        with self.lock:
            flight = self.running.get(key)
            leader = flight is None
            if leader:
                flight = self.running[key] = _Flight()
        if not leader:
            if not flight.done.wait(wait):
                return pending if pending is not None else compute(None)
            if flight.reply is not None:
                return flight.reply
            return compute(None)  # the first request failed in a way that left no answer: ask again
        late = Late(self, key, flight)
        reply: Reply | None = None
        try:
            reply = compute(late)
            return reply
        finally:
            if not late.taken:
                late.land(reply)

    def land(self, key: Hashable, flight: _Flight, reply: Reply | None) -> None:
        """End ``flight``: keep its reply (unless a 5xx), wake the identical requests waiting on it."""
        flight.reply = reply
        if reply is not None and reply[0] < SERVER_ERROR:
            self.put(key, reply)
        with self.lock:
            if self.running.get(key) is flight:
                del self.running[key]
        flight.done.set()

    def get(self, key: Hashable) -> Reply | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            self.entries.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, reply: Reply) -> None:
        cost = _cost(key) + len(reply[1]) + len(reply[2])
        if cost > self.max_bytes // LARGEST_SHARE:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self.entries[key] = (reply, cost)
            self.size += cost
            while self.size > self.max_bytes and self.entries:
                _, (_, freed) = self.entries.popitem(last=False)
                self.size -= freed


class Late:
    """A computation that may outlive the request that started it (``ReplyCache.answer``)."""

    def __init__(self, cache: ReplyCache, key: Hashable, flight: _Flight) -> None:
        self.cache, self.key, self.flight = cache, key, flight
        self.taken = False

    def take(self) -> None:
        """The caller will call ``land`` later (from another thread); its request returns now."""
        self.taken = True

    def land(self, reply: Reply | None) -> None:
        self.cache.land(self.key, self.flight, reply)


class _Flight:
    """One request being answered; identical requests wait on ``done`` and share ``reply``."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.reply: Reply | None = None


def _cost(key: Hashable) -> int:
    """Bytes a key holds (its strings and byte strings), plus a fixed overhead per entry."""
    parts = key if isinstance(key, tuple) else (key,)
    return 64 + sum(len(p) for p in parts if isinstance(p, str | bytes))
