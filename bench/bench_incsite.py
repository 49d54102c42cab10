"""Benchmark the incremental site step of ``citykg build --incremental`` against the full site step.

    python bench/bench_incsite.py --data OUT --texts TEXTS   # OUT: a build of TEXTS (a copy: it is rebuilt)
    python bench/bench_incsite.py --data OUT --texts TEXTS --site-first --edits "adds an initiative"

Same process, same run (CPU seconds of this process for the site step; the whole
build's CPU seconds include its worker processes):

1. ``build(TEXTS, OUT, incremental=True)``: whatever changed since OUT was built, and
   the site step without a kept state, i.e. the full site step (it then keeps its state);
2. one article gets a sentence of our own that names no initiative; build again;
3. another article gets a sentence of our own that names an initiative and a reform; build again.

``--site-first`` times step 1 as ``write_site(OUT)`` on an up-to-date OUT instead of a
build; ``--edits`` chooses the edits and their order.

Each row: the site step's CPU and wall seconds, the whole build's, pages reused and
rendered, and which pages the incremental plan marked (cities, concepts, articles,
summaries). Prints one JSON line per build and the ratios incremental / full.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import resource
import sys
import time
from pathlib import Path

# our own sentences (never text of the corpus)
EDITS = {
    "no initiative": "\n会议强调，要进一步统一思想、提高认识、压实责任。\n",
    "adds an initiative": "\n本市启动“城市大脑”项目建设，推行“一件事一次办”改革。\n",
}
#: --synthetic only: an initiative added in an article about ``--city`` (at 2,000 benchmark articles
#: 421300 then enters the 120 largest cities and another leaves: the set of pages changes)
MOVES_CITY = "moves a city"


PROFILE = os.environ.get("CITYKG_PROFILE_SITE") == "1"  # profile the incremental site steps
PROFILE_ROWS = 30


def cpu(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def timed_build(texts: Path, out: Path) -> dict:
    """One incremental build with the site step timed and its plan recorded."""
    from citykg.graph import steps
    from citykg.graph.build import build
    from citykg.viz import incsite, pagecache, site

    seen: dict = {}
    real_dirty, real_save = incsite.dirty_pages, pagecache.PageCache.save

    def dirty(*args, **kwargs):
        d = real_dirty(*args, **kwargs)
        seen["plan"] = {"cities": len(d.cities), "concepts": len(d.concepts), "articles": len(d.docs),
                        "overview": d.overview, "analogues": d.analogues, "map": d.map}  # fmt: skip
        return d

    def save(self):
        seen.update(reused=self.reused, rendered=self.rendered)
        return real_save(self)

    def site_step(folder: Path) -> object:
        t, c = time.perf_counter(), cpu()
        profile = cProfile.Profile() if PROFILE else None
        result = profile.runcall(site.write_site, folder) if profile else site.write_site(folder)
        if profile:  # where the step's time goes (to stderr; the clock includes the profiler's overhead)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(PROFILE_ROWS)
        seen.update(site_seconds=round(time.perf_counter() - t, 1), site_cpu=round(cpu() - c, 1))
        return result

    site.dirty_pages, pagecache.PageCache.save = dirty, save
    steps.register("site", "HTML site", steps.SITE_ORDER)(site_step)
    t, c = time.perf_counter(), cpu() + cpu(resource.RUSAGE_CHILDREN)
    build([texts], out, incremental=True)
    seen.update(build_seconds=round(time.perf_counter() - t, 1),
                build_cpu=round(cpu() + cpu(resource.RUSAGE_CHILDREN) - c, 1), load=os.getloadavg()[0])  # fmt: skip
    site.dirty_pages, pagecache.PageCache.save = real_dirty, real_save
    return seen


def edited_trig(data: bytes, what: str, city: str = "") -> bytes:
    """OUT's TriG with one article's graph (the middle one; with ``city``, the middle one about
    that city) edited at the statement level: every quote of it gets our own prefix (no
    initiative), or one initiative of our own is added (a platform in the article's city
    realizing one of its concepts, with its evidence)."""
    from citykg.store.trigparts import graph_blocks

    docs = [b for b in graph_blocks(data) or [] if "/doc/" in b.graph]
    if city:
        docs = [b for b in docs if f"ck:aboutCity ckr:area\\/{city} ".encode() in data[b.body : b.close]]
        assert docs, f"no article about {city}"
    b = docs[len(docs) // 2]
    body = data[b.body : b.close]  # the statements, up to the closing "}"
    if what == "no initiative":
        body = re.sub(rb'(ck:quote ")', "\\1（修订）".encode(), body)
    else:
        key = b.graph.rsplit("/", 1)[1].encode()
        city = re.search(rb"ck:aboutCity (ckr:area\\/\d+)", body)
        concept = re.search(rb"ck:realizes (ckr:concept\\/reform\\/[\w-]+)", body)
        assert city and concept, "the middle article names no city or reform"
        body += (f"\tckr:initiative\\/{city.group(1).decode()[10:]}\\/k6bench a ck:Platform ;\n"
                 f'\t\trdfs:label "城市大脑测试平台"@zh ;\n\t\tck:inCity {city.group(1).decode()} ;\n'
                 f"\t\tck:realizes {concept.group(1).decode()} ;\n\t\tck:evidence ckr:evidence\\/{key.decode()}\\/k6-1 .\n"
                 f'\tckr:evidence\\/{key.decode()}\\/k6-1 ck:quote "本市启动城市大脑测试平台建设。" ;\n'
                 f"\t\tck:inDocument ckr:doc\\/{key.decode()} ;\n\t\tck:charStart 0 ;\n\t\tck:charEnd 4 ;\n"
                 f'\t\tck:mention "城市大脑" .\n').encode()  # fmt: skip
    return data[: b.body] + body + data[b.close :]


def synthetic_step(out: Path, what: str, city: str = "") -> dict:
    """The site step of a build whose TriG differs from OUT's by ``edited_trig`` (staged in
    OUT/.citykg-build.<pid> as a build does, store patched from OUT's; nothing is published)."""
    from citykg.graph.outdir import discard, stage_dir
    from citykg.store.core import refresh_store
    from citykg.viz.site import write_site

    stage = stage_dir(out)
    try:
        (stage / "citykg.trig").write_bytes(edited_trig((out / "citykg.trig").read_bytes(), what, city))
        refresh_store(stage, base=out)
        t, c = time.perf_counter(), cpu()
        profile = cProfile.Profile() if PROFILE else None
        profile.runcall(write_site, stage) if profile else write_site(stage)
        row = {"site_seconds": round(time.perf_counter() - t, 1), "site_cpu": round(cpu() - c, 1),
               "load": os.getloadavg()[0], "synthetic": True}  # fmt: skip
        if profile:
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(PROFILE_ROWS)
        return row
    finally:
        discard(stage)


def timed_site(out: Path) -> dict:
    """The site step alone on an up-to-date OUT (no state kept yet: the full step)."""
    from citykg.store.core import open_store
    from citykg.viz.site import write_site

    open_store(out)
    t, c = time.perf_counter(), cpu()
    write_site(out)
    return {"site_seconds": round(time.perf_counter() - t, 1), "site_cpu": round(cpu() - c, 1),
            "load": os.getloadavg()[0]}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--data", type=Path, required=True, help="a build of --texts (rebuilt in place)")
    ap.add_argument("--texts", type=Path, required=True, help="its articles (one or two are edited)")
    ap.add_argument("--site-first", action="store_true",
                    help="time the full step as write_site(OUT) instead of a first build (OUT is up to date)")
    ap.add_argument("--edits", default=",".join(EDITS), help="which edits, in order (comma-separated)")
    ap.add_argument("--synthetic", action="store_true",
                    help="after the full step, edit OUT's TriG (not an article) and time only the site step")
    ap.add_argument("--city", default="421300",
                    help=f"--synthetic: the city whose article the edit {MOVES_CITY!r} adds an initiative to")
    args = ap.parse_args()
    files = sorted(args.texts.glob("*.txt"))
    rows = {"full site step": timed_site(args.data) if args.site_first else timed_build(args.texts, args.data)}
    print(json.dumps({"full site step": rows["full site step"]}, ensure_ascii=False), flush=True)
    global PROFILE
    profile, PROFILE = PROFILE, False  # the full step is not profiled
    for n, what in enumerate(args.edits.split(",")):
        PROFILE = profile
        if args.synthetic:
            rows[what] = synthetic_step(args.data, what, args.city if what == MOVES_CITY else "")
            print(json.dumps({what: rows[what]}, ensure_ascii=False), flush=True)
            continue
        sentence = EDITS[what]
        path = files[len(files) * (n + 1) // (len(EDITS) + 1) + len(files) // 10]  # not an earlier edit's file
        path.write_text(path.read_text(encoding="utf-8") + sentence, encoding="utf-8")
        rows[what] = timed_build(args.texts, args.data)
        rows[what]["file"] = path.name
        print(json.dumps({what: rows[what]}, ensure_ascii=False), flush=True)
    full = rows["full site step"]["site_cpu"]
    print(json.dumps({f"{what} / full site step (CPU)": round(r.get("site_cpu", 0) / max(full, 0.1), 3)
                      for what, r in rows.items() if what in EDITS or what == MOVES_CITY}))  # fmt: skip


if __name__ == "__main__":
    main()
