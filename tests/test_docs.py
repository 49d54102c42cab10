"""The README stays true: every command is documented and the test command is the one CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from citykg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    import click

    names = cli.list_commands(click.Context(cli))  # the lazy group: cli.commands holds only loaded ones
    assert "query" in names
    missing = [name for name in names if f"citykg {name}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_line = next(ln for ln in ci.splitlines() if ln.startswith("python3 -m venv"))
    assert ci_line in README


def test_readme_names_the_outlets_of_the_bundled_corpus() -> None:
    import json

    manifest = json.loads((ROOT / "corpus" / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest:
        if entry.get("outlet"):
            assert entry["outlet"] in README, entry["outlet"]


def test_every_dependency_is_explained() -> None:
    cfg = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    block = cfg.split("install_requires =", 1)[1].split("\n\n", 1)[0]
    lines = [ln.strip() for ln in block.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    names = [re.split(r"[<>=!~\[ ]", ln, maxsplit=1)[0] for ln in lines]
    deps = README.split("## Dependencies", 1)[1].lower()
    missing = [n for n in names if n.lower() not in deps]
    assert not missing, f"dependencies not explained in README: {missing}"
