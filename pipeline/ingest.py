"""Inputs (files, folders, http(s) URLs) to Article records, or Skipped with the reason."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Iterator

from pipeline.errors import DEBUG_ENV, InputError
from pipeline.records import Article, Skipped, public_path
from pipeline.textfile import article_id, check_kind, decode_bytes, layout_text, parse_text, read_bytes

SUFFIXES = (".html", ".htm", ".txt", ".md", ".jsonl")
JSONL_FIELDS = ("id", "title", "source", "url", "published", "kind", "story")
_HTML_SUFFIXES = (".html", ".htm")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?/?>")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
_LINKED_FOLDER = "symbolic link to a folder: not followed (name the folder itself to read it)"


def iter_inputs(inputs: list[str], *, params: dict | None = None, on_source=None) -> Iterator[Article | Skipped]:
    """Articles from files, folders (recursed, sorted) and http(s) URLs, in the order given.

    Never raises for a bad input: yields ``Skipped(path, reason)`` instead. Folders yield only
    files with a supported suffix and skip hidden (dot) entries; a file or URL named twice is read once.
    ``params`` defaults to ``pipeline.settings.load_params()``; ``params["ingest"]`` sets the limits.
    ``on_source(path_or_url)``, if given, is called just before each file or URL is read; when it
    returns False the source is not read (``run --resume`` skips what an earlier run finished).
    Paths are passed and Skipped as the file system names them (a name that is not UTF-8 keeps its
    bytes as surrogates, so it can be opened again); Article.path is the public, escaped form.
    """
    limits = _limits(params)
    for unit in sources(inputs):
        if isinstance(unit, Skipped):
            yield unit
        elif on_source is None or on_source(unit):
            if _URL.match(unit):
                yield _attempt(unit, _from_url, unit, limits)
            else:
                yield from _from_file(unit, limits)


def sources(inputs) -> Iterator[str | Skipped]:
    """What ``iter_inputs`` reads, in its order, without reading anything: each file (once, by real
    path) and URL (once), and a Skipped for each bad path. ``run --resume`` compares it with the
    checkpoint to find inputs that were added, removed or renamed."""
    seen: set[str] = set()
    for raw in inputs:
        raw = str(raw)
        if _URL.match(raw):
            if raw not in seen:
                seen.add(raw)
                yield raw
            continue
        for item in _expand(raw):
            if isinstance(item, Skipped):
                yield item
                continue
            key = os.path.realpath(item)
            if key not in seen:
                seen.add(key)
                yield item


def _limits(params: dict | None) -> dict:
    from pipeline.settings import DEFAULTS, load_params

    if params is None:
        params = load_params()
    return {**DEFAULTS["ingest"], **(params.get("ingest") or {})}


def _attempt(where: str, fn, *args):
    """``fn(*args)``, or Skipped(where, reason) if it fails: one odd input never stops the others."""
    try:
        return fn(*args)
    except InputError as exc:
        return Skipped(where, exc.reason)
    except Exception as exc:  # noqa: BLE001 - a bug met on one input; with --debug it propagates
        if os.environ.get(DEBUG_ENV):
            raise
        return Skipped(where, f"cannot be read: unexpected {type(exc).__name__}: {exc} "
                              "(a claimcheck bug: rerun with --debug for the traceback)")


# --- paths -----------------------------------------------------------------


def _expand(raw: str) -> Iterator[str | Skipped]:
    """The file itself, a folder's supported files (sorted), or a Skipped for a bad path."""
    try:
        mode = os.stat(raw).st_mode
    except FileNotFoundError:
        reason = "broken symbolic link" if os.path.islink(raw) else "no such file or folder"
        yield Skipped(raw, reason)
        return
    except PermissionError:
        yield Skipped(raw, "permission denied")
        return
    except OSError as exc:
        yield Skipped(raw, f"cannot read: {exc.strerror or exc}")
        return
    except ValueError:  # a NUL byte in the name
        yield Skipped(raw, "not a valid path")
        return
    if stat.S_ISDIR(mode):
        yield from _folder(raw)
    elif Path(raw).suffix.lower() not in SUFFIXES:
        yield Skipped(raw, f"unsupported file type {Path(raw).suffix or '(no suffix)'!r} (supported: {', '.join(SUFFIXES)})")
    else:
        yield raw


def _folder(folder: str) -> Iterator[str | Skipped]:
    """Supported files under ``folder``, sorted by their path parts; unreadable subfolders as Skipped."""
    found: list[tuple[tuple[str, ...], str | Skipped]] = []
    pending = [(folder, ())]
    while pending:
        current, parts = pending.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as exc:
            reason = "permission denied" if isinstance(exc, PermissionError) else f"cannot read: {exc.strerror or exc}"
            found.append((parts, Skipped(current, reason)))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # .git, editor swap files, .ipynb_checkpoints
            path = os.path.join(current, entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)  # no symlink loops
            except OSError:
                is_dir = False
            if is_dir:
                pending.append((path, parts + (entry.name,)))
            elif _links_to_folder(entry):
                # not followed: a link in a folder of untrusted pages must not pull in files from elsewhere
                found.append((parts + (entry.name,), Skipped(path, _LINKED_FOLDER)))
            elif Path(entry.name).suffix.lower() in SUFFIXES:
                found.append((parts + (entry.name,), path))
    for _, item in sorted(found, key=lambda pair: pair[0]):
        yield item


def _links_to_folder(entry) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def _capped(article: Article, where: str, limits: dict) -> Article:
    """``article``, or InputError when its text is longer than ``ingest.max_chars`` (bounded work per input)."""
    if len(article.text) > limits["max_chars"]:
        raise InputError(where, f"article text too long ({len(article.text)} characters; "
                                f"the limit ingest.max_chars is {limits['max_chars']})")
    return article


def _from_file(path: str, limits: dict) -> Iterator[Article | Skipped]:
    from pipeline.webpage import parse_html

    suffix = Path(path).suffix.lower()
    if suffix == ".jsonl" and _size(path) > limits["max_bytes"]:
        yield from _jsonl_stream(path, limits)  # a big corpus file: line by line
        return
    text = _attempt(path, lambda: decode_bytes(read_bytes(path, limits["max_bytes"]), path,
                                               html=suffix in _HTML_SUFFIXES))
    if isinstance(text, Skipped):
        yield text
        return
    shown = public_path(path)  # Article.path: no machine-specific folders in any output
    if suffix == ".jsonl":
        yield from _jsonl(text, path, limits)
    elif suffix in _HTML_SUFFIXES:
        yield _attempt(path, lambda: _capped(parse_html(text, path=shown), path, limits))
    else:
        yield _attempt(path, lambda: _capped(parse_text(text, path=shown, markdown=suffix == ".md"), path, limits))


# --- JSONL -----------------------------------------------------------------


def _jsonl(text: str, path: str, limits: dict) -> Iterator[Article | Skipped]:
    """One Article per non-blank line; a bad line is Skipped as ``path:LINE`` and the rest go on."""
    any_line = False
    # Split on \n only: JSON strings may hold U+2028 and friends, which splitlines() would cut at.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        any_line = True
        yield _attempt(f"{path}:{number}", _jsonl_article, line, path, number, limits)
    if not any_line:
        yield Skipped(path, "empty file (no JSON lines)")


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0


def _jsonl_stream(path: str, limits: dict) -> Iterator[Article | Skipped]:
    """A JSONL file bigger than ``ingest.max_bytes`` (a corpus, not a page), read one line at a time
    so memory stays flat; here the limit applies to each line. Lines are UTF-8 (as JSON is)."""
    max_line = limits["max_bytes"]
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield Skipped(path, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        number, any_line = 0, False
        while True:
            raw = fh.readline(max_line + 1)
            if not raw:
                break
            number += 1
            if len(raw) > max_line and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the oversized line
                    raw = fh.readline(1 << 20)
                yield Skipped(f"{path}:{number}", f"line too large (more than {max_line} bytes, the limit ingest.max_bytes)")
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            line = raw.decode("utf-8", errors="replace").removesuffix("\n")  # as a whole-file read splits
            if line.strip():
                any_line = True
                yield _attempt(f"{path}:{number}", _jsonl_article, line, path, number, limits)
    if not any_line:
        yield Skipped(path, "empty file (no JSON lines)")


def _json_error(exc: ValueError) -> str:
    msg = str(getattr(exc, "msg", exc))
    # some of json's messages end in "at" already ("Unterminated string starting at")
    return f"{msg}{' ' if msg.endswith(' at') else ' at '}column {getattr(exc, 'colno', '?')}"


def _no_surrogates(text: str) -> str:
    """A JSON "\\ud800" escape gives a lone surrogate, which no output could encode: "?" as in article text."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _jsonl_article(line: str, path: str, number: int, limits: dict) -> Article:
    from pipeline.webpage import parse_html

    where = f"{path}:{number}"
    shown = public_path(path)
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise InputError(where, f"not valid JSON ({_json_error(exc)})") from None
    if not isinstance(record, dict):
        raise InputError(where, "not a JSON object")
    body = record.get("text")
    if body is None:
        raise InputError(where, "missing `text`")
    if not isinstance(body, str) or not body.strip():
        raise InputError(where, "`text` must be a non-empty string")
    fields = {}
    for key in JSONL_FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InputError(where, f"`{key}` must be a string")
        fields[key] = _no_surrogates(str(value).strip())
    if fields.get("kind"):
        fields["kind"] = check_kind(fields["kind"], where)

    body = _no_surrogates(body)
    if body.lstrip().startswith("<") and _TAG.search(body):
        page = parse_html(body, path=shown, url=fields.get("url", ""))
        text, defaults = page.text, page
    else:
        text = layout_text(body)
        defaults = Article(article_id="", text=text, source=Path(shown).stem)
        if not text:
            raise InputError(where, "`text` must be a non-empty string")
    title = fields.get("title") or defaults.title
    source = fields.get("source") or defaults.source
    return _capped(Article(
        article_id=fields.get("id") or article_id(source, title, text),
        text=text,
        title=title,
        source=source,
        url=fields.get("url") or defaults.url,
        path=shown,
        published=fields.get("published") or defaults.published,
        kind=fields.get("kind") or defaults.kind,
        story=fields.get("story", ""),
        meta={"format": "jsonl", "line": number},
    ), where, limits)


# --- URLs ------------------------------------------------------------------


def _from_url(url: str, limits: dict) -> Article:
    from pipeline.fetch import fetch_url
    from pipeline.webpage import parse_html

    body, content_type, final_url = fetch_url(url, timeout=limits["fetch_timeout"], max_bytes=limits["fetch_max_bytes"],
                                              deadline=limits["fetch_deadline"])
    mime = content_type.split(";")[0].strip().lower()
    match = re.search(r"charset\s*=\s*[\"']?([\w.:\-]+)", content_type, re.I)
    charset = match.group(1) if match else ""
    if not body.strip():
        raise InputError(url, "empty response")
    if mime in _HTML_TYPES or (not mime and body.lstrip()[:1] == b"<"):
        return _capped(parse_html(decode_bytes(body, url, declared=charset, html=True), path=url, url=final_url),
                       url, limits)
    if mime in _TEXT_TYPES or not mime:
        text = decode_bytes(body, url, declared=charset)
        return _capped(parse_text(text, path=url, url=final_url, markdown="markdown" in mime), url, limits)
    raise InputError(url, f"unsupported content type {mime!r} (only HTML and plain text)")
