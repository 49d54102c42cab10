"""The CLI starts without the heavy libraries (issue 15).

``citykg --version``, ``citykg --help``, ``citykg query --help``, ``citykg queries``
and ``citykg query NAME`` on a build must not import rdflib, networkx, jieba,
the reasoner/SHACL stacks or the analogue finder: the command group loads a
command's module only when it runs, and the query path uses pyoxigraph alone.
Each case runs in a fresh interpreter and reads ``sys.modules`` afterwards.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("rdflib", "networkx", "jieba", "owlready2", "pyshacl", "pyvis", "citykg.graph")
FIXTURE = Path(__file__).parent / "fixtures" / "sparql-mini.trig"

PROBE = """
import contextlib, io, json, sys
from citykg.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
heavy = sorted({m for m in sys.modules for h in HEAVY if m == h or m.startswith(h + ".")})
print(json.dumps({"code": code, "heavy": heavy}))
"""


def _probe(*args: str) -> dict[str, object]:
    code = f"HEAVY = {HEAVY!r}\n{PROBE}"
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mini")
    shutil.copy(FIXTURE, out / "citykg.trig")
    return out


@pytest.mark.parametrize(
    "args",
    [("--version",), ("--help",), ("query", "--help"), ("queries",), ("queries", "city-portfolio")],
)
def test_start_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    result = _probe(*args)
    assert result["code"] == 0
    assert result["heavy"] == [], f"citykg {' '.join(args)} imported {result['heavy']}"


def test_query_on_a_build_imports_no_heavy_library(mini_build: Path) -> None:
    _probe("query", "list-cities", "-d", str(mini_build))  # first run creates OUT/store
    result = _probe("query", "list-cities", "-d", str(mini_build), "--json")
    assert result["code"] == 0
    assert result["heavy"] == [], f"citykg query imported {result['heavy']}"
