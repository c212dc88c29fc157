"""Agreement of claimcheck's labels with the hand labels of the bundled example and test pages.

    python benchmarks/fixture_agreement.py [--model models/claimcheck.skops]

The pages are fictional articles written for the project (claims/examples, tests/fixtures/pages);
each has a NAME.expected.json with the claims a careful reader extracts and their codebook labels.
Prints claim recall and label agreement (macro-F1) over the claims that were found.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def expected_file(page: Path) -> Path:
    folder = ROOT / "tests" / "fixtures" / ("pages" if page.parent.name == "pages" else "examples")
    return folder / f"{page.stem}.expected.json"


def main() -> None:
    from pipeline.classify import classify_claims
    from pipeline.extract import iter_extracted
    from pipeline.ingest import iter_inputs
    from pipeline.metrics import classification_scores
    from pipeline.model import load_model
    from pipeline.records import LABELS, Article
    from pipeline.settings import model_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    model = load_model(model_path(args.model))
    pages = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html")) + sorted((ROOT / "claims" / "examples").iterdir())
    by_stem = {p.stem: p for p in pages}
    articles = [a for a in iter_inputs([str(p) for p in pages]) if isinstance(a, Article)]
    truth, pred, missing, total = [], [], 0, 0
    print(f"{'page':45} {'claims':>6} {'found':>6} {'agree':>6}")
    for article, claims in iter_extracted(articles):
        labelled = classify_claims(claims, model)
        expected = json.loads(expected_file(by_stem[Path(article.path).stem]).read_text())["claims"]
        found = agree = 0
        for e in expected:
            match = next((c for c in labelled if e["text"] in c["text"]), None)
            total += 1
            if match is None:
                missing += 1
                continue
            found += 1
            agree += match["label"] == e["label"]
            truth.append(e["label"])
            pred.append(match["label"])
        print(f"{Path(article.path).stem:45} {len(expected):6d} {found:6d} {agree:6d}")
    scores = classification_scores(truth, pred, LABELS)
    print(f"\nclaims found: {total - missing}/{total} = {(total - missing) / total:.3f}")
    print(f"label agreement on found claims: accuracy {scores['accuracy']:.3f}, macro-F1 {scores['macro_f1']:.3f}")
    for label, s in scores["per_class"].items():
        print(f"  {label:11} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} n {s['support']}")


if __name__ == "__main__":
    main()
