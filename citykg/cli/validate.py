"""``citykg validate``: is a build's output well-formed and consistent?

Three checks over the union of the build's named graphs (see :mod:`citykg.validate.checks`):

1. SHACL (pySHACL) with ``ontology/shapes/citykg-shapes.ttl``;
2. OWL consistency (HermiT through owlready2, see :mod:`citykg.validate.reasoning`): over all
   the data, or for very large builds over a type sample (one real triple per distinct
   combination of classes and property) - measured in bench/bench_validate.py;
3. every ``queries/qc/*-violation.rq`` (each row is one offending node).

Problems are printed one line each in plain words (node, check, message); any
violation makes the command exit with status 1. Unknown units are warnings.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict
from pathlib import Path

import click
import pyoxigraph as ox
from rdflib import URIRef

from citykg.paths import DEFAULT_OUT, TRIG_NAME, queries_dir
from citykg.validate.checks import (
    REASON_ALL_MAX,
    Problem,
    Report,
    check_units,
    ensure_ontology,
    load_store,
    load_union,
    run_shacl,
    run_shacl_store,
    type_sample,
    union_graph,
)
from citykg.validate.reasoning import check_consistency, short

__all__ = ["Problem", "Report", "commands", "load_union", "run_shacl", "run_validation", "validate"]

REASONER_SCOPES = ("all", "types")


def locate_trig(data: Path) -> Path:
    """The TriG named by ``--data`` (an OUT folder or a file); one-line error if missing."""
    trig = data / TRIG_NAME if data.is_dir() or data.suffix == "" else data
    if not trig.is_file():
        raise click.ClickException(
            f"No build found at {data}: {trig} does not exist - run `citykg build` first (or pass --data OUT)."
        )
    return trig


def run_reasoner(store: ox.Store, scope: str, report: Report) -> None:
    """HermiT over all triples (``all``) or the type sample (``types``); clashes named in plain words."""
    if scope == "auto":
        scope = "types" if len(store) > REASON_ALL_MAX else "all"
    report.reasoner_scope = scope
    graph = union_graph(store) if scope == "all" else type_sample(store)
    result = check_consistency(graph)
    report.reasoner = result
    if result.consistent is None:
        report.notes.append(result.message)
    elif not result.consistent:
        if result.clashes:
            for clash in result.clashes:
                node, _, rest = clash.partition(" ")
                report.problems.append(Problem("reasoner", node, rest))
        else:
            report.problems.append(Problem("reasoner", "(dataset)", result.message))


_HEADER = re.compile(r"^#\s*(\w+)\s*:\s*(.*)$")


def qc_queries() -> list[Path]:
    """The quality-check queries: ``queries/qc/*-violation.rq``."""
    return sorted((queries_dir() / "qc").glob("*-violation.rq"))


def query_header(path: Path) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a saved query."""
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if not m:
            if line.strip() and not line.startswith("#"):
                break
            continue
        header.setdefault(m.group(1).lower(), m.group(2).strip())
    return header


def _open_query_store(trig: Path):
    """The SPARQL helper's store (citykg.store.core; default graph = union of all graphs)."""
    from citykg.store.core import memory_store, open_store

    # OUT/citykg.trig has its persistent store (kept fresh by the build); any other file is
    # loaded into memory so validating it leaves nothing behind next to it.
    return open_store(trig) if trig.name == TRIG_NAME else memory_store(trig)


def run_qc(trig: Path, report: Report) -> None:
    files = qc_queries()
    report.qc_queries = len(files)
    if not files:
        return
    store = _open_query_store(trig)
    start = time.perf_counter()
    for path in files:
        header = query_header(path)
        name = path.name.removesuffix("-violation.rq")
        message = header.get("title") or header.get("description") or name
        rows = store.select(path.read_text(encoding="utf-8"))
        for row in rows:
            values = [v for v in row.values() if v]
            node = (
                short(URIRef(values[0])) if values and "://" in values[0] else (values[0] if values else "?")
            )
            extra = ", ".join(str(v) for v in values[1:3])
            report.problems.append(Problem(f"qc:{name}", node, message + (f" ({extra})" if extra else "")))
    report.qc_seconds = time.perf_counter() - start


def run_validation(data: Path, reasoner: bool = True, scope: str = "auto") -> Report:
    """Run all three checks on the build at ``data`` (OUT folder or TriG file)."""
    trig = locate_trig(Path(data))
    store = load_store(trig)
    report = Report(data=str(trig))
    if ensure_ontology(store):
        report.notes.append("the data has no ontology graph; checked against the bundled ontology.")
    report.triples = len(store)
    run_shacl_store(store, report)
    check_units(store, report)
    if reasoner:
        run_reasoner(store, scope, report)
    else:
        report.notes.append("OWL reasoner skipped (--no-reasoner).")
    run_qc(trig, report)
    return report


def summary(report: Report) -> str:
    parts = [
        f"{report.triples:,} triples",
        f"SHACL {report.shacl_shapes} shapes ({report.shacl_seconds:.1f} s)",
    ]
    r = report.reasoner
    if r is not None and r.ran:
        state = "consistent" if r.consistent else "INCONSISTENT"
        scope = "all data" if report.reasoner_scope == "all" else "a type sample of the data"
        parts.append(f"{r.reasoner} {state} over {scope} ({r.triples:,} triples, {r.seconds:.1f} s)")
    parts.append(f"{report.qc_queries} QC queries ({report.qc_seconds:.1f} s)")
    return ", ".join(parts)


@click.command()
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="The build to check: an OUT folder (with citykg.trig) or a .trig file.",
)
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
def validate(data: Path, no_reasoner: bool, reasoner_scope: str, limit: int, as_json: bool) -> None:
    """Check a build: SHACL shapes, OWL consistency (HermiT) and the QC queries.

    Prints each problem on one line (node, check, message) and exits with
    status 1 if there is any violation; a clean build prints a short summary.

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
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        for p in report.problems[:limit]:
            prefix = "warning: " if p.severity == "warning" else ""
            click.echo(prefix + p.line())
        if len(report.problems) > limit:
            click.echo(
                f"... and {len(report.problems) - limit} more problems (use --limit or --json to see all)"
            )
        if report.ok:
            click.echo(f"OK: {report.data} is valid - {summary(report)}.")
        else:
            n = len(report.violations)
            nodes = len({v.node.split(" ")[0] for v in report.violations})
            click.echo(
                f"FAILED: {n} violation{'s' if n != 1 else ''} on {nodes} node{'s' if nodes != 1 else ''} "
                f"in {report.data} - {summary(report)}."
            )
    if not report.ok:
        raise click.exceptions.Exit(1)


commands = [validate]
