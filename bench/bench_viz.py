"""Benchmark the HTML views: generation time and time-to-interactive in headless Chromium.

    python bench/bench_viz.py                    # 500, 5,000 and 20,000 nodes
    python bench/bench_viz.py --sizes 500        # a quick run
    python bench/bench_viz.py --site 2000 --baseline HEAD   # the whole site of a 2,000-article build
    python bench/bench_viz.py --data OUT --touch-doc   # change one article in OUT's store, then
    python bench/bench_viz.py --site-child OUT          # time the site again: the incremental site step

``--site N`` builds N articles (``bench_build.make_corpus``, graph and store only)
or takes ``--data OUT``, then times ``write_site(OUT)`` with its default
arguments, as ``citykg build`` calls it, in a fresh process: seconds, CPU
seconds, peak RSS, pages and MB written. ``--baseline REV`` also times the
``viz/`` package of git revision REV on the same build in the same run (its
own process; the pages it writes are replaced by the next run) and prints the
ratios baseline / current.

Synthetic graphs shaped like the overview/city views: cities (hubs), reform
concepts shared by several cities, initiatives each in one city realizing one
or two concepts. For each size, measured in the same run:

- generation: ``GraphView`` -> networkx-free precomputed layout -> one
  self-contained HTML file (seconds, file size);
- time-to-interactive: ``page.goto`` of the file:// page until vis-network's
  first ``afterDrawing`` (``window.citykgReady``), in headless Debian Chromium
  with the network blocked; then the time of one search (find + focus + highlight);
- the alternative for the small size: pyvis' own ``Network.add_node`` /
  ``add_edge`` / ``write_html`` (inline resources) on the same graph, generation
  time and the ratio to ours.

No assertion on time: this prints numbers (and writes them as JSON with --json).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from citykg.viz.graphview import GraphView, VEdge, VNode
from citykg.viz.render import write_view

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def synthetic(n: int, seed: int = 7) -> GraphView:
    """About ``n`` nodes: n/50 cities, n/10 concepts, the rest initiatives (1-2 concepts each)."""
    rng = random.Random(seed)
    cities = [VNode(f"city{i}", f"城市{i}市", "City", 5.0, [f"城市{i}市"]) for i in range(max(2, n // 50))]
    concepts = [VNode(f"c{i}", f"改革概念{i}", "ReformConcept", 3.0) for i in range(max(2, n // 10))]
    nodes = cities + concepts
    edges: list[VEdge] = []
    for i in range(n - len(nodes)):
        city = rng.choice(cities)
        node = VNode(f"i{i}", f"{city.label}第{i}号平台", "Platform", 1.0, [city.label], ["政务服务"],
                     [("quote", f"{city.label}建成第{i}号平台，接入部门{i % 97}个。")])  # fmt: skip
        nodes.append(node)
        edges.append(VEdge(node.id, city.id))
        for c in rng.sample(concepts, rng.choice((1, 2))):
            edges.append(VEdge(node.id, c.id, "实现 realizes"))
    return GraphView(f"synthetic {n}", nodes, edges, f"{len(nodes)} nodes")


def generate(view: GraphView, path: Path) -> float:
    t = time.perf_counter()
    write_view(view, path)
    return time.perf_counter() - t


def pyvis_generate(view: GraphView, folder: Path) -> float:
    """pyvis' documented path on the same graph (in a temp cwd: it may write lib/)."""
    from pyvis.network import Network

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        t = time.perf_counter()
        net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
        for n in view.nodes:
            net.add_node(n.id, label=n.label, title=n.label, group=n.cls)
        for e in view.edges:
            net.add_edge(e.source, e.target, title=e.label)
        net.write_html(str(folder / "pyvis.html"), notebook=False)
        return time.perf_counter() - t
    finally:
        os.chdir(cwd)


def interactive(browser, path: Path) -> tuple[float, float]:
    """(ms until the first drawing, ms for one search) in a fresh page, network blocked."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    t = time.perf_counter()
    page.goto(path.as_uri())
    while not page.evaluate("window.citykgReady !== undefined"):  # wait_for_function needs eval (CSP)
        page.wait_for_timeout(20)
    tti = (time.perf_counter() - t) * 1000
    search = page.evaluate(
        "() => { const t = performance.now(); citykgSearch(citykgData.nodes[citykgData.nodes.length - 1].label); return performance.now() - t; }"
    )
    page.close()
    return tti, search


def pyvis_interactive(browser, path: Path) -> float:
    """ms until pyvis' page has a drawn, stabilized network (it runs physics in the browser first)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    t = time.perf_counter()
    page.goto(path.as_uri())
    page.evaluate(
        "() => new Promise(res => { if (network.physics.stabilized || !network.physics.physicsEnabled) res();"
        " network.once('stabilized', res); network.once('stabilizationIterationsDone', res); })"
    )
    ms = (time.perf_counter() - t) * 1000
    page.close()
    return ms


# ---- the whole site of a build (--site) ----

REPO = Path(__file__).resolve().parents[1]
BASELINE_PACKAGE = "baseline_viz"


def memory_mb(field: str) -> float:
    """VmRSS / VmHWM (peak) of this process in MB. Not ru_maxrss: Linux carries that over from
    the parent through fork and exec, so a child of a process that just built 2,000 articles
    would report the build's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def site_child(out: str, package_dir: str | None) -> None:
    """In a fresh process: write_site(OUT) of the current or the baseline viz; prints one JSON line."""
    from citykg.store.core import open_store

    open_store(out)  # a fresh store before the clock starts (the build refreshes it first, too)
    if package_dir:
        sys.path.insert(0, package_dir)
        write_site = __import__(f"{BASELINE_PACKAGE}.site", fromlist=["write_site"]).write_site
    else:
        from citykg.viz.site import write_site

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    inodes = {p.name: p.stat().st_ino for p in (Path(out) / "views").glob("*.html")}
    rss_before = memory_mb("VmRSS")
    t, c = time.perf_counter(), cpu()
    write_site(out)
    seconds, cpu_s = time.perf_counter() - t, cpu() - c
    pages = list((Path(out) / "views").glob("*.html"))
    site = [p for p in (Path(out) / "views").rglob("*") if p.is_file()]
    site += [*(Path(out) / "assets").glob("*"), Path(out) / "index.html"]
    kinds: dict[str, int] = {}
    for p in pages:
        kind = p.stem.split("-")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    print(json.dumps({"seconds": round(seconds, 1), "cpu_seconds": round(cpu_s, 1),
                      "peak_rss_mb": round(memory_mb("VmHWM")), "rss_before_mb": round(rss_before),
                      "pages": len(pages), "pages_by_kind": kinds,
                      "pages_reused": sum(1 for p in pages if inodes.get(p.name) == p.stat().st_ino),
                      "mb_written": round(sum(p.stat().st_size for p in pages) / 1e6, 1),
                      "site_mb": round(sum(p.stat().st_size for p in site if p.is_file()) / 1e6, 1),
                      "site_mb_without_dot_files": round(sum(p.stat().st_size for p in site
                                                             if p.is_file() and not p.name.startswith(".")) / 1e6, 1),
                      "mb_by_kind": site_bytes(Path(out)),
                      "largest_page_mb": round(max((p.stat().st_size for p in pages), default=0) / 1e6, 1)}))  # fmt: skip


def site_bytes(out: Path) -> dict[str, float]:
    """MB of the site by kind of file: each page kind (city, reform, article, ...), the articles'
    shared text scripts (views/text), the shared assets and the index; the build's own files
    beside the pages (dot files: the page manifest, the site step's state) by name."""
    kinds: dict[str, int] = {}
    for p in (out / "views").rglob("*"):
        if p.is_file():
            kind = "text" if p.parent.name == "text" else p.name if p.name.startswith(".") else p.stem.split("-")[0]
            kinds[kind] = kinds.get(kind, 0) + p.stat().st_size
    kinds["assets"] = sum(p.stat().st_size for p in (out / "assets").glob("*") if p.is_file())
    kinds["index"] = (out / "index.html").stat().st_size if (out / "index.html").is_file() else 0
    return {k: round(v / 1e6, 2) for k, v in sorted(kinds.items())}


def city_child(out: str, mode: str) -> None:
    """In a fresh process: one city page as ``citykg viz city`` writes it (mode "bound": the city's
    subgraph by bound queries) or from the whole model (mode "model", the way before); one JSON line."""
    from citykg.store.core import open_store
    from citykg.viz import views
    from citykg.viz.data import load_model
    from citykg.viz.render import write_view
    from citykg.viz.single import Request, write_one
    from citykg.viz.source import ViewSource

    open_store(out)
    source = ViewSource(out)
    name = largest_city(out)
    t = time.perf_counter()
    target = Path(tempfile.mkdtemp()) / "city.html"
    if mode == "bound":
        write_one(Request("city", name, target), source, Path(out))
    else:
        model = load_model(source)
        write_view(views.city_view(model, views.find_city(model, name)), target)
    print(json.dumps({"seconds": round(time.perf_counter() - t, 2), "peak_rss_mb": round(memory_mb("VmHWM")),
                      "city": name, "page_mb": round(target.stat().st_size / 1e6, 2)}))  # fmt: skip


def largest_city(out: str) -> str:
    """The adcode of the city with most initiatives (the slowest city page)."""
    from citykg.store.core import open_store

    rows = open_store(out).select(
        "SELECT ?code (COUNT(?i) AS ?n) WHERE { ?i ck:inCity ?c . ?c ck:adcode ?code } GROUP BY ?code ORDER BY DESC(?n) ?code LIMIT 1"
    )
    return rows[0]["code"]


def run_city(out: Path, mode: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--city-child", str(out), mode], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def baseline_package(rev: str, folder: Path) -> Path:
    """``viz/`` of git revision ``rev`` as the importable package ``baseline_viz`` under ``folder``."""
    blob = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "viz"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(folder, filter="data")
    package = folder / BASELINE_PACKAGE
    (folder / "viz").rename(package)
    for py in package.glob("*.py"):
        text = re.sub(r"\bcitykg\.viz\b", BASELINE_PACKAGE, py.read_text(encoding="utf-8"))
        py.write_text(text, encoding="utf-8")
    return folder


def run_site(out: Path, package_dir: Path | None) -> dict:
    cmd = [sys.executable, __file__, "--site-child", str(out)]
    if package_dir:
        cmd += ["--package-dir", str(package_dir)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def site_bench(n: int, data: Path | None, baseline: str | None, jobs: int) -> dict:
    """Time write_site on a build of ``n`` articles (or ``data``), current code and optionally ``baseline``."""
    with tempfile.TemporaryDirectory(prefix="citykg-bench-site-") as tmp:
        out = data
        result: dict = {}
        if out is None:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from bench_build import make_corpus

            from citykg.graph.build import build
            from citykg.store.core import refresh_store

            corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
            make_corpus(corpus, n)
            t = time.perf_counter()
            report = build([corpus], out, jobs=jobs, post_steps=False)
            refresh_store(out)
            result.update(articles=report.documents, triples=report.stats.get("triples", 0),
                          build_and_store_seconds=round(time.perf_counter() - t, 1))  # fmt: skip
        result["current"] = run_site(out, None)
        result["viz_city"] = {"bound_queries": run_city(out, "bound"), "whole_model": run_city(out, "model")}
        result["viz_city"]["whole_model_over_bound"] = round(
            result["viz_city"]["whole_model"]["seconds"]
            / max(result["viz_city"]["bound_queries"]["seconds"], 0.01),
            1,
        )
        if baseline:
            result["baseline_rev"] = baseline
            result["baseline"] = run_site(out, baseline_package(baseline, Path(tmp) / "baseline"))
            for key in ("seconds", "cpu_seconds", "peak_rss_mb"):
                result[f"baseline_over_current_{key}"] = round(
                    result["baseline"][key] / max(result["current"][key], 0.1), 1
                )
        return result


def touch_one_document(out: Path) -> dict:
    """Change one article of the build in OUT's store, as a rebuild with that article edited would:
    its title and every evidence sentence it holds get a few more characters (the TriG is left as
    it is, so the store stays "fresh" and the site reads the changed store). Returns what changed."""
    import pyoxigraph as ox

    from citykg.namespaces import CK_IRI
    from citykg.store.core import store_dir_for
    from citykg.viz.source import locate_trig

    store = ox.Store(str(store_dir_for(locate_trig(out))))
    in_doc, quote = ox.NamedNode(CK_IRI + "inDocument"), ox.NamedNode(CK_IRI + "quote")
    docs = sorted({q.object.value for q in store.quads_for_pattern(None, in_doc, None)})
    doc = ox.NamedNode(docs[len(docs) // 2])
    changed = 0
    for ev in [q.subject for q in store.quads_for_pattern(None, in_doc, doc)]:
        for q in list(store.quads_for_pattern(ev, quote, None)):
            store.remove(q)
            store.add(ox.Quad(q.subject, q.predicate, ox.Literal(q.object.value + CHANGE), q.graph_name))
            changed += 1
    for q in list(store.quads_for_pattern(doc, None, None)):
        if isinstance(q.object, ox.Literal) and q.predicate.value.endswith("title"):
            store.remove(q)
            store.add(ox.Quad(q.subject, q.predicate, ox.Literal(q.object.value + CHANGE), q.graph_name))
    store.flush()
    return {"document": doc.value, "evidence_sentences_changed": changed}


# a few characters of our own, appended to the changed article's sentences and title
CHANGE = "（修订）"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", default="500,5000,20000")
    ap.add_argument("--pyvis-max", type=int, default=5000, help="Time pyvis' path up to this size.")
    ap.add_argument("--json", type=Path, help="Also write the numbers here.")
    ap.add_argument("--site", type=int, metavar="N", help="Time write_site on a build of N articles instead.")
    ap.add_argument(
        "--data", type=Path, help="With --site: an existing build folder (OUT) instead of N articles."
    )
    ap.add_argument("--baseline", metavar="REV", help="With --site: also time viz/ of this git revision.")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="With --site: build workers.")
    ap.add_argument("--touch-doc", action="store_true",
                    help="With --data OUT: change one article in OUT's store (then time the site again).")  # fmt: skip
    ap.add_argument("--site-child", help=argparse.SUPPRESS)
    ap.add_argument("--city-child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--package-dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.city_child:
        city_child(*args.city_child)
        return
    if args.site_child:
        site_child(args.site_child, args.package_dir)
        return
    if args.touch_doc:
        print(json.dumps(touch_one_document(args.data), ensure_ascii=False))
        return
    if args.site or args.data:
        result = site_bench(args.site or 0, args.data, args.baseline, args.jobs)
        print(json.dumps(result, ensure_ascii=False, indent=1))
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        generate(synthetic(60), Path(tmp) / "warmup.html")  # reads vis-network once, imports numpy
        for size in (int(s) for s in args.sizes.split(",")):
            view = synthetic(size)
            path = Path(tmp) / f"v{size}.html"
            gen = generate(view, path)
            tti, search = interactive(browser, path)
            row = {"nodes": len(view.nodes), "edges": len(view.edges), "generate_s": round(gen, 3),
                   "html_mb": round(path.stat().st_size / 1e6, 2), "tti_ms": round(tti), "search_ms": round(search, 1)}  # fmt: skip
            if size <= args.pyvis_max:
                alt = pyvis_generate(view, Path(tmp))
                row["pyvis_generate_s"] = round(alt, 3)
                row["pyvis_over_ours_generate"] = round(alt / gen, 2)
                if size <= 500:
                    alt_tti = pyvis_interactive(browser, Path(tmp) / "pyvis.html")
                    row["pyvis_tti_ms"] = round(alt_tti)
                    row["pyvis_over_ours_tti"] = round(alt_tti / tti, 2)
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
