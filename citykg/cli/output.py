"""One output-options decorator for every command that prints rows.

``--table`` (default on a terminal), ``--json``, ``--csv``, ``--tsv``. JSON keeps
Chinese readable (``ensure_ascii=False``); the table pads by display width so
Chinese columns line up.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click
from wcwidth import wcswidth

FORMATS = ("table", "json", "csv", "tsv")


def output_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--table/--json/--csv/--tsv`` to a command; it receives ``fmt``."""

    @click.option("--table", "fmt", flag_value="table", help="Aligned table (default on a terminal).")
    @click.option("--json", "fmt", flag_value="json", help="JSON array, one object per row.")
    @click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row.")
    @click.option("--tsv", "fmt", flag_value="tsv", help="TSV with a header row.")
    @functools.wraps(fn)
    def wrapper(*args: Any, fmt: str | None = None, **kwargs: Any) -> Any:
        return fn(*args, fmt=fmt or default_format(), **kwargs)

    return wrapper


#: ``--data OUT``: which build a command reads (None means out/); shared so every command says it alike.
data_option = click.option(
    "--data", "-d", metavar="OUT", help="Build output folder or its .trig file (default: out/)."
)


def param_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--param/-p NAME=VALUE`` (repeatable), passed to the command as ``params``."""
    return click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help=help_text)


def default_format() -> str:
    return "table" if sys.stdout.isatty() else "tsv"


def width(text: str) -> int:
    w = wcswidth(text)
    return w if w >= 0 else len(text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\n", " ")


def render(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str, max_width: int = 60) -> str:
    """Render rows (dicts) in ``fmt``; returns the text to print."""
    rows = list(rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        return buf.getvalue().rstrip("\n")
    cells = [[_truncate(_cell(r.get(c)), max_width) for c in columns] for r in rows]
    widths = [max([width(c), *(width(row[i]) for row in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


def _truncate(text: str, max_width: int) -> str:
    if width(text) <= max_width:
        return text
    out, w = [], 0
    for ch in text:
        cw = max(width(ch), 0)
        if w + cw > max_width - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def echo_rows(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    click.echo(render(rows, columns, fmt))
