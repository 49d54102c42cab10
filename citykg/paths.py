"""Where the bundled data lives, installed or in a source checkout.

The data folders (``ontology/``, ``queries/``, ``corpus/``) sit at the top of the
source tree and are installed as ``citykg.<name>``; an editable install does not
expose data-only folders as packages, so fall back to the checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """Return the folder of bundled data ``name`` ("ontology", "queries" or "corpus")."""
    local = _CHECKOUT / name
    if local.is_dir():
        return local
    return Path(str(resources.files(f"citykg.{name}")))


def ontology_dir() -> Path:
    return data_dir("ontology")


def queries_dir() -> Path:
    return data_dir("queries")


def corpus_dir() -> Path:
    """The bundled sample corpus (five seed articles with their manifest)."""
    return data_dir("corpus") / "seeds"


DEFAULT_OUT = Path("out")
TRIG_NAME = "citykg.trig"
