"""Static HTML report: an index listing the stories, one page per story comparing its sources,
and one page per article.

This module builds plain template contexts; ``pipeline/templates`` does the presentation.
Output is self-contained (inline CSS and SVG) and byte-for-byte deterministic. The only script is
the review loop (``templates/review.js``) on the pages that show claims side by side; the page's
Content-Security-Policy allows exactly that script by its sha256 hash, and all article-derived data
reaches it through an escaped ``application/json`` block, never as code. Every value a page shows
passes through :func:`pipeline.visible.shown` (invisible format characters such as bidirectional
controls become visible markers), and the templates isolate article text with ``<bdi>`` or
``dir="auto"``, so nothing in an article can reorder the report's own words.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from pathlib import Path, PurePath
from urllib.parse import quote

from pipeline.atomic import write_text
from pipeline.errors import ClaimcheckError, InputError
from pipeline.records import LABELS, Article
from pipeline.visible import FORMAT_CHARS, json_visible, shown

CUE_LABELS = ("hedge", "booster", "attribution", "causal")
KIND_NAMES = {"press_release": "press release"}
REFERENCE_NAMES = {"journal": "journal article", "press_release": "press release"}
RELATION_ARROWS = {"exaggerates": "↑", "same": "=", "downplays": "↓"}
FLAG_NAMES = {"relative_only": "relative only", "no_denominator": "no denominator", "differs": "numbers differ"}
STRENGTH_NAMES = ("no relationship stated", "correlational", "conditional causal", "direct causal")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
REVIEW_SCRIPT = Path(__file__).resolve().parent / "templates" / "review.js"
CORRECTIONS_FILE = "claimcheck-labels.csv"

# Chart geometry (SVG user units).
CHART_LABEL_W, CHART_BAR_W, CHART_TAIL_W = 180, 420, 60
CHART_ROW_H, CHART_BAR_H, CHART_TOP = 34, 22, 34


# ---------------------------------------------------------------- inputs

def read_side_file(path: str | Path) -> tuple[list[dict], list[dict]]:
    """Read an ``X.articles.jsonl`` side file: (article dicts, skipped ``{path, reason}`` dicts)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read the articles side file ({exc.strerror or exc})") from exc
    articles, skipped = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            status = rec.get("status")
            if status == "ok":
                articles.append(Article.from_dict(rec).to_dict())
            elif status == "skipped":
                skipped.append({"path": str(rec.get("path", "")), "reason": str(rec.get("reason", ""))})
            else:
                raise ValueError(f"status must be 'ok' or 'skipped', not {status!r}")
        except (ValueError, TypeError, AttributeError) as exc:
            raise InputError(path, f"line {n}: not a valid side-file record ({exc})") from exc
    return articles, skipped


# ---------------------------------------------------------------- small helpers

def safe_url(url) -> str:
    """``url`` if it is an http(s) URL, else "" (never link javascript:, data:, file paths...)."""
    url = str(url or "").strip()
    if not re.match(r"https?://[^\s]", url, re.IGNORECASE):
        return ""
    # percent-encoded, as a browser would send them: a link must not carry invisible characters
    return FORMAT_CHARS.sub(lambda m: quote(m.group()), url) if FORMAT_CHARS.search(url) else url


def html_text(text) -> str:
    """``text`` escaped for HTML, with invisible format characters shown (pipeline/visible.py)."""
    from html import escape

    return escape(shown(str(text)))


def display_path(path) -> str:
    """A path as shown in the report: URLs and relative paths as given, absolute paths by name only."""
    path = str(path or "")
    if safe_url(path) or not path:
        return path
    pure = PurePath(path)
    return pure.name if pure.is_absolute() or re.match(r"[A-Za-z]:[\\/]", path) else path


def _page_names(article_ids: list[str]) -> dict[str, str]:
    """A safe, unique file name per article id."""
    names, used = {}, set()
    for aid in article_ids:
        base = re.sub(r"[^A-Za-z0-9_-]+", "_", aid).strip("_")[:80] or "article"
        name, k = base, 2
        while name.lower() in used:
            name, k = f"{base}-{k}", k + 1
        used.add(name.lower())
        names[aid] = f"{name}.html"
    return names


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _label(claim: dict) -> str:
    return claim["label"] if claim.get("label") in LABELS else "unlabelled"


def _proba(claim: dict) -> float | None:
    p = (claim.get("proba") or {}).get(claim.get("label"))
    return float(p) if isinstance(p, (int, float)) else None


def _strength(claim: dict):
    s = claim.get("strength")
    return s if isinstance(s, int) and not isinstance(s, bool) else None


def _order(claim: dict):
    si, sc = claim.get("sentence_index"), claim.get("start_char")
    return (si if isinstance(si, int) else 1 << 30, sc if isinstance(sc, int) else 1 << 30)


# ---------------------------------------------------------------- spans

def _parts(text: str, spans, lo: int, hi: int) -> list[dict]:
    """Split ``text[lo:hi]`` into ``{"text", "cue"}`` parts; spans are clipped, overlaps dropped."""
    parts, pos = [], lo
    for start, end, cue in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = max(start, pos), min(end, hi)
        if start >= end:
            continue
        if start > pos:
            parts.append({"text": text[pos:start], "cue": None})
        parts.append({"text": text[start:end], "cue": cue})
        pos = end
    if pos < hi:
        parts.append({"text": text[pos:hi], "cue": None})
    return parts


def _cues(claim: dict) -> list[tuple[int, int, str]]:
    """The claim's cues as (start, end, label) article offsets, labels restricted to the known four."""
    out = []
    for cue in claim.get("cues") or []:
        if not isinstance(cue, dict):
            continue
        s, e = cue.get("start_char"), cue.get("end_char")
        if isinstance(s, int) and isinstance(e, int) and s < e and cue.get("label") in CUE_LABELS:
            out.append((s, e, cue["label"]))
    return out


def _claim_offset(segments, start: int) -> int | None:
    """Where article offset ``start`` falls in the claim's text (its segments joined by one space)."""
    off = 0
    for seg in segments:
        if not (isinstance(seg, (list, tuple)) and len(seg) == 2 and all(isinstance(x, int) for x in seg)):
            return None
        if seg[0] <= start < seg[1]:
            return off + start - seg[0]
        off += seg[1] - seg[0] + 1
    return None


def _cues_in_claim_text(claim: dict) -> list[tuple[int, int, str]]:
    """Cue spans on the claim's own text; when offsets do not fit the text, the cue's words are searched for."""
    text = claim.get("text") or ""
    segments = claim.get("segments") or [[claim.get("start_char"), claim.get("end_char")]]
    out = []
    for cue in claim.get("cues") or []:
        if not isinstance(cue, dict):
            continue
        s, e, label, want = cue.get("start_char"), cue.get("end_char"), cue.get("label"), str(cue.get("text") or "")
        if label not in CUE_LABELS:
            continue
        pos = _claim_offset(segments, s) if isinstance(s, int) and isinstance(e, int) and s < e else None
        if pos is not None and (not want or text[pos:pos + e - s].lower() == want.lower()):
            out.append((pos, pos + e - s, label))
        elif want and (found := text.lower().find(want.lower())) >= 0:
            out.append((found, found + len(want), label))
    return out


# ---------------------------------------------------------------- views

def _claim_view(claim: dict, page: str, ref_names: dict | None = None) -> dict:
    """What the templates show for one claim (``page``: its article page's file name)."""
    label, p, strength = _label(claim), _proba(claim), _strength(claim)
    tip = [label if p is None else f"{label} {p:.2f}"]
    if strength is not None:
        tip.append(f"strength {strength}")
    if claim.get("abstain"):
        tip.append("needs review")
    text = claim.get("text") or ""
    cid = str(claim.get("claim_id") or "")
    return {
        "id": cid,
        "anchor": f"c-{cid}",
        "label": label,
        "proba": "" if p is None else _pct(p),
        "strength": strength,
        "strength_name": "" if strength is None else STRENGTH_NAMES[min(max(strength, 0), 3)],
        "dots": "" if strength is None else "●" * min(max(strength, 0), 3) + "○" * (3 - min(max(strength, 0), 3)),
        "abstain": bool(claim.get("abstain")),
        "reason": str(claim.get("reason") or ""),
        "tip": " · ".join(tip + ([str(claim["reason"])] if claim.get("reason") else [])),
        "type": str(claim.get("type") or ""),
        "parts": _parts(text, _cues_in_claim_text(claim), 0, len(text)),
        "href": f"articles/{page}#c-{cid}",
        "evidence": _evidence_view(claim, ref_names or {}),
        "flags": _flags_view(claim),
    }


def _design_phrase(design) -> str:
    return {"observational": "an observational study", "experimental": "an experimental study",
            "animal": "animal or lab research", "review": "a review"}.get(design or "", "the study")


def _evidence_view(claim: dict, ref_names: dict) -> dict | None:
    """How the claim compares with its reference statement, and whether it is worded more strongly
    than the study design carries. None when there is nothing to say."""
    relation, basis = claim.get("relation"), claim.get("relation_basis")
    s, cap = _strength(claim), claim.get("strength_cap")
    cap = cap if isinstance(cap, int) and not isinstance(cap, bool) else None
    design = _design_phrase(claim.get("reference_design"))
    view = {"relation": "", "arrow": "", "summary": "", "strengths": "", "beyond_text": "", "tip": ""}
    if basis == "reference" and relation in RELATION_ARROWS:
        rs = claim.get("reference_strength")
        ref = ref_names.get(claim.get("reference_claim_id")) or "the reference"
        view.update(relation=relation, arrow=RELATION_ARROWS[relation],
                    summary={"exaggerates": f"stronger than {ref}", "same": f"as strong as {ref}",
                             "downplays": f"weaker than {ref}"}[relation],
                    strengths=f"{s} vs {rs}" if s is not None and rs is not None else "",
                    tip=f"claim strength {s}; the matching statement of {ref} has strength {rs}")
    if cap is not None and s is not None and s > cap and (claim.get("exceeds_cap") or relation == "exaggerates"):
        view["beyond_text"] = f"stronger than {design} carries (at most {cap}, {STRENGTH_NAMES[cap]})"
        if basis == "design":
            view["tip"] = "no matching statement in the original source: judged against the study design"
    return view if view["relation"] or view["beyond_text"] else None


def _flags_view(claim: dict) -> list[dict]:
    out, seen = [], set()
    for f in claim.get("number_flags") or []:
        flag, message = str(f.get("flag") or ""), str(f.get("message") or "")
        if flag in FLAG_NAMES and (flag, message) not in seen:
            seen.add((flag, message))
            out.append({"flag": flag, "name": FLAG_NAMES[flag], "message": message})
    return out


def _runs(text: str) -> list[dict]:
    """Blocks of the article: ``{"kind": "p"|"ul", "runs": [(start, end), ...]}``.

    Paragraphs are separated by blank lines; lines starting "- " are list items (one run each).
    """
    blocks = []
    for para in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
        pos = para.start()
        for line in para.group().split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            stripped = line.lstrip()
            if not stripped:
                continue
            if stripped.startswith("- "):
                run, kind = (start + len(line) - len(stripped) + 2, end), "ul"
                if run[0] >= run[1]:
                    continue
            else:
                run, kind = (start, end), "p"
            if blocks and blocks[-1]["kind"] == kind and (kind == "ul" or blocks[-1]["para"] == para.start()):
                if kind == "p":
                    blocks[-1]["runs"][-1] = (blocks[-1]["runs"][-1][0], end)
                else:
                    blocks[-1]["runs"].append(run)
            else:
                blocks.append({"kind": kind, "para": para.start(), "runs": [run]})
    return blocks


def _article_body(text: str, claims: list[dict], views: dict) -> tuple[list[dict], list[dict]]:
    """The article text as blocks of runs of segments, claims highlighted; plus claims not placed."""
    spans, unplaced, last = [], [], 0
    def where(c):
        s, e = c.get("start_char"), c.get("end_char")
        return (s if isinstance(s, int) else 0, -(e if isinstance(e, int) else 0))

    for claim in sorted(claims, key=where):
        s, e = claim.get("start_char"), claim.get("end_char")
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            unplaced.append(views[id(claim)])
            continue
        s = max(s, last)  # overlapping claims: the earlier one keeps the shared text
        if s >= e:
            unplaced.append(views[id(claim)])
            continue
        spans.append((s, e, claim))
        last = e
    placed, blocks = set(), []
    for block in _runs(text):
        runs = []
        for lo, hi in block["runs"]:
            segments, pos = [], lo
            for start, end, claim in spans:
                s, e = max(start, pos), min(end, hi)
                if s >= e:
                    continue
                if s > pos:
                    segments.append({"claim": None, "parts": [{"text": text[pos:s], "cue": None}]})
                segments.append({
                    "claim": views[id(claim)],
                    "first": id(claim) not in placed,  # carries the anchor
                    "last": e == end,  # followed by the probability note
                    "parts": _parts(text, _cues(claim), s, e),
                })
                placed.add(id(claim))
                pos = e
            if pos < hi:
                segments.append({"claim": None, "parts": [{"text": text[pos:hi], "cue": None}]})
            runs.append(segments)
        blocks.append({"kind": block["kind"], "runs": runs})
    unplaced += [views[id(c)] for _, _, c in spans if id(c) not in placed]
    return blocks, unplaced


def _counts(claims: list[dict]) -> dict:
    counts = dict.fromkeys(LABELS, 0)
    for c in claims:
        if c.get("label") in LABELS:
            counts[c["label"]] += 1
    return counts


def _designs(claims: list[dict]) -> list[dict]:
    """Study designs the article describes, most frequent first, with one piece of evidence each."""
    found: dict[str, dict] = {}
    for c in claims:
        design = str(c.get("design") or "")
        if design and design != "unknown":
            d = found.setdefault(design, {"design": design, "n": 0, "evidence": ""})
            d["n"] += 1
            d["evidence"] = d["evidence"] or str(c.get("design_evidence") or "")
    return sorted(found.values(), key=lambda d: (-d["n"], d["design"]))


def _chart(rows: list[dict]) -> dict:
    """Geometry of the stacked-bar chart of label shares per source."""
    bars = []
    for i, row in enumerate(rows):
        y, x, segs = CHART_TOP + i * CHART_ROW_H, CHART_LABEL_W, []
        cum = 0.0
        for label in LABELS:
            share = row["shares"][label]
            x0, cum = CHART_LABEL_W + cum * CHART_BAR_W, cum + share
            w = CHART_LABEL_W + cum * CHART_BAR_W - x0
            if w > 0:
                segs.append({
                    "label": label, "x": f"{x0:.2f}", "w": f"{w:.2f}", "share": f"{share:.4f}",
                    "pct": _pct(share), "tx": f"{x0 + w / 2:.2f}", "show_text": w >= 34,
                    "count": row["counts"][label],
                })
        name = row["source"]
        bars.append({
            "source": name, "name": name if len(name) <= 21 else name[:20] + "…", "n": row["n"],
            "y": y, "by": y + (CHART_ROW_H - CHART_BAR_H) // 2, "ty": y + CHART_ROW_H // 2 + 5,
            "segments": segs,
        })
    width = CHART_LABEL_W + CHART_BAR_W + CHART_TAIL_W
    return {
        "bars": bars, "width": width, "height": CHART_TOP + len(rows) * CHART_ROW_H + 6,
        "label_w": CHART_LABEL_W, "bar_w": CHART_BAR_W, "bar_h": CHART_BAR_H,
        "tail_x": CHART_LABEL_W + CHART_BAR_W + 8,
        "legend": [{"label": lab, "x": CHART_LABEL_W + i * 120} for i, lab in enumerate(LABELS)],
    }


def _source_rows(claims: list[dict]) -> list[dict]:
    from pipeline.compare import source_table

    rows = source_table(claims)
    for row in rows:
        _decorate_source_row(row)
    return rows


def _decorate_source_row(row: dict) -> dict:
    row["kind_name"] = KIND_NAMES.get(row["kind"], row["kind"])
    row["pct"] = {k: _pct(v) for k, v in (row.get("shares") or {}).items()}
    ms = row.get("mean_strength")
    row["mean_strength_text"] = "–" if ms is None else f"{ms:.1f}"
    return row


def _story_title(name: str) -> str:
    """A story slug such as "walking-memory" as a title ("Walking memory"); other names unchanged."""
    if name and not re.search(r"\s", name) and re.search(r"[-_]", name):
        name = re.sub(r"[-_]+", " ", name).strip()
        return name[:1].upper() + name[1:]
    return name


def _all_articles(articles: list[dict], claims: list[dict]) -> list[dict]:
    """The articles, plus a stand-in (no text) for each article known only from its claims."""
    out = [dict(a) for a in articles]
    known = {a.get("article_id") for a in out}
    for c in claims:
        aid = c.get("article_id")
        if aid not in known:
            known.add(aid)
            out.append({"article_id": aid, "text": "", "title": c.get("title") or "", "source": c.get("source") or "",
                        "url": c.get("url") or "", "path": c.get("path") or "", "published": "",
                        "kind": c.get("kind") or "", "story": c.get("story") or ""})
    return out


# ---------------------------------------------------------------- stories

def _snippet(text: str, start: int, end: int, width: int = 70) -> dict:
    """The words around ``text[start:end]``: ``{before, match, after}``, cut at word boundaries."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    before, after = text[lo:start], text[end:hi]
    if lo > 0:
        before = "…" + before[before.find(" ") + 1:] if " " in before else "…" + before
    if hi < len(text):
        after = (after[: after.rfind(" ")] if " " in after else after) + "…"
    return {"before": " ".join(before.split()) + (" " if before[-1:].isspace() else ""),
            "match": text[start:end],
            "after": (" " if after[:1].isspace() else "") + " ".join(after.split())}


def _checklist_view(story: dict, cards: list[dict], columns: list[str]) -> list[dict]:
    """Rows of the checklist table: one per item, one cell per source column."""
    from pipeline.scorecard import ITEMS, TITLES

    texts = {a.get("article_id"): a.get("text") or "" for a in story["articles"]}
    by_source = {c["source"]: c for c in cards}
    rows = []
    for item in ITEMS:
        cells = []
        for name in columns:
            result = (by_source.get(name) or {}).get("checklist")
            if result is None:
                cells.append(None)
                continue
            r = result[item]
            cells.append({
                "ok": r["ok"],
                "snippets": [_snippet(texts.get(sp.get("article_id"), ""), sp["start_char"], sp["end_char"])
                             for sp in r["spans"] if texts.get(sp.get("article_id"))],
            })
        rows.append({"item": item, "title": TITLES[item], "cells": cells})
    return rows


def _scorecard_rows(cards: list[dict]) -> list[dict]:
    from pipeline.scorecard import ITEMS

    out = []
    for card in cards:
        row = _decorate_source_row(dict(card))
        gap = card.get("mean_gap")
        row["gap_text"] = "–" if gap is None else f"{gap:+.1f}"
        checklist = card.get("checklist")
        row["checklist_score"] = "" if checklist is None else \
            f"{sum(checklist[i]['ok'] for i in ITEMS)}/{len(ITEMS)}"
        out.append(row)
    return out


def _story_view(story: dict, views: dict, page_of: dict, name_of_page: str) -> dict:
    """One story: source scorecards, the checklist, and the side-by-side rows of findings."""
    from pipeline.compare import source_name
    from pipeline.scorecard import source_scorecards

    cards = source_scorecards(story)
    ref = story.get("reference")
    ref_source = (ref.get("source") or ref.get("title") or str(ref.get("article_id"))) if ref else ""
    # columns: the reference's source first, then journal, press release, news, blog, other
    cards.sort(key=lambda c: 0 if ref and c["source"] == ref_source else 1)
    columns = [c["source"] for c in cards if c["n"]]
    rows = []
    for k, group in enumerate(story["groups"]):
        cells = {name: [] for name in columns}
        for claim in group:
            cells.setdefault(source_name(claim), []).append(views[id(claim)])
        labels = sorted({_label(c) for c in group})
        strengths = [s for s in map(_strength, group) if s is not None]
        differs = story["differs"].get(k) or []
        rows.append({
            "nr": k + 1,
            "cells": [cells[name] for name in columns],
            "n_sources": sum(1 for name in columns if cells[name]),
            "differs": len(group) > 1 and (len(labels) > 1 or len(set(strengths)) > 1),
            "labels": labels,
            "strength_range": f"{min(strengths)}–{max(strengths)}" if len(set(strengths)) > 1 else "",
            "numbers_differ": [{"values": d["values"]} for d in differs],
            "exaggerated": sum(1 for c in group if c.get("relation") == "exaggerates"),
        })
    ref_kind = (REFERENCE_NAMES.get(ref.get("kind") or "", "reference") if ref else "")
    if ref and (ref.get("meta") or {}).get("reference"):
        ref_kind = "reference"
    ref_design = ""
    if ref:
        ref_claims = [c for c in story["claims"] if c.get("article_id") == ref.get("article_id")]
        designs = _designs(ref_claims)
        ref_design = designs[0]["design"] if designs else ""
    n_flags = sum(len(c.get("number_flags") or []) for c in story["claims"])
    return {
        "key": story["story"],
        "name": _story_title(story["name"]),
        "page": name_of_page,
        "columns": [_decorate_source_row(dict(c)) for c in cards if c["n"]],
        "scorecards": _scorecard_rows(cards),
        "checklist": _checklist_view(story, cards, [c["source"] for c in cards]),
        "checklist_sources": [c["source"] for c in cards],
        "has_checklist": any(c.get("checklist") is not None for c in cards),
        "rows": rows,
        "n_shared": sum(1 for r in rows if r["n_sources"] > 1),
        "n_articles": len(story["articles"]),
        "n_claims": len(story["claims"]),
        "n_sources": len(cards),
        "sources": [c["source"] for c in cards],
        "reference": {"source": ref_source, "kind": ref_kind, "design": ref_design,
                      "href": f"articles/{page_of[ref.get('article_id')]}"} if ref else None,
        "exaggerated": sum(1 for c in story["claims"] if c.get("relation") == "exaggerates"),
        "beyond": sum(1 for c in story["claims"] if c.get("exceeds_cap")),
        "overstated": sum(1 for c in story["claims"] if c.get("label") == "overstated"),
        "n_flags": n_flags,
        "review": sum(bool(c.get("abstain")) for c in story["claims"]),
        "counts": _counts(story["claims"]),
    }


# ---------------------------------------------------------------- the review script

@functools.lru_cache(maxsize=1)
def review_script() -> tuple[str, str]:
    """(the review loop's exact script text, its CSP source ``'sha256-...'``)."""
    text = REVIEW_SCRIPT.read_text(encoding="utf-8")
    if re.search(r"</script", text, re.IGNORECASE):
        raise AssertionError("review.js must not contain a closing script tag")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"'sha256-{digest}'"


def csp(with_script: bool) -> str:
    """The pages' Content-Security-Policy: no scripts, or only the review script by its hash."""
    return f"{CSP}; script-src {review_script()[1]}" if with_script else CSP


def json_for_html(data) -> str:
    """JSON safe inside ``<script type="application/json">``: ``<``, ``>``, ``&``, line separators
    and invisible format characters are written as escapes, so no text can close the element or
    start a comment, and the page's source shows what the data holds."""
    text = json_visible(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                     ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def _review_data(claims: list[dict], report_id: str) -> str:
    return json_for_html({
        "report": report_id,
        "claims": {str(c.get("claim_id") or ""): {
            "text": str(c.get("text") or ""), "context": str(c.get("context") or ""),
            "design": str(c.get("design") or ""), "source": str(c.get("source") or ""), "label": _label(c),
        } for c in claims if c.get("claim_id")},
    })


# ---------------------------------------------------------------- writing

def _finalize(value):
    """Every value a template writes, as a page shows it (pipeline/visible.py); markup from the
    templates themselves has no format characters, so escaped text stays escaped."""
    if isinstance(value, str):
        text = shown(value)
        if text is not value:
            from markupsafe import Markup

            return Markup(text) if isinstance(value, Markup) else text
    return value


def _env():
    import jinja2

    return jinja2.Environment(
        finalize=_finalize,
        loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def write_report(claims: list[dict], articles: list[dict], skipped: list[dict], out_dir: Path, *,
                 params: dict | None = None, manifest: dict[str, str] | None = None,
                 stories: list[dict] | None = None, model_path=None, workers: int = 1) -> Path:
    """Write ``out_dir/index.html``, ``out_dir/stories/<story>.html`` and ``out_dir/articles/<article_id>.html``;
    return the index path. Stories, finding rows, evidence and number checks come from
    :func:`pipeline.compare.compare_run` (which also annotates ``claims`` in place); pass its
    ``stories`` when it has already run on these articles and claims, so it does not run twice
    (else ``model_path`` is handed to it, for story designs). ``workers`` > 1: story views and pages
    are made by that many forked processes (:mod:`pipeline.forkmap`; same bytes)."""
    from markupsafe import Markup

    from pipeline import __version__
    from pipeline.compare import align_threshold, compare_run, source_name
    from pipeline.forkmap import fork_map

    out_dir = Path(out_dir)
    threshold = align_threshold(params)
    arts = _all_articles(articles, claims)
    if stories is None:
        stories = compare_run(arts, claims, params, manifest=manifest, model_path=model_path)
    stories = [s for s in stories if s["claims"] or s["articles"]]
    pages = _page_names([str(a.get("article_id")) for a in arts])
    page_of = {a.get("article_id"): pages[str(a.get("article_id"))] for a in arts}
    story_pages = _page_names([s["story"] for s in stories])
    ref_names = {}
    for story in stories:
        ref = story.get("reference")
        if ref:
            kind = "the reference" if (ref.get("meta") or {}).get("reference") else \
                "the " + REFERENCE_NAMES.get(ref.get("kind") or "", "reference")
            for c in story["claims"]:
                if c.get("article_id") == ref.get("article_id"):
                    ref_names[c.get("claim_id")] = kind
    views = {id(c): _claim_view(c, page_of[c.get("article_id")], ref_names) for c in claims}
    by_article: dict = {a.get("article_id"): [] for a in arts}
    for c in claims:
        by_article[c.get("article_id")].append(c)
    for group in by_article.values():
        group.sort(key=_order)
    report_id = hashlib.sha256("\n".join(sorted(str(c.get("claim_id") or "") for c in claims)).encode()).hexdigest()[:16]
    script_text, _ = review_script()

    common = {"version": __version__, "threshold": f"{threshold:.2f}", "corrections_file": CORRECTIONS_FILE}
    article_list = [{
        "title": a.get("title") or a.get("source") or str(a.get("article_id")),
        "source": a.get("source") or "", "kind": KIND_NAMES.get(a.get("kind"), a.get("kind") or ""),
        "published": a.get("published") or "", "href": f"articles/{page_of[a.get('article_id')]}",
        "n": len(by_article[a.get("article_id")]), "counts": _counts(by_article[a.get("article_id")]),
        "story": a.get("story") or "",
    } for a in arts]
    story_views = fork_map(lambda s: _story_view(s, views, page_of, story_pages[s["story"]]), stories, workers)
    sources = _source_rows(claims)
    single = story_views[0] if len(story_views) == 1 else None
    index = {
        **common,
        "root": "",
        "csp": csp(bool(single and single["rows"])),
        "overview": {
            "articles": len(arts), "sources": len({source_name(c) for c in claims} | {a.get("source") for a in arts
                                                                                          if a.get("source")}),
            "stories": len(story_views), "claims": len(claims), "skipped": len(skipped),
            "review": sum(bool(c.get("abstain")) for c in claims), "counts": _counts(claims),
        },
        "sources": sources,
        "chart": _chart(sources),
        "stories": story_views,
        "single": single,
        "articles": article_list,
        "skipped": [{"path": display_path(s.get("path")), "reason": str(s.get("reason") or "")} for s in skipped],
        "script": Markup(script_text) if single and single["rows"] else "",
        "review_data": Markup(_review_data(single and stories[0]["claims"] or [], report_id)),
    }
    index["title"] = f"Claim check: {single['name']}" if single and single["name"] != "All articles" \
        else "Claim check report"

    env = _env()
    try:
        index_path = out_dir / "index.html"
        index_tpl = env.get_template("index.html")
        story_tpl = env.get_template("story.html")
        page_tpl = env.get_template("article.html")
        story_page_of = {v["key"]: v["page"] for v in story_views}

        def story_page(k: int) -> None:
            story, view = stories[k], story_views[k]
            with_script = bool(view["rows"])
            page = {**common, "root": "../", "csp": csp(with_script), "title": view["name"] or "Story",
                    "story": view, "script": Markup(script_text) if with_script else "",
                    "review_data": Markup(_review_data(story["claims"], report_id))}
            write_text(out_dir / "stories" / view["page"], story_tpl.render(page), durable=False)

        def article_page(a: dict) -> None:
            aid = a.get("article_id")
            mine = by_article[aid]
            text = a.get("text") or ""
            blocks, unplaced = _article_body(text, mine, views) if text else ([], [views[id(c)] for c in mine])
            page = {
                **common,
                "root": "../",
                "csp": CSP,
                "title": a.get("title") or a.get("source") or str(aid),
                "article": {
                    "source": a.get("source") or "", "kind": KIND_NAMES.get(a.get("kind"), a.get("kind") or ""),
                    "url": safe_url(a.get("url")), "raw_url": "" if safe_url(a.get("url")) else str(a.get("url") or ""),
                    "published": a.get("published") or "", "path": display_path(a.get("path")),
                    "designs": _designs(mine), "counts": _counts(mine), "n": len(mine),
                    "review": sum(bool(c.get("abstain")) for c in mine),
                    "story_href": f"stories/{story_page_of[a.get('story')]}" if a.get("story") in story_page_of
                    and len(story_views) > 1 else "",
                    "story_name": _story_title(next((v["name"] for v in story_views if v["key"] == a.get("story")), "")),
                },
                "has_text": bool(text),
                "blocks": blocks,
                "claims": unplaced,
            }
            write_text(out_dir / "articles" / page_of[aid], page_tpl.render(page), durable=False)

        def make(task) -> None:
            kind, item = task
            if kind == "index":
                write_text(index_path, index_tpl.render(index))  # the biggest page: first
            elif kind == "story":
                story_page(item)
            else:
                article_page(item)

        # one map for every page: the processes stay busy to the end
        fork_map(make, [("index", None)] + [("story", k) for k in range(len(stories))]
                 + [("article", a) for a in arts], workers)
    except OSError as exc:
        raise ClaimcheckError(f"{out_dir}: cannot write the report ({exc.strerror or exc})") from exc
    return index_path
