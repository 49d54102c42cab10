"""Post-build steps: what runs on a written ``citykg.trig`` (store, ontology docs, HTML site).

A small registry, the way datasette runs its built-in plugins through the same
hooks as anyone else's: a step is a name, a label for messages, an order and a
function of the (staging) output folder. The built-in steps below register
themselves like any other and import their packages only when they run, so
building the graph does not load the store, pyLODE or the views.

A step that raises fails the build: ``graph.build`` reports it in one line and
leaves the previous outputs in place (the steps write into a staging folder).

    >>> [s.name for s in steps()]
    ['store', 'docs', 'site']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # for messages: "SPARQL store step failed (...)"
    order: int  # smaller runs first
    run: Callable[[Path], object]


_STEPS: dict[str, Step] = {}


def register(name: str, label: str, order: int) -> Callable[[Callable[[Path], object]], Callable[[Path], object]]:
    """Decorator: register ``fn(out_dir)`` as the post-build step ``name`` (replacing one of that name)."""

    def add(fn: Callable[[Path], object]) -> Callable[[Path], object]:
        _STEPS[name] = Step(name, label, order, fn)
        return fn

    return add


def unregister(name: str) -> Step | None:
    """Remove the step ``name``; returns it (None when there was none)."""
    return _STEPS.pop(name, None)


def steps() -> list[Step]:
    """The registered steps in the order they run."""
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


# ---------------------------------------------------------------- the built-in steps

#: orders of the built-in steps: the site reads the store, so the store comes first
STORE_ORDER, DOCS_ORDER, SITE_ORDER = 10, 20, 30


@register("store", "SPARQL store", STORE_ORDER)
def _store(out: Path) -> object:
    """The store of ``out``; in a staging folder, patched from the published build's store when cheaper."""
    from citykg.graph.outdir import STAGE_PREFIX
    from citykg.graph.rdf.summaryparts import SUMMARIES_NAME
    from citykg.store.core import refresh_store

    # lenient: the TriG is the one the build has just written (its IRIs are valid by construction);
    # the summaries graph, when the build could merge it from its documents' parts, is loaded with it
    computed = out / SUMMARIES_NAME
    return refresh_store(out, base=out.parent if out.name.startswith(STAGE_PREFIX) else None, lenient=True,
                         summaries_trig=computed if computed.is_file() else None)


@register("docs", "ontology docs", DOCS_ORDER)
def _docs(out: Path) -> object:
    from citykg.ontofiles import write_docs

    return write_docs(out)


@register("site", "HTML site", SITE_ORDER)
def _site(out: Path) -> object:
    from citykg.viz.site import write_site

    return write_site(out)
