"""``citykg adoption`` (the adoption ledger of a reform or a city) and ``citykg conflicts``.

Both read a build through ``citykg.store.core.open_store``; the work is in
``citykg.graph.adoption.ledger`` and ``citykg.graph.adoption.conflicts``.
"""

from __future__ import annotations

from pathlib import Path

import click

from citykg.cli.output import data_option, echo_rows, output_options
from citykg.graph.adoption.conflicts import COLUMNS as CONFLICT_COLUMNS
from citykg.graph.adoption.conflicts import conflicts, load_claims
from citykg.graph.adoption.ledger import CITY_COLUMNS, LEDGER_COLUMNS, for_city, ledger, load_events


@click.command("adoption")
@click.argument("concept", required=False)
@click.option(
    "--city", "-c", metavar="CITY", help="A city's reforms in time order instead of one reform's ledger."
)
@data_option
@output_options
def adoption_cmd(concept: str | None, city: str | None, data: str | None, fmt: str) -> None:
    """The adoption ledger of a reform: who adopted it, when, at what stage, by whose mandate.

    One row per city: province, the first stage and its date, the date of adoption
    (the first piloted-or-later stage), the latest stage, the level that drove it
    (a national or provincial mandate named in a sentence, else the city's own),
    how many sentences say so, and the first sentence. A date the sentence does
    not state is the article's date, an upper bound (see --json).

    \b
    Example:
        citykg adoption 免申即享
        citykg adoption --city 济南
    """
    from citykg.store import querylib
    from citykg.store.core import open_store

    if bool(concept) == bool(city):
        raise click.UsageError(
            "give a reform (citykg adoption 一网通办) or --city (citykg adoption --city 青岛)."
        )
    store = open_store(data)
    events = load_events(store.select)
    if city:
        node = querylib.resolve(store, "city", city, "adoption", "--city")
        echo_rows(for_city(events, node.value), CITY_COLUMNS, fmt)
        return
    node = querylib.resolve(store, "reform", concept or "", "adoption", "CONCEPT")
    echo_rows(ledger(events, node.value), LEDGER_COLUMNS, fmt)


@click.command("conflicts")
@data_option
@output_options
def conflicts_cmd(data: str | None, fmt: str) -> None:
    """Claims that disagree: one indicator, subject and period, two articles, two values.

    Values are compared in base units as intervals (an approximate or "more than"
    figure allows a range), so a figure repeated by two articles is no conflict.
    Each row gives both values, sentences and files, and the likely reason when
    the graph shows one (different unit, target vs achieved, different period).

    Example: citykg conflicts --data out --csv > conflicts.csv
    """
    from citykg.store.core import open_store

    store = open_store(data)
    echo_rows(conflicts(load_claims(store.select)), CONFLICT_COLUMNS, fmt)


commands = [adoption_cmd, conflicts_cmd]


def export_panel_cmd(source: object, data: str | None, output: Path | None, concept: str | None,
                     start: int | None, end: int | None, quiet: bool) -> None:  # fmt: skip
    """``citykg export --format panel --concept X`` (registered by citykg/cli/viz.py)."""
    from citykg.graph.adoption.panel import PanelError, dictionary_path, export_panel
    from citykg.store import querylib
    from citykg.store.core import open_store

    if not concept:
        raise click.UsageError("--format panel needs --concept REFORM, e.g. --concept 一网通办.")
    store = open_store(data)
    node = querylib.resolve(store, "reform", concept, "export", "--concept")
    path = (
        output
        or Path(getattr(source, "out_dir", Path("out")))
        / "export"
        / f"panel-{node.value.rsplit('/', 1)[-1]}.csv"
    )
    if path.is_dir():
        raise click.ClickException(f'"{path}" is a folder - pass a file name such as {path / "panel.csv"}.')
    try:
        counts = export_panel(store.select, node.value, path, start, end)
    except PanelError as exc:
        raise click.ClickException(f"{data or 'out'}: {exc}") from None
    if not quiet:
        click.echo(f"Wrote {path} and {dictionary_path(path).name} ("
                   + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")")  # fmt: skip


def write_timeline(
    view: str, name: str, data: str | None, out: Path, output: Path | None
) -> tuple[Path, str]:
    """``citykg viz timeline REFORM`` / ``citykg viz city-timeline CITY`` (registered by citykg/cli/viz.py)."""
    from citykg.store import querylib
    from citykg.store.core import open_store
    from citykg.viz.diffusion import adopters, city_timeline_html, timeline_html
    from citykg.viz.render import write_text_atomic

    store = open_store(data)
    events = load_events(store.select)
    if view == "timeline":
        node = querylib.resolve(store, "reform", name, "viz timeline", "REFORM")
        label = next((e.concept_label for e in events if e.concept == node.value), name)
        path = output or out / "views" / f"timeline-{node.value.rsplit('/', 1)[-1]}.html"
        html, what = (
            timeline_html(events, node.value, label),
            f"{len(adopters(events, node.value))} adopting cities",
        )
    else:
        node = querylib.resolve(store, "city", name, "viz city-timeline", "CITY")
        label = next((e.city_label for e in events if e.city == node.value), name)
        path = output or out / "views" / f"city-timeline-{node.value.rsplit('/', 1)[-1]}.html"
        n = len({e.concept for e in events if e.city == node.value})
        html, what = city_timeline_html(events, node.value, label), f"{n} reforms"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, html)
    return path, what
