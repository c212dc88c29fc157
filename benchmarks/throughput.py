"""End-to-end throughput and memory of `claimcheck run`, against plain spaCy, on real articles.

What it measures (all in this one run, on this machine):

1. **Baseline**: plain spaCy, ``spacy.load`` of the same model folder claimcheck uses (all its
   components: tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner), ``nlp.pipe`` over the
   same article texts, in a child process (load included, like claimcheck's start-up).
2. **claimcheck run** on the same articles, end to end (start-up, reading, extraction with the
   selective first pass, classification, comparison, report): the wall time of the command, its
   words/s and its speed-up over the baseline; the peak memory (RSS) of the largest process and of
   all its processes together, and their summed PSS (pages shared by forked copies split between
   them, so it is the memory really used; Linux only).
3. **Same claims**: claimcheck's claims must be exactly those of its own full pass (the full
   pipeline on every whole text, no first pass).
4. **Growth**: the same for larger corpora (real articles concatenated, written to a temp folder),
   with 1 and 2 local processes and on a Dask LocalCluster of 2 workers.

Words are whitespace-separated words of the articles' clean text.

Run (about 10 minutes on 2 cores):
    .venv/bin/python benchmarks/throughput.py [--model M] [--data-dir D]
Larger corpora (10,000 articles adds about 30 minutes per configuration):
    .venv/bin/python benchmarks/throughput.py --sizes 100,300,1000,10000
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAIN = 300  # the size the 2x requirement is checked on
PROGRESS = "progress: "

BASELINE_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import spacy
from pipeline.nlp import verified_model_dir
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
nlp = spacy.load(verified_model_dir())
t1 = time.perf_counter()
c1 = time.process_time()
n = 0
for doc in nlp.pipe(texts, batch_size=32):
    n += len(doc)
t2 = time.perf_counter()
print(json.dumps({"pipes": nlp.pipe_names, "tokens": n, "load": t1 - t0, "pipe": t2 - t1,
                  "pipe_cpu": time.process_time() - c1}))
"""

FULLPASS_CHILD = r"""
import json, sys, time
from pipeline.extract import iter_extracted
from pipeline.ingest import iter_inputs
from pipeline.nlp import load_nlp
from pipeline.records import Article
nlp = load_nlp()
arts = [a for a in iter_inputs([sys.argv[1]]) if isinstance(a, Article)]
from pipeline.firstpass import PassStats, iter_extracted_selective
timings = {"full": [], "selective": []}
for _ in range(2):  # alternated, best of two: other work on the machine comes and goes
    t = time.process_time()
    claims = [[c["claim_id"], c["article_id"], c["start_char"], c["end_char"], c["text"]]
              for _, found in iter_extracted(arts, nlp=nlp) for c in found]
    timings["full"].append(time.process_time() - t)
    stats = PassStats()
    t = time.process_time()
    selective = [[c["claim_id"], c["article_id"], c["start_char"], c["end_char"], c["text"]]
                 for _, found in iter_extracted_selective(arts, nlp=nlp, stats=stats) for c in found]
    timings["selective"].append(time.process_time() - t)
print(json.dumps({"seconds": min(timings["full"]), "selective_seconds": min(timings["selective"]),
                  "selective_same": selective == claims, "parsed_share": stats.parsed_share,
                  "skipped": stats.skipped, "partial": stats.partial, "claims": claims}))
"""


# ---------------------------------------------------------------- corpus

def articles_file(data_dir: Path) -> Path:
    path = data_dir / "fakehealth" / "articles.jsonl"
    if not path.is_file():
        sys.exit(f"no {path}: pass --data-dir (the folder holding fakehealth/)")
    return path


def write_corpus(src: Path, n: int, folder: Path) -> Path:
    """The first ``n`` articles of ``src``; beyond its end the corpus starts again (copies get new ids)."""
    out = folder / f"corpus-{n}.jsonl"
    lines = [line for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    with out.open("w", encoding="utf-8") as fh:
        for i, line in enumerate(itertools.islice(itertools.cycle(lines), n)):
            if i >= len(lines):
                rec = json.loads(line)
                rec["id"] = f"{rec.get('id', 'article')}-copy{i // len(lines)}"
                line = json.dumps(rec, ensure_ascii=False)
            fh.write(line + "\n")
    return out


def clean_texts(corpus: Path, folder: Path) -> tuple[Path, int]:
    """The articles' clean texts as claimcheck reads them (one JSON line each) and their word count."""
    from pipeline.ingest import iter_inputs
    from pipeline.records import Article

    out = folder / (corpus.stem + ".texts.jsonl")
    words = 0
    with out.open("w", encoding="utf-8") as fh:
        for a in iter_inputs([str(corpus)]):
            if isinstance(a, Article):
                words += len(a.text.split())
                fh.write(json.dumps({"text": a.text}) + "\n")
    return out, words


# ---------------------------------------------------------------- measuring a child process

def pss(pid: int) -> int:
    """A process's proportional set size in bytes (Linux; 0 elsewhere): each page it shares with
    others (a forked copy's inherited pages) counted as its share, so PSS adds up across processes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class Sampler(threading.Thread):
    """Peak summed RSS of some processes and their children, sampled every 0.2 s, and their summed
    PSS every 2 s (reading it walks each process's page tables: about 10 ms a process, which at
    every sample would take a tenth of a core from the command measured)."""

    PSS_EVERY = 10  # samples

    def __init__(self, roots):
        super().__init__(daemon=True)
        self.roots, self.peak, self.peak_pss, self.stop = roots, 0, 0, threading.Event()

    def run(self):
        import psutil

        tick = 0
        while not self.stop.is_set():
            total = total_pss = 0
            with_pss = tick % self.PSS_EVERY == 0
            tick += 1
            for root in self.roots():
                try:
                    procs = [root] + root.children(recursive=True)
                except psutil.Error:
                    continue
                for p in procs:
                    try:
                        total += p.memory_info().rss
                        total_pss += pss(p.pid) if with_pss else 0
                    except psutil.Error:
                        pass
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, total_pss)
            self.stop.wait(0.2)


def measure(cmd: list[str], env: dict | None = None, extra_roots=()) -> dict:
    """Run ``cmd``; its wall time, peak RSS of its largest process (wait4) and of all its processes
    (and ``extra_roots``, e.g. Dask workers) together (sampled), stdout and stderr."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    me = psutil.Process(proc.pid)
    sampler = Sampler(lambda: [me, *extra_roots])
    sampler.start()
    out, err = [], []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out), (proc.stderr, err))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    for r in readers:
        r.join()
    sampler.stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "rss_max": usage.ru_maxrss * 1024, "rss_sum": sampler.peak, "pss_sum": sampler.peak_pss,
            "rc": proc.returncode,
            "stdout": out[0].decode(), "stderr": err[0].decode(), "cpu": usage.ru_utime + usage.ru_stime}


# ---------------------------------------------------------------- the runs

def baseline(texts: Path) -> dict:
    m = measure([sys.executable, "-c", BASELINE_CHILD, str(texts)])
    if m["rc"]:
        sys.exit(f"baseline failed:\n{m['stderr']}")
    m.update(json.loads(m["stdout"]))
    return m


def full_pass_claims(corpus: Path) -> dict:
    m = measure([sys.executable, "-c", FULLPASS_CHILD, str(corpus)])
    if m["rc"]:
        sys.exit(f"full pass failed:\n{m['stderr']}")
    m.update(json.loads(m["stdout"]))
    return m


FAST: list[str] = []  # ["--fast"] with this script's --fast: strength without the encoder


def claimcheck(corpus: Path, out: Path, model: Path, *, workers: int = 1, scheduler: str | None = None,
               extra_roots=()) -> dict:
    cmd = [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", str(out), "--model", str(model), *FAST]
    if scheduler:
        cmd += ["--engine", "dask", "--scheduler", scheduler]
    else:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "CLAIMCHECK_PROGRESS_INTERVAL": "0"}  # a log line per batch: the steady rate
    m = measure(cmd, env=env, extra_roots=extra_roots)
    if m["rc"] not in (0, 3):
        sys.exit(f"claimcheck run failed ({m['rc']}):\n{m['stderr'][-3000:]}")
    lines = [line for line in m["stderr"].splitlines() if line.startswith(PROGRESS)]
    last = lines[-1].split(", ") if lines else []
    rates = [part for part in last if part.endswith("articles/s")]
    m["steady"] = float(rates[0].split()[0]) if rates else 0.0  # articles/s from the first batch on
    # the last progress line comes when the work is done: the rest is comparison, outputs, report
    m["work"] = _seconds(last[-1].split()[-1]) if last and last[-1].startswith("elapsed") else float("nan")
    m["claims"] = [[c["claim_id"], c["article_id"], c["start_char"], c["end_char"], c["text"]]
                   for c in map(json.loads, (out / "claims.jsonl").read_text(encoding="utf-8").splitlines())]
    return m


def _seconds(text: str) -> float:
    """ "1h02m", "3m05s", "42s" -> seconds."""
    import re

    h, m, sec = (re.search(rf"(\d+){u}", text) for u in ("h", "m(?!s)", "s"))
    return sum(int(x.group(1)) * f for x, f in ((h, 3600), (m, 60), (sec, 1)) if x)


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def machine() -> str:
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def main(argv=None) -> int:
    from pipeline.settings import data_dir, model_path

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", help="folder with fakehealth/ (default: claimcheck's data directory)")
    ap.add_argument("--model", help="model file (default: claimcheck's, models/claimcheck.skops)")
    ap.add_argument("--sizes", default="100,300,1000", help="corpus sizes for the growth table (default: %(default)s)")
    ap.add_argument("--configs", default="1,2,dask", help="1 process, 2 processes, Dask (default: %(default)s)")
    ap.add_argument("--fast", action="store_true", help="run claimcheck with --fast (no strength encoder)")
    args = ap.parse_args(argv)
    if args.fast:
        FAST.append("--fast")

    model = model_path(args.model)
    if not Path(model).is_file():
        sys.exit(f"no model file {model}: pass --model")
    src = articles_file(data_dir(args.data_dir))
    sizes = sorted({int(s) for s in args.sizes.split(",")} | {MAIN})
    configs = args.configs.split(",")
    print(f"machine: {machine()}")
    print(f"corpus: {src} (first {MAIN} articles; larger sizes repeat the corpus)")
    print(f"load average at the start: {load_average()}")
    print(f"model: {model}{' (claimcheck run --fast: strength without the encoder)' if args.fast else ''}")
    rows = []
    label_of = {"1": "1 process", "2": "2 processes", "dask": "Dask, 2 workers"}
    with tempfile.TemporaryDirectory(prefix="claimcheck-bench-") as tmp:
        tmp = Path(tmp)
        corpora = {n: write_corpus(src, n, tmp) for n in sizes}
        texts, words = clean_texts(corpora[MAIN], tmp)

        # head to head on MAIN articles: baseline and claimcheck alternated, best of two each
        print(f"\nhead to head on {MAIN} articles ({words:,} words), best of two alternated runs:")
        runs: dict[str, list] = {"base": [], "1": [], "2": []}
        for _ in range(2):
            runs["base"].append(baseline(texts))
            for config in ("1", "2"):
                out = tmp / f"out-{MAIN}-{config}"
                runs[config].append(claimcheck(corpora[MAIN], out, model, workers=int(config)))
                shutil_rmtree(out)
        best = {k: min(v, key=lambda m: m["wall"]) for k, v in runs.items()}
        base = best["base"]
        base_wps = words / base["wall"]
        print(f"  plain spaCy ({'+'.join(base['pipes'])}): {base['wall']:.1f} s end to end "
              f"(load {base['load']:.1f} s, nlp.pipe {base['pipe']:.1f} s) = {base_wps:,.0f} words/s; "
              f"CPU {base['cpu']:.0f} s; peak RSS {mb(base['rss_max'])}")
        for config in ("1", "2"):
            m = best[config]
            print(f"  claimcheck run, {label_of[config]}: {m['wall']:.1f} s = {words / m['wall']:,.0f} words/s = "
                  f"{base['wall'] / m['wall']:.2f}x the baseline; CPU {m['cpu']:.0f} s "
                  f"({base['cpu'] / m['cpu']:.2f}x less); peak RSS {mb(m['rss_max'])} "
                  f"(all processes {mb(m['rss_sum'])}, PSS {mb(m['pss_sum'])})")
        print(f"  same claims with 1 and 2 processes: {best['1']['claims'] == best['2']['claims']}")
        full = full_pass_claims(corpora[MAIN])
        print(f"  claimcheck's extraction alone (full pipeline on every whole text, CPU time): {full['seconds']:.1f} s "
              f"= {words / full['seconds']:,.0f} words/s, {base['pipe_cpu'] / full['seconds']:.2f}x less CPU than "
              f"plain spaCy's nlp.pipe ({base['pipe_cpu']:.1f} s); {len(full['claims'])} claims")
        print(f"  with the first pass: {full['selective_seconds']:.1f} s, same claims: {full['selective_same']}; the "
              f"full parse saw {100 * full['parsed_share']:.1f}% of the tokens ({full['skipped']} articles skipped "
              f"whole, {full['partial']} in part)")

        # growth
        print("\ngrowth:")
        cluster = None
        if "dask" in configs:
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
        try:
            for n in sizes:
                _, n_words = clean_texts(corpora[n], tmp) if n != MAIN else (None, words)
                for config in configs:
                    if n == MAIN and config in best:
                        m = best[config]
                    elif config == "dask":
                        import psutil

                        out = tmp / f"out-{n}-{config}"
                        workers = [psutil.Process(w.process.pid) for w in cluster.workers.values()
                                   if getattr(w, "process", None) is not None and w.process.pid]
                        m = claimcheck(corpora[n], out, model, scheduler=cluster.scheduler_address,
                                       extra_roots=workers)
                        shutil_rmtree(out)
                    else:
                        out = tmp / f"out-{n}-{config}"
                        m = claimcheck(corpora[n], out, model, workers=int(config))
                        shutil_rmtree(out)
                    rows.append({"n": n, "config": label_of[config], "words": n_words, **m})
                    print(f"  {n:>6} articles, {label_of[config]:<16} {m['wall']:7.1f} s  "
                          f"{n_words / m['wall']:8,.0f} words/s  peak {mb(m['rss_max'])} "
                          f"(all processes {mb(m['rss_sum'])}, PSS {mb(m['pss_sum'])})", flush=True)
                    if n == MAIN and config == "dask":
                        print(f"         same claims as 1 process: {best['1']['claims'] == m['claims']}")
        finally:
            if cluster is not None:
                cluster.close()

    print(f"\nload average at the end: {load_average()} (other work on the machine slows every figure)")
    print("\n| articles | words | configuration | wall s | work s | finish s | words/s | x baseline | "
          "steady articles/s | CPU s | peak RSS (largest process) | peak RSS (all processes) | "
          "peak PSS (all processes) |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        wps = r["words"] / r["wall"]
        print(f"| {r['n']:,} | {r['words']:,} | {r['config']} | {r['wall']:.1f} | {r['work']:.0f} | "
              f"{r['wall'] - r['work']:.0f} | {wps:,.0f} | {wps / base_wps:.2f} | {r['steady']:.1f} | {r['cpu']:.0f} | "
              f"{mb(r['rss_max'])} | {mb(r['rss_sum'])} | {mb(r['pss_sum'])} |")
    print(f"| {MAIN} | {words:,} | plain spaCy (baseline) | {base['wall']:.1f} | {base['pipe']:.0f} | | "
          f"{base_wps:,.0f} | 1.00 | {MAIN / base['pipe']:.1f} | {base['cpu']:.0f} | {mb(base['rss_max'])} | "
          f"{mb(base['rss_sum'])} | {mb(base['pss_sum'])} |")
    print("work s: from the start to the end of extraction and classification (start-up included); finish s: "
          "stories, comparison, outputs, report; CPU s: user + system time of the command and its child processes "
          "(not the Dask workers); PSS: shared pages split between the processes that share them (Linux)")

    main_run = best["1"]
    speedup = base["wall"] / main_run["wall"]
    speedup2 = base["wall"] / best["2"]["wall"]
    same = sorted(map(tuple, main_run["claims"])) == sorted(map(tuple, full["claims"]))
    ok = max(speedup, speedup2) >= 2.0 and same and main_run["rss_max"] < 1.5 * 2**30
    print(f"\n{MAIN} articles end to end: {speedup:.2f}x the plain spaCy baseline with 1 process, {speedup2:.2f}x with "
          f"2 (required: >= 2.0): {'PASS' if max(speedup, speedup2) >= 2.0 else 'FAIL'}")
    print(f"same claims as claimcheck's full pass ({len(full['claims'])}): {'PASS' if same else 'FAIL'}")
    print(f"peak memory {mb(main_run['rss_max'])} (required: < 1.5 GB): "
          f"{'PASS' if main_run['rss_max'] < 1.5 * 2**30 else 'FAIL'}")
    return 0 if ok else 1


def shutil_rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
