"""pipeline.ingest.iter_inputs (and the pipeline.textfile readers behind it) on tiny fictional inputs."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from pipeline import textfile
from pipeline.ingest import iter_inputs
from pipeline.records import Article, Skipped
from pipeline.textfile import decode_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PARAMS = {"ingest": {"max_bytes": 100_000, "fetch_timeout": 5, "fetch_max_bytes": 100_000}}


def run(inputs, **ingest) -> list:
    params = {"ingest": {**PARAMS["ingest"], **ingest}}
    return list(iter_inputs([str(i) for i in inputs], params=params))


def one(inputs, **ingest):
    [result] = run(inputs, **ingest)
    return result


def article_page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


# --- .txt and .md ----------------------------------------------------------


def test_text_file_title_wrapping_lists_and_crlf():
    article = one([FIXTURES / "note.txt"])
    assert article.title == "Cold water swimming and mood"
    assert article.text == (
        "A small survey of sixty winter swimmers found that most reported a better mood after swimming. "
        "The survey had no control group.\n\n"
        "Researchers at the fictional Dunmore Clinic said people with heart conditions should:\n\n"
        "- avoid sudden immersion,\n"
        "- swim with others, and warm up slowly afterwards."
    )
    assert article.source == "note" and article.kind == "news" and article.meta == {"format": "text"}
    assert article.path == "note.txt"  # an absolute input path is recorded by its file name only


def test_markdown_with_front_matter():
    article = one([FIXTURES / "brief.md"])
    assert (article.title, article.source, article.url, article.published, article.kind, article.story) == (
        "Council expands free flu jabs", "Fenwick Gazette", "https://fenwick-gazette.example/flu-jabs",
        "2024-10-01", "press_release", "flu-2024")
    assert article.text == (
        "The Fenwick district council said on Tuesday that free flu vaccines will be offered to all adults "
        "over fifty this winter, up from sixty-five last year.\n\n"
        "Who can get one\n\n"
        "Residents can book a jab if they:\n\n"
        "- are aged fifty or over,\n- care for someone who is disabled, or\n- work in a care home.\n\n"
        "\"Vaccination remains the best protection we have,\" said the council's health lead, Dr Ama Boateng.\n\n"
        "Bookings open on Monday and the online form takes about five minutes."
    )


def test_markdown_inline_rules_keep_snake_case_and_arithmetic(tmp_path):
    md = tmp_path / "m.md"
    md.write_text("# Salt *and* sleep\n"
                  "The __low_salt__ group ate 2 * 3 grams less, see [the paper][1] and <https://x.example>.\n"
                  "Setext heading\n--------------\n\n[1]: https://paper.example\n\n***\n\n"
                  "| a | b |\n|---|---|\n\nDone, said\n_Dr Lee_.\n", encoding="utf-8")
    article = one([md])
    assert article.title == "Salt and sleep"
    assert article.text == ("The low_salt group ate 2 * 3 grams less, see the paper and https://x.example.\n\n"
                            "Setext heading\n\nDone, said Dr Lee.")


@pytest.mark.parametrize(("content", "title", "first_block"), [
    ("Fish oil and memory\n\nFish oil did not improve memory in the trial.\n", "Fish oil and memory", "Fish oil did not"),
    ("Fish oil did not help.\n\nNo effect on memory was seen.\n", "", "Fish oil did not help."),
    # no blank line after it: not the title, but a line of its own, never glued to the sentence after it
    ("Fish oil and memory\nFish oil did not improve memory.\n", "", "Fish oil and memory\nFish oil did not"),
    ("Fish oil did not improve memory in the trial\n", "", "Fish oil did not"),
    ("Key points:\n\n- Fish oil did not improve memory.\n", "", "Key points:"),
    ("F" * 150 + "\n\nFish oil did not improve memory.\n", "", "FFF"),
    ("Does fish oil help memory?\n\nNo, says the trial.\n", "Does fish oil help memory?", "No, says"),
])
def test_text_title_heuristic(tmp_path, content, title, first_block):
    path = tmp_path / "t.txt"
    path.write_text(content, encoding="utf-8")
    article = one([path])
    assert article.title == title
    assert article.text.startswith(first_block)


@pytest.mark.parametrize(("raw", "expected"), [
    # a headline and a key point without full stops, one paragraph per line: each keeps its line
    ("Tea drinkers sleep better in a small survey\nMost of the 80 tea drinkers in the survey slept longer.\n"
     "Only 12 of them said otherwise.",
     "Tea drinkers sleep better in a small survey\nMost of the 80 tea drinkers in the survey slept longer. "
     "Only 12 of them said otherwise."),
    ("Nurses were surveyed\n23:30, 4 MAY 2026\nThe survey covered 300 nurses.",
     "Nurses were surveyed\n23:30, 4 MAY 2026\nThe survey covered 300 nurses."),
    # hard-wrapped prose: the next word would not have fitted, or the sentence goes on in lower case
    ("The trial enrolled 300 adults with mild asthma from six clinics in\nNorthbridge and followed them for a year.",
     "The trial enrolled 300 adults with mild asthma from six clinics in Northbridge and followed them for a year."),
    ("Tea drinkers in the survey\nslept longer.", "Tea drinkers in the survey slept longer."),
    ("Nurses said:\nThe wards were short of staff.", "Nurses said: The wards were short of staff."),
])
def test_lines_without_full_stops_are_not_glued_to_the_next_sentence(raw, expected):
    assert textfile.layout_text(raw) == expected


def test_long_lines_are_paragraphs_not_hard_wraps():
    long = "Walkers in the trial " + "reported better sleep and " * 6 + "fewer colds"
    assert len(long) > textfile._WRAP_MAX
    assert textfile.layout_text(long + "\nThey walked daily.") == long + "\nThey walked daily."


def test_text_rules_and_underlined_headings(tmp_path):
    path = tmp_path / "u.txt"
    path.write_text("Lentils and iron\n================\n\nLentils are a good source of iron.\n\n"
                    "* * *\n\nHow to cook them\n----------------\nSoak them first.\n")
    article = one([path])
    assert article.title == "Lentils and iron"
    assert article.text == "Lentils are a good source of iron.\n\nHow to cook them\n\nSoak them first."


def test_opening_rule_is_not_front_matter(tmp_path):
    path = tmp_path / "rule.txt"
    path.write_text("---\nA text that opens with a rule.\n---\n\nSalt raises blood pressure in most adults.\n")
    assert one([path]).text == "A text that opens with a rule.\n\nSalt raises blood pressure in most adults."


def test_front_matter_id_wins_and_bad_kind_is_skipped(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("---\nid: story-7\ntitle: Walking\n---\nWalking\n\nWalking helps sleep, a survey says.\n")
    bad = tmp_path / "bad.md"
    bad.write_text("---\nkind: opinion\n---\nWalking helps sleep, a survey says.\n")
    upper = tmp_path / "upper.md"
    upper.write_text("---\nkind: Blog\nauthor: ignored\n---\nWalking helps sleep, a survey says.\n")
    article, skipped, blog = run([good, bad, upper])
    assert blog.kind == "blog"
    assert article.article_id == "story-7"
    assert article.text == "Walking helps sleep, a survey says."  # body line repeating the title dropped
    assert skipped == Skipped(str(bad), "kind 'opinion' is not one of news, press_release, journal, blog, other")


def test_article_id_is_sha1_of_source_title_text(tmp_path):
    path = tmp_path / "daily.txt"
    path.write_text("Beans\n\nBeans are high in fibre, a dietitian said.\n")
    article = one([path])
    expected = hashlib.sha1("daily\nBeans\nBeans are high in fibre, a dietitian said.".encode()).hexdigest()[:12]
    assert article.article_id == expected


# --- encodings ---------------------------------------------------------------


def test_cp1252_text(tmp_path):
    path = tmp_path / "cafe.txt"
    path.write_bytes("Caf\u00e9 owners said \u201cdecaf\u201d coffee sold well \u2013 and nobody slept worse.".encode("cp1252"))
    assert one([path]).text == "Café owners said “decaf” coffee sold well – and nobody slept worse."


@pytest.mark.parametrize(("meta", "codec", "sentence"), [
    ('<meta charset="iso-8859-2">', "iso-8859-2",
     "Naukowcy z Łodzi twierdzą, że codzienne spacery obniżają ciśnienie krwi u osób starszych."),
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', "windows-1251",
     "Учёные из Томска сообщили, что ежедневная ходьба снижает давление у пожилых людей."),
])
def test_html_declared_charset(tmp_path, meta, codec, sentence):
    path = tmp_path / "page.html"
    path.write_bytes(article_page(f"<p>{sentence}</p><p>{sentence}</p>", meta).encode(codec))
    assert one([path]).text.split("\n\n")[0] == sentence


def test_bom_and_fallback_decodings():
    text = "Zinc and colds"
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode_bytes(text.encode("utf-16")) == text
    # 0x81 is undefined in cp1252: latin-1 is the last resort and never fails.
    assert decode_bytes(b"Zinc \x81 colds") == "Zinc \x81 colds"
    assert decode_bytes(b"<meta charset='no-such-codec'>caf\xe9", html=True) == "<meta charset='no-such-codec'>café"


# --- bad inputs --------------------------------------------------------------


def test_bad_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\n \n")
    (tmp_path / "binary.html").write_bytes(b"<html>\x00\x01\x02\x00 PK\x03\x04")
    (tmp_path / "nul.txt").write_bytes(b"Oats lower cholesterol, a trial found. " * 2 + b"\x00")
    (tmp_path / "big.txt").write_text("x" * 101)
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "noarticle.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    names = ["empty.txt", "blank.md", "binary.html", "nul.txt", "big.txt", "report.pdf", "missing.txt", "noarticle.html"]
    results = run([tmp_path / n for n in names], max_bytes=100)
    assert [(Path(r.path).name, r.reason) for r in results] == [
        ("empty.txt", "empty file"),
        ("blank.md", "empty file (no text)"),
        ("binary.html", "binary file, not text"),
        ("nul.txt", "binary file, not text"),
        ("big.txt", "too large (101 bytes; the limit ingest.max_bytes is 100)"),
        ("report.pdf", "unsupported file type '.pdf' (supported: .html, .htm, .txt, .md, .jsonl)"),
        ("missing.txt", "no such file or folder"),
        ("noarticle.html", "no article text found in the page"),
    ]
    assert all(isinstance(r, Skipped) for r in results)


def test_exactly_max_bytes_is_read(tmp_path):
    path = tmp_path / "fits.txt"
    path.write_text("Oats lower cholesterol, a trial found.")
    assert isinstance(one([path], max_bytes=path.stat().st_size), Article)


def test_odd_path_and_url_strings():
    assert run(["a\x00b.txt", "http://[::1", "http://x.example:99999/", "http://a b.example/"]) == [
        Skipped("a\x00b.txt", "not a valid path"),
        Skipped("http://[::1", "malformed URL (Invalid IPv6 URL)"),
        Skipped("http://x.example:99999/", "malformed URL (Port out of range 0-65535)"),
        Skipped("http://a b.example/", "malformed URL (URL can't contain control characters. 'a b.example' "
                                       "(found at least ' '))"),
    ]


def test_permission_denied_is_skipped(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("Oats lower cholesterol, a trial found.")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(textfile, "open", denied, raising=False)
    assert one([path]) == Skipped(str(path), "permission denied")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_for_real(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("Oats lower cholesterol, a trial found.")
    path.chmod(0)
    assert one([path]) == Skipped(str(path), "permission denied")


def test_special_files_and_links(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would block forever
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    assert run([fifo, link]) == [Skipped(str(fifo), "not a regular file"), Skipped(str(link), "broken symbolic link")]


def test_deeply_nested_html_file(tmp_path):
    ok = tmp_path / "divs.html"
    ok.write_text("<html><body>" + "<div>" * 5000 + "<p>Green tea may lower cholesterol slightly, a trial found.</p>"
                  + "</div>" * 5000 + "</body></html>")
    bad = tmp_path / "quotes.html"
    bad.write_text("<html><body>" + "<blockquote>" * 5000 + "<p>Green tea may lower cholesterol.</p>")
    article, skipped = run([ok, bad])
    assert article.text == "Green tea may lower cholesterol slightly, a trial found."
    assert skipped.path == str(bad) and "nested more than 250 levels" in skipped.reason


# --- JSONL -------------------------------------------------------------------


def test_jsonl_bad_lines_skipped_others_continue():
    path = str(FIXTURES / "batch.jsonl")
    results = run([path])
    summary = [(r.path, r.meta["line"], r.article_id) if isinstance(r, Article) else (r.path, r.reason) for r in results]
    name = "batch.jsonl"  # Article.path of an absolute input: the file name; Skipped.path: as given
    assert summary == [
        (name, 1, "kelp-01"),
        (name, 3, results[1].article_id),
        (f"{path}:4", "not valid JSON (Unterminated string starting at column 10)"),
        (f"{path}:5", "missing `text`"),
        (f"{path}:6", "kind 'opinion' is not one of news, press_release, journal, blog, other"),
        (name, 7, results[5].article_id),
        (f"{path}:8", "not a JSON object"),
        (name, 9, "17"),
    ]
    first, plain, page = results[0], results[1], results[5]
    assert (first.title, first.source, first.published, first.kind, first.story) == (
        "Seaweed and iodine", "Brackwater Post", "2024-02-02", "news", "iodine")
    # No source given: the file stem; the text's own newline is a hard wrap.
    assert (plain.source, plain.title, plain.text) == ("batch", "", "Regular stretching did not prevent running "
                                                       "injuries in a trial of 300 amateur runners. The trial lasted one season.")
    # HTML text goes through parse_html: title, og:site_name and the given url.
    assert (page.title, page.source, page.url) == ("Honey for coughs", "Tallow Times", "https://tallowtimes.example/honey")
    assert page.text == ("Honey eased night-time coughing in children more than no treatment, a review of small "
                         "trials found.\n\nHoney should not be given to babies under one year old.")


def test_jsonl_odd_lines(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'{"text": "Sage tea \xe2\x80\xa8eased hot flushes in one small trial."}\r\n'
                     b'{"text": "   "}\r\n{"text": "Mint helps.", "title": ["a list"]}\r\n')
    results = run([path])
    assert results[0].text == "Sage tea eased hot flushes in one small trial." and results[0].meta["line"] == 1
    assert results[1:] == [Skipped(f"{path}:2", "`text` must be a non-empty string"),
                           Skipped(f"{path}:3", "`title` must be a string")]
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n\n  \n")
    assert run([blank]) == [Skipped(str(blank), "empty file (no JSON lines)")]


# --- folders, order, paths ---------------------------------------------------


def make_tree(root: Path) -> None:
    (root / "b").mkdir(parents=True)
    (root / "b" / "z.md").write_text("Kale is rich in vitamin K, a nutritionist said.")
    (root / "a.txt").write_text("Beets may lower blood pressure, a small trial suggests.")
    (root / "c.HTML").write_text(article_page("<p>Garlic did not lower cholesterol in a year-long trial.</p>"))
    (root / "notes.docx").write_bytes(b"PK\x03\x04")  # unsupported inside a folder: ignored silently
    (root / ".hidden.txt").write_text("Hidden files are not read at all.")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.txt").write_text("Not an article either.")
    (root / "b" / "loop").symlink_to(root, target_is_directory=True)  # must not recurse forever


def test_folder_is_recursed_sorted_with_relative_paths(tmp_path, monkeypatch):
    make_tree(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    results = run(["in"])
    assert [r.path for r in results] == ["in/a.txt", "in/b/loop", "in/b/z.md", "in/c.HTML"]
    assert [type(r).__name__ for r in results] == ["Article", "Skipped", "Article", "Article"]
    assert "symbolic link to a folder" in results[1].reason  # reported, not followed


def test_unreadable_subfolder_is_skipped_others_continue(tmp_path, monkeypatch):
    make_tree(tmp_path)
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("/b"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results = run([tmp_path])
    assert [(Path(r.path).name, type(r).__name__) for r in results] == [
        ("a.txt", "Article"), ("b", "Skipped"), ("c.HTML", "Article")]
    assert results[1].reason == "permission denied"


def test_inputs_keep_given_order_and_are_read_once(tmp_path, monkeypatch):
    make_tree(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    results = run(["in/c.HTML", "missing", "in", "in/a.txt", "./in/c.HTML"])
    assert [(r.path, type(r).__name__) for r in results] == [
        ("in/c.HTML", "Article"), ("missing", "Skipped"), ("in/a.txt", "Article"), ("in/b/loop", "Skipped"),
        ("in/b/z.md", "Article")]


def test_default_params_are_loaded(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Beets may lower blood pressure, a small trial suggests.")
    [article] = iter_inputs([str(path)])
    assert article.text == "Beets may lower blood pressure, a small trial suggests."


# --- URLs --------------------------------------------------------------------


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A local server for a folder holding the news page, a text file and a PDF."""
    for name in ("news_page.html", "note.txt"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.7 fictional")
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_urls(site):
    urls = [f"{site}/news_page.html", f"{site}/note.txt", f"{site}/missing.html", f"{site}/paper.pdf",
            "ftp://example.org/a.html", f"{site}/news_page.html"]
    page, note, *skipped = run(urls)
    assert page.path == urls[0]
    assert page.url == "https://www.harbourledger.example/health/2024/03/walking-after-meals"  # canonical
    assert page.source == "The Harbour Ledger" and "It was a small trial." in page.text
    assert (note.path, note.url, note.source, note.title) == (urls[1], urls[1], "127.0.0.1", "Cold water swimming and mood")
    assert skipped == [
        Skipped(urls[2], "HTTP 404 File not found"),
        Skipped(urls[3], "unsupported content type 'application/pdf' (only HTML and plain text)"),
        Skipped(urls[4], "unsupported URL scheme 'ftp' (only http and https)"),
    ]


def test_url_over_fetch_max_bytes(site):
    url = f"{site}/news_page.html"
    size = (FIXTURES / "news_page.html").stat().st_size
    assert one([url], fetch_max_bytes=500) == Skipped(url, f"larger than 500 bytes ({size} bytes)")
