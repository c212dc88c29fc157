"""pipeline.webpage.parse_html on fictional pages, with real trafilatura."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.webpage import parse_html

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

NEWS_BODY = [
    "A short stroll after dinner may help keep blood sugar steadier, according to a new study from "
    "researchers at the fictional Lindqvist Institute.",
    "The team followed 412 adults with prediabetes for twelve weeks and compared those who walked for fifteen "
    "minutes after each main meal with those who walked at other times of day.",
    "It was a small trial.",
    "Participants who walked straight after eating had glucose peaks that were on average 17 percent lower, "
    "the authors reported in the Nordic Journal of Metabolic Health.",
    "What the researchers recommend",
    "Dr Ingrid Solberg, who led the work, said the findings were encouraging but preliminary.",
    "She suggested a few simple habits:",
    "- Walk for ten to fifteen minutes after your largest meal.",
    "- Keep the pace gentle.",
    "- Check with a doctor before starting if you take insulin.",
    'Other experts urged caution. "This does not show that walking prevents diabetes," said Professor Aldo '
    "Ferrante, who was not involved in the research.",
    "The study was funded by the Lindqvist Foundation.",
]
NEWS_FURNITURE = [
    "cookies", "Accept all", "Subscribe today", "Opinion", "Advertisement", "Quillfeather", "Crunchwell",
    "Share on", "Email this story", "Tags:", "Related stories", "coffee in the afternoon", "Standing desks",
    "Comments", "brightside77", "my doctor is amazed", "family group chat", "newsletter", "Copyright",
    "Privacy policy", "Maren Tollefsen", "14 March 2024",
]


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_news_page_keeps_every_body_sentence_and_no_furniture():
    article = parse_html(page("news_page.html"), path="news_page.html")
    for sentence in NEWS_BODY:
        assert sentence in article.text
    for furniture in NEWS_FURNITURE:
        assert furniture not in article.text, furniture


def test_news_page_layout_is_paragraphs_headings_and_list_block():
    text = parse_html(page("news_page.html"), path="news_page.html").text
    blocks = text.split("\n\n")
    assert blocks[0].startswith("A short stroll")  # the headline is not repeated in the body
    assert "What the researchers recommend" in blocks  # heading: its own paragraph, no period added
    lead_in = blocks.index("Dr Ingrid Solberg, who led the work, said the findings were encouraging but "
                           "preliminary. She suggested a few simple habits:")
    assert blocks[lead_in + 1].split("\n") == NEWS_BODY[7:10]
    assert all("\n" not in b for i, b in enumerate(blocks) if i != lead_in + 1)
    assert text == text.strip() and "\n\n\n" not in text and " \n" not in text


def test_news_page_metadata():
    article = parse_html(page("news_page.html"), path="tests/news_page.html")
    assert article.title == "Walking after meals linked to steadier blood sugar"
    assert article.source == "The Harbour Ledger"
    assert article.url == "https://www.harbourledger.example/health/2024/03/walking-after-meals"
    assert article.published == "2024-03-14"
    assert article.kind == "news"
    assert article.path == "tests/news_page.html"
    assert len(article.article_id) == 12 and int(article.article_id, 16) >= 0
    assert parse_html(page("news_page.html"), path="elsewhere.html").article_id == article.article_id


def test_messy_page_lists_quotes_breaks_and_in_body_furniture():
    article = parse_html(page("review_page.html"), path="review_page.html")
    assert article.text.split("\n\n") == [
        # <br> after a sentence end starts a paragraph.
        "Researchers at the fictional Avonlea University pooled thirty-one studies on sleep and recall.",
        "They found that short naps were linked to better recall in older adults.",
        "Key findings",
        "The review listed three main results:",
        "- Naps under thirty minutes improved word recall.\n"
        "- Longer naps showed no benefit.\n"
        "- This held for adults over sixty.\n"
        "- Younger adults were not studied.\n"
        "- Evening caffeine reduced deep sleep.",
        '"Sleep is not a luxury," said lead author Dr Petra Vance.',
        "Folate and B12 matter too.",
        "Both are found in leafy greens.",
        "The authors said more trials are needed.",
    ]
    # <title> minus its " - Site" suffix; no og:site_name and no URL, so the file stem is the source.
    assert article.title == "Sleep and memory: what a new review says"
    assert article.source == "review_page"
    assert article.url == "" and article.published == ""


def test_journal_page_kind_date_and_relative_canonical():
    html = page("journal_page.html")
    article = parse_html(html, path="journal_page.html")
    assert article.title == "Omega-3 supplements and mood in adolescents: a randomised trial"  # <title>, not JSON-LD
    assert article.kind == "journal"  # JSON-LD ScholarlyArticle inside @graph; a broken JSON-LD block is ignored
    assert article.published == "2023-11-02"
    assert article.url == "" and article.source == "journal_page"  # relative canonical without a base URL
    assert "Log in" not in article.text and "fictional publisher" not in article.text
    assert "randomised trial" not in article.text  # the h1 headline stays out of the body

    fetched = parse_html(html, path="https://westmarch.example/x", url="https://www.westmarch.example/x?ref=feed")
    assert fetched.url == "https://www.westmarch.example/articles/omega3-mood-2023"
    assert fetched.source == "westmarch.example"


@pytest.mark.parametrize(("ld_type", "og_type", "kind"), [
    ("BlogPosting", "", "blog"),
    ("ReportageNewsArticle", "", "news"),
    ("MedicalScholarlyArticle", "", "journal"),
    ("WebPage", "blog", "blog"),
    ("WebPage", "", "news"),
])
def test_kind_hints(ld_type, og_type, kind):
    html = f"""<html><head><script type="application/ld+json">{{"@type": "{ld_type}"}}</script>
    <meta property="og:type" content="{og_type}"></head><body><article>
    <p>Cutting salt lowered blood pressure in a trial of older adults in three towns.</p>
    <p>The effect was larger in people who already had high blood pressure.</p></article></body></html>"""
    assert parse_html(html, path="k.html").kind == kind


def test_malformed_canonical_is_ignored():
    html = """<html><head><link rel="canonical" href="http://[::1/a"></head><body>
    <p>Salt raises blood pressure in most adults, the review found.</p></body></html>"""
    article = parse_html(html, path="salt.html", url="https://news.example/salt")
    assert (article.url, article.source) == ("https://news.example/salt", "news.example")


@pytest.mark.parametrize(("title", "h1", "site", "expected"), [
    ("Free eye tests for over-60s | Brindle Council", "Free eye tests for over-60s", "", "Free eye tests for over-60s"),
    ("Free eye tests for over-60s | Brindle Council", "", "Brindle Council", "Free eye tests for over-60s"),
    ("Brindle Council \u2013 Free eye tests for over-60s", "Brindle Council", "Brindle Council",
     "Free eye tests for over-60s"),  # logo marked up as the h1
    ("Covid-19 - what we know", "", "Brindle Council", "Covid-19 - what we know"),
])
def test_site_name_is_cut_from_the_title(title, h1, site, expected):
    head = f"<title>{title}</title>" + (f'<meta property="og:site_name" content="{site}">' if site else "")
    logo = f"<header><h1>{h1}</h1></header>" if h1 == "Brindle Council" else (f"<h1>{h1}</h1>" if h1 else "")
    html = (f"<html><head>{head}</head><body>{logo}<article><p>The council will offer free eye tests to all "
            "residents over sixty from April.</p><p>Regular tests can catch glaucoma early.</p></article></body></html>")
    assert parse_html(html, path="p.html").title == expected


def test_og_url_must_be_http_and_title_falls_back_to_h1():
    html = """<html><head><meta property="og:url" content="ftp://files.example/a">
    <meta property="article:published_time" content="2022-02-30T10:00:00Z"></head><body><article>
    <h1>Iron tablets and tiredness</h1>
    <p>Iron tablets reduced tiredness in women with low ferritin, the fictional Marlow trial reported.</p>
    <p>Women with normal iron levels saw no benefit.</p></article></body></html>"""
    article = parse_html(html, path="dir/iron.html")
    assert article.url == ""
    assert article.published == ""  # 30 February is not a date
    assert article.title == "Iron tablets and tiredness"
    assert article.source == "iron"
    assert article.text.startswith("Iron tablets reduced tiredness")


def test_fragment_and_xml_declaration_are_read():
    fragment = "<p>Aspirin may lower the risk of a second heart attack, the review concluded.</p>"
    assert parse_html(fragment).text == "Aspirin may lower the risk of a second heart attack, the review concluded."
    xhtml = "<?xml version='1.0' encoding='utf-8'?>\n<html><body>" + fragment + "</body></html>"
    assert parse_html(xhtml).text.startswith("Aspirin")


def test_declared_dates_only_not_copyright_lines():
    html = """<html><head><title>Vitamin K</title></head><body><article>
    <p>In a trial that ended on 3 May 2021, researchers at the fictional Orrin College gave forty adults vitamin K.</p>
    <p>They found no difference in bone density between groups after a year.</p></article>
    <footer>Copyright 2023</footer></body></html>"""
    assert parse_html(html).published == ""


def test_br_separated_paragraphs_and_pseudo_list():
    html = """<html><body><div class="entry">Notes from the clinic<br><br>Folic acid before pregnancy lowers the
    risk of neural tube defects.<br><br>Ask your midwife about the dose<br>that suits you.<br>Tips for the first weeks:<br>- Take it
    daily.<br>&bull; Eat leafy greens.<br>That is all for today.</div></body></html>"""
    assert parse_html(html).text.split("\n\n") == [
        "Notes from the clinic",  # two breaks split even without a sentence end
        "Folic acid before pregnancy lowers the risk of neural tube defects.",
        "Ask your midwife about the dose that suits you.",
        "Tips for the first weeks:",
        "- Take it daily.\n- Eat leafy greens.",
        "That is all for today.",
    ]


@pytest.mark.parametrize("html", [
    "",
    "   \n ",
    "<html><body><footer>Copyright 2024 Example Media. All rights reserved.</footer></body></html>",
    "<html><body><div class='Cookie-Banner'>We use cookies to improve your experience on our site.</div></body></html>",
    "<html><body><nav><a href='/'>Home</a> <a href='/b'>Bees</a></nav></body></html>",
    "<html><head><title>Only a title here</title></head><body></body></html>",
])
def test_no_article_text_raises_input_error(html):
    with pytest.raises(InputError, match="no article text found in the page") as info:
        parse_html(html, path="empty.html")
    assert info.value.path == "empty.html"


def test_deeply_nested_divs_are_flattened_not_lost():
    body = ("<p>Green tea may lower cholesterol slightly, a small trial found.</p>"
            "<p>The trial ran for eight weeks in forty adults.</p>")
    html = "<html><body>" + "<div>" * 5000 + body + "</div>" * 5000 + "</body></html>"
    article = parse_html(html, path="deep.html")
    assert article.text == ("Green tea may lower cholesterol slightly, a small trial found.\n\n"
                            "The trial ran for eight weeks in forty adults.")


def test_deeply_nested_other_tags_are_a_clear_input_error():
    html = "<html><body>" + "<blockquote>" * 5000 + "<p>Green tea may lower cholesterol.</p>" + "</blockquote>" * 5000
    with pytest.raises(InputError, match="nested more than 250 levels"):
        parse_html(html, path="deep.html")


def test_cookie_class_on_a_whole_page_wrapper_does_not_remove_the_article():
    paragraphs = "".join(f"<p>Sentence number {i} of a long article about sleep hygiene and shift work.</p>"
                         for i in range(30))
    html = f"<html><body><div class='has-cookie-banner'><article>{paragraphs}</article></div></body></html>"
    assert "Sentence number 29" in parse_html(html).text


def test_control_characters_do_not_crash_lxml():
    html = "<html><body><p>Zinc\x00 lozenges may shorten colds by a day, a review of eight trials found.\x0b</p></body></html>"
    assert parse_html(html).text == "Zinc lozenges may shorten colds by a day, a review of eight trials found."


@pytest.mark.parametrize(("head", "url", "kind"), [
    ('<meta name="author" content="Northfield College Press Office">', "", "press_release"),
    ('<meta property="article:publisher" content="Harbour Health Newsroom">', "", "press_release"),
    ('<meta name="author" content="Media Relations, Westmarch Hospital">', "", "press_release"),
    ('<meta property="og:type" content="press_release">', "", "press_release"),
    ('<meta name="author" content="Jo Bloggs">', "https://www.northfield.example/news-releases/2026/walking", "press_release"),
    ('<meta name="author" content="Jo Bloggs">', "https://www.northfield.example/press-releases/walking", "press_release"),
    ('<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
     '<meta name="author" content="Northfield University Press Office">', "", "press_release"),
    ('<meta name="author" content="Jo Bloggs, health reporter">', "https://news.example/health/walking", "news"),
    ('<meta name="author" content="Sam Press">', "", "news"),
])
def test_press_release_hints(head, url, kind):
    html = f"""<html><head>{head}</head><body><article>
    <p>Cutting salt lowered blood pressure in a trial of older adults in three towns.</p>
    <p>The effect was larger in people who already had high blood pressure.</p></article></body></html>"""
    assert parse_html(html, path="k.html", url=url).kind == kind


def test_example_press_release_is_a_press_release():
    from pathlib import Path

    example = Path(__file__).parent.parent / "claims" / "examples" / "riverton-university-press-release.html"
    assert parse_html(example.read_text(encoding="utf-8"), path=example.name).kind == "press_release"
