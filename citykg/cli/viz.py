"""``citykg viz`` (one HTML view) and ``citykg export`` (the build for other tools)."""

from __future__ import annotations

from pathlib import Path

import click

from citykg.cli.options import data_option, param_option, quiet_option
from citykg.paths import TRIG_NAME
from citykg.viz import views
from citykg.viz.chart import compare_html
from citykg.viz.data import load_model
from citykg.viz.export import FORMATS, default_path, export
from citykg.viz.graphview import aggregate
from citykg.viz.render import write_text_atomic, write_view
from citykg.viz.site import MAX_NODES, city_key, view_path
from citykg.viz.source import ViewSource

VIEWS = ("overview", "city", "reform", "analogues", "query", "compare", "timeline", "city-timeline")
NEEDS_ARG = {"city": "NAME", "reform": "NAME", "query": "QUERY", "compare": "INDICATOR", "timeline": "REFORM",
             "city-timeline": "CITY"}  # fmt: skip


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
@quiet_option
def viz(
    view: str,
    arg: str | None,
    data: str | None,
    output: Path | None,
    params: tuple[str, ...],
    max_nodes: int,
    quiet: bool,
) -> None:
    """Write one self-contained HTML view of the build (opens offline, no CDN).

    VIEW is overview | city NAME | reform NAME | analogues | query QUERY |
    compare INDICATOR | timeline REFORM | city-timeline CITY. NAME is a label (青岛市, 青岛), adcode, slug or IRI;
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
    model = load_model(source)
    name = arg or ""
    if view == "compare":
        iri = views.find_concept(model, name, ("indicators",))
        path = _check_output(output or view_path(out, "compare", model.concepts[iri].slug))
        write_text_atomic(path, compare_html(model, iri))
        _done(quiet, path, f"{len(model.observations_by_indicator.get(iri, []))} values")
        return
    if view == "overview":
        graph, default = views.overview(model), view_path(out, "overview")
    elif view == "analogues":
        graph, default = views.analogues_view(model), view_path(out, "analogues")
    elif view == "city":
        iri = views.find_city(model, name)
        graph, default = views.city_view(model, iri), view_path(out, "city", city_key(model, iri))
    elif view == "reform":
        iri = views.find_concept(model, name, ("reforms",))
        graph, default = (
            views.reform_view(model, iri, max_nodes),
            view_path(out, "reform", model.concepts[iri].slug),
        )
    else:
        from citykg.store import querylib
        from citykg.viz.querygraph import query_view, run_query

        result, src, hubs = run_query(name, querylib.parse_param_options(params), str(source.trig))
        graph, default = query_view(model, result, src, hubs), view_path(out, "query", _query_name(name))
    shown = aggregate(graph, max_nodes)
    path = write_view(shown, _check_output(output or default))
    _done(
        quiet,
        path,
        f"{len(shown.nodes)} nodes, {len(shown.edges)} edges"
        + (" (aggregated)" if shown is not graph else ""),
    )


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
@quiet_option
def export_cmd(fmt: str, data: str | None, output: Path | None, quiet: bool, concept: str | None = None,
               start: int | None = None, end: int | None = None) -> None:  # fmt: skip
    """Export the build for Gephi/Cytoscape (graphml, gexf) or data tools (jsonld, ttl, nq, csv, panel).

    panel: the city-year table of one reform (--concept) for event-history analysis, with a
    data dictionary next to it (citykg.graph.adoption.panel).

    graphml/gexf/csv hold the resource graph (IRIs with label and class; edges
    named by predicate); nq and jsonld keep the named graphs; ttl is their union.

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
    counts = export(source, fmt, path)
    if not quiet:
        click.echo(f"Wrote {path} (" + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")")


commands = [viz, export_cmd]
