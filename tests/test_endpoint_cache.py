"""Answers remembered per build, shared in-flight answers, and the lean HTTP layer (issue 15)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import endpointkit
import pytest
from endpointkit import get, sparql_url, start, stop

from citykg.server.cache import ReplyCache

pytestmark = pytest.mark.server
endpoint = endpointkit.endpoint  # the fixture: a server on the mini TriG
CITIES = "SELECT ?c ?label WHERE { ?c a ck:City ; rdfs:label ?label } ORDER BY ?c"


def raw(base: str, request: bytes, timeout: float = 30) -> bytes:
    """Send ``request`` bytes on a new connection; everything the server sends until it closes
    (or goes quiet for a second)."""
    parts = urllib.parse.urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        sock.settimeout(1.0)
        chunks = []
        try:
            while data := sock.recv(65536):
                chunks.append(data)
        except TimeoutError:
            pass
    return b"".join(chunks)


@pytest.mark.parametrize("cache_mb", ["64", "0"])
def test_a_repeated_question_is_answered_while_every_worker_is_frozen(tmp_path: Path, cache_mb: str) -> None:
    proc, base = start(endpointkit.out_with(tmp_path / "out"), "--timeout", "2", "--cache-mb", cache_mb)
    workers: list[int] = []
    try:
        first = get(sparql_url(base, CITIES), "text/csv")
        assert first[0] == 200 and b"370200" in first[2]
        # after the first answer: on a loaded machine a worker may still be forking at start
        workers = endpointkit.worker_pids(proc.pid)
        for pid in workers:  # no worker can answer now: only the remembered answer can
            os.kill(pid, signal.SIGSTOP)
        again = get(sparql_url(base, CITIES), "text/csv", timeout=30)
        if cache_mb == "0":  # nothing remembered: the frozen worker runs out of time
            assert again[0] == 503, (again, workers, endpointkit.worker_pids(proc.pid))
            return
        assert again[0] == 200 and again[2] == first[2], again
        other_format = get(sparql_url(base, CITIES), "application/sparql-results+json", timeout=30)
        assert other_format[0] == 503  # a new request (another format) needs a worker: time limit
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):  # the timed-out one was replaced
                os.kill(pid, signal.SIGCONT)
        stop(proc)


def test_answers_that_change_per_execution_are_never_reused(endpoint: str) -> None:
    query = "SELECT (STRUUID() AS ?u) (RAND() AS ?r) WHERE {}"
    values = set()
    for _ in range(3):
        status, _, body = get(sparql_url(endpoint, query), "text/csv")
        assert status == 200
        values.add(body)
    assert len(values) == 3


def test_a_bad_query_stays_a_400_and_head_matches_get(endpoint: str) -> None:
    bad = sparql_url(endpoint, "SELECT ?x WHERE { ?x ?y }")
    assert get(bad)[0] == 400 and get(bad)[0] == 400
    url = sparql_url(endpoint, CITIES)
    status, _, body = get(url, "text/csv")
    assert status == 200
    head = raw(endpoint, f"HEAD {url[len(endpoint) - 1 :]} HTTP/1.1\r\nAccept: text/csv\r\n\r\n".encode())
    assert head.startswith(b"HTTP/1.1 200") and head.endswith(b"\r\n\r\n")  # no body
    assert f"Content-Length: {len(body)}\r\n".encode() in head


def test_identical_requests_in_flight_share_one_run() -> None:
    cache, calls, release = ReplyCache(), [], threading.Event()

    def compute(late: object) -> tuple[int, str, bytes]:
        calls.append(1)
        release.wait(10)
        return 200, "text/plain", b"answer"

    with ThreadPoolExecutor(20) as ex:
        futures = [ex.submit(cache.answer, "same", compute, 30) for _ in range(20)]
        time.sleep(0.5)  # let every request arrive while the first still runs (ordering only)
        release.set()
        replies = {f.result() for f in futures}
    assert replies == {(200, "text/plain", b"answer")} and len(calls) == 1


def test_concurrent_identical_requests_all_get_the_answer(endpoint: str) -> None:
    url = sparql_url(endpoint, CITIES + " # asked by twenty at once")
    with ThreadPoolExecutor(20) as ex:
        replies = list(ex.map(lambda _: get(url, "application/sparql-results+json"), range(20)))
    assert {r[0] for r in replies} == {200} and len({r[2] for r in replies}) == 1
    assert len(json.loads(replies[0][2])["results"]["bindings"]) >= 1


def test_http_1_0_folded_headers_and_expect_continue(endpoint: str) -> None:
    path = sparql_url(endpoint, CITIES)[len(endpoint) - 1 :]
    old = raw(endpoint, f"GET {path} HTTP/1.0\r\nAccept: text/csv,\r\n application/json\r\n\r\n".encode())
    assert old.startswith(b"HTTP/1.1 200") and b"370200" in old  # answered, then closed (1.0)
    body = urllib.parse.urlencode({"query": CITIES + " " * 2000}).encode()  # curl sends Expect here
    done = subprocess.run(
        ["curl", "-s", "-H", "Accept: text/csv", "--data-binary", "@-", "-H",
         "Content-Type: application/x-www-form-urlencoded", endpoint + "sparql"],
        input=body, capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    assert b"370200" in done.stdout


def test_malformed_heads_get_the_stdlib_answers(endpoint: str) -> None:
    # (the stdlib answers an unparsable request line HTTP/0.9-style: a page, no status line)
    assert b"Error code: 400" in raw(endpoint, b"NONSENSE\r\n\r\n")
    assert b"Error code: 505" in raw(endpoint, b"GET / HTTP/2.0\r\n\r\n")
    many = b"".join(b"X-%d: y\r\n" % n for n in range(101))
    assert raw(endpoint, b"GET / HTTP/1.1\r\n" + many + b"\r\n").startswith(b"HTTP/1.1 431")


def test_the_access_log_is_written(tmp_path: Path) -> None:
    out = endpointkit.out_with(tmp_path / "out")
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [str(endpointkit.CITYKG), "serve", "--data", str(out), "--port", "0"],
            stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True,
        )  # fmt: skip
        base = proc.stdout.readline().split()[2]
        try:
            assert get(sparql_url(base, CITIES))[0] == 200
            assert get(base + "nowhere")[0] == 404
        finally:
            stop(proc)
    text = log.read_text()
    assert '"GET /sparql?query=' in text and " 200 " in text and '"GET /nowhere HTTP/1.1" 404' in text
