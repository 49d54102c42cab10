"""The query workers answering from one build: ``Worker`` processes and their ``Generation``.

A generation is started for one snapshot of the build (``worker.snapshot_identity``);
every worker reports the identity it opened, and the generation is only used when
all agree (``citykg.server.pool`` switches generations when a rebuild lands). Each
generation keeps what is only true of its build: the answers
(``citykg.server.cache``), the labels its workers resolved to IRIs (``Labels``), and
the workers that run a query past its time limit to fill that cache (*overtime*).

With ``memory`` (the default) both lanes fork from the generation's template, which
holds the one in-memory copy of the build (``citykg.server.template``): a worker
starts in milliseconds and answers several times faster than the on-disk store,
so an expensive query in the slow lane also finishes sooner. Slow-lane workers are
reniced (the OS gives the CPU to the fast lane first).
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citykg.errors import StoreError
from citykg.server.cache import CACHE_BYTES, ReplyCache
from citykg.server.template import Template
from citykg.server.worker import Identity, Limits, await_ready, worker_main

#: Niceness of slow-lane workers (0 normal .. 19 lowest): expensive queries yield the CPU.
SLOW_NICE = 15
#: Clock ticks per second of /proc CPU times.
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: Seconds a worker may take to open a build (loading a large TriG into memory).
STARTUP_TIMEOUT = 600.0
#: Resolved labels a generation remembers for its workers (a server resolves the same few again).
LABELS = 4096
#: Seconds a query may run past its time limit to land in the cache (``--overtime``).
OVERTIME = 120.0
#: Queries allowed to run past their time limit at once (more are stopped at the limit).
MAX_OVERTIME = 2


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
    overtime: float = OVERTIME  # seconds past the time limit a cacheable query may run (0: none)
    max_overtime: int = MAX_OVERTIME


class Worker:
    """One worker process and its pipe; ``lane`` is "fast" or "slow"."""

    def __init__(self, ctx: Any, cfg: PoolConfig, lane: str, template: Template | None = None) -> None:
        self.lane = lane
        self.demoted = False
        self.cpu_idle = 0.0  # CPU seconds the worker had used when its last answer came back
        self.proc: Any
        self.stopping = threading.Lock()
        self.stopped = False
        if template is not None:  # forked from the generation's loaded store (citykg.server.template)
            self.conn, self.proc = template.fork()
        else:  # the on-disk store (--no-memory): it opens in milliseconds too
            self.conn, child = ctx.Pipe()
            args = (child, cfg.data, str(cfg.trig), False, cfg.limits, 0)
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
        """Kill the process and close its pipe, once (threads may race to stop one worker: a
        rebuild's retire, the overtime wait, the server's close)."""
        with self.stopping:
            if self.stopped:
                return
            self.stopped = True
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class Labels:
    """Labels resolved to IRIs on one build, shared by all its workers (each would resolve them
    again: a fresh worker's memo is empty). Keys are (resolver kind, label as given).

    >>> labels = Labels()
    >>> labels.learn([("city", "青岛", "http://x/370200")]); labels.known(["青岛", "济南"])
    [('city', '青岛', 'http://x/370200')]
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_value: dict[str, dict[str, str]] = {}
        self.count = 0

    def known(self, values: list[str]) -> list[tuple[str, str, str]]:
        """What is known about ``values``: (kind, value, IRI) rows for a job."""
        with self.lock:
            return [(k, v, iri) for v in values for k, iri in self.by_value.get(v, {}).items()]

    def learn(self, rows: list[tuple[str, str, str]]) -> None:
        """Remember what a worker resolved (bounded: the first ``LABELS`` are kept)."""
        with self.lock:
            for kind, value, iri in rows:
                kinds = self.by_value.setdefault(value, {})
                if kind not in kinds and self.count < LABELS:
                    kinds[kind] = iri
                    self.count += 1


class Generation:
    """The workers answering from one build, with its answers and resolved labels."""

    def __init__(self, ctx: Any, cfg: PoolConfig) -> None:
        self.ctx, self.cfg = ctx, cfg
        self.lock = threading.Lock()
        self.idle = {"fast": queue.Queue(), "slow": queue.Queue()}
        self.members: list[Worker] = []
        self.overtime: list[Worker] = []  # running a query past its time limit (not in a lane)
        self.retired = False
        self.cache = ReplyCache(cfg.cache_bytes)  # this build's answers (citykg.server.cache)
        self.labels = Labels()
        self.template: Template | None = None
        starting: list[Worker] = []
        try:
            if cfg.memory:  # one in-memory copy of the build; the workers fork from it
                self.template = Template(ctx, cfg.data, cfg.trig, cfg.limits, STARTUP_TIMEOUT)
            for lane, count in (("slow", cfg.slow_workers), ("fast", cfg.workers)):
                starting += [Worker(ctx, cfg, lane, self.template) for _ in range(max(1, count))]
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

    def capacity(self, lane: str) -> int:
        return max(1, self.cfg.slow_workers if lane == "slow" else self.cfg.workers)

    def lane_size(self, lane: str) -> int:
        with self.lock:
            return sum(1 for w in self.members if w.lane == lane)

    def release(self, w: Worker) -> None:
        """An idle worker goes back to its lane (or stops: retired generation, lane over capacity)."""
        if self.retired or self.lane_size(w.lane) > self.capacity(w.lane):
            self.drop(w)
            return
        self.idle[w.lane].put(w)

    def drop(self, w: Worker) -> None:
        w.stop()
        with self.lock:
            if w in self.members:
                self.members.remove(w)

    def start_overtime(self, w: Worker) -> bool:
        """``w`` leaves its lane to finish a query past its time limit and a new worker takes its
        place; False (nothing changed) when ``max_overtime`` queries already run so."""
        with self.lock:
            if self.retired or len(self.overtime) >= self.cfg.max_overtime:
                return False
            if w in self.members:
                self.members.remove(w)
            self.overtime.append(w)
        lane = w.lane
        w.demote()  # low priority from now on: the lanes' queries come first
        self.replace(lane)
        return True

    def end_overtime(self, w: Worker, answered: bool) -> None:
        """An overtime worker is done: back to the slow lane when it has room, else stopped."""
        with self.lock:
            if w in self.overtime:
                self.overtime.remove(w)
            keep = answered and not self.retired and w.proc.is_alive()
            keep = keep and sum(1 for m in self.members if m.lane == "slow") < self.capacity("slow")
            if keep:
                self.members.append(w)
        if keep:
            self.idle["slow"].put(w)
        else:
            w.stop()

    def replace(self, lane: str) -> None:
        """Start a worker for ``lane`` in the background (after a kill, a demotion or overtime)."""

        def start() -> None:
            if self.retired:
                return
            try:
                w = Worker(self.ctx, self.cfg, lane, self.template)
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
        """Stop idle and overtime workers now (their answers would go to an old cache); busy ones
        stop when they come back."""
        self.retired = True
        if self.template is not None:
            self.template.close()
        with self.lock:
            late = list(self.overtime)
        for w in late:
            w.stop()
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
            workers = list(self.members) + list(self.overtime) + (starting or [])
        for w in workers:
            w.stop()
        if self.template is not None:
            self.template.close()
