"""Page data packed as base64 of raw deflate, which the site's pages inflate in the browser.

At 2,000 articles the site's JSON (graph pages' nodes, readers' mentions, the
articles' text) was ~100 MB; the same JSON deflated is 3-5x smaller even after
base64's 4/3. The browser inflates it with its own ``DecompressionStream(
"deflate-raw")`` (Chromium >= 103, Firefox >= 113, Safari >= 16.4; no library,
works from ``file://``): OUT/assets/packed.js (``citykgUnpack``). A packed
value is plain base64 text, so it cannot end its ``<script>`` element or become
markup; once inflated it is the same JSON as before, parsed with ``JSON.parse``
and written into the DOM as text. Single views (``citykg viz ... -o FILE``) keep
plain JSON, so they open alone in any browser.
"""

from __future__ import annotations

import base64
import json
import zlib

PACKED_JS = "packed.js"  # under OUT/assets/: citykgUnpack and citykgDoc
#: the type of a <script> element holding packed data (not JavaScript, so the browser never runs it)
PACKED_TYPE = "application/x-citykg-packed"
#: zlib's default level: on the 2,000-article site's data (94.6 MB of JSON) level 9 packs 0.3% smaller
#: (40.30 vs 40.43 MB) for 1.8x the CPU (4.6 vs 2.6 s)
LEVEL = 6
RAW_DEFLATE = -15  # negative window bits = raw deflate (no zlib header), what "deflate-raw" reads
MEMORY = 9  # zlib's largest memLevel (faster, same output size or smaller)


def pack_bytes(data: bytes) -> str:
    """``data`` deflated (raw, no header) and in base64.

    >>> pack_bytes(b"")
    'AwA='
    """
    z = zlib.compressobj(LEVEL, zlib.DEFLATED, RAW_DEFLATE, MEMORY)
    return base64.b64encode(z.compress(data) + z.flush()).decode("ascii")


def pack(value: object) -> str:
    """``value`` as compact JSON, deflated, in base64 (see the module docstring).

    >>> unpack(pack({"a": ["</script>", 1.5]}))
    {'a': ['</script>', 1.5]}
    """
    return pack_json(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def pack_json(text: str) -> str:
    """Already serialised JSON, packed.

    >>> unpack(pack_json('{"x": "\\\\u003c"}'))
    {'x': '<'}
    """
    return pack_bytes(text.encode("utf-8"))


def unpack(packed: str) -> object:
    """The JSON value a packed string holds (what the page's ``citykgUnpack`` gives)."""
    return json.loads(zlib.decompress(base64.b64decode(packed), RAW_DEFLATE).decode("utf-8"))


def packed_element(element_id: str, value: object, attrs: str = "") -> str:
    """A <script> element that carries ``value`` packed (data only: the browser does not run it);
    ``attrs``: more attributes, already escaped.

    >>> packed_element("ck-x", [], 'data-a="b"')
    '<script type="application/x-citykg-packed" id="ck-x" data-a="b">i44FAA==</script>'
    """
    more = f" {attrs}" if attrs else ""
    return f'<script type="{PACKED_TYPE}" id="{element_id}"{more}>{pack(value)}</script>'
