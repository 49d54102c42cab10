"""The shared options of the ``citykg`` commands: one spelling, one meaning everywhere.

* ``--data/-d OUT``: which build a command reads (an OUT folder or its dataset file;
  default ``out/``), located by :func:`citykg.paths.locate_build`;
* ``-q/--quiet``: no progress and no summary (errors are still printed);
* ``--param/-p NAME=VALUE``: a query parameter, repeatable;
* the output formats of every command that prints rows: ``--table`` (default on a
  terminal), ``--json``, ``--nl`` (one JSON object per line), ``--csv``, ``--tsv``
  (default when piped), ``--fmt NAME`` (any of these or ``markdown``), with
  ``--no-headers`` and ``--no-truncate``.

A test (tests/test_cli_tree.py) walks the click tree and checks every command uses these.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from citykg.cli.output import FORMATS, STYLE_KEY, Style, default_format

F = Callable[..., Any]

#: ``--data/-d OUT``: which build a command reads (None means out/).
data_option = click.option(
    "--data", "-d", metavar="OUT", help="Build output folder or its .trig file (default: out/)."
)

#: ``-q/--quiet``: the command prints nothing but errors (and its result, if that is its job).
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress or summary; errors only.")


def param_option(help_text: str) -> Callable[[F], F]:
    """``--param/-p NAME=VALUE`` (repeatable), passed to the command as ``params``."""
    return click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help=help_text)


def output_options(fn: F) -> F:
    """Add the output-format options to a command; it receives ``fmt`` (one of ``FORMATS``).

    ``--no-headers`` and ``--no-truncate`` are kept in the click context, where
    :func:`citykg.cli.output.render` reads them, so commands need not pass them on.
    """

    @click.option("--table", "fmt", flag_value="table", help="Aligned table (default on a terminal).")
    @click.option("--json", "fmt", flag_value="json", help="JSON array, one object per row, typed values.")
    @click.option("--nl", "fmt", flag_value="nl", help="Newline-delimited JSON: one object per line.")
    @click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row.")
    @click.option("--tsv", "fmt", flag_value="tsv", help="TSV with a header row (default when piped).")
    @click.option(
        "--fmt", "fmt_name", type=click.Choice(FORMATS), help="Output format by name (also: markdown)."
    )
    @click.option("--no-headers", is_flag=True, help="Leave out the header row (table, csv, tsv).")
    @click.option("--no-truncate", is_flag=True, help="Never shorten table cells to fit the terminal.")
    @functools.wraps(fn)
    def wrapper(
        *args: Any,
        fmt: str | None = None,
        fmt_name: str | None = None,
        no_headers: bool = False,
        no_truncate: bool = False,
        **kwargs: Any,
    ) -> Any:
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.meta[STYLE_KEY] = Style(headers=not no_headers, truncate=not no_truncate)
        return fn(*args, fmt=fmt_name or fmt or default_format(), **kwargs)

    return wrapper
