"""Incremental site: a page whose inputs did not change since the previous build is not rendered again.

``write_site`` runs on the build's staging folder (``graph.outdir``: OUT/.citykg-build.<pid>),
whose parent holds the previous build, or on OUT itself (``citykg viz``, benchmarks).
Beside the pages, OUT/views/.manifest.json maps each page (path under views/) to a
digest of what it reads (and the file's size and mtime, so that a page overwritten
since is never taken for the one the digest describes): for a graph page the view's data without the layout (nodes,
edges, tooltips, links, crumbs: the layout is a pure function of them and is what
costs), for the other pages their text. Every digest also covers the code and assets
of the views (``code_digest``), so a changed renderer re-renders every page. A page
whose digest is the one the previous build recorded, and whose file is still there,
is linked (or copied) from the previous build: byte-identical to what rendering
would write.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from citykg.errors import CitykgError
from citykg.graph.outdir import STAGE_PREFIX
from citykg.viz.links import VIEWS_DIR
from citykg.viz.render import write_text_atomic

MANIFEST = ".manifest.json"  # under OUT/views/
PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the views' code and assets (every .py and assets/ file of this package)."""
    h = hashlib.sha256()
    files = sorted([*PACKAGE.glob("*.py"), *(p for p in (PACKAGE / "assets").glob("*") if p.is_file())])
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def previous_build(out: Path) -> Path:
    """Where the previous build's site is: the parent of a staging folder, else ``out`` itself.

    >>> previous_build(Path("/x/out/.citykg-build.42")), previous_build(Path("/x/out"))
    (PosixPath('/x/out'), PosixPath('/x/out'))
    """
    return out.parent if out.name.startswith(STAGE_PREFIX) else out


class PageCache:
    """Writes the site's pages, reusing the previous build's file of every unchanged page."""

    def __init__(self, out: Path) -> None:
        self.views = out / VIEWS_DIR
        self.previous = previous_build(out) / VIEWS_DIR
        try:
            old = json.loads((self.previous / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        self.old: dict[str, list] = old if isinstance(old, dict) else {}
        self.new: dict[str, list] = {}
        self.reused = self.rendered = 0

    def write(self, path: Path, inputs: str, render: Callable[[], str]) -> Path:
        """Write ``render()`` to ``path`` unless ``inputs`` (what the page reads) are those of the
        previous build's file, which is then reused."""
        name = path.relative_to(self.views).as_posix()
        digest = hashlib.sha256((code_digest() + "\0" + inputs).encode("utf-8")).hexdigest()
        before = self.previous / name
        if self.old.get(name, [None])[0] == digest and self.old[name][1:] == _stamp(before):
            if before != path:
                link_file(before, path)
            self.reused += 1
        else:
            self.rendered += 1
            write_text_atomic(path, render())
        self.new[name] = [digest, *_stamp(path)]
        return path

    def keep(self, path: Path) -> bool:
        """Reuse the previous build's file of a page known to be unchanged without computing its
        inputs (an incremental site step decided so, ``viz.incsite``); False when there is none
        (no manifest entry, or the file was rewritten since): the caller renders the page."""
        name = path.relative_to(self.views).as_posix()
        entry = self.old.get(name)
        before = self.previous / name
        if not entry or entry[1:] != _stamp(before):
            return False
        linked = before != path and link_file(before, path)
        self.reused += 1
        self.new[name] = [entry[0], *(entry[1:] if linked else _stamp(path))]
        return True

    def text(self, path: Path, text: str) -> Path:
        """A page that costs nothing to render: its text is its input."""
        return self.write(path, text, lambda: text)

    def save(self) -> Path:
        """Record the digests of this build's pages (read by the next build)."""
        return write_text_atomic(self.views / MANIFEST, json.dumps(self.new, sort_keys=True, indent=0))


def _stamp(path: Path) -> list[int]:
    """Size and modification time of a page: a page rewritten since (``citykg viz ... -o`` into
    views/) no longer matches its manifest entry and is rendered again."""
    try:
        st = path.stat()
    except OSError:
        return []
    return [st.st_size, st.st_mtime_ns]


def link_file(source: Path, target: Path) -> bool:
    """``target`` becomes the same file as ``source`` (a hard link; a copy across file systems);
    returns True for a link (then ``target`` has ``source``'s size and mtime). Pages are only ever
    replaced by rename, never written in place, so sharing the inode is safe."""
    try:
        os.link(source, target)  # the usual case: a new staging folder, where no page exists yet
        return True
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
        linked = True
    except OSError:
        linked = False
        try:
            shutil.copyfile(source, tmp)
        except OSError as exc:
            raise CitykgError(f"{source}: cannot reuse this page of the previous build ({exc})") from exc
    os.replace(tmp, target)
    return linked
