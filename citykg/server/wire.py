"""The lean HTTP/1.1 layer of ``citykg serve``: request heads in, whole responses out.

The stdlib handler parses every request's headers with the ``email`` package and
writes each header, the date and an access-log line separately; with many
keep-alive clients asking cheap (often remembered) questions, that bookkeeping
was most of a request's cost. Here a well-formed HTTP/1.0 or 1.1 request head is
read line by line into a plain dict (anything unusual falls back to the stdlib
parser, which answers it with the right error), a response is one byte string
(head and body: one ``sendall``), the ``Date`` header is formatted once a
second, and access-log lines are written in batches.
"""

from __future__ import annotations

import email.utils
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import IO, Any

#: Longest accepted header line, and most header lines in one request (the stdlib's limits).
MAX_LINE = 65536
MAX_HEADERS = 100
#: Seconds between two writes of the batched access log.
LOG_FLUSH_SECONDS = 0.25
PHRASES = {s.value: s.phrase for s in HTTPStatus}
END_OF_HEAD = (b"\r\n", b"\n", b"")


class Headers(dict):
    """Request headers by lower-cased name (the first of repeated ones); ``get`` ignores case.

    >>> Headers({"accept": "text/csv"}).get("Accept"), Headers().get("Origin", "")
    ('text/csv', '')
    """

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return dict.get(self, name.lower(), default)


def read_headers(rfile: IO[bytes]) -> Headers | str:
    """The header lines up to the blank line, or a message saying why they were refused.

    >>> import io
    >>> read_headers(io.BytesIO(b"Host: x\\r\\nAccept: a,\\r\\n  b\\r\\nACCEPT: c\\r\\n\\r\\nbody"))
    {'host': 'x', 'accept': 'a, b'}
    """
    headers = Headers()
    last = ""
    for _ in range(MAX_HEADERS + 1):
        line = rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            return "Line too long"
        if line in END_OF_HEAD:
            return headers
        text = line.decode("iso-8859-1")
        if text[0] in " \t" and last:  # an obsolete folded continuation line
            headers[last] = f"{headers[last]} {text.strip()}"
            continue
        name, sep, value = text.partition(":")
        if sep:
            last = name.strip().lower()
            headers.setdefault(last, value.strip())
    return "Too many headers"


_DATE: list[Any] = [0, ""]


def http_date() -> str:
    """The ``Date`` header value, formatted at most once a second."""
    now = int(time.time())
    if _DATE[0] != now:
        _DATE[:] = [now, email.utils.formatdate(now, usegmt=True)]
    return _DATE[1]


def response_head(status: int, server: str, headers: list[tuple[str, str]]) -> bytes:
    """Status line and headers of a response, ready to send before the body.

    >>> response_head(200, "s", [("Content-Length", "0")]).split(b"\\r\\n")[0]
    b'HTTP/1.1 200 OK'
    """
    lines = [f"HTTP/1.1 {status} {PHRASES.get(status, '')}\r\nServer: {server}\r\nDate: {http_date()}\r\n"]
    lines += [f"{k}: {v}\r\n" for k, v in headers]
    lines.append("\r\n")
    return "".join(lines).encode("latin-1", "strict")


class AccessLog:
    """Access-log lines to stderr, written in batches by a background thread."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def write(self, line: str) -> None:
        with self.lock:
            self.lines.append(line)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(LOG_FLUSH_SECONDS)
            self.flush()

    def flush(self) -> None:
        with self.lock:
            lines, self.lines = self.lines, []
        if lines:
            try:
                sys.stderr.write("".join(lines))
                sys.stderr.flush()
            except (OSError, ValueError):
                pass  # stderr closed: the log is best effort


class LeanHandler(BaseHTTPRequestHandler):
    """``BaseHTTPRequestHandler`` with the fast request-head parser and batched logging."""

    protocol_version = "HTTP/1.1"
    access_log = AccessLog()
    quiet = False

    def parse_request(self) -> bool:
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = line.split()
        if len(words) != 3 or words[2] not in ("HTTP/1.1", "HTTP/1.0"):
            return super().parse_request()  # unusual or malformed: the stdlib answers it
        self.requestline = line
        self.command, self.path, self.request_version = words
        if self.path.startswith("//"):  # as the stdlib does (gh-87389: no open redirects)
            self.path = "/" + self.path.lstrip("/")
        headers = read_headers(self.rfile)
        if isinstance(headers, str):
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, headers)
            return False
        self.headers = headers  # type: ignore[assignment]
        connection = headers.get("Connection", "").lower()
        self.close_connection = connection == "close" or (
            self.request_version == "HTTP/1.0" and connection != "keep-alive"
        )
        if headers.get("Expect", "").lower() == "100-continue" and self.request_version == "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            self.access_log.write(f"{self.address_string()} {format % args}\n")
