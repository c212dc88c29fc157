"""Static HTML report: an index comparing sources and one page per article.

This module builds plain template contexts; ``pipeline/templates`` does the presentation.
Output is self-contained (inline CSS and SVG, no scripts) and byte-for-byte deterministic.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath

from pipeline.atomic import write_text
from pipeline.errors import ClaimcheckError, InputError
from pipeline.records import LABELS, Article

CUE_LABELS = ("hedge", "booster", "attribution", "causal")
KIND_NAMES = {"press_release": "press release"}
STRENGTH_NAMES = ("no relationship stated", "correlational", "conditional causal", "direct causal")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

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
    return url if re.match(r"https?://[^\s]", url, re.IGNORECASE) else ""


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

def _claim_view(claim: dict, page: str) -> dict:
    """What the templates show for one claim."""
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
        "tip": " · ".join(tip),
        "type": str(claim.get("type") or ""),
        "parts": _parts(text, _cues_in_claim_text(claim), 0, len(text)),
        "href": f"articles/{page}#c-{cid}",
    }


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
    for claim in sorted(claims, key=lambda c: (c.get("start_char") or 0, -(c.get("end_char") or 0))):
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
        row["kind_name"] = KIND_NAMES.get(row["kind"], row["kind"])
        row["pct"] = {k: _pct(v) for k, v in row["shares"].items()}
        ms = row["mean_strength"]
        row["mean_strength_text"] = "–" if ms is None else f"{ms:.1f}"
    return rows


def _comparison(story: dict, views: dict, threshold: float) -> dict:
    """One row per finding group, one column per source."""
    from pipeline.compare import align_claims, source_name

    claims = sorted(story["claims"], key=lambda c: (_order_of_article(story, c), _order(c)))
    columns = _source_rows(claims)
    names = [c["source"] for c in columns]
    rows = []
    for group in align_claims(claims, threshold=threshold):
        cells = {name: [] for name in names}
        for claim in group:
            cells[source_name(claim)].append(views[id(claim)])
        labels = sorted({_label(c) for c in group})
        strengths = [s for s in map(_strength, group) if s is not None]
        rows.append({
            "cells": [cells[name] for name in names],
            "n_sources": sum(1 for name in names if cells[name]),
            "differs": len(group) > 1 and (len(labels) > 1 or len(set(strengths)) > 1),
            "labels": labels,
            "strength_range": f"{min(strengths)}–{max(strengths)}" if len(set(strengths)) > 1 else "",
        })
    return {"name": _story_title(story["name"]), "columns": columns, "rows": rows,
            "n_shared": sum(1 for r in rows if r["n_sources"] > 1)}


def _story_title(name: str) -> str:
    """A story slug such as "walking-memory" as a title ("Walking memory"); other names unchanged."""
    if name and not re.search(r"\s", name) and re.search(r"[-_]", name):
        name = re.sub(r"[-_]+", " ", name).strip()
        return name[:1].upper() + name[1:]
    return name


def _order_of_article(story: dict, claim: dict) -> int:
    ids = [a.get("article_id") for a in story["articles"]]
    aid = claim.get("article_id")
    return ids.index(aid) if aid in ids else len(ids)


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


# ---------------------------------------------------------------- writing

def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def write_report(claims: list[dict], articles: list[dict], skipped: list[dict], out_dir: Path, *,
                 params: dict | None = None) -> Path:
    """Write ``out_dir/index.html`` and ``out_dir/articles/<article_id>.html``; return the index path."""
    from pipeline import __version__
    from pipeline.compare import source_name, stories
    from pipeline.settings import DEFAULTS

    out_dir = Path(out_dir)
    threshold = float(((params or {}).get("compare") or {}).get("align_threshold",
                                                                 DEFAULTS["compare"]["align_threshold"]))
    arts = _all_articles(articles, claims)
    pages = _page_names([str(a.get("article_id")) for a in arts])
    page_of = {a.get("article_id"): pages[str(a.get("article_id"))] for a in arts}
    views = {id(c): _claim_view(c, page_of[c.get("article_id")]) for c in claims}
    by_article: dict = {a.get("article_id"): [] for a in arts}
    for c in claims:
        by_article[c.get("article_id")].append(c)
    for group in by_article.values():
        group.sort(key=_order)

    common = {"version": __version__, "csp": CSP, "threshold": f"{threshold:.2f}"}
    article_list = [{
        "title": a.get("title") or a.get("source") or str(a.get("article_id")),
        "source": a.get("source") or "", "kind": KIND_NAMES.get(a.get("kind"), a.get("kind") or ""),
        "published": a.get("published") or "", "href": f"articles/{page_of[a.get('article_id')]}",
        "n": len(by_article[a.get("article_id")]), "counts": _counts(by_article[a.get("article_id")]),
    } for a in arts]
    sources = _source_rows(claims)
    index = {
        **common,
        "overview": {
            "articles": len(arts), "sources": len({source_name(c) for c in claims} | {a.get("source") for a in arts
                                                                                          if a.get("source")}),
            "claims": len(claims), "skipped": len(skipped), "review": sum(bool(c.get("abstain")) for c in claims),
            "counts": _counts(claims),
        },
        "sources": sources,
        "chart": _chart(sources),
        "stories": [_comparison(s, views, threshold) for s in stories(arts, claims) if s["claims"]],
        "articles": article_list,
        "skipped": [{"path": display_path(s.get("path")), "reason": str(s.get("reason") or "")} for s in skipped],
    }
    names = [s["name"] for s in index["stories"]]
    index["title"] = f"Claim check: {names[0]}" if names and len(names) == 1 and names[0] != "All articles" \
        else "Claim check report"

    env = _env()
    try:
        index_path = out_dir / "index.html"
        write_text(index_path, env.get_template("index.html").render(index))
        page_tpl = env.get_template("article.html")
        for a in arts:
            aid = a.get("article_id")
            mine = by_article[aid]
            text = a.get("text") or ""
            blocks, unplaced = _article_body(text, mine, views) if text else ([], [views[id(c)] for c in mine])
            page = {
                **common,
                "root": "../",
                "title": a.get("title") or a.get("source") or str(aid),
                "article": {
                    "source": a.get("source") or "", "kind": KIND_NAMES.get(a.get("kind"), a.get("kind") or ""),
                    "url": safe_url(a.get("url")), "raw_url": "" if safe_url(a.get("url")) else str(a.get("url") or ""),
                    "published": a.get("published") or "", "path": display_path(a.get("path")),
                    "designs": _designs(mine), "counts": _counts(mine), "n": len(mine),
                    "review": sum(bool(c.get("abstain")) for c in mine),
                },
                "has_text": bool(text),
                "blocks": blocks,
                "claims": unplaced,
            }
            write_text(out_dir / "articles" / page_of[aid], page_tpl.render(page))
    except OSError as exc:
        raise ClaimcheckError(f"{out_dir}: cannot write the report ({exc.strerror or exc})") from exc
    return index_path
