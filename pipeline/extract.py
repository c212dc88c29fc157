"""Extraction: Article -> claim records (docs/ARCHITECTURE.md, "Records").

One nlp call per article (very long texts are cut at paragraph breaks into pieces of at most
``CHUNK_CHARS`` characters, offsets kept); the claims come from the ``claimcheck_claims``
component, then each record gets its cues, numbers, design and context in article offsets.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from typing import Iterable, Iterator

from pipeline.claim_rules import title_line_end
from pipeline.design import article_design_mentions, design_for_claim
from pipeline.numbers import find_numbers
from pipeline.records import Article
from pipeline.settings import DEFAULTS

CHUNK_CHARS = 200_000
# Characters parsed in one nlp.pipe batch at most (one longer piece goes alone): spaCy's tok2vec
# holds about 3 KB per character of a batch at once, so a batch of 32 long pieces once took 5 GB.
BATCH_CHARS = 250_000
EXTRACT_FIELDS = (
    "claim_id", "article_id", "source", "story", "kind", "title", "url", "path", "text",
    "start_char", "end_char", "segments", "lead_in", "sentence_index", "type", "cues", "numbers",
    "design", "design_evidence", "context",
    "statement_kind", "evidence_basis", "evidence_cue", "treatment_status", "register", "register_cues",
    "headline",
)
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def claim_id(article_id: str, start: int, end: int, text: str) -> str:
    """Stable id: the first 16 hex digits of sha1("{article_id}:{start}:{end}:{text}")."""
    return hashlib.sha1(f"{article_id}:{start}:{end}:{text}".encode("utf-8")).hexdigest()[:16]


def _limits(params: dict | None) -> tuple[int, int]:
    section = dict(DEFAULTS["extract"])
    section.update((params or {}).get("extract") or {})
    return int(section["min_words"]), int(section["max_words"])


def _raw_claims(doc, article: Article, base: int, text: str) -> list[dict]:
    """Claim dicts (without id, index, design) for one Doc of ``text`` (``doc.text``, passed in
    because spaCy rebuilds it from the tokens on each access) that starts at ``base``."""
    from pipeline import page_context  # spaCy is loaded: a Doc was passed in

    page_context.ensure_extensions()
    cues = sorted(doc.spans["cues"], key=lambda s: s.start_char) if "cues" in doc.spans else []
    cue_starts = [c.start_char for c in cues]
    claims = doc.spans["claims"] if "claims" in doc.spans else []
    if len(claims) and claims[0]._.cc_statement_kind is None:
        page_context.annotate(doc)  # a Doc that did not go through claimcheck_context (pipeline.firstpass)
    # page-level fields from the whole article, never from a region or piece of it
    page = page_context.page_signals(article.text or "")
    out = []
    for span in claims:
        start, end = span.start_char, span.end_char
        lead = span._.cc_lead_in
        segments = [[lead[0], lead[1]], [start, end]] if lead else [[start, end]]
        parts = [text[s:e] for s, e in segments]
        claim_cues, numbers = [], []
        for s, e in segments:
            for i in range(bisect_left(cue_starts, s), bisect_left(cue_starts, e)):
                cue = cues[i]
                if cue.end_char <= e:
                    claim_cues.append({"label": cue.label_, "text": cue.text,
                                       "start_char": cue.start_char + base, "end_char": cue.end_char + base})
            numbers.extend(find_numbers(text[s:e], offset=s + base))
        ctx = span._.cc_context
        out.append({
            "article_id": article.article_id,
            "source": article.source,
            "story": article.story,
            "kind": article.kind,
            "title": article.title,
            "url": article.url,
            "path": article.path,
            "text": " ".join(parts),
            "start_char": start + base,
            "end_char": end + base,
            "segments": [[s + base, e + base] for s, e in segments],
            "lead_in": parts[0] if lead else "",
            "type": span.label_,
            "cues": claim_cues,
            "numbers": numbers,
            "context": text[ctx[0]:ctx[1]] if ctx else "",
            "statement_kind": span._.cc_statement_kind,
            "evidence_basis": span._.cc_evidence_basis,
            "evidence_cue": span._.cc_evidence_cue,
            "treatment_status": page["treatment_status"],
            "register": page["register"],
            "register_cues": list(page["register_cues"]),
        })
    return out


def _finish(claims: list[dict], article: Article, limits: tuple[int, int]) -> list[dict]:
    """Filter by length, sort, and add claim_id, sentence_index, design and headline.

    ``headline`` is true for the article's title stated as a finding (codebook section 1): the
    text's first line when the text opens with its headline (``claim_rules.title_line_end``), with
    that line's offsets like any claim. A title that is metadata only (``Article.title`` from HTML
    <title>/<h1> or a .txt/.md title line, not in ``text``) yields no claim: every claim's
    segments and cues index the article text (the report places claims by them, the contract
    tests slice them back), and a title outside the text has no offsets there."""
    min_words, max_words = limits
    claims = [c for c in claims if min_words <= len(_WORD.findall(c["text"])) <= max_words]
    claims.sort(key=lambda c: (c["start_char"], c["end_char"]))
    mentions = article_design_mentions(article.text) if claims else []
    head_end = title_line_end(article.text or "") if claims else None
    out = []
    for index, claim in enumerate(claims):
        design, evidence = design_for_claim(mentions, claim["segments"][0][0], claim["end_char"])
        claim.update(
            claim_id=claim_id(article.article_id, claim["start_char"], claim["end_char"], claim["text"]),
            sentence_index=index,
            design=design,
            design_evidence=evidence,
            headline=head_end is not None and claim["start_char"] == 0 and claim["end_char"] == head_end,
        )
        out.append({key: claim[key] for key in EXTRACT_FIELDS})
    return out


def extract_article(doc, article: Article, *, params: dict | None = None) -> list[dict]:
    """Claim records of one article from its processed Doc (``doc.text == article.text``)."""
    return _finish(_raw_claims(doc, article, 0, article.text or ""), article, _limits(params))


def _chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most ``limit`` chars, cut at blank lines, else line breaks,
    else spaces."""
    if len(text) <= limit:
        return [(0, text)]
    out = []
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, start + limit // 2, window_end)
            if cut > start:
                cut += len(sep)
                break
        if cut <= start:
            cut = window_end
        out.append((start, text[start:cut]))
        start = cut
    out.append((start, text[start:]))
    return out


def _length(item) -> int:
    """Characters of a text or a Doc (without joining a Doc's text)."""
    if isinstance(item, str):
        return len(item)
    return item[-1].idx + len(item[-1].text_with_ws) if len(item) else 0


def pipe_bounded(nlp, items, *, batch_size: int = 32, max_chars: int = BATCH_CHARS, **kwargs):
    """``nlp.pipe(items, as_tuples=True, ...)`` in batches of at most ``batch_size`` items and
    ``max_chars`` characters, so memory follows the longest piece rather than the batch. Batches
    under the budget are the ones ``nlp.pipe`` itself makes; a doc's result never depends on its batch."""
    group, size = [], 0
    for item in items:
        n = _length(item[0])
        if group and (len(group) >= batch_size or size + n > max_chars):
            yield from nlp.pipe(group, as_tuples=True, batch_size=len(group), **kwargs)
            group, size = [], 0
        group.append(item)
        size += n
    if group:
        yield from nlp.pipe(group, as_tuples=True, batch_size=len(group), **kwargs)


def iter_extracted(
    articles: Iterable[Article], *, nlp=None, params: dict | None = None, batch_size: int = 32
) -> Iterator[tuple[Article, list[dict]]]:
    """(article, claim records) for each article, in input order, streaming through nlp.pipe.

    An article with empty text or without claims yields an empty list."""
    if nlp is None:
        from pipeline.nlp import load_nlp

        nlp = load_nlp()
    limits = _limits(params)
    limit = min(CHUNK_CHARS, max(1000, nlp.max_length - 1))

    def pieces():
        for article in articles:
            chunks = _chunks(article.text or "", limit)
            for i, (offset, piece) in enumerate(chunks):
                yield piece, (article, offset, piece, i == len(chunks) - 1)

    pending: list[dict] = []
    for doc, (article, offset, piece, last) in pipe_bounded(nlp, pieces(), batch_size=batch_size):
        pending.extend(_raw_claims(doc, article, offset, piece))
        if last:
            yield article, _finish(pending, article, limits)
            pending = []
