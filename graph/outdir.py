"""The build's output folder: one builder at a time, outputs staged and swapped in as a set.

* ``locked(out)``: an exclusive, non-blocking ``flock`` on ``OUT/.lock`` holding the
  builder's pid; a second build into the same folder fails at once naming it.
* ``stage_dir(out)``: the build writes ``citykg.trig``, the store, the ontology docs
  and the site into ``OUT/.citykg-build.<pid>/``; ``publish`` renames them into
  ``OUT`` only when every step succeeded, holding the store's lock so that no
  reader refreshes the store from a half-swapped folder. A failed or killed build
  leaves ``OUT`` as it was.
* ``remove_stale(out)``: temp files and folders carry a recognisable prefix and the
  pid of their writer; those of dead processes are removed when the next build starts.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from citykg.errors import BuildError

LOCK_NAME = ".lock"
STAGE_PREFIX = ".citykg-build."
#: the store's own lock (``citykg.store.core.refresh_store`` takes it to rebuild OUT/store)
STORE_LOCK = ".store.lock"
#: temp names of a writer with its pid: ours (.citykg-build.<pid>, .citykg-tmp.<pid>.<name>) and
#: older ones still found in build folders (.citykg.trig.<pid>.tmp, .store.tmp-<pid>, .x.<pid>.tmp)
_TEMP = re.compile(
    r"^\.citykg-(?:build|tmp)\.(\d+)(?:\.|$)|^\.citykg\.trig\.(\d+)\.|^\.store\.(?:tmp|old)-(\d+)$|^\..+\.(\d+)\.tmp$"
)


class BuildLocked(BuildError):
    """Another build holds the output folder."""


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the exclusive build lock of ``out`` (created if needed); BuildLocked when taken."""
    out.mkdir(parents=True, exist_ok=True)
    fh = (out / LOCK_NAME).open("a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES):
            fh.close()
            raise
        fh.seek(0)
        pid = fh.read().strip() or "?"
        fh.close()
        raise BuildLocked(
            f"{out}: another citykg build (pid {pid}) is writing this folder - wait for it or choose another -o folder"
        ) from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.seek(0)
        fh.truncate()
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def pid_alive(pid: int) -> bool:
    """True when a process with ``pid`` exists (ours included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temp_pid(name: str) -> int | None:
    """The writer's pid in a temp file name, or None for any other name.

    >>> [temp_pid(n) for n in (".citykg-build.42", ".citykg-tmp.7.a.nq", ".store.tmp-9", ".x.json.5.tmp", "citykg.trig")]
    [42, 7, 9, 5, None]
    """
    m = _TEMP.match(name)
    return int(next(g for g in m.groups() if g)) if m else None


def remove_stale(out: Path) -> list[Path]:
    """Remove temp files and folders of dead writers in ``out`` and ``out/cache``; returns them."""
    removed = []
    for folder in (out, out / "cache"):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for p in entries:
            pid = temp_pid(p.name)
            if pid is None or pid_alive(pid):
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def stage_dir(out: Path) -> Path:
    """A fresh staging folder inside ``out`` for this process."""
    stage = out / f"{STAGE_PREFIX}{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def discard(stage: Path) -> None:
    shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, out: Path, names: list[str]) -> None:
    """Rename the entries ``names`` of ``stage`` into ``out`` (replacing the old ones), then drop ``stage``.

    The TriG goes last, so a reader that finds the new TriG also finds the new store;
    the store's lock is held meanwhile so that no reader rebuilds the store from the old TriG.
    """
    with (out / STORE_LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for name in names:
            new, target = stage / name, out / name
            if not new.exists():
                continue
            if new.is_dir():
                old = stage / f".old-{name}"
                if target.is_dir() and not target.is_symlink():
                    target.rename(old)
                elif target.exists() or target.is_symlink():
                    target.unlink()
                new.rename(target)
            else:
                os.replace(new, target)
    discard(stage)
