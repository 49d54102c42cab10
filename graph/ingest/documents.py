"""Ingest: files (.txt/.md/.html) -> ``Document`` with normalised text, sentences and metadata.

Decoding is detected (UTF-8 with or without BOM first, then charset-normalizer
limited to the encodings Chinese pages use: GB18030/GBK, Big5, UTF-16), never
guessed blindly. Metadata comes from ``manifest.json`` beside the files, YAML
front matter, or the text itself (title line, date lines, a 来源 line). Every
problem with an input is an ``IngestError`` whose message names the problem in a
few words; the build prints it with the file name and goes on with the others.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

import yaml

from citykg.graph.ingest.dates import infer_date, normalise_date
from citykg.graph.ingest.text import clean_lines, fold, split_sentences
from citykg.graph.records import Document

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MIN_HAN = 10  # fewer Chinese characters than this: not an article
MAX_FRONT_MATTER = 64 * 1024  # characters of YAML front matter (metadata, not the article)
MAX_FRONT_MATTER_NODES = 10_000  # YAML events in front matter
_NUL_SNIFF = 8192  # bytes read for a NUL byte (binary files have one early; text never)
HEADER_LINES = 8  # lines at the top of an article read for its date and outlet
HASH_CHARS = 16  # hex characters of a content hash (64 bits: no collision in any real corpus)
_TITLE_FIND_MIN = 4  # a title this long is looked for in a page to cut the navigation before it
_LINK_LINE_MAX = 20  # trailing lines shorter than this without a full stop are links, not text
_TITLE_MAX = 60  # a first line longer than this is a sentence, not the title
_ENCODINGS = ["utf_8", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "utf_16"]
_MAGIC = {b"%PDF": "PDF", b"PK\x03\x04": "ZIP/Office", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG",
          b"GIF8": "GIF", b"\x1f\x8b": "gzip", b"\x7fELF": "ELF"}  # fmt: skip
_HAN = re.compile(r"[\u3400-\u9fff]")
_OUTLET = re.compile(r"(?:来源|稿源|信息来源|文章来源)\s*[:：]\s*([^\s:：|,，]{2,20})")
_TRAILING_OUTLET = re.compile(
    r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+([^\s\d:：]{2,16})\s*$"
)


_PAPER_HEADER = re.compile(r"^\s*(\S{2,12}?(?:日报|晚报|时报|报|网|新闻))\s+\d{4}年\d{1,2}月\d{1,2}日")


class IngestError(Exception):
    """An input file that cannot become a document; the message names the problem."""


@dataclass
class SourceMeta:
    """Metadata a manifest or front matter gives for a file."""

    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    city: str | None = None

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> SourceMeta:
        def get(*keys: str) -> str | None:
            for k in keys:
                v = raw.get(k)
                if v not in (None, ""):
                    return str(v).strip()
            return None

        return cls(title=get("title"), date=get("published", "date"), outlet=get("outlet", "source", "publisher"),
                   url=get("url", "link"), city=get("city"))  # fmt: skip


# ---------------------------------------------------------------- decoding


def decode(data: bytes) -> str:
    """Bytes of an article -> str; raises IngestError for empty, binary or undecodable input.

    >>> decode("数字政府".encode("gb18030"))
    '数字政府'
    >>> decode(b"\\xef\\xbb\\xbf" + "数字政府".encode())
    '数字政府'
    """
    if not data.strip():
        raise IngestError("empty file")
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"binary file ({kind}), not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError("cannot decode: broken UTF-16") from exc
    if b"\x00" in data[:_NUL_SNIFF]:
        raise IngestError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_ENCODINGS).best()
    if best is None:
        raise IngestError("cannot decode: not UTF-8, GB18030/GBK or Big5 text")
    return str(best)


# ---------------------------------------------------------------- HTML


class _HTMLText(HTMLParser):
    """Visible text of a page, one block per line; script/style/nav furniture dropped."""

    SKIP: ClassVar[set[str]] = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "form",
            "button", "select", "iframe", "svg", "head"}  # fmt: skip
    BLOCK: ClassVar[set[str]] = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
             "table", "ul", "ol", "blockquote", "pre", "dd", "dt", "title"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: str | None = None
        self.meta: dict[str, str] = {}
        self._in_title = False
        self._h1: str | None = None
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            key = (a.get("name") or a.get("property") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"]
        if tag == "title":
            self._in_title = True
        if tag == "h1" and self._h1 is None:
            self._in_h1, self._h1 = True, ""
        if tag in self.SKIP and tag != "head":
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._in_h1 = False
        if tag in self.SKIP and tag != "head" and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
            return
        if self._in_h1 and self._h1 is not None:
            self._h1 += data
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, SourceMeta]:
    """Visible text of an HTML page and what its <title>/<meta> say.

    >>> text, meta = html_to_text("<html><head><title>标题</title><script>x()</script></head>"
    ...                           "<body><nav>首页</nav><p>第一段。</p><p>第二段。</p></body></html>")
    >>> text.split(), meta.title
    (['第一段。', '第二段。'], '标题')
    """
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    m = parser.meta
    page_title = re.split(r"\s+[-_|]\s+|_", (parser.title or "").strip())[0].strip()
    title = (parser._h1 or "").strip() or page_title or None
    date = next((m[k] for k in ("article:published_time", "publishdate", "pubdate", "date") if k in m), None)
    outlet = next((m[k] for k in ("og:site_name", "source", "contentsource") if k in m), None)
    return _main_text("".join(parser.parts), title), SourceMeta(title=title, date=date, outlet=outlet,
                                                                 url=m.get("og:url"))  # fmt: skip


def _main_text(text: str, title: str | None) -> str:
    r"""Page text from the article title on, without the trailing run of short link lines.

    >>> _main_text("首页\n新闻\n某市智慧城市建设\n正文第一句。\n联系我们\n网站地图", "某市智慧城市建设")
    '某市智慧城市建设\n正文第一句。'
    """
    if title and len(title) >= _TITLE_FIND_MIN:
        at = text.find(title)
        if at > 0:
            text = text[at:]
    lines = text.split("\n")
    while len(lines) > 1 and (not lines[-1].strip() or
                              (len(lines[-1].strip()) < _LINK_LINE_MAX and lines[-1].strip()[-1] not in "。!?;！？；")):  # fmt: skip
        lines.pop()
    return "\n".join(lines)


# ---------------------------------------------------------------- front matter and manifest


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str]:
    """YAML front matter (``---`` ... ``---``) and the rest; IngestError when malformed.

    >>> split_front_matter("---\\ntitle: 标题\\ncity: 通化市\\n---\\n正文")
    ({'title': '标题', 'city': '通化市'}, '正文')
    """
    if not text.lstrip("\ufeff").startswith("---"):
        return None, text
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if lines[0].strip() != "---":
        return None, text
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            try:
                raw = _safe_yaml("".join(lines[1:i]))
            except yaml.YAMLError as exc:
                line = getattr(getattr(exc, "problem_mark", None), "line", None)
                where = f" at line {line + 2}" if line is not None else ""
                raise IngestError(
                    f"malformed front matter{where}: fix the YAML between the --- lines"
                ) from exc
            if not isinstance(raw, dict):
                raise IngestError("malformed front matter: expected key: value pairs between the --- lines")
            return raw, "".join(lines[i + 1 :])
    raise IngestError("malformed front matter: no closing --- line")


def _safe_yaml(source: str) -> Any:
    r"""``yaml.safe_load`` of front matter that cannot blow up: no anchors or aliases, bounded size.

    safe_load alone expands aliases (a 360-byte "billion laughs" becomes gigabytes),
    so the events are checked first, which costs time linear in the text.

    >>> _safe_yaml("title: 标题\ntags: [a, b]")
    {'title': '标题', 'tags': ['a', 'b']}
    >>> try:
    ...     _safe_yaml("a: &x [1]\nb: [*x, *x]")
    ... except IngestError as exc:
    ...     print(exc)
    front matter uses YAML anchors or aliases (&, *): write plain key: value pairs
    """
    if len(source) > MAX_FRONT_MATTER:
        raise IngestError(f"front matter too long ({len(source):,} characters > {MAX_FRONT_MATTER:,})")
    for n, event in enumerate(yaml.parse(source, Loader=yaml.SafeLoader)):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise IngestError("front matter uses YAML anchors or aliases (&, *): write plain key: value pairs")
        if n > MAX_FRONT_MATTER_NODES:
            raise IngestError(f"front matter too large (more than {MAX_FRONT_MATTER_NODES:,} YAML nodes)")
    return yaml.safe_load(source) or {}


def load_manifest(folder: Path) -> dict[str, SourceMeta]:
    """``folder/manifest.json`` -> {file name: metadata}; IngestError (naming it) when malformed."""
    path = folder / "manifest.json"
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"malformed manifest ({exc}); its metadata is ignored") from exc
    entries = raw.get("documents", raw.get("files")) if isinstance(raw, dict) else raw
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("file"), str) for e in entries
    ):
        raise IngestError(
            'malformed manifest: expected a list of {"file": ..., "title": ...}; its metadata is ignored'
        )
    return {e["file"]: SourceMeta.from_mapping(e) for e in entries}


# ---------------------------------------------------------------- metadata inference


def infer_outlet(text: str) -> str | None:
    """The outlet named by a 来源: line or a "date outlet" header line.

    >>> infer_outlet("2023-09-07来源: 吉林日报\\n正文"), infer_outlet("2024-12-21 14:39   大众网")
    ('吉林日报', '大众网')
    >>> infer_outlet("标题\\n某某日报 2024年1月10日 第A1版\\n正文")
    '某某日报'
    """
    m = _OUTLET.search(text)
    if m:
        return m.group(1)
    for line in text.splitlines()[:HEADER_LINES]:
        m = _TRAILING_OUTLET.match(line) or _PAPER_HEADER.match(line)
        if m:
            return m.group(1)
    return None


def content_hash(text: str) -> str:
    """Short sha256 hex of the normalised text (the document's identity)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


# ---------------------------------------------------------------- documents


def document_from_text(text: str, file_name: str, *, markdown: bool = False, **meta: Any) -> Document:
    """A ``Document`` from decoded article text (metadata keywords: title, date, outlet, url, city)."""
    given = SourceMeta.from_mapping(meta)
    raw_folded = fold(text)
    body = "\n".join(clean_lines(raw_folded, markdown=markdown))  # ``normalise``, the text folded once
    if len(list(islice(_HAN.finditer(body), MIN_HAN))) < MIN_HAN:  # counting stops at MIN_HAN
        raise IngestError("no Chinese text (fewer than 10 Chinese characters after cleaning)")
    head = "\n".join(raw_folded.strip().splitlines()[:HEADER_LINES])
    first_line = body.split("\n", 1)[0]
    title = fold(given.title) if given.title else (first_line if len(first_line) <= _TITLE_MAX else None)
    date = normalise_date(given.date) or infer_date(head, raw_folded)
    doc = Document(
        file_name=file_name,
        text=body,
        sentences=split_sentences(body),
        content_hash=content_hash(body),
        title=title,
        date=date,
        outlet=given.outlet or infer_outlet(raw_folded),
        url=given.url,
        city_hint=fold(given.city) if given.city else None,
    )
    return doc


def read_document(path: Path | str, meta: SourceMeta | dict[str, Any] | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> Document:  # fmt: skip
    """Read one article file into a ``Document``; IngestError names what is wrong with it.

    ``meta`` (e.g. its manifest entry) overrides front matter, which overrides
    what is inferred from the text.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError("file not found")
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(
            f"too large ({size:,} bytes > limit {max_bytes:,}; raise --max-bytes to include it)"
        )
    text = decode(path.read_bytes())
    suffix = path.suffix.lower()
    found = SourceMeta()
    if suffix in (".html", ".htm"):
        text, found = html_to_text(text)
    else:
        front, text = split_front_matter(text)
        if front:
            found = SourceMeta.from_mapping(front)
    given = meta if isinstance(meta, SourceMeta) else SourceMeta.from_mapping(meta or {})
    merged = {k: getattr(given, k) or getattr(found, k) for k in ("title", "date", "outlet", "url", "city")}
    doc = document_from_text(text, path.name, markdown=suffix in (".md", ".markdown"), **merged)
    doc.path = path
    return doc
