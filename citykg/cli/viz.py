"""``citykg viz`` (one HTML view) and ``citykg export`` (the build for other tools)."""

from __future__ import annotations

from pathlib import Path

import click

from citykg.cli.options import data_option, param_option, quiet_option
from citykg.paths import TRIG_NAME
from citykg.viz.export import FORMATS, default_path, export
from citykg.viz.single import Request, write_one
from citykg.viz.site import MAX_NODES
from citykg.viz.source import ViewSource

VIEWS = ("overview", "city", "reform", "analogues", "query", "compare", "timeline", "city-timeline", "article",
         "map")  # fmt: skip
NEEDS_ARG = {"city": "NAME", "reform": "NAME", "query": "QUERY", "compare": "INDICATOR", "timeline": "REFORM",
             "city-timeline": "CITY", "article": "FILE"}  # fmt: skip


def _default_dir(source: ViewSource, output: Path | None) -> Path:
    """OUT for a build folder; a loose .trig file (a fixture, a copy) needs an explicit -o."""
    if output is None and source.trig.name != TRIG_NAME:
        raise click.ClickException(
            f'"{source.trig}" is not a build folder\'s {TRIG_NAME} - pass -o FILE to say where the output goes.'
        )
    return source.out_dir


def _check_output(path: Path) -> Path:
    if path.exists() and path.is_dir():
        raise click.ClickException(f'"{path}" is a folder - pass a file name such as {path / "view.html"}.')
    return path


@click.command()
@click.argument("view", type=click.Choice(VIEWS))
@click.argument("arg", required=False, metavar="[NAME|QUERY|INDICATOR]")
@data_option
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="HTML file to write (default: OUT/views/...)."
)
@param_option("Query parameter (query view). Repeatable.")
@click.option(
    "--max-nodes",
    type=click.IntRange(min=10),
    default=MAX_NODES,
    show_default=True,
    help="Aggregate a view with more nodes than this (e.g. initiatives into their concepts).",
)
@click.option(
    "--concept", help="map: colour the cities by this reform concept's adoption (label, slug or IRI)."
)
@click.option("--indicator", help="map: colour the cities by this indicator's values (label, slug or IRI).")
@quiet_option
def viz(
    view: str,
    arg: str | None,
    data: str | None,
    output: Path | None,
    params: tuple[str, ...],
    max_nodes: int,
    concept: str | None,
    indicator: str | None,
    quiet: bool,
) -> None:
    """Write one self-contained HTML view of the build (opens offline, no CDN).

    VIEW is overview | city NAME | reform NAME | analogues | query QUERY |
    compare INDICATOR | timeline REFORM | city-timeline CITY | article FILE |
    map [--concept X | --indicator Y]. NAME is a label (青岛市, 青岛), adcode, slug or IRI;
    FILE is an article file (the reader shows its whole text), or its file name in the build;
    QUERY is a saved query name, a .rq file or SPARQL text (CONSTRUCT, or a
    SELECT whose columns name nodes: IRIs or city/concept labels; --param binds
    a saved query's parameters, and a bound city/concept becomes the hub).
    `citykg build` writes all views and OUT/index.html already; this makes
    one, e.g. with a query.

    Example: citykg viz city 青岛 --data out -o /tmp/qingdao.html
    """
    if view in NEEDS_ARG and not arg:
        raise click.UsageError(f'"citykg viz {view}" needs {NEEDS_ARG[view]} - e.g. citykg viz {view} 青岛.')
    if view not in NEEDS_ARG and arg:
        raise click.UsageError(f'"citykg viz {view}" takes no argument (got "{arg}").')
    if params and view != "query":
        raise click.UsageError("--param only applies to the query view.")
    source = ViewSource(data)
    out = _default_dir(source, output)
    if view in ("timeline", "city-timeline"):  # issue 18: diffusion views (citykg.viz.diffusion)
        from citykg.cli.adoption import write_timeline

        return _done(quiet, *write_timeline(view, arg or "", data, out, output))
    if (concept or indicator) and view != "map":
        raise click.UsageError("--concept and --indicator apply to the map view.")
    if concept and indicator:
        raise click.UsageError("the map colours by --concept or by --indicator, not both.")
    req = Request(view, arg or "", output, max_nodes, params, concept, indicator)
    _done(quiet, *write_one(req, source, out))


def _query_name(query: str) -> str:
    """A short file-name stem for a query: the saved name or .rq stem, else "adhoc"."""
    if query.endswith(".rq"):
        return Path(query).stem
    return "adhoc" if any(ch.isspace() or ch == "{" for ch in query) else query


def _done(quiet: bool, path: Path, what: str) -> None:
    if not quiet:
        click.echo(f"Wrote {path} ({what})")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "panel"]), required=True, help="Output format.")
@data_option
@click.option("--concept", metavar="REFORM", help="panel: the reform whose city-year panel to write.")
@click.option("--start", type=int, help="panel: first year (default: the earliest article).")
@click.option("--end", type=int, help="panel: last year (default: the latest article).")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="File to write (a folder for csv: nodes.csv + edges.csv). Default: OUT/export/citykg.<ext>.",
)
@click.option(
    "--projection",
    type=click.Choice(["full", "city-concept", "analogies"]),
    default="full",
    show_default=True,
    help="graphml/gexf/csv: the resource graph, cities x concepts (weight = initiatives) or the analogy network (weight = score).",
)
@click.option("--bom", is_flag=True, help="csv: start each file with a UTF-8 BOM (for Excel).")
@click.option(
    "--with-summaries",
    is_flag=True,
    help="nq/trig/jsonld/ttl: the derived ckr:graph/summaries some saved queries read, computed again "
    "(nq/trig/jsonld keep the build TriG's otherwise; ttl has none without it).",
)
@quiet_option
def export_cmd(fmt: str, data: str | None, output: Path | None, quiet: bool, concept: str | None = None,
               start: int | None = None, end: int | None = None, with_summaries: bool = False,
               projection: str = "full", bom: bool = False) -> None:  # fmt: skip
    """Export the build for Gephi/Cytoscape (graphml, gexf) or data tools (jsonld, ttl, nq, csv, panel).

    panel: the city-year table of one reform (--concept) for event-history analysis, with a
    data dictionary next to it (citykg.graph.adoption.panel).

    graphml/gexf/csv hold the resource graph (IRIs with label and class; edges
    named by predicate); nq, trig and jsonld keep every named graph (the ontology
    too), with the build's ckr:graph/summaries (--with-summaries computes it again, and adds it
    to ttl); ttl is the union of the data.

    Example: citykg export --format graphml --data out -o /tmp/citykg.graphml
    """
    source = ViewSource(data)
    if fmt == "panel":
        from citykg.cli.adoption import export_panel_cmd  # issue 18

        return export_panel_cmd(source, data, output, concept, start, end, quiet)
    path = output or default_path(_default_dir(source, output), fmt)
    if fmt == "csv" and path.exists() and not path.is_dir():
        raise click.ClickException(f'"{path}" is a file - csv export writes a folder (nodes.csv, edges.csv).')
    if fmt != "csv":
        _check_output(path)
    counts = export(source, fmt, path, with_summaries=with_summaries, projection_kind=projection, bom=bom)
    if not quiet:
        click.echo(f"Wrote {path} (" + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")")


commands = [viz, export_cmd]
