"""The INSTALLED ``citykg`` console script's exit codes, as a shell sees them (not CliRunner's).

``citykg.cli.main()`` runs click with ``standalone_mode=False``; these tests
make sure the code a command sets (2 for skipped files) and the failure of a
post-build step reach the shell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "citykg"
SEED = "000_dc9962ff8289445f.txt"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="the citykg console script is not installed")

#: a sitecustomize that registers a post-build step failing like a full disk
DISK_FULL = """
import errno
from citykg.graph import steps

@steps.register("zz-disk-full", "HTML site", 99)
def _full(out):
    raise OSError(errno.ENOSPC, "No space left on device")
"""


def citykg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})  # fmt: skip


def test_skipped_files_exit_2(tmp_path: Path, seed_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed_dir / SEED, src / SEED)
    (src / "empty.txt").write_bytes(b"")
    r = citykg("build", str(src), "-o", str(tmp_path / "out"), "-q", "--graph-only")
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == f"{src / 'empty.txt'}: empty file; skipped"
    assert (tmp_path / "out" / "citykg.trig").is_file()


def test_a_clean_build_exits_0(tmp_path: Path, seed_dir: Path) -> None:
    r = citykg("build", str(seed_dir / SEED), "-o", str(tmp_path / "out"), "-q", "--graph-only")
    assert (r.returncode, r.stderr) == (0, "")


def test_a_failing_step_exits_non_zero_with_one_line(tmp_path: Path, seed_dir: Path) -> None:
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "sitecustomize.py").write_text(DISK_FULL, encoding="utf-8")
    out = tmp_path / "out"
    assert citykg("build", str(seed_dir / SEED), "-o", str(out), "-q").returncode == 0
    before = (out / "citykg.trig").read_bytes()
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(plugin), os.environ.get("PYTHONPATH")]))}
    for quiet in (["-q"], []):
        r = citykg("build", str(seed_dir), "-o", str(out), *quiet, env=env)
        assert r.returncode == 1, r.stderr
        assert r.stderr.strip().splitlines()[-1] == (
            f"Error: HTML site step failed (OSError: [Errno 28] No space left on device); {out} was left as it was"
        )
        assert "Traceback" not in r.stderr
    assert (out / "citykg.trig").read_bytes() == before  # no new TriG beside a stale store
    r = citykg("query", "list-cities", "--data", str(out))
    assert r.returncode == 0 and "Traceback" not in r.stderr
