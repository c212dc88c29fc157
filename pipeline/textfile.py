"""Plain-text inputs: reading and decoding bytes, .txt/.md parsing, and the shared text layout.

Article text layout (every ingest path produces it through ``join_blocks``):
blocks are separated by one blank line; a block is either one line of prose or heading,
or a run of list items, one per line, each starting with ``- ``, or (plain text only) a run of
prose lines. Hard-wrapped lines of a paragraph are joined with a space, so a sentence never spans
a line break; a line that stands alone without a blank line after it (a headline, dateline or
key point without a full stop, as in text pasted from word processors: ``_standalone_lines``)
keeps its line break, so it is never glued to the sentence after it.

Title handling for .txt/.md without front matter: a short first line (< 150 characters, not
ending in ``.``, ``,``, ``:`` or ``;``, not a list item) followed by a blank line is the title.
It is taken OUT of the text, as for web pages, so the same article yields the same text
whatever its format. A first line underlined with ``===`` is the title too, and so is a
first ``# heading`` in Markdown. Lines underlined with ``---`` become headings; bare rules are dropped.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.errors import InputError
from pipeline.records import KINDS, Article

FRONT_MATTER_KEYS = ("title", "source", "url", "published", "kind", "story", "id")
_FRONT_MATTER_LINE = re.compile(r"^\s*[A-Za-z_][\w-]*\s*:")
_TITLE_MAX = 150

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
# C0/C1 controls other than tab/newline: invisible, and they break JSON/CSV consumers downstream.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Invisible characters that split words for the matcher: soft hyphen, zero-width space, stray BOM.
_INVISIBLE = re.compile("[\u00ad\u200b\ufeff]")
_BULLET = re.compile(r"^\s*(?:[-*+\u2022\u25aa\u25cf\u00b7]|\d{1,3}[.)])\s+(?=\S)")
# Bullet glyphs always; "-"/"*" only when a space follows, so "-5 degrees" keeps its sign.
_ITEM_LEAD = re.compile(r"^(?:[\u2022\u25aa\u25cf\u00b7]\s*|[-*\u2013]\s+)+")


# --- bytes -----------------------------------------------------------------


def read_bytes(path: str, max_bytes: int) -> bytes:
    """A regular file's bytes; InputError if missing, unreadable, empty or over ``max_bytes``."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, "not a regular file")
        if info.st_size > max_bytes:
            raise InputError(path, f"too large ({info.st_size} bytes; the limit ingest.max_bytes is {max_bytes})")
        with open(path, "rb") as fh:
            # Read one byte past the cap: the file may have grown since stat.
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(path, "no such file or folder") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(path, f"too large (more than {max_bytes} bytes, the limit ingest.max_bytes)")
    if not data:
        raise InputError(path, "empty file")
    return data


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(head) * 0.1


def decode_bytes(data: bytes, path: str = "", *, declared: str = "", html: bool = False) -> str:
    """Bytes to text: UTF-16/UTF-8 BOM, UTF-8, ``declared`` charset, HTML meta charset, cp1252, latin-1.

    Never fails on odd bytes; raises InputError only for binary data (NUL or many control bytes).
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if _looks_binary(data):
        raise InputError(path, "binary file, not text")
    candidates = ["utf-8", declared]
    if html:
        match = _META_CHARSET.search(data[:8192])
        if match:
            candidates.append(match.group(1).decode("ascii"))
    candidates.append("cp1252")
    for name in candidates:
        if not name:
            continue
        try:
            codec = codecs.lookup(name).name
            # Real UTF-16 has a BOM or NUL bytes (handled above); this declaration is wrong.
            if codec.startswith("utf-16") or codec.startswith("utf-32"):
                continue
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1", errors="replace")


# --- text layout -----------------------------------------------------------


def clean_inline(text: str) -> str:
    """One line: controls and invisibles removed, whitespace collapsed, NFC, no lone surrogates."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    return unicodedata.normalize("NFC", " ".join(text.split()))


def clean_item(text: str) -> str:
    """A list item's text without any bullet characters the source put in front of it."""
    return _ITEM_LEAD.sub("", clean_inline(text))


def join_blocks(blocks) -> str:
    """Render ``[(kind, text)]`` (kind "p", "h", "li", or "lines": prose lines joined with line
    breaks) in the article text layout."""
    parts: list[str] = []
    items: list[str] = []
    for kind, raw in blocks:
        if kind == "lines":
            text = "\n".join(filter(None, (clean_inline(line) for line in raw.split("\n"))))
        else:
            text = clean_item(raw) if kind == "li" else clean_inline(raw)
        if kind == "h":
            text = text.rstrip(".").rstrip()
        if not text:
            continue
        if kind == "li":
            items.append("- " + text)
            continue
        if items:
            parts.append("\n".join(items))
            items = []
        parts.append(text)
    if items:
        parts.append("\n".join(items))
    return "\n\n".join(parts)


def same_text(a: str, b: str) -> bool:
    """Equal up to case, spacing and surrounding punctuation (for spotting a repeated title)."""
    def norm(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", clean_inline(s).casefold()).split())

    return bool(norm(a)) and norm(a) == norm(b)


def article_id(source: str, title: str, text: str) -> str:
    """The first 12 hex of sha1(source, title, text): stable across runs and machines."""
    return hashlib.sha1(f"{source}\n{title}\n{text}".encode("utf-8")).hexdigest()[:12]


def check_kind(kind: str, where: str) -> str:
    """``kind`` lower-cased if it is one of records.KINDS, else InputError naming the allowed values."""
    if kind.strip().lower() not in KINDS:
        raise InputError(where, f"kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind.strip().lower()


def url_host(url: str) -> str:
    """The host of an http(s) URL without "www.", else "" (also for malformed URLs)."""
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            return ""
    except ValueError:  # e.g. "http://[::1" from a page's own tags
        return ""
    host = (parts.hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def default_source(path: str, url: str = "") -> str:
    """The source when the input names none: the URL's host, else the file stem."""
    return url_host(url) or (Path(path).stem if path else "")


# --- .txt and .md ----------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split ``---``-delimited ``key: value`` lines at the very top; ({}, text) if there are none.

    Only the keys in FRONT_MATTER_KEYS are kept. A block with any other kind of line is not front
    matter (a text may open with a ``---`` rule) and stays in the text.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        return {}, text  # no closing line: a horizontal rule, not front matter
    meta = {}
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not _FRONT_MATTER_LINE.match(line):
            return {}, text
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if key in FRONT_MATTER_KEYS:
            meta[key] = value
    return meta, "\n".join(lines[end + 1:])


_MD_RULES = [
    # URLs may hold one level of balanced parentheses: [text](https://e.org/a_(b)), [x](javascript:f(1))
    (re.compile(r"!\[[^\]]*\]\((?:[^()\n]|\([^()\n]*\))*\)"), ""),                 # images
    (re.compile(r"\[([^\]]+)\]\((?:[^()\n]|\([^()\n]*\))*\)"), r"\1"),             # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),            # [text][ref]
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),              # autolinks
    (re.compile(r"`([^`]+)`"), r"\1"),                         # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),     # strong
    # Single * or _ only between non-word characters, so snake_case and 2*3 survive.
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])"), r"\1"),       # backslash escapes
]
_MD_DROP_LINE = re.compile(r"^\s*(?:\[[^\]]+\]:\s*\S+.*|```.*|~~~.*|\|.*\|)$")  # link defs, fences, tables
_RULE = re.compile(r"^\s*([-=*_~])(?:\s*\1){2,}\s*$")  # ---, ===, * * *: decoration or an underline
_UNDERLINE = re.compile(r"^\s*(?:={3,}|-{3,})\s*$")
_UNDERLINE_TITLE = re.compile(r"^\s*={3,}\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# A line ending in one of these marks (closing quotes and brackets skipped) goes on, or ends a
# sentence that may run on: only unpunctuated lines can stand alone.
_LINE_CONTINUES = ".!?…:;,-–—&/"
_LINE_CLOSERS = "\"'”’)]»"
_LINE_OPENERS = "\"'“‘(«["
_WRAP_MAX = 120  # editors hard-wrap at 72-100 characters


def _markdown_inline(line: str) -> str:
    for pattern, repl in _MD_RULES:
        line = pattern.sub(repl, line)
    return line


def _standalone_lines(lines: list[str]) -> set[int]:
    """Indices of prose lines that end their paragraph although no blank line follows them (a
    headline, dateline or standfirst above the text, as in text pasted from word processors): the
    line has no closing punctuation, the next line starts with a capital or a digit, and the next
    line's first word would have fitted on this line, so the break is not a hard wrap."""
    flat = [" ".join(line.split()) for line in lines]
    width = max(map(len, flat), default=0)
    wrapped = width <= _WRAP_MAX  # longer lines: one paragraph per line, nothing is hard-wrapped
    out = set()
    for i in range(len(flat) - 1):
        tail, following = flat[i].rstrip(_LINE_CLOSERS), flat[i + 1].lstrip(_LINE_OPENERS)
        if not tail or tail[-1] in _LINE_CONTINUES or not following:
            continue
        if not (following[0].isupper() or following[0].isdigit()):
            continue  # "... the risk of\nheart disease": a wrapped sentence
        if not wrapped or len(flat[i]) + 1 + len(following.split()[0]) <= width:
            out.add(i)
    return out


def _line_blocks(lines: list[str], markdown: bool):
    """Blocks of one blank-line-separated chunk: prose lines join, list items split, indents continue
    items; a standalone line (``_standalone_lines``) keeps its line breaks ("lines" block)."""
    blocks: list[list] = []
    alone = _standalone_lines(lines)
    for i, line in enumerate(lines):
        if _RULE.match(line):
            continue
        # An underlined line is a heading, unless it is a sentence and the "underline" a rule.
        if (i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1]) and not _BULLET.match(line)
                and not line.rstrip().endswith(".")):
            blocks.append(["h", _markdown_inline(line) if markdown else line])
            continue
        if markdown:
            if _MD_DROP_LINE.match(line):
                continue
            heading = _MD_HEADING.match(line)
            if heading:
                blocks.append(["h", _markdown_inline(heading.group(2))])
                continue
            line = re.sub(r"^\s{0,3}(?:>\s?)+", "", line)  # blockquote markers
            line = _markdown_inline(line)
        bullet = _BULLET.match(line)
        if bullet:
            blocks.append(["li", line[bullet.end():]])
        elif blocks and blocks[-1][0] == "li" and line[:1].isspace():
            blocks[-1][1] += " " + line  # indented continuation of a wrapped list item
        elif blocks and blocks[-1][0] in ("p", "lines"):
            if i - 1 in alone:  # the line before ends its paragraph: keep the break
                blocks[-1][0] = "lines"
                blocks[-1][1] += "\n" + line
            else:
                blocks[-1][1] += " " + line  # hard-wrapped prose
        else:
            blocks.append(["p", line])
    return [tuple(b) for b in blocks]


def _take_title(chunks: list[list[str]], markdown: bool) -> str:
    """Pop and return the title chunk (see module docstring), or ""."""
    if not chunks:
        return ""
    first = chunks[0]
    heading = _MD_HEADING.match(first[0]) if markdown else None
    if heading and len(heading.group(1)) > 1:
        return ""  # the document opens with a section heading, not a title
    underlined = len(first) > 1 and _UNDERLINE_TITLE.match(first[1])
    if heading or underlined:
        line = heading.group(2) if heading else first[0]
        del first[:1 if heading else 2]
        if not first:
            chunks.pop(0)
        return clean_inline(_markdown_inline(line) if markdown else line)
    line = clean_inline(_markdown_inline(first[0]) if markdown else first[0])
    if (len(first) == 1 and len(chunks) > 1 and 0 < len(line) < _TITLE_MAX
            and not line.endswith((".", ",", ":", ";")) and not _BULLET.match(first[0])):
        chunks.pop(0)
        return line
    return ""


def normalise_newlines(text: str) -> str:
    """\\r\\n and \\r to \\n, form feeds to newlines, tabs to spaces, trailing spaces stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    return "\n".join(line.replace("\t", "    ").rstrip() for line in text.split("\n"))


def _chunks(text: str) -> list[list[str]]:
    """Non-blank lines grouped by the blank lines between them."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def layout_text(text: str, *, markdown: bool = False) -> str:
    """Any plain text in the article layout (no front matter or title handling)."""
    chunks = _chunks(normalise_newlines(text))
    return join_blocks(block for chunk in chunks for block in _line_blocks(chunk, markdown))


def parse_text(text: str, *, path: str = "", url: str = "", markdown: bool = False) -> Article:
    """A .txt or .md document (optionally with front matter) as an Article; InputError if it holds no text."""
    where = path or url or "<text>"
    meta, body = split_front_matter(normalise_newlines(text))
    chunks = _chunks(body)
    title = meta.get("title") or _take_title(chunks, markdown)
    blocks = [block for chunk in chunks for block in _line_blocks(chunk, markdown)]
    if blocks and meta.get("title") and same_text(blocks[0][1], title):
        blocks = blocks[1:]
    article_text = join_blocks(blocks)
    if not article_text:
        raise InputError(where, "empty file (no text)" if not title else "no article text after the title")
    url = meta.get("url") or url
    source = meta.get("source") or default_source(path, url)
    kind = check_kind(meta.get("kind") or "news", where)
    return Article(
        article_id=meta.get("id") or article_id(source, title, article_text),
        text=article_text,
        title=title,
        source=source,
        url=url,
        path=path,
        published=meta.get("published", ""),
        kind=kind,
        story=meta.get("story", ""),
        meta={"format": "markdown" if markdown else "text"},
    )
