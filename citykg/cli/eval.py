"""``citykg eval``: score a build against a gold annotation (the evaluation kit's format and matching)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from citykg.cli.options import data_option, output_options
from citykg.cli.output import render

_SUMMARY_ORDER = ("entity_f1", "entity_precision", "entity_recall", "typed_f1", "metric_recall",
                  "metric_precision", "metric_unit_recall", "city_accuracy")  # fmt: skip


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


@click.command("eval")
@click.argument("build", required=False, type=click.Path(path_type=Path))
@data_option
@click.option("--gold", "gold", required=True, type=click.Path(path_type=Path),
              help="Gold annotation (JSON, the format of the evaluation kit's gold.json).")  # fmt: skip
@click.option("--misses", is_flag=True, help="Also list the gold items missed and the false positives.")
@click.option("--by-document", is_flag=True, help="One row per document instead of per class.")
@click.option("--seed-files", default="", metavar="A.txt,B.txt",
              help="Comma-separated file names of articles built with the gold's: also score how many reforms "
                   "each gold article shares with them (its seed_reforms) are linked to them by an analogy.")  # fmt: skip
@output_options
def eval_cmd(build: Path | None, data: str | None, gold: Path, misses: bool, by_document: bool, seed_files: str,
             fmt: str) -> None:  # fmt: skip
    """Score the build BUILD (an OUT folder or its .trig; default --data or out/) against --gold.

    Entities (any class, and typed), metrics (values, and with units) and the
    city of each article are matched as the evaluation kit's score.py matches
    them, so the summary equals its numbers; the rows say where it goes wrong.
    With --json the whole report (summary, classes, documents, misses and
    false positives) is printed as one JSON object.

    \b
    Example:
        citykg eval out --gold my-gold.json
        citykg eval out --gold my-gold.json --misses --by-document
        citykg eval out --gold other-cities.json --seed-files 000_a.txt,001_b.txt
    """
    from citykg.evaluate import evaluate
    from citykg.paths import DEFAULT_OUT

    seeds = [f.strip() for f in seed_files.split(",") if f.strip()]
    result = evaluate(build or (Path(data) if data else DEFAULT_OUT), gold, seeds)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    keys = [*_SUMMARY_ORDER, *(k for k in result.summary if k not in _SUMMARY_ORDER)]
    click.echo(render([{"score": k, "value": _num(result.summary[k])} for k in keys], ["score", "value"], fmt))
    click.echo()
    if by_document:
        rows = [_doc_row(f, d) for f, d in result.documents.items()]
        click.echo(render(rows, ["file", "entity_f1", "typed_f1", "metric_recall", "metric_precision", "city"], fmt))
    else:
        rows = [{"class": c, "precision": _num(s["precision"]), "recall": _num(s["recall"]), "f1": _num(s["f1"]),
                 "gold": s["gold"], "predicted": s["predicted"]} for c, s in result.classes.items()]  # fmt: skip
        click.echo(render(rows, ["class", "precision", "recall", "f1", "gold", "predicted"], fmt))
    if misses:
        rows = [{"kind": "missed " + kind, "file": m["file"], "item": _item(m)} for kind, ms in result.misses.items()
                for m in ms]  # fmt: skip
        rows += [{"kind": "false " + kind, "file": m["file"], "item": _item(m)}
                 for kind, ms in result.false_positives.items() for m in ms]  # fmt: skip
        click.echo()
        click.echo(render(rows, ["kind", "file", "item"], fmt))


def _doc_row(file: str, d: dict[str, Any]) -> dict[str, Any]:
    city = d.get("city")
    return {"file": file, "entity_f1": _num(d["entities"]["f1"]), "typed_f1": _num(d["entities_typed"]["f1"]),
            "metric_recall": _num(d["metrics"]["recall"]), "metric_precision": _num(d["metrics"]["precision"]),
            "city": "-" if city is None else ("ok" if city["correct"] else f"{'/'.join(city['predicted']) or '∅'}"
                                                                         f" ≠ {city['gold']}")}  # fmt: skip


def _item(m: dict[str, Any]) -> str:
    if "class" in m:
        return f"{m['class']}: {m.get('name') or m.get('label')}"
    if "reform" in m:
        return f"{m['reform']} (no analogy to the seed articles' {m['reform']})"
    if "gold" in m:
        return f"city {m['gold']} (built: {'/'.join(m['predicted']) or 'none'})"
    return f"{m['value']} {m.get('unit') or ''}".strip() + (f" ({m['text']})" if m.get("text") else "")


commands = [eval_cmd]
