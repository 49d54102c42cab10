"""The static files of the query page: the page itself, its script and the vendored editor.

Everything is served from the package (``citykg/server/assets/``): no CDN, so the
page works offline; the Content-Security-Policy allows this server's own files only.
"""

from __future__ import annotations

import functools
from pathlib import Path

from citykg.server.page import APP_JS, PAGE_HTML

ASSETS = Path(__file__).parent / "assets"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'"
)
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}
Static = tuple[int, str, bytes, dict[str, str]]


@functools.lru_cache(maxsize=64)
def page(path: str) -> Static | None:
    """The static reply for ``path``, or None when it is not a static file.

    >>> page("/")[0], page("/assets/../endpoint.py")
    (200, None)
    """
    if path in ("/", "/index.html"):
        return 200, "text/html; charset=utf-8", PAGE_HTML.encode(), {"Content-Security-Policy": CSP}
    if path == "/app.js":
        return 200, TYPES[".js"], APP_JS.encode(), {}
    if path.startswith("/assets/"):
        name = path[len("/assets/") :]
        if "/" in name or name.startswith(".") or not (ASSETS / name).is_file():
            return None
        body = (ASSETS / name).read_bytes()
        return (
            200,
            TYPES.get(Path(name).suffix, "application/octet-stream"),
            body,
            {"Cache-Control": "max-age=3600"},
        )
    return None
