"""How every command prints rows: table, JSON, newline-delimited JSON, CSV, TSV or Markdown.

JSON keeps Chinese readable (``ensure_ascii=False``) and is typed: numbers are
numbers and booleans booleans, from the RDF datatypes of the values
(:func:`typed`). Tables are drawn by tabulate (display-width aware through
wcwidth, so Chinese columns line up) and fit the terminal: the widest cells are
shortened with "…" unless ``--no-truncate``. The options themselves live in
:mod:`citykg.cli.options`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import click

from citykg.store.sparqlterms import typed, typed_rows  # noqa: F401  (re-exported)

FORMATS = ("table", "json", "nl", "csv", "tsv", "markdown")
#: Where the output options put their :class:`Style` in ``click.Context.meta``.
STYLE_KEY = "citykg.output.style"
#: Table width when the output is not a terminal and $COLUMNS is not set.
FALLBACK_WIDTH = 120
#: A shortened column keeps at least this many display cells.
MIN_COLUMN = 8
#: Display cells between two table columns (tabulate's "simple" format).
GAP = 2
#: tabulate makes a column at least this much wider than its header.
HEADER_PADDING = 2



@dataclass(frozen=True)
class Style:
    """The format modifiers: header row or not, shorten table cells to the terminal or not."""

    headers: bool = True
    truncate: bool = True


def __getattr__(name: str) -> Any:
    """The option decorators moved to :mod:`citykg.cli.options`; old imports keep working."""
    if name in ("data_option", "param_option", "output_options", "quiet_option"):
        from citykg.cli import options

        return getattr(options, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_format() -> str:
    return "table" if sys.stdout.isatty() else "tsv"


def width(text: str) -> int:
    """Display cells of ``text`` (a Chinese character takes two).

    >>> width("青岛 ok")
    7
    """
    from wcwidth import wcswidth  # ~20 ms of imports that JSON/CSV output does not need

    w = wcswidth(text)
    return w if w >= 0 else len(text)


def _style() -> Style:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(STYLE_KEY, Style()) if ctx is not None else Style()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("\n", " ")


def render(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    max_width: int | None = None,
    *,
    style: Style | None = None,
) -> str:
    """Render rows (dicts) in ``fmt``; returns the text to print.

    ``style`` defaults to the command's ``--no-headers``/``--no-truncate``; ``max_width``
    (table only) defaults to the terminal width.
    """
    rows = list(rows)
    style = style or _style()
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    if fmt == "nl":
        return "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        if style.headers:
            writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        return buf.getvalue().rstrip("\n")
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    if fmt == "markdown":
        escaped = [[c.replace("|", "\\|") for c in row] for row in cells]
        return _tabulate(escaped, columns, Style(headers=True), "github")  # Markdown tables need a header
    if style.truncate:
        limit = max_width if max_width is not None else terminal_width()
        heads = [width(c) + HEADER_PADDING if style.headers else 0 for c in columns]
        natural = [max([heads[i], *(width(row[i]) for row in cells)]) for i in range(len(columns))]
        caps = column_caps(natural, limit)
        cells = [[shorten(v, cap) for v, cap in zip(row, caps, strict=True)] for row in cells]
    return _tabulate(cells, columns, style, "simple" if style.headers else "plain")


def _tabulate(cells: list[list[str]], columns: Sequence[str], style: Style, tablefmt: str) -> str:
    import tabulate  # a table costs ~10 ms of imports; JSON/CSV output does not pay them

    tabulate.PRESERVE_WHITESPACE = False
    headers = list(columns) if style.headers else ()
    text = tabulate.tabulate(cells, headers=headers, tablefmt=tablefmt, disable_numparse=True)
    return "\n".join(line.rstrip() for line in text.splitlines())


def terminal_width() -> int:
    """Columns of the terminal ($COLUMNS wins); ``FALLBACK_WIDTH`` when not a terminal."""
    return shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns


def column_caps(natural: Sequence[int], limit: int) -> list[int]:
    """Widths that fit ``limit`` display cells: narrow columns keep theirs, wide ones share the rest.

    >>> column_caps([4, 30, 50], 60)
    [4, 26, 26]
    >>> column_caps([4, 10], 60)
    [4, 10]
    """
    caps = list(natural)
    budget = limit - GAP * (len(caps) - 1)
    if sum(caps) <= budget:
        return caps
    order = sorted(range(len(caps)), key=lambda i: natural[i])
    left = budget
    for n, i in enumerate(order):
        share = max(MIN_COLUMN, left // (len(order) - n))
        caps[i] = min(natural[i], share)
        left -= caps[i]
    return caps


def shorten(text: str, max_width: int) -> str:
    """``text`` cut to ``max_width`` display cells, ending in "…" when cut.

    >>> shorten("一网通办平台", 7), shorten("abc", 7)
    ('一网通…', 'abc')
    """
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
    text = render(rows, columns, fmt)
    if text:
        click.echo(text)
