"""The static HTML report: content, escaping, offsets, determinism."""

import json
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest

from pipeline.errors import InputError
from pipeline.report import CSP, _cues_in_claim_text, csp, json_for_html, read_side_file, review_script, safe_url, write_report

FIXTURES = Path(__file__).parent / "fixtures" / "report"
HOSTILE = '<script>alert(1)</script>'
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def load_fixture():
    claims = [json.loads(line) for line in (FIXTURES / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    articles, skipped = read_side_file(FIXTURES / "claims.articles.jsonl")
    return claims, articles, skipped


def hostile_inputs():
    """An article whose every field tries to break out of the HTML."""
    sentence = f'Doctors say {HOSTILE} " onmouseover="x </td></table> cures everything.'
    text = f"{sentence}\n\nA second <b>bold</b> claim may help.\n\n- <img src=x onerror=alert(1)> item"
    title = f'{HOSTILE}" onmouseover="x'
    source = "</td></table><script>alert(2)</script>"
    article = {"article_id": "evil", "text": text, "title": title, "source": source, "url": "javascript:alert(1)",
               "path": "/home/alice/private/evil.html", "published": "", "kind": "blog", "story": "", "meta": {}}
    s2 = text.index("A second")
    e2 = text.index("\n\n- ")
    s3 = e2 + 4
    common = {"article_id": "evil", "source": source, "title": title, "url": "javascript:alert(1)", "kind": "blog",
              "story": "", "path": article["path"], "proba": {"hedged": 0.1, "supported": 0.1, "overstated": 0.8}}
    claims = [
        {**common, "claim_id": "e1", "text": sentence, "start_char": 0, "end_char": len(sentence),
         "segments": [[0, len(sentence)]], "sentence_index": 0, "label": "overstated", "strength": 3,
         "cues": [{"label": "attribution", "text": "Doctors say", "start_char": 0, "end_char": 11},
                  {"label": '"><script>', "text": "cures", "start_char": 0, "end_char": 5}]},
        {**common, "claim_id": "e2", "text": text[s2:e2], "start_char": s2, "end_char": e2, "segments": [[s2, e2]],
         "sentence_index": 1, "label": "hedged", "strength": 2, "abstain": True,
         "cues": [{"label": "hedge", "text": "may", "start_char": text.index("may"), "end_char": text.index("may") + 3}]},
        {**common, "claim_id": "e3", "text": text[s3:], "start_char": s3, "end_char": len(text),
         "segments": [[s3, len(text)]], "sentence_index": 2, "label": '"><script>x', "strength": 1, "cues": []},
    ]
    skipped = [{"path": "/home/alice/private/scan.pdf", "reason": f"unreadable {HOSTILE}"}]
    return claims, [article], skipped


class Balance(HTMLParser):
    """Fails on a closing tag that does not match the open one, or on tags left open."""

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def assert_well_formed(html: str):
    parser = Balance()
    parser.feed(html)
    parser.close()
    assert parser.stack == []


def pages(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


@pytest.fixture()
def report(tmp_path):
    claims, articles, skipped = load_fixture()
    index = write_report(claims, articles, skipped, tmp_path / "out")
    return index, claims, articles


def test_read_side_file():
    articles, skipped = read_side_file(FIXTURES / "claims.articles.jsonl")
    assert [a["article_id"] for a in articles] == ["pr-harbor", "news-ledger", "blog-buzz"]
    assert "status" not in articles[0] and articles[0]["text"].startswith("Older adults")
    assert skipped == [{"path": "inputs/scan.pdf", "reason": "not a supported file type (.pdf)"}]


def test_read_side_file_errors(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_side_file(tmp_path / "missing.articles.jsonl")
    bad = tmp_path / "bad.articles.jsonl"
    bad.write_text('{"status": "ok", "article_id": "a", "text": "t"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_side_file(bad)
    bad.write_text('{"status": "maybe"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        read_side_file(bad)


def test_index_has_source_table_chart_and_every_claim(report):
    index, claims, _ = report
    html = index.read_text(encoding="utf-8")
    doc = lxml.html.fromstring(html)
    rows = [[td.text_content().strip() for td in tr.xpath("./td")] for tr in doc.xpath("//table[@class='sources']/tbody/tr")]
    assert rows == [
        ["Harbor Universitypress release", "5", "40%", "60%", "0%", "1.2"],
        ["The Daily Ledgernews", "4", "25%", "25%", "50%", "1.8"],
        ["WellnessBuzzblog", "3", "0%", "0%", "100%", "3.0"],
    ]
    segs = doc.xpath("//svg//rect[contains(@class, 'seg')]")
    assert [(s.get("class"), s.get("data-share")) for s in segs] == [
        ("seg hedged", "0.4000"), ("seg supported", "0.6000"),
        ("seg hedged", "0.2500"), ("seg supported", "0.2500"), ("seg overstated", "0.5000"),
        ("seg overstated", "1.0000")]
    for s in segs:
        assert float(s.get("width")) == pytest.approx(float(s.get("data-share")) * 420, abs=0.01)
        assert s.xpath("./title")  # accessible name per bar
    assert doc.xpath("//svg/title") and doc.xpath("//svg/desc")
    cells = [p.text_content() for p in doc.xpath("//table[contains(@class, 'compare')]//p[@class='ctext']")]
    assert sorted(cells) == sorted(c["text"] for c in claims)
    first_row = doc.xpath("//table[contains(@class, 'compare')]/tbody/tr")[0]
    assert len(first_row.xpath("./td/div[contains(@class, 'claim-cell')]")) == 3  # the shared 20% finding
    assert "not mentioned" in html
    assert doc.xpath("//section[@id='skipped']//li")[0].text_content() == \
        "inputs/scan.pdf: not a supported file type (.pdf)"
    assert len(doc.xpath("//ul[@class='articles']/li")) == 3
    assert_well_formed(html)


def test_article_page_highlights_claims_at_their_offsets(report):
    index, claims, articles = report
    for article in articles:
        html = (index.parent / "articles" / f"{article['article_id']}.html").read_text(encoding="utf-8")
        assert_well_formed(html)
        doc = lxml.html.fromstring(html)
        marks = {m.get("id"): m for m in doc.xpath("//mark[@id]")}
        mine = [c for c in claims if c["article_id"] == article["article_id"]]
        assert len(marks) == len(mine)
        for c in mine:
            mark = marks[f"c-{c['claim_id']}"]
            assert mark.text_content() == article["text"][c["start_char"]:c["end_char"]]
            assert c["label"] in mark.get("class")
            assert f"{c['proba'][c['label']]:.2f}" in mark.get("title")
            for cue in mark.xpath(".//span[contains(@class, 'cue')]"):
                assert cue.text_content() in {x["text"] for x in c["cues"]}
        assert len(doc.xpath("//article//li")) == (2 if article["article_id"] == "pr-harbor" else 0)


def test_same_input_same_bytes_and_no_machine_paths(tmp_path):
    claims, articles, skipped = load_fixture()
    h_claims, h_articles, h_skipped = hostile_inputs()
    args = (claims + h_claims, articles + h_articles, skipped + h_skipped)
    a = pages(write_report(*args, tmp_path / "a").parent)
    b = pages(write_report(*args, tmp_path / "b" / "deeper", params={"compare": {"align_threshold": 0.35}}).parent)
    assert a == b and len(a) == 7  # index, 2 stories, 4 articles
    assert sorted(k for k in a if k.startswith("stories/")) == [
        "stories/script-alert-1-script-onmouseover-x.html", "stories/walking-memory.html"]  # automatic: the title
    for html in a.values():
        for leak in (str(tmp_path), "/home/alice", str(Path.cwd()), str(FIXTURES.parent.parent)):
            assert leak not in html
    assert "<code>scan.pdf</code>" in a["index.html"]


def test_script_is_allowed_only_by_its_hash_and_data_only_as_escaped_json(tmp_path):
    import base64
    import hashlib

    claims, articles, skipped = load_fixture()
    out = write_report(claims, articles, skipped, tmp_path / "out").parent
    for name, html in pages(out).items():
        doc = lxml.html.fromstring(html)
        policy = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
        scripts = doc.xpath("//script")
        if name.startswith("articles/"):
            assert policy == CSP and not scripts
            continue
        code = [s for s in scripts if s.get("type") != "application/json"]
        assert [s.get("id") for s in code] == ["claimcheck-review"] and not code[0].get("src")
        digest = base64.b64encode(hashlib.sha256(code[0].text.encode("utf-8")).digest()).decode()
        assert policy == f"{CSP}; script-src 'sha256-{digest}'" == csp(True)
        assert "unsafe-inline" not in policy.split("script-src")[1] and code[0].text == review_script()[0]
        data = doc.xpath("//script[@type='application/json']")
        assert [d.get("id") for d in data] == ["claimcheck-data"]
        payload = json.loads(data[0].text)
        assert {c["claim_id"] for c in claims} == set(payload["claims"])
        first = payload["claims"][claims[0]["claim_id"]]
        assert first == {"text": claims[0]["text"], "label": claims[0]["label"], "context": claims[0]["context"],
                         "design": claims[0]["design"], "source": claims[0]["source"]}


def test_json_block_cannot_be_broken_out_of():
    hostile = '</script><script>alert(1)</script><!-- \u2028 & "quoted"'
    text = json_for_html({"t": hostile + "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": hostile + "\u2028"}


def test_hostile_story_page_keeps_text_inert(tmp_path):
    claims, articles, skipped = hostile_inputs()
    out = write_report(claims, articles, skipped, tmp_path / "out").parent
    html = (out / "index.html").read_text(encoding="utf-8")  # one story: the comparison is on the index
    doc = lxml.html.fromstring(html)
    assert [s.get("id") for s in doc.xpath("//script")] == ["claimcheck-data", "claimcheck-review"]
    assert html.count("</script>") == 2 and "<script>alert" not in html
    payload = json.loads(doc.xpath("//script[@id='claimcheck-data']")[0].text)
    assert payload["claims"]["e1"]["text"] == claims[0]["text"] and payload["claims"]["e1"]["source"] == claims[0]["source"]
    # a label that is not one of the three is never offered as a choice nor stored as one
    assert payload["claims"]["e3"]["label"] == "unlabelled"
    assert doc.xpath("//div[@class='review-ctl'][@data-claim='e1']//option/@value") == ["", "hedged", "supported"]


def test_hostile_text_is_escaped(tmp_path):
    claims, articles, skipped = hostile_inputs()
    out = write_report(claims, articles, skipped, tmp_path / "out").parent
    for name, html in pages(out).items():
        assert_well_formed(html)
        assert "<script>" not in html and "<img" not in html and "<b>bold" not in html, name
        doc = lxml.html.fromstring(html)
        assert not doc.xpath("//script[not(@id='claimcheck-review') and not(@id='claimcheck-data')] | //img | //iframe"
                             " | //object")
        for el in doc.iter():
            assert not [k for k in el.attrib if k.lower().startswith("on")], (name, el.tag, el.attrib)
        for href in doc.xpath("//@href"):
            assert not href.lower().startswith("javascript"), (name, href)
        assert doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content") == \
            [csp(bool(doc.xpath("//script[@id='claimcheck-review']")))]
    page = lxml.html.fromstring((out / "articles" / "evil.html").read_text(encoding="utf-8"))
    assert page.xpath("//h1")[0].text_content() == claims[0]["title"]
    assert "javascript:alert(1)" in page.xpath("//p[@class='byline']")[0].text_content()  # shown, not linked
    marks = page.xpath("//mark[@id]")
    assert [m.text_content() for m in marks] == [articles[0]["text"][c["start_char"]:c["end_char"]] for c in claims]
    index = lxml.html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    header = index.xpath("//table[contains(@class, 'compare')]/thead/tr/th")
    assert [th.text_content() for th in header][1].startswith(claims[0]["source"])
    for tr in index.xpath("//table[contains(@class, 'compare')]/tbody/tr"):
        assert len(tr.xpath("./td")) == 1  # the </td></table> in the claim did not add or close cells
    assert HOSTILE in index.text_content()


def test_overlapping_and_out_of_range_spans_never_break_html(tmp_path):
    text = "Alpha may cause harm in mice. Beta could help a lot.\n\n- item one\n- item two"
    art = {"article_id": "x/../y", "text": text, "title": "T", "source": "S", "url": "https://e.example/a?b=1&c=2"}
    mk = lambda cid, s, e, cues, i: {"claim_id": cid, "article_id": "x/../y", "source": "S", "text": text[s:e],
                                     "start_char": s, "end_char": e, "segments": [[s, e]], "sentence_index": i,
                                     "label": "hedged", "proba": {"hedged": 0.6}, "strength": 2, "cues": cues}
    cue = lambda label, s, e: {"label": label, "text": text[s:e], "start_char": s, "end_char": e}
    claims = [
        mk("c1", 0, 29, [cue("hedge", 6, 9), cue("causal", 6, 15), cue("causal", 10, 15), cue("booster", 24, 40),
                         cue("hedge", 500, 510)], 0),
        mk("c2", 20, 52, [cue("hedge", 35, 40)], 1),  # overlaps c1
        mk("c3", 56, 64, [], 2),
        mk("c4", 100, 5, [], 3),  # offsets outside the text
    ]
    out = write_report(claims, [art], [], tmp_path / "out").parent
    page_path = out / "articles" / "x_y.html"
    html = page_path.read_text(encoding="utf-8")
    assert_well_formed(html)
    doc = lxml.html.fromstring(html)
    marks = {m.get("id"): m.text_content() for m in doc.xpath("//mark[@id]")}
    assert marks["c-c1"] == text[0:29] and marks["c-c3"] == "item one"
    assert marks["c-c2"] == text[29:52]  # clipped where c1 ends
    assert [li.text_content() for li in doc.xpath("//ol[@class='claim-list']/li/p")] == [""]  # c4 listed aside
    assert 'href="https://e.example/a?b=1&amp;c=2"' in html
    assert_well_formed((out / "index.html").read_text(encoding="utf-8"))


def test_without_side_file_article_pages_list_claims(tmp_path):
    claims, _, _ = load_fixture()
    out = write_report(claims, [], [], tmp_path / "out").parent
    doc = lxml.html.fromstring((out / "articles" / "news-ledger.html").read_text(encoding="utf-8"))
    items = [p.text_content() for p in doc.xpath("//ol[@class='claim-list']/li/p[@class='ctext']")]
    assert items == [c["text"] for c in claims if c["article_id"] == "news-ledger"]
    assert not doc.xpath("//mark")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="skipped"' not in index and "<b>3</b> articles" in index


def test_empty_report(tmp_path):
    html = write_report([], [], [], tmp_path).read_text(encoding="utf-8")
    assert "No claims were found" in html
    assert_well_formed(html)


def test_safe_url():
    assert safe_url(" https://a.example/x ") == "https://a.example/x"
    assert safe_url("HTTP://A.EXAMPLE") == "HTTP://A.EXAMPLE"
    for bad in ("javascript:alert(1)", "data:text/html,x", "/etc/passwd", "file:///x", "https://", "", None):
        assert safe_url(bad) == ""


def test_cues_map_onto_claim_text_with_lead_in():
    text = "Patients reported:\n- Pain may ease quickly"
    item = text.index("Pain")
    may = text.index("may")
    claim = {"text": "Patients reported: Pain may ease quickly", "segments": [[0, 18], [item, len(text)]],
             "cues": [{"label": "hedge", "text": "may", "start_char": may, "end_char": may + 3},
                      {"label": "causal", "text": "ease", "start_char": 999, "end_char": 1003},  # bad offsets
                      {"label": "booster", "text": "cure", "start_char": 1, "end_char": 5}]}  # not in the text
    spans = _cues_in_claim_text(claim)
    assert [claim["text"][s:e] for s, e, _ in spans] == ["may", "ease"]


def test_malformed_claim_fields_do_not_break_the_report_or_the_export(tmp_path):
    from pipeline.claimreview import claim_reviews

    weird = [
        {"claim_id": "a", "article_id": "x", "text": None, "strength": "3", "label": "overstated",
         "quantities": "bad", "number_flags": [1, 2], "cues": [1, {"label": "hedge"}]},
        {"claim_id": "b", "article_id": "x", "text": 12345, "strength": True, "design": None, "source": None},
        {"claim_id": "c", "article_id": "y", "text": "Coffee cuts cancer by 50%.", "strength": 3, "story": None,
         "reference": "Coffee linked to cancer", "reference_strength": "x"},
        {"article_id": None, "text": "A claim without an id doubled the risk.", "strength": 2},
        {"claim_id": "e", "article_id": "y", "text": "x", "strength": 9, "sentence_index": "a", "start_char": "3",
         "segments": "bad"},
    ]
    arts = [{"article_id": "x", "text": None, "title": None, "meta": None, "kind": None},
            {"article_id": "y", "text": "Coffee cuts cancer by 50%.", "published": 12345}]
    index = write_report([dict(c) for c in weird], [dict(a) for a in arts], [], tmp_path / "out")
    assert_well_formed(index.read_text(encoding="utf-8"))
    assert len(claim_reviews([dict(c) for c in weird], arts)["@graph"]) == len(weird)


def test_pages_made_by_forked_processes_are_the_same_bytes(tmp_path):
    claims, articles, skipped = load_fixture()
    h_claims, h_articles, h_skipped = hostile_inputs()
    args = (claims + h_claims, articles + h_articles, skipped + h_skipped)
    one = pages(write_report(*args, tmp_path / "one").parent)
    two = pages(write_report(*args, tmp_path / "two", workers=2).parent)
    assert one == two and len(one) == 7


def test_each_verdict_shows_its_reason_beside_the_badge_escaped(tmp_path):
    claims, articles, skipped = load_fixture()
    claims[0] = dict(claims[0], reason="causal wording (\u2018cuts\u2019) for an observational study")
    claims[1] = dict(claims[1], reason='<b>bold</b> "quoted"')
    out = write_report(claims, articles, skipped, tmp_path / "out").parent
    for name, html in pages(out).items():
        assert "<b>bold" not in html, name
    shown = set()
    for html in pages(out).values():
        doc = lxml.html.fromstring(html)
        shown |= {s.text_content() for s in doc.xpath("//span[@class='reason']")}
        shown |= {m.get("title") for m in doc.xpath("//mark[@title]")}
    assert "causal wording (\u2018cuts\u2019) for an observational study" in shown
    assert any('<b>bold</b> "quoted"' in s for s in shown if s)
