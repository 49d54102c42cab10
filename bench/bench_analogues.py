"""Benchmark the analogue step on a corpus scaled up from the bundled articles.

    python bench/bench_analogues.py              # 2,000 articles over 300 cities
    python bench/bench_analogues.py -n 200       # a quick run

The bundled articles are built once; their initiatives (labels, classes,
concepts, domains, evidence sentences) are then replayed as ``n`` synthetic
articles, article k in city k mod C with the template city's names replaced by
the new city's. Every city runs nearly every seed initiative, so the concept
blocks are as large as they get (the worst case for blocking). Reported, all
measured in the same run:

- the blocked computation (``Finder`` + ``analogies()``) on the full corpus:
  seconds, items, candidate pairs scored, analogies kept (at most
  ``MAX_PER_ITEM`` per initiative) and the triples they add, peak memory;
- the alternative, scoring every cross-city pair with the same features, timed
  on a sample of items and extrapolated to the full corpus by pair count, and
  the ratio between the two.

- ``citykg analogues NAME --city C`` on the finished build (the materialised analogies
  read by index lookups, ``graph/analogues/lookup.py``), as a fresh process: wall
  time, peak RSS and the name/city resolution alone; against the full recompute
  the command did before (``--all``: load the store, prepare, score), same run.

No assertion on time: this prints numbers (and writes them as JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from citykg.graph.analogues.data import load_input
from citykg.graph.analogues.explain import quads_for
from citykg.graph.analogues.finder import Finder
from citykg.graph.build import build
from citykg.graph.kb import load_kb
from citykg.namespaces import (
    CK_IRI,
    GRAPH_ANALOGIES,
    GRAPH_DIVISIONS,
    area_iri,
    document_iri,
    evidence_iri,
    initiative_iri,
    short_hash,
)
from citykg.paths import corpus_dir, ontology_dir

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def ck(name: str) -> ox.NamedNode:
    return ox.NamedNode(CK_IRI + name)


def seed_store(workdir: Path) -> ox.Store:
    """The bundled corpus built once, loaded (without its analogies)."""
    out = workdir / "seeds"
    build([corpus_dir()], out, jobs=1, post_steps=False)
    store = ox.Store()
    store.load(path=str(out / "citykg.trig"), format=ox.RdfFormat.TRIG)
    store.remove_graph(ox.NamedNode(str(GRAPH_ANALOGIES)))
    return store


def scale(store: ox.Store, n_articles: int, n_cities: int) -> ox.Store:
    """``n_articles`` synthetic articles replaying the seed initiatives in other cities."""
    data = load_input(store)
    kb = load_kb()
    cities = sorted((a for a in kb.areas.values() if a.level == "City"), key=lambda a: a.adcode)
    rng = random.Random(7)
    cities = rng.sample(cities, min(n_cities, len(cities)))
    by_file: dict[str, list] = {}
    for it in data.items:
        for f in sorted(it.files)[:1]:
            by_file.setdefault(f, []).append(it)
    templates = [by_file[f] for f in sorted(by_file)]
    out = ox.Store()
    for q in store.quads_for_pattern(None, None, None, None):  # ontology, schemes, divisions
        if not str(q.graph_name).startswith("<" + str(document_iri(""))):
            out.add(q)
    divisions = ontology_dir() / "divisions.ttl"  # every city's names, as a build would have them
    out.load(path=str(divisions), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(GRAPH_DIVISIONS)))
    for k in range(n_articles):
        city = cities[k % len(cities)]
        items = templates[k % len(templates)]
        old_names = sorted(
            {n for it in items for n in data.place_names.get(it.city, [])}, key=len, reverse=True
        )
        h = short_hash("bench", str(k))
        g = ox.NamedNode(str(document_iri(h)))
        quads = [
            ox.Quad(g, RDF_TYPE, ck("SourceDocument"), g),
            ox.Quad(g, ck("fileName"), ox.Literal(f"bench_{k:05d}.txt"), g),
            ox.Quad(g, ck("aboutCity"), ox.NamedNode(city.iri), g),
        ]
        for n, it in enumerate(items):
            label, quote = it.label, "".join(it.quotes[:1])
            for old in old_names:
                new = city.name if old.endswith(("市", "州", "盟")) else (city.short_names or [city.name])[0]
                label, quote = label.replace(old, new), quote.replace(old, new)
            x = ox.NamedNode(str(initiative_iri(city.adcode, it.cls, label)))
            ev = ox.NamedNode(str(evidence_iri(h, n, n + 1)))
            quads += [
                ox.Quad(x, RDF_TYPE, ck(it.cls), g),
                ox.Quad(x, LABEL, ox.Literal(label, language="zh"), g),
                ox.Quad(x, ck("inCity"), ox.NamedNode(str(area_iri(city.adcode))), g),
                ox.Quad(x, ck("evidence"), ev, g),
                ox.Quad(ev, ck("inDocument"), g, g),
                ox.Quad(ev, ck("quote"), ox.Literal(quote), g),
            ]
            quads += [ox.Quad(x, ck("realizes"), ox.NamedNode(c), g) for c in sorted(it.concepts)]
            quads += [ox.Quad(x, ck("domain"), ox.NamedNode(d), g) for d in sorted(it.domains)]
        out.extend(quads)
    return out


def all_pairs_rate(finder: Finder, sample: int) -> tuple[float, int]:
    """Seconds per pair when scoring every cross-city pair of ``sample`` items (the alternative).

    Timed as process CPU time, like ``blocked_cpu_s``, so the ratio holds on a busy machine.
    """
    ids = list(range(0, len(finder.items), max(1, len(finder.items) // sample)))[:sample]
    pairs = [
        (i, j)
        for x, i in enumerate(ids)
        for j in ids[x + 1 :]
        if finder.items[i].city != finder.items[j].city
    ]
    t = time.process_time()
    for i, j in pairs:
        finder.quick_logit(i, j)
    return (time.process_time() - t) / max(1, len(pairs)), len(pairs)


#: runs one ``citykg analogues`` command in a fresh process and reports its time and peak memory
CHILD = """
import json, sys, time, io, contextlib
t0 = time.perf_counter()
from citykg.cli import cli
from citykg.graph.analogues.lookup import Lookup
from citykg.store.core import open_store
args = json.loads(sys.argv[1])
out = io.StringIO()
with contextlib.redirect_stdout(out):
    cli.main(args, standalone_mode=False)
wall = time.perf_counter() - t0
def hwm():  # this process's peak RSS (ru_maxrss would include the parent's, inherited across fork)
    with open("/proc/self/status") as fh:
        return round(next(int(x.split()[1]) for x in fh if x.startswith("VmHWM")) / 1024)
RSS = hwm()
lk = Lookup(open_store(args[args.index("-d") + 1]))
t1 = time.perf_counter()
lk.initiatives_named(args[1]); lk.city_named(args[3], "--city")
resolve = time.perf_counter() - t1
print(json.dumps({"wall_s": round(wall, 2), "rows": len(json.loads(out.getvalue() or "[]")),
                  "resolve_ms": round(resolve * 1000, 1), "rss_after_command_mb": RSS,
                  "peak_rss_mb": hwm()}))
"""


def command_run(args: list[str]) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def lookup_vs_recompute(store: ox.Store, finder: Finder, analogies: list, workdir: Path) -> dict[str, object]:
    """``citykg analogues NAME --city C`` on the written build vs the full recompute (``--all``)."""
    out = workdir / "out"
    out.mkdir()
    g = ox.NamedNode(str(GRAPH_ANALOGIES))
    store.extend(ox.Quad(q.subject, q.predicate, q.object, g) for q in quads_for(analogies))
    store.dump(str(out / "citykg.trig"), format=ox.RdfFormat.TRIG)
    store.remove_graph(g)
    # the initiative named most often among the analogies, in the first city that runs it
    named = Counter(an.source.label for an in analogies if an.source.cls == "Reform")
    name = named.most_common(1)[0][0]
    city = next(an.source.city_label for an in analogies if an.source.label == name and an.source.city_label)
    args = ["analogues", name, "--city", city, "-d", str(out), "--json"]
    command_run(args)  # the first command also creates the persistent store (the build's post step does)
    lookup = command_run(args)
    recompute = command_run([*args, "--all"])
    return {
        "command": f"citykg analogues {name} --city {city}",
        "lookup": lookup,
        "recompute": recompute,
        "lookup_speedup": round(recompute["wall_s"] / lookup["wall_s"], 1) if lookup["wall_s"] else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--articles", type=int, default=2000)
    ap.add_argument("--cities", type=int, default=300)
    ap.add_argument("--sample", type=int, default=400, help="items timed for the all-pairs alternative")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", type=Path, help="write the build here (for a look) instead of a temp folder")
    args = ap.parse_args()
    tmp_dir = tempfile.TemporaryDirectory()
    tmp = args.keep or Path(tmp_dir.name)
    store = scale(seed_store(tmp), args.articles, args.cities)
    c0, t0 = time.process_time(), time.perf_counter()
    data = load_input(store)
    t1 = time.perf_counter()
    finder = Finder(data)
    t2 = time.perf_counter()
    analogies = finder.analogies()
    c3, t3 = time.process_time(), time.perf_counter()
    triples = sum(1 for _ in quads_for(analogies))  # what the build adds to the graph
    scored = sum(1 for _ in finder.candidates())
    n = len(finder.items)
    per_city: dict[str, int] = {}
    for it in finder.items:
        per_city[it.city] = per_city.get(it.city, 0) + 1
    cross = (n * n - sum(v * v for v in per_city.values())) // 2
    cpu = c3 - c0
    rate, sampled = all_pairs_rate(finder, args.sample)
    alternative = rate * cross
    blocked = t3 - t0
    report = {
        "articles": args.articles,
        "cities": len(per_city),
        "items": n,
        "load_s": round(t1 - t0, 2),
        "prepare_s": round(t2 - t1, 2),
        "score_s": round(t3 - t2, 2),
        "blocked_total_s": round(blocked, 2),
        "blocked_cpu_s": round(cpu, 2),  # this process's CPU time: what the step costs on a quiet core
        "candidate_pairs": scored,
        "analogies": len(analogies),
        "analogy_triples": triples,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cross_city_pairs": cross,
        "all_pairs_sampled": sampled,
        "all_pairs_estimate_s": round(alternative, 1),
        "speedup_vs_all_pairs": round(alternative / cpu, 1) if cpu else None,
    }
    report["analogues_command"] = lookup_vs_recompute(store, finder, analogies, tmp)
    tmp_dir.cleanup()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for k, v in report.items():
            print(f"{k:22s} {v}")


if __name__ == "__main__":
    main()
