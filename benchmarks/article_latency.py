"""Seconds for `claimcheck run` on one article of about 1,000 words, after start-up.

Start-up (loading and verifying spaCy, the model and the encoder's base weights) is paid once per
process; what a user waits for each further article is one call of the run stage on it: reading,
extraction, classification (with and without the strength encoder, i.e. `--fast`), comparison and
the report. This script loads everything once, then runs `pipeline.run.run` on each of the
fakehealth articles of 900-1,100 words (one article per run, one process, as `claimcheck run
article.html --out DIR` does) and prints the median and the slowest.

    .venv/bin/python benchmarks/article_latency.py [--data-dir DIR] [--n 20]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv=None) -> int:
    from pipeline import settings
    from pipeline.run import run

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir")
    ap.add_argument("--n", type=int, default=20, help="articles to time (default: %(default)s)")
    args = ap.parse_args(argv)
    params = settings.load_params()
    src = settings.data_dir(args.data_dir, params) / "fakehealth" / "articles.jsonl"
    picked = []
    for line in src.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line) if line.strip() else {}
        if 900 <= len(str(rec.get("text", "")).split()) <= 1100:
            picked.append(rec)
        if len(picked) == args.n:
            break
    model = settings.model_path(None, params)
    fast = copy.deepcopy(params)
    fast["classify"]["encoder"] = False
    with tempfile.TemporaryDirectory(prefix="claimcheck-latency-") as tmp:
        tmp = Path(tmp)
        paths = []
        for i, rec in enumerate(picked):
            paths.append(tmp / f"article-{i}.jsonl")
            paths[-1].write_text(json.dumps(rec) + "\n", encoding="utf-8")
        t = time.perf_counter()
        run([paths[0]], tmp / "warm", model_path=model, params=params)  # start-up: spaCy, model, encoder
        startup = time.perf_counter() - t
        times = {"with the encoder": [], "--fast": []}
        claims = []
        for i, path in enumerate(paths):
            for name, p in (("with the encoder", params), ("--fast", fast)):
                t = time.perf_counter()
                result = run([path], tmp / f"out-{i}-{name[:4]}", model_path=model, params=p)
                times[name].append(time.perf_counter() - t)
            claims.append(result.claims)
    words = [len(str(r["text"]).split()) for r in picked]
    print(f"{len(picked)} fakehealth articles of {min(words)}-{max(words)} words "
          f"({statistics.median(claims):.0f} claims each, median; {min(claims)}-{max(claims)})")
    print(f"start-up and the first article: {startup:.1f} s")
    for name, ts in times.items():
        print(f"claimcheck run, one article after start-up, {name}: median {statistics.median(ts):.2f} s, "
              f"slowest {max(ts):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
