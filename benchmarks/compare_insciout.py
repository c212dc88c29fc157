"""Figures on the InSciOut development studies: are the coded main claims of news stories found, and labelled right?

Data (../shared/datasets/insciout): ``articles.jsonl`` holds the full text of news stories (``kind`` news)
grouped by study (``reference``); ``statements.csv`` holds the experts' coding of each story's main
statements (rows whose ``reference`` is ``trial_data-<ref>``, ``source_category`` News, ``field``
main_statement), with the causal code 0-6 and the study design.

The whole pipeline runs on the news stories, as ``claimcheck run`` would: the stories are written to a
JSONL file (``source`` = outlet, ``story`` = the study) and read by ``pipeline.ingest``, claims come from
``pipeline.extract.iter_extracted`` (the design of each claim is the one the article describes) and
labels from ``pipeline.classify.classify_claims`` with the model.

Figures:

1. **found**: share of coded main claims (causal codes 2-6: a relationship is stated) that appear among
   the claims extracted from the news stories of their study. A coded statement *is found* when one
   extracted claim contains at least ``--found-at`` (default 0.8) of the statement's content words:
   lower-cased word tokens without stop words, crudely stemmed (-s, -es, -ed, -ing), counted as a set;
   containment = |statement words in the claim| / |statement words|. The share at other thresholds is
   printed too.
2. **label macro-F1**: for the found statements with a codebook label (CODEBOOK.md section 5, as
   ``pipeline.corpora.insciout_statements`` derives it from the coded causal code, design and sample),
   the macro-F1 (hedged / supported / overstated) of the label the pipeline gave the matched claim.

3. **story grouping**: all InSciOut articles (news stories and press releases) grouped automatically
   (``pipeline.stories``, ``compare.story_threshold``) against their study: pairwise precision and recall
   (a pair of articles is positive when both report the same study).

Diagnostics: the confusion matrix, the same F1 when the model is given the coded design instead of the
inferred one, how often the inferred design agrees with the coded one, and why statements were missed.

Run:  .venv/bin/python benchmarks/compare_insciout.py [--model PATH] [--data-dir DIR] [--found-at 0.8]
      [--show-misses N] [--errors FILE]  (FILE: a TSV of the misjudged found statements, to study errors)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STOP = frozenset("""
a an the of in on at to for from by with as and or but is are was were be been being has have had it its this
that these those their they them which who than then there may might could can will would should also so not
""".split())
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
LABELS = ("hedged", "supported", "overstated")


def content_words(text: str) -> set[str]:
    """Lower-cased word tokens without stop words, crudely stemmed, as a set."""
    out = set()
    for w in re.findall(r"[a-z0-9]+", str(text).lower()):
        if w in STOP:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return out


def containment(statement: set[str], claim: set[str]) -> float:
    return len(statement & claim) / len(statement) if statement else 0.0


def news_articles(data_dir: Path) -> list[dict]:
    articles = []
    with open(data_dir / "insciout" / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            if a.get("kind") == "news":
                articles.append(a)
    return articles


def extract(articles: list[dict], params: dict):
    """(article dicts, claims) for the news stories, through ingest and extraction."""
    from pipeline.extract import iter_extracted
    from pipeline.ingest import iter_inputs
    from pipeline.records import Article

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "insciout-news.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for a in articles:
                fh.write(json.dumps({"id": a["id"], "text": a["text"], "source": a.get("outlet") or "",
                                     "kind": "news", "story": a["reference"]}) + "\n")
        records = [x for x in iter_inputs([str(path)], params=params) if isinstance(x, Article)]
        out_articles, claims = [], []
        for article, found in iter_extracted(records, params=params):
            out_articles.append(article.to_dict())
            claims.extend(found)
    return out_articles, claims


def coded_statements(data_dir: Path, field: str = "main_statement"):
    """The coded main statements (or titles) of news stories in the development (trial) sample, with codebook labels."""
    import pandas as pd

    from pipeline.corpora import DEV_SAMPLE, insciout_statements

    df = insciout_statements(data_dir)
    df = df[(df["corpus"] == f"insciout:{DEV_SAMPLE}") & (df["role"] == f"News:{field}")]
    df = df[df["strength"].notna() & (df["strength"] >= 1)]
    raw = pd.read_csv(data_dir / "insciout" / "statements.csv")
    raw = raw[raw["reference"].astype(str).str.startswith(f"{DEV_SAMPLE}-") & (raw["source_category"] == "News")
              & (raw["field"] == field)]
    designs = {(r.reference.split("-", 1)[1], str(r.text).strip()): r.design for r in raw.itertuples()}
    rows = []
    for r in df.itertuples():
        ref = r.study.split(":", 1)[1]
        rows.append({"study": ref, "text": r.text, "label": r.label if isinstance(r.label, str) else None,
                     "strength": int(r.strength), "design": r.design,
                     "coded_design": designs.get((ref, r.text), r.design)})
    return rows


def macro_f1(pairs: list[tuple[str, str]]) -> tuple[float, dict]:
    f1s = {}
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in pairs)
        fp = sum(g != label and p == label for g, p in pairs)
        fn = sum(g == label and p != label for g, p in pairs)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[label] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return sum(f1s.values()) / len(LABELS), f1s


def story_grouping(data_dir: Path, threshold: float) -> tuple[float, float, int, int, int]:
    """Pairwise precision and recall of automatic story grouping against the InSciOut studies."""
    from pipeline.stories import group_articles

    with open(data_dir / "insciout" / "articles.jsonl", encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh]
    groups = group_articles([{"article_id": a["id"], "title": "", "text": a["text"]} for a in articles], threshold)
    study = [a["reference"] for a in articles]
    tp = fp = fn = 0
    label = {i: k for k, g in enumerate(groups) for i in g}
    n = len(articles)
    for i in range(n):
        for j in range(i + 1, n):
            same_pred, same_gold = label[i] == label[j], study[i] == study[j]
            tp += same_pred and same_gold
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), n, len(groups), len(set(study))


def auto_story_designs(data_dir: Path, claims, article_only, labelled, model, params) -> tuple[float, int]:
    """Label macro-F1 of the labelled statements when claims of unknown design take the design of
    their *automatic* story (``pipeline.stories`` grouping of the news stories, as ``run`` does
    without a story field), and how many claims changed."""
    from pipeline.classify import rejudge_story_designs
    from pipeline.stories import group_articles, story_threshold

    articles = news_articles(data_dir)
    groups = group_articles([{"article_id": a["id"], "title": "", "text": a["text"]} for a in articles],
                            story_threshold(params))
    auto = {articles[i]["id"]: f"auto-{k}" for k, g in enumerate(groups) for i in g}
    copies = [dict(article_only[id(c)], story=auto.get(c["article_id"], "")) for c in claims]
    n = rejudge_story_designs(copies, model, abstain_threshold=params["classify"]["abstain_threshold"])
    index = {id(c): i for i, c in enumerate(claims)}
    f1, _ = macro_f1([(s["label"], copies[index[id(c)]]["label"]) for s, c in labelled])
    return f1, n


ERROR_COLUMNS = ("study", "statement", "claim", "gold", "predicted", "strength", "gold_strength", "design",
                 "coded_design", "rule", "context")


def _cell(value) -> str:
    """One TSV cell: tabs and line breaks as spaces."""
    return " ".join(str(value if value is not None else "").split())


def write_errors(path: str, labelled) -> None:
    """A TSV of the found statements whose claim got another label than the codebook's."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\t".join(ERROR_COLUMNS) + "\n")
        for s, c in labelled:
            if s["label"] == c["label"]:
                continue
            row = (s["study"], s["text"], c["text"], s["label"], c["label"], c.get("strength"), s["strength"],
                   c.get("design"), s["coded_design"], c.get("rule", ""), c.get("context", ""))
            fh.write("\t".join(_cell(v) for v in row) + "\n")


def headlines(data: Path, by_study, found_at: float) -> None:
    """The coded titles of the news stories (which open their text): found among the headline claims
    of their study, and labelled right."""
    titles = coded_statements(data, "title")
    found = []
    for s in titles:
        words = content_words(s["text"])
        heads = [(containment(words, cw), c) for cw, c in by_study[s["study"]] if c.get("headline")]
        top = max(heads, key=lambda x: x[0]) if heads else (0.0, None)
        if top[0] >= found_at:
            found.append((s, top[1]))
    pairs = [(s["label"], c["label"]) for s, c in found if s["label"] in LABELS]
    f1, _ = macro_f1(pairs)
    print(f"HEADLINES: coded news titles stating a relation (causal codes 2-6) found as headline claims: "
          f"{len(found)}/{len(titles)} = {len(found) / max(len(titles), 1):.3f} (target >= 0.80); label macro-F1 on "
          f"the {len(pairs)} found with a codebook label: {f1:.3f} (target >= 0.75)")


def main(argv=None) -> int:
    from pipeline.classify import classify_claims, rejudge_story_designs
    from pipeline.compare import story_designs
    from pipeline.model import load_model
    from pipeline.settings import data_dir as resolve_data
    from pipeline.settings import load_params
    from pipeline.settings import model_path as resolve_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="Model file (default: params.yaml train.model).")
    parser.add_argument("--data-dir", help="Folder of the shared datasets.")
    parser.add_argument("--found-at", type=float, default=0.8, help="Containment for a statement to count as found.")
    parser.add_argument("--show-misses", type=int, default=0, help="Print this many missed statements.")
    parser.add_argument("--errors", metavar="FILE", help="Write the misjudged found statements to this TSV.")
    args = parser.parse_args(argv)
    params = load_params()
    data = resolve_data(args.data_dir, params)
    t0 = time.time()
    articles = news_articles(data)
    _, claims = extract(articles, params)
    model = load_model(resolve_model(args.model, params))
    claims = classify_claims(claims, model, abstain_threshold=params["classify"]["abstain_threshold"])
    article_only = {id(c): dict(c) for c in claims}  # before story designs: each article's own design
    if story_designs(params):  # as compare_run does once the stories are known (here: the studies)
        rejudge_story_designs(claims, model, abstain_threshold=params["classify"]["abstain_threshold"])
    t_pipeline = time.time() - t0

    by_study = defaultdict(list)
    for c in claims:
        by_study[c["story"]].append((content_words(c["text"]), c))
    statements = coded_statements(data)
    best = []
    for s in statements:
        words = content_words(s["text"])
        scored = [(containment(words, cw), -len(c["text"]), i, c) for i, (cw, c) in enumerate(by_study[s["study"]])]
        top = max(scored, key=lambda x: x[:3]) if scored else (0.0, 0, 0, None)
        best.append((top[0], top[3]))

    n = len(statements)
    print(f"InSciOut development studies: {len(by_study)} studies, {len(articles)} news stories, "
          f"{len(claims)} extracted claims ({t_pipeline:.0f}s for ingest + extraction + classification)")
    print(f"coded main claims of news stories (causal codes 2-6): {n}")
    curve = "  ".join(f">={t:.1f}: {sum(b >= t for b, _ in best) / n:.3f}" for t in THRESHOLDS)
    print(f"found (share of coded main claims contained in an extracted claim), by containment: {curve}")
    found = [(s, c) for s, (b, c) in zip(statements, best) if b >= args.found_at]
    print(f"FOUND at containment >= {args.found_at:.1f}: {len(found)}/{n} = {len(found) / n:.3f}  (target >= 0.80)")

    labelled = [(s, c) for s, c in found if s["label"] in LABELS]
    pairs = [(s["label"], c["label"]) for s, c in labelled]
    f1, per = macro_f1(pairs)
    print(f"LABEL macro-F1 on the {len(pairs)} found statements with a codebook label: {f1:.3f}  (target >= 0.80)"
          f"  [{', '.join(f'{k} {v:.3f}' for k, v in per.items())}]")
    print("  gold label counts:", dict(Counter(g for g, _ in pairs)), " predicted:", dict(Counter(p for _, p in pairs)))
    print("  confusion (rows gold, columns predicted):")
    for g in LABELS:
        print(f"    {g:<11}" + "".join(f"{sum(1 for a, b in pairs if a == g and b == p):>6}" for p in LABELS))

    # diagnostics: design detection, and the labels with the coded design given to the model
    agree = Counter((s["coded_design"], c["design"]) for s, c in labelled)
    same = sum(v for (a, b), v in agree.items() if a == b)
    print(f"  design inferred from the article = coded design on {same}/{len(labelled)} "
          f"({same / max(len(labelled), 1):.3f}); pairs (coded, inferred): "
          + ", ".join(f"{a}->{b} {v}" for (a, b), v in sorted(agree.items(), key=lambda kv: -kv[1])))
    given = [dict(c, design=s["design"] if s["design"] in ("observational", "experimental") else "unknown")
             for s, c in labelled]
    given = classify_claims(given, model) if given else []
    f1_given, _ = macro_f1([(s["label"], c["label"]) for (s, _), c in zip(labelled, given)])
    print(f"  label macro-F1 with the coded design given instead of the inferred one: {f1_given:.3f}")
    # the other setting of compare.story_designs, and story designs over automatic stories
    own = [article_only[id(c)] for _, c in labelled]
    f1_own, _ = macro_f1([(s["label"], c["label"]) for (s, _), c in zip(labelled, own)])
    same_own = sum(s["coded_design"] == c["design"] for (s, _), c in zip(labelled, own))
    print(f"  with the design of each article alone (compare.story_designs off): label macro-F1 {f1_own:.3f}, "
          f"design agreement {same_own / max(len(labelled), 1):.3f}")
    f1_auto, n_auto = auto_story_designs(data, claims, article_only, labelled, model, params)
    print(f"  with story designs over automatically grouped stories (no story given): label macro-F1 {f1_auto:.3f} "
          f"({n_auto} of all claims take their story's design)")
    strength_pairs = [(s["strength"], c.get("strength")) for s, c in found]
    acc = sum(a == b for a, b in strength_pairs) / max(len(strength_pairs), 1)
    print(f"  strength (0-3) accuracy on found statements: {acc:.3f}")
    headlines(data, by_study, args.found_at)
    from pipeline.stories import story_threshold

    threshold = story_threshold(params)
    p, r, n_art, n_groups, n_studies = story_grouping(data, threshold)
    print(f"STORIES: {n_art} articles of {n_studies} studies grouped into {n_groups} stories at similarity "
          f">= {threshold}: pairwise precision {p:.3f}, recall {r:.3f}")
    if args.errors:
        write_errors(args.errors, labelled)
        print(f"  misjudged found statements written to {args.errors}")
    if args.show_misses:
        misses = [(s, b, c) for s, (b, c) in zip(statements, best) if b < args.found_at]
        for s, b, c in misses[: args.show_misses]:
            print(f"  MISS {b:.2f} [{s['study']}] {s['text'][:160]!r}\n       closest claim: {(c or {}).get('text', '')[:160]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
