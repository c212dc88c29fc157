"""Command line: thin wrappers that parse options, call the library and turn its errors into messages.

stdout carries data (paths, JSON); stderr carries progress and problems.
Exit codes: 0 done; 1 error, nothing written; 2 bad usage; 3 done, but some inputs were skipped.
"""

from __future__ import annotations

import functools
import sys

import click

EXIT_ERROR, EXIT_SKIPPED = 1, 3


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    # Messages may quote file names and values from untrusted files: no control characters, but
    # the line breaks of a multi-line message (one bad label row per line) stay.
    message = "\n".join(_printable(line) for line in str(message).split("\n"))
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def handle_errors(func):
    """Library errors become one clean line on stderr; --debug shows the traceback instead."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from pipeline.errors import ClaimcheckError

        ctx = click.get_current_context()
        debug = (ctx.find_root().obj or {}).get("debug", False)
        try:
            return func(*args, **kwargs)
        except ClaimcheckError as exc:
            if debug:
                raise
            _fail(str(exc), getattr(exc, "exit_code", EXIT_ERROR))  # 2: refused as used (e.g. --out taken)
        except KeyboardInterrupt:
            click.echo("Interrupted; finished outputs were kept, partial ones discarded.", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug, not a user error: say so, briefly
            if debug:
                raise
            if isinstance(exc, OSError) and exc.strerror:  # the machine: a full disk, a read-only folder...
                _fail(f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror)
            _fail(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback)")

    return wrapper


def _params(ctx, data_dir=None) -> dict:
    from pipeline.settings import load_params

    params = load_params((ctx.find_root().obj or {}).get("params"))
    if data_dir:
        params["data_dir"] = str(data_dir)
    return params


def _say(ctx, message: str) -> None:
    if not (ctx.find_root().obj or {}).get("quiet"):
        click.echo(message, err=True)


def _printable(text: str) -> str:
    """``text`` with control characters escaped, so a hostile file name cannot forge lines or colours
    (and bytes of a name that are not UTF-8 as ``\\xNN``, as the outputs write them)."""
    from pipeline.visible import name

    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in name(text))


def _report_skip(item) -> None:
    """One line per skipped input on stderr: ``path: reason``."""
    click.echo(f"{_printable(item.path)}: {_printable(item.reason)}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--params", "params_file", type=click.Path(dir_okay=False), help="params.yaml to use.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.option("--quiet", "-q", is_flag=True, help="Only errors on stderr.")
@click.version_option(package_name="claimcheck")
@click.pass_context
def main(ctx, params_file, debug, quiet):
    """Check health claims in articles: hedged, supported or overstated, compared across sources.

    \b
    Example:
      claimcheck run claims/examples --out reports/example
    """
    ctx.obj = {"params": params_file, "debug": debug, "quiet": quiet}
    _exit_cleanly_on_sigterm(ctx)
    if debug:
        import os

        from pipeline.errors import DEBUG_ENV

        previous = os.environ.get(DEBUG_ENV)
        os.environ[DEBUG_ENV] = "1"
        ctx.call_on_close(lambda: os.environ.pop(DEBUG_ENV) if previous is None
                          else os.environ.__setitem__(DEBUG_ENV, previous))


def entry() -> None:
    """The ``claimcheck`` command (and ``python -m pipeline``): :func:`main`, then a quick exit.

    Python's teardown frees every object one by one: about half a second once spaCy and a model
    are loaded. Every output is closed by then, so the streams are flushed and the process ends
    at once; while other threads still run (a Dask client), or with ``--debug`` or
    ``CLAIMCHECK_DEBUG=1`` (for profilers and exit hooks), it ends the usual way."""
    import os
    import sys
    import threading

    from pipeline.errors import DEBUG_ENV

    usual = bool(os.environ.get(DEBUG_ENV)) or "--debug" in sys.argv[1:]

    try:
        main()
        code = 0
    except SystemExit as exc:  # click's standalone mode always ends here
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    if usual or threading.active_count() > 1:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): nothing more to say
            pass
    os._exit(code)


def _exit_cleanly_on_sigterm(ctx) -> None:
    """SIGTERM (``kill``, a CI timeout) unwinds like Ctrl-C, so temp files of unfinished outputs are removed."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        return

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Model file (.skops).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of the training corpora.")
@click.option("--stories", "stories_file", type=click.Path(exists=True, dir_okay=False),
              help="Stories manifest: CSV (article,story) or JSON {article: story}.")
@click.option("--reference", "references", multiple=True,
              help="The original source (paper, press release) the articles report on; repeatable.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes to use (each loads spaCy and the model once).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this machine; dask: an existing Dask cluster (needs --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--resume", is_flag=True, help="Continue the interrupted run in --out instead of starting over.")
@click.option("--wait", is_flag=True,
              help="If another run is writing to --out, wait for it to end (else this run is refused, exit 2).")
@click.option("--quiet", "-q", "run_quiet", is_flag=True, help="No progress on stderr (same as claimcheck --quiet).")
@click.option("--fast", is_flag=True,
              help="Strength from the lexical model alone, without the encoder (about 10 ms a claim less; "
                   "strength macro-F1 0.79 instead of 0.86). Same as classify.encoder: false in params.yaml.")
@click.pass_context
@handle_errors
def run(ctx, inputs, out_dir, model_path, data_dir, stories_file, references, workers, engine, scheduler,
        resume, wait, run_quiet, fast):
    """Run every stage on INPUTS (files, folders, http(s) URLs) and write the report to --out.

    \b
    Writes DIR/index.html, DIR/stories/*.html, DIR/articles/*.html, DIR/claims.jsonl, DIR/claims.csv,
    DIR/summary.json, DIR/claimreview.jsonld. DIR is replaced whole at the end (a failed run leaves
    it as it was); one run at a time writes to it.
    Long runs show progress on stderr; an interrupted run continues with --resume.
    Example:
      claimcheck run claims/examples https://example.org/story.html --out reports/example
      claimcheck run news/ --reference paper.txt --stories stories.csv --out reports/study
      claimcheck run archive/ --out reports/archive --workers 4 --resume
      claimcheck run feed.jsonl --out reports/feed --engine dask --scheduler tcp://10.0.0.5:8786
      claimcheck run big-archive/ --out reports/big --workers 2 --fast
    """
    from pathlib import Path

    from pipeline.engines import make_engine
    from pipeline.run import run as run_all
    from pipeline.settings import model_path as resolve_model

    if run_quiet:
        ctx.find_root().obj["quiet"] = True
    params = _params(ctx, data_dir)
    if fast:
        params["classify"]["encoder"] = False
    runner = make_engine(engine, workers=workers, scheduler=scheduler,
                         overlap=bool((params.get("run") or {}).get("overlap", True)))
    progress = None
    if not (ctx.find_root().obj or {}).get("quiet"):
        from pipeline.progress import Progress, count_inputs

        progress = Progress(count_inputs(list(references) + list(inputs), exclude=[out_dir]))
    result = run_all(
        inputs, Path(out_dir), model_path=resolve_model(model_path, params), params=params, on_skip=_report_skip,
        stories_file=stories_file, references=references, engine=runner, resume=resume, progress=progress,
        wait=wait, on_note=lambda message: _say(ctx, _printable(message)),
    )
    if result.resumed:
        _say(ctx, f"resumed: {result.resumed} inputs were finished by the interrupted run")
    elif resume:
        _say(ctx, f"nothing to resume in {out_dir}: ran from the beginning")
    _say(ctx, f"{result.articles} articles, {result.claims} claims, {len(result.skipped)} skipped")
    click.echo(str(result.index))
    if result.skipped:
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="Claims JSONL to write.")
@click.pass_context
@handle_errors
def extract(ctx, inputs, out_path):
    """Extract claims from INPUTS into a JSONL file (plus its .articles.jsonl side file).

    \b
    Example:
      claimcheck extract claims/examples --out claims/examples.jsonl
    """
    from pipeline.atomic import atomic_open, dumps
    from pipeline.outputs import side_path, side_records
    from pipeline.run import extract_stream

    params = _params(ctx)
    skipped, n_articles, n_claims = [], 0, 0
    # streamed: one article's claims in memory at a time
    with atomic_open(out_path) as fh, atomic_open(side_path(out_path)) as side:
        for article, found in extract_stream(inputs, params, skipped, _report_skip):
            for claim in found:
                fh.write(dumps(claim) + "\n")
            for rec in side_records([article.to_dict()], []):
                side.write(dumps(rec) + "\n")
            n_articles, n_claims = n_articles + 1, n_claims + len(found)
        for rec in side_records([], [s.to_dict() for s in skipped]):
            side.write(dumps(rec) + "\n")
    _say(ctx, f"{n_articles} articles, {n_claims} claims, {len(skipped)} skipped")
    click.echo(out_path)
    if skipped:
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.argument("claims_path", metavar="CLAIMS", type=click.Path(dir_okay=False))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="Predictions JSONL.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Model file (.skops).")
@click.option("--fast", is_flag=True,
              help="Strength from the lexical model alone, without the encoder (about 10 ms a claim less; "
                   "strength macro-F1 0.79 instead of 0.86). Same as classify.encoder: false in params.yaml.")
@click.pass_context
@handle_errors
def classify(ctx, claims_path, out_path, model_path, fast):
    """Label the claims in CLAIMS (extract's JSONL, or a CSV/JSONL with a `text` column).

    \b
    Optional columns: id, context, design (observational|experimental|unknown),
    reference (the same finding as the source states it: adds reference_strength, relation).
    Example:
      claimcheck classify claims/examples.jsonl --out claims/examples.pred.jsonl
    """
    import shutil
    from pathlib import Path

    from pipeline.atomic import write_jsonl
    from pipeline.classify import add_reference_relation, classify_claims, read_claims
    from pipeline.model import load_model
    from pipeline.outputs import side_path
    from pipeline.settings import model_path as resolve_model

    params = _params(ctx)
    if fast:
        params["classify"]["encoder"] = False
    model = load_model(resolve_model(model_path, params)).scoring(params)
    claims = read_claims(claims_path)
    labelled = classify_claims(
        claims, model, abstain_threshold=params["classify"]["abstain_threshold"],
        rule_weight=params["classify"]["rule_weight"],
    )
    write_jsonl(out_path, add_reference_relation(labelled, model))
    side_in, side_out = side_path(claims_path), side_path(out_path)
    if side_in.is_file() and side_in.resolve() != Path(side_out).resolve():
        shutil.copyfile(side_in, side_out)
    _say(ctx, f"{len(labelled)} claims labelled")
    click.echo(out_path)


@main.command()
@click.argument("pred_path", metavar="PRED", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--stories", "stories_file", type=click.Path(exists=True, dir_okay=False),
              help="Stories manifest: CSV (article,story) or JSON {article: story}.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False),
              help="Model file (.skops) that labels claims again with their story's design.")
@click.pass_context
@handle_errors
def report(ctx, pred_path, out_dir, stories_file, model_path):
    """Write the HTML report for labelled claims in PRED (uses PRED's .articles.jsonl side file if present).

    \b
    Also writes DIR/claimreview.jsonld (one schema.org ClaimReview per claim).
    With compare.story_designs on (params.yaml), claims whose article names no design are
    labelled again with their story's design, as `claimcheck run` does.
    Example:
      claimcheck report claims/examples.pred.jsonl --out reports/example
    """
    from pathlib import Path

    from pipeline.claimreview import write_claimreview
    from pipeline.classify import read_claims
    from pipeline.outputs import side_path
    from pipeline.report import read_side_file, write_report
    from pipeline.stories import read_manifest

    from pipeline.settings import model_path as resolve_model

    params = _params(ctx)
    claims = read_claims(pred_path)
    side = side_path(pred_path)
    articles, skipped = read_side_file(side) if side.is_file() else ([], [])
    manifest = read_manifest(stories_file) if stories_file else None
    index = write_report(claims, articles, skipped, Path(out_dir), params=params, manifest=manifest,
                         model_path=resolve_model(model_path, params))
    write_claimreview(Path(out_dir) / "claimreview.jsonld", claims, articles)
    click.echo(str(index))


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of the training corpora.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="Encoder file to write (default: params finetune.out).")
@click.pass_context
@handle_errors
def finetune(ctx, data_dir, out_path):
    """Fine-tune the strength encoder (all-MiniLM-L6-v2 + adapter) on the strength corpora.

    Needs PyTorch (pip install torch==2.13.0); takes about 5 minutes on 2 cores. `train` blends
    the encoder file into the model's strength predictions (params: train.encoder).

    \b
    Example:
      claimcheck finetune --out models/strength-encoder.skops
    """
    from pathlib import Path

    from pipeline.finetune import finetune as finetune_encoder
    from pipeline.settings import data_dir as resolve_data
    from pipeline.settings import resolve

    params = _params(ctx, data_dir)
    out = Path(out_path) if out_path else resolve(params, params["finetune"]["out"])
    finetune_encoder(resolve_data(data_dir, params), out, params, log=lambda line: _say(ctx, line))
    click.echo(str(out))


@main.command()
@click.option("--labels", "label_files", multiple=True, type=click.Path(exists=True),
              help="Your own labels (CSV/JSONL, Prodigy, Label Studio, doccano), or a folder of them; repeatable.")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of the training corpora.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Model file to write.")
@click.pass_context
@handle_errors
def train(ctx, label_files, data_dir, out_path):
    """Train the model on the public corpora plus your own labels.

    \b
    Example:
      claimcheck train --labels labels/ --out models/claimcheck.skops
    """
    from pipeline.labels import label_files_in
    from pipeline.settings import data_dir as resolve_data
    from pipeline.settings import model_path as resolve_model
    from pipeline.train import train as train_model

    params = _params(ctx, data_dir)
    label_files = label_files_in(label_files)
    out = resolve_model(out_path, params)
    _say(ctx, "training (a few minutes)...")
    model = train_model(resolve_data(data_dir, params), out, params, label_files, log=lambda line: _say(ctx, line))
    rows = model.card["rows"]["label"]
    _say(ctx, f"trained on {sum(rows.values())} labelled rows")
    click.echo(str(out))


@main.command()
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Model file (.skops).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of the training corpora.")
@click.option("--metrics", "metrics_path", type=click.Path(dir_okay=False), help="metrics.json to write.")
@click.option("--plots-dir", type=click.Path(file_okay=False), help="Folder for plot CSVs.")
@click.pass_context
@handle_errors
def evaluate(ctx, model_path, data_dir, metrics_path, plots_dir):
    """Score the model on held-out studies; write metrics.json and plot data for DVC.

    \b
    Example:
      claimcheck evaluate --metrics metrics/metrics.json
    """
    import json
    from pathlib import Path

    from pipeline.evaluate import evaluate as evaluate_model
    from pipeline.evaluate import write_evaluation
    from pipeline.model import load_model
    from pipeline.settings import data_dir as resolve_data
    from pipeline.settings import model_path as resolve_model
    from pipeline.settings import resolve

    params = _params(ctx, data_dir)
    model = load_model(resolve_model(model_path, params))
    metrics, plots = evaluate_model(model, resolve_data(data_dir, params), params)
    write_evaluation(
        metrics, plots,
        Path(metrics_path) if metrics_path else resolve(params, params["evaluate"]["metrics"]),
        Path(plots_dir) if plots_dir else resolve(params, params["evaluate"]["plots_dir"]),
    )
    click.echo(json.dumps({k: v.get("macro_f1") for k, v in metrics.items()}, sort_keys=True))


@main.group()
def labels():
    """Work with label files (active learning)."""


@labels.command("export")
@click.argument("pred_path", metavar="PRED", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="CSV to write.")
@click.option("--n", "n", default=100, show_default=True, help="How many claims.")
@click.pass_context
@handle_errors
def labels_export(ctx, pred_path, out_path, n):
    """Export the N claims the model is least sure of, ready to label.

    \b
    Example:
      claimcheck labels export reports/example/claims.jsonl --out labels/todo.csv --n 50
    """
    from pipeline.classify import read_claims
    from pipeline.labels import export_uncertain

    count = export_uncertain(read_claims(pred_path), out_path, n)
    _say(ctx, f"{count} claims to label; fill the `label` column, then: claimcheck train --labels {out_path}")
    click.echo(out_path)


@main.group()
def model():
    """Inspect model files."""


@model.command("info")
@click.argument("model_path", metavar="MODEL", type=click.Path(dir_okay=False))
@click.pass_context
@handle_errors
def model_info(ctx, model_path):
    """Show a model's card: versions, classes, training data, params.

    \b
    Example:
      claimcheck model info models/claimcheck.skops
    """
    import json

    from pipeline.model import load_model

    click.echo(json.dumps(load_model(model_path).card, indent=2, sort_keys=True))


@model.command("audit")
@click.argument("model_path", metavar="MODEL", type=click.Path(dir_okay=False))
@click.pass_context
@handle_errors
def model_audit(ctx, model_path):
    """List the types a model file would build, without loading it; exit 1 if any is untrusted.

    \b
    Example:
      claimcheck model audit shared/colleague-model.skops
    """
    import json

    from pipeline.model import audit_model

    report = audit_model(model_path)
    click.echo(json.dumps(report, indent=2, sort_keys=True))
    if report["untrusted_types"]:
        click.echo(f"Error: {model_path}: not safe to load: it asks for types that are not trusted: "
                   f"{', '.join(report['untrusted_types'])}", err=True)
        sys.exit(EXIT_ERROR)
