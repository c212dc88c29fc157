"""Evaluate stage: figures of a model on held-out studies, as metrics.json and plot data for DVC."""

from __future__ import annotations

from pathlib import Path

from pipeline.records import LABELS

MAIN_NEWS = "News:main_statement"


def _label_block(model, frame, truth) -> tuple[dict, list, list]:
    from pipeline.metrics import classification_scores, reliability

    from pipeline.verdict.judge import judge

    proba, _, _, _, _ = judge(frame.reset_index(drop=True).to_dict("records"), model)
    classes = list(LABELS)
    pred = [classes[i] for i in proba.argmax(axis=1)]
    scores = classification_scores(list(truth), pred, LABELS)
    ece, curve = reliability(list(truth), proba, classes)
    scores["ece"] = ece
    return scores, pred, curve


def evaluate(model, data_dir: Path, params: dict) -> tuple[dict, dict]:
    """Metrics and plot rows of ``model`` on the dev studies (never trained on)."""
    from pipeline.corpora import load_corpora
    from pipeline.metrics import classification_scores, confusion_rows
    from pipeline.splits import add_split

    df = add_split(load_corpora(data_dir), params["train"]["dev_percent"])
    dev = df[df["split"] == "dev"]
    news = dev[(dev["corpus"] == "insciout:trial_data") & (dev["role"] == MAIN_NEWS) & dev["label"].notna()]
    cols = ["text", "context", "design"]
    given, pred, curve = _label_block(model, news[cols], news["label"])
    unknown, _, _ = _label_block(model, news[cols].assign(design="unknown"), news["label"])
    labelled = dev[dev["label"].notna()]
    all_dev, _, _ = _label_block(model, labelled[cols], labelled["label"])
    graded = dev[dev["strength"].notna()]
    strength_pred = model.strength.predict(graded[cols])
    strength = classification_scores(graded["strength"].astype(int).tolist(), list(strength_pred), [0, 1, 2, 3])
    yu = graded["corpus"].str.startswith("yu:").to_numpy()
    strength_yu = classification_scores(
        graded["strength"].astype(int)[yu].tolist(), list(strength_pred[yu]), [0, 1, 2, 3]
    )
    metrics = {
        "label_insciout_news_design_given": given,
        "label_insciout_news_design_unknown": unknown,
        "label_all_dev": all_dev,
        "strength_all_dev": strength,
        "strength_yu_dev": strength_yu,
    }
    plots = {"confusion": confusion_rows(news["label"], pred), "reliability": curve}
    return metrics, plots


def write_evaluation(metrics: dict, plots: dict, metrics_path: Path, plots_dir: Path) -> None:
    """metrics.json plus confusion.csv and reliability.csv for `dvc metrics` / `dvc plots`."""
    import csv
    import io

    from pipeline.atomic import write_json, write_text

    write_json(metrics_path, metrics)
    for name, rows in plots.items():
        buf = io.StringIO()
        if rows:
            writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        write_text(Path(plots_dir) / f"{name}.csv", buf.getvalue())
