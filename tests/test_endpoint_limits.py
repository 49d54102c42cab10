"""The endpoint stays bounded (issue 12.7): answer size, slow clients, expensive clients, crashes."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import endpointkit
import pytest
from endpointkit import CHEAP, EXPENSIVE, get, sparql_url, start, stop

pytestmark = pytest.mark.server
endpoint = endpointkit.endpoint  # the fixture: --max-rows 100 --max-bytes 200000 --timeout 3


def test_construct_and_describe_are_capped_in_triples(endpoint: str) -> None:
    status, _, body = get(sparql_url(endpoint, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    assert status == 400 and b"more than 100 triples" in body
    status, _, body = get(sparql_url(endpoint, "DESCRIBE ?s WHERE { ?s ?p ?o }"))
    assert status == 400 and b"more than 100 triples" in body
    status, _, body = get(sparql_url(endpoint, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 50"))
    assert status == 200 and body.count(b"\n") >= 10


def test_one_huge_row_is_capped_in_bytes(endpoint: str) -> None:
    huge = (
        "SELECT (GROUP_CONCAT(CONCAT(STR(?a), STR(?b), STR(?c)); separator='|') AS ?all) "
        "WHERE { ?a ?b ?c . ?x a ck:City }"
    )
    status, _, body = get(sparql_url(endpoint, huge))
    assert status == 413, body[:200]
    assert b"larger than 0.2 MB" in body
    status, _, _ = get(sparql_url(endpoint, CHEAP))
    assert status == 200


def test_slow_clients_are_dropped_and_do_not_block_others(tmp_path: Path) -> None:
    proc, base = start(endpointkit.out_with(tmp_path / "out"), "--read-timeout", "1")
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    slow: list[socket.socket] = []
    try:
        for _ in range(200):  # each sends half a request line and then nothing
            s = socket.create_connection((host, int(port)))
            s.sendall(b"GET /sparql?query=ASK")
            slow.append(s)
        status, _, _ = get(sparql_url(base, CHEAP), timeout=30)
        assert status == 200
        dropped = 0
        for s in slow:
            s.settimeout(30)
            try:
                data = s.recv(100)
            except TimeoutError:
                data = b"still open"
            except OSError:
                data = b""  # reset by the server
            dropped += data == b"" or data.startswith(b"HTTP/1.1 408") or data.startswith(b"HTTP/1.1 503")
        assert dropped == len(slow)  # the server closed every trickling connection itself
    finally:
        for s in slow:
            s.close()
        stop(proc)


def test_expensive_clients_do_not_starve_cheap_queries(tmp_path: Path) -> None:
    proc, base = start(
        endpointkit.out_with(tmp_path / "out"), "--timeout", "4", "--workers", "2", "--slow-workers", "1"
    )
    stop_flag = threading.Event()
    expensive_statuses: list[int] = []

    def hammer(n: int) -> None:
        while not stop_flag.is_set():  # each client its own text (identical ones would share a run)
            expensive_statuses.append(get(sparql_url(base, f"{EXPENSIVE} # {n}"), timeout=60)[0])

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(2)]
    try:
        for t in threads:
            t.start()
        with ThreadPoolExecutor(4) as ex:
            # each text is new (a numbered comment), so every one runs on a worker, not the cache
            statuses = list(
                ex.map(lambda n: get(sparql_url(base, f"{CHEAP} #{n}"), timeout=60)[0], range(60))
            )
        assert statuses.count(200) == len(statuses), statuses
    finally:
        stop_flag.set()
        for t in threads:
            t.join(60)
        stop(proc)
    assert expensive_statuses and set(expensive_statuses) <= {503}  # they time out, clearly


def test_a_crashed_worker_is_a_500_not_a_dead_server(tmp_path: Path) -> None:
    proc, base = start(endpointkit.out_with(tmp_path / "out"), "--timeout", "30", "--slow-workers", "1")
    try:
        with ThreadPoolExecutor(1) as ex:
            pending = ex.submit(get, sparql_url(base, EXPENSIVE), None, 60)
            time.sleep(1.0)  # let the query reach a worker (ordering only, nothing is timed)
            for worker in endpointkit.worker_pids(proc.pid):
                os.kill(worker, signal.SIGKILL)
            status, _, body = pending.result()
        assert status == 500 and b"worker died" in body
        for _ in range(3):  # the server and a fresh worker answer
            status, _, _ = get(sparql_url(base, CHEAP), timeout=120)
            assert status == 200
    finally:
        stop(proc)


def test_a_zombie_forked_worker_is_not_alive() -> None:
    """A forked worker orphaned by a killed template stays a zombie until init reaps it; the pool must
    not hand it a request (which would come back as 'worker died')."""
    from citykg.server.template import Forked

    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        for _ in range(100):  # until the child has exited (a zombie: not reaped yet)
            if Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z":
                break
            time.sleep(0.05)
        assert not Forked(pid).is_alive()
    finally:
        os.waitpid(pid, 0)
    assert Forked(os.getpid()).is_alive()


def test_a_paged_listing_over_the_row_cap_says_how_to_page() -> None:
    from citykg.server.worker import Limits, answer
    from citykg.store.core import memory_store

    store = memory_store(endpointkit.FIXTURE)
    job = {"saved": "cities-running-reform", "params": {"reform": "一网通办"}, "accept": "text/csv"}
    assert answer(store, job, Limits())[0] == 200
    status, _, body = answer(store, job, Limits(max_rows=1))
    assert status == 400
    assert body.decode() == (
        "The query returns more than 1 rows - ask for a smaller page (limit: cities per page; offset to "
        "page on) (or start the server with a higher --max-rows).\n"
    )
    page = {**job, "params": {"reform": "一网通办", "limit": "1"}}
    assert answer(store, page, Limits(max_rows=100))[0] == 200
