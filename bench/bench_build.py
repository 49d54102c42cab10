"""Benchmark the build on a corpus scaled up from the bundled articles.

    python bench/bench_build.py                 # 2,000 articles, 2 workers
    python bench/bench_build.py -n 200 -j 1     # a quick run

Each synthetic article is a bundled article with its city rotated through the
division table (the city's full and short names replaced by another city's),
so every article has its own text, hash and city. Reported, all measured in
the same run:

- extraction alone (ingest excluded; places + entities + metrics) in characters
  per second on one core, and as a ratio to jieba's plain segmentation of the
  same text (the yardstick the issue quotes);
- ingest alone (decode, clean, fold, split);
- the whole build (``citykg build --graph-only`` and, with ``--full``, the
  post-build steps too) in seconds and characters per second per core;
- peak memory (max RSS of this process and of the worker processes) after the
  graph build, against the alternative of holding the whole graph in one
  in-memory store (what the build did before it streamed document graphs to
  disk: the TriG loaded into a pyoxigraph ``Store`` in a child process); with
  ``--full``, the peak of the whole ``citykg build`` (post-build steps too) in a
  child process;
- CPU seconds (this process + workers), which other load on a shared machine
  does not inflate; ``build_seconds_if_cores_free`` = CPU seconds / jobs;
- with ``--baseline PATH`` (a folder on ``PYTHONPATH`` under which ``citykg`` is another
  revision, e.g. a ``git worktree`` of the session's start with a ``citykg`` package
  folder whose ``graph``/``viz`` link to the worktree's): the graph build from scratch and
  an incremental build after one file changed, each in a fresh process, for this code and
  for the baseline on the same corpus in the same run: CPU seconds (process + workers),
  peak RSS (VmHWM of the build's main process, max RSS of a worker), the analogue step's
  seconds, the ratios, and whether both wrote the same bytes.

On a shared machine read the CPU-based numbers and the ratios (to jieba),
not the wall-clock ones.

No assertion on time: this prints numbers (and writes them as JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from citykg.graph.build import build
from citykg.graph.extract.places import resolve_places
from citykg.graph.ingest.documents import load_manifest, read_document
from citykg.graph.kb import load_kb
from citykg.graph.pipeline import extract
from citykg.paths import corpus_dir


def make_corpus(target: Path, n: int) -> int:
    """Write ``n`` articles into ``target``; returns the number of characters written."""
    kb = load_kb()
    seeds = corpus_dir()
    manifest = load_manifest(seeds)
    bases = []
    for f in sorted(seeds.glob("*.txt")):
        doc = read_document(f, manifest.get(f.name))
        city = kb.areas[resolve_places(doc, kb).city]
        bases.append((f.read_text(encoding="utf-8"), city))
    cities = sorted(
        (a for a in kb.areas.values() if a.level == "City" and a.short_names), key=lambda a: a.adcode
    )
    chars = 0
    target.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text, old = bases[i % len(bases)]
        new = cities[(i * 7919) % len(cities)]
        text = text.replace(old.name, new.name)
        for short in old.short_names:
            text = text.replace(short, new.short_names[0])
        text += (
            f"\n本文为基准测试第{i}篇文章。"  # a real sentence, so cleaning keeps it and every text differs
        )
        (target / f"{i:05d}_{new.adcode}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


def cpu_seconds() -> float:
    """User+system CPU time of this process and its finished workers (immune to other load)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


_HWM = """
import json, sys, time
t = time.perf_counter()
{body}
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({{"seconds": time.perf_counter() - t, "peak_mb": hwm / 1024}}))
"""


def in_child(body: str, **values: str) -> tuple[float, float]:
    """Run ``body`` in a fresh Python process; returns (its seconds, its peak RSS in MB).

    A fresh process and its VmHWM, because ``ru_maxrss`` of a child carries the
    parent's peak over fork and exec. The build's worker processes are not in it
    (their peak is ``peak_rss_mb_worker``).
    """
    import subprocess

    code = _HWM.format(body=body.format(**{k: repr(v) for k, v in values.items()}))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], result["peak_mb"]


_CHILD_BUILD = """
import json, resource, time
from pathlib import Path
from citykg.graph.build import build
t = time.perf_counter()
r = build([Path({src!r})], Path({out!r}), jobs={jobs}, post_steps=False, incremental={incremental})
seconds = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({{"seconds": seconds, "steps": r.steps, "reused": r.reused, "peak_mb": hwm / 1024,
                  "worker_peak_mb": kids.ru_maxrss / 1024, "problems": len(r.problems),
                  "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}}))
"""


def child_build(src: Path, out: Path, jobs: int, incremental: bool, pythonpath: str | None) -> dict:
    """One graph build in a fresh process (``pythonpath``: the code to run; None: this code)."""
    import os
    import subprocess

    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    code = _CHILD_BUILD.format(src=str(src), out=str(out), jobs=jobs, incremental=incremental)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
                          cwd=tempfile.gettempdir())  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def side_by_side(src: Path, work: Path, jobs: int, baseline: str) -> dict[str, float | int | bool]:
    """This code against ``baseline``, same corpus, same run: a build from scratch, then an
    incremental build after one file changed (the last one gets a sentence)."""
    runs: dict[str, dict] = {}
    for name, path in (("base", baseline), ("now", None)):
        runs[f"{name}_full"] = child_build(src, work / name, jobs, False, path)
    changed = sorted(src.glob("*.txt"))[-1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n本市还将推进数据共享。", encoding="utf-8")
    for name, path in (("base", baseline), ("now", None)):
        runs[f"{name}_incremental"] = child_build(src, work / name, jobs, True, path)
    out: dict[str, float | int | bool] = {}
    for key, r in runs.items():
        out.update({f"{key}_cpu_s": round(r["cpu_s"], 1), f"{key}_peak_mb": round(r["peak_mb"]),
                    f"{key}_worker_peak_mb": round(r["worker_peak_mb"]), f"{key}_seconds": round(r["seconds"], 1),
                    f"{key}_analogues_s": round(r["steps"].get("analogues", 0.0), 1)})  # fmt: skip
    for kind in ("full", "incremental"):
        base, now = runs[f"base_{kind}"], runs[f"now_{kind}"]
        out[f"{kind}_cpu_ratio_now_vs_base"] = round(now["cpu_s"] / base["cpu_s"], 3)
        out[f"{kind}_peak_ratio_now_vs_base"] = round(now["peak_mb"] / base["peak_mb"], 3)
    out["incremental_cpu_share_of_full_now"] = round(
        runs["now_incremental"]["cpu_s"] / runs["now_full"]["cpu_s"], 3
    )
    same = (work / "base" / "citykg.trig").read_bytes() == (work / "now" / "citykg.trig").read_bytes()
    out["same_trig_bytes"] = same
    return out


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="articles (default 2000)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="worker processes for the build")
    ap.add_argument("--sample", type=int, default=200, help="articles timed for extraction alone")
    ap.add_argument("--per-file", metavar="DIR", help="only time the per-file stages on --sample files of DIR")
    ap.add_argument("--repeat", type=int, default=1, help="with --per-file: passes, each stage's best reported")
    ap.add_argument("--full", action="store_true", help="also time the build with its post-build steps")
    ap.add_argument("--no-analogues", action="store_true", help="leave the analogues step out of the build")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--baseline", metavar="PATH", help="PYTHONPATH of a citykg revision to compare with")
    ap.add_argument(
        "--only-baseline", action="store_true", help="with --baseline: only the side-by-side builds"
    )
    return ap.parse_args(argv)


def time_extraction(files: list[Path]) -> dict[str, float | int]:
    """Ingest and extraction alone (one core) on ``files``, against jieba's plain segmentation."""
    t = time.perf_counter()
    docs = [read_document(f) for f in files]
    ingest_s = time.perf_counter() - t
    sample_chars = sum(len(d.text) for d in docs)
    kb = load_kb()
    extract(docs[0], kb)  # warm up: jieba dictionary, lexicons, gazetteer
    t, c = time.perf_counter(), cpu_seconds()
    for d in docs:
        extract(d, kb)
    extract_s, extract_cpu = time.perf_counter() - t, cpu_seconds() - c
    import jieba

    t = time.perf_counter()
    for d in docs:
        jieba.lcut(d.text)
    jieba_s = time.perf_counter() - t
    return dict(
        ingest_chars_per_s=round(sample_chars / ingest_s),
        extract_chars_per_s_per_core=round(sample_chars / extract_s),
        extract_chars_per_cpu_s=round(sample_chars / extract_cpu),
        jieba_lcut_chars_per_s=round(sample_chars / jieba_s),
        extract_vs_jieba_ratio=round(jieba_s / extract_s, 2),
    )


def time_per_file(files: list[Path], repeat: int = 1) -> dict[str, float | int]:
    """What a worker does per file, on one core, stage by stage (process CPU seconds): ingest
    (decode, clean, split), extract (places, entities, metrics), RDF (``rdfize``) and serialise
    (the sorted TriG block, the analogue record, the summary part, the minted concepts as N-Quads:
    ``worker._split``), and jieba's plain ``lcut`` of the same texts as the yardstick, in the same run.
    With ``repeat`` > 1 each stage's figure is its best pass (a shared machine's noise only adds);
    the TriG writer's term cache is emptied before each pass so no pass reuses another's IRIs.
    ``per_file_chars_per_cpu_s`` is the issue's "whole build per file" figure."""
    import jieba

    from citykg.graph.rdf.emit import rdfize
    from citykg.graph.rdf.textrig import iri_term
    from citykg.graph.worker import DocResult, _split

    kb = load_kb()
    extract(read_document(files[0]), kb)  # warm up: jieba dictionary, lexicons, gazetteer
    stages = ("ingest", "extract", "rdf", "serialise", "jieba_lcut")
    best = dict.fromkeys(stages, float("inf"))
    chars = 0
    for _ in range(max(1, repeat)):
        iri_term.cache_clear()
        cpu, chars = dict.fromkeys(stages, 0.0), 0
        for f in files:
            c = cpu_seconds()
            doc = read_document(f)
            c2 = cpu_seconds()
            ex = extract(doc, kb)
            c3 = cpu_seconds()
            dq = rdfize(ex, kb)
            c4 = cpu_seconds()
            _split(DocResult(path=f, file_name=f.name), dq)
            c5 = cpu_seconds()
            jieba.lcut(doc.text)
            c6 = cpu_seconds()
            for k, a, b in (("ingest", c, c2), ("extract", c2, c3), ("rdf", c3, c4), ("serialise", c4, c5),
                            ("jieba_lcut", c5, c6)):  # fmt: skip
                cpu[k] += b - a
            chars += len(doc.text)
        best = {k: min(best[k], cpu[k]) for k in stages}
    total = sum(v for k, v in best.items() if k != "jieba_lcut")
    out: dict[str, float | int] = {"per_file_files": len(files), "per_file_chars": chars, "per_file_passes": repeat}
    out.update({f"per_file_{k}_cpu_s": round(v, 2) for k, v in best.items()})
    out["per_file_chars_per_cpu_s"] = round(chars / total)
    out.update({f"per_file_{k}_chars_per_cpu_s": round(chars / v) for k, v in best.items() if v})
    out["per_file_vs_jieba_lcut"] = round(best["jieba_lcut"] / total, 3)
    return out


def time_build(src: Path, out: Path, chars: int, args: argparse.Namespace) -> dict[str, float | int]:
    """The graph build (then an incremental one, and with ``--full`` the whole build in a child)."""
    results: dict[str, float | int] = {}
    t, c = time.perf_counter(), cpu_seconds()
    report = build([src], out, jobs=args.jobs, post_steps=False, analogues=not args.no_analogues)
    build_s, build_cpu = time.perf_counter() - t, cpu_seconds() - c
    results.update({f"step_{k}_seconds": round(v, 1) for k, v in report.steps.items()})
    results.update(
        build_seconds=round(build_s, 1),
        build_chars_per_s_per_core=round(chars / build_s / args.jobs),
        build_cpu_seconds=round(build_cpu, 1),
        build_chars_per_cpu_s=round(chars / build_cpu),
        build_seconds_if_cores_free=round(max(build_cpu / args.jobs, report.steps.get("write", 0)), 1),
        build_documents=report.documents,
        build_triples=report.stats.get("triples", 0),
        trig_mb=round(report.trig.stat().st_size / 2**20, 1) if report.trig else 0,
    )
    me, kids = peak_mb()
    results.update(peak_rss_mb_main=round(me), peak_rss_mb_worker=round(kids))
    _, whole = in_child(
        "import pyoxigraph as ox\nox.Store().load(path={trig}, format=ox.RdfFormat.TRIG)",
        trig=str(report.trig),
    )
    results["peak_rss_mb_whole_graph_in_one_store"] = round(whole)
    results["peak_rss_ratio_build_vs_whole_store"] = round(me / whole, 2)
    t = time.perf_counter()
    again = build(
        [src], out, jobs=args.jobs, post_steps=False, incremental=True, analogues=not args.no_analogues
    )
    results["incremental_rebuild_seconds"] = round(time.perf_counter() - t, 1)
    results["incremental_reused"] = again.reused
    if args.full:
        shutil.rmtree(out)
        seconds, peak = in_child(  # as `citykg build` does it: post-build steps included
            "from pathlib import Path\nfrom citykg.graph.build import build\nbuild([Path({src})], Path({out}))",
            src=str(src), out=str(out),
        )  # fmt: skip
        results.update(full_build_seconds=round(seconds, 1), full_build_peak_rss_mb=round(peak))
    return results


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    results: dict[str, float | int | bool] = {"articles": args.n, "jobs": args.jobs}
    if args.per_file:
        files = sorted(Path(args.per_file).glob("*.txt"))[: args.sample]
        results = {"per_file_from": args.per_file, **time_per_file(files, args.repeat)}
        _print(results, args.json)
        return 0
    with tempfile.TemporaryDirectory(prefix="citykg-bench-") as tmp:
        src = Path(tmp) / "corpus"
        results["chars"] = make_corpus(src, args.n)
        if not (args.baseline and args.only_baseline):
            results.update(time_extraction(sorted(src.glob("*.txt"))[: args.sample]))
            results.update(time_build(src, Path(tmp) / "out", int(results["chars"]), args))
        if args.baseline:
            results.update(side_by_side(src, Path(tmp) / "side", args.jobs, args.baseline))
    _print(results, args.json)
    return 0


def _print(results: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        for k, v in results.items():
            print(f"{k:32} {v}")


if __name__ == "__main__":
    sys.exit(main())
