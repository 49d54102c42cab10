"""Benchmark the saved queries at ~1M triples: embedded Oxigraph vs rdflib, plus the endpoint.

    python bench/bench_queries.py                   # ~1M triples (bundled build x ~120 cities)
    python bench/bench_queries.py --triples 100000  # a quick run

The bundled build is replicated across synthetic cities: every per-article
graph, the analogies and the cities' divisions are copied with the city codes,
city names and document hashes rewritten (replica 0 keeps the real names, so
the saved queries' example parameters still resolve); the ontology and concept
schemes are shared, as in a real multi-city build. Reported, all measured in
the same run (no assertion on time):

- loading the TriG into the persistent store (``refresh_store``);
- opening the store and answering a first query in a fresh process (no re-parse);
- every saved query's p50 (wall clock and CPU) on the on-disk embedded store
  (``open_store``), on its in-memory copy, and on rdflib's in-memory ``Dataset``
  (default graph = union, given the same derived summaries graph), and their ratio;
  an rdflib query slower than ``--rdflib-timeout`` is stopped (it runs in a forked
  child) and reported as ">timeout". Paged listings are timed for their default page,
  and once for everything (``limit=100000``) on disk;
- ``citykg serve`` under 50 concurrent clients on a cheap query: requests/s,
  p50/p95 latency and errors.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from citykg.graph.build import build
from citykg.namespaces import CKR_IRI, PREFIXES
from citykg.paths import corpus_dir
from citykg.store import querylib, summaries
from citykg.store.core import bind, open_store, refresh_store, store_dir_for

CK = PREFIXES["ck"]
SHARED = {CKR_IRI + "graph/ontology", CKR_IRI + "graph/schemes"}
_AREA = re.compile(re.escape(CKR_IRI) + r"(area|initiative)/(\d{6})(.*)")
_DOCLIKE = re.compile(re.escape(CKR_IRI) + r"(doc|evidence|obs|analogy)/([0-9a-f]+)(.*)")


def seed_build(workdir: Path) -> Path:
    """Build the bundled corpus once (graph only); returns its TriG."""
    out = workdir / "seed"
    build([corpus_dir()], out, jobs=1, post_steps=False)
    return out / "citykg.trig"


def replicate(trig: Path, target: Path, triples: int) -> tuple[int, int]:
    """Write ``target``: the seed dataset with its cities replicated to about ``triples``."""
    seed = ox.Store()
    seed.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    cities = {
        q.subject.value
        for q in seed.quads_for_pattern(None, rdf_type, None)
        if q.object.value in (CK + "City", CK + "County")
    }
    shared, copied = [], []
    for q in seed:
        g = q.graph_name
        if isinstance(g, ox.NamedNode) and g.value in SHARED:
            shared.append(q)
        elif isinstance(g, ox.NamedNode) and g.value.endswith("graph/divisions"):
            (copied if q.subject.value in cities else shared).append(q)
        else:
            copied.append(q)
    n = max(1, round((triples - len(shared)) / max(1, len(copied))))
    labels = {
        CK + "adcode",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#altLabel",
    }

    def term(t, k: int, subject: str | None = None, predicate: str | None = None):
        if isinstance(t, ox.NamedNode):
            m = _AREA.fullmatch(t.value)
            if m and CKR_IRI + "area/" + m.group(2) in cities:
                return ox.NamedNode(f"{CKR_IRI}{m.group(1)}/{m.group(2)}{k:03d}{m.group(3)}")
            m = _DOCLIKE.fullmatch(t.value)
            if m:
                return ox.NamedNode(f"{CKR_IRI}{m.group(1)}/{m.group(2)}{k:03d}{m.group(3)}")
            return t
        if isinstance(t, ox.Literal) and subject in cities and predicate in labels:
            return (
                ox.Literal(f"{t.value}{k}", language=t.language)
                if t.language
                else ox.Literal(f"{t.value}{k}")
            )
        return t

    with target.open("wb") as fh:
        fh.write(ox.serialize(shared, format=ox.RdfFormat.N_QUADS))
        fh.write(ox.serialize(copied, format=ox.RdfFormat.N_QUADS))
        for k in range(1, n):
            quads = [
                ox.Quad(
                    term(q.subject, k),
                    q.predicate,
                    term(q.object, k, q.subject.value, q.predicate.value),
                    term(q.graph_name, k),
                )
                for q in copied
            ]
            fh.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return n, len(shared) + n * len(copied)


def time_embedded(
    out: Path, reps: int, memory: bool
) -> tuple[dict[str, tuple[float, float]], dict[str, int], dict[str, str]]:
    """(wall, CPU) p50 of each saved query with rows collected (what `citykg query` pays)."""
    store = open_store(out, memory=memory)
    p50, nrows, texts = {}, {}, {}
    for name, saved in querylib.catalogue().items():
        params = querylib.bind_params(saved, saved.example, store)
        texts[name] = bind(saved.text, params)
        runs, cpu = [], []
        for _ in range(reps):
            c0, t0 = time.process_time(), time.perf_counter()
            result = store.query(saved.text, params)
            runs.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        p50[name], nrows[name] = (statistics.median(runs), statistics.median(cpu)), len(result.rows)
    return p50, nrows, texts


def time_everything(out: Path) -> dict[str, tuple[float, int]]:
    """Each paged listing asked for everything at once (limit=100000) on disk: (seconds, rows)."""
    store = open_store(out)
    done = {}
    for name, saved in querylib.catalogue().items():
        if saved.param("limit") is None:
            continue
        params = querylib.bind_params(saved, {**saved.example, "limit": "100000"}, store)
        t0 = time.perf_counter()
        rows = store.query(saved.text, params).rows
        done[name] = (time.perf_counter() - t0, len(rows))
    return done


def dump_summaries(out: Path, nq: Path) -> Path:
    """The derived summaries graph of the persistent store as N-Quads, for rdflib to load too."""
    store = ox.Store.read_only(str(store_dir_for(nq)))
    quads = store.quads_for_pattern(None, None, None, summaries.GRAPH_SUMMARIES)
    target = out / "summaries.nq"
    target.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return target


def time_rdflib(
    files: list[Path], texts: dict[str, str], reps: int, timeout: float
) -> tuple[dict[str, float | str], float]:
    """p50 per query on rdflib's in-memory Dataset; each query in a forked child with a deadline."""
    from rdflib import Dataset

    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    for path in files:
        ds.parse(str(path), format="nquads")
    load = time.perf_counter() - t0
    out: dict[str, float | str] = {}
    for name, text in texts.items():
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: run the query reps times, report the median
            os.close(rfd)
            runs = []
            try:
                for _ in range(reps):
                    t = time.perf_counter()
                    list(ds.query(text, initNs=PREFIXES))
                    runs.append(time.perf_counter() - t)
                payload: object = statistics.median(runs)
            except Exception as exc:
                payload = f"error: {type(exc).__name__}: {exc}"[:200]
            os.write(wfd, pickle.dumps(payload))
            os._exit(0)
        os.close(wfd)
        ready, _, _ = select.select([rfd], [], [], timeout)
        if ready:
            data = b""
            while chunk := os.read(rfd, 65536):
                data += chunk
            value = pickle.loads(data)
            out[name] = value if isinstance(value, float) else "error"
            if not isinstance(value, float):
                print(f"  rdflib {name}: {value}", file=sys.stderr)
        else:
            os.kill(pid, signal.SIGKILL)
            out[name] = "timeout"
        os.waitpid(pid, 0)
        os.close(rfd)
    return out, load


def first_query(out: Path) -> tuple[float, float]:
    """(open + first query inside a fresh process, whole `citykg query` command wall time)."""
    code = (
        "import time; from citykg.store.core import open_store; t=time.perf_counter(); "
        f"s=open_store({str(out)!r}); s.select('SELECT ?c WHERE {{ ?c a ck:City }} LIMIT 10'); "
        "print(time.perf_counter()-t)"
    )
    inner = float(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )
    t0 = time.perf_counter()
    citykg = str(Path(sys.executable).parent / "citykg")
    subprocess.run(
        [citykg, "query", "list-cities", "--data", str(out), "--json"], capture_output=True, check=True
    )
    return inner, time.perf_counter() - t0


def endpoint(out: Path, clients: int, per_client: int) -> dict[str, float]:
    citykg = str(Path(sys.executable).parent / "citykg")
    proc = subprocess.Popen(
        [citykg, "serve", "--data", str(out), "--port", "0", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = re.search(r"http://[\d.:]+/", proc.stdout.readline()).group(0)
        q = urllib.parse.urlencode({"query": "SELECT ?c ?l WHERE { ?c a ck:City ; rdfs:label ?l } LIMIT 20"})
        urllib.request.urlopen(f"{url}sparql?{q}", timeout=60).read()  # warm the workers

        def one(_: int) -> tuple[float, bool]:
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{url}sparql?{q}", timeout=60) as resp:
                    ok = resp.status == 200 and len(json.load(resp)["results"]["bindings"]) == 20
            except OSError:
                ok = False
            return time.perf_counter() - t, ok

        t0 = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(one, range(clients * per_client)))
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(10)
    lat = sorted(r[0] for r in results)
    return {
        "clients": clients,
        "requests": len(results),
        "errors": sum(not r[1] for r in results),
        "req_per_s": len(results) / wall,
        "p50_ms": 1000 * lat[len(lat) // 2],
        "p95_ms": 1000 * lat[int(len(lat) * 0.95)],
    }


#: a saved query answering under this many seconds (p50) counts as interactive in the summary line
INTERACTIVE_S = 0.1
#: concurrent clients and requests per client of the endpoint run
ENDPOINT_CLIENTS, ENDPOINT_REQUESTS = 50, 10
#: most runs per query given to rdflib (each can take up to --rdflib-timeout)
RDFLIB_MAX_REPS = 3


def _arguments() -> argparse.Namespace:
    """The command line of the benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="target dataset size")
    ap.add_argument("--reps", type=int, default=5, help="runs per query (median reported)")
    ap.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds per rdflib query")
    ap.add_argument("--no-rdflib", action="store_true", help="skip the rdflib comparison")
    ap.add_argument("--out", type=Path, help="work folder (default: a temp dir)")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    return ap.parse_args()


def _scaled_store(work: Path, target: int, report: dict[str, object]) -> Path:
    """Replicate the bundled build to ``target`` quads, load it into the store; time load and first query."""
    seed = seed_build(work)
    out = work / "scaled"
    out.mkdir(exist_ok=True)
    nq = out / "citykg.nq"
    replicas, triples = replicate(seed, nq, target)
    report.update(replicas=replicas, triples=triples)
    print(f"dataset: {triples:,} quads ({replicas} replicas of the bundled build)")
    report["load_average_start"] = os.getloadavg()[0]
    print(
        f"machine load average (1 min) at start: {report['load_average_start']:.1f} on {os.cpu_count()} cores"
    )
    t0 = time.perf_counter()
    refresh_store(out, nq, force=True)
    report["store_load_s"] = time.perf_counter() - t0
    print(f"load into the persistent store: {report['store_load_s']:.1f} s")
    inner, command = first_query(nq)
    report.update(open_first_query_s=inner, cli_first_query_s=command)
    print(
        f"open store + first query (fresh process): {inner * 1000:.0f} ms; whole `citykg query` command: "
        f"{command:.2f} s"
    )
    t0 = time.process_time()
    n_summary = len(summaries.summary_quads(open_store(nq).store))
    report.update(summaries_triples=n_summary, summaries_cpu_s=time.process_time() - t0)
    print(
        f"derived summaries graph: {n_summary:,} triples, computed in {report['summaries_cpu_s']:.2f} s CPU"
    )
    return nq


def _rdflib_cell(r: float | str, mem: float, wall: float, timeout: float) -> tuple[str, str, str]:
    """The rdflib p50 and its ratios to the in-memory and on-disk store, as table cells."""
    if isinstance(r, float):
        return f"{r * 1000:.0f} ms", f"{r / mem:.0f}x", f"{r / wall:.0f}x"
    if r == "timeout":
        return f">{timeout:.0f} s", f">{timeout / mem:.0f}x", f">{timeout / wall:.0f}x"
    return str(r), "-", "-"


def _query_table(p50: dict, mem50: dict, rdf: dict[str, float | str], nrows: dict[str, int],
                 timeout: float) -> list[dict[str, object]]:  # fmt: skip
    """Print one line per saved query (disk, memory, rdflib and ratios); returns the rows for --json."""
    print(
        f"\n{'query':24s} {'rows':>5s} {'disk p50':>9s} {'disk CPU':>9s} {'memory':>8s} {'rdflib p50':>10s} "
        f"{'rdflib/mem':>10s} {'rdflib/disk':>11s}"
    )
    rows = []
    for name, (wall, cpu) in p50.items():
        mem = mem50[name][0]
        r = rdf.get(name, "-")
        rtext, ratio, ratio_disk = _rdflib_cell(r, mem, wall, timeout)
        print(
            f"{name:24s} {nrows[name]:5d} {wall * 1000:6.1f} ms {cpu * 1000:6.1f} ms {mem * 1000:5.1f} ms "
            f"{rtext:>10s} {ratio:>10s} {ratio_disk:>11s}"
        )
        rows.append({"query": name, "rows": nrows[name], "disk_p50_ms": wall * 1000, "disk_cpu_p50_ms": cpu * 1000,
                     "memory_p50_ms": mem * 1000, "rdflib_p50_ms": r * 1000 if isinstance(r, float) else r})  # fmt: skip
    under = sum(w < INTERACTIVE_S for w, _ in p50.values())
    print(
        f"\n{under} of {len(p50)} saved queries under {INTERACTIVE_S * 1000:.0f} ms on disk (p50), "
        f"{sum(m < INTERACTIVE_S for m, _ in mem50.values())} in memory"
    )
    return rows


def main() -> None:
    """Run every measurement on one scaled dataset and print (and optionally save) the numbers."""
    args = _arguments()
    work = args.out or Path(tempfile.mkdtemp(prefix="citykg-bench-q-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {}
    nq = _scaled_store(work, args.triples, report)
    p50, nrows, texts = time_embedded(nq, args.reps, memory=False)
    everything = time_everything(nq)
    t0 = time.perf_counter()
    open_store(nq, memory=True)
    report["memory_load_s"] = time.perf_counter() - t0
    print(f"load into memory (server workers): {report['memory_load_s']:.1f} s")
    mem50, _, _ = time_embedded(nq, args.reps, memory=True)
    rdf: dict[str, float | str] = {}
    if not args.no_rdflib:
        files = [nq, dump_summaries(nq.parent, nq)]
        rdf, load = time_rdflib(files, texts, max(1, min(args.reps, RDFLIB_MAX_REPS)), args.rdflib_timeout)
        report["rdflib_load_s"] = load
        print(f"rdflib Dataset parse: {load:.1f} s")
    report["queries"] = _query_table(p50, mem50, rdf, nrows, args.rdflib_timeout)
    for name, (secs, n) in everything.items():
        default = querylib.catalogue()[name].param("limit").default
        print(
            f"  {name}: one page (limit={default}) {p50[name][0] * 1000:.0f} ms; "
            f"everything at once ({n:,} rows) {secs * 1000:.0f} ms on disk"
        )
    report["everything"] = {k: {"ms": v[0] * 1000, "rows": v[1]} for k, v in everything.items()}
    report["load_average_end"] = os.getloadavg()[0]
    print(f"machine load average (1 min) after the query timings: {report['load_average_end']:.1f}")
    report["endpoint"] = ep = endpoint(nq, ENDPOINT_CLIENTS, ENDPOINT_REQUESTS)
    print(
        f"\nendpoint, {ep['clients']} concurrent clients x {ENDPOINT_REQUESTS} requests: {ep['req_per_s']:.0f} req/s, "
        f"p50 {ep['p50_ms']:.0f} ms, p95 {ep['p95_ms']:.0f} ms, errors {ep['errors']}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
