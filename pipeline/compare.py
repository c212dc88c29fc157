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
ENTITY_BONUS = 0.05  # per shared name (STRIDE-BP, NRF2, Alzheimer) ...
ENTITY_BONUS_MAX = 0.1  # ... up to this much
FINDING_BONUS = 0.1  # both claims share a word on each side of the relation (exposure and outcome)

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# names: acronyms and mixed-case or hyphenated tokens anywhere, capitalised words not opening the sentence
_ENTITY = re.compile(r"\b(?:[A-Z][A-Za-z]*[A-Z0-9][\w-]*|[A-Z]{1,3}-[A-Za-z][\w-]*|[A-Za-z]+-\d[\w-]*|[A-Za-z]+\d+[A-Za-z\d]*)\b"
                     r"|(?<=[a-z,;:] )[A-Z][a-z]{2,}(?:[ -][A-Z][a-z]+)*")
_NOT_ENTITIES = frozenset({"the", "a", "an", "this", "these", "those", "it", "they", "we", "i", "dr", "mr", "mrs",
                           "ms", "prof", "professor", "university", "study", "researchers"})
# the verb (phrase) that relates an exposure to an outcome; what comes before it is the exposure side
_RELATION = re.compile(
    r"\b(?:(?:is|are|was|were|be|been)\s+)?(?:(?:strongly|closely|significantly|inversely|positively)\s+)?"
    r"(?:linked|associated|tied|connected|related|correlated)\s+(?:to|with)\b"
    r"|\b(?:may|might|could|can|will|would|to|did|does|do|not)?\s*(?:help(?:s|ed)?\s+)?"
    r"(?:lower(?:s|ed)?|reduc(?:e|es|ed)|cut(?:s)?|rais(?:e|es|ed)|increas(?:e|es|ed)|boost(?:s|ed)?|"
    r"prevent(?:s|ed)?|caus(?:e|es|ed)|improv(?:e|es|ed)|protect(?:s|ed)?|slow(?:s|ed)?|halv(?:e|es|ed)|"
    r"doubl(?:e|es|ed)|trigger(?:s|ed)?|lead(?:s)?\s+to|led\s+to|affect(?:s|ed)?|treat(?:s|ed)?|"
    r"cure(?:s|d)?|predict(?:s|ed)?|stop(?:s|ped)?|fight(?:s)?|block(?:s|ed)?|ease(?:s|d)?|"
    r"worsen(?:s|ed)?|shrink(?:s)?|shrank|extend(?:s|ed)?|delay(?:s|ed)?|fuel(?:s|led)?|"
    r"(?:is|are|was|were)\s+(?:a\s+)?(?:risk\s+factor|key|good|bad)\s+for)\b"
    r"|\b(?:higher|lower|greater|reduced|increased)\s+(?:risk|odds|chance|likelihood|rates?)\s+of\b",
    re.I)


def _stem(word: str) -> str:
    """A deliberately crude stemmer: 'lowers', 'lowered', 'lowering' -> 'lower'; 'reduces' -> 'reduc'."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) >= 5 else word


def _norm_number(text: str) -> str:
    return text.replace(",", "")


def _content_words(text: str) -> list[str]:
    words = []
    for tok in _TOKEN.findall(text.lower()):
        if tok[0].isdigit():
            words.append(_norm_number(tok))
        elif tok not in STOP_WORDS:
            words.append(_stem(tok))
    return words


def _analyze(text: str) -> list[str]:
    """Word 1-2grams after stop words are removed; numbers are kept (thousands commas dropped)."""
    words = _content_words(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


analyze_words = _analyze  # public name (stories use it for article similarity)


def _numbers(claim: dict) -> set[str]:
    """Numbers as written (digits) plus their normalised values ("six in ten" and "60%" are one share)."""
    from pipeline.quantities import quantities

    text = claim.get("text") or ""
    out = {_norm_number(n) for n in _NUMBER.findall(text)}
    quants = claim.get("quantities")
    for q in quants if isinstance(quants, list) else quantities(text):
        if isinstance(q, dict) and isinstance(q.get("value"), (int, float)) and \
                q.get("kind") in ("share", "relative", "change", "points"):
            out.add(f"{q['kind']}={float(q['value']):.3f}")
    return out


def entities(text: str) -> set[str]:
    """Names in a claim (lower-cased): acronyms, gene/trial names, capitalised words inside the sentence."""
    out = set()
    for m in _ENTITY.finditer(text or ""):
        name = m.group().lower()
        if name not in _NOT_ENTITIES and not name.isdigit():
            out.add(name)
    return out


def finding_sides(text: str) -> tuple[set[str], set[str]] | None:
    """(exposure words, outcome words) around the first relation verb of a claim, or None."""
    m = _RELATION.search(text or "")
    if not m:
        return None
    before, after = set(_content_words(text[: m.start()])), set(_content_words(text[m.end():]))
    before = {w for w in before if not w[0].isdigit()}
    after = {w for w in after if not w[0].isdigit()}
    return (before, after) if before and after else None


def _finding_overlap(a, b) -> bool:
    if a is None or b is None:
        return False
    return bool((a[0] & b[0]) and (a[1] & b[1])) or bool((a[0] & b[1]) and (a[1] & b[0]))


def similarity(claims: list[dict]):
    """Pairwise similarity (numpy array): TF-IDF cosine, plus bonuses for shared numbers (by value),
    shared names, and a shared exposure and outcome (words on each side of the relation), capped at 1.
    Bonuses only apply to pairs that already share a content word."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(claims)
    texts = [c.get("text") or "" for c in claims]
    try:
        matrix = TfidfVectorizer(analyzer=_analyze, sublinear_tf=True).fit_transform(texts)
        sim = (matrix @ matrix.T).toarray()
    except ValueError:  # no content words at all
        sim = np.zeros((n, n))
    bonus = np.minimum(NUMBER_BONUS * _shared(claims, _numbers), NUMBER_BONUS_MAX)
    bonus += np.minimum(ENTITY_BONUS * _shared(claims, lambda c: entities(c.get("text") or "")), ENTITY_BONUS_MAX)
    sides = [finding_sides(t) for t in texts]
    candidates = np.argwhere(np.triu(sim > 0, 1))
    for i, j in candidates.tolist():
        if _finding_overlap(sides[i], sides[j]):
            bonus[i, j] += FINDING_BONUS
            bonus[j, i] += FINDING_BONUS
    bonus *= sim > 0
    np.fill_diagonal(bonus, 0.0)
    return np.clip(sim + bonus, 0.0, 1.0)


def _shared(claims: list[dict], keys) -> "np.ndarray":  # noqa: F821
    """How many distinct keys (``keys(claim)`` -> set) each pair of claims has in common (dense array)."""
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, claim in enumerate(claims):
        for key in sorted(keys(claim)):
            rows.append(i)
            cols.append(vocab.setdefault(key, len(vocab)))
    m = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(claims), max(len(vocab), 1)))
    return (m @ m.T).toarray()


def _shared_numbers(claims: list[dict]):
    """How many distinct numbers each pair of claims has in common (dense array)."""
    return _shared(claims, _numbers)


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


def average_link(members: list[int], sim, articles: list[str], threshold: float) -> list[list[int]]:
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


def align_groups(claims: list[dict], *, threshold: float, sim=None) -> list[list[int]]:
    """:func:`align_claims` as index lists into ``claims`` (``sim``: a precomputed :func:`similarity`)."""
    if not claims:
        return []
    if sim is None:
        sim = similarity(claims)
    articles = [str(c.get("article_id", i)) for i, c in enumerate(claims)]
    groups = []
    for component in _components(sim, threshold):
        groups.extend(average_link(component, sim, articles, threshold))
    groups.sort(key=lambda g: (-len({source_name(claims[i]) for i in g}), g[0]))
    return groups


def align_claims(claims: list[dict], *, threshold: float) -> list[list[dict]]:
    """Group claims that state the same finding across sources.

    Average-link clustering over :func:`similarity`; at most one claim per article in a group.
    Groups come sorted by (-number of sources, position of their first claim in ``claims``);
    claims inside a group keep their input order. Every claim is in exactly one group.
    """
    return [[claims[i] for i in g] for g in align_groups(claims, threshold=threshold)]


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


def align_threshold(params: dict | None) -> float:
    from pipeline.settings import DEFAULTS

    return float(((params or {}).get("compare") or {}).get("align_threshold", DEFAULTS["compare"]["align_threshold"]))


def _claim_order(claim: dict):
    si, sc = claim.get("sentence_index"), claim.get("start_char")
    return (si if isinstance(si, int) else 1 << 30, sc if isinstance(sc, int) else 1 << 30)


def story_designs(params: dict | None) -> bool:
    """Whether claims of unknown design take their story's design (``compare.story_designs``)."""
    from pipeline.settings import DEFAULTS

    section = (params or {}).get("compare") or {}
    return bool(section.get("story_designs", DEFAULTS["compare"].get("story_designs", False)))


def _rejudge(claims: list[dict], model_path, params: dict | None) -> int:
    from pipeline.verdict.judge import rejudge_story_designs
    from pipeline.model import load_model
    from pipeline.settings import DEFAULTS

    section = {**DEFAULTS["classify"], **((params or {}).get("classify") or {})}
    model = load_model(model_path).scoring(params)
    return rejudge_story_designs(claims, model, abstain_threshold=section["abstain_threshold"],
                                 rule_weight=section["rule_weight"])


def _similarity_and_groups(claims: list[dict], threshold: float):
    sim = similarity(claims)
    return sim, align_groups(claims, threshold=threshold, sim=sim)


def compare_run(articles: list[dict], claims: list[dict], params: dict | None = None, *,
                manifest: dict[str, str] | None = None, model_path=None, workers: int = 1) -> list[dict]:
    """Stories, finding rows, evidence and number checks for a whole run.

    Annotates in place: each article's and claim's ``story``; each claim's ``finding``
    (``"<story>#<row>"``), ``quantities``, ``number_flags`` and the evidence fields of
    :mod:`pipeline.evidence`. Deterministic: the same articles and claims give the same result
    whatever order the claims come in. Returns the stories in order of their first article:
    ``[{"story", "name", "articles", "claims", "groups", "reference", "differs"}]`` where ``groups``
    are the finding rows (lists of claims) and ``differs`` maps a row index to
    :func:`pipeline.quantities.differing_numbers` for that row.

    With ``compare.story_designs`` on and a ``model_path``, claims of unknown design first take
    their story's design and are labelled again (``pipeline.classify.rejudge_story_designs``).
    ``workers`` > 1: the stories' similarity matrices are computed by that many forked processes
    (:mod:`pipeline.forkmap`; the same result).
    """
    from pipeline.evidence import judge_story
    from pipeline.forkmap import fork_map
    from pipeline.quantities import annotate, differing_numbers
    from pipeline.stories import apply_stories, assign_stories, story_threshold

    threshold = align_threshold(params)
    for c in claims:
        _clean(c)
    known = {a.get("article_id") for a in articles}
    story_of = assign_stories(articles, manifest=manifest, threshold=story_threshold(params))
    apply_stories(articles, claims, story_of)
    if model_path is not None and story_designs(params):
        _rejudge(claims, model_path, params)
    annotate(claims, reuse=True)
    position = {a.get("article_id"): i for i, a in enumerate(articles)}
    by_story: dict[str, dict] = {}
    for a in articles:
        key = str(a.get("story") or "")
        by_story.setdefault(key, {"story": key, "name": key, "articles": [], "claims": []})["articles"].append(a)
    for c in claims:
        key = str(c.get("story") or "") if c.get("article_id") not in known else \
            str(story_of.get(str(c.get("article_id")), c.get("story") or ""))
        by_story.setdefault(key, {"story": key, "name": key, "articles": [], "claims": []})["claims"].append(c)
    ordered = [sorted(story["claims"], key=lambda c: (position.get(c.get("article_id"), len(position)),
                                                      _claim_order(c), str(c.get("claim_id") or "")))
               for story in by_story.values()]
    # one article: a row holds one claim per article, and no claim has another to be judged
    # against, so the similarity matrix would go unused
    several = [k for k, sc in enumerate(ordered)
               if sc and not (len({c.get("article_id") for c in sc}) == 1 and sc[0].get("article_id") is not None)]
    aligned = dict(zip(several, fork_map(lambda k: _similarity_and_groups(ordered[k], threshold), several, workers)))
    out = []
    for k, (story, sc) in enumerate(zip(by_story.values(), ordered)):
        sim, groups = aligned.get(k) or (None, [[i] for i in range(len(sc))])
        story["reference"] = judge_story(sc, groups, sim, story["articles"], threshold) if sc else None
        story["claims"] = sc
        story["groups"] = [[sc[i] for i in g] for g in groups]
        story["differs"] = {}
        for k, group in enumerate(story["groups"], 1):
            for c in group:
                c["finding"] = f"{story['story']}#{k}"
            if len({c.get("article_id") for c in group}) < 2:
                continue
            differs = differing_numbers(group)
            if differs:
                story["differs"][k - 1] = differs
                for d in differs:
                    values = "; ".join(f"{v['text']} ({v['source']})" for v in d["values"])
                    for c in group:
                        c["number_flags"].append({"flag": "differs", "text": "",
                                                  "message": f"numbers differ between sources: {values}"})
        story["name"] = _story_name(story)
        out.append(story)
    return out


_TEXT_FIELDS = ("text", "context", "source", "story", "kind", "design", "title")


def _clean(claim: dict) -> None:
    """Claims read from a file may hold anything: text fields become strings, a non-integer strength none."""
    for key in _TEXT_FIELDS:
        value = claim.get(key)
        if value is not None and not isinstance(value, str):
            claim[key] = str(value)
    for key in ("strength", "reference_strength"):
        value = claim.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            claim[key] = None


def _story_name(story: dict) -> str:
    """A story's display name: the title of its most authoritative article for automatic stories
    (whose key is that title's slug), else the key itself."""
    from pipeline.stories import _representative, slug, story_label

    key = story["story"]
    if story["articles"]:
        title = story_label(_representative(story["articles"]))
        if title and (not key or slug(title) == key.rsplit("-", 1)[0] or slug(title) == key):
            return title
    return key or "All articles"
