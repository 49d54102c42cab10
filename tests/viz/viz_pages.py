"""Helpers the browser tests share (imported by module name: pytest puts tests/viz on sys.path)."""

from __future__ import annotations

import json
import re
from typing import Any

from citykg.viz.packed import PACKED_TYPE, unpack

READY_POLL_MS = 50  # how often wait_until polls the page
READY_TIMEOUT_MS = 20000


def wait_until(page: Any, expression: str, timeout_ms: int = READY_TIMEOUT_MS) -> None:
    """Poll ``expression`` until it is truthy (page.wait_for_function would need the page's CSP
    to allow eval, which the views forbid)."""
    for _ in range(max(1, timeout_ms // READY_POLL_MS)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(READY_POLL_MS)
    raise AssertionError(f"page never satisfied {expression!r}")


def embedded(html: str, element_id: str) -> Any:
    """The data a page carries in its <script id=element_id>: packed (a site page) or plain JSON."""
    found = re.search(rf'<script type="([^"]+)" id="{element_id}"[^>]*>(.*?)</script>', html, re.S)
    assert found, f"no #{element_id} data in the page"
    return unpack(found.group(2)) if found.group(1) == PACKED_TYPE else json.loads(found.group(2))
