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


def register(
    name: str, label: str, order: int
) -> Callable[[Callable[[Path], object]], Callable[[Path], object]]:
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
    from citykg.store.core import refresh_store

    # lenient: the TriG is the one the build has just written (its IRIs are valid by construction)
    return refresh_store(out, base=out.parent if out.name.startswith(STAGE_PREFIX) else None, lenient=True)


@register("docs", "ontology docs", DOCS_ORDER)
def _docs(out: Path) -> object:
    """The ontology docs of ``out``; in a staging folder, the published build's when what they are
    made from is the same (``_kept_docs``: pyLODE takes ~0.8 CPU s and is not byte-stable anyway)."""
    from citykg.graph.outdir import STAGE_PREFIX
    from citykg.ontofiles import DOCS_DIR, DOCS_FILES, write_docs

    staged = out.name.startswith(STAGE_PREFIX)
    key = _docs_key()
    if staged and _kept_docs(out.parent, out, key):
        return out / DOCS_DIR / DOCS_FILES[0]
    path = write_docs(out)
    if staged:
        _keep_docs(out.parent, out, key)
    return path


#: the docs step's record in OUT/cache (the digests of ``ontofiles.DOCS_FILES`` and what they were made from)
DOCS_RECORD = "docs.json"


def _docs_key() -> str:
    """What the docs are a function of: the ontology files, the code writing them (and the prefixes
    it binds), pyLODE's and rdflib's versions."""
    import hashlib
    from importlib.metadata import version

    from citykg import iris, namespaces, ontofiles

    h = hashlib.sha256(f"{version('pylode')}\0{version('rdflib')}".encode())
    for f in [
        ontofiles.ontology_file(),
        *ontofiles.ontology_graph_files(),
        *(Path(m.__file__ or "") for m in (ontofiles, namespaces, iris)),
    ]:
        h.update(f"\0{f.name}\0".encode() + f.read_bytes())
    return h.hexdigest()


def _kept_docs(published: Path, out: Path, key: str) -> bool:
    """Copy the published docs into ``out`` when they were made under ``key`` and are intact."""
    import hashlib
    import json

    from citykg.graph.cache import CACHE_DIR
    from citykg.ontofiles import DOCS_DIR, DOCS_FILES

    try:
        record = json.loads((published / CACHE_DIR / DOCS_RECORD).read_text(encoding="utf-8"))
        files = {name: (published / DOCS_DIR / name).read_bytes() for name in DOCS_FILES}
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("key") != key:
        return False
    if any(record.get(name) != hashlib.sha256(data).hexdigest() for name, data in files.items()):
        return False
    (out / DOCS_DIR).mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / DOCS_DIR / name).write_bytes(data)
    return True


def _keep_docs(published: Path, out: Path, key: str) -> None:
    """Record the digests of the docs just written into ``out`` under ``key`` (OUT/cache)."""
    import hashlib
    import json

    from citykg.graph.cache import CACHE_DIR, atomic_write
    from citykg.ontofiles import DOCS_DIR, DOCS_FILES

    record = {
        "key": key,
        **{n: hashlib.sha256((out / DOCS_DIR / n).read_bytes()).hexdigest() for n in DOCS_FILES},
    }
    try:
        (published / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        atomic_write(published / CACHE_DIR / DOCS_RECORD, json.dumps(record).encode())
    except OSError:
        pass  # the next build writes the docs again


@register("site", "HTML site", SITE_ORDER)
def _site(out: Path) -> object:
    from citykg.viz.site import write_site

    return write_site(out)
