"""One error hierarchy: library code raises citykg errors; the CLI and the server translate them.

* no module outside ``citykg/cli`` imports click (checked on the source, AST-based);
* a ``CitykgError`` reaches the user of the installed ``citykg`` script as one line
  on stderr with exit status 1, a usage error exits 2, and neither shows a traceback;
* the server maps the error classes to HTTP status codes.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from citykg.errors import CitykgError, InputError, NotFound, QueryError, StoreError, closest
from citykg.server.worker import http_status

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = [ROOT / "citykg", ROOT / "graph", ROOT / "viz"]
CLI_DIR = ROOT / "citykg" / "cli"
SCRIPT = Path(sys.executable).parent / "citykg"
FIXTURE = Path(__file__).parent / "fixtures" / "sparql-mini.trig"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_no_library_module_imports_click() -> None:
    files = [p for d in LIBRARY for p in d.rglob("*.py") if CLI_DIR not in p.parents]
    assert len(files) > 50
    offenders = [str(p.relative_to(ROOT)) for p in files if "click" in _imports(p)]
    assert not offenders, f"click imported outside citykg/cli: {offenders}"


def test_messages_are_one_line_and_suggest() -> None:
    err = InputError("a.txt: bad\nencoding  here")
    assert str(err) == err.message == "a.txt: bad encoding here"
    missing = NotFound("query", "citys", closest("citys", ["list-cities", "awards", "city-timeline"]))
    assert str(missing) == 'Query "citys" not found - did you mean list-cities or city-timeline?'
    assert NotFound("city", "X", hint="cities with data: 青岛市.").message == (
        'City "X" not found - cities with data: 青岛市.'
    )
    assert all(issubclass(c, CitykgError) for c in (InputError, NotFound, QueryError, StoreError))


def test_server_maps_error_classes_to_status_codes() -> None:
    assert http_status(NotFound("query", "x")) == 404
    assert http_status(QueryError("q: syntax error")) == 400
    assert http_status(InputError("bad value")) == 400
    assert http_status(StoreError("the store is gone")) == 503


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


@pytest.mark.skipif(not SCRIPT.exists(), reason="the citykg console script is not installed")
def test_installed_script_exit_codes(tmp_path: Path) -> None:
    usage = _run("query", cwd=tmp_path)  # missing QUERY argument
    assert usage.returncode == 2
    assert "Missing argument" in usage.stderr and "Traceback" not in usage.stderr

    missing = _run("query", "list-cities", "--data", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"Error: No dataset at {tmp_path / 'nowhere'}: ")
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
    assert missing.stdout == ""

    shutil.copy(FIXTURE, tmp_path / "citykg.trig")
    typo = _run("query", "citys", "-d", str(tmp_path), cwd=tmp_path)
    assert typo.returncode == 1
    assert typo.stderr.startswith('Error: Query "citys" not found - did you mean list-cities')
    assert typo.stderr.count("\n") == 1

    ok = _run("query", "list-cities", "-d", str(tmp_path), "--csv", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[0].startswith("city,")

    lines = _run("query", "list-cities", "-d", str(tmp_path), "--nl", cwd=tmp_path).stdout.splitlines()
    rows = [json.loads(ln) for ln in lines]
    assert rows and all(isinstance(r["initiatives"], int) for r in rows)  # typed, not "3"
