"""Benchmark ``citykg serve``: cheap-query rate unloaded, with two expensive clients, and vs Oxigraph.

    python bench/bench_endpoint.py                 # the bundled corpus, built into a temp folder
    python bench/bench_endpoint.py --data out/     # an existing build
    python bench/bench_endpoint.py --seconds 5     # a longer window per measurement

All in the same run, no assertion on time (issues 12.7 and 15):

1. ``citykg serve``, one cheap query (rounds interleaved with 2), ``--clients`` concurrent keep-alive clients: requests/s;
2. the same while two more clients send an expensive query in a loop (each stopped at the
   server's time limit): the cheap rate and its ratio to (1) - the goal is >= 90%;
3. ``oxigraph serve-read-only`` on a copy of the same store (union default graph), same cheap
   query and clients: requests/s, and ours as a share of it - the goal is >= 50%;
4. the mix of every saved query with its example parameters, on both servers (requests/s).

The load comes from client processes (``--client-procs``) of threads on HTTP/1.1
keep-alive connections, so the client is not the bottleneck it would be in one process.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citykg.namespaces import SPARQL_PREFIXES  # noqa: E402
from citykg.store import querylib  # noqa: E402

BIN = Path(sys.executable).parent
CHEAP = "SELECT ?c ?label WHERE { ?c a ck:City ; rdfs:label ?label } ORDER BY ?c"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Expensive queries are stopped at this many seconds by our server (its --timeout).
SERVER_TIMEOUT = 5.0


def _client(url: str, paths: list[str], seconds: float, threads: int, out: mp.Queue) -> None:
    """One client process: ``threads`` keep-alive connections cycling through ``paths``."""
    parts = urllib.parse.urlsplit(url)
    counts = {"ok": 0, "err": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(offset: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        i = offset
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            try:
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            with lock:
                counts["ok" if ok else "err"] += 1

    pool = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(counts)


def load(url: str, paths: list[str], seconds: float, clients: int, procs: int) -> dict[str, float]:
    """Requests/s (successful) and errors over ``seconds`` from ``clients`` connections."""
    q: mp.Queue = mp.Queue()
    per = max(1, clients // procs)
    workers = [mp.Process(target=_client, args=(url, paths, seconds, per, q)) for _ in range(procs)]
    for w in workers:
        w.start()
    totals = {"ok": 0, "err": 0}
    for _ in workers:
        got = q.get()
        totals["ok"] += got["ok"]
        totals["err"] += got["err"]
    for w in workers:
        w.join()
    return {"rate": totals["ok"] / seconds, "errors": totals["err"]}


def _path(prefix: str, query: str, params: dict[str, str] | None = None) -> str:
    return prefix + "?" + urllib.parse.urlencode({"query": query, **(params or {})})


def start_citykg(data: Path, workers: int) -> tuple[subprocess.Popen, str]:
    cmd = [str(BIN / "citykg"), "serve", "--data", str(data), "--port", "0", "--timeout", str(SERVER_TIMEOUT),
           "--workers", str(workers)]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    ready, _, _ = select.select([proc.stdout], [], [], 600)
    line = proc.stdout.readline() if ready else ""
    m = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not m:
        proc.kill()
        sys.exit(f"citykg serve did not start: {line!r}")
    return proc, m.group(1)


def start_oxigraph(store: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
           "--union-default-graph"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("oxigraph serve-read-only did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def saved_mix() -> list[tuple[str, dict[str, str]]]:
    """Every saved query that needs no parameter or has an example for each."""
    mix = []
    for q in querylib.catalogue().values():
        if all(p.name in q.example or p.default is not None for p in q.params):
            mix.append((q.name, {p.name: q.example[p.name] for p in q.params if p.name in q.example}))
    return mix


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="an OUT folder (default: build the bundled corpus)")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--client-procs", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="interleaved unloaded/loaded rounds")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-endpoint-"))
    try:
        data = args.data
        if data is None:
            data = tmp / "out"
            subprocess.run([str(BIN / "citykg"), "build", "-o", str(data), "-q"], check=True)
        report(data, tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class Hammer:
    """Two clients sending the expensive query in a loop (each request ends at the time limit)."""

    def __init__(self, url: str) -> None:
        self.parts = urllib.parse.urlsplit(url)
        self.stop_flag = threading.Event()
        self.threads: list[threading.Thread] = []

    def _loop(self) -> None:
        conn = http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=120)
        while not self.stop_flag.is_set():
            conn.request("GET", _path("/sparql", EXPENSIVE))
            conn.getresponse().read()

    def start(self) -> None:
        self.stop_flag.clear()
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(2)]
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stop_flag.set()
        for t in self.threads:
            t.join(SERVER_TIMEOUT * 3)


def _sum(*results: dict[str, float]) -> dict[str, float]:
    return {
        "rate": sum(r["rate"] for r in results) / len(results),
        "errors": sum(r["errors"] for r in results),
    }


def report(data: Path, tmp: Path, args: argparse.Namespace) -> None:
    run = lambda url, paths: load(url, paths, args.seconds, args.clients, args.client_procs)  # noqa: E731
    proc, url = start_citykg(data, args.workers)
    try:
        cheap = [_path("/sparql", CHEAP)]
        hammer = Hammer(url)
        unloaded, loaded = [], []
        for n in range(args.rounds):  # interleaved, so drift on a shared machine hits both alike
            unloaded.append(run(url, cheap))
            hammer.start()
            # the first round includes the expensive queries' first run (demotion, a new fast worker)
            time.sleep(1.0 if n else SERVER_TIMEOUT + 1.0)
            loaded.append(run(url, cheap))
            hammer.stop()
        unloaded, loaded = _sum(*unloaded), _sum(*loaded)
        mix = ["/saved/" + name + "?" + urllib.parse.urlencode(p) for name, p in saved_mix()]
        ours_mix = run(url, mix)
    finally:
        stop(proc)
    store_copy = tmp / "store-copy"
    shutil.copytree(data / "store", store_copy)
    oproc, ourl = start_oxigraph(store_copy)
    try:
        ox_cheap = run(ourl, [_path("/query", SPARQL_PREFIXES + CHEAP)])
        ox_mix_paths = []
        for name, params in saved_mix():
            ox_mix_paths.append(_path("/query", SPARQL_PREFIXES + _bound(name, params, data)))
        ox_mix = run(ourl, ox_mix_paths)
    finally:
        stop(oproc)
    rows = [
        ("citykg serve, cheap query, unloaded", unloaded),
        ("citykg serve, cheap query, 2 expensive clients", loaded),
        ("oxigraph serve-read-only, cheap query", ox_cheap),
        ("citykg serve, saved-query mix", ours_mix),
        ("oxigraph serve-read-only, saved-query mix", ox_mix),
    ]
    print(
        f"{args.clients} clients in {args.client_procs} processes, {args.seconds:g} s each, {os.cpu_count()} CPUs"
    )
    for label, r in rows:
        print(f"{label:50} {r['rate']:9.1f} req/s  errors {r['errors']}")
    print(
        f"cheap rate with 2 expensive clients / unloaded: {loaded['rate'] / max(unloaded['rate'], 1e-9):.0%} (goal >= 90%)"
    )
    print(
        f"citykg / oxigraph, cheap query: {unloaded['rate'] / max(ox_cheap['rate'], 1e-9):.0%} (goal >= 50%)"
    )
    print(f"citykg / oxigraph, saved mix:   {ours_mix['rate'] / max(ox_mix['rate'], 1e-9):.0%}")


_STORES: dict[str, object] = {}


def _bound(name: str, params: dict[str, str], data: Path) -> str:
    """The saved query's text with its example parameters bound (labels resolved on our store)."""
    from citykg.store.core import bind, open_store

    store = _STORES.setdefault("s", open_store(data))
    saved = querylib.find(name)
    return bind(saved.text, querylib.bind_params(saved, params, store))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
