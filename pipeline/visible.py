"""How untrusted strings are written out: file names that are not UTF-8, and invisible characters.

*Names.* A file name that is not valid UTF-8 reaches Python with its undecodable bytes as lone
surrogates (``os.fsdecode``, surrogateescape). It is read under that name, but every record, page
and message writes each such byte as ``\\xNN`` (the name ``caf<0xE9>.txt`` becomes ``caf\\xe9.txt``).

*Format characters* (Unicode category Cf: bidirectional controls such as U+202E and U+2066-2069,
zero-width joiners, tag characters...) are invisible yet change what a reader sees: an unclosed
override reverses the words after it, a zero-width joiner inside "cu\\u200dres" hides the word
the model read. They stay in the data as written (claims are classified as written) but never act
on a page or in a spreadsheet: HTML and CSV show each one as a visible marker, ``⟨U+202E⟩``; JSON
writes it as an escape (``\\u202e``), which decodes to the same text. Two exceptions keep ordinary
text as it is: the soft hyphen (U+00AD), a line-break hint that ingest already removes from article
text, and a zero-width (non-)joiner between two non-ASCII letters, where scripts such as Persian,
Hindi and emoji sequences need it.
"""

from __future__ import annotations

import re

# Category Cf as of Unicode 15 (U+13439-1343F are new there), without the soft hyphen;
# tests/test_untrusted.py checks it against unicodedata.
_FORMAT = (
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
FORMAT_CHARS = re.compile(f"[{_FORMAT}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN = re.compile(f"[{_FORMAT}\ud800-\udfff]")
_JOINERS = "\u200c\u200d"


def _byte(ch: str) -> str:
    code = ord(ch)
    # surrogateescape carries byte 0xNN as U+DCNN; any other lone surrogate came from a "\\ud800" in JSON
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def name(text: str) -> str:
    """``text`` with each lone surrogate (an undecodable byte of a file name) written as ``\\xNN``."""
    text = str(text)
    return _SURROGATE.sub(lambda m: _byte(m.group()), text) if _SURROGATE.search(text) else text


def _keeps_joiner(text: str, i: int) -> bool:
    before, after = text[i - 1:i], text[i + 1:i + 2]
    return bool(before and after) and not (before.isascii() or after.isascii() or before.isspace()
                                           or after.isspace() or FORMAT_CHARS.match(before)
                                           or FORMAT_CHARS.match(after))


def shown(text: str) -> str:
    """``text`` as a page or spreadsheet shows it: format characters as ``⟨U+XXXX⟩``, lone surrogates as ``\\xNN``."""
    if not _SHOWN.search(text):
        return text

    def marker(m: re.Match) -> str:
        ch = m.group()
        if "\ud800" <= ch <= "\udfff":
            return _byte(ch)
        if ch in _JOINERS and _keeps_joiner(m.string, m.start()):
            return ch
        return f"\u27e8U+{ord(ch):04X}\u27e9"

    return _SHOWN.sub(marker, text)


def _json_escape(m: re.Match) -> str:
    code = ord(m.group())
    if code > 0xFFFF:  # JSON escapes astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_visible(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with format characters and lone
    surrogates written as ``\\uXXXX`` escapes: the same data, nothing invisible, and always valid UTF-8.
    (They can only occur inside JSON strings, where any character may be escaped.)"""
    return _SHOWN.sub(_json_escape, text) if _SHOWN.search(text) else text
