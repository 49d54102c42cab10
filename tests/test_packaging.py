"""The package as pip installs it (not the editable checkout) carries its data and builds the corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_an_installed_copy_builds_the_bundled_corpus(tmp_path: Path) -> None:
    target, src = tmp_path / "site", tmp_path / "src"
    # build from a copy, so setuptools' build/ and egg-info never land in the source tree
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "out", "build", "*.egg-info", "__pycache__", "tests", "bench", "docs"))  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(src),
         "--target", str(target)],
        check=True, cwd=tmp_path, capture_output=True,
    )  # fmt: skip
    pkg = target / "citykg"
    for data in ("ontology/units.ttl", "ontology/schemes/platforms.ttl", "queries/compare-indicator.rq",
                 "graph/lang/zh/entities", "graph/adoption/data/city-neighbours.tsv",
                 "server/assets/yasgui.min.js", "viz/assets/china-geo.json"):  # fmt: skip
        assert (pkg / data).exists(), data
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = "import sys; from citykg.cli import main; sys.exit(main(['build', '-o', 'out', '-q']))"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    trig = (tmp_path / "out" / "citykg.trig").read_text(encoding="utf-8")
    assert "5G基站" in trig and "000_dc9962ff8289445f.txt" in trig
