"""``citykg analogues``: which city elsewhere does what we plan to do?

Reads the ck:Analogy nodes materialised by ``citykg build`` (graph
ckr:graph/analogies) through ``citykg.store.core.open_store``. Scores below the
materialisation threshold, ``--gaps`` and the closest match of a gap are
computed on the fly from the same store with ``citykg.graph.analogues.finder.Finder``.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from citykg.cli.options import data_option, output_options
from citykg.cli.output import echo_rows
from citykg.graph.analogues.explain import KINDS, basis_order
from citykg.graph.analogues.finder import DEFAULT_THRESHOLD, TOP_PER_ITEM, Finder
from citykg.graph.analogues.text import fold

COLUMNS = ["score", "initiative", "city", "analogue", "analogue_city", "kinds", "basis"]
CITY_COLUMNS = ["city", "similarity", "shared", "examples"]
GAP_COLUMNS = ["initiative", "cities", "run_by", "closest_here", "closest_score"]
GAP_CLASSES = ("Reform", "Platform", "Project")

ANALOGIES = """
SELECT ?a ?score ?s ?t ?basis ?kind WHERE {
  ?a a ck:Analogy ; ck:score ?score ; ck:source ?s ; ck:target ?t .
  OPTIONAL { ?a ck:basis ?basis } OPTIONAL { ?a ck:basisKind ?kind }
}"""
ITEMS = """
SELECT ?x ?cls ?label ?city WHERE {
  VALUES ?cls { ck:Reform ck:Platform ck:Project ck:PolicyDocument ck:Award }
  ?x a ?cls ; rdfs:label ?label .
  OPTIONAL { ?x ck:inCity ?city }
}"""
ITEM_DOC_CITIES = """
SELECT DISTINCT ?x ?city WHERE {
  VALUES ?cls { ck:Reform ck:Platform ck:Project ck:PolicyDocument ck:Award }
  ?x a ?cls . FILTER NOT EXISTS { ?x ck:inCity ?any }
  ?x ck:evidence/ck:inDocument/ck:aboutCity ?city
}"""
AREA_LABELS = """SELECT ?c ?label WHERE { ?c ck:adcode ?code ; rdfs:label ?label }"""
CITY_NAMES = """
SELECT ?c ?name WHERE { ?c a ck:City . { ?c rdfs:label ?name } UNION { ?c skos:altLabel ?name } }"""


@dataclass
class Row:
    """One analogy seen from one side (the ``initiative`` side)."""

    score: float
    a: str
    b: str
    basis: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


@dataclass
class Dataset:
    items: dict[str, tuple[str, str, str, str]]  # iri -> (label, class, city iri, city label)
    analogies: list[Row]
    city_names: dict[str, set[str]]  # city iri -> names
    store: Any
    city_labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for _, _, city, label in sorted(self.items.values()):
            if label:
                self.city_labels.setdefault(city, label)

    def label(self, x: str) -> str:
        return self.items.get(x, (x,))[0]

    def city(self, x: str) -> str:
        return self.items.get(x, ("", "", ""))[2]

    def city_label(self, c: str) -> str:
        """The full name of a city (通化市), falling back to its longest known name."""
        return self.city_labels.get(c) or min(self.city_names.get(c, {c}), key=lambda n: (-len(n), n))


def load_dataset(data: Path | str | None) -> Dataset:
    from citykg.store.core import open_store

    qs = open_store(data)
    items: dict[str, tuple[str, str, str, str]] = {}
    # three plain queries joined here: one query with the city label OPTIONAL on a BIND
    # of the two ways to the city took minutes on a 2,000-article build
    doc_city = {r["x"]: r["city"] for r in qs.select(ITEM_DOC_CITIES) if r["x"] and r["city"]}
    area_label: dict[str, str] = {}
    for r in qs.select(AREA_LABELS):
        if r["c"] and r["label"]:
            area_label[r["c"]] = min(area_label.get(r["c"], r["label"]), r["label"])
    for r in sorted(qs.select(ITEMS), key=lambda r: (r["x"] or "", r["label"] or "", r["city"] or "")):
        city = r["city"] or doc_city.get(r["x"] or "")
        if r["x"] and city and r["x"] not in items:
            cls = (r["cls"] or "").rsplit("#", 1)[-1]
            items[r["x"]] = (r["label"] or "", cls, city, area_label.get(city, ""))
    merged: dict[str, Row] = {}
    for r in qs.select(ANALOGIES):
        row = merged.setdefault(r["a"], Row(float(r["score"]), r["s"], r["t"]))
        if r["basis"] and r["basis"] not in row.basis:
            row.basis.append(r["basis"])
        if r["kind"] and r["kind"] not in row.kinds:
            row.kinds.append(r["kind"])
    names: dict[str, set[str]] = defaultdict(set)
    for r in qs.select(CITY_NAMES):
        names[r["c"]].add(r["name"])
    for row in merged.values():
        row.basis = basis_order(row.basis)
        row.kinds = [k for k in KINDS if k in row.kinds]
    rows = sorted(merged.values(), key=lambda r: (-r.score, r.a, r.b))
    return Dataset(items, rows, dict(names), getattr(qs, "store", None))


def resolve_city(ds: Dataset, name: str, option: str) -> str:
    """City IRI for a user-typed name (通化 or 通化市); unknown -> ClickException with close matches."""
    cities = {c for _, _, c, _ in ds.items.values()}
    known: dict[str, str] = {}
    for c in sorted(cities):
        for n in {*ds.city_names.get(c, ()), ds.city_label(c)}:
            known.setdefault(fold(n), c)
    hit = known.get(fold(name)) or known.get(fold(name) + "市")
    if hit:
        return hit
    close = difflib.get_close_matches(name, sorted({ds.city_label(c) for c in cities}), n=3, cutoff=0.3)
    hint = f" - close matches: {', '.join(close)}" if close else ""
    raise click.ClickException(
        f'{option}: no initiatives of a city named "{name}" in the dataset{hint} '
        '(run "citykg analogues --similar-cities <city>" with one of the cities built).'
    )


def resolve_name(ds: Dataset, name: str) -> set[str]:
    """Initiatives called ``name`` (exact after folding, else containing it)."""
    key = fold(name)
    exact = {x for x, v in ds.items.items() if fold(v[0]) == key}
    if exact:
        return exact
    part = {x for x, v in ds.items.items() if key and key in fold(v[0])}
    if part:
        return part
    close = difflib.get_close_matches(name, sorted({v[0] for v in ds.items.values()}), n=3, cutoff=0.3)
    hint = f" - close matches: {', '.join(close)}" if close else ""
    raise click.ClickException(f'No initiative named "{name}" in the dataset{hint}.')


def live_rows(ds: Dataset, min_score: float, only: set[str] | None = None) -> list[Row]:
    """All analogies scoring >= min_score (of the ``only`` initiatives), computed from the store.

    For thresholds below the stored one, and for lists deeper than the build's
    per-initiative cap (``TOP_PER_ITEM``).
    """
    finder = _finder(ds)
    found = finder.analogies(min_score, top=None, only=only)
    rows = [Row(a.score, a.source.iri, a.target.iri, a.basis, a.kinds) for a in found]
    return sorted(rows, key=lambda r: (-r.score, r.a, r.b))


def capped(ds: Dataset, focus: set[str]) -> bool:
    """May the stored analogies of ``focus`` be cut short by the build's cap?"""
    count: Counter[str] = Counter()
    for r in ds.analogies:
        count[r.a] += r.a in focus
        count[r.b] += r.b in focus
    return any(n >= TOP_PER_ITEM for n in count.values())


def _finder(ds: Dataset) -> Finder:
    from citykg.graph.analogues.data import load_input

    if ds.store is None:
        raise click.ClickException(
            "Scores below the stored threshold and --gaps need a local build (--data OUT)."
        )
    return Finder(load_input(ds.store))


def directed(rows: list[Row]) -> list[Row]:
    return [r2 for r in rows for r2 in (r, Row(r.score, r.b, r.a, r.basis, r.kinds))]


def similar_cities(ds: Dataset, city: str) -> list[dict[str, Any]]:
    """Cities ranked by portfolio overlap with ``city``.

    A soft Jaccard: for another city D, the best analogue score of each of
    ``city``'s initiatives in D plus the best score of each of D's initiatives in
    ``city``, over the two cities' initiative counts.
    """
    count: dict[str, int] = defaultdict(int)
    for _, _, c, _ in ds.items.values():
        count[c] += 1
    mine: dict[tuple[str, str], float] = {}  # (my initiative, other city) -> best score
    theirs: dict[str, float] = {}  # their initiative -> best score against mine
    examples: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for r in directed(ds.analogies):
        if ds.city(r.a) != city or ds.city(r.b) == city:
            continue
        other = ds.city(r.b)
        mine[(r.a, other)] = max(mine.get((r.a, other), 0.0), r.score)
        theirs[r.b] = max(theirs.get(r.b, 0.0), r.score)
        examples[other].append((r.score, f"{ds.label(r.a)} ~ {ds.label(r.b)}"))
    totals: dict[str, float] = defaultdict(float)
    shared: dict[str, int] = defaultdict(int)
    for (_, other), v in mine.items():
        totals[other] += v
        shared[other] += 1
    for b, v in theirs.items():
        totals[ds.city(b)] += v
    out = []
    for other, ex in examples.items():
        names = list(dict.fromkeys(t for _, t in sorted(ex, key=lambda e: (-e[0], e[1]))))
        out.append(
            {
                "city": ds.city_label(other),
                "similarity": round(totals[other] / (count[city] + count[other]), 3),
                "shared": shared[other],
                "examples": "; ".join(names[:3]),
            }
        )
    return sorted(out, key=lambda r: (-r["similarity"], r["city"]))


def gaps(ds: Dataset, city: str, top_peers: int = 5) -> list[dict[str, Any]]:
    """What the peer cities run that ``city`` has no analogue of, with the closest thing it has."""
    peers = {r["city"] for r in similar_cities(ds, city)[:top_peers]}
    covered = {r.b for r in directed(ds.analogies) if ds.city(r.a) == city}
    finder = _finder(ds)
    index = {it.iri: n for n, it in enumerate(finder.items)}
    mine = [n for n, it in enumerate(finder.items) if it.city == city]
    neighbours: dict[str, set[str]] = defaultdict(set)
    for r in directed(ds.analogies):
        neighbours[r.a].add(r.b)
    groups: dict[str, dict[str, Any]] = {}
    for x, (_label, cls, c, _) in sorted(ds.items.items()):
        if c == city or cls not in GAP_CLASSES or x in covered:
            continue
        if peers and ds.city_label(c) not in peers:
            continue
        cluster = {x, *neighbours[x]}
        run_by = sorted({ds.city_label(ds.city(y)) for y in cluster if ds.city(y) != city})
        key = min(cluster)
        names = Counter(ds.label(y) for y in cluster if ds.city(y) != city)
        common = min(names, key=lambda n: (-names[n], len(n), n))  # 智慧社区, not 红色e家智慧社区APP
        rep = min((y for y in cluster if ds.label(y) == common), default=x)
        g = groups.setdefault(key, {"initiative": common, "cities": 0, "run_by": "", "x": rep})
        g["cities"] = max(g["cities"], len(run_by))
        g["run_by"] = ", ".join(run_by)
    rows = []
    for g in groups.values():
        i = index.get(g.pop("x"))
        best = (
            max((finder.analogy(i, j) for j in mine), key=lambda a: a.score, default=None)
            if i is not None
            else None
        )
        if best is not None:
            other = best.target if best.source.iri == finder.items[i].iri else best.source
            g["closest_here"], g["closest_score"] = other.label, best.score
        else:
            g["closest_here"], g["closest_score"] = "", 0.0
        rows.append(g)
    return sorted(rows, key=lambda r: (-r["cities"], -r["closest_score"], r["initiative"]))


@click.command()
@click.argument("name", required=False)
@data_option
@click.option("--city", help="Only analogues of this city's initiatives (通化 or 通化市).")
@click.option("--other-city", help="Only analogues found in this city.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows to show.")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Lowest score shown (below the default, scores are computed on the fly).",
)
@click.option("--similar-cities", "similar", metavar="CITY", help="Cities most alike CITY by portfolio.")
@click.option("--gaps", "gap_city", metavar="CITY", help="What peer cities run that CITY does not.")
@output_options
def analogues(
    name: str | None,
    data: str | None,
    city: str | None,
    other_city: str | None,
    top: int,
    min_score: float,
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
    if similar and gap_city:
        raise click.ClickException("Use --similar-cities or --gaps, not both.")
    ds = load_dataset(data)
    if similar:
        echo_rows(similar_cities(ds, resolve_city(ds, similar, "--similar-cities"))[:top], CITY_COLUMNS, fmt)
        return
    if gap_city:
        echo_rows(gaps(ds, resolve_city(ds, gap_city, "--gaps"))[:top], GAP_COLUMNS, fmt)
        return
    wanted = resolve_name(ds, name) if name else None
    c1 = resolve_city(ds, city, "--city") if city else None
    c2 = resolve_city(ds, other_city, "--other-city") if other_city else None
    focus = wanted or ({x for x, v in ds.items.items() if v[2] == c1} if c1 else None)
    if min_score < DEFAULT_THRESHOLD:
        rows = live_rows(ds, min_score, focus)
    elif focus and ds.store is not None and capped(ds, focus):
        rows = live_rows(ds, min_score, focus)  # the build keeps each one's best few; show them all
    else:
        rows = ds.analogies
    out = []
    for r in directed(rows):
        if r.score < min_score or (wanted is not None and r.a not in wanted):
            continue
        if (c1 and ds.city(r.a) != c1) or (c2 and ds.city(r.b) != c2):
            continue
        if wanted is None and c1 is None and c2 is None and r.a > r.b:
            continue  # listing everything: each pair once
        out.append(
            {
                "score": r.score,
                "initiative": ds.label(r.a),
                "city": ds.city_label(ds.city(r.a)),
                "analogue": ds.label(r.b),
                "analogue_city": ds.city_label(ds.city(r.b)),
                "kinds": ",".join(r.kinds),
                "basis": "; ".join(r.basis),
            }
        )
    out.sort(key=lambda r: (-r["score"], r["initiative"], r["analogue"]))
    echo_rows(out[:top], COLUMNS, fmt)


commands = [analogues]
