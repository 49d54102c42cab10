"""Fixtures for the viz tests: the mini TriG, one headless Chromium per session, an offline page opener."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from citykg.testing import require_tool

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def mini_trig() -> Path:
    """A small hand-made build (3 cities, 9 initiatives, 4 observations, 1 analogy)."""
    return FIXTURES / "viz-mini.trig"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the whole session (skips locally when missing, fails in CI)."""
    exe = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Opened:
    page: Any
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt messages
    network: list[str] = field(default_factory=list)  # non-file:// requests (all aborted)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[Path | str], Opened]]:
    """Open a local HTML file with every non-file:// request aborted and recorded."""
    contexts = []

    def _open(path: Path | str) -> Opened:
        ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(ctx)
        page = ctx.new_page()
        opened = Opened(page)

        def route(r: Any) -> None:
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                opened.network.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: opened.errors.append(str(exc)))

        def dialog(d: Any) -> None:
            opened.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(path if isinstance(path, str) else path.resolve().as_uri())  # a str: a URL (with #state)
        return opened

    yield _open
    for ctx in contexts:
        ctx.close()
