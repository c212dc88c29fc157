"""Property-based tests: arbitrary bytes, text and HTML never crash ingest or extraction.

Only ``InputError`` (a clean "skipped: reason") may come out of the readers; every claim's offsets
slice back to its text, and every cue's offsets slice back to the cue's words.
"""

from __future__ import annotations

import json
import os
import tempfile

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.ingest import iter_inputs
from pipeline.records import Article, Skipped
from pipeline.textfile import decode_bytes, layout_text, parse_text
from pipeline.webpage import parse_html

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PARAMS = {"ingest": {"max_bytes": 200_000, "fetch_timeout": 1, "fetch_max_bytes": 1000}}

# Words that make sentences look like claims (so extraction has work to do), plus layout and hazards.
WORDS = [
    "Coffee", "may", "reduce", "reduces", "the", "risk", "of", "heart", "disease", "cancer", "a", "study",
    "found", "linked", "to", "was", "associated", "with", "lower", "blood", "pressure", "in", "mice",
    "researchers", "said", "suggests", "proves", "cures", "according", "Dr.", "Smith", "trial", "observational",
    "randomised", "people", "who", "eat", "kale", "daily", "10%", "2.5", "mg", "per", "day", "U.S.", "e.g.",
    "might", "causes", "prevents", "improves", "memory", "older", "adults", "however", "not",
    ".", ",", ":", ";", "!", "?", "\u2014", "\u201c", "\u201d", "'", '"', "(", ")", "-", "- ", "\n", "\n\n", "\n- ",
    "\t", "\u00a0", "\u200b", "\u00ad", "\ufeff", "\u2028", "\r\n", "\x0c", "\x00", "\ud800",
    "<p>", "</p>", "&amp;", "&lt;script&gt;", "caf\u00e9", "\u0130", "\ufb01", "\U0001f600", "e\u0301",
]
words = st.one_of(st.sampled_from(WORDS), st.text(max_size=6))
prose = st.lists(words, max_size=80).map(lambda ws: " ".join(ws))
# Claim-shaped sentences (subject, verb, object, tail) with hazards mixed in, so extraction finds claims.
SUBJECTS = ["Coffee", "Drinking green tea", "The new drug", "A daily walk", "Eating kale", "Vitamin D"]
VERBS = ["may reduce", "reduces", "cures", "is linked to", "was associated with", "prevents", "could cause",
         "did not lower", "suggests a drop in", "proves to cut"]
OBJECTS = ["the risk of heart disease", "blood pressure in older adults", "memory loss in mice", "cancer",
           "10% of deaths", "2.5 mg of cholesterol per day"]
TAILS = [".", ", a study found.", ", researchers said.", ", according to Dr. Smith.", " in a small trial.",
         "!", ":\n- in men,\n- in women.", " \u2014 in people who eat kale daily."]
sentence = st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(VERBS), st.sampled_from(OBJECTS),
                     st.sampled_from(TAILS), st.lists(st.tuples(st.integers(0, 12), words), max_size=3)).map(
    lambda t: _insert(f"{t[0]} {t[1]} {t[2]}{t[3]}".split(" "), t[4]))


def _insert(tokens, hazards):
    for pos, word in hazards:
        tokens.insert(min(pos, len(tokens)), word)
    return " ".join(tokens)


claimy = st.lists(sentence, min_size=1, max_size=6).flatmap(
    lambda ss: st.lists(st.sampled_from([" ", "\n", "\n\n", "\n\n- "]), min_size=len(ss), max_size=len(ss)).map(
        lambda seps: "".join(s + sep for s, sep in zip(ss, seps))))

# HTML: a tag soup of nested elements, attributes, stray closing tags, comments and entities.
TAGS = ["p", "div", "article", "main", "section", "span", "a", "b", "h1", "h2", "ul", "ol", "li", "br", "table",
        "tr", "td", "blockquote", "script", "style", "title", "head", "body", "html", "nav", "footer", "mark",
        "meta", "link", "img", "iframe", "noscript", "pre", "code", "svg", "math", "template", "textarea"]
ATTRS = ["class", "id", "onclick", "href", "src", "property", "content", "rel", "charset", "type", "style"]
VALUES = ["cookie-banner", "og:site_name", "og:title", "canonical", "javascript:alert(1)", "https://e.example/a",
          "application/ld+json", "content", "nav", "x\" onerror=\"alert(1)", "", "utf-8"]
attr = st.tuples(st.sampled_from(ATTRS), st.one_of(st.sampled_from(VALUES), st.text(max_size=8))).map(
    lambda kv: f' {kv[0]}="{kv[1]}"')
leaf = st.one_of(
    prose,
    sentence,
    st.sampled_from(["<!-- c -->", "<![CDATA[x]]>", "&nbsp;", "&#0;", "&#x110000;", "</td></table></mark>",
                     "<", ">", "&", "<?xml version='1.0'?>", "<!doctype html>", "</p>", "<br/>",
                     '{"@type": "NewsArticle"}']),
)


def _element(children):
    return st.tuples(st.sampled_from(TAGS), st.lists(attr, max_size=3), st.lists(children, max_size=4),
                     st.booleans()).map(
        lambda t: f"<{t[0]}{''.join(t[1])}>{''.join(t[2])}" + (f"</{t[0]}>" if t[3] else ""))


html_soup = st.recursive(leaf, _element, max_leaves=40).map(lambda s: s)
html_doc = st.tuples(st.lists(attr, max_size=2), html_soup, html_soup).map(
    lambda t: f"<html><head><title>{t[1][:40]}</title></head><body{''.join(t[0])}><article>{t[2]}</article></body></html>")
any_html = st.one_of(html_soup, html_doc)


def check_article(article):
    assert isinstance(article, Article)
    text = article.text
    assert text and text == text.strip()
    assert "\r" not in text and "\n\n\n" not in text
    for line in text.split("\n"):
        assert line == line.strip()  # no stray indentation or trailing spaces
    assert text.encode("utf-8")  # no lone surrogates
    assert isinstance(article.title, str) and "\n" not in article.title
    json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")


def attempt(fn, *args, **kwargs):
    """Call ``fn``; an InputError is fine (the input is skipped), anything else fails the test."""
    try:
        result = fn(*args, **kwargs)
    except InputError as exc:
        assert exc.reason and isinstance(exc.reason, str)
        return None
    check_article(result)
    return result


# --------------------------------------------------------------------- ingest


@SETTINGS
@given(data=st.binary(max_size=600), html=st.booleans(),
       declared=st.sampled_from(["", "utf-8", "latin-1", "shift_jis", "utf-16", "no-such-codec", "cp1252"]))
@example(data=b"\xff\xfe\x00", html=False, declared="")
@example(data=b"<meta charset=utf-32>\xe9t\xe9", html=True, declared="")
def test_decode_bytes_never_crashes(data, html, declared):
    try:
        text = decode_bytes(data, "x", declared=declared, html=html)
    except InputError as exc:
        assert exc.reason == "binary file, not text"
        return
    assert isinstance(text, str)


@SETTINGS
@given(text=st.one_of(prose, st.text(max_size=400)), markdown=st.booleans())
@example(text="---\ntitle: T\n---\n", markdown=True)
@example(text="# \n\n- \n\n===", markdown=True)
@example(text="Title\n\n\u2028\u2029\x85", markdown=False)
def test_parse_text_returns_article_or_input_error(text, markdown):
    attempt(parse_text, text, path="a.md" if markdown else "a.txt", markdown=markdown)


@SETTINGS
@given(html=any_html)
@example(html="<html><body>" + "<div>" * 300 + "Coffee may reduce the risk of heart disease, a study found.")
@example(html="<title>x</title><meta property='og:site_name' content='</td></table><script>'>")
def test_parse_html_returns_article_or_input_error(html):
    attempt(parse_html, html, path="page.html")


@SETTINGS
@given(files=st.lists(st.tuples(st.sampled_from([".txt", ".md", ".html", ".htm", ".jsonl"]),
                                st.one_of(st.binary(max_size=300), st.one_of(prose, any_html).map(
                                    lambda s: s.encode("utf-8", "surrogatepass")))),
                      max_size=4))
def test_iter_inputs_on_arbitrary_files_yields_articles_or_skips(files):
    with tempfile.TemporaryDirectory() as folder:
        for i, (suffix, data) in enumerate(files):
            with open(os.path.join(folder, f"f{i}{suffix}"), "wb") as fh:
                fh.write(data)
        results = list(iter_inputs([folder], params=PARAMS))
    for item in results:
        if isinstance(item, Skipped):
            assert item.reason and item.path.startswith(folder)
        else:
            check_article(item)
    paths = {item.path.split(":")[0] if isinstance(item, Skipped) else item.path for item in results}
    assert len(paths) <= len(files)


json_value = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                    prose, st.text(max_size=20)),
                          lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                 st.dictionaries(st.text(max_size=5), kids, max_size=3)),
                          max_leaves=10)
jsonl_record = st.fixed_dictionaries({}, optional={
    "text": st.one_of(prose, any_html, json_value), "id": json_value, "title": json_value,
    "source": json_value, "url": json_value, "kind": st.one_of(st.sampled_from(["news", "blog", "NEWS", "x"]),
                                                              json_value),
    "story": json_value, "published": json_value})
jsonl_line = st.one_of(jsonl_record.map(json.dumps), json_value.map(json.dumps), st.text(max_size=30))


@SETTINGS
@given(lines=st.lists(jsonl_line, max_size=6))
def test_jsonl_lines_each_yield_an_article_or_a_skip(lines):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "batch.jsonl")
        with open(path, "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write("\n".join(lines))
        results = list(iter_inputs([path], params=PARAMS))
    assert results
    for item in results:
        if isinstance(item, Article):
            check_article(item)
            assert item.path == "batch.jsonl" and isinstance(item.meta["line"], int)  # no machine folders
        else:
            assert item.path == path or item.path.startswith(path + ":")


# --------------------------------------------------------------------- extraction


def check_claims(article, claims):
    text = article.text
    for claim in claims:
        segments = claim["segments"]
        assert " ".join(text[s:e] for s, e in segments) == claim["text"]
        assert all(0 <= s < e <= len(text) for s, e in segments)
        start, end = claim["start_char"], claim["end_char"]
        assert 0 <= start < end <= len(text)
        assert text[start:end] in claim["text"]
        for cue in claim["cues"]:
            assert text[cue["start_char"]:cue["end_char"]] == cue["text"]
            assert any(s <= cue["start_char"] and cue["end_char"] <= e for s, e in segments)
        for number in claim["numbers"]:
            assert text[number["start_char"]:number["end_char"]] == number["text"]
        if claim["lead_in"]:
            assert claim["text"].startswith(claim["lead_in"] + " ")
        json.dumps(claim, ensure_ascii=False).encode("utf-8")
    assert len({c["claim_id"] for c in claims}) == len(claims)
    assert [c["sentence_index"] for c in claims] == list(range(len(claims)))


EXTRACT_SETTINGS = settings(max_examples=50, deadline=None,
                            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@EXTRACT_SETTINGS
@given(raw=st.lists(st.one_of(claimy, prose), min_size=1, max_size=4))
@example(raw=["Coffee may reduce the risk of heart disease , a study found .",
              "Researchers said people should :\n- eat kale daily ,\n- lower blood pressure in older adults ."])
def test_extraction_offsets_always_slice_back(nlp, raw):
    from pipeline.extract import iter_extracted

    articles = []
    for i, chunk in enumerate(raw):
        text = layout_text(chunk, markdown=bool(i % 2))
        assume(text)
        articles.append(Article(article_id=f"a{i}", text=text, source="s"))
    results = list(iter_extracted(articles, nlp=nlp))
    assert [a.article_id for a, _ in results] == [a.article_id for a in articles]
    for article, claims in results:
        check_claims(article, claims)


@EXTRACT_SETTINGS
@given(html=html_doc)
def test_pages_to_claims_end_to_end(nlp, html):
    from pipeline.extract import iter_extracted

    article = attempt(parse_html, html, path="page.html")
    assume(article is not None)
    [(_, claims)] = list(iter_extracted([article], nlp=nlp))
    check_claims(article, claims)


@pytest.mark.parametrize("text", [
    "Coffee may reduce the risk of heart disease, a study found.\n\nIt cures cancer in mice, researchers said.",
    "Doctors advise that people should:\n\n- eat kale daily to lower blood pressure,\n- walk every day.",
])
def test_known_claims_slice_back(nlp, text):
    from pipeline.extract import iter_extracted

    article = Article(article_id="k", text=text, source="s")
    [(_, claims)] = list(iter_extracted([article], nlp=nlp))
    assert claims
    check_claims(article, claims)


@EXTRACT_SETTINGS
@given(raw=st.lists(st.one_of(claimy, prose), min_size=1, max_size=4))
@example(raw=["Kale is tasty .\n\nPeople said :\n- it may reduce the risk of heart disease ,\n- it cures cancer ."])
def test_selective_first_pass_finds_the_same_claims_as_the_full_pass(nlp, raw):
    """`run` parses only the regions that can hold claims (pipeline.firstpass): same claims, same offsets."""
    from pipeline.extract import iter_extracted
    from pipeline.firstpass import iter_extracted_selective

    texts = [layout_text(chunk, markdown=bool(i % 2)) for i, chunk in enumerate(raw)]
    articles = [Article(article_id=f"a{i}", text=text, source="s") for i, text in enumerate(texts) if text]
    assume(articles)
    full = list(iter_extracted(articles, nlp=nlp))
    selective = list(iter_extracted_selective(articles, nlp=nlp))
    assert [a.article_id for a, _ in selective] == [a.article_id for a in articles]
    for (article, claims), (_, expected) in zip(selective, full):
        check_claims(article, claims)
        assert claims == expected


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.lists(claimy, min_size=8, max_size=30).map(" ".join))
def test_long_articles_cut_into_pieces_still_slice_back(nlp, raw):
    """Texts longer than nlp.max_length are parsed in pieces (cut at blank lines, else lines, else
    spaces): offsets must still index the whole text. A small max_length makes the pieces small."""
    from pipeline.extract import iter_extracted
    from pipeline.firstpass import iter_extracted_selective

    text = layout_text(raw)
    assume(len(text) > 1500)
    article = Article(article_id="long", text=text, source="s")
    saved = nlp.max_length
    nlp.max_length = 1001
    try:
        for extract in (iter_extracted, iter_extracted_selective):
            [(_, claims)] = list(extract([article], nlp=nlp))
            check_claims(article, claims)
    finally:
        nlp.max_length = saved


@SETTINGS
@given(lines=st.lists(jsonl_line, min_size=1, max_size=6), crlf=st.booleans())
def test_big_jsonl_read_line_by_line_gives_what_a_small_one_gives(lines, crlf):
    """A JSONL file over ingest.max_bytes is streamed line by line: same articles and skips as when read whole."""
    data = ("\r\n" if crlf else "\n").join(lines).encode("utf-8", "surrogatepass")
    assume(b"\x00" not in data)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "batch.jsonl")
        with open(path, "wb") as fh:
            fh.write(data)
        whole = list(iter_inputs([path], params={"ingest": {**PARAMS["ingest"], "max_bytes": len(data) + 10}}))
        longest = max(len(line) for line in data.split(b"\n"))
        streamed = list(iter_inputs([path], params={"ingest": {**PARAMS["ingest"],
                                                               "max_bytes": max(longest + 2, len(data) - 1)}}))
    assume(len(data) > max(longest + 2, len(data) - 1))  # the second read really streamed
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return  # lone surrogates: the whole-file reader falls back to cp1252, the stream replaces
    if not any(isinstance(r, Article) for r in whole) and all(isinstance(r, Skipped) for r in whole) \
            and len(whole) == 1 and whole[0].path == path:
        return  # "empty file (no JSON lines)": said once for the file, not per line
    assert [r.to_dict() for r in streamed] == [r.to_dict() for r in whole]
