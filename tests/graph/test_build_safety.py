"""A build that nothing sinks and nothing mixes: isolation, time budget, lock, staging, stale temps, cache."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import citykg.graph.worker as worker_mod
from citykg.errors import BuildError
from citykg.graph import outdir, steps
from citykg.graph.build import build

PY = sys.executable

#: my own sentences: small articles of other cities, enough files for the worker pool
ARTICLES = [
    "{c}推进“一网通办”改革,政务服务事项网上可办率达到9{i}%。{c}数据局上线城市运行管理平台,接入部门{i}1个。",
    "{c}印发《数字政府建设行动方案》,计划新建5G基站{i}00个。全市智慧停车项目投用,新增车位{i}千个。",
]
CITIES = ["苏州市", "宁波市", "合肥市", "福州市", "南昌市", "济南市", "郑州市", "长沙市", "南宁市", "昆明市"]


def corpus(folder: Path, n: int = len(CITIES)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, city in enumerate(CITIES[:n]):
        (folder / f"a{i:02d}.txt").write_text(ARTICLES[i % 2].format(c=city, i=i), encoding="utf-8")
    return folder


def quads_of(trig: Path) -> set[str]:
    return {str(q) for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)}


def _raise_for(name: str, exc: BaseException, real):
    def stage(ex_or_doc, kb):
        file_name = getattr(ex_or_doc, "file_name", None) or ex_or_doc.document.file_name
        if file_name == name:
            raise exc
        return real(ex_or_doc, kb)

    return stage


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_document_failing_in_rdf_is_skipped_in_one_line(tmp_path, monkeypatch, jobs):
    """The field's crash shape: rdfize raising for one article (term 'Bare' not in namespace)."""
    src = corpus(tmp_path / "src")
    bad = AttributeError("term 'Bare' not in namespace 'https://w3id.org/citykg/ontology#'")
    monkeypatch.setattr(worker_mod, "rdfize", _raise_for("a03.txt", bad, worker_mod.rdfize))
    report = build([src], tmp_path / "out", jobs=jobs, post_steps=False, analogues=False)
    assert report.problems == [
        f"skipped {src / 'a03.txt'}: rdf failed: AttributeError: term 'Bare' not in namespace "
        "'https://w3id.org/citykg/ontology#'"
    ]
    assert report.documents == len(CITIES) - 1
    names = {q.object.value for q in ox.parse(path=str(report.trig), format=ox.RdfFormat.TRIG)
             if q.predicate.value.endswith("fileName")}  # fmt: skip
    assert names == {f"a{i:02d}.txt" for i in range(len(CITIES)) if i != 3}


def test_a_document_failing_in_extract_is_skipped(tmp_path, monkeypatch):
    src = corpus(tmp_path / "src", 3)
    monkeypatch.setattr(worker_mod, "extract", _raise_for("a01.txt", RecursionError("too deep"), worker_mod.extract))
    report = build([src], tmp_path / "out", jobs=1, post_steps=False, analogues=False)
    assert report.problems == [f"skipped {src / 'a01.txt'}: extract failed: RecursionError: too deep"]
    assert report.documents == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_over_its_time_budget_is_skipped(tmp_path, monkeypatch, jobs):
    src = corpus(tmp_path / "src", 3 if jobs == 1 else len(CITIES))
    real = worker_mod.extract

    def slow(doc, kb):
        if doc.file_name == "a02.txt":
            while True:  # a pathological file: pure Python that never returns
                pass
        return real(doc, kb)

    monkeypatch.setattr(worker_mod, "extract", slow)
    report = build([src], tmp_path / "out", jobs=jobs, post_steps=False, analogues=False, time_budget=2.0)
    assert report.problems == [
        f"skipped {src / 'a02.txt'}: over the time budget (2 s) in extract; raise --time-budget to include it"
    ]
    assert report.documents == (2 if jobs == 1 else len(CITIES) - 1)


def test_a_worker_that_dies_costs_only_its_file(tmp_path, monkeypatch):
    """A segfault or the OOM killer ends a worker process: the pool restarts, that file is skipped."""
    src = corpus(tmp_path / "src")
    real = worker_mod.extract

    def die(doc, kb):
        if doc.file_name == "a05.txt":
            os._exit(139)
        return real(doc, kb)

    monkeypatch.setattr(worker_mod, "extract", die)
    report = build([src], tmp_path / "out", jobs=2, post_steps=False, analogues=False)
    assert report.problems == [
        f"skipped {src / 'a05.txt'}: worker crashed (the process died while extracting this file)"
    ]
    assert report.documents == len(CITIES) - 1


def test_a_corrupt_cache_entry_is_a_miss(tmp_path):
    src, out = corpus(tmp_path / "src", 3), tmp_path / "out"
    first = build([src], out, jobs=1, post_steps=False, analogues=False)
    entries = sorted((out / "cache").glob("*.trig"))
    entries[0].write_bytes(entries[0].read_bytes()[:-40] + b"<broken> not trig at all\n")  # digest differs
    (out / "cache" / entries[1].with_suffix(".meta").name).write_text("[1, 2", encoding="utf-8")
    again = build([src], out, jobs=1, post_steps=False, analogues=False, incremental=True)
    assert again.problems == [] and again.reused == 1 and again.extracted == 2
    assert quads_of(first.trig) == quads_of(again.trig)
    third = build([src], out, jobs=1, post_steps=False, analogues=False, incremental=True)
    assert third.reused == 3  # the corrupt entries were rewritten


def test_a_silently_damaged_cache_entry_is_a_miss(tmp_path):
    """A changed byte inside an entry's metadata that still reads as valid data (here an IRI of its
    summary part) is caught by the metadata's CRC: the file is extracted again, same graph."""
    src, out = corpus(tmp_path / "src", 3), tmp_path / "out"
    before = build([src], out, jobs=1, post_steps=False, analogues=False).trig.read_bytes()
    meta = sorted((out / "cache").glob("*.meta"))[0]
    data = meta.read_bytes()
    assert b"/doc/" in data
    meta.write_bytes(data.replace(b"/doc/", b"/dac/", 1))
    again = build([src], out, jobs=1, post_steps=False, analogues=False, incremental=True)
    assert again.problems == [] and again.reused == 2 and again.extracted == 1
    assert again.trig.read_bytes() == before


def _dead_pid() -> int:
    p = subprocess.Popen([PY, "-c", "pass"])
    p.wait()
    return p.pid


def test_temp_files_of_killed_builds_are_removed(tmp_path):
    src, out = corpus(tmp_path / "src", 2), tmp_path / "out"
    (out / "cache").mkdir(parents=True)
    dead, alive = _dead_pid(), os.getppid()
    stale = [out / f".citykg-build.{dead}", out / f".citykg.trig.{dead}.tmp", out / f".store.tmp-{dead}",
             out / "cache" / f".citykg-tmp.{dead}.abc.nq", out / "cache" / f".abc.nq.{dead}.tmp"]  # fmt: skip
    stale[0].mkdir()
    (stale[0] / "citykg.trig").write_bytes(b"x" * 1000)
    for p in stale[1:]:
        p.write_bytes(b"x")
    live = out / f".citykg-tmp.{alive}.other.nq"  # a running process's file stays
    live.write_bytes(b"x")
    build([src], out, jobs=1, post_steps=False, analogues=False)
    assert [p for p in stale if p.exists()] == [] and live.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([".citykg.trig.blocks", ".lock", ".store.lock", "cache", "citykg.trig", live.name])


def test_a_failing_step_fails_the_build_and_keeps_the_previous_outputs(tmp_path, seed_dir):
    out = tmp_path / "out"
    build([seed_dir / "000_dc9962ff8289445f.txt"], out, jobs=1)
    before = {p: p.read_bytes() for p in (out / "citykg.trig", out / "index.html", out / "store" / "citykg-store.json")
              if p.exists()}  # fmt: skip

    def disk_full(folder: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    steps.register("zz-full", "HTML site", 99)(disk_full)
    try:
        with pytest.raises(BuildError) as info:
            build([seed_dir / "004_d6a477be16eb06b7.txt"], out, jobs=1)
    finally:
        steps.unregister("zz-full")
    assert str(info.value) == (
        f"HTML site step failed (OSError: [Errno 28] No space left on device); {out} was left as it was"
    )
    assert {p: p.read_bytes() for p in before} == before
    assert not any(p.name.startswith(outdir.STAGE_PREFIX) for p in out.iterdir())


def test_outputs_are_one_build(tmp_path, seed_dir):
    """The store answers for the TriG beside it (published together), and docs are world-readable."""
    from citykg.store.core import is_fresh

    out = tmp_path / "out"
    build([seed_dir], out, jobs=1)
    assert is_fresh(out / "citykg.trig", out / "store")
    mask = os.umask(0)
    os.umask(mask)
    for f in (out / "ontology").iterdir():
        assert f.stat().st_mode & 0o777 == 0o666 & ~mask, f


def test_a_second_build_into_a_locked_folder_fails_at_once(tmp_path):
    src, out = corpus(tmp_path / "src", 2), tmp_path / "out"
    holder = subprocess.Popen(
        [PY, "-c", "import sys; from pathlib import Path; from citykg.graph.outdir import locked\n"
                   f"with locked(Path({str(out)!r})):\n    print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(outdir.BuildLocked) as info:
            build([src], out, jobs=1, post_steps=False)
        assert str(info.value) == (
            f"{out}: another citykg build (pid {holder.pid}) is writing this folder"
            " - wait for it or choose another -o folder"
        )
        assert not (out / "citykg.trig").exists()
    finally:
        holder.communicate("")
    assert build([src], out, jobs=1, post_steps=False).documents == 2


def test_two_concurrent_builds_leave_one_consistent_build(tmp_path, seed_dir):
    """Two citykg processes into one OUT: one wins (or they run one after the other); never a mix."""
    from citykg.store.core import is_fresh

    out, small = tmp_path / "out", corpus(tmp_path / "src", 2)
    script = "import sys; from citykg.cli import main; sys.exit(main(sys.argv[1:]))"
    args = [["build", str(seed_dir), "-o", str(out), "-q"], ["build", str(small), "-o", str(out), "-q"]]
    procs = [subprocess.Popen([PY, "-c", script, *a], stderr=subprocess.PIPE, text=True) for a in args]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 1]), results
    if codes == [0, 1]:
        assert any("another citykg build (pid" in err for _, err in results)
    assert is_fresh(out / "citykg.trig", out / "store")
    n_docs = sum(1 for q in ox.parse(path=str(out / "citykg.trig"), format=ox.RdfFormat.TRIG)
                 if q.predicate.value.endswith("#type") and q.object.value.endswith("SourceDocument"))  # fmt: skip
    assert n_docs in (2, 5)
    time.sleep(0)  # nothing left running
    assert not any(p.name.startswith(outdir.STAGE_PREFIX) for p in out.iterdir())


def test_disk_full_in_the_store_step_keeps_trig_and_store_together(tmp_path, seed_dir, monkeypatch):
    import citykg.store.core as store_core
    from citykg.store.core import is_fresh

    out = tmp_path / "out"
    build([seed_dir / "000_dc9962ff8289445f.txt"], out, jobs=1, analogues=False)
    before = (out / "citykg.trig").read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_core, "refresh_store", full)
    with pytest.raises(BuildError, match=r"^SPARQL store step failed \(OSError: \[Errno 28\] No space left"):
        build([seed_dir], out, jobs=1, analogues=False)
    assert (out / "citykg.trig").read_bytes() == before
    assert is_fresh(out / "citykg.trig", out / "store")  # the old store still answers for the old TriG
