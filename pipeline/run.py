"""The main job: inputs -> articles -> claims -> verdicts -> claims.jsonl, CSV, summary and HTML report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.records import Article, Skipped


@dataclass
class RunResult:
    """What a run produced: counts, the inputs it skipped, and where the report is."""

    articles: int = 0
    claims: int = 0
    skipped: list = field(default_factory=list)
    index: Path | None = None


def split_inputs(items, on_skip: Callable[[Skipped], None] | None, skipped: list):
    """Articles from an ingest stream; each Skipped is recorded and passed to ``on_skip``."""
    for item in items:
        if isinstance(item, Article):
            yield item
        else:
            skipped.append(item)
            if on_skip:
                on_skip(item)


def extract_stream(inputs, params: dict, skipped: list, on_skip=None):
    """(article, claims) for every readable input; unreadable ones land in ``skipped``."""
    from pipeline.extract import iter_extracted
    from pipeline.ingest import iter_inputs

    articles = split_inputs(iter_inputs(list(inputs), params=params), on_skip, skipped)
    return iter_extracted(articles, params=params)


def run(inputs, out_dir: Path, *, model_path: Path, params: dict, on_skip=None, on_article=None) -> RunResult:
    """Run every stage on ``inputs`` and write the outputs into ``out_dir``."""
    from pipeline.atomic import atomic_open, dumps, write_json, write_jsonl, write_text
    from pipeline.classify import classify_claims
    from pipeline.model import load_model
    from pipeline.outputs import claims_csv, side_path, side_records, summary
    from pipeline.report import write_report

    model = load_model(model_path)  # fail before reading a thousand articles
    out_dir = Path(out_dir)
    threshold = params["classify"]["abstain_threshold"]
    result, articles, claims, skipped = RunResult(), [], [], []
    with atomic_open(out_dir / "claims.jsonl") as fh:
        for article, found in extract_stream(inputs, params, skipped, on_skip):
            labelled = classify_claims(found, model, abstain_threshold=threshold)
            for claim in labelled:
                fh.write(dumps(claim) + "\n")
            articles.append(article.to_dict())
            claims.extend(labelled)
            if on_article:
                on_article(article, labelled)
    skipped_dicts = [s.to_dict() for s in skipped]
    write_jsonl(side_path(out_dir / "claims.jsonl"), side_records(articles, skipped_dicts))
    write_text(out_dir / "claims.csv", claims_csv(claims))
    write_json(out_dir / "summary.json", summary(claims, articles, skipped_dicts, model.card))
    result.index = write_report(claims, articles, skipped_dicts, out_dir, params=params)
    result.articles, result.claims, result.skipped = len(articles), len(claims), skipped
    return result
