"""A query past the time limit finishes in overtime into the build's cache; identical requests
wait on that one run; labels resolved once per build (issue 15, the saved-query mix).

Workers are frozen with SIGSTOP to make a query outlast its time limit and thawed to let it
finish: the tests depend on the order of events, never on how fast anything runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import endpointkit
import pytest
from endpointkit import get, sparql_url, start, stop

from citykg.server.pool import PoolConfig, WorkerPool

pytestmark = pytest.mark.server
CITIES = "SELECT ?c ?label WHERE { ?c a ck:City ; rdfs:label ?label } ORDER BY ?c"
#: Long enough to wait for a background thread in these tests (never a speed assertion).
PATIENCE = 60.0


def _signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _wait_for(check: Any) -> None:
    """Poll ``check()`` until true (bounded by PATIENCE: a hang fails, speed does not matter)."""
    deadline = time.monotonic() + PATIENCE
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_a_query_past_the_limit_is_answered_from_the_cache_next_time(tmp_path: Path) -> None:
    proc, base = start(endpointkit.out_with(tmp_path / "out"), "--timeout", "2")
    frozen = endpointkit.worker_pids(proc.pid)
    url = sparql_url(base, CITIES)
    try:
        _signal_all(frozen, signal.SIGSTOP)  # the first request outlasts its time limit
        status, headers, body = get(url, "text/csv", timeout=PATIENCE)
        assert status == 503 and headers.get("Retry-After") == "2", (status, headers)
        assert b"keeps running" in body and b"remembered" in body
        _signal_all(frozen, signal.SIGCONT)  # it finishes in overtime
        status, _, answer = get(url, "text/csv", timeout=PATIENCE)  # waits on that run, or a hit
        assert status == 200 and b"370200" in answer
        everyone = endpointkit.worker_pids(proc.pid)
        _signal_all(everyone, signal.SIGSTOP)  # now no worker can answer: only the cache can
        assert get(url, "text/csv", timeout=PATIENCE)[:3:2] == (200, answer)
        _signal_all(everyone, signal.SIGCONT)
    finally:
        _signal_all(endpointkit.worker_pids(proc.pid) + frozen, signal.SIGCONT)
        stop(proc)


@pytest.fixture
def pool(tmp_path: Path) -> Iterator[WorkerPool]:
    out = endpointkit.out_with(tmp_path / "out")
    trig = out / "citykg.trig"
    p = WorkerPool(PoolConfig(data=str(trig), trig=trig, timeout=3.0, workers=1, slow_workers=1))
    yield p
    p.close()


def test_identical_requests_wait_on_the_overtime_run_instead_of_starting_their_own(pool: WorkerPool) -> None:
    job = {"query": CITIES, "accept": "text/csv", "format": []}
    key = ("GET", "/sparql?cities", "text/csv")
    dispatched: list[int] = []
    real = pool._dispatch
    pool._dispatch = lambda *a: dispatched.append(1) or real(*a)  # type: ignore[method-assign]
    first_workers = [w.proc.pid for w in pool.gen.members]  # not the template: replacements start
    try:
        _signal_all(first_workers, signal.SIGSTOP)
        first = pool.run(job, cache_key=key)
        assert first[0] == 503 and b"keeps running" in first[2]
        assert len(pool.gen.overtime) == 1 and key in pool.gen.cache.running
        with ThreadPoolExecutor(5) as ex:
            twins = [ex.submit(pool.run, job, None, key) for _ in range(5)]
            _signal_all(first_workers, signal.SIGCONT)
            replies = [f.result() for f in twins]
    finally:
        _signal_all(first_workers, signal.SIGCONT)
    assert {r[0] for r in replies} == {200} and len({r[2] for r in replies}) == 1
    assert b"370200" in replies[0][2]
    assert len(dispatched) == 1  # one run for six requests
    assert pool.counts["landed"] == 1 and pool.gen.cache.get(key) == replies[0]
    _wait_for(lambda: not pool.gen.overtime)  # the overtime worker went back to the slow lane


def test_without_a_free_overtime_slot_the_query_is_stopped(pool: WorkerPool) -> None:
    pool.cfg.max_overtime = 0
    pids = [w.proc.pid for w in pool.gen.members]
    try:
        _signal_all(pids, signal.SIGSTOP)
        reply = pool.run({"query": CITIES, "accept": "text/csv", "format": []}, cache_key=("k",))
    finally:
        _signal_all(pids, signal.SIGCONT)
    assert reply[0] == 503 and b"was stopped" in reply[2] and not pool.gen.overtime
    assert pool.gen.cache.get(("k",)) is None


def _saved(reform: str) -> dict[str, Any]:
    return {
        "saved": "cities-running-reform",
        "params": {"reform": reform},
        "accept": "text/csv",
        "format": [],
    }


def test_labels_resolved_once_per_build_and_forgotten_on_a_rebuild(pool: WorkerPool, tmp_path: Path) -> None:
    real = pool.run(_saved("静默认证"))
    assert real[0] == 200 and "威海".encode() in real[2]
    learned = pool.gen.labels.known(["静默认证"])
    assert [(k, v) for k, v, _ in learned] == [("reform", "静默认证")]
    # what the pool knows is what every worker uses: a label it learned answers like the real one
    pool.gen.labels.learn([("reform", "别名", learned[0][2])])
    assert pool.run(_saved("别名")) == real
    old = pool.gen
    trig = tmp_path / "out" / "citykg.trig"
    fresh = tmp_path / "new.trig"
    fresh.write_text(trig.read_text(encoding="utf-8") + "\n# rebuilt\n", encoding="utf-8")
    fresh.replace(trig)  # a rebuild lands (a new inode)
    pool.current()
    _wait_for(lambda: pool.gen is not old)
    assert pool.gen.labels.known(["静默认证", "别名"]) == []
    unknown = pool.run(_saved("别名"))
    assert unknown[0] == 400 and "别名".encode() in unknown[2]
    assert pool.run(_saved("静默认证")) == real


def test_a_query_that_passed_the_limit_is_refused_at_once_while_overtime_is_full(pool: WorkerPool) -> None:
    pool.cfg.max_overtime = 1
    first = {"query": CITIES, "accept": "text/csv", "format": []}
    other = {"query": CITIES + " # another text", "accept": "text/csv", "format": []}
    taken: list[str] = []
    real = pool._take
    pool._take = lambda gen, lane: taken.append(lane) or real(gen, lane)  # type: ignore[method-assign]
    frozen: list[int] = []
    try:
        for job, key in ((first, ("first",)), (other, ("other",))):
            _wait_for(lambda: pool.gen.lane_size("fast") == 1)  # the worker gone to overtime was replaced
            pids = [w.proc.pid for w in pool.gen.members]
            frozen += pids
            _signal_all(pids, signal.SIGSTOP)
            reply = pool.run(job, cache_key=key)
            assert reply[0] == 503
        assert len(pool.gen.overtime) == 1  # the first finishes in overtime, the other was stopped
        assert len(taken) == 2
        refused = pool.run(other, cache_key=("other",))
        assert refused[0] == 503 and b"ran past the 3 s time limit before" in refused[2]
        assert len(taken) == 2  # no worker was taken for it
    finally:
        _signal_all(frozen, signal.SIGCONT)
    _wait_for(lambda: not pool.gen.overtime)
    assert pool.run(other, cache_key=("other",))[0] == 200  # a free slot: it runs again
