"""Pause Python's cyclic garbage collector around allocation-heavy work.

The build and the site step make hundreds of thousands of small, long-lived
containers (records, items, scores) that form no reference cycles. Each
collection they trigger only walks them again; reference counting still frees
them. One context manager for every such place, so that each restores the
collector exactly as it found it (enabled or not) also on error or early close.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Run the block without the cyclic collector; afterwards it is as it was before.

    >>> was = gc.isenabled()
    >>> with no_cyclic_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled() == was
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
