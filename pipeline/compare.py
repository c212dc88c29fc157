"""Compare sources: align claims that state the same finding, tabulate labels per source, group stories."""

from __future__ import annotations

import re

from pipeline.records import LABELS

# Function words plus framing words (modals, reporting and causal verbs): two sources framing
# one finding differently ("may lower" vs "cuts") should still align on its content words.
STOP_WORDS = frozenset("""
a an the of in on at to for from by with without as and or but nor not no than then that this these
those it its it's their they them there here i you your we our us he she his her who whom which what when where while into over under
about after before during per via is are was were be been being has have had do does did so such
also only just very more most less new one
may might could can will would should must possibly perhaps potentially likely suggest suggests
suggested appear appears seem seems show shows shown showed find finds found say says said told
according report reports reported study studies research researcher researchers expert experts
scientist scientists team author authors data result results evidence finding findings dr
associated association linked link tied related cause causes caused help helps
""".split())

NUMBER_BONUS = 0.1  # added to the cosine per number two claims share ...
NUMBER_BONUS_MAX = 0.2  # ... up to this much

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _stem(word: str) -> str:
    """A deliberately crude stemmer: 'lowers', 'lowered', 'lowering' -> 'lower'; 'reduces' -> 'reduc'."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) >= 5 else word


def _norm_number(text: str) -> str:
    return text.replace(",", "")


def _analyze(text: str) -> list[str]:
    """Word 1-2grams after stop words are removed; numbers are kept (thousands commas dropped)."""
    words = []
    for tok in _TOKEN.findall(text.lower()):
        if tok[0].isdigit():
            words.append(_norm_number(tok))
        elif tok not in STOP_WORDS:
            words.append(_stem(tok))
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _numbers(claim: dict) -> set[str]:
    return {_norm_number(n) for n in _NUMBER.findall(claim.get("text") or "")}


def similarity(claims: list[dict]):
    """Pairwise similarity (numpy array): TF-IDF cosine plus a bonus for shared numbers, capped at 1."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(claims)
    texts = [c.get("text") or "" for c in claims]
    try:
        matrix = TfidfVectorizer(analyzer=_analyze, sublinear_tf=True).fit_transform(texts)
        sim = (matrix @ matrix.T).toarray()
    except ValueError:  # no content words at all
        sim = np.zeros((n, n))
    shared = _shared_numbers(claims)
    bonus = np.minimum(NUMBER_BONUS * shared, NUMBER_BONUS_MAX) * (sim > 0)
    np.fill_diagonal(bonus, 0.0)
    return np.clip(sim + bonus, 0.0, 1.0)


def _shared_numbers(claims: list[dict]):
    """How many distinct numbers each pair of claims has in common (dense array)."""
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, claim in enumerate(claims):
        for number in sorted(_numbers(claim)):
            rows.append(i)
            cols.append(vocab.setdefault(number, len(vocab)))
    m = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(claims), max(len(vocab), 1)))
    return (m @ m.T).toarray()


def _components(sim, threshold: float) -> list[list[int]]:
    """Connected components of the graph 'similarity >= threshold' (average-link never crosses them)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(csr_matrix(sim >= threshold), directed=False)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(np.asarray(labels).tolist()):
        groups.setdefault(label, []).append(i)
    return list(groups.values())


def _average_link(members: list[int], sim, articles: list[str], threshold: float) -> list[list[int]]:
    """Merge the closest pair of clusters (mean pairwise similarity) while it reaches ``threshold``.

    Two clusters holding claims of the same article are never merged: a group has at most one
    claim per article. Ties go to the earliest clusters, so the result is deterministic.
    """
    import numpy as np

    k = len(members)
    total = sim[np.ix_(members, members)].astype(float)  # summed similarity between clusters
    size = np.ones(k)
    arts = np.array([articles[i] for i in members], dtype=object)
    blocked = arts[:, None] == arts[None, :]  # the clusters share an article (and the diagonal)
    avg = np.where(blocked, -np.inf, total)  # symmetric; the first maximum is the earliest pair
    clusters = [[m] for m in members]
    while True:
        a, b = divmod(int(np.argmax(avg)), k)
        if not avg[a, b] >= threshold:
            break
        total[a, :] += total[b, :]
        total[:, a] = total[a, :]
        size[a] += size[b]
        blocked[a, :] |= blocked[b, :]
        blocked[:, a] = blocked[a, :]
        row = np.where(blocked[a, :], -np.inf, total[a, :] / (size[a] * size))
        avg[a, :] = avg[:, a] = row
        avg[b, :] = avg[:, b] = -np.inf
        blocked[b, :] = blocked[:, b] = True
        clusters[a] += clusters[b]
        clusters[b] = []
    return [sorted(c) for c in clusters if c]


def source_name(claim: dict) -> str:
    """The source a claim is shown under: its source, else its article's title or id."""
    return claim.get("source") or claim.get("title") or claim.get("article_id") or "Unknown source"


def align_claims(claims: list[dict], *, threshold: float) -> list[list[dict]]:
    """Group claims that state the same finding across sources.

    Average-link clustering over :func:`similarity`; at most one claim per article in a group.
    Groups come sorted by (-number of sources, position of their first claim in ``claims``);
    claims inside a group keep their input order. Every claim is in exactly one group.
    """
    if not claims:
        return []
    sim = similarity(claims)
    articles = [str(c.get("article_id", i)) for i, c in enumerate(claims)]
    groups = []
    for component in _components(sim, threshold):
        groups.extend(_average_link(component, sim, articles, threshold))
    groups.sort(key=lambda g: (-len({source_name(claims[i]) for i in g}), g[0]))
    return [[claims[i] for i in g] for g in groups]


KIND_ORDER = ("journal", "press_release", "news", "blog", "other")


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def source_table(claims: list[dict]) -> list[dict]:
    """One row per source: claims, articles, label counts and shares, mean strength, needs-review count.

    Rows are ordered journal, press release, news, blog, other; then by name.
    """
    rows: dict[str, dict] = {}
    for claim in claims:
        name = source_name(claim)
        row = rows.setdefault(name, {
            "source": name, "kind": claim.get("kind") or "other", "n": 0, "articles": set(),
            "counts": dict.fromkeys(LABELS, 0), "strengths": [], "abstain": 0,
        })
        row["n"] += 1
        row["articles"].add(claim.get("article_id"))
        if claim.get("label") in LABELS:
            row["counts"][claim["label"]] += 1
        if isinstance(claim.get("strength"), (int, float)):
            row["strengths"].append(claim["strength"])
        row["abstain"] += bool(claim.get("abstain"))
    out = []
    for row in rows.values():
        strengths = row.pop("strengths")
        row["articles"] = len(row["articles"])
        row["shares"] = {k: v / row["n"] for k, v in row["counts"].items()}
        row["mean_strength"] = sum(strengths) / len(strengths) if strengths else None
        out.append(row)
    out.sort(key=lambda r: (_kind_rank(r["kind"]), r["source"].casefold(), r["source"]))
    return out


def stories(articles: list[dict], claims: list[dict]) -> list[dict]:
    """Group articles and their claims by the ``story`` field, in order of first appearance.

    Articles without a story form one default story named after their common title, else
    "All articles". Returns ``[{"name", "story", "articles", "claims"}]``.
    """
    by_key: dict[str, dict] = {}
    story_of: dict[str, str] = {}
    for article in articles:
        key = article.get("story") or ""
        by_key.setdefault(key, {"name": key, "story": key, "articles": [], "claims": []})
        by_key[key]["articles"].append(article)
        story_of[article.get("article_id")] = key
    for claim in claims:
        key = story_of.get(claim.get("article_id"), claim.get("story") or "")
        by_key.setdefault(key, {"name": key, "story": key, "articles": [], "claims": []})
        by_key[key]["claims"].append(claim)
    default = by_key.get("")
    if default is not None:
        titles = {a.get("title") for a in default["articles"]} or {c.get("title") for c in default["claims"]}
        title = titles.pop() if len(titles) == 1 else ""
        default["name"] = title or "All articles"
    return list(by_key.values())
