"""Benchmark the HTML views: generation time and time-to-interactive in headless Chromium.

    python bench/bench_viz.py                    # 500, 5,000 and 20,000 nodes
    python bench/bench_viz.py --sizes 500        # a quick run

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
import json
import os
import random
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
    page.wait_for_function("window.citykgReady !== undefined", timeout=300000)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", default="500,5000,20000")
    ap.add_argument("--pyvis-max", type=int, default=5000, help="Time pyvis' path up to this size.")
    ap.add_argument("--json", type=Path, help="Also write the numbers here.")
    args = ap.parse_args()
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
