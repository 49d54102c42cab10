"""Where the bytes of a built site are: MB per page kind and per field of the pages' data.

    python bench/bench_site_bytes.py OUT            # a site written by citykg build / write_site
    python bench/bench_site_bytes.py OUT --json F   # also write the numbers to F

For every page under OUT/views/ (and the articles' text scripts under views/text/)
it splits the file into the page shell (markup, script tags) and its data, and the
data into its top-level fields (a graph page's ``nodes``, ``S``, ``R``, ...; a
reader's mentions ``m``; a text script's ``t``, ``s``, ``q``). Each field is
reported as compact JSON (what it would cost written out) and packed alone
(``viz.packed``: base64 of raw deflate, what it costs in a site page when it is
the only field; fields packed together cost a little less). Data written as plain
JSON (a site of an older viz, or a single view) is read the same way, so two
sites can be compared field by field. Only reads the site.

    python bench/bench_site_bytes.py OUT --open OTHER   # ms until drawn, OUT's pages vs OTHER's

``--open`` opens the largest city, reform, reader and comparison page of OUT, and
the page of the same name in each OTHER site, in headless Chromium (network
blocked), alternating, and prints the median ms until each is drawn and the
ratios to OUT's (packed pages inflate their data before drawing).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path

from citykg.viz.doctext import read_text_script
from citykg.viz.packed import PACKED_TYPE, pack, unpack

DATA = re.compile(r'<script type="([^"]+)" id="ck-(?:data|article|compare)"[^>]*>(.*?)</script>', re.S)
MB = 1e6


def page_data(text: str) -> tuple[object | None, int]:
    """(the page's data, bytes of its data element's content) or (None, 0) when it has none."""
    found = DATA.search(text)
    if not found:
        return None, 0
    kind, body = found.groups()
    value = unpack(body) if kind == PACKED_TYPE else json.loads(body)
    return value, len(body.encode("utf-8"))


def text_data(text: str) -> tuple[object | None, int]:
    """A text script's data: packed (``viz.doctext``) or, from an older site, plain JSON."""
    head, _, body = text.partition("]=")
    body = body.strip().rstrip(";")
    if body.startswith('"'):
        return read_text_script(text)[1], len(body)
    return (json.loads(body), len(body.encode("utf-8"))) if head else (None, 0)


def kind_of(path: Path) -> str:
    return "text" if path.parent.name == "text" else path.stem.split("-")[0]


def measure(out: Path) -> dict:
    """{kind: {"files", "mb", "shell_mb", "data_mb", "fields": {field: [json MB, packed MB]}}}."""
    kinds: dict[str, dict] = defaultdict(lambda: {"files": 0, "mb": 0.0, "shell_mb": 0.0, "data_mb": 0.0,
                                                  "fields": defaultdict(lambda: [0.0, 0.0])})  # fmt: skip
    for path in sorted((out / "views").rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".js"):
            continue
        text = path.read_text(encoding="utf-8")
        value, size = text_data(text) if path.suffix == ".js" else page_data(text)
        k = kinds[kind_of(path)]
        total = len(text.encode("utf-8"))
        k["files"] += 1
        k["mb"] += total / MB
        k["data_mb"] += size / MB
        k["shell_mb"] += (total - size) / MB
        if isinstance(value, dict):
            for name, field in value.items():
                plain = json.dumps(field, ensure_ascii=False, separators=(",", ":"))
                k["fields"][name][0] += len(plain.encode("utf-8")) / MB
                k["fields"][name][1] += len(pack(field)) / MB
    return {
        kind: {**{x: round(v, 2) if isinstance(v, float) else v for x, v in k.items() if x != "fields"},
               "fields": {f: [round(a, 2), round(b, 2)] for f, (a, b) in sorted(k["fields"].items(), key=lambda kv: -kv[1][1])}}
        for kind, k in sorted(kinds.items())
    }  # fmt: skip


#: what each page kind sets once it is drawn (the packed pages draw after inflating their data)
READY = {"city": "window.citykgReady !== undefined", "reform": "window.citykgReady !== undefined",
         "article": "window.citykgReaderReady === true", "compare": "window.citykgCompareReady === true"}  # fmt: skip
OPEN_ROUNDS = 3  # page opens per page and site (the median is reported)
POLL_MS = 10


def open_ms(browser, path: Path, ready: str) -> float:
    """ms from goto until the page is drawn, in a fresh page with the network blocked."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    t = time.perf_counter()
    page.goto(path.as_uri())
    while not page.evaluate(ready):  # wait_for_function needs eval, which the pages' CSP forbids
        page.wait_for_timeout(POLL_MS)
    ms = (time.perf_counter() - t) * 1000
    page.close()
    return ms


def open_times(sites: list[Path]) -> dict:
    """The largest page of each kind in the first site, opened in every site (same file name),
    alternating sites, ``OPEN_ROUNDS`` times: median ms until drawn, and ratios to the first site."""
    from playwright.sync_api import sync_playwright

    views = sites[0] / "views"
    largest = {k: max(views.glob(f"{k}-*.html"), key=lambda p: p.stat().st_size).name for k in READY}
    result: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        for kind, name in largest.items():
            times = [[open_ms(browser, site / "views" / name, READY[kind]) for site in sites] for _ in range(OPEN_ROUNDS)]
            medians = [round(statistics.median(t[i] for t in times)) for i in range(len(sites))]
            result[name] = {"ms": medians, "over_first": [round(m / max(medians[0], 1), 2) for m in medians]}
        browser.close()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("out", type=Path, help="the build folder (OUT) whose site to measure")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    ap.add_argument("--open", type=Path, nargs="*", metavar="OTHER",
                    help="also time opening the largest page of each kind here and in OTHER sites")  # fmt: skip
    args = ap.parse_args()
    if args.open is not None:
        print(json.dumps(open_times([args.out, *args.open]), ensure_ascii=False))
        return
    result = measure(args.out)
    for kind, k in result.items():
        fields = ", ".join(f"{f} {a}/{b}" for f, (a, b) in list(k["fields"].items())[:8])
        print(f"{kind:10} {k['files']:5} files {k['mb']:7.2f} MB (shell {k['shell_mb']}, data {k['data_mb']})"
              f"  fields json/packed MB: {fields}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
