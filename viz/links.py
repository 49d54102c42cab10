"""Where each node's page is, so every page can link city <-> concept <-> initiative <-> article.

A ``Linker`` knows the pages of one site (those written in this run, or found on
disk for a single ``citykg viz`` view) and answers, for an IRI of the model, its
own page (a city's page, a concept's reform page, an indicator's comparison page,
an article's reader; an initiative or a metric opens its city's page with the
node selected) and the related pages its details panel links. Hrefs are relative
to the folder of the page being written, so the site opens from disk anywhere.

Some kinds of page exist for some keys only (``CHECKED_KINDS``: a page per city and
reform concept for the largest ones, per indicator for those reported by two
cities). A site's graph pages link them whether the page exists or not (a ``deferring``
linker) and their script drops a link that is not in the site's
list of such pages (``render.PAGES_JS``): so a graph page's bytes do not depend on
which of those pages exist, and a city entering the largest renders no graph page
again. Reader, comparison and map pages and single views link only existing pages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from citykg.namespaces import CKR_IRI
from citykg.viz.data import Evidence, Model

VIEWS_DIR = "views"
#: the kinds of page that exist for some keys only (the site lists them in ``render.PAGES_JS``)
CHECKED_KINDS = ("city", "compare", "reform")


def safe_name(text: str) -> str:
    """A file-name-safe slug (ASCII letters, digits, ``-``, ``_``, ``.``).

    >>> safe_name("one-thing/once?"), safe_name("../x")
    ('one-thing-once-', '..-x')
    """
    return re.sub(r"[^A-Za-z0-9._-]", "-", text) or "x"


@lru_cache(maxsize=1 << 16)  # a site asks for the same few thousand names a million times
def page_name(kind: str, key: str = "") -> str:
    """The file name of a view: <kind>[-<key>].html.

    >>> page_name("city", "370200"), page_name("map")
    ('city-370200.html', 'map.html')
    """
    return f"{kind}-{safe_name(key)}.html" if key else f"{kind}.html"


def view_path(out_dir: Path, kind: str, key: str = "") -> Path:
    """Where a view lives: OUT/views/<kind>[-<key>].html."""
    return out_dir / VIEWS_DIR / page_name(kind, key)


def city_key(model: Model, iri: str) -> str:
    area = model.areas.get(iri)
    return area.adcode if area and area.adcode else iri.rsplit("/", 1)[-1]


def doc_key(iri: str) -> str:
    """The file key of an article: the last segment of its IRI (the content hash).

    >>> doc_key("https://w3id.org/citykg/resource/doc/ef014bad6c218fbf")
    'ef014bad6c218fbf'
    """
    return iri.rstrip("/").rsplit("/", 1)[-1]


@lru_cache(maxsize=1 << 17)  # every node's links carry it, on every page the node is on
def sel_anchor(iri: str) -> str:
    """The URL fragment that opens a graph page with ``iri`` selected (a citykg resource by its
    short id, "~" + the path after the resource prefix, as the page data writes it).

    >>> sel_anchor("https://x/a b"), sel_anchor(CKR_IRI + "area/370200")
    ('#sel=https%3A%2F%2Fx%2Fa%20b', '#sel=~area/370200')
    """
    if iri.startswith(CKR_IRI):
        return "#sel=" + quote("~" + iri[len(CKR_IRI) :], safe="/~")
    return "#sel=" + quote(iri, safe="")


def page_kind(name: str) -> str:
    """The kind of a page from its file name (``page_name``).

    >>> page_kind("city-370200.html"), page_kind("reform-one-thing.html"), page_kind("map.html")
    ('city', 'reform', 'map.html')
    """
    return name.split("-", 1)[0]


class _Answer:
    """A remembered answer as a deferring linker gives it (every checked kind linked), the page names
    looked up meanwhile, those of them of no checked kind (what a deferring linker records), and the
    answer of a linker that links only existing pages (made when one asks: ``_MISSING`` until then)."""

    __slots__ = ("exact", "names", "unchecked", "value")

    def __init__(self, value: object, names: tuple[str, ...]) -> None:
        self.value, self.names = value, names
        self.unchecked = tuple(n for n in names if page_kind(n) not in CHECKED_KINDS)
        # no checked page looked up: the answer is the same for every linker
        self.exact = value if len(self.unchecked) == len(names) else _MISSING


_MISSING = object()  # an answer not made yet


@dataclass
class Linker:
    """The pages of one site: ``pages`` holds the file names that exist under OUT/views."""

    model: Model
    out_dir: Path
    pages: set[str] = field(default_factory=set)
    here: Path | None = None  # the folder of the page being written (default OUT/views)
    #: when a set: every page name asked about is added (found or not), so the site knows which
    #: pages a page links or would link, and which to render again when pages come or go
    asked: set[str] | None = field(default=None, repr=False, compare=False)
    #: True: every page of the ``CHECKED_KINDS`` is linked whether it exists or not, and never recorded
    #: in ``asked``: the page's script drops a link to a missing one (a site's graph pages)
    deferring: bool = False
    _rel: dict[tuple[str, Path | None], str] = field(default_factory=dict, repr=False, compare=False)
    #: (question, IRI, folder) -> its ``_Answer``: a node is on several pages (and on readers)
    _memo: dict[tuple, _Answer] = field(default_factory=dict, repr=False, compare=False)
    #: True while a remembered answer is computed: every checked kind is linked (the answer is
    #: then filtered for a linker that defers fewer kinds)
    _open: bool = field(default=False, init=False, repr=False, compare=False)

    @classmethod
    def from_disk(cls, model: Model, out_dir: Path) -> Linker:
        folder = out_dir / VIEWS_DIR
        names = {p.name for p in folder.glob("*.html")} if folder.is_dir() else set()
        return cls(model, out_dir, names)

    def deferring_twin(self) -> Linker:
        """A linker of the same pages that links every page of the checked kinds, found or not
        (a site's graph pages), sharing this one's remembered answers."""
        return Linker(self.model, self.out_dir, self.pages, self.here, deferring=True, _rel=self._rel,
                      _memo=self._memo)  # fmt: skip

    def _href(self, name: str, anchor: str = "", kind: str = "") -> str | None:
        """Href of the page ``name`` (of ``kind``) with ``anchor``; None when it does not exist (a
        checked kind while ``deferring`` or while a remembered answer is made: the href in any case)."""
        if self._open or not self.deferring or kind not in CHECKED_KINDS:
            if self.asked is not None:
                self.asked.add(name)
            if name not in self.pages and not ((self._open or self.deferring) and kind in CHECKED_KINDS):
                return None
        key = (name, self.here)
        rel = self._rel.get(key)
        if rel is None:  # a site asks for the same few hundred pages a million times
            target = self.out_dir / VIEWS_DIR / name
            base = self.here or self.out_dir / VIEWS_DIR
            rel = self._rel[key] = Path(os.path.relpath(target, base)).as_posix()
        return rel + anchor

    def to(self, path: Path, anchor: str = "") -> str:
        """Href of any file of the site (the index, the TriG) from the page being written."""
        base = self.here or self.out_dir / VIEWS_DIR
        return Path(os.path.relpath(path, base)).as_posix() + anchor

    def city(self, iri: str | None, anchor: str = "") -> str | None:
        return self._href(page_name("city", city_key(self.model, iri)), anchor, "city") if iri else None

    def concept(self, iri: str, anchor: str = "") -> str | None:
        c = self.model.concepts.get(iri)
        if c is None:
            return None
        kind = "compare" if c.scheme == "indicators" else "reform"
        return self._href(page_name(kind, c.slug), anchor, kind)

    def article(self, doc: str, start: int | None = None) -> str | None:
        anchor = f"#m-{start}" if start is not None else ""
        return self._href(page_name("article", doc_key(doc)), anchor)

    def evidence(self, ev: Evidence) -> str | None:
        return self.article(ev.doc, ev.start)

    def _linked(self, href: str) -> bool:
        """Whether a linker of existing pages only gives ``href`` (an answer's link to a view)."""
        name = href.partition("#")[0].rpartition("/")[2]
        return page_kind(name) not in CHECKED_KINDS or name in self.pages

    def _existing(self, value: object) -> object:
        """An answer (a href, or (text, href) rows) without the links to missing pages."""
        if isinstance(value, str):
            return value if self._linked(value) else None
        if isinstance(value, tuple):
            return tuple(row for row in value if self._linked(row[1]))
        return value

    def _remembered(self, question: str, iri: str, answer: Callable[[str], object]) -> object:
        """``answer(iri)``, computed once per IRI (and folder) for both linkers sharing the memo; the
        page names it asked about are recorded again on every call, as if it were computed (``asked``:
        a deferring linker records none of the checked kinds)."""
        key = (question, iri, self.here)
        hit = self._memo.get(key)
        if hit is None:
            outer = self.asked, self._open
            self.asked, self._open = set(), True
            try:
                value = answer(iri)
                hit = self._memo[key] = _Answer(value, tuple(self.asked))
            finally:
                self.asked, self._open = outer
        if self._open:  # inside another answer: it takes this one as it is, and its names
            self.asked.update(hit.names)  # type: ignore[union-attr]
            return hit.value
        if self.deferring:
            if self.asked is not None:
                self.asked.update(hit.unchecked)
            return hit.value
        if self.asked is not None:
            self.asked.update(hit.names)
        if hit.exact is _MISSING:
            hit.exact = self._existing(hit.value)
        return hit.exact

    def page_of(self, iri: str) -> str | None:
        """The node's own page (double-click): its city, concept or article page."""
        return self._remembered("page_of", iri, self._page_of)  # type: ignore[return-value]

    def related(self, iri: str) -> list[tuple[str, str]]:
        """(text, href) of the pages a node's details panel links, besides its evidence."""
        return list(self._remembered("related", iri, self._related))  # type: ignore[call-overload]

    def _page_of(self, iri: str) -> str | None:
        m = self.model
        if iri in m.areas:
            return self.city(m.city_of(iri))
        if iri in m.concepts:
            return self.concept(iri)
        if iri in m.docs:
            return self.article(iri)
        if iri in m.initiatives:
            return self.city(m.initiatives[iri].city, sel_anchor(iri))
        if iri in m.observations:
            return self.city(m.subject_city(m.observations[iri].refers_to), sel_anchor(iri))
        return None

    def _related(self, iri: str) -> tuple[tuple[str, str], ...]:
        m = self.model
        out: list[tuple[str, str | None]] = []
        if iri in m.initiatives:
            i = m.initiatives[iri]
            out.append((f"城市 city: {m.label(i.city)}", self.city(i.city, sel_anchor(iri))))
            out += [(f"概念 concept: {m.label(c)}", self.concept(c, sel_anchor(iri))) for c in i.concepts]
        elif iri in m.observations:
            o = m.observations[iri]
            city = m.subject_city(o.refers_to)
            out.append((f"城市 city: {m.label(city)}", self.city(city, sel_anchor(iri))))
            out.append((f"指标对比 compare: {m.label(o.indicator)}", self.concept(o.indicator)))
            if o.refers_to in m.initiatives:
                out.append((f"主体 subject: {m.label(o.refers_to)}", self.page_of(o.refers_to)))
        elif iri in m.areas:
            out.append((f"城市页面 city page: {m.label(iri)}", self.city(m.city_of(iri))))
            out.append(("总览 overview", self._href("overview.html", sel_anchor(iri))))
            out.append(("地图 map", self._href("map.html")))
        elif iri in m.concepts:
            out.append((f"概念页面 concept page: {m.label(iri)}", self.concept(iri)))
            out.append(("总览 overview", self._href("overview.html", sel_anchor(iri))))
            if m.concepts[iri].scheme == "reforms":
                out.append(("地图 map", self._href("map.html", "#concept=" + quote(iri, safe=""))))
        elif iri in m.docs:
            out.append((f"阅读 read: {m.label(iri)}", self.article(iri)))
        return tuple((text, href) for text, href in out if href)
