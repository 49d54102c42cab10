"""The query workers of ``citykg serve``: two lanes, one build at a time, deadlines.

*One build per answer.* Workers are started as a *generation* for one snapshot
of the build (the TriG's identity, ``worker.snapshot_identity``); every worker
reports the identity it opened and a generation is only used when all agree.
Each request stats the TriG; when a rebuild has landed, a new generation is
started in the background while the old one keeps answering, then the pool
switches under a lock: every request dispatched after the switch is answered by
the new build, none by the old one, and the old workers are stopped once idle.

*Fair share for cheap queries.* Queries start in the *fast* lane. One that has
used ``cheap_seconds`` of CPU, or run that long while other requests wait for the
fast lane (CPU time alone accrues slowly on a loaded machine) is *demoted*: its worker is reniced (the OS gives the
CPU to the rest first) and moved to the *slow* lane, a fresh fast worker replaces
it, and the query text is remembered so that next time it goes straight to the
slow lane, whose low-priority workers read the on-disk store (they open in
milliseconds, so killing one at the time limit costs nothing). Two clients
sending expensive queries therefore share the slow lane and the spare CPU;
cheap queries keep the fast lane. Slow workers fork from a preloaded fork server;
fast workers fork from the generation's template, which holds the one in-memory
copy of the build (``citykg.server.template``), so replacing one costs milliseconds.
Answers are remembered per generation (``citykg.server.cache``).
A query past its time limit has its worker killed and replaced (503).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citykg.errors import CitykgError, StoreError
from citykg.server.cache import CACHE_BYTES, ReplyCache, deterministic
from citykg.server.template import Template
from citykg.server.worker import (
    Identity,
    Limits,
    Reply,
    await_ready,
    snapshot_identity,
    text_reply,
    worker_main,
)

#: Niceness of slow-lane workers (0 normal .. 19 lowest): expensive queries yield the CPU.
SLOW_NICE = 15
#: How many expensive query texts are remembered (they go to the slow lane directly).
EXPENSIVE_MEMORY = 1024
#: At most this many demoted workers may still be running at once (more stay in the fast lane).
MAX_DEMOTED = 4
#: How often (seconds) a running fast-lane query is checked for demotion.
DEMOTE_CHECK = 0.1
#: Clock ticks per second of /proc CPU times.
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: Seconds a worker may take to open a build (loading a large TriG into memory).
STARTUP_TIMEOUT = 600.0


@dataclass
class PoolConfig:
    data: str
    trig: Path
    memory: bool = True
    workers: int = 2  # fast lane
    slow_workers: int = 2  # slow lane
    timeout: float = 10.0
    cheap_seconds: float = 1.0
    limits: Limits = field(default_factory=Limits)
    cache_bytes: int = CACHE_BYTES  # answers remembered per generation (0: none)


class Worker:
    """One worker process and its pipe; ``lane`` is "fast" or "slow"."""

    def __init__(self, ctx: Any, cfg: PoolConfig, lane: str, template: Template | None = None) -> None:
        self.lane = lane
        self.demoted = False
        self.cpu_idle = 0.0  # CPU seconds the worker had used when its last answer came back
        self.proc: Any
        if template is not None:  # forked from the generation's loaded store (citykg.server.template)
            self.conn, self.proc = template.fork()
            return
        self.conn, child = ctx.Pipe()
        # The slow lane reads the on-disk store: it opens in milliseconds, so the worker
        # killed at a time limit is replaced at once (expensive queries mostly end that way).
        memory = cfg.memory and lane == "fast"
        args = (child, cfg.data, str(cfg.trig), memory, cfg.limits, 0)
        self.proc = ctx.Process(target=worker_main, args=args, daemon=True)
        self.proc.start()
        child.close()
        if lane == "slow":
            self.demote()

    def wait_ready(self, timeout: float) -> Identity | None:
        """Block until the worker has opened the store; returns the build identity it opened."""
        identity = await_ready(self.conn, timeout, "a query worker", self.stop)
        self.cpu_idle = self.cpu_seconds()
        return identity

    def demote(self) -> None:
        self.lane = "slow"
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, SLOW_NICE)

    def cpu_seconds(self) -> float:
        """CPU time the worker process has used (user + system), from /proc; 0 when unknown."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return 0.0

    def stop(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class Generation:
    """The workers answering from one build."""

    def __init__(self, ctx: Any, cfg: PoolConfig) -> None:
        self.ctx, self.cfg = ctx, cfg
        self.lock = threading.Lock()
        self.idle = {"fast": queue.Queue(), "slow": queue.Queue()}
        self.members: list[Worker] = []
        self.retired = False
        self.cache = ReplyCache(cfg.cache_bytes)  # this build's answers (citykg.server.cache)
        self.template: Template | None = None
        starting = [Worker(ctx, cfg, "slow") for _ in range(max(1, cfg.slow_workers))]
        try:
            if cfg.memory:  # one in-memory copy of the build; fast workers fork from it
                self.template = Template(ctx, cfg.data, cfg.trig, cfg.limits, STARTUP_TIMEOUT)
            starting += [Worker(ctx, cfg, "fast", self.template) for _ in range(max(1, cfg.workers))]
            seen = {w.wait_ready(STARTUP_TIMEOUT) for w in starting}
            if len(seen) != 1 or None in seen:
                raise StoreError("the build changed while the workers opened it")
        except StoreError:
            self.close(starting)
            raise
        self.identity: Identity = seen.pop()
        self.members = starting
        for w in starting:
            self.idle[w.lane].put(w)

    def lane_size(self, lane: str) -> int:
        with self.lock:
            return sum(1 for w in self.members if w.lane == lane)

    def release(self, w: Worker) -> None:
        """An idle worker goes back to its lane (or stops: retired generation, lane over capacity)."""
        cap = self.cfg.slow_workers if w.lane == "slow" else self.cfg.workers
        if self.retired or self.lane_size(w.lane) > max(1, cap):
            self.drop(w)
            return
        self.idle[w.lane].put(w)

    def drop(self, w: Worker) -> None:
        w.stop()
        with self.lock:
            if w in self.members:
                self.members.remove(w)

    def replace(self, lane: str) -> None:
        """Start a worker for ``lane`` in the background (after a kill or a demotion)."""

        def start() -> None:
            if self.retired:
                return
            try:
                w = Worker(self.ctx, self.cfg, lane, self.template if lane == "fast" else None)
                ident = w.wait_ready(STARTUP_TIMEOUT)
            except StoreError as exc:
                sys.stderr.write(f"{exc}\n")
                return
            if ident != self.identity or self.retired:
                w.stop()  # the build moved on: the next generation will serve it
                return
            with self.lock:
                self.members.append(w)
            self.idle[lane].put(w)

        threading.Thread(target=start, daemon=True).start()

    def retire(self) -> None:
        """Stop idle workers now; busy ones stop when they come back."""
        self.retired = True
        if self.template is not None:
            self.template.close()
        for q in self.idle.values():
            while True:
                try:
                    self.drop(q.get_nowait())
                except queue.Empty:
                    break

    def close(self, starting: list[Worker] | None = None) -> None:
        """Stop every worker (those of a failed start: ``starting``) and the template."""
        self.retired = True
        with self.lock:
            workers = list(self.members) + (starting or [])
        for w in workers:
            w.stop()
        if self.template is not None:
            self.template.close()


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
        self.expensive: OrderedDict[str, None] = OrderedDict()
        self.demoted = 0
        self.lock = threading.Lock()
        self.waiting = {"fast": 0, "slow": 0}  # requests waiting for an idle worker, per lane
        self.counts = {"reloads": 0, "demotions": 0}

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
        deterministic query's answer is shared with identical requests (citykg.server.cache)."""
        gen = gen or self.current()
        if cache_key is None or not self._deterministic(job):
            return self._dispatch(gen, job)
        # The longest a request can take: waiting for a worker, then the query's time limit.
        return gen.cache.answer(cache_key, lambda: self._dispatch(gen, job), 2 * self.cfg.timeout)

    def _dispatch(self, gen: Generation, job: dict[str, Any]) -> Reply:
        """Run ``job`` on a worker of ``gen``: fast or slow lane, demotion, time limit."""
        key = self._key({k: v for k, v in job.items() if k not in ("accept", "format")})
        lane = "slow" if key in self.expensive else "fast"
        w = self._take(gen, lane)
        if w is None:
            return text_reply(
                503, f"All {lane} query workers stayed busy for {self.cfg.timeout:g} s - try again later."
            )
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
                reply, w.cpu_idle = w.conn.recv()
                self._back(gen, w)
                return reply
        except (EOFError, OSError):
            self._lost(gen, w)
            return text_reply(
                500, "The query worker died (the engine crashed on this query); it was restarted."
            )
        self._remember(key)  # killed at the time limit: expensive next time too
        self._lost(gen, w)
        return text_reply(
            503,
            f"The query exceeded the {self.cfg.timeout:g} s time limit and was stopped - narrow it "
            "or add LIMIT (or start the server with a higher --timeout).",
        )

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

    def _remember(self, key: str) -> None:
        with self.lock:
            self.expensive[key] = None
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
