"""User label files: CSV / JSONL (text, label, optional context, design, source), and exports of
Prodigy (JSONL), Label Studio (JSON) and doccano (JSONL). Bad rows are all reported, never skipped."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from pipeline.errors import LabelFileError
from pipeline.records import LABELS

FIELDS = ("text", "label", "context", "design", "source")


def _label_of(value):
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    if isinstance(value, str) and value.strip().lower() in LABELS:
        return value.strip().lower()
    return None


def _from_record(rec: dict) -> tuple[dict | None, str | None]:
    """One label row from a record of any supported format, or the reason it is bad."""
    if not isinstance(rec, dict):
        return None, "not a JSON object"
    if "annotations" in rec and isinstance(rec.get("data"), dict):  # Label Studio task
        text = rec["data"].get("text")
        choices = [
            c
            for ann in rec.get("annotations") or []
            if not ann.get("was_cancelled")
            for res in ann.get("result") or []
            for c in (res.get("value") or {}).get("choices") or []
        ]
        raw = choices[-1] if choices else None
        row = {"text": text, "label": raw, "context": rec["data"].get("context", "")}
    elif "answer" in rec:  # Prodigy
        if rec["answer"] != "accept":
            return {}, None  # rejected or ignored examples carry no label
        raw = rec.get("label")
        if raw is None and rec.get("accept"):
            raw = rec["accept"][0] if len(rec["accept"]) == 1 else rec["accept"]
        row = {"text": rec.get("text"), "label": raw, "context": (rec.get("meta") or {}).get("context", "")}
    else:  # plain rows and doccano (label may be a one-element list)
        row = {k: rec.get(k) for k in FIELDS}
        raw = rec.get("label")
        if raw is None and isinstance(rec.get("cats"), dict):
            raw = [k for k, v in rec["cats"].items() if v]
        row["label"] = raw
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return None, "missing text"
    if row.get("label") in (None, "", []):
        return {}, None  # not labelled yet (e.g. an exported to-do row left blank)
    label = _label_of(row.get("label"))
    if label is None:
        return None, f"label {row.get('label')!r} is not one of {', '.join(LABELS)}"
    out = {k: (str(row.get(k) or "") if k != "label" else label) for k in FIELDS}
    out["text"] = text.strip()
    if out["text"][:2] in {"'=", "'+", "'-", "'@"}:  # undo spreadsheet_safe on our own exports
        out["text"] = out["text"][1:]
    return out, None


def _records(path: Path):
    """(line number, record or parse error) for each entry of a label file."""
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8-sig")
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        for i, rec in enumerate(reader, start=2):
            yield i, rec
    elif suffix == ".json":
        data = json.loads(text)
        for i, rec in enumerate(data if isinstance(data, list) else [data], start=1):
            yield i, rec
    else:
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield i, json.loads(line)
            except json.JSONDecodeError as exc:
                yield i, ValueError(f"broken JSON ({exc.msg})")


def read_label_files(paths) -> list[dict]:
    """All label rows of the files; raises LabelFileError listing ``file:line: problem`` for every bad row."""
    rows, problems = [], []
    for path in map(Path, paths):
        try:
            entries = list(_records(path))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
            problems.append(f"{path}: cannot read ({exc})")
            continue
        if path.suffix.lower() == ".csv" and entries and "text" not in entries[0][1]:
            problems.append(f"{path}:1: no `text` column")
            continue
        for line, rec in entries:
            if isinstance(rec, Exception):
                problems.append(f"{path}:{line}: {rec}")
                continue
            row, why = _from_record(rec)
            if why:
                problems.append(f"{path}:{line}: {why}")
            elif row:
                row["origin"] = f"{path.name}:{line}"
                rows.append(row)
    if problems:
        raise LabelFileError(problems)
    return rows


def export_uncertain(claims: list[dict], out_path, n: int) -> int:
    """Write the ``n`` claims with the lowest top probability to a CSV ready to label; returns the count."""
    from pipeline.atomic import atomic_open
    from pipeline.outputs import spreadsheet_safe

    def margin(c):
        probs = sorted((c.get("proba") or {}).values(), reverse=True) + [0.0, 0.0]
        return (probs[0] - probs[1], c.get("claim_id", ""))

    chosen = sorted((c for c in claims if c.get("proba")), key=margin)[:n]
    with atomic_open(out_path, newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["claim_id", "text", "context", "design", "source", "predicted", "confidence", "label"],
            lineterminator="\n",
        )
        writer.writeheader()
        for c in chosen:
            writer.writerow({k: spreadsheet_safe(v) for k, v in {
                "claim_id": c.get("claim_id", c.get("id", "")), "text": c["text"], "context": c.get("context", ""),
                "design": c.get("design", ""), "source": c.get("source", ""), "predicted": c.get("label", ""),
                "confidence": max(c["proba"].values()), "label": "",
            }.items()})
    return len(chosen)


LABEL_SUFFIXES = (".csv", ".jsonl", ".json")


def label_files_in(paths) -> list[Path]:
    """Label files named directly, or found (sorted) in named folders."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.iterdir() if f.suffix.lower() in LABEL_SUFFIXES and f.is_file())
        else:
            found.append(p)
    return found
