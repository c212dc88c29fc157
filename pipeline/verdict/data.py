"""Rows the verdict model learns from: claims extracted from the written web pages with their gold
labels, and corpus rows the corpus-trained label model never saw (its held-out studies)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class VerdictRows:
    """Claim records with their gold label, the group to split by, and what each row is."""

    claims: list[dict] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)  # "webclaims:<register>", a corpus name, "user"
    confidence: list[str] = field(default_factory=list)  # webclaims gold confidence, else ""
    weights: list[float] = field(default_factory=list)

    def extend(self, other: "VerdictRows") -> "VerdictRows":
        for name in ("claims", "labels", "groups", "origin", "confidence", "weights"):
            getattr(self, name).extend(getattr(other, name))
        return self

    def take(self, index) -> "VerdictRows":
        out = VerdictRows()
        for name in ("claims", "labels", "groups", "origin", "confidence", "weights"):
            values = getattr(self, name)
            setattr(out, name, [values[i] for i in index])
        return out

    def __len__(self) -> int:
        return len(self.labels)


def webclaims_rows(data_dir: Path, splits, *, nlp=None, params: dict | None = None, weight: float = 1.0,
                   confidence_weights: dict | None = None, stats: dict | None = None) -> VerdictRows:
    """The extracted claims of the webclaims pages of ``splits`` that match a gold claim, weighted
    ``weight`` times their gold confidence's weight (``confidence_weights``, default 1 for all).
    ``stats`` (if given) receives gold / found / extracted / not-claim counts per register."""
    from pipeline import webclaims

    rows = VerdictRows()
    for page, gold, claims in webclaims.extracted_pages(data_dir, splits=set(splits), nlp=nlp, params=params):
        claim_gold, gold_claim = webclaims.match_claims(claims, gold)
        if stats is not None:
            s = stats.setdefault(page["register"], {"gold": 0, "found": 0, "extracted": 0, "not_claims": 0,
                                                    "titles": 0, "titles_found": 0})
            s["gold"] += len(gold)
            s["found"] += sum(c is not None for c in gold_claim)
            s["extracted"] += len(claims)
            s["not_claims"] += sum(g is None for g in claim_gold)
            s["titles"] += sum(g["part"] == "title" for g in gold)
            s["titles_found"] += sum(g["part"] == "title" and c is not None for g, c in zip(gold, gold_claim))
        for claim, g in zip(claims, claim_gold):
            if g is None:
                continue
            rows.claims.append(claim)
            rows.labels.append(gold[g]["label"])
            rows.groups.append("page:" + page["id"])
            rows.origin.append("webclaims:" + page["register"])
            rows.confidence.append(gold[g]["confidence"])
            rows.weights.append(weight * (confidence_weights or {}).get(gold[g]["confidence"], 1.0))
    return rows


def frame_rows(df, origin_prefix: str = "", weight: float = 1.0) -> VerdictRows:
    """Labelled rows of a training frame (corpora or user labels) as bare claims (no page fields)."""
    rows = VerdictRows()
    labelled = df[df["label"].notna()]
    for text, context, design, label, study, corpus in zip(
            labelled["text"], labelled["context"], labelled["design"], labelled["label"], labelled["study"],
            labelled["corpus"]):
        rows.claims.append({"text": str(text), "context": str(context or ""), "design": str(design)})
        rows.labels.append(str(label))
        rows.groups.append(str(study))
        rows.origin.append(origin_prefix + str(corpus))
        rows.confidence.append("")
        rows.weights.append(weight)
    return rows


def corpus_heldout_rows(df, weight: float = 1.0) -> VerdictRows:
    """Corpus rows of the ``dev`` studies, less the InSciOut trial sample kept for the figures."""
    from pipeline.splits import DEV_CORPORA

    dev = df[(df["split"] == "dev") & ~df["corpus"].isin(DEV_CORPORA)]
    return frame_rows(dev, weight=weight)
