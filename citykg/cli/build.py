"""``citykg build`` and ``citykg extract``: the commands of the graph package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from citykg.cli.options import output_options, quiet_option
from citykg.cli.output import render
from citykg.graph.ingest.documents import DEFAULT_MAX_BYTES, IngestError, load_manifest, read_document
from citykg.graph.records import ENTITY_CLASSES as _CLASSES
from citykg.paths import DEFAULT_OUT

extractor_option = click.option(
    "--extractor", "extractor_name", default="rules", show_default=True, metavar="NAME",
    help="Extractor backend (see graph/registry.py; an unknown name lists the valid ones).",
)  # fmt: skip


def _select_extractor(name: str) -> None:
    """Choose the extractor backend for this run and its workers; an unknown name is a usage error."""
    from citykg.graph.registry import RegistryError, select_extractor

    try:
        select_extractor(name)
    except RegistryError as exc:
        raise click.BadParameter(str(exc), param_hint="--extractor") from None


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="Output folder (citykg.trig, cache/, store, site).")  # fmt: skip
@click.option("--incremental", is_flag=True, help="Re-extract only new or changed files (reuse OUT/cache).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Skip input files larger than this.")  # fmt: skip
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: up to 2)."
)
@click.option(
    "--graph-only", is_flag=True, help="Write citykg.trig only; skip the store, docs and HTML site."
)
@click.option("--time-budget", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              help="Seconds one file may take to extract; a slower file is skipped.")  # fmt: skip
@extractor_option
@quiet_option
@output_options
def build(sources: tuple[Path, ...], out: Path, incremental: bool, max_bytes: int, jobs: int | None,
          graph_only: bool, time_budget: float, extractor_name: str, quiet: bool, fmt: str) -> None:  # fmt: skip
    """Build the graph from articles (.txt/.md/.html files or folders) into OUT/citykg.trig.

    Without SOURCES the bundled sample corpus is built. A bad input file is
    reported in one line and skipped (so is a file that fails in any stage or
    takes longer than --time-budget); the exit code is 2 when something was
    skipped and 1 when nothing could be built or a post-build step failed. The
    outputs are replaced together, only by a complete new build, and only one
    build at a time may write into OUT.

    \b
    Example:
        citykg build corpus/seeds -o out
        citykg build articles/ -o out --incremental
    """
    # imported here, not at module level: the pipeline pulls in jieba and the
    # lexicons, which every other citykg command would otherwise pay for at start-up
    from citykg.errors import BuildError
    from citykg.graph.build import build as run_build
    from citykg.graph.build import collect_sources
    from citykg.paths import corpus_dir

    _select_extractor(extractor_name)
    paths = list(sources) or [corpus_dir()]
    found, problems = collect_sources(paths)
    bar = None
    if not quiet and found:
        bar = click.progressbar(length=len(found), label="Extracting", file=sys.stderr)
        bar.__enter__()
    try:
        report = run_build(None, out, incremental=incremental, max_bytes=max_bytes, jobs=jobs,
                           post_steps=not graph_only, progress=bar.update if bar else None, sources=found,
                           time_budget=time_budget)  # fmt: skip
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        where = exc.filename or out
        message = f"{where}: cannot write the build ({exc.strerror or exc}) - choose another -o folder."
        raise click.ClickException(message) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    report.problems[:0] = problems
    for line in report.problems:
        click.echo(line, err=True)
    if not quiet:
        for line in report.warnings:
            click.echo(f"Warning: {line}", err=True)
    if report.trig is None:
        raise click.ClickException(
            f"Nothing could be built from {', '.join(str(p) for p in paths)}"
            " - give .txt, .md or .html files with Chinese article text.")  # fmt: skip
    if not quiet:
        click.echo(render(summary_rows(report), ["item", "count"], fmt))
    if report.problems:
        click.get_current_context().exit(2)


def summary_rows(report) -> list[dict[str, object]]:
    s = report.stats
    rows: list[dict[str, object]] = [
        {"item": "documents", "count": report.documents},
        {"item": "  extracted / reused", "count": f"{report.extracted} / {report.reused}"},
        {"item": "cities", "count": s.get("cities", 0)},
    ]
    rows += [{"item": f"  {c}", "count": s.get(c, 0)} for c in _CLASSES]
    rows += [
        {"item": "initiatives (all classes)", "count": sum(s.get(c, 0) for c in _CLASSES)},
        {"item": "observations", "count": s.get("observations", 0)},
        {"item": "triples", "count": s.get("triples", 0)},
        {"item": "skipped files", "count": len(report.problems)},
        {"item": "warnings", "count": len(report.warnings)},
        {"item": "seconds", "count": f"{report.seconds:.1f}"},
        {"item": "output", "count": str(report.trig)},
    ]
    return rows


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Refuse files larger than this.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON (the default).")
@click.option("--text", "with_text", is_flag=True, help="Include the normalised text and sentences.")
@click.option("--explain", is_flag=True,
              help="Show which proposer produced each kept entity span and which filter dropped each candidate.")  # fmt: skip
@extractor_option
def extract(file: Path, max_bytes: int, as_json: bool, with_text: bool, explain: bool, extractor_name: str) -> None:
    """Print what citykg extracts from one article FILE, without building.

    \b
    Example:
        citykg extract corpus/seeds/000_dc9962ff8289445f.txt --json
        citykg extract corpus/seeds/000_dc9962ff8289445f.txt --explain
    """
    from citykg.graph.kb import load_kb
    from citykg.graph.pipeline import extract as run_extract

    if not file.is_file():
        raise click.ClickException(f"{file}: no such file - give the path of a .txt, .md or .html article.")
    try:
        meta = load_manifest(file.parent).get(file.name)
    except IngestError:
        meta = None  # a broken manifest is reported by build; extract still reads the text
    try:
        doc = read_document(file, meta, max_bytes=max_bytes)
    except IngestError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    _select_extractor(extractor_name)
    if explain:
        _explain(doc, as_json)
        return
    data = run_extract(doc, load_kb()).to_json()
    if with_text:
        data["document"]["text"] = doc.text
        data["document"]["sentences"] = [[s.start, s.end] for s in doc.sentences]
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _explain(doc, as_json: bool) -> None:
    """The candidates of ``citykg extract --explain``: kept spans first, then dropped ones."""
    from citykg.graph.extract.entities.pipeline import Trace
    from citykg.graph.kb import load_kb
    from citykg.graph.pipeline import extract as run_extract

    trace = Trace()
    run_extract(doc, load_kb(), trace=trace)
    rows = [
        {"status": r.status, "class": r.cls or "-", "label": r.label, "span": f"{r.start}-{r.end}",
         "proposer": r.proposer, "dropped by": r.reason}
        for r in sorted(trace.rows, key=lambda r: (r.status != "kept", r.start, r.end))
    ]  # fmt: skip
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(render(rows, ["status", "class", "label", "span", "proposer", "dropped by"], "table"))


commands = [build, extract]
