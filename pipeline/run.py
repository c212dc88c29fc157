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


def _as_reference(articles):
    """Articles given with ``--reference``: marked ``meta.reference`` (the original source of their story)."""
    for article in articles:
        article.meta = {**(article.meta or {}), "reference": True}
        yield article


def extract_stream(inputs, params: dict, skipped: list, on_skip=None, references=()):
    """(article, claims) for every readable input (``references`` first); unreadable ones land in ``skipped``."""
    from itertools import chain

    from pipeline.extract import iter_extracted
    from pipeline.ingest import iter_inputs

    articles = split_inputs(iter_inputs(list(inputs), params=params), on_skip, skipped)
    if references:
        refs = _as_reference(split_inputs(iter_inputs(list(references), params=params), on_skip, skipped))
        articles = chain(refs, articles)
    return iter_extracted(articles, params=params)


def run(inputs, out_dir: Path, *, model_path: Path, params: dict, on_skip=None, on_article=None,
        stories_file=None, references=()) -> RunResult:
    """Run every stage on ``inputs`` and write the outputs into ``out_dir``.

    ``stories_file``: a stories manifest (pipeline/stories.py); ``references``: inputs that are the
    original source of their story (judged against, see pipeline/evidence.py).
    """
    from pipeline.atomic import atomic_open, dumps, remove_stale_temps, write_json, write_jsonl, write_text
    from pipeline.claimreview import write_claimreview
    from pipeline.classify import classify_claims
    from pipeline.compare import compare_run
    from pipeline.model import load_model
    from pipeline.outputs import claims_csv, side_path, side_records, summary
    from pipeline.report import write_report
    from pipeline.stories import read_manifest

    model = load_model(model_path)  # fail before reading a thousand articles
    manifest = read_manifest(stories_file) if stories_file else None
    out_dir = Path(out_dir)
    for folder in (out_dir, out_dir / "articles", out_dir / "stories"):
        remove_stale_temps(folder)  # left by a killed run; never mistaken for outputs (they start with ".")
    threshold = params["classify"]["abstain_threshold"]
    result, articles, claims, skipped = RunResult(), [], [], []
    with atomic_open(out_dir / "claims.jsonl") as fh:
        for article, found in extract_stream(inputs, params, skipped, on_skip, references):
            labelled = classify_claims(found, model, abstain_threshold=threshold)
            articles.append(article.to_dict())
            claims.extend(labelled)
            if on_article:
                on_article(article, labelled)
        compare_run(articles, claims, params, manifest=manifest)  # stories, evidence, number checks
        for claim in claims:
            fh.write(dumps(claim) + "\n")
    skipped_dicts = [s.to_dict() for s in skipped]
    write_jsonl(side_path(out_dir / "claims.jsonl"), side_records(articles, skipped_dicts))
    write_text(out_dir / "claims.csv", claims_csv(claims))
    write_json(out_dir / "summary.json", summary(claims, articles, skipped_dicts, model.card))
    result.index = write_report(claims, articles, skipped_dicts, out_dir, params=params)
    write_claimreview(out_dir / "claimreview.jsonld", claims, articles)
    result.articles, result.claims, result.skipped = len(articles), len(claims), skipped
    return result
