"""Benchmark the build's store step against ``oxigraph load`` of the same TriG, and its incremental patch.

    python bench/bench_store.py /tmp/b2000/out/citykg.trig          # a 2,000-article build
    python bench/bench_store.py TRIG --parts                        # also the old parts+optimize load
    python bench/bench_store.py TRIG --new NEW.trig                 # patch to a real second build
    python bench/bench_store.py TRIG --strict                       # also ours without --lenient

Each variant runs in its own process (CPU seconds and peak RSS from ``wait4``), in the
same run, on a scratch folder holding a symlink to the TriG; a table row is printed after
each (the ratio column is CPU against the first row):

- ours: ``refresh_store(..., force=True, lenient=True)``, the build's store step from
  scratch: one lenient bulk load of the TriG, which holds the summaries graph the build
  merged from its documents' parts (``citykg.graph.rdf.summaryparts``); TRIG must be a
  build's, its block index beside it (that is how the step knows the graph is exact);
- ours, summaries queried: the same TriG without its block index (what the step does for a
  file that is not the build's: SPARQL on a read-only open, then a write of what differs,
  here nothing); with ``--strict`` also ours without ``lenient``;
- incremental: the step in a staging folder whose TriG differs from the loaded one,
  ``refresh_store(stage, base=...)``, which patches a checkpoint of that store. Without
  ``--new`` the new TriG is the old one with one document graph's literals edited and
  ``--analogies`` analogy scores changed: what one changed article of 2,000 does (its block
  index written here, as the build writes one);
- ``oxigraph load`` (the CLI of the ``oxigraph`` package; pyoxigraph's one-call
  ``bulk_load`` when the CLI is missing) of the same TriG - the anchor of the issue - and
  ``oxigraph load --lenient``, the same skipping of IRI checks that ours does;
- with ``--parts``: the loader before issue 15 (the TriG in 16 MB parts, summaries
  added in the writable store, ``optimize``), for the record.

Disk is ``du`` of the store folder (a patched store shares files with its base, so its
own size is reported as what it adds). No assertion on time: the tests assert results.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import sys, json
from pathlib import Path
kind, trig, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if kind in ("ours", "queried", "strict"):
    from citykg.store.core import MARKER, SUMMARIES_FROM_TRIG, refresh_store
    done = refresh_store(folder, trig, force=True, lenient=kind != "strict")
    print(json.dumps({"from_trig": json.loads((done / MARKER).read_text())[SUMMARIES_FROM_TRIG]}))
elif kind == "index":
    from citykg.store import trigindex
    print(json.dumps({"indexed": trigindex.write(trig, previous=folder) is not None}))
elif kind == "incremental":
    from citykg.store import loading
    from citykg.store.core import refresh_store
    used = []
    real_load = loading.load
    loading.load = lambda *a: (used.append("scratch"), real_load(*a))[1]
    refresh_store(folder, trig, base=Path(sys.argv[4]), lenient=True)
    print(json.dumps({"path": used[0] if used else "patched"}))
elif kind.startswith("pyoxigraph"):
    import pyoxigraph as ox
    s = ox.Store(str(folder / "store"))
    s.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG, lenient=kind.endswith("lenient")); del s
elif kind == "parts":
    import pyoxigraph as ox
    from citykg.store import summaries, trigparts
    s = ox.Store(str(folder / "store"))
    trigparts.bulk_load_parts(s, trig, ox.RdfFormat.TRIG)
    summaries.add_summaries(s)
    s.optimize()
    del s
"""

#: Edits of the synthetic incremental change: analogy scores rewritten (the analogies of one
#: article's initiatives are a few dozen of ~250k at 2,000 articles)
DEFAULT_ANALOGIES = 50


def run(argv: list[str]) -> tuple[float, float, float, str]:
    """Run ``argv``; (CPU seconds, peak RSS MiB, wall seconds, stdout) of that process alone."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        out.seek(0)
        stdout = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[:3]} failed: {stderr.strip()[-500:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall, stdout


def du_mib(path: Path) -> float:
    """Disk used by ``path`` (hard-linked files counted once per ``du`` call)."""
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) / 1024


def edited(trig: Path, target: Path, analogies: int) -> None:
    """``trig`` with one document graph's literals and ``analogies`` analogy scores changed."""
    text = trig.read_bytes()
    doc = re.search(rb"^ckr:doc\\/\S+ \{\n", text, re.M)
    if doc is None:
        raise SystemExit(f"{trig}: no document graph to edit")
    end = text.index(b"\n}\n", doc.end())
    body = re.sub(rb'"@zh', '（修订）"@zh'.encode(), text[doc.end() : end], count=3)
    text = text[: doc.end()] + body + text[end:]
    n = 0

    def rescore(m: re.Match[bytes]) -> bytes:
        nonlocal n
        n += 1
        return m.group(1) + (b"0.111" if n <= analogies else m.group(2))

    text = re.sub(rb"(\t\tck:score )(\d\.\d+)", rescore, text)
    target.write_bytes(text)


def row(name: str, cpu: float, rss: float, wall: float, disk: float, anchor: float) -> str:
    return f"| {name} | {cpu:.1f} | {rss:.0f} | {wall:.0f} | {disk:.0f} | {cpu / anchor:.2f} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trig", type=Path)
    ap.add_argument("--new", type=Path, help="a second build's TriG to patch to (default: a synthetic edit)")
    ap.add_argument("--analogies", type=int, default=DEFAULT_ANALOGIES)
    ap.add_argument("--parts", action="store_true", help="also time the old parts+optimize loader")
    ap.add_argument("--strict", action="store_true", help="also time ours without the lenient load")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    args = ap.parse_args()
    trig = args.trig.resolve()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-store-"))
    print(f"TriG {trig} ({trig.stat().st_size / 2**20:.0f} MiB); load at start: {os.getloadavg()[0]:.1f}")
    print("| variant | CPU-s | peak RSS MiB | wall s | disk MiB | CPU vs the first row |")
    print("|---|---|---|---|---|---|", flush=True)
    try:
        measure(args, trig, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load at end: {os.getloadavg()[0]:.1f}")


def linked(trig: Path, folder: Path, with_index: bool = True) -> Path:
    """``folder/citykg.trig``, a symlink to ``trig`` (and to its block index, ``with_index``)."""
    from citykg.store.trigindex import index_path

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "citykg.trig").symlink_to(trig)
    if with_index and index_path(trig).is_file():
        index_path(folder / "citykg.trig").symlink_to(index_path(trig).resolve())
    return folder / "citykg.trig"


def measure(args: argparse.Namespace, trig: Path, work: Path) -> None:
    """Run the variants, printing a table row after each: ours from scratch first (the anchor of
    the ratio column), the incremental patch on it, then ``oxigraph load``, then the old loader."""
    py = [sys.executable, "-c", CHILD]
    base = work / "ours"
    cpu, rss, wall, out = run([*py, "ours", str(linked(trig, base)), str(base)])
    if not json.loads(out)["from_trig"]:
        raise SystemExit(f"{trig}: not a build's TriG with its summaries graph and block index - build it again")
    anchor, base_disk = cpu, du_mib(base / "store")
    print(row("ours: refresh_store from scratch", cpu, rss, wall, base_disk, anchor), flush=True)
    stage = base / ".citykg-build.bench"
    if args.new:
        new = linked(args.new.resolve(), stage)
    else:
        stage.mkdir()
        new = stage / "citykg.trig"
        edited(trig, new, args.analogies)
        run([*py, "index", str(new), str(trig)])  # as the build writes one (not timed)
    cpu, rss, wall, out = run([*py, "incremental", str(new), str(stage), str(base)])
    added = du_mib(base) - base_disk - du_mib(new)
    how = "patched" if '"patched"' in out else "from scratch (difference too large)"
    print(row(f"ours: incremental, {how} (disk: what it adds)", cpu, rss, wall, added, anchor), flush=True)
    for lenient in (False, True):
        oxigraph_load(py, trig, work / "oxigraph", lenient, anchor)
    queried = work / "queried"
    cpu, rss, wall, _ = run([*py, "queried", str(linked(trig, queried, with_index=False)), str(queried)])
    name = "ours, the TriG without its block index (summaries queried, nothing to change)"
    print(row(name, cpu, rss, wall, du_mib(queried / "store"), anchor), flush=True)
    shutil.rmtree(queried)
    if args.strict:
        strict = work / "strict"
        cpu, rss, wall, _ = run([*py, "strict", str(linked(trig, strict)), str(strict)])
        print(row("ours, strict load (no lenient)", cpu, rss, wall, du_mib(strict / "store"), anchor), flush=True)
        shutil.rmtree(strict)
    if args.parts:
        parts_dir = work / "parts"
        parts_dir.mkdir()
        cpu, rss, wall, _ = run([*py, "parts", str(trig), str(parts_dir)])
        print(row("before: 16 MB parts + summaries + optimize", cpu, rss, wall, du_mib(parts_dir), anchor))
        shutil.rmtree(parts_dir)


def oxigraph_load(
    py: list[str], trig: Path, ox_dir: Path, lenient: bool, anchor: float, what: str = ""
) -> None:
    """Time ``oxigraph load`` (``--lenient`` or not) of ``trig`` into ``ox_dir`` and print its row."""
    ox_dir.mkdir()
    cli = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    flag = ["--lenient"] if lenient else []
    if cli:
        cpu, rss, wall, _ = run(
            [cli, "load", *flag, "--location", str(ox_dir / "store"), "--file", str(trig)]
        )
    else:
        kind = "pyoxigraph-lenient" if lenient else "pyoxigraph"
        cpu, rss, wall, _ = run([*py, kind, str(trig), str(ox_dir)])
    name = ("`oxigraph load" if cli else "pyoxigraph bulk_load (one call)") + (
        " --lenient" if lenient else ""
    )
    name += ("` (CLI)" if cli else "") + what
    print(row(name, cpu, rss, wall, du_mib(ox_dir / "store"), anchor), flush=True)
    shutil.rmtree(ox_dir)


if __name__ == "__main__":
    main()
