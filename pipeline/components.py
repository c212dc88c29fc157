"""spaCy components of claimcheck, registered with ``@Language.factory``.

Imported only by pipeline.nlp (which imports spaCy). Nothing runs at import time except the
decorators; matchers are built when a component is created.

- ``claimcheck_paragraphs`` (before the parser/senter): a sentence starts after every token that
  contains a line break, so sentences never cross paragraphs, headings or list items; the token
  after a list bullet or an opening quote at a line start never starts a sentence, nor does a
  clitic glued to its word ("Here's" stays whole); a title-shaped first line
  (``claim_rules.title_line_end``: the headline of a text that opens with it) is one sentence.
- ``claimcheck_cues``: cue words of pipeline.lexicon.CUE_SETS -> ``doc.spans["cues"]`` with labels
  hedge, booster, attribution, causal.
- ``claimcheck_claims``: claim sentences and list items -> ``doc.spans["claims"]`` (label = claim
  type); rejected sentences -> ``doc.spans["claims_rejected"]`` (label = reason). A Doc's
  title-shaped first line is judged as a headline (``claim_rules.states_finding``) instead of by
  the sentence rules; lines after a lead-in ending with ":" that read as items
  (``claim_rules.continues_list``) are list items although they have no bullet. Span extensions
  (plain ints, so Docs stay serialisable):
  ``span._.cc_item`` (bool): a list item; ``span._.cc_lead_in`` ((start_char, end_char) or None);
  ``span._.cc_context`` ((start_char, end_char) of the context sentence or None).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDX, IS_QUOTE, IS_SPACE
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline import claim_rules as rules
from pipeline.lexicon import CUE_SETS

CUE_LABELS = ("hedge", "booster", "attribution", "causal")
_OPENERS = frozenset("\"'“‘([«-–•*")
_OPENING_QUOTES = frozenset("“‘«„")
_SENT_END = frozenset({".", "!", "?", "…", "...", "!?", "?!"})
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_CLITIC = re.compile(r"(?<=\w)(?:['\u2019](?:s|re|ve|ll|d|m)|n['\u2019]t)\b", re.I)


def ensure_extensions() -> None:
    """Register the Span extensions used by the claims component (idempotent)."""
    for name, default in (("cc_item", False), ("cc_lead_in", None), ("cc_context", None)):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


# --------------------------------------------------------------------------- paragraphs
@Language.factory("claimcheck_paragraphs")
def make_paragraphs(nlp: Language, name: str):
    return ParagraphBreaker()


class ParagraphBreaker:
    """Force sentence starts after line breaks (run before the parser or senter)."""

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n < 2:
            return doc
        flags = doc.to_array([IS_SPACE, IS_QUOTE])
        # a closing quote glued to the end of a sentence stays with that sentence
        for i in np.flatnonzero(flags[:, 1]).tolist():
            if i == 0 or doc[i].text in _OPENING_QUOTES:
                continue
            prev = doc[i - 1]
            if prev.text in _SENT_END and not prev.whitespace_:
                doc[i].is_sent_start = False
        text = doc.text
        # a clitic glued to its word never starts a sentence: "Here's" must not become "'s ..."
        if "'" in text or "\u2019" in text:
            starts = doc.to_array(IDX)
            for m in _CLITIC.finditer(text):
                i = int(np.searchsorted(starts, m.start()))
                if 0 < i < n and starts[i] == m.start():
                    doc[i].is_sent_start = False
        # a title-shaped first line (rules.title_line_end) is one sentence: the headline is judged whole
        line_end = rules.title_line_end(text)
        if line_end is not None:
            i = 1
            while i < n and doc[i].idx < line_end:
                doc[i].is_sent_start = False
                i += 1
        spaces = np.flatnonzero(flags[:, 0])
        for i in spaces.tolist():
            tok = doc[i]
            if "\n" not in tok.text or i + 1 >= n:
                continue
            nxt = doc[i + 1]
            if nxt.is_space:
                continue
            nxt.is_sent_start = True
            # keep a bullet or an opening quote with the words that follow it
            if nxt.text in _OPENERS and i + 2 < n and not doc[i + 2].is_space:
                doc[i + 2].is_sent_start = False
        return doc


# --------------------------------------------------------------------------- cues
@Language.factory("claimcheck_cues")
def make_cues(nlp: Language, name: str):
    return CueMarker(nlp)


class CueMarker:
    """PhraseMatcher (LOWER) over the cue lexicon, then sanity filters and overlap resolution:
    within a label the longest match wins; a cue inside a longer cue of another label is dropped
    ("established" inside "not yet established")."""

    def __init__(self, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for label in CUE_LABELS:
            phrases = sorted(set(CUE_SETS[label]))
            self.matcher.add(label, [nlp.make_doc(p) for p in phrases])
        self.label_ids = {nlp.vocab.strings[label]: label for label in CUE_LABELS}

    def __call__(self, doc: Doc) -> Doc:
        by_label: dict[str, list[Span]] = {label: [] for label in CUE_LABELS}
        for match_id, start, end in self.matcher(doc):
            label = self.label_ids[match_id]
            span = Span(doc, start, end, label=label)
            if cue_is_valid(span, label):
                by_label[label].append(span)
        kept: list[Span] = []
        for label in CUE_LABELS:
            kept.extend(filter_spans(by_label[label]))
        kept.sort(key=lambda s: (s.start, -len(s)))
        final: list[Span] = []
        active: list[Span] = []  # kept cues that may still contain the next one
        for span in kept:
            active = [o for o in active if o.end > span.start]
            if any(o.label != span.label and o.end >= span.end and len(o) > len(span) for o in active):
                continue
            final.append(span)
            active.append(span)
        doc.spans["cues"] = final
        return doc


_MONTH_CONTEXT = re.compile(r"^\d|^(?:of|this|last|next|in|early|late|mid|until|since|from|on|by)$", re.I)


def cue_is_valid(span: Span, label: str) -> bool:
    """Drop obvious false cues: "May" the month, "might" the noun, "more likely" (correlational,
    not a hedge), "experimental group/study", causal verbs used as adjectives or nouns
    ("increased risk", "a cut"), "reported" as a modifier."""
    doc = span.doc
    first = span[0]
    low = first.lower_
    tagged = doc.has_annotation("TAG")
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    if label == "hedge":
        if low in ("may", "might", "could") and len(span) == 1:
            if tagged:
                return first.tag_ == "MD"
            if first.text == "May" and ((nxt is not None and nxt.like_num) or (prev is not None and (
                    prev.like_num or _MONTH_CONTEXT.match(prev.text)))):
                return False
            return True
        if low == "likely" and prev is not None and prev.lower_ in ("more", "less", "as", "equally"):
            return False
        if low == "unlikely" and prev is not None and prev.lower_ in ("more", "less"):
            return False
        if low == "experimental" and len(span) == 1 and nxt is not None and nxt.lower_ in (
                "study", "studies", "group", "groups", "arm", "arms", "design", "data", "evidence",
                "research", "conditions", "setting", "model", "models", "animals", "mice"):
            return False
        return True
    if label == "causal":
        if tagged and not first.tag_.startswith("VB"):
            return False
        if doc.has_annotation("DEP") and len(span) == 1 and first.dep_ in ("amod", "compound"):
            return False
        return True
    if label == "attribution":
        if doc.has_annotation("DEP") and first.dep_ == "amod":
            return False
        return True
    return True


# --------------------------------------------------------------------------- claims
@Language.factory("claimcheck_claims")
def make_claims(nlp: Language, name: str):
    ensure_extensions()
    return ClaimFinder(nlp)


class ClaimFinder:
    """Sentences and list items that are health claims -> ``doc.spans["claims"]``."""

    def __init__(self, nlp: Language):
        self.nlp = nlp  # for parsing a Title Case headline again in sentence case
        self.health = PhraseMatcher(nlp.vocab, attr="LOWER")
        terms = sorted({form for term in rules.HEALTH_TERMS for form in rules.plural_forms(term)})
        self.health.add("HEALTH", [nlp.make_doc(t) for t in terms])
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.acronyms.add("HEALTH", [nlp.make_doc(t) for t in rules.HEALTH_ACRONYMS])
        self.finite_tags = np.array([nlp.vocab.strings.add(t) for t in sorted(rules.FINITE_TAGS)], dtype="uint64")

    def headline_states_finding(self, span, text: str) -> bool:
        """``rules.states_finding`` for a headline; a Title Case one is judged on a parse of its
        sentence-case form, because the tagger reads capitalised verbs as proper nouns."""
        if rules.is_title_case(text) and span.doc.has_annotation("DEP"):
            lowered = rules.sentence_case(text)
            doc = self.nlp.make_doc(lowered)
            for name in ("tok2vec", "tagger", "parser"):
                if name in self.nlp.pipe_names:
                    doc = self.nlp.get_pipe(name)(doc)
            return rules.states_finding(doc[:], lowered)
        return rules.states_finding(span, text)

    # -- per doc
    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # spaCy rebuilds it from the tokens on every access: read it once
        units = self._units(doc, text)
        claims: list[Span] = []
        rejected: list[Span] = []
        if not units:
            doc.spans["claims"] = claims
            doc.spans["claims_rejected"] = rejected
            return doc
        # per-token facts as prefix sums: counts inside any span in O(1)
        n = len(doc)
        health = np.zeros(n + 1, dtype="int32")
        for matcher in (self.health, self.acronyms):
            for _, start, _ in matcher(doc):
                health[start + 1] += 1
        health = np.cumsum(health)
        finite = None
        if doc.has_annotation("TAG"):
            finite = np.concatenate(([0], np.cumsum(np.isin(doc.to_array("TAG"), self.finite_tags))))
        cues = doc.spans["cues"] if "cues" in doc.spans else []
        cue_starts = [c.start for c in cues]

        def hits(u) -> int:
            return int(health[u.span.end] - health[u.span.start]) if u is not None else 0

        def asserts(u) -> bool:
            if finite is None:
                return rules.has_assertion(u.span)
            return bool(finite[u.span.end] - finite[u.span.start]) or rules.has_untensed_predicate(u.span)

        def cue_labels(u) -> set:
            if u is None:
                return set()
            lo, hi = bisect_left(cue_starts, u.span.start), bisect_left(cue_starts, u.span.end)
            return {cues[i].label_ for i in range(lo, hi)}

        def causal_beyond_root(u) -> bool:
            # "Eat more fibre to cut your risk" has something to check; "Do not stop your statin",
            # whose only causal word is the advice itself, has not
            root = u.span.root.i
            lo, hi = bisect_left(cue_starts, u.span.start), bisect_left(cue_starts, u.span.end)
            return any(cues[i].label_ == "causal" and not cues[i].start <= root < cues[i].end for i in range(lo, hi))

        info: dict[tuple[int, int], tuple] = {}
        headline_end = rules.title_line_end(text)  # the text opens with its headline
        prev = None
        recent = [0] * rules.RECENT_UNITS  # health mentions in the last units
        lead_in = None  # the current list's lead-in unit
        lead_furniture = None  # why the lead-in is page furniture (its items are too), or None
        for u in units:
            lead = lead_in if u.is_item else None
            # context: the lead-in of an item, else the previous sentence in the same paragraph
            ctx = lead
            if ctx is None and prev is not None and not _BLANK_LINE.search(text, prev.end_char, u.start_char):
                ctx = prev
            own_hits, lead_hits = hits(u), hits(lead)
            headline = headline_end is not None and u.start_char == 0 and u.end_char == headline_end
            if headline:
                # a headline is a claim when it states a finding (codebook section 1), judged alone
                reason = rules.non_claim_reason(u.span, whole_line=True, text=u.text)
                if reason in (None, "heading"):
                    reason = None if (own_hits or rules.has_medical_word(u.text)) and \
                        self.headline_states_finding(u.span, u.text) else "heading"
            else:
                reason = "boilerplate" if u.furniture else rules.non_claim_reason(
                    u.span, whole_line=u.whole_line, is_item=u.is_item, text=u.text)
            if reason == "heading" and not headline and u.in_run and own_hits and rules.reads_as_sentence(u.span, u.text):
                # a line among lines without blank lines between them, in plain text: a sentence
                # without its full stop (a key point, a headline pasted above the story), not a
                # heading set apart by markup or blank lines. Its own health term also keeps
                # pipeline.firstpass exact: such a line never ends a parsed region, so the line
                # after it is always there to be seen
                reason = None
            if reason is None and u.is_item and rules.is_label(u.text) and not asserts(u):
                reason = "heading"  # a step or section named in a list ("Recovery & Monitoring")
            if not u.is_item:
                # a lead-in about the article itself ("Here's an overview of the process:") adds
                # nothing to check: its items are judged alone
                lead_in = u if u.ends_colon and reason != "about_article" else None
                lead_furniture = reason if reason in rules.FURNITURE and reason != "about_article" else None
            elif reason is None and lead is not None and lead_furniture:
                reason = lead_furniture  # "More from us:", "For more information, ...:"
            if reason is None and not headline:
                reason = self._judge(u, lead, own_hits + lead_hits, sum(recent),
                                     asserts(u) or (lead is not None and asserts(lead)), cue_labels(u),
                                     causal_beyond_root(u))
            if reason is None:
                claim_text = f"{lead.text} {u.text}" if lead is not None else u.text
                causal = "causal" in cue_labels(u) or "causal" in cue_labels(lead)
                claim = Span(doc, u.span.start, u.span.end, label=rules.claim_type(claim_text, causal=causal))
                claims.append(claim)
                info[(claim.start_char, claim.end_char)] = (
                    u.is_item,
                    (lead.start_char, lead.end_char) if lead is not None else None,
                    (ctx.start_char, ctx.end_char) if ctx is not None else None,
                )
            else:
                rejected.append(Span(doc, u.span.start, u.span.end, label=reason))
            prev = u
            recent = recent[1:] + [own_hits + lead_hits]
        doc.spans["claims"] = claims
        doc.spans["claims_rejected"] = rejected
        for claim in claims:
            claim._.cc_item, claim._.cc_lead_in, claim._.cc_context = info[(claim.start_char, claim.end_char)]
        return doc

    @staticmethod
    def _judge(u, lead, health_hits: int, recent_health: int, asserting: bool, labels: set,
               causal_beyond_root: bool = True) -> str | None:
        """Assertion + health relevance; returns a rejection reason or None for a claim."""
        if lead is None and rules.is_imperative(u.span):
            # advice counts only with something to check: "Eat more fibre to cut your risk ...",
            # "Swap them for whole grains, which release their sugar slowly."
            if not (causal_beyond_root or rules.has_number(u.text) or rules.has_stated_clause(u.span)):
                return "advice"
        elif not asserting:
            return "no_assertion"
        if u.ends_colon and not u.is_item and not rules.lead_in_asserts(u.span):
            return "lead_in"
        if health_hits or rules.has_medical_word(u.text):
            return None
        if recent_health and not rules.is_first_person(u.text):
            # an assertion in a passage about health ("It cut the risk by a third."), not the
            # writer's own story ("Within a few weeks I felt worse.")
            return None
        return "not_health"

    @staticmethod
    def _units(doc: Doc, text: str) -> list["Unit"]:
        """Sentences trimmed of surrounding whitespace; a list item's bullet is cut off."""
        ranges: list[list[int]] = []
        for sent in doc.sents:
            start, end = sent.start, sent.end
            while start < end and doc[start].is_space:
                start += 1
            while end > start and doc[end - 1].is_space:
                end -= 1
            if start >= end:
                continue
            if ranges:
                # the parser sometimes cuts a line mid-sentence ("Alendronate | is a bisphosphonate
                # medicine."): a sentence without closing punctuation goes on with the next one on its line
                ps, pe = ranges[-1]
                prev_end = doc[pe - 1].idx + len(doc[pe - 1])
                if "\n" not in text[prev_end:doc[start].idx] and not rules.final_punct(text[doc[ps].idx:prev_end]):
                    ranges[-1][1] = end
                    continue
            ranges.append([start, end])
        out = []
        list_open = False  # the last line was a lead-in ending with ":" or an item
        for start, end in ranges:
            cs = doc[start].idx
            last = doc[end - 1]
            ce = last.idx + len(last)
            line_start = text.rfind("\n", 0, cs) + 1
            nl = text.find("\n", ce)
            line_end = len(text) if nl < 0 else nl
            line = text[line_start:line_end]
            bullet = rules.strip_bullet(line)[1]
            is_item = bullet > 0
            if is_item and cs - line_start < bullet and start + 1 < end:
                start += 1  # the bullet token
                cs = doc[start].idx
            before = text[line_start:cs].strip()
            after = text[ce:line_end].strip()
            whole_line = after == "" and (before == "" or (is_item and cs - line_start <= bullet))
            sent_text = text[cs:ce]
            if not is_item and whole_line and list_open and rules.continues_list(sent_text):
                is_item = True  # an item of a list set out as paragraphs without bullets
            in_run = whole_line and not is_item and _next_to_line(text, line_start, line_end)
            ends_colon = after == "" and sent_text.endswith(":")
            list_open = is_item or ends_colon
            pieces = None if is_item else rules.glued_pieces(sent_text)
            if not pieces:
                out.append(Unit(doc[start:end], sent_text, cs, ce, is_item, whole_line, ends_colon, in_run=in_run))
                continue
            # page furniture glued into the sentence ("12 Comments ... 12:57PM A blood test ..."):
            # the furniture fragments are rejected, the pieces around them judged one by one
            for k, (ps, pe, furniture) in enumerate(pieces):
                piece = doc.char_span(cs + ps, cs + pe, alignment_mode="contract")
                if piece is None or not len(piece):
                    continue
                pcs, pce = piece.start_char, piece.end_char
                out.append(Unit(piece, text[pcs:pce], pcs, pce, False, whole_line and len(pieces) == 1,
                                ends_colon and k == len(pieces) - 1, furniture))
        return out


class Unit(NamedTuple):
    """A trimmed sentence or list item."""

    span: Span
    text: str
    start_char: int
    end_char: int
    is_item: bool
    whole_line: bool
    ends_colon: bool
    furniture: bool = False  # a fragment of page furniture glued into a sentence
    in_run: bool = False  # a whole line with another line right before or after it (no blank line)


def _next_to_line(text: str, line_start: int, line_end: int) -> bool:
    """Another non-blank line directly before or after the line ``text[line_start:line_end]``."""
    if line_start > 0:
        before = text[text.rfind("\n", 0, line_start - 1) + 1:line_start - 1]
        if before.strip():
            return True
    if line_end < len(text):
        nl = text.find("\n", line_end + 1)
        if text[line_end + 1:len(text) if nl < 0 else nl].strip():
            return True
    return False
