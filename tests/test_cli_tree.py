"""The click tree: shared options mean the same on every command (issue 11).

Walks every command of ``citykg`` (loading the lazy ones) and checks that the
commands that read a build take ``--data/-d``, the ones that print rows take the
same output formats, the ones that print progress take ``-q/--quiet``, and that
every command's help has an example.
"""

from __future__ import annotations

import importlib

import click
import pytest

from citykg.cli import COMMAND_MODULES, LAZY_COMMANDS, cli
from citykg.cli.options import data_option

#: Commands that read a finished build.
READS_BUILD = {"query", "serve", "push", "viz", "export", "validate", "analogues"}
#: Commands whose result is rows (a table, JSON, CSV...).
PRINTS_ROWS = {"query", "queries", "push", "build", "analogues"}
#: Commands that print progress or a summary besides their result.
PRINTS_PROGRESS = {"build", "push", "viz", "export", "validate"}
FORMAT_FLAGS = {"--table", "--json", "--nl", "--csv", "--tsv", "--fmt", "--no-headers", "--no-truncate"}


def _commands() -> dict[str, click.Command]:
    ctx = click.Context(cli)
    return {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}


COMMANDS = _commands()


def _opts(command: click.Command) -> dict[str, click.Parameter]:
    return {o: p for p in command.params for o in (*p.opts, *p.secondary_opts)}


def _data_help() -> str:
    probe = data_option(click.Command("probe"))
    return next(p.help for p in probe.params if p.name == "data")


def test_the_lazy_table_names_every_command_where_it_lives() -> None:
    for name in LAZY_COMMANDS:
        assert COMMANDS[name] is not None, name
        assert COMMANDS[name].name == name
    assert READS_BUILD | PRINTS_ROWS | PRINTS_PROGRESS <= set(COMMANDS)


def test_every_registered_command_is_in_the_lazy_table() -> None:
    """A command a lazily loaded module registers must have its LAZY_COMMANDS line, or --help misses it."""
    lazy_modules = {target.partition(":")[0] for target, _ in LAZY_COMMANDS.values()}
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        for command in module.commands:
            if module_name in lazy_modules:
                target = LAZY_COMMANDS.get(command.name, ("",))[0]
                assert target.partition(":")[0] == module_name, f"add {command.name!r} to LAZY_COMMANDS"
            assert command.name in COMMANDS


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_data_is_one_option(name: str) -> None:
    opts = _opts(COMMANDS[name])
    if name in READS_BUILD:
        assert "--data" in opts, f"{name} reads a build but has no --data"
    if "--data" in opts:
        assert opts["--data"] is opts.get("-d"), f"{name}: --data without -d"
        assert opts["--data"].help == _data_help(), f"{name}: --data means something else here"
        assert not opts["--data"].required  # absent: citykg.paths.locate_build's default (out/)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_row_printers_share_the_output_formats(name: str) -> None:
    opts = set(_opts(COMMANDS[name]))
    if name in PRINTS_ROWS or opts & {"--table", "--csv", "--tsv"}:
        missing = FORMAT_FLAGS - opts
        assert not missing, f"{name} prints rows but lacks {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_quiet_is_one_option(name: str) -> None:
    opts = _opts(COMMANDS[name])
    if name in PRINTS_PROGRESS:
        assert "-q" in opts, f"{name} prints progress but has no -q"
    if "-q" in opts or "--quiet" in opts:
        assert opts.get("-q") is opts.get("--quiet"), f"{name}: -q and --quiet differ"
    if "--param" in opts:
        assert opts["--param"] is opts.get("-p"), f"{name}: --param without -p"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name: str) -> None:
    text = COMMANDS[name].help or ""
    assert text.strip(), f"{name} has no help"
    assert "Example" in text and f"citykg {name}" in text, f"{name}: help has no example"
    assert LAZY_COMMANDS.get(name, ("", "x"))[1], f"{name}: no short help in LAZY_COMMANDS"
