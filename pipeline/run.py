"""The main job: inputs -> articles -> claims -> verdicts -> claims.jsonl, CSV, summary and HTML report.

A run has two phases:

1. *Work* (streaming, bounded memory, resumable): inputs are read one at a time, batches of
   articles are extracted and classified by an engine (this process, ``--workers N`` local
   processes, or a Dask cluster: :mod:`pipeline.engines`), and every finished input is appended
   to the checkpoint in input order (:mod:`pipeline.checkpoint`).
2. *Finish*: the checkpoint is read back in input order; stories and findings are compared
   (:func:`pipeline.compare.compare_run`), and claims.jsonl, claims.csv, the articles side file,
   summary.json, claimreview.jsonld and the HTML report are written atomically.

Phase 2 works on windows of ``WINDOW`` consecutive articles, so memory stays flat however large
the run: a run of up to ``WINDOW`` articles is compared and reported as one (the usual report);
a larger run is compared window by window (stories are found within a window) and its report has
one part per window (``parts/0001/index.html`` ...) under an index of the parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.records import Article, Skipped

WINDOW = 1000  # articles compared and reported together; params: run.window
# claimreview.jsonld around its reviews, one a line, as pipeline.claimreview.write_claimreview writes it
CLAIMREVIEW_HEAD, CLAIMREVIEW_TAIL = '{"@context": "https://schema.org", "@graph": [\n', "\n]}\n"


@dataclass
class RunResult:
    """What a run produced: counts, the inputs it skipped, and where the report is."""

    articles: int = 0
    claims: int = 0
    skipped: list = field(default_factory=list)
    index: Path | None = None
    resumed: int = 0  # inputs an earlier, interrupted run had finished


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
        if isinstance(article, Article):
            article.meta = {**(article.meta or {}), "reference": True}
        yield article


def ingest_all(inputs, params: dict, references=(), on_source=None):
    """Articles and Skipped of ``references`` (marked as such) then ``inputs``, in order."""
    from pipeline.ingest import iter_inputs

    if references:
        yield from _as_reference(iter_inputs(list(references), params=params, on_source=on_source))
    yield from iter_inputs(list(inputs), params=params, on_source=on_source)


def extract_stream(inputs, params: dict, skipped: list, on_skip=None, references=()):
    """(article, claims) for every readable input (``references`` first); unreadable ones land in ``skipped``.

    Uses the selective first pass (:mod:`pipeline.firstpass`): the same claims as the full pass."""
    from pipeline.firstpass import iter_extracted_selective

    articles = split_inputs(ingest_all(inputs, params, references), on_skip, skipped)
    return iter_extracted_selective(articles, params=params)


def window_size(params: dict | None) -> int:
    return max(1, int(((params or {}).get("run") or {}).get("window", WINDOW)))


def run(inputs, out_dir: Path, *, model_path: Path, params: dict, on_skip=None, on_article=None,
        stories_file=None, references=(), engine=None, resume: bool = False, progress=None,
        first_pass: bool = True, wait: bool = False, on_note=None) -> RunResult:
    """Run every stage on ``inputs`` and write the outputs into ``out_dir``.

    ``stories_file``: a stories manifest (pipeline/stories.py); ``references``: inputs that are the
    original source of their story (judged against, see pipeline/evidence.py). ``engine``: from
    :func:`pipeline.engines.make_engine` (default: this process). ``resume``: continue the
    interrupted run in ``out_dir``. ``progress``: a :class:`pipeline.progress.Progress`.
    ``first_pass``: parse only the regions that can hold claims (same claims; off: parse everything).
    ``wait``: when another run has ``out_dir``, wait for it instead of raising ``OutputBusy``.
    ``on_note(message)``: hears what the user should know (a wait, outputs left out of the inputs).

    The run holds ``out_dir`` for itself from start to end, and ``out_dir`` ends with the new
    complete report or, after any failure, as it was (:class:`pipeline.outputs.OutputFolder`).
    """
    from pipeline.outputs import OutputFolder

    folder = OutputFolder(out_dir)
    # A second run is refused before it loads anything; but nothing is made for a run whose model
    # is refused, so where even the folder's parent is missing the model is checked first.
    early = folder.parent.is_dir()
    if early:
        folder.lock(wait, on_note)
    try:
        engine, card = _check_model(engine, model_path, params)
        if not early:
            folder.lock(wait, on_note)
        return _run_locked(inputs, folder, model_path=model_path, params=params, on_skip=on_skip,
                           on_article=on_article, stories_file=stories_file, references=references,
                           engine=engine, card=card, resume=resume, progress=progress,
                           first_pass=first_pass, on_note=on_note)
    finally:
        folder.unlock()


def _check_model(engine, model_path, params):
    """The engine (default: this process) and, where it loaded here, the model's card. A model file
    that is missing, unreadable or asks for untrusted types is refused here, before anything is made."""
    from pipeline.compare import story_designs
    from pipeline.engines import LocalEngine, load_nlp_once
    from pipeline.model import load_model, preload_model

    engine = engine or LocalEngine(1)
    card = None
    if isinstance(engine, LocalEngine):
        loading = preload_model(model_path)
        if engine.workers == 1 or engine.forks:
            # meanwhile (the two loads overlap where they leave Python's lock); forked workers inherit it
            load_nlp_once()
        card = load_model(model_path).card  # waits for the preload, and raises what it met
        loading.join()  # workers are forked only while no other thread runs
    else:  # other machines do the work; only they need the model
        _check_model_file(model_path)
        if story_designs(params):  # ... but the finish needs it: it loads in the workers' gaps
            preload_model(model_path, low_priority=True)
    return engine, card


def _run_locked(inputs, folder, *, model_path, params, on_skip, on_article, stories_file, references, engine,
                card, resume, progress, first_pass, on_note) -> RunResult:
    from pipeline.atomic import remove_stale_temps
    from pipeline.checkpoint import Checkpoint, fingerprint
    from pipeline.engines import Job, LocalEngine
    from pipeline.errors import ClaimcheckError, OutputError
    from pipeline.model import load_model
    from pipeline.stories import read_manifest

    manifest = read_manifest(stories_file) if stories_file else None
    out_dir = folder.given
    folder.recover()  # what a killed run left beside the folder
    for place in (out_dir, out_dir / "articles", out_dir / "stories"):
        remove_stale_temps(place)  # left by a killed run; never mistaken for outputs (they start with ".")
    for holder in _folders_holding(folder.path, list(references) + list(inputs)):
        if on_note:
            on_note(f"note: {out_dir} is inside the input folder {holder}: "
                    "the report's own files are not read as inputs")
    job = Job(str(model_path), params, first_pass)
    header = fingerprint(inputs, references, model_path, params)
    checkpoint, done = Checkpoint.start(out_dir, header, resume=resume)
    result = RunResult(resumed=len(done))
    staging = None
    try:
        card = _work(inputs, references, params, engine, job, checkpoint, done, result, on_skip, on_article,
                     progress, folder.holds) or card or load_model(model_path).card
        checkpoint.close()
        if progress is not None:
            progress.close("comparing stories and writing the outputs")
        staging = folder.staging()
        _finish(checkpoint, staging, params, card, manifest, result,
                workers=engine.workers if isinstance(engine, LocalEngine) else 1, model_path=model_path)
        result.index = out_dir / result.index.relative_to(staging)
        folder.publish(staging)
    except BaseException as exc:
        if staging is not None and staging.exists():
            folder.discard(staging)
            kept = f"; {out_dir} was left as it was (run again with --resume to write the report without redoing the work)"
            if isinstance(exc, ClaimcheckError):
                exc.args = (str(exc).replace(str(staging), str(out_dir)) + kept,)
            elif isinstance(exc, OSError):
                named = str(exc.filename or out_dir).replace(str(staging), str(out_dir))
                raise OutputError(named, exc) from exc
        raise
    finally:
        checkpoint.close()
        if progress is not None:
            progress.close()
    checkpoint.remove()  # already gone with the folder it was in, unless something kept that
    return result


def _folders_holding(path: Path, inputs) -> list[str]:
    """The input folders (as given) that ``path`` lies inside."""
    import os

    found = []
    for raw in inputs:
        raw = str(raw)
        if "://" in raw or not os.path.isdir(raw):
            continue
        real = Path(os.path.realpath(raw))
        if real == path or real in path.parents:
            found.append(raw)
    return found


# ---------------------------------------------------------------- phase 1: work

def _work(inputs, references, params, engine, job, checkpoint, done, result, on_skip, on_article, progress,
          is_output=None):
    from pipeline.checkpoint import ResumePlan, item_key
    from pipeline.engines import batches

    plan = ResumePlan(done)
    if progress is not None and plan.skipped_records:
        progress.skip(plan.skipped_records)
    if on_skip and plan.skipped_records:  # skips of sources that are not read again
        for rec in checkpoint.records():
            if rec.get("skipped") and rec["src"] is not None and not plan.read_source(rec["src"]):
                on_skip(Skipped(rec["skipped"]["path"], rec["skipped"]["reason"]))
    current: dict = {"src": None}

    def on_source(src: str) -> bool:
        if is_output is not None and is_output(src):
            return False  # the report itself, where --out lies inside an input folder
        if not plan.read_source(src):
            return False
        current["src"] = src
        return True

    in_flight: dict[int, tuple] = {}  # seq -> (src, key, Skipped or None), for batches not yet back

    def todo():
        seq = 0
        for item in ingest_all(inputs, params, references, on_source):
            src = current["src"]
            if isinstance(item, Skipped) and not _from_source(item.path, src):
                src = None  # a bad path named on the command line, not read from a source
            key = item_key(item)
            if isinstance(item, Skipped) and on_skip:
                on_skip(item)
            if plan.is_done(key):
                if progress is not None:
                    progress.skip(1)
                continue
            seq += 1
            in_flight[seq] = (src, key, item if isinstance(item, Skipped) else None)
            yield seq, item

    card = None
    for results, card in engine.run(batches(todo(), engine.batch_articles), job):
        for seq, article, claims in results:
            src, key, skip = in_flight.pop(seq)
            if skip is not None:
                checkpoint.add(src, key, skipped={"path": skip.path, "reason": skip.reason})
            else:
                checkpoint.add(src, key, article=article, claims=claims)
                if on_article:
                    on_article(Article.from_dict(article), claims)
        checkpoint.sync()
        if progress is not None:
            progress.update(len(results))
    return card  # the model card, from the process that loaded the model (None: nothing was processed)


def _check_model_file(path) -> None:
    """The model file exists and is a zip archive (loading it is left to the worker processes)."""
    import zipfile

    from pipeline.errors import ModelError

    path = Path(path)
    if not path.is_file():
        from pipeline.model import load_model

        load_model(path)  # raises the usual "model file not found ..." error
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not a readable skops model file; retrain with `claimcheck train`")


def _from_source(path: str, src: str | None) -> bool:
    """Whether a Skipped path was read from ``src`` (the source itself, or ``src:LINE``)."""
    return src is not None and (path == src or path.startswith(src + ":"))


# ---------------------------------------------------------------- phase 2: finish

def _finish(checkpoint, out_dir: Path, params: dict, card: dict, manifest, result: RunResult,
            workers: int = 1, model_path=None) -> None:
    from pipeline.atomic import atomic_open, dumps, write_json
    from pipeline.checkpoint import read_window
    from pipeline.claimreview import write_claimreview
    from pipeline.compare import compare_run
    from pipeline.outputs import claims_csv, side_path, side_records, summary
    from pipeline.report import write_report

    size = window_size(params)
    ranges, skipped_recs, n_articles = checkpoint.windows(size)
    skipped = [Skipped(s["path"], s["reason"]) for s in skipped_recs]
    skipped_dicts = [s.to_dict() for s in skipped]
    totals, parts, model_info = None, [], None
    claims_path = out_dir / "claims.jsonl"
    with atomic_open(claims_path) as fh, atomic_open(out_dir / "claims.csv") as csv_fh, \
            atomic_open(side_path(claims_path)) as side_fh:
        if n_articles <= size:  # one window (possibly empty): the usual outputs
            articles, claims = read_window(checkpoint.path, *ranges[0]) if ranges else ([], [])
            # stories, story designs, evidence, number checks
            stories = compare_run(articles, claims, params, manifest=manifest, model_path=model_path,
                                  workers=workers)
            for claim in claims:
                fh.write(dumps(claim) + "\n")
            csv_fh.write(claims_csv(claims))
            for rec in side_records(articles, skipped_dicts):
                side_fh.write(dumps(rec) + "\n")
            totals = summary(claims, articles, skipped_dicts, card)
            result.index = write_report(claims, articles, skipped_dicts, out_dir, params=params, stories=stories,
                                        workers=workers)
            write_claimreview(out_dir / "claimreview.jsonld", claims, articles)
            result.articles, result.claims = len(articles), len(claims)
        else:  # window by window, ``workers`` windows at a time (each reads its own records); in order
            jobs = ((number, str(checkpoint.path), start, end, params, manifest, card, out_dir, model_path)
                    for number, (start, end) in enumerate(ranges, 1))
            # every claim's review, each pointing into its part (the parts hold their own files too)
            with atomic_open(out_dir / "claimreview.jsonld") as review_fh:
                review_fh.write(CLAIMREVIEW_HEAD)
                any_review = False
                for part in _map_windows(jobs, workers):
                    fh.write(part["claims"])
                    csv_fh.write(part["csv"] if part["number"] == 1 else part["csv"].split("\n", 1)[1])
                    side_fh.write(part["side"])
                    if part["reviews"]:
                        review_fh.write((",\n" if any_review else "") + ",\n".join(part["reviews"]))
                        any_review = True
                    parts.append(part["part"])
                    model_info = part["totals"].pop("model", None)
                    totals = _merge(totals, part["totals"])
                    result.articles += part["part"]["articles"]
                    result.claims += part["part"]["claims"]
                review_fh.write(CLAIMREVIEW_TAIL)
            for rec in side_records([], skipped_dicts):
                side_fh.write(dumps(rec) + "\n")
            totals["skipped"] = summary([], [], skipped_dicts, card)["skipped"]
            if model_info is not None:
                totals["model"] = model_info
            totals = dict(sorted(totals.items()))
            result.index = _write_parts_index(out_dir, parts, totals, skipped_dicts)
    write_json(out_dir / "summary.json", totals)
    result.skipped = skipped


def finish_window(number: int, checkpoint_path: str, start: int, end: int, params: dict, manifest, card: dict,
                  out_dir: Path, model_path=None) -> dict:
    """Compare one window of a large run (bytes ``start:end`` of the checkpoint) and write its part
    of the report (``parts/NNNN/``); returns its lines of claims.jsonl, claims.csv and the side
    file, its reviews for the run's claimreview.jsonld, and its counts."""
    from pipeline.atomic import dumps, write_text
    from pipeline.checkpoint import read_window
    from pipeline.claimreview import claim_reviews
    from pipeline.compare import compare_run
    from pipeline.outputs import claims_csv, side_records, summary
    from pipeline.report import write_report

    articles, claims = read_window(checkpoint_path, start, end)
    stories = compare_run(articles, claims, params, manifest=manifest, model_path=model_path)
    part = Path(out_dir) / "parts" / f"{number:04d}"
    write_report(claims, articles, [], part, params=params, stories=stories)
    graph = claim_reviews(claims, articles)["@graph"]
    write_text(part / "claimreview.jsonld", CLAIMREVIEW_HEAD + ",\n".join(dumps(r) for r in graph) + CLAIMREVIEW_TAIL)
    prefix = f"parts/{number:04d}/"
    return {
        "reviews": [dumps(dict(r, url=prefix + r["url"])) for r in graph],
        "number": number,
        "claims": "".join(dumps(c) + "\n" for c in claims),
        "csv": claims_csv(claims),
        "side": "".join(dumps(r) + "\n" for r in side_records(articles, [])),
        "part": _part_summary(number, articles, claims),
        "totals": summary(claims, articles, [], card),
    }


def _map_windows(jobs, workers: int):
    """``finish_window`` over ``jobs``, in order: here, or in ``workers`` processes (each window is
    read by the process that finishes it, so this one holds only finished windows' text). The
    processes are forked where that is safe: they share this one's modules and model instead of
    loading their own copies."""
    if workers <= 1:
        for job in jobs:
            yield finish_window(*job)
        return
    import collections

    from pipeline.forkmap import process_pool

    pool, _ = process_pool(workers)
    try:
        pending: collections.deque = collections.deque()
        for job in jobs:
            pending.append(pool.submit(finish_window, *job))
            while len(pending) >= workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _merge(a, b):
    """Sum two summaries: numbers add up, mappings merge, lists concatenate, the rest is kept."""
    if a is None:
        return b
    if isinstance(a, bool) or isinstance(b, bool):
        return a
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a + b
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = _merge(a[k], v) if k in a else v
        return dict(sorted(out.items())) if all(isinstance(k, str) for k in out) else out
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    return a


def _part_summary(number: int, articles: list[dict], claims: list[dict]) -> dict:
    from pipeline.records import LABELS

    first, last = articles[0], articles[-1]
    return {
        "number": number,
        "href": f"parts/{number:04d}/index.html",
        "articles": len(articles),
        "claims": len(claims),
        "labels": {lab: sum(1 for c in claims if c.get("label") == lab) for lab in LABELS},
        "review": sum(1 for c in claims if c.get("abstain")),
        "first": first.get("title") or first.get("source") or str(first.get("article_id")),
        "last": last.get("title") or last.get("source") or str(last.get("article_id")),
    }


def _write_parts_index(out_dir: Path, parts: list[dict], totals: dict, skipped: list[dict]) -> Path:
    """The index of a report in parts: overall counts, one row per part, the skipped inputs."""
    from pipeline import __version__
    from pipeline.atomic import write_text
    from pipeline.records import LABELS
    from pipeline.report import CSP, display_path
    from pipeline.report import html_text as escape  # escaped, invisible characters shown

    labels = totals.get("labels") or {}
    rows = "\n".join(
        f"<tr><td><a href=\"{p['href']}\">Part {p['number']}</a></td><td>{p['articles']:,}</td>"
        f"<td>{p['claims']:,}</td>" + "".join(f"<td>{p['labels'][lab]:,}</td>" for lab in LABELS)
        + f"<td>{p['review']:,}</td><td><bdi>{escape(p['first'])}</bdi> … <bdi>{escape(p['last'])}</bdi></td></tr>"
        for p in parts)
    skipped_rows = "\n".join(
        f"<li><bdi><code>{escape(display_path(s['path']))}</code></bdi>: <bdi>{escape(s['reason'])}</bdi></li>" for s in skipped)
    html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Claim check report</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
td:nth-child(n+2):nth-child(-n+7) {{ text-align: right; }}
</style>
</head>
<body>
<h1>Claim check report</h1>
<p>{totals.get('articles', 0):,} articles, {totals.get('claims', 0):,} claims
({", ".join(f"{labels.get(lab, 0):,} {lab}" for lab in LABELS)}), {totals.get('needs_review', 0):,} need review,
{len(skipped):,} inputs skipped.</p>
<p>This run is large, so its report is in parts of up to {max(p['articles'] for p in parts):,} articles
each, in input order; stories are compared within a part. All claims are in <code>claims.jsonl</code>
and <code>claims.csv</code>, the counts in <code>summary.json</code>.</p>
<table>
<thead><tr><th>Part</th><th>Articles</th><th>Claims</th>{"".join(f"<th>{lab}</th>" for lab in LABELS)}<th>Needs review</th><th>Articles from … to</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{"<h2>Skipped inputs</h2><ul>" + skipped_rows + "</ul>" if skipped else ""}
<footer><p>claimcheck {escape(__version__)}</p></footer>
</body>
</html>
"""
    path = out_dir / "index.html"
    write_text(path, html)
    return path
