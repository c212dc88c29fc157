"""Run outputs besides the HTML: claims CSV, summary, and the articles side file."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from pipeline.records import LABELS

CSV_FIELDS = (
    "claim_id", "article_id", "source", "story", "kind", "type", "label", "p_hedged", "p_supported",
    "p_overstated", "strength", "abstain", "reason", "design", "start_char", "end_char", "text", "cues", "numbers",
    "finding", "relation", "relation_basis", "reference_strength", "exceeds_cap", "number_flags",
)


def side_path(claims_path: str | Path) -> Path:
    """The articles side file that goes with a claims JSONL: ``X.jsonl`` -> ``X.articles.jsonl``."""
    p = Path(claims_path)
    stem = p.name[: -len(".jsonl")] if p.name.endswith(".jsonl") else p.name
    return p.with_name(stem + ".articles.jsonl")


def side_records(articles: list[dict], skipped: list[dict]) -> list[dict]:
    """Side-file lines: ``status`` ok for articles, skipped for inputs that failed."""
    return [dict(a, status="ok") for a in articles] + [
        {"status": "skipped", "path": s["path"], "reason": s["reason"]} for s in skipped
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet will not run as a formula (untrusted article text)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(claim: dict) -> dict:
    """A claim flattened for the CSV."""
    proba = claim.get("proba") or {}
    row = {k: claim.get(k, "") for k in CSV_FIELDS}
    for label in LABELS:
        row[f"p_{label}"] = proba.get(label, "")
    row["cues"] = "; ".join(f"{c['label']}:{c['text']}" for c in claim.get("cues") or [])
    row["numbers"] = "; ".join(n["text"] for n in claim.get("numbers") or [])
    row["number_flags"] = "; ".join(f"{f.get('flag')}: {f.get('message')}" for f in claim.get("number_flags") or []
                                    if isinstance(f, dict))
    return {k: spreadsheet_safe(v) for k, v in row.items()}


def claims_csv(claims: list[dict]) -> str:
    """All claims as CSV text (header + one row a claim)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for claim in claims:
        writer.writerow(csv_row(claim))
    return buf.getvalue()


def summary(claims: list[dict], articles: list[dict], skipped: list[dict], model_card: dict | None = None) -> dict:
    """Counts per label and per source, and what was skipped; no timestamps or machine paths."""
    by_source: dict[str, Counter] = {}
    for c in claims:
        by_source.setdefault(c.get("source", ""), Counter())[c.get("label", "")] += 1
    return {
        "articles": len(articles),
        "claims": len(claims),
        "labels": {lab: sum(1 for c in claims if c.get("label") == lab) for lab in LABELS},
        "needs_review": sum(1 for c in claims if c.get("abstain")),
        "sources": {s: {lab: cnt.get(lab, 0) for lab in LABELS} for s, cnt in sorted(by_source.items())},
        "skipped": [{"path": s["path"], "reason": s["reason"]} for s in skipped],
        "model": {k: (model_card or {}).get(k) for k in ("versions", "training_data")} if model_card else {},
    }
