"""The command line as a user meets it: every verb is there, with help and an example."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from citykg.cli import cli, main

VERBS = ("build", "extract", "validate", "query", "queries", "serve", "push", "viz", "export", "analogues")


def test_help_lists_every_verb() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for verb in VERBS:
        assert f"  {verb}" in result.output, verb


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help_with_an_example(verb: str) -> None:
    result = CliRunner().invoke(cli, [verb, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output or "citykg " + verb in result.output


def test_unknown_verb_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "No such command 'frobnicate'" in err
    assert "Traceback" not in err


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("citykg, version ")
