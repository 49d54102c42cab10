"""Helpers for the endpoint tests: start ``citykg serve`` as a real process, stop it, query it."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "sparql-mini.trig"
CITYKG = Path(sys.executable).parent / "citykg"
#: A query that runs for many seconds on the fixture (a three-way cross product).
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "SELECT ?c WHERE { ?c a ck:City } ORDER BY ?c"


def start(data: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """Start ``citykg serve --data DATA --port 0 EXTRA...``; returns the process and its base URL."""
    proc = subprocess.Popen(
        [str(CITYKG), "serve", "--data", str(data), "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    line = proc.stdout.readline() if ready else ""
    match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
    if not match:
        proc.kill()
        pytest.fail(f"citykg serve did not start: {line!r}")
    return proc, match.group(1)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def children(pid: int) -> list[int]:
    """Process ids of the direct children of ``pid`` (from /proc)."""
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(x) for x in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def worker_pids(server_pid: int) -> list[int]:
    """The query processes of a server: everything below its fork server - the workers, the
    in-memory template of each build and the fast workers forked from it."""
    found: list[int] = []
    todo = [w for child in children(server_pid) for w in children(child)]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children(pid)
    return found


def out_with(tmp: Path, trig: str | None = None) -> Path:
    """An OUT folder holding the fixture TriG (or ``trig``)."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "citykg.trig").write_text(trig or FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp


def get(url: str, accept: str | None = None, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET, errors included."""
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def sparql_url(base: str, query: str, **extra: str) -> str:
    return base + "sparql?" + urllib.parse.urlencode({"query": query, **extra})


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on the fixture with a 3 s time limit and 100-row cap."""
    out = out_with(tmp_path_factory.mktemp("endpoint"))
    proc, url = start(out, "--timeout", "3", "--max-rows", "100", "--max-bytes", "200000")
    yield url
    stop(proc)
