"""``citykg build`` / ``citykg extract`` as a user meets them: exit codes and one-line messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli

SEED = "000_dc9962ff8289445f.txt"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def messy(tmp_path: Path, seed_dir: Path) -> Path:
    """One good article and one of every kind of bad input."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed_dir / SEED, src / SEED)
    (src / "empty.txt").write_bytes(b"")
    (src / "scan.txt").write_bytes(b"%PDF-1.4 binary")
    (src / "nul.txt").write_bytes(b"abc\x00\x00\x01def" * 10)
    (src / "junk.txt").write_bytes(bytes([0x81, 0xFF, 0xFE, 0x80, 0xC0, 0xAF]) * 40)
    (src / "english.txt").write_text("Smart city news in English only.", encoding="utf-8")
    (src / "badfm.md").write_text(
        "---\ntitle: [x\n---\n南京市推进数字政府建设。南京市上线平台。", encoding="utf-8"
    )
    (src / "huge.txt").write_text("数字城市建设取得成效。" * 1000, encoding="utf-8")
    (src / "manifest.json").write_text(json.dumps([{"file": SEED, "title": "标题"}, {"file": "gone.txt"}]),
                                       encoding="utf-8")  # fmt: skip
    return src


def test_bad_inputs_are_one_line_each_and_the_rest_is_built(messy: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run("build", str(messy), "-o", str(out), "--graph-only", "--quiet", "--max-bytes", "20000")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert sorted(lines) == sorted([
        f"{messy}/manifest.json: entry for missing file gone.txt; skipped",
        f"{messy}/badfm.md: malformed front matter at line 3: fix the YAML between the --- lines; skipped",
        f"{messy}/empty.txt: empty file; skipped",
        f"{messy}/english.txt: no Chinese text (fewer than 10 Chinese characters after cleaning); skipped",
        f"{messy}/huge.txt: too large (33,000 bytes > limit 20,000; raise --max-bytes to include it); skipped",
        f"{messy}/junk.txt: cannot decode: not UTF-8, GB18030/GBK or Big5 text; skipped",
        f"{messy}/nul.txt: binary file (contains NUL bytes), not text; skipped",
        f"{messy}/scan.txt: binary file (PDF), not text; skipped",
    ])  # fmt: skip
    assert "Traceback" not in result.output
    trig = (out / "citykg.trig").read_text(encoding="utf-8")
    assert SEED in trig and "huge.txt" not in trig


def test_malformed_manifest_is_reported_and_files_still_built(tmp_path: Path, seed_dir: Path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed_dir / SEED, src / SEED)
    (src / "manifest.json").write_text("[{oops", encoding="utf-8")
    result = run("build", str(src), "-o", str(tmp_path / "out"), "--graph-only", "--quiet")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{src}/manifest.json: malformed manifest (") and line.endswith(
        "its metadata is ignored"
    )
    assert (tmp_path / "out" / "citykg.trig").exists()


def test_nothing_buildable_exits_1_and_keeps_the_previous_graph(tmp_path: Path, seed_dir: Path):
    out = tmp_path / "out"
    assert run("build", str(seed_dir / SEED), "-o", str(out), "--graph-only", "--quiet").exit_code == 0
    before = (out / "citykg.trig").read_bytes()
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run("build", str(bad), "-o", str(out), "--graph-only", "--quiet")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}: empty file; skipped",
        f"Error: Nothing could be built from {bad} - give .txt, .md or .html files with Chinese article text.",
    ]
    assert (out / "citykg.trig").read_bytes() == before


def test_missing_source(tmp_path: Path):
    result = run("build", str(tmp_path / "nope"), "-o", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'nope'}: no such file or folder"


def test_summary_table(tmp_path: Path, seed_dir: Path):
    result = run("build", str(seed_dir / SEED), "-o", str(tmp_path / "out"), "--graph-only", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["item"].strip(): r["count"] for r in json.loads(result.stdout)}
    assert rows["documents"] == 1 and rows["cities"] == 1 and rows["observations"] > 0
    assert rows["triples"] > 1000 and rows["skipped files"] == 0


def test_quiet_prints_nothing(tmp_path: Path, seed_dir: Path):
    result = run("build", str(seed_dir / SEED), "-o", str(tmp_path / "out"), "--graph-only", "--quiet")
    assert result.exit_code == 0 and result.output == ""


def test_extract_json(seed_dir: Path):
    result = run("extract", str(seed_dir / SEED), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["city"] == "220500" and data["document"]["title"] == "乘“数”而上 “智”领发展"
    assert data["entities"] and data["observations"]
    assert all(isinstance(o["value"], str) for o in data["observations"])


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"%PDF-1.4", "binary file (PDF), not text")],
)
def test_extract_bad_file(tmp_path: Path, content: bytes, message: str):
    f = tmp_path / "x.txt"
    f.write_bytes(content)
    result = run("extract", str(f))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {f}: {message}"


def test_extract_missing_file(tmp_path: Path):
    result = run("extract", str(tmp_path / "none.txt"))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"Error: {tmp_path / 'none.txt'}: no such file - give the path of a .txt, .md or .html article."
    )


def test_unwritable_output_is_one_line(tmp_path: Path, seed_dir: Path, monkeypatch: pytest.MonkeyPatch):
    import citykg.graph.build as build_mod

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "out" / "citykg.trig"))

    monkeypatch.setattr(build_mod, "write_trig", refuse)
    result = run("build", str(seed_dir / SEED), "-o", str(tmp_path / "out"), "--graph-only", "--quiet")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path / 'out' / 'citykg.trig'}: cannot write the build (Permission denied)"
        " - choose another -o folder."
    )
