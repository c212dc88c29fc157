"""A web page's HTML as an Article: trafilatura finds the main text, we lay it out and read the metadata."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urljoin, urlsplit

from pipeline.errors import InputError
from pipeline.records import Article
from pipeline.textfile import article_id, default_source, join_blocks, same_text, url_host

# libxml2 stops building the tree at 256 levels and silently drops what lies deeper.
_DEPTH_LIMIT = 250
# Bounded work per page, checked before parsing. libxml2 compares each attribute of a tag with the
# ones before it (16,000 attributes on one tag took 3 s to parse, 100,000 took 7 minutes), and the
# extraction takes about 0.1 ms a tag; real pages stay far below these.
MAX_TAGS = 100_000
MAX_ATTRIBUTES = 300_000
MAX_TAG_ATTRIBUTES = 256
# A start tag and its attributes as an HTML5 tokenizer (libxml2 2.14) reads them: names end at a
# blank, "/", ">" or "=" (but may start with "="), a value follows "=" and is quoted only right
# after it (a quoted value may hold ">").
_ATTRIBUTE = r"""[\s/]*(?:[^\s/>][^\s/>=]*)(?:\s*=\s*(?:"[^"]*"?|'[^']*'?|[^\s>]*))?"""
_START_TAG = re.compile(rf"<[A-Za-z][^\s/>]*((?:{_ATTRIBUTE})*)")
_ATTRIBUTES = re.compile(_ATTRIBUTE)
# Wrapper tags removed when a page is nested too deeply; they carry no text of their own.
_WRAPPERS = re.compile(r"</?(?:div|span|section|font|center|table|tbody|thead|tr|td|th)\b[^>]*>", re.I)
_DOCUMENT = re.compile(r"<(?:html|body)\b", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # lxml refuses them in str input
_LB = "\x1e"  # marks a <br> in extracted text until _paragraphs decides what it means
_MIN_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?:;][\"'\u201d\u2019)]*$|[\u201d\"]$")
_BR_BULLET = re.compile(r"^(?:[-*\u2022\u25aa\u25cf\u00b7\u2013]|\d{1,2}[.)])\s+(?=\S)")

# Furniture trafilatura sometimes leaves inside the body.
_FURNITURE_LEAD = re.compile(
    r"^(?:read more|read next|related(?: stories| articles| content| reading)?|see also|also read"
    r"|more on this story|recommended(?: for you)?|you (?:may|might) also like)\s*[:\-\u2013\u2014|\u00bb\u203a]",
    re.I,
)
_FURNITURE_LINES = {
    "advertisement", "advert", "sponsored", "sponsored content", "story continues below advertisement",
    "continue reading below", "share this article", "share this story",
}


def _class_or_id_has(word: str) -> str:
    lower = "translate({},'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
    return f"contains({lower.format('@class')},'{word}') or contains({lower.format('@id')},'{word}')"


# Removed before extraction: on a page with no article, trafilatura's fallback would return them.
# Banners are matched only when small, since some sites flag a whole-page wrapper "has-cookie-banner".
_PRUNE = [
    "//body//nav",
    "//body//footer",
    "//body//*[@role='navigation' or @role='contentinfo']",
    "//body//*[(" + _class_or_id_has("cookie") + " or " + _class_or_id_has("consent") + ")"
    " and string-length(normalize-space(.)) < 1000]",
]

_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-\u2013\u2014\u00b7]|::)\s+")

_LD_KINDS = {
    "scholarlyarticle": "journal",
    "medicalscholarlyarticle": "journal",
    "blogposting": "blog",
    "blog": "blog",
    "pressrelease": "press_release",
}


def parse_html(html: str, *, path: str = "", url: str = "") -> Article:
    """The article in ``html``: body text in the article layout plus metadata.

    ``path`` is the input as given (also the source of last resort, its stem);
    ``url`` is where the page came from, if fetched. Raises InputError if there is no article text.
    """
    where = path or url or "<html>"
    check_size(html, where)
    html = _BAD_CHARS.sub(" ", _XML_DECL.sub("", html.lstrip("\ufeff"), count=1))
    if not _DOCUMENT.search(html):
        html = f"<html><body>{html}</body></html>"  # trafilatura gives up on bare fragments
    tree = _parse(html, where)
    if _depth(tree) >= _DEPTH_LIMIT:
        html = _WRAPPERS.sub(" ", html)
        tree = _parse(html, where)
        if _depth(tree) >= _DEPTH_LIMIT:
            raise InputError(where, f"HTML is nested more than {_DEPTH_LIMIT} levels deep; cannot read the article")
    head = _head_metadata(tree, url)
    doc = _extract(html, where, url)
    if doc is None or doc.body is None:
        raise InputError(where, "no article text found in the page")

    # Not trafilatura's title first: it cuts "Covid-19 - what we know" to "Covid-19".
    title = head["og_title"] or head["title"] or head["h1"] or " ".join((doc.title or "").split())
    title = _without_site_name(title, head["site_name"], head["h1"])
    blocks = _drop_furniture(_body_blocks(doc.body))
    # The headline usually opens the body too; it belongs in ``title`` only.
    for i, (_, text) in enumerate(blocks[:2]):
        if any(same_text(text, t) for t in (title, doc.title or "", head["h1"])):
            del blocks[i]
            break
    text = join_blocks(blocks)
    if len(text.split()) < _MIN_WORDS:
        raise InputError(where, "no article text found in the page")

    page_url = head["url"] or (url if url_host(url) else "")
    source = head["site_name"] or default_source(path, page_url)
    return Article(
        article_id=article_id(source, title, text),
        text=text,
        title=title,
        source=source,
        url=page_url,
        path=path,
        # A date the page declares wins, even when invalid; htmldate would "repair" it into a guess.
        published=_iso_date(head["published"]) if head["published"] else _iso_date(doc.date or ""),
        kind=head["kind"],
        meta={"format": "html"},
    )


def check_size(html: str, where: str = "<html>") -> None:
    """InputError if ``html`` has more tags or attributes than a page is allowed (see MAX_TAGS):
    one cheap pass over the text, so a hostile page cannot hold the run for minutes."""
    tags = attributes = 0
    for match in _START_TAG.finditer(html):
        tags += 1
        if tags > MAX_TAGS:
            raise InputError(where, f"too many HTML tags (more than {MAX_TAGS}); not read")
        rest = match.group(1)
        if len(rest) > 1:
            n = sum(1 for _ in _ATTRIBUTES.finditer(rest))
            if n > MAX_TAG_ATTRIBUTES:
                raise InputError(where, f"an HTML tag with {n} attributes (the limit is {MAX_TAG_ATTRIBUTES}); not read")
            attributes += n
    if attributes > MAX_ATTRIBUTES:
        raise InputError(where, f"too many HTML attributes ({attributes}; the limit is {MAX_ATTRIBUTES}); not read")


def _parse(html: str, where: str):
    import lxml.etree
    import lxml.html

    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):  # "Document is empty" and the like
        raise InputError(where, "no article text found in the page") from None


def _depth(tree) -> int:
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _extract(html: str, where: str, url: str):
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            html,
            url=url or None,
            include_comments=False,
            include_tables=False,  # data tables are not sentences; layout tables still yield their text
            include_images=False,
            include_links=False,
            with_metadata=True,
            prune_xpath=_PRUNE,
            # Extensive search guesses dates from body text and copyright lines; keep declared dates only.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # noqa: BLE001 - a heuristic library failing on one odd page is that page's problem
        raise InputError(where, f"cannot extract the article ({type(exc).__name__}: {exc})") from None


# --- body ------------------------------------------------------------------


def _inline(el) -> str:
    """Text of an element; <lb/> as a marker, nested lists left to the caller."""
    parts = [el.text or ""]
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "lb":
            parts.append(_LB)
        elif tag in ("list", "table", "graphic"):
            pass
        elif tag in ("p", "head", "quote"):
            parts.append(" " + _inline(child) + " ")
        elif tag:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _paragraphs(raw: str, out: list) -> None:
    """Prose with <br> markers as blocks.

    trafilatura turns <br><br> inside a <p> into a single break, so a break after a sentence end
    starts a new paragraph, other breaks are spaces (a wrapped sentence stays whole), and a
    segment opening with a bullet ("- ", "• ", "1. ") is a list item.
    """
    blocks: list[list[str]] = []
    fresh = True
    for segment in raw.split(_LB):
        segment = segment.strip()
        if not segment:
            fresh = True  # two breaks in a row
            continue
        bullet = _BR_BULLET.match(segment)
        if bullet:
            blocks.append(["li", segment[bullet.end():]])
        elif blocks and blocks[-1][0] == "p" and not fresh and not _SENTENCE_END.search(blocks[-1][1]):
            blocks[-1][1] += " " + segment
        else:
            blocks.append(["p", segment])
        fresh = False
    out.extend(tuple(b) for b in blocks)


def _body_blocks(body) -> list[tuple[str, str]]:
    """trafilatura's XML body as ``[(kind, text)]`` with kind "h", "p" or "li" (nested lists flattened)."""
    out: list[tuple[str, str]] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "head":
            out.append(("h", _inline(el).replace(_LB, " ")))
        elif tag == "list":
            for child in el:
                if child.tag == "item":
                    out.append(("li", _inline(child).replace(_LB, " ")))
                    for sub in child:
                        if sub.tag == "list":
                            walk(sub)
                else:
                    walk(child)
        elif tag in ("table", "graphic"):
            pass
        elif any(isinstance(c.tag, str) and c.tag in ("p", "head", "list", "quote", "div") for c in el):
            container(el)
        elif tag:
            _paragraphs(_inline(el), out)

    def container(el) -> None:
        _paragraphs(el.text or "", out)
        for child in el:
            walk(child)
            _paragraphs(child.tail or "", out)

    container(body)
    return out


def _drop_furniture(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Without "Read more: ..." lines (and a link list they introduce) and lone "Advertisement" labels."""
    kept: list[tuple[str, str]] = []
    skipping_list = False
    for kind, text in blocks:
        line = " ".join(text.split())
        if kind == "li" and skipping_list:
            continue
        skipping_list = False
        if kind != "li" and (_FURNITURE_LEAD.match(line) or line.casefold().rstrip(":") in _FURNITURE_LINES):
            skipping_list = line.endswith(":")
            continue
        kept.append((kind, text))
    return kept


# --- metadata --------------------------------------------------------------


def _head_metadata(tree, url: str) -> dict:
    """title, h1, site_name, url, published, kind from meta tags, canonical link and JSON-LD."""
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            metas.setdefault(key, content)
    canonical = ""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            try:
                canonical = urljoin(url, canonical) if url else canonical
            except ValueError:
                canonical = ""
            break
    ld = list(_json_ld(tree))

    def text_of(tag: str) -> str:
        el = next(tree.iter(tag), None)
        return " ".join(el.text_content().split()) if el is not None else ""

    page_url = next((u for u in (canonical, metas.get("og:url", "")) if url_host(u)), "")
    published = metas.get("article:published_time") or metas.get("datepublished") or ""
    if not published:
        published = next((str(d["datePublished"]) for d in ld if d.get("datePublished")), "")
    return {
        "og_title": " ".join(metas.get("og:title", "").split()),
        "title": text_of("title"),
        "h1": text_of("h1"),
        "site_name": " ".join(metas.get("og:site_name", "").split()),
        "url": page_url,
        "published": published.strip(),
        "kind": _kind(ld, metas, page_url or url),
    }


def _without_site_name(title: str, site_name: str, h1: str) -> str:
    """"Headline | Site" -> "Headline": keep the part equal to the h1, or drop the part equal to the site."""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    for part in parts:
        # Some sites mark up their logo as the h1: the site name is never the headline.
        if same_text(part, h1) and not same_text(part, site_name):
            return part
    kept = [part for part in parts if not same_text(part, site_name)]
    return " - ".join(kept) if kept and len(kept) < len(parts) else title


def _json_ld(tree):
    """Every JSON-LD object on the page, including those in lists and @graph."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # broken JSON-LD is common and never fatal
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])


# press offices name themselves in author / publisher meta tags; their pages live under such paths
_PRESS_NAME = re.compile(r"\bpress[ -]?(?:office|release|releases|room|team|desk)\b|\bnews ?room\b|"
                         r"\bmedia (?:relations|office|centre|center|team)\b|\bpublic (?:affairs|relations) office\b",
                         re.I)
_PRESS_PATH = re.compile(r"/(?:news|press|media)[-_]?releases?(?:/|$)|/press[-_]?room(?:/|$)|/newsroom/"
                         r"|/press[-_]?office(?:/|$)|/pressreleases?(?:/|$)", re.I)


def _is_press_release(metas: dict, url: str) -> bool:
    if "press" in metas.get("og:type", "").lower():
        return True
    for key in ("author", "article:author", "article:publisher", "publisher", "dc.publisher", "dc.creator"):
        if _PRESS_NAME.search(metas.get(key, "")):
            return True
    try:
        path = urlsplit(url).path if url else ""
    except ValueError:
        return False
    return _PRESS_PATH.search(path) is not None


def _kind(ld: list[dict], metas: dict, url: str = "") -> str:
    """JSON-LD type (an explicit journal/blog/press-release type first), citation meta tags, press
    office hints (author/publisher meta, og:type, URL path: press offices often mark their releases
    up as NewsArticle), og:type blog, else news."""
    news = False
    for item in ld:
        types = item.get("@type")
        for name in types if isinstance(types, list) else [types]:
            name = str(name or "").lower()
            if name.endswith("newsarticle"):
                news = True
                break
            if name in _LD_KINDS:
                return _LD_KINDS[name]
        if news:
            break
    if not news and ("citation_journal_title" in metas or "citation_doi" in metas):
        return "journal"
    if _is_press_release(metas, url):
        return "press_release"
    if news:
        return "news"
    return "blog" if metas.get("og:type", "").lower() == "blog" else "news"


def _iso_date(value: str) -> str:
    """"YYYY-MM-DD" from an ISO-like date or datetime, else ""."""
    match = re.match(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value or "")
    if not match:
        return ""
    try:
        return dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return ""
