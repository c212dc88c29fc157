"""Stories: the articles of a run that report the same finding.

An article's story comes from, in order:

1. a *stories manifest* (``claimcheck run --stories FILE``), which names the story of each
   article it lists;
2. the article's own ``story`` field (JSONL ``story``, Markdown front matter ``story:``);
3. automatic grouping: articles with no story are grouped by the similarity of their text
   (TF-IDF cosine over content words, average link, at least ``compare.story_threshold``).
   An automatic story is named after the title of its most authoritative article (journal
   before press release before news; then input order), as a slug.

Manifest format (pick either):

- CSV with a header row and the columns ``article`` and ``story``; ``article`` is an article id,
  its URL, its input path or the input's file name. Blank lines and lines starting with ``#``
  are ignored::

      article,story
      riverton-university-press-release.html,stride-bp
      https://www.morningledger.example/health/2026/03/03/brisk-walks,stride-bp

- JSON: an object ``{"<article>": "<story>", ...}`` or a list of ``{"article", "story"}`` objects.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from pipeline.errors import InputError

DEFAULT_THRESHOLD = 0.1
KIND_RANK = {"journal": 0, "press_release": 1, "news": 2, "blog": 3, "other": 4}


def read_manifest(path: str | Path) -> dict[str, str]:
    """``{article key: story}`` from a CSV or JSON stories manifest (see the module docstring)."""
    import csv
    import json

    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the stories manifest ({exc})") from exc
    entries: list[tuple[str, object, object]] = []
    if path.suffix.lower() == ".json" or raw.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"broken JSON ({exc.msg}, line {exc.lineno})") from exc
        if isinstance(data, dict):
            entries = [(f"entry {i}", k, v) for i, (k, v) in enumerate(data.items(), 1)]
        elif isinstance(data, list):
            entries = [(f"entry {i}", r.get("article") if isinstance(r, dict) else None,
                        r.get("story") if isinstance(r, dict) else None) for i, r in enumerate(data, 1)]
        else:
            raise InputError(path, "a JSON stories manifest is an object or a list of {article, story}")
    else:
        lines = [(n, line) for n, line in enumerate(raw.splitlines(), 1)
                 if line.strip() and not line.lstrip().startswith("#")]
        reader = csv.reader([line for _, line in lines])
        header = [h.strip().lower() for h in next(reader, [])]
        if "article" not in header or "story" not in header:
            raise InputError(path, "the stories manifest needs a header row with `article` and `story` columns")
        ia, is_ = header.index("article"), header.index("story")
        for (n, _), row in zip(lines[1:], reader):
            entries.append((f"line {n}", row[ia] if ia < len(row) else None, row[is_] if is_ < len(row) else None))
    out, bad = {}, []
    for n, article, story in entries:
        if not isinstance(article, str) or not article.strip() or not isinstance(story, str) or not story.strip():
            bad.append(f"{n}: needs a non-empty article and story")
            continue
        out[article.strip()] = story.strip()
    if bad:
        raise InputError(path, "; ".join(bad[:10]) + (f"; and {len(bad) - 10} more" if len(bad) > 10 else ""))
    return out


def _keys(article: dict) -> list[str]:
    """The names a manifest may use for an article: id, URL, path, file name."""
    keys = [str(article.get(k) or "") for k in ("article_id", "url", "path")]
    path = str(article.get("path") or "")
    if path:
        keys.append(PurePath(path).name)
    return [k for k in keys if k]


def slug(text: str, limit: int = 60) -> str:
    """A lower-case ASCII slug of ``text`` cut at a word boundary, or "story"."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", text)
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}-{w}" if out else w
    return out or "story"


def _text(article: dict) -> str:
    return f"{article.get('title') or ''}\n{article.get('text') or ''}"


def article_similarity(articles: list[dict]):
    """Sparse pairwise cosine of the articles' titles + texts (TF-IDF of content words)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pipeline.compare import analyze_words

    texts = [_text(a) for a in articles]
    try:
        matrix = TfidfVectorizer(analyzer=analyze_words, sublinear_tf=True, min_df=1).fit_transform(texts)
    except ValueError:  # no content words at all
        from scipy.sparse import csr_matrix

        return csr_matrix((len(articles), len(articles)))
    return (matrix @ matrix.T).tocsr()


def group_articles(articles: list[dict], threshold: float) -> list[list[int]]:
    """Groups (index lists, each sorted) of articles whose texts are similar: connected components of
    the graph 'cosine >= threshold', split by average link. Deterministic; groups in order of their
    first article."""
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    from pipeline.compare import average_link

    n = len(articles)
    if n == 0:
        return []
    sim = article_similarity(articles)
    graph = sim.multiply(sim >= threshold)
    _, labels = connected_components(graph, directed=False)
    components: dict[int, list[int]] = {}
    for i, label in enumerate(np.asarray(labels).tolist()):
        components.setdefault(label, []).append(i)
    groups = []
    for members in components.values():
        if len(members) == 1:
            groups.append(members)
            continue
        dense = sim[members][:, members].toarray()
        local = average_link(list(range(len(members))), dense, [str(i) for i in range(len(members))], threshold)
        groups.extend([members[i] for i in g] for g in local)
    return sorted((sorted(g) for g in groups), key=lambda g: g[0])


def story_label(article: dict) -> str:
    """What an automatic story is named after: the article's title, else its first line (a headline,
    cut to about 70 characters at a word), else its source, else its id."""
    title = " ".join(str(article.get("title") or "").split())
    if title:
        return title
    for line in str(article.get("text") or "").splitlines():
        line = " ".join(line.split()).strip(" -–—|:")
        if len(re.findall(r"\w+", line)) >= 3:
            if len(line) > 70:
                line = line[:70].rsplit(" ", 1)[0] + "…"
            return line
    return str(article.get("source") or article.get("article_id") or "")


def _representative(group: list[dict]) -> dict:
    """The article a story is named after: journal, press release, news...; titled first; then input order."""
    return min(enumerate(group), key=lambda ia: (KIND_RANK.get(ia[1].get("kind"), 5), not ia[1].get("title"),
                                                 not ia[1].get("text"), ia[0]))[1]


def assign_stories(articles: list[dict], *, manifest: dict[str, str] | None = None,
                   threshold: float = DEFAULT_THRESHOLD) -> dict[str, str]:
    """``{article_id: story}`` for every article: manifest, else its own ``story``, else automatic.

    A ``--reference`` article (``meta.reference``) with no story of its own joins the story of the
    article most similar to it, so the original source is compared with its coverage even when the
    two are worded far apart.
    """
    from pipeline.evidence import is_reference_article

    manifest = manifest or {}
    story_of: dict[str, str] = {}
    loose, loose_refs = [], []
    for a in articles:
        aid = str(a.get("article_id"))
        named = next((manifest[k] for k in _keys(a) if k in manifest), None) or str(a.get("story") or "")
        if named:
            story_of[aid] = named
        elif is_reference_article(a):
            loose_refs.append(a)
        else:
            loose.append(a)
    if loose:
        used = set(story_of.values())
        for group in group_articles(loose, threshold):
            members = [loose[i] for i in group]
            base = slug(story_label(_representative(members)))
            name, k = base, 2
            while name in used:
                name, k = f"{base}-{k}", k + 1
            used.add(name)
            for a in members:
                story_of[str(a.get("article_id"))] = name
    others = [a for a in articles if not is_reference_article(a)]
    for ref in loose_refs:
        if others:
            sim = article_similarity([ref] + others).toarray()[0, 1:]
            best = max(range(len(others)), key=lambda i: (float(sim[i]), -i))
            story_of[str(ref.get("article_id"))] = story_of[str(others[best].get("article_id"))]
        else:
            story_of[str(ref.get("article_id"))] = slug(story_label(ref))
    return story_of


def apply_stories(articles: list[dict], claims: list[dict], story_of: dict[str, str]) -> None:
    """Set ``story`` on the articles and their claims (in place)."""
    for a in articles:
        a["story"] = story_of.get(str(a.get("article_id")), a.get("story") or "")
    for c in claims:
        aid = str(c.get("article_id"))
        if aid in story_of:
            c["story"] = story_of[aid]


def story_threshold(params: dict | None) -> float:
    from pipeline.settings import DEFAULTS

    section = ((params or {}).get("compare") or {})
    return float(section.get("story_threshold", DEFAULTS["compare"].get("story_threshold", DEFAULT_THRESHOLD)))
