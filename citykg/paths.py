"""Where the bundled data lives, installed or in a source checkout.

The data folders (``ontology/``, ``queries/``, ``corpus/``) sit at the top of the
source tree and are installed as ``citykg.<name>``; an editable install does not
expose data-only folders as packages, so fall back to the checkout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from citykg.errors import StoreError

_CHECKOUT = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """Return the folder of bundled data ``name`` ("ontology", "queries" or "corpus")."""
    local = _CHECKOUT / name
    if local.is_dir():
        return local
    # installed: the data folders are installed inside the citykg package (citykg/ontology/ ...);
    # they hold no __init__.py, so importlib.resources would hand back a namespace MultiplexedPath
    return Path(__file__).resolve().parent / name


def ontology_dir() -> Path:
    return data_dir("ontology")


def queries_dir() -> Path:
    return data_dir("queries")


def corpus_dir() -> Path:
    """The bundled sample corpus (five seed articles with their manifest)."""
    return data_dir("corpus") / "seeds"


DEFAULT_OUT = Path("out")
TRIG_NAME = "citykg.trig"
#: Sub-folder of a build holding the persistent pyoxigraph store of ``citykg.trig``.
STORE_DIR = "store"
#: The dataset files a build (or ``--data``) may name, by suffix.
RDF_SUFFIXES = (".trig", ".nq", ".ttl", ".nt")


@dataclass(frozen=True)
class Build:
    """Where one build lives: its output folder, its dataset file and its persistent store."""

    out_dir: Path
    trig: Path

    @property
    def store_dir(self) -> Path:
        """``OUT/store`` for ``OUT/citykg.trig``; ``NAME.store`` next to any other dataset file.

        >>> Build(Path("out"), Path("out/citykg.trig")).store_dir.as_posix()
        'out/store'
        >>> Build(Path("x"), Path("x/mini.trig")).store_dir.as_posix()
        'x/mini.store'
        """
        name = STORE_DIR if self.trig.name == TRIG_NAME else f"{self.trig.stem}.store"
        return self.trig.parent / name


def build_path(data: Path | str | None = None) -> Build:
    """The build ``--data`` names, without checking it exists: an OUT folder, a dataset file or None.

    A folder (or a name without a suffix) means ``FOLDER/citykg.trig``; a file is the dataset itself.

    >>> build_path(None).trig.as_posix(), build_path("runs/a").trig.as_posix()
    ('out/citykg.trig', 'runs/a/citykg.trig')
    >>> b = build_path("runs/a/mini.nq"); (b.out_dir.as_posix(), b.trig.name)
    ('runs/a', 'mini.nq')
    """
    path = Path(data) if data is not None else DEFAULT_OUT
    if path.is_dir() or not path.suffix:
        return Build(path, path / TRIG_NAME)
    return Build(path.parent, path)


def locate_build(data: Path | str | None = None) -> Build:
    """The one rule every command uses to find a build; a one-line :class:`StoreError` if there is none."""
    build = build_path(data)
    if not build.trig.is_file():
        shown = Path(data) if data is not None else DEFAULT_OUT
        raise StoreError(
            f'No dataset at {shown}: {build.trig} does not exist - run "citykg build" to create it '
            "(or pass --data OUT)."
        )
    if build.trig.suffix not in RDF_SUFFIXES:
        raise StoreError(f"{build.trig}: unsupported dataset format - pass a .trig, .nq, .ttl or .nt file.")
    return build
