"""The written web pages of ``webclaims/`` (data directory): pages, gold claims, a stable page split,
and the matching of gold claims to extracted claims.

A gold row names its claim by ``key``, a verbatim piece of it that is unique in its page. An
extracted claim *matches* a gold row when it contains the key (spacing and quotes normalised); a
key inside a list item's lead-in only matches where no claim has it in its own part.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

from pipeline.errors import DataError

FOLDER = "webclaims"
REGISTERS = ("marketing", "blog", "patient-info", "news", "press-release", "other")
# page buckets 0-99 by a hash of the page id: test below TEST_PERCENT, dev below DEV_END
TEST_PERCENT = 25
DEV_END = 45
REGISTER_KIND = {"news": "news", "press-release": "press_release", "blog": "blog"}

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def page_bucket(page_id: str) -> int:
    """0-99 from sha1 of the page id (stable across machines and runs)."""
    return int(hashlib.sha1(f"webclaims:{page_id}".encode("utf-8")).hexdigest()[:8], 16) % 100


def page_split(page_id: str) -> str:
    """'test' (about 25% of pages, read only for the final figures), 'dev' or 'train'."""
    b = page_bucket(page_id)
    return "test" if b < TEST_PERCENT else "dev" if b < DEV_END else "train"


def norm(text: str) -> str:
    """Text for key matching: quotes and dashes plain, spacing collapsed, lower case."""
    return _SPACE.sub(" ", str(text).translate(_QUOTES)).strip().lower()


def _batches(data_dir: Path) -> list[Path]:
    root = Path(data_dir) / FOLDER
    batches = sorted(p for p in root.glob("*") if (p / "pages.jsonl").is_file() and (p / "gold.csv").is_file())
    if not batches:
        raise DataError(f"{root}: no webclaims batches (<batch>/pages.jsonl + gold.csv) found; point --data-dir "
                        "at the folder holding the shared datasets")
    return batches


def load_pages(data_dir: Path) -> list[dict]:
    """Every page (id, url, title, register, text, split), in batch and file order."""
    pages = []
    for batch in _batches(data_dir):
        for line in (batch / "pages.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                page = json.loads(line)
                page["split"] = page_split(page["id"])
                pages.append(page)
    return pages


def load_gold(data_dir: Path) -> list[dict]:
    """Every gold claim row (page, key, label, type, confidence, part, why), in text order."""
    rows = []
    for batch in _batches(data_dir):
        with open(batch / "gold.csv", newline="", encoding="utf-8") as fh:
            rows.extend(dict(r) for r in csv.DictReader(fh))
    return rows


def as_article(page: dict):
    """The page as an Article, its text laid out as a JSONL input would be."""
    from pipeline.records import Article
    from pipeline.textfile import layout_text

    return Article(article_id=page["id"], text=layout_text(page["text"]), title=page.get("title", ""),
                   source=page["id"].split("-")[0], url=page.get("url", ""), path=f"webclaims:{page['id']}",
                   kind=REGISTER_KIND.get(page.get("register", ""), "other"))


def _own_text(claim: dict) -> str:
    """The claim's text without its lead-in."""
    lead = claim.get("lead_in") or ""
    text = claim.get("text", "")
    return text[len(lead):].lstrip() if lead and text.startswith(lead) else text


def match_claims(claims: list[dict], gold: list[dict]) -> tuple[list[int | None], list[int | None]]:
    """For one page: (gold index of each claim or None, claim index of each gold row or None).

    Each gold row takes the first claim whose own part contains its key, else the first claim
    whose lead-in does; each claim matches at most one gold row (the first key it holds)."""
    own = [norm(_own_text(c)) for c in claims]
    full = [norm(c.get("text", "")) for c in claims]
    claim_gold: list[int | None] = [None] * len(claims)
    gold_claim: list[int | None] = [None] * len(gold)
    for g, row in enumerate(gold):
        key = norm(row["key"])
        if not key:
            continue
        for texts in (own, full):
            hit = next((i for i, t in enumerate(texts) if key in t and claim_gold[i] is None), None)
            if hit is not None:
                claim_gold[hit], gold_claim[g] = g, hit
                break
    return claim_gold, gold_claim


def extracted_pages(data_dir: Path, *, splits=None, nlp=None, params: dict | None = None):
    """(page, its gold rows, its extracted claims) for each page of the given splits."""
    from pipeline.extract import iter_extracted

    gold_by_page: dict[str, list[dict]] = {}
    for row in load_gold(data_dir):
        gold_by_page.setdefault(row["page"], []).append(row)
    pages = [p for p in load_pages(data_dir) if splits is None or p["split"] in splits]
    articles = [as_article(p) for p in pages]
    for page, (_, claims) in zip(pages, iter_extracted(articles, nlp=nlp, params=params)):
        yield page, gold_by_page.get(page["id"], []), claims
