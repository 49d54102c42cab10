"""Fixtures of the graph-building tests: small corpora written into a temp folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini_corpus(tmp_path: Path, seed_dir: Path) -> Path:
    """Two seed articles plus the four other-city fixtures (GBK, Big5, HTML, Markdown)."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("000_dc9962ff8289445f.txt", "004_d6a477be16eb06b7.txt"):
        shutil.copy(seed_dir / name, src / name)
    for name in ("suzhou_gbk.txt", "shenzhen_big5.txt", "chengdu.html", "hangzhou.md"):
        shutil.copy(FIXTURES / name, src / name)
    return src
