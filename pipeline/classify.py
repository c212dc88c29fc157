"""Classify stage: read claims and give each its verdict (``pipeline.verdict``)."""

from __future__ import annotations

from pipeline.verdict.judge import add_reference_relation, classify_claims, model_frame, rejudge_story_designs

__all__ = ["add_reference_relation", "classify_claims", "model_frame", "read_claims", "rejudge_story_designs"]


def read_claims(path) -> list[dict]:
    """Claims from extract's JSONL, or bare claims in CSV / JSONL with a ``text`` column
    (optional id, context, design, reference). Raises InputError naming every bad line."""
    import csv
    import json
    from pathlib import Path

    from pipeline.errors import InputError

    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read ({exc})") from exc
    rows, bad = [], []
    if path.suffix.lower() == ".csv":
        for line, rec in enumerate(csv.DictReader(raw.splitlines()), start=2):
            rows.append((line, rec))
    else:
        for line, text in enumerate(raw.splitlines(), start=1):
            if not text.strip():
                continue
            try:
                rows.append((line, json.loads(text)))
            except json.JSONDecodeError as exc:
                bad.append(f"line {line}: broken JSON ({exc.msg})")
    claims = []
    for line, rec in rows:
        if not isinstance(rec, dict) or not str(rec.get("text") or "").strip():
            bad.append(f"line {line}: no `text`")
            continue
        claims.append({k: v for k, v in rec.items() if v is not None})
    if bad:
        raise InputError(path, "; ".join(bad[:20]) + (f"; and {len(bad) - 20} more" if len(bad) > 20 else ""))
    return claims


