"""Where articles are processed: in this process, in N local processes, or on a Dask cluster.

Every engine runs the same two steps, :func:`extract_batch` (with the selective first pass) then
:func:`classify_batch` (together :func:`process_batch`), on batches of consecutive articles, and
yields the results in input order. So ``--workers N`` and ``--engine dask`` give exactly the
claims a single process gives.

Each process (a spawned local worker or a Dask worker) loads spaCy and the model once:
``pipeline.nlp.load_nlp`` and ``pipeline.model.load_model`` are cached per process, and Dask
workers get the model file's bytes once, through a worker plugin, so they need no shared disk.
Local workers forked from the main process (where ``fork`` exists) inherit its spaCy and only
extract; the main process classifies (see ``LocalEngine.forks``).
"""

from __future__ import annotations

import collections
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

BATCH_ARTICLES = 32  # articles per batch in one process: big enough for nlp.pipe and one model call
SHARED_BATCH_ARTICLES = 16  # per task for several processes: they end together
ENGINES = ("local", "dask")
PLUGIN_NAME = "claimcheck-model"
CONNECT_TIMEOUT = "10s"  # to reach the Dask scheduler
MAX_STRINGS = 2_000_000  # strings in spaCy's vocabulary before a worker reloads the pipeline


@dataclass(frozen=True)
class Job:
    """What a worker needs besides the articles: the model file, the parameters, the options."""

    model_path: str
    params: dict
    first_pass: bool = True
    model_sha256: str = ""  # set for Dask: the workers find the model by its hash


# ---------------------------------------------------------------- the work itself

NLP_LOCK = threading.Lock()  # one extraction at a time per process: spaCy is shared
MODEL_LOCK = threading.Lock()  # one classification at a time per process: so is the model
MODELS: dict[str, object] = {}  # sha256 -> ClaimModel, filled by the Dask worker plugin

PROBE = None  # this process's stream of articles: whether the first pass's planning pays


def process_batch(batch: list, job: Job) -> tuple[list[tuple[int, dict | None, list[dict] | None]], dict]:
    """Extract and classify ``batch`` (a list of ``(seq, Article or Skipped)``) in this process.

    Returns ``(seq, article dict, labelled claims)`` per entry, in the batch's order
    (``(seq, None, None)`` for a Skipped), and the model's card."""
    return classify_batch(batch, extract_batch(batch, job), job)


def extract_batch(batch: list, job: Job) -> list:
    """The articles of ``batch`` with their claims (unlabelled): ``[(Article, claims)]``."""
    from pipeline.records import Article

    global PROBE
    articles = [item for _, item in batch if isinstance(item, Article)]
    with NLP_LOCK:
        nlp = load_nlp_once()
        if job.first_pass:
            from pipeline.firstpass import Probe, iter_extracted_selective

            PROBE = PROBE or Probe()
            found = list(iter_extracted_selective(articles, nlp=nlp, params=job.params, probe=PROBE))
        else:
            from pipeline.extract import iter_extracted

            found = list(iter_extracted(articles, nlp=nlp, params=job.params))
        if len(nlp.vocab.strings) > MAX_STRINGS:
            # spaCy's vocabulary grows with every new word form; on an endless feed, start afresh now
            # and then (results do not depend on it: word vectors are hashed from the text itself)
            from pipeline.nlp import load_nlp

            load_nlp.cache_clear()
    return found


def classify_batch(batch: list, found: list, job: Job) -> tuple[list, dict]:
    """Label the claims ``extract_batch`` found in ``batch``; the result of ``process_batch``. All
    claims of the batch go through the model in one call (a claim's output does not depend on the
    other claims)."""
    from pipeline.verdict.judge import classify_claims
    from pipeline.quantities import annotate
    from pipeline.records import Article

    flat = [claim for _, claims in found for claim in claims]
    with MODEL_LOCK:
        model = _model(job)
        labelled = classify_claims(
            flat, model, abstain_threshold=job.params["classify"]["abstain_threshold"],
            rule_weight=job.params["classify"].get("rule_weight", 0.6),
        )
    # number checks of each claim on its own: here, in parallel, rather than in the finish
    labelled = iter(annotate(labelled))
    results = iter(found)
    out = []
    for seq, item in batch:
        if isinstance(item, Article):
            article, claims = next(results)
            out.append((seq, article.to_dict(), [next(labelled) for _ in claims]))
        else:
            out.append((seq, None, None))
    return out, model.card


def load_nlp_once():
    """The full English pipeline of this process (loaded and verified on first use)."""
    from pipeline.nlp import load_nlp

    return load_nlp()


def _model(job: Job):
    if job.model_sha256 and job.model_sha256 in MODELS:
        return MODELS[job.model_sha256].scoring(job.params)
    from pipeline.model import load_model

    return load_model(job.model_path).scoring(job.params)


def encodes(job: Job) -> bool:
    """Whether the job scores strength with the encoder (``classify.encoder``, on by default)."""
    return bool((job.params.get("classify") or {}).get("encoder", True))


def warm_up(job: Job) -> None:
    """Load spaCy and the model now (a worker's first task then starts at full speed). A failure
    is left for the first task to raise, so it reaches the user as the usual one-line error."""
    try:
        load_nlp_once()
        _model(job)
    except Exception:  # noqa: BLE001
        pass


def batches(items: Iterable, size: int = BATCH_ARTICLES) -> Iterator[list]:
    """Consecutive lists of ``size`` items (the last one shorter)."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------- engines

class LocalEngine:
    """``workers`` = 1: this process; more: that many worker processes (see ``forks``). Results
    come back in input order; at most ``2 * workers`` batches are in flight, so memory stays flat
    however many articles there are."""

    def __init__(self, workers: int = 1, overlap: bool = True):
        self.workers = max(1, int(workers))
        self.overlap = overlap

    def describe(self) -> str:
        return "1 process" if self.workers == 1 else f"{self.workers} processes"

    @property
    def batch_articles(self) -> int:
        return BATCH_ARTICLES if self.workers == 1 else SHARED_BATCH_ARTICLES

    @property
    def forks(self) -> bool:
        """Whether the workers are forked copies of this process (where ``fork`` exists): they then
        inherit spaCy when this process has loaded it (see ``pipeline.run``). With ``--fast`` they
        only extract, and this process classifies, so the model loads once, here, while they parse;
        with the strength encoder they classify too. Elsewhere the workers are spawned, and each
        loads spaCy and the model and does both."""
        import multiprocessing

        return self.workers > 1 and "fork" in multiprocessing.get_all_start_methods()

    def run(self, batch_iter: Iterable[list], job: Job) -> Iterator[tuple]:
        """``process_batch``'s result for each batch, in order."""
        if self.workers == 1:
            if self.overlap:
                yield from overlapped(batch_iter, job)
            else:
                for batch in batch_iter:
                    yield process_batch(batch, job)
            return
        from pipeline.forkmap import process_pool

        # forked only while no other thread runs (a fork copies the calling thread alone)
        pool, forked = process_pool(self.workers, fork=self.forks, initializer=warm_up, initargs=(job,))
        try:
            if not forked or encodes(job):
                # the strength encoder makes classifying the larger share of the work: every worker
                # does both, rather than this one process classifying for all
                yield from _ordered(lambda b: pool.submit(process_batch, b, job), batch_iter, 2 * self.workers)
                return
            from pipeline.model import preload_model

            pool.submit(int).result()  # all workers are forked now, before a thread starts here
            preload_model(job.model_path)  # while they parse the first batches
            for batch, found in _ordered(lambda b: pool.submit(extract_batch, b, job), batch_iter,
                                         2 * self.workers, with_batch=True):
                yield classify_batch(batch, found, job)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """Batches as tasks on an existing Dask distributed cluster (``dask scheduler`` + ``dask worker``).

    The model file is sent once to every worker (a worker plugin, also run on workers that join
    later); each worker process loads it and spaCy once. Workers need claimcheck installed (the
    same version) but no access to the inputs, the model file or the output folder."""

    def __init__(self, scheduler: str | object, *, in_flight: int | None = None):
        self.scheduler = scheduler
        self.in_flight = in_flight
        self.client = None

    batch_articles = SHARED_BATCH_ARTICLES

    def describe(self) -> str:
        return f"Dask cluster at {getattr(self.scheduler, 'scheduler_address', self.scheduler)}"

    def _connect(self):
        from distributed import Client

        if hasattr(self.scheduler, "submit"):  # an existing Client
            return self.scheduler, False
        address = getattr(self.scheduler, "scheduler_address", self.scheduler)
        return Client(address, set_as_default=False, timeout=CONNECT_TIMEOUT), True

    def run(self, batch_iter: Iterable[list], job: Job) -> Iterator[tuple]:
        """``process_batch``'s result for each batch, in order."""
        from pipeline.errors import ClaimcheckError

        try:
            client, owned = self._connect()
        except (OSError, TimeoutError) as exc:
            raise ClaimcheckError(f"cannot reach the Dask scheduler {self.scheduler} ({exc}); "
                                  "start one with `dask scheduler` and workers with `dask worker ADDRESS`") from exc
        try:
            data = Path(job.model_path).read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            job = Job(job.model_path, job.params, job.first_pass, sha)
            from pipeline.dask_plugin import ModelPlugin

            replies = client.register_plugin(ModelPlugin(data, sha), name=f"{PLUGIN_NAME}-{sha[:16]}")
            for address, reply in sorted((replies or {}).items()):
                if isinstance(reply, dict) and reply.get("status") == "error":
                    raise ClaimcheckError(f"Dask worker {address} could not load the model: "
                                          f"{reply.get('exception_text') or reply.get('exception')}")
            threads = sum(client.nthreads().values()) or 1
            in_flight = self.in_flight or 2 * threads
            yield from _ordered(lambda b: client.submit(process_batch, b, job, pure=False), batch_iter, in_flight)
        finally:
            if owned:
                client.close()


_END = object()


def overlapped(batch_iter: Iterable[list], job: Job, depth: int = 2) -> Iterator[tuple]:
    """``process_batch``'s result for each batch, in order, in this process: a helper thread reads
    and extracts the next batches while this one classifies. spaCy's network and parser loops run
    without Python's global lock, so one process keeps two cores busy, with one copy of spaCy and
    the model in memory. The results are those of ``process_batch``, batch by batch."""
    import queue

    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batch_iter:
                if not put((batch, extract_batch(batch, job))):
                    return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 -- handed over and raised in the caller's thread
            put(exc)

    thread = threading.Thread(target=produce, name="claimcheck-extract", daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            batch, found = item
            yield classify_batch(batch, found, job)
    finally:
        stop.set()
        thread.join(timeout=60)  # it stops after the batch in hand


def _ordered(submit, batch_iter: Iterable[list], in_flight: int, with_batch: bool = False) -> Iterator:
    """Submit batches, keeping ``in_flight`` running, and yield their results in submission order
    (``with_batch``: as ``(batch, result)``)."""
    pending: collections.deque = collections.deque()

    def take():
        batch, future = pending.popleft()
        return (batch, future.result()) if with_batch else future.result()

    for batch in batch_iter:
        pending.append((batch, submit(batch)))
        while len(pending) >= in_flight:
            yield take()
    while pending:
        yield take()


def make_engine(engine: str = "local", *, workers: int = 1, scheduler=None, overlap: bool = True):
    """The engine for ``--engine`` / ``--workers`` / ``--scheduler`` (``overlap``: see ``overlapped``)."""
    from pipeline.errors import ClaimcheckError

    if engine == "local":
        if scheduler:
            raise ClaimcheckError("--scheduler needs --engine dask")
        return LocalEngine(workers, overlap=overlap)
    if engine == "dask":
        if not scheduler:
            raise ClaimcheckError("--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise ClaimcheckError("--engine dask needs Dask: pip install 'claimcheck[dask]' "
                                  "(or: pip install 'dask[distributed]')") from exc
        return DaskEngine(scheduler)
    raise ClaimcheckError(f"unknown engine {engine!r} (choose from: {', '.join(ENGINES)})")
