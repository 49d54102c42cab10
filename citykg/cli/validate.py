"""``citykg validate``: is a build's output well-formed and consistent?

The checks live in :mod:`citykg.validate.run`; this command parses the options and
prints each problem on one line (node, check, message); any violation makes the
command exit with status 1. Unknown units are warnings.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from citykg.cli.options import data_option, quiet_option
from citykg.validate.checks import REASON_ALL_MAX, Problem, Report, load_union, run_shacl
from citykg.validate.run import (
    REASONER_SCOPES,
    locate_trig,
    qc_queries,
    query_header,
    run_validation,
    summary,
)

__all__ = [
    "Problem",
    "Report",
    "commands",
    "load_union",
    "locate_trig",
    "qc_queries",
    "query_header",
    "run_shacl",
    "run_validation",
    "validate",
]


@click.command()
@data_option
@click.option("--no-reasoner", is_flag=True, help="Skip the OWL consistency check (HermiT, needs Java).")
@click.option(
    "--reasoner-scope",
    type=click.Choice(["auto", *REASONER_SCOPES]),
    default="auto",
    show_default=True,
    help="What HermiT reasons over: all triples, or one triple per distinct type combination "
    f"(auto: all up to {REASON_ALL_MAX:,} triples).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="List at most this many problems.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@quiet_option
def validate(
    data: str | None, no_reasoner: bool, reasoner_scope: str, limit: int, as_json: bool, quiet: bool
) -> None:
    """Check a build: SHACL shapes, OWL consistency (HermiT) and the QC queries.

    Prints each problem on one line (node, check, message) and exits with
    status 1 if there is any violation; a clean build prints a short summary
    (nothing with -q).

    \b
    Example:
        citykg build && citykg validate
        citykg validate --data out/citykg.trig --no-reasoner
    """
    report = run_validation(data, reasoner=not no_reasoner, scope=reasoner_scope)
    if as_json:
        payload = {
            "data": report.data,
            "ok": report.ok,
            "summary": summary(report),
            "notes": report.notes,
            "problems": [asdict(p) for p in report.problems],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for note in [] if quiet else report.notes:
            click.echo(f"note: {note}", err=True)
        for p in report.problems[:limit]:
            prefix = "warning: " if p.severity == "warning" else ""
            click.echo(prefix + p.line())
        if len(report.problems) > limit:
            click.echo(
                f"... and {len(report.problems) - limit} more problems (use --limit or --json to see all)"
            )
        if report.ok and not quiet:
            click.echo(f"OK: {report.data} is valid - {summary(report)}.")
        elif not report.ok:
            n = len(report.violations)
            nodes = len({v.node.split(" ")[0] for v in report.violations})
            click.echo(
                f"FAILED: {n} violation{'s' if n != 1 else ''} on {nodes} node{'s' if nodes != 1 else ''} "
                f"in {report.data} - {summary(report)}."
            )
    if not report.ok:
        raise click.exceptions.Exit(1)


commands = [validate]
