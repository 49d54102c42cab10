"""Benchmark ``citykg serve`` against ``oxigraph serve-read-only`` on the same store, same run.

    python bench/bench_endpoint.py                 # the bundled corpus, built into a temp folder
    python bench/bench_endpoint.py --data out/     # an existing build
    python bench/bench_endpoint.py --seconds 5 --rounds 3

Both servers run at once (an idle one costs nothing) and every round measures each
row once, in the same order, so drift on a shared machine hits every row alike
(issues 12.7 and 15); each row gives requests/s, p50/p99 latency, errors and the
machine's load average. No assertion on time.

1. a cheap query (two labels of an ontology class: the per-request overhead) and a
   city list (every city and label, sorted), each asked again and again - which
   ``citykg serve`` answers from its per-build cache - and with a new text every
   time (a numbered comment), which runs on a query worker every time;
2. the mix of every saved query with its example parameters (``--mix-seconds``); the
   first round is cold (nothing remembered yet), later rounds warm;
3. the cheap query again while two more clients send an expensive query in a loop
   (each stopped at the server's time limit): the goal is >= 90% of (1).

``--baseline DIR`` also runs ``citykg serve`` from another checkout (``git archive`` of
an earlier commit) on the same data, each of its rows measured right after ours: a
before/after in one run. ``--only-mix`` measures the saved-query mix rows only.

Both servers stop a query at the same time limit (5 s). The load comes from client
processes (``--client-procs``) driving raw keep-alive sockets from one selector each,
with pre-encoded requests, so the client costs little next to either server.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import load  # noqa: E402

BIN = Path(sys.executable).parent
#: A cheap query on any build (two labels of an ontology class): the per-request overhead.
CHEAP = "SELECT ?label WHERE { ck:City rdfs:label ?label }"
#: Every city with its label, sorted: a few rows on the seeds, hundreds at 2,000 articles.
LIST = "SELECT ?c ?label WHERE { ?c a ck:City ; rdfs:label ?label } ORDER BY ?c"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Expensive queries are stopped at this many seconds by our server (its --timeout).
SERVER_TIMEOUT = 5.0


def _path(prefix: str, query: str, params: dict[str, str] | None = None) -> str:
    return prefix + "?" + urllib.parse.urlencode({"query": query, **(params or {})})


def start_citykg(data: Path, workers: int, code: Path | None = None) -> tuple[subprocess.Popen, str]:
    """``citykg serve`` on ``data``; ``code``: run another checkout's citykg (a baseline, same run)."""
    cmd = [str(BIN / "citykg"), "serve", "--data", str(data), "--port", "0", "--timeout", str(SERVER_TIMEOUT),
           "--workers", str(workers)]  # fmt: skip
    # run in the checkout: the worker processes' interpreters (-c) put the current folder first on sys.path
    env = {**os.environ, "PYTHONPATH": str(code)} if code else None
    cmd[3] = str(data.resolve())
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        env=env,
        cwd=code,
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
           "--union-default-graph", "--timeout-s", str(int(SERVER_TIMEOUT))]  # fmt: skip
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
    with contextlib.suppress(ProcessLookupError):
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
    ap.add_argument("--mix-seconds", type=float, default=10.0, help="window of the saved-query mix")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--client-procs", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="interleaved unloaded/loaded rounds")
    ap.add_argument("--baseline", type=Path, metavar="DIR",
                    help="also serve with the citykg of another checkout (e.g. git archive of a commit): before/after in one run")  # fmt: skip
    ap.add_argument("--only-mix", action="store_true", help="measure the saved-query mix rows only")
    ap.add_argument("--per-text", type=int, default=0, metavar="N",
                    help="only time a worker's job for N new query texts in-process, screened vs checked")  # fmt: skip
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-endpoint-"))
    try:
        data = args.data
        if data is None:
            data = tmp / "out"
            subprocess.run([str(BIN / "citykg"), "build", "-o", str(data), "-q"], check=True)
        if args.per_text:
            per_text(data, args.per_text)
        else:
            report(data, tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def per_text(data: Path, n: int) -> None:
    """A worker's whole job (checks, query, JSON) for ``n`` new cheap-query texts, in-process: the
    text screened and parsed once by the engine (now) vs syntax-checked on an empty store first
    (what every store without its own parse does), interleaved in blocks on one store."""
    from citykg.server.worker import Limits, answer
    from citykg.store.core import open_store

    store, limits, block = open_store(data), Limits(), 100
    spent = {"screened": 0.0, "checked": 0.0}
    for start in range(0, n, block):
        for way in spent:
            store.parses_text = way == "screened"  # type: ignore[attr-defined]
            t0 = time.perf_counter()
            for i in range(start, min(n, start + block)):
                status, _, _ = answer(store, {"query": f"{CHEAP} # {way} {i}", "accept": "*/*"}, limits)
                assert status == 200
            spent[way] += time.perf_counter() - t0
    us = {way: t / n * 1e6 for way, t in spent.items()}
    print(f"per new text, in-process ({n} texts, load {_load_average():.1f}): screened {us['screened']:.0f} us, "
          f"checked {us['checked']:.0f} us ({us['screened'] / us['checked']:.0%})")  # fmt: skip


class Hammer:
    """Two clients sending the expensive query in a loop (each request ends at the time limit)."""

    def __init__(self, url: str) -> None:
        self.parts = urllib.parse.urlsplit(url)
        self.stop_flag = threading.Event()
        self.threads: list[threading.Thread] = []

    def _loop(self, n: int) -> None:
        conn = http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=120)
        while not self.stop_flag.is_set():
            # each client its own text: identical requests in flight would share one run
            conn.request("GET", _path("/sparql", f"{EXPENSIVE} # client {n}"))
            conn.getresponse().read()

    def start(self) -> None:
        self.stop_flag.clear()
        self.threads = [threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(2)]
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stop_flag.set()
        for t in self.threads:
            t.join(SERVER_TIMEOUT * 3)


def _mean(results: list[dict[str, float]]) -> dict[str, float]:
    """The rounds of one measurement averaged (errors summed)."""
    out = {k: sum(r[k] for r in results) / len(results) for k in ("rate", "p50", "p99", "load")}
    out["errors"] = sum(r["errors"] for r in results)
    return out


def _load_average() -> float:
    """The machine's 1-minute load average (the machine is shared: every number says it)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def _plans(
    url: str, ourl: str, data: Path, args: argparse.Namespace
) -> dict[str, tuple[str, list[str], float]]:
    """label -> (server URL, request paths, seconds) of every row, in measuring order."""
    mix = saved_mix()
    plans: dict[str, tuple[str, list[str], float]] = {}
    for what, text in (("cheap query", CHEAP), ("city list", LIST)):
        if args.only_mix:
            break
        # "{N}" makes every request a new query text (a numbered comment): nothing is remembered
        plans[f"citykg serve, {what}"] = (url, [_path("/sparql", text)], args.seconds)
        plans[f"oxigraph serve-read-only, {what}"] = (
            ourl,
            [_path("/query", SPARQL_PREFIXES + text)],
            args.seconds,
        )
        plans[f"citykg serve, {what}, each text new"] = (
            url,
            [_path("/sparql", text + " #") + "{N}"],
            args.seconds,
        )
        plans[f"oxigraph, {what}, each text new"] = (
            ourl,
            [_path("/query", SPARQL_PREFIXES + text + " #") + "{N}"],
            args.seconds,
        )
    plans["citykg serve, saved-query mix"] = (
        url,
        ["/saved/" + n + "?" + urllib.parse.urlencode(p) for n, p in mix],
        args.mix_seconds,
    )
    plans["oxigraph serve-read-only, saved-query mix"] = (
        ourl, [_path("/query", SPARQL_PREFIXES + _bound(n, p, data)) for n, p in mix], args.mix_seconds
    )  # fmt: skip
    return plans


def report(data: Path, tmp: Path, args: argparse.Namespace) -> None:
    """The servers run at once; every round measures each row once, in the same order."""
    store_copy = tmp / "store-copy"
    shutil.copytree(data / "store", store_copy)
    servers = {"citykg serve": start_citykg(data, args.workers)}
    if args.baseline:
        servers["baseline serve"] = start_citykg(data, args.workers, args.baseline)
    servers["oxigraph"] = start_oxigraph(store_copy)
    url = servers["citykg serve"][1]
    plans = _plans(url, servers["oxigraph"][1], data, args)
    if args.baseline:  # the baseline answers every row ours does, right after ours
        for label in [k for k in plans if k.startswith("citykg serve")]:
            target, paths, seconds = plans[label]
            plans[label.replace("citykg serve", "baseline serve")] = (
                servers["baseline serve"][1],
                paths,
                seconds,
            )
        plans = dict(
            sorted(plans.items(), key=lambda kv: list(plans).index(kv[0].replace("baseline", "citykg")))
        )
    loaded_label = "citykg serve, cheap query, 2 expensive clients"
    results: dict[str, list[dict[str, float]]] = {k: [] for k in plans}
    if not args.only_mix:
        results[loaded_label] = []

    def measure(label: str, target: str, paths: list[str], seconds: float) -> None:
        before = _load_average()
        got = load(target, paths, seconds, args.clients, args.client_procs)
        results[label].append({**got, "load": (before + _load_average()) / 2})

    try:
        hammer = Hammer(url)
        for n in range(args.rounds):  # interleaved, so drift on a shared machine hits every row alike
            for label, (target, paths, seconds) in plans.items():
                measure(label, target, paths, seconds)
            if args.only_mix:
                continue
            hammer.start()
            # the first round includes the expensive queries' first run (demotion, a new fast worker)
            time.sleep(1.0 if n else SERVER_TIMEOUT + 1.0)
            measure(loaded_label, url, plans["citykg serve, cheap query"][1], args.seconds)
            hammer.stop()
    finally:
        for name, (server, _) in servers.items():
            if server.poll() is not None:
                print(f"warning: {name} exited during the run (code {server.returncode})", file=sys.stderr)
            stop(server)
    _print(results, args)


def _print(results: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> None:
    r = {k: _mean(v) for k, v in results.items()}
    print(
        f"{args.clients} keep-alive clients in {args.client_procs} processes, {args.seconds:g} s x "
        f"{args.rounds} interleaved rounds, {os.cpu_count()} CPUs"
    )
    print(f"{'':48} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'load':>5}")
    for label, m in r.items():
        print(
            f"{label:48} {m['rate']:9.1f} {m['p50']:8.1f} {m['p99']:8.1f} {m['errors']:7.0f} {m['load']:5.1f}"
        )
    ratio = lambda a, b: r[a]["rate"] / max(r[b]["rate"], 1e-9)  # noqa: E731
    if not args.only_mix:
        print(
            "cheap rate with 2 expensive clients / unloaded: "
            f"{ratio('citykg serve, cheap query, 2 expensive clients', 'citykg serve, cheap query'):.0%} (goal >= 90%)"
        )
        for what in ("cheap query", "city list"):
            ours, theirs = f"citykg serve, {what}", f"oxigraph serve-read-only, {what}"
            print(
                f"citykg / oxigraph, {what}: {ratio(ours, theirs):.0%} (goal >= 50%); each text new: "
                f"{ratio(ours + ', each text new', f'oxigraph, {what}, each text new'):.0%}"
            )
    theirs = "oxigraph serve-read-only, saved-query mix"
    for who in ("citykg serve", "baseline serve") if args.baseline else ("citykg serve",):
        mixes = (f"{who}, saved-query mix", theirs)
        per_round = " / ".join(
            f"{a['rate']:.1f} vs {b['rate']:.1f}" for a, b in zip(*(results[m] for m in mixes), strict=True)
        )
        print(
            f"{who} / oxigraph, saved mix: {ratio(*mixes):.0%} (req/s per round, {who} vs oxigraph: {per_round})"
        )


_STORES: dict[str, object] = {}


def _bound(name: str, params: dict[str, str], data: Path) -> str:
    """The saved query's text with its example parameters bound (labels resolved on our store)."""
    from citykg.store.core import bind, open_store

    store = _STORES.setdefault("s", open_store(data))
    saved = querylib.find(name)
    return bind(saved.text, querylib.bind_params(saved, params, store))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
