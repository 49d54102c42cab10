"""``citykg analogues``: which city elsewhere does what we plan to do?

Reads the ck:Analogy nodes materialised by ``citykg build`` (graph
ckr:graph/analogies) through ``citykg.graph.analogues.lookup`` - the analogies of
one initiative or city and the initiatives they join, by index lookups, with both
evidence sentences, their articles' titles and dates and the reasons in English
and Chinese. Only ``--all`` and scores below the build's threshold recompute
(``citykg.graph.analogues.finder.Finder``, slow on big builds). ``--gaps`` and
``--similar-cities`` run the saved queries ``reform-gaps`` and ``similar-cities``,
so the command and the queries give the same answers.
"""

from __future__ import annotations

from typing import Any

import click

from citykg.cli.options import data_option, output_options
from citykg.cli.output import echo_rows

COLUMNS = [
    "score",
    "initiative",
    "city",
    "analogue",
    "analogue_city",
    "kinds",
    "basis",
    "basis_zh",
    "sentence",
    "analogue_sentence",
    "source",
    "analogue_source",
]
CITY_COLUMNS = ["city", "similarity", "shared", "shared_reforms"]
GAP_COLUMNS = ["reform", "peers", "run_by", "note", "note_zh"]
DEFAULT_CLASSES = "Reform,Platform,Project"


def _rows(lk: Any, rows: list[Any], classes: set[str], keep: Any, top: int) -> list[dict[str, Any]]:
    """The ``top`` rows to show; evidence is read only for them (a big build has many rows)."""
    from citykg.graph.analogues.lookup import offered

    items = lk.describe({x for r in rows for x in (r.a, r.b)}, evidence=False)
    chosen = []
    for r in rows:
        a, b = items.get(r.a), items.get(r.b)
        if a is not None and b is not None and keep(a, b) and offered(b, classes):
            chosen.append((r, a, b))
    chosen.sort(key=lambda x: (-x[0].score, x[1].label, x[2].label, x[2].city_label))
    chosen = chosen[:top]
    lk.add_evidence({x for r, _, _ in chosen for x in (r.a, r.b)})
    out = []
    for r, a, b in chosen:
        sa, sb = a.sentence(), b.sentence()
        out.append(
            {
                "score": r.score,
                "initiative": a.label,
                "city": a.city_label,
                "analogue": b.label,
                "analogue_city": b.city_label,
                "kinds": ",".join(r.kinds),
                "basis": "; ".join(r.basis),
                "basis_zh": "；".join(r.basis_zh),
                "sentence": sa.quote if sa else "",
                "analogue_sentence": sb.quote if sb else "",
                "source": sa.source if sa else "",
                "analogue_source": sb.source if sb else "",
            }
        )
    return out


def _recomputed(qs: Any, min_score: float, focus: set[str] | None) -> list[Any]:
    """All analogies scoring >= ``min_score`` (of ``focus``), computed from the store (slow)."""
    from citykg.errors import InputError
    from citykg.graph.analogues.data import load_input
    from citykg.graph.analogues.finder import Finder
    from citykg.graph.analogues.lookup import Row

    store = getattr(qs, "store", None)
    if store is None:
        raise InputError("--all and scores below the stored threshold need a local build (--data OUT).")
    found = Finder(load_input(store)).analogies(min_score, top=None, only=focus)
    return [Row(a.score, a.source.iri, a.target.iri, a.basis, a.basis_zh, a.kinds) for a in found]


def _saved(qs: Any, name: str, city: str) -> list[dict[str, str | None]]:
    import pyoxigraph as ox

    from citykg.store import querylib, summaries

    saved = querylib.find(name)
    summaries.check_requirements(saved, qs)
    return qs.select(saved.text, {"city": ox.NamedNode(city)})  # type: ignore[no-any-return]


def gap_rows(qs: Any, city: str, city_label: str) -> list[dict[str, Any]]:
    """The saved query ``reform-gaps``, worded as "not found in N articles", not as absence."""
    out = []
    for r in _saved(qs, "reform-gaps", city):
        n = r["articles"] or "0"
        out.append(
            {
                "reform": r["label"],
                "peers": int(r["peers"] or 0),
                "run_by": r["peer_names"],
                "note": f"not found in {n} article{'s' if n != '1' else ''} about {city_label}",
                "note_zh": f"在关于{city_label}的{n}篇文章中未见",
                "concept": r["reform"],
            }
        )
    return out


def similar_rows(qs: Any, city: str) -> list[dict[str, Any]]:
    """The saved query ``similar-cities`` (rarity-weighted: an inverse city frequency per concept)."""
    return [
        {
            "city": r["name"],
            "similarity": float(r["similarity"] or 0),
            "shared": int(r["shared"] or 0),
            "shared_reforms": r["shared_reforms"],
            "iri": r["other"],
        }
        for r in _saved(qs, "similar-cities", city)
    ]


@click.command()
@click.argument("name", required=False)
@data_option
@click.option("--city", help="Only analogues of this city's initiatives (通化 or 通化市).")
@click.option("--other-city", help="Only analogues found in this city.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows to show.")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Lowest score shown (below the build's threshold, scores are recomputed: slow on big builds).",
)
@click.option("--all", "everything", is_flag=True, help="Recompute the full list, deeper than the build keeps.")
@click.option(
    "--classes",
    default=DEFAULT_CLASSES,
    show_default=True,
    help="Kinds offered as analogues: Reform, Platform, Project, PolicyDocument, Award, Portal "
    "(provincial apps a city uses).",
)
@click.option("--similar-cities", "similar", metavar="CITY", help="Cities most alike CITY (rare shared reforms).")
@click.option("--gaps", "gap_city", metavar="CITY", help="Reforms other cities run, not found for CITY.")
@output_options
def analogues(
    name: str | None,
    data: str | None,
    city: str | None,
    other_city: str | None,
    top: int,
    min_score: float,
    everything: bool,
    classes: str,
    similar: str | None,
    gap_city: str | None,
    fmt: str,
) -> None:
    """Cross-city policy analogues of an initiative, a city or two cities.

    \b
    Examples:
        citykg analogues 静默认证
        citykg analogues --city 青岛 --other-city 菏泽 --json
        citykg analogues --similar-cities 威海
        citykg analogues --gaps 株洲
    """
    from citykg.graph.analogues.lookup import Lookup
    from citykg.graph.analogues.score import DEFAULT_THRESHOLD
    from citykg.store.core import open_store

    if similar and gap_city:
        raise click.ClickException("Use --similar-cities or --gaps, not both.")
    qs = open_store(data)
    lk = Lookup(qs)
    if similar or gap_city:
        c = lk.city_named(similar or gap_city or "", "--similar-cities" if similar else "--gaps")
        label = lk.select(f"SELECT ?l WHERE {{ <{c}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
        shown = label[0]["l"] if label else c
        rows = similar_rows(qs, c) if similar else gap_rows(qs, c, shown or c)
        echo_rows(rows[:top], CITY_COLUMNS if similar else GAP_COLUMNS, fmt)
        return
    wanted = lk.initiatives_named(name) if name else None
    c1 = lk.city_named(city, "--city") if city else None
    c2 = lk.city_named(other_city, "--other-city") if other_city else None
    focus = lk.city_initiatives(c1) if c1 else None
    if wanted is not None:
        focus = wanted if focus is None else wanted & focus
    if everything or min_score < DEFAULT_THRESHOLD:
        found = _recomputed(qs, min_score, focus)
    else:
        found = lk.analogies(focus)
    directed = [r2 for r in found for r2 in (r, r.flipped())]
    listing_all = wanted is None and c1 is None and c2 is None
    rows = [
        r
        for r in directed
        if r.score >= min_score
        and (wanted is None or r.a in wanted)
        and (focus is None or r.a in focus)
        and not (listing_all and r.a > r.b)  # listing everything: each pair once
    ]
    wanted_classes = {c.strip() for c in classes.split(",") if c.strip()}

    def keep(a: Any, b: Any) -> bool:
        return (c1 is None or a.city == c1) and (c2 is None or b.city == c2)

    found_rows = _rows(lk, rows, wanted_classes, keep, top)
    if fmt == "table":  # an aligned table cannot hold two sentences side by side: one card per analogy
        click.echo("\n\n".join(card(r) for r in found_rows) if found_rows else "(no analogues)")
    else:
        echo_rows(found_rows, COLUMNS, fmt)


def card(r: dict[str, Any]) -> str:
    """One analogy for reading: both initiatives, the reasons in both languages, both sentences.

    >>> print(card({"score": 0.9, "initiative": "甲", "city": "A市", "analogue": "乙", "analogue_city": "B市",
    ...             "basis_zh": "两者都实施X", "basis": "both realize X", "sentence": "甲句。", "source": "T1 (2024)",
    ...             "analogue_sentence": "乙句。", "analogue_source": "T2"}))
    0.900  甲（A市） ~ 乙（B市）
      依据  两者都实施X
      basis both realize X
      A市   甲句。 —— T1 (2024)
      B市   乙句。 —— T2
    """
    return "\n".join(
        [
            f"{r['score']:.3f}  {r['initiative']}（{r['city']}） ~ {r['analogue']}（{r['analogue_city']}）",
            f"  依据  {r['basis_zh']}",
            f"  basis {r['basis']}",
            f"  {r['city']:<5} {r['sentence']} —— {r['source']}",
            f"  {r['analogue_city']:<5} {r['analogue_sentence']} —— {r['analogue_source']}",
        ]
    )


commands = [analogues]
