"""Shared fixtures: the bundled corpus, one build of it per test session, temp output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.paths import corpus_dir
from citykg.testing import IN_CI, require_tool  # noqa: F401  (re-exported for tests)


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The bundled sample corpus (five seed articles + manifest.json)."""
    return corpus_dir()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Path:
    """Build the bundled corpus once per session; returns the output folder."""
    out = tmp_path_factory.mktemp("built")
    result = CliRunner().invoke(cli, ["build", str(seed_dir), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (out / "citykg.trig").exists()
    return out


@pytest.fixture(scope="session")
def built_trig(built: Path) -> Path:
    return built / "citykg.trig"


@pytest.fixture(scope="session")
def built_dataset(built_trig: Path):
    """The session build's TriG in an in-memory pyoxigraph store (shared: read it, never write to it)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(built_trig), format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture
def out_copy(built: Path, tmp_path: Path) -> Path:
    """A private copy of the session build, for tests that write into OUT."""
    dst = tmp_path / "out"
    shutil.copytree(built, dst)
    return dst
