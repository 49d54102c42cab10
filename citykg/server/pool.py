"""The query workers of ``citykg serve``: two lanes, one build at a time, deadlines, overtime.

*One build per answer.* Workers are started as a *generation* for one snapshot
of the build (``citykg.server.generation``). Each request stats the TriG; when a
rebuild has landed, a new generation is started in the background while the old
one keeps answering, then the pool switches under a lock: every request
dispatched after the switch is answered by the new build, none by the old one,
and the old workers are stopped once idle.

*Fair share for cheap queries.* Queries start in the *fast* lane. One that has
used ``cheap_seconds`` of CPU, or run that long while other requests wait for the
fast lane (CPU time alone accrues slowly on a loaded machine) is *demoted*: its
worker is reniced (the OS gives the CPU to the rest first) and moved to the
*slow* lane, a fresh fast worker replaces it, and the query text is remembered so
that next time it goes straight to the slow lane. Two clients sending expensive
queries therefore share the slow lane and the spare CPU; cheap queries keep the
fast lane. Workers fork from the generation's in-memory template, so replacing
one costs milliseconds.

*Overtime.* A query past the client's time limit gets a 503 with Retry-After.
When its answer can be remembered (a deterministic query, ``citykg.server.cache``)
and fewer than ``max_overtime`` queries are already in overtime, its worker is
not killed: it leaves its lane (a new worker takes its place), keeps running at
low priority for up to ``overtime`` more seconds and lands its answer in the
build's cache, so the next identical request is a hit - identical requests that
arrive meanwhile wait on that one run (single-flight) instead of starting their
own (up to the time limit). Past the ceiling, on a rebuild or when the server
stops, it is killed. Otherwise (no cache, volatile query, no free slot) the
worker is killed at the limit and replaced; and while every overtime slot is
taken, a cacheable query that passed the limit before is refused at once (503)
rather than run only to be killed - the CPU goes to the queries that will finish.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import sys
import threading
import time
from collections import OrderedDict
from typing import Any

from citykg.errors import CitykgError, StoreError
from citykg.server.cache import Late, deterministic
from citykg.server.generation import Generation, PoolConfig, Worker
from citykg.server.worker import Identity, Reply, snapshot_identity, text_reply

__all__ = ["PoolConfig", "WorkerPool"]

#: How many expensive query texts are remembered (they go to the slow lane directly).
EXPENSIVE_MEMORY = 1024
#: At most this many demoted workers may still be running at once (more stay in the fast lane).
MAX_DEMOTED = 4
#: How often (seconds) a running fast-lane query is checked for demotion.
DEMOTE_CHECK = 0.1


class WorkerPool:
    """Route jobs to the current generation's lanes, with deadlines, demotion and reloads."""

    def __init__(self, cfg: PoolConfig) -> None:
        self.cfg = cfg
        self.ctx = mp.get_context("forkserver")
        # Workers fork from a server process that has already imported the engine and citykg:
        # a replacement worker starts in milliseconds, not the half second of a fresh interpreter.
        self.ctx.set_forkserver_preload(
            ["citykg.server.worker", "citykg.server.template", "citykg.store.core", "citykg.store.querylib"]
        )
        self.gen = Generation(self.ctx, cfg)
        self.switch = threading.Lock()
        self.loading: Identity | None = None
        # expensive query texts -> True once one ran past the time limit (else it was demoted)
        self.expensive: OrderedDict[str, bool] = OrderedDict()
        self.demoted = 0
        self.lock = threading.Lock()
        self.waiting = {"fast": 0, "slow": 0}  # requests waiting for an idle worker, per lane
        self.counts = {"reloads": 0, "demotions": 0, "overtime": 0, "landed": 0}

    # --- one build per answer ---------------------------------------------------------------

    def current(self) -> Generation:
        """The generation to dispatch to; starts loading a new build when the TriG changed."""
        ident = snapshot_identity(self.cfg.trig)
        gen = self.gen
        if ident is not None and ident != gen.identity and self.loading != ident:
            with self.switch:
                if self.loading != ident and ident != self.gen.identity:
                    self.loading = ident
                    threading.Thread(target=self._reload, args=(ident,), daemon=True).start()
        return gen

    def _reload(self, ident: Identity) -> None:
        try:
            new = Generation(self.ctx, self.cfg)
        except StoreError as exc:
            sys.stderr.write(f"citykg serve: keeping the previous build: {exc}\n")
            with self.switch:
                self.loading = None
            return
        with self.switch:
            old, self.gen = self.gen, new
            self.loading = None
            self.counts["reloads"] += 1
        old.retire()

    # --- dispatch -----------------------------------------------------------------------------

    def _key(self, job: dict[str, Any]) -> str:
        return repr(sorted(job.items()))

    def lookup(self, cache_key: Any) -> tuple[Generation, Reply | None]:
        """The generation to dispatch to, and its remembered reply to this request (or None)."""
        gen = self.current()
        return gen, gen.cache.get(cache_key) if self.cfg.cache_bytes else None

    def run(self, job: dict[str, Any], gen: Generation | None = None, cache_key: Any = None) -> Reply:
        """Answer ``job`` on ``gen`` (default: the current generation). With a ``cache_key``, a
        deterministic query's answer is shared with identical requests (citykg.server.cache),
        and may be finished in overtime into the cache."""
        gen = gen or self.current()
        if cache_key is None or not self._deterministic(job):
            return self._dispatch(gen, job, None)
        # A request waits for an identical one's run no longer than the time limit (then a 503).
        return gen.cache.answer(
            cache_key, lambda late: self._dispatch(gen, job, late), self.cfg.timeout, self._pending()
        )

    def _dispatch(self, gen: Generation, job: dict[str, Any], late: Late | None) -> Reply:
        """Run ``job`` on a worker of ``gen``: fast or slow lane, demotion, time limit, overtime."""
        key = self._key({k: v for k, v in job.items() if k not in ("accept", "format")})
        lane = "slow" if key in self.expensive else "fast"
        if late is not None and self.expensive.get(key) and self._overtime_full(gen):
            # it ran past the limit before and could not finish now: refused before it costs CPU
            return text_reply(
                503,
                f"The query ran past the {self.cfg.timeout:g} s time limit before and "
                f"{self.cfg.max_overtime} others are finishing in overtime now - ask again later.",
            )
        w = self._take(gen, lane)
        if w is None:
            return text_reply(
                503, f"All {lane} query workers stayed busy for {self.cfg.timeout:g} s - try again later."
            )
        # the labels this build's workers have resolved already (citykg.server.generation.Labels)
        job = {**job, "labels": gen.labels.known(list((job.get("params") or {}).values()))}
        deadline = time.monotonic() + self.cfg.timeout
        try:
            cpu_at_start, started = w.cpu_idle, time.monotonic()
            w.conn.send(job)
            while lane == "fast" and not w.conn.poll(
                min(DEMOTE_CHECK, max(0.0, deadline - time.monotonic()))
            ):
                if time.monotonic() >= deadline:
                    break
                if self._expensive(w, cpu_at_start, started):
                    self._demote(gen, w, key)
                    break
            if w.conn.poll(max(0.0, deadline - time.monotonic())):
                reply = self._receive(gen, w)
                self._back(gen, w)
                return reply
        except (EOFError, OSError):
            self._lost(gen, w)
            return text_reply(
                500, "The query worker died (the engine crashed on this query); it was restarted."
            )
        self._remember(key, overlong=True)  # past the time limit: expensive next time too
        if late is not None and self._overtime(gen, w, late):
            return text_reply(
                503,
                f"The query exceeded the {self.cfg.timeout:g} s time limit. It keeps running for up to "
                f"{self.cfg.overtime:g} s more and its answer will be remembered: ask again later.",
            )
        self._lost(gen, w)
        return text_reply(
            503,
            f"The query exceeded the {self.cfg.timeout:g} s time limit and was stopped - narrow it "
            "or add LIMIT (or start the server with a higher --timeout).",
        )

    def _pending(self) -> Reply:
        """The reply to a request whose identical twin is still running when its own wait ends."""
        return text_reply(
            503,
            "The same query is still running for an earlier request (past the time limit); its answer "
            "will be remembered: ask again later.",
        )

    def _receive(self, gen: Generation, w: Worker) -> Reply:
        """A worker's answer; what it resolved goes to the generation's labels."""
        reply, w.cpu_idle, learned = w.conn.recv()
        if learned:
            gen.labels.learn(learned)
        return reply

    def _overtime(self, gen: Generation, w: Worker, late: Late) -> bool:
        """Let ``w`` finish its query in the background into the cache, if a slot is free."""
        if self.cfg.overtime <= 0 or not gen.start_overtime(w):
            return False
        late.take()
        self._settle(w)
        threading.Thread(target=self._finish, args=(gen, w, late), daemon=True).start()
        return True

    def _finish(self, gen: Generation, w: Worker, late: Late) -> None:
        """Wait for an overtime query up to the ceiling; land its answer (or why there is none)."""
        answered = False
        total = self.cfg.timeout + self.cfg.overtime
        reply = text_reply(
            503,
            f"The query ran for {total:g} s (the time limit and the overtime) and was stopped - narrow it "
            "or add LIMIT (or start the server with a higher --timeout).",
        )
        try:
            if w.conn.poll(self.cfg.overtime):
                reply, answered = self._receive(gen, w), True
        except (EOFError, OSError):  # killed: a new build retired this one, the server stops, a crash
            reply = text_reply(503, "The query was stopped before it finished (a new build, or a crash).")
        gen.end_overtime(w, answered)
        with self.lock:
            self.counts["overtime"] += 1
            self.counts["landed"] += answered
        late.land(reply)

    def _deterministic(self, job: dict[str, Any]) -> bool:
        if not self.cfg.cache_bytes:
            return False
        if not job.get("saved"):
            return deterministic(job["query"])
        from citykg.store import querylib

        try:
            return deterministic(querylib.find(job["saved"]).text)
        except CitykgError:
            return False  # an unknown name: the worker answers 404

    def _take(self, gen: Generation, lane: str) -> Worker | None:
        """An idle live worker of ``lane`` (a dead one found idle is replaced), or None after the timeout."""
        deadline = time.monotonic() + self.cfg.timeout
        while True:
            with self.lock:
                self.waiting[lane] += 1
            try:
                w = gen.idle[lane].get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            finally:
                with self.lock:
                    self.waiting[lane] -= 1
            if w.proc.is_alive():
                return w
            self._lost(gen, w)

    def _expensive(self, w: Worker, cpu_at_start: float, started: float) -> bool:
        """Demote when the query has computed ``cheap_seconds`` of CPU, or has run that long
        while other requests wait for the fast lane (on a loaded machine CPU time accrues slowly)."""
        if w.cpu_seconds() - cpu_at_start >= self.cfg.cheap_seconds:
            return True
        return time.monotonic() - started >= self.cfg.cheap_seconds and self.waiting["fast"] > 0

    def _overtime_full(self, gen: Generation) -> bool:
        """No overtime slot is free (with overtime on): a query known to pass the limit would be stopped."""
        with gen.lock:
            return self.cfg.overtime > 0 and len(gen.overtime) >= self.cfg.max_overtime

    def _remember(self, key: str, overlong: bool = False) -> None:
        with self.lock:
            self.expensive[key] = self.expensive.get(key, False) or overlong
            while len(self.expensive) > EXPENSIVE_MEMORY:
                self.expensive.popitem(last=False)

    def _demote(self, gen: Generation, w: Worker, key: str) -> None:
        self._remember(key)
        with self.lock:
            if self.demoted >= MAX_DEMOTED:
                return
            self.demoted += 1
        w.demote()
        w.demoted = True
        self.counts["demotions"] += 1
        gen.replace("fast")

    def _settle(self, w: Worker) -> None:
        if w.demoted:
            w.demoted = False
            with self.lock:
                self.demoted -= 1

    def _back(self, gen: Generation, w: Worker) -> None:
        self._settle(w)
        gen.release(w)

    def _lost(self, gen: Generation, w: Worker) -> None:
        self._settle(w)
        lane = w.lane
        gen.drop(w)
        if not gen.retired and gen.lane_size(lane) < (
            self.cfg.workers if lane == "fast" else self.cfg.slow_workers
        ):
            gen.replace(lane)

    def close(self) -> None:
        self.gen.close()
