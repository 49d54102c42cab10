"""One build per answer (issues 12.8, 16): a rebuild under a running server never mixes builds."""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from endpointkit import FIXTURE, get, out_with, sparql_url, start, stop, worker_pids

pytestmark = pytest.mark.server
COUNT = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ck:City }"
EXTRA_CITY = """
<https://w3id.org/citykg/resource/doc/eeee00000005> {
  <https://w3id.org/citykg/resource/area/999901> a ck:City ; rdfs:label "测试新市"@zh .
}
"""


def count(base: str) -> tuple[float, float, int]:
    began = time.monotonic()
    status, _, body = get(sparql_url(base, COUNT), "application/sparql-results+json", timeout=120)
    assert status == 200, body
    n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    return began, time.monotonic(), n


def swap_in(out: Path, trig: str) -> None:
    """Replace OUT/citykg.trig the way a build does: write a temp file, rename it over."""
    tmp = out / ".citykg.trig.tmp"
    tmp.write_text(trig, encoding="utf-8")
    os.replace(tmp, out / "citykg.trig")


@pytest.mark.parametrize("memory", ["--memory", "--no-memory"])
def test_rebuild_under_200_concurrent_requests(tmp_path: Path, memory: str) -> None:
    old_trig = FIXTURE.read_text(encoding="utf-8")
    new_trig = old_trig + EXTRA_CITY
    out = out_with(tmp_path / "out", old_trig)
    proc, base = start(out, memory, "--workers", "2", "--slow-workers", "2", "--timeout", "60")
    try:
        before = count(base)[2]
        with ThreadPoolExecutor(16) as ex:
            first = [ex.submit(count, base) for _ in range(100)]
            threading.Timer(0.2, swap_in, (out, new_trig)).start()
            rest = [ex.submit(count, base) for _ in range(100)]
            answers = [f.result() for f in first + rest]
        seen_new = None
        for _ in range(600):  # the new build is picked up (loading takes a moment)
            seen_new = count(base)
            if seen_new[2] == before + 1:
                break
            time.sleep(0.1)
        assert seen_new is not None and seen_new[2] == before + 1
        answers.append(seen_new)
        assert {n for _, _, n in answers} <= {before, before + 1}
        switched = min((end for _, end, n in answers if n == before + 1), default=None)
        assert switched is not None
        late = [n for began, _, n in answers if began > switched]
        assert all(n == before + 1 for n in late), "an answer went back to the old build"
        if memory == "--no-memory":
            assert _workers_read_the_store(proc.pid, out / "store")
    finally:
        stop(proc)


def _workers_read_the_store(server_pid: int, store: Path) -> bool:
    """True when the current workers (2 fast + 2 slow) all have files of the on-disk store open."""
    opened = []
    for worker in worker_pids(server_pid):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{worker}/fd").iterdir()]
        except OSError:
            continue
        opened.append(any(link.startswith(str(store.resolve())) for link in links))
    return sum(opened) >= 4  # all four workers of the current build (2 fast, 2 slow); old ones may linger
