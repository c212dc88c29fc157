"""Selective parsing: a cheap first pass decides which parts of an article the full parse must see.

The full pipeline (tok2vec, tagger, parser) is most of claimcheck's run time, and a sentence can
only be a claim if it mentions health. So each article is first run through the tokenizer, the
``claimcheck_paragraphs`` component and the health phrase matchers only (no statistical model),
and the full parse then sees only the *regions* of the article that can hold a claim. The claims
are exactly those the full pipeline finds on the whole text (``pipeline.extract.iter_extracted``);
``tests/test_firstpass.py`` and ``benchmarks/throughput.py`` check this on real articles.

Why the claims cannot change:

- *Blocks.* ``claimcheck_paragraphs`` forces a sentence start after every line break, and the
  parser never draws an arc across a preset sentence start: before it shifts the first word of a
  block, its stack must be empty. So an article falls into blocks (in practice: lines). The tok2vec
  layer sees 4 tokens either side and the parser looks 2 tokens ahead, so ``MARGIN`` tokens of
  real context after a region leave its parse unchanged: a region can end after any block.
- *Region starts.* What happens before a block can still reach into it in one way: while the
  parser empties its stack of the previous sentence it may mark the block's *second* word as a
  sentence start. A region therefore starts at the beginning of the text or at a block whose
  second word's sentence start is already fixed by ``claimcheck_paragraphs`` (a list item after
  its bullet, a line after an opening quote); then, with ``MARGIN`` tokens of context before it,
  every block of the region parses exactly as in the whole text.
- *Targets.* ``claimcheck_claims`` keeps a sentence only if it (or its list lead-in) has a health
  term, or has a medical word, or follows within ``claim_rules.RECENT_UNITS`` sentences a sentence
  with a health term. So a block can hold a claim only if it has a health term or medical word,
  its list lead-in has a health term, or one of the ``RECENT_UNITS`` blocks before it (with their
  lead-ins) has one. Items of a list set out as paragraphs (``claim_rules.continues_list``) count
  as items here too, judged on the line's text (more lines than the claims component takes, never fewer).
- *Clean starts.* The claims component carries state from one sentence to the next (the context
  sentence, the health terms of the last sentences, the lead-in of a list). A region starts
  only where that state is the same as at the start of a text: after a blank line, after
  ``RECENT_UNITS`` blocks without health terms, and not inside a list whose lead-in ends with a colon.
- *Headlines.* The text's first line is judged as a headline only at the start of the text, which
  always starts the first region.

A region runs from one such start to the last target block before the next start; everything
else is skipped. In practice the first pass skips articles with nothing that can be a
claim and the tail of an article after its last possible claim; when every block may hold a claim
(most health news) the article goes through the full pipeline whole, as the plain full pass would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from pipeline.extract import CHUNK_CHARS, _chunks, _finish, _limits, _raw_claims, pipe_bounded
from pipeline.records import Article

MARGIN = 8  # tokens of real context either side of a parsed region (the model needs 4 + 2)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_PARSE_PIPES = ("claimcheck_cues", "claimcheck_claims")  # run by us after the parse, on the region


@dataclass
class PassStats:
    """How much of the text the full parse saw."""

    articles: int = 0
    tokens: int = 0
    parsed_tokens: int = 0
    whole: int = 0  # articles parsed whole
    partial: int = 0  # articles parsed in regions
    skipped: int = 0  # articles with nothing to parse

    def add(self, other: "PassStats") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def parsed_share(self) -> float:
        return self.parsed_tokens / self.tokens if self.tokens else 0.0


@dataclass
class Probe:
    """Whether planning regions pays on a stream of articles. Planning costs about 4% of the parse;
    on health news it finds nearly every block a possible claim and saves nothing. So: plan
    ``sample`` articles; when the full parse was spared less than ``min_saving`` of their tokens,
    parse the next ``rest`` articles whole without planning, then sample again. The claims are the
    same either way (whole articles are what the full pass parses)."""

    sample: int = 32
    rest: int = 256
    min_saving: float = 0.02
    seen: int = 0
    tokens: int = 0
    spared: int = 0
    unplanned_left: int = 0

    def plan(self) -> bool:
        """Whether to plan the next article."""
        if self.unplanned_left > 0:
            self.unplanned_left -= 1
            return False
        return True

    def record(self, tokens: int, parsed: int) -> None:
        """A planned article had ``tokens`` tokens, of which the full parse sees ``parsed``."""
        self.seen += 1
        self.tokens += tokens
        self.spared += max(0, tokens - parsed)
        if self.seen >= self.sample:
            if self.spared < self.min_saving * self.tokens:
                self.unplanned_left = self.rest
            self.seen = self.tokens = self.spared = 0


@dataclass
class _Block:
    start: int  # first token
    end: int  # one past the last token (the line break that ends it included)
    cs: int = 0  # first and one past the last non-space character
    ce: int = 0
    hits: int = 0
    item: bool = False
    colon: bool = False
    lead: int | None = None  # the nearest block before that is not a list item


@dataclass
class Planner:
    """Finds the regions of a tokenized article that the full parse must see."""

    nlp: object
    breaker: object = field(init=False)
    matchers: tuple = field(init=False)

    def __post_init__(self):
        self.breaker = self.nlp.get_pipe("claimcheck_paragraphs")
        finder = self.nlp.get_pipe("claimcheck_claims")
        self.matchers = (finder.health, finder.acronyms)  # the claims component's own matchers

    def blocks(self, doc, text: str) -> list[_Block] | None:
        """The article's blocks, or None when one of them spans a line break (then: parse whole)."""
        import numpy as np
        from spacy.attrs import IS_SPACE, SENT_START

        from pipeline import claim_rules as rules

        n = len(doc)
        arr = doc.to_array([SENT_START, IS_SPACE])
        starts = [0] + [i for i in np.flatnonzero(arr[:, 0] == 1).tolist() if i > 0]
        spaces = arr[:, 1].astype(bool)
        hits = np.zeros(n + 1, dtype="int64")
        for matcher in self.matchers:
            for _, start, _ in matcher(doc):
                hits[start + 1] += 1
        hits = np.cumsum(hits)
        blocks: list[_Block] = []
        last_plain = None
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else n
            words = np.flatnonzero(~spaces[start:end])
            if not len(words):
                if k == 0 and end == n:
                    return []  # nothing but white space
                return None  # a block of white space only: not expected, parse whole
            first, last = start + int(words[0]), start + int(words[-1])
            cs = doc[first].idx
            ce = doc[last].idx + len(doc[last])
            if "\n" in text[cs:ce]:
                return None  # a line start the paragraph breaker did not force: parse whole
            line_start = text.rfind("\n", 0, cs) + 1
            line_end = text.find("\n", ce)
            line = text[line_start:len(text) if line_end < 0 else line_end]
            # a list set out as paragraphs (rules.continues_list): this may count a line as an item
            # that the claims component does not (it sees sentences), never the other way round
            item = rules.strip_bullet(line)[1] > 0 or (
                bool(blocks) and (blocks[-1].item or blocks[-1].colon) and rules.continues_list(line))
            block = _Block(start, end, cs, ce, int(hits[end] - hits[start]), item, text[ce - 1] == ":", last_plain)
            if not block.item:
                last_plain = k
            blocks.append(block)
        return blocks

    def regions(self, doc, text: str) -> list[tuple[int, int]] | None:
        """Token ranges (start, end) to parse, in order; None: parse the whole text."""
        from pipeline import claim_rules as rules

        self.breaker(doc)
        blocks = self.blocks(doc, text)
        if blocks is None:
            return None
        if not blocks:
            return []

        def lead_colon(b: _Block) -> bool:
            return b.item and b.lead is not None and blocks[b.lead].colon

        eff = [b.hits + (blocks[b.lead].hits if lead_colon(b) else 0) for b in blocks]
        cuts, targets = [], []
        for k, b in enumerate(blocks):
            before = eff[max(0, k - rules.RECENT_UNITS):k]
            target = b.hits > 0 or eff[k] > 0 or any(before) or _medical(text[b.cs:b.ce], doc, b, rules)
            clean = k == 0 or (
                not any(before)
                and _BLANK_LINE.search(text, blocks[k - 1].ce, b.cs) is not None
                and not lead_colon(b)
                and (b.start + 1 >= len(doc) or doc[b.start + 1].is_sent_start is not None)
            )
            if clean:
                cuts.append(k)
            targets.append(target)
        cuts.append(len(blocks))
        out: list[tuple[int, int]] = []
        for lo, hi in zip(cuts, cuts[1:]):
            if any(targets[lo:hi]):
                # from the clean start to the last block that may hold a claim (a region may end anywhere)
                last = max(k for k in range(lo, hi) if targets[k])
                start, end = blocks[lo].start, blocks[last].end
                if out and out[-1][1] == start:
                    out[-1] = (out[-1][0], end)
                else:
                    out.append((start, end))
        if len(out) == 1 and out[0] == (0, len(doc)):
            return None
        return out


def _medical(block_text: str, doc, block: _Block, rules) -> bool:
    """A medical word in the block, also where a sentence could start or end inside a word
    (tokens glued without a space, such as "can" + "not")."""
    if rules.has_medical_word(block_text):
        return True
    glued = [t for t in doc[block.start:block.end] if not t.whitespace_ and t.i + 1 < block.end
             and t.text[-1:].isalnum() and doc[t.i + 1].text[:1].isalnum()]
    if not glued:
        return False
    base, pieces, pos = block.cs, [], block.cs
    for t in glued:
        cut = t.idx + len(t)
        pieces.append(block_text[pos - base:cut - base])
        pos = cut
    pieces.append(block_text[pos - base:])
    return rules.has_medical_word(" ".join(pieces))


def _parsed_tokens(doc, regions) -> int:
    if regions is None:
        return len(doc)
    return sum(min(len(doc), end + MARGIN) - max(0, start - 1 - MARGIN) for start, end in regions)


def iter_extracted_selective(
    articles: Iterable[Article], *, nlp=None, params: dict | None = None, batch_size: int = 32,
    stats: PassStats | None = None, probe: Probe | None = None,
) -> Iterator[tuple[Article, list[dict]]]:
    """Like ``pipeline.extract.iter_extracted`` (same claims, same order), parsing only the regions
    of each article that can hold a claim. ``stats`` (if given) counts what was parsed; ``probe``
    (kept across calls on one stream) skips the planning while it does not pay."""
    if nlp is None:
        from pipeline.nlp import load_nlp

        nlp = load_nlp()
    limits = _limits(params)
    limit = min(CHUNK_CHARS, max(1000, nlp.max_length - 1))
    planner = Planner(nlp)
    after = [nlp.get_pipe(name) for name in _PARSE_PIPES]
    stats = stats if stats is not None else PassStats()

    def jobs():
        for article in articles:
            text = article.text or ""
            stats.articles += 1
            if len(text) > limit:  # very long: the full pass's own pieces, parsed whole
                pieces = _chunks(text, limit)
                for i, (offset, piece) in enumerate(pieces):
                    yield piece, (article, offset, None, i == len(pieces) - 1)
                stats.whole += 1
                stats.tokens += len(text.split())
                stats.parsed_tokens += len(text.split())
                continue
            doc = nlp.make_doc(text)
            stats.tokens += len(doc)
            planned = probe is None or probe.plan()
            regions = planner.regions(doc, text) if planned else None
            if probe is not None and planned:
                probe.record(len(doc), _parsed_tokens(doc, regions))
            if regions is None:
                stats.whole += 1
                stats.parsed_tokens += len(doc)
                yield doc, (article, 0, None, True)
                continue
            if not regions:
                stats.skipped += 1
                yield nlp.make_doc(""), (article, 0, None, True)
                continue
            stats.partial += 1
            for j, (start, end) in enumerate(regions):
                # start the region with the line break before it, so lines look the same to the
                # claims component; give the model MARGIN tokens of real context either side
                if start > 0 and doc[start - 1].is_space:
                    start -= 1
                lo, hi = max(0, start - MARGIN), min(len(doc), end + MARGIN)
                stats.parsed_tokens += hi - lo
                yield doc[lo:hi].as_doc(), (article, doc[start].idx, (start - lo, end - lo), j == len(regions) - 1)

    pending: list[dict] = []
    for doc, (article, offset, window, last) in pipe_bounded(nlp, jobs(), batch_size=batch_size,
                                                             disable=list(_PARSE_PIPES)):
        if window is not None and window != (0, len(doc)):
            doc = doc[window[0]:window[1]].as_doc()
        for proc in after:
            doc = proc(doc)
        pending.extend(_raw_claims(doc, article, offset, doc.text))
        if last:
            yield article, _finish(pending, article, limits)
            pending = []
