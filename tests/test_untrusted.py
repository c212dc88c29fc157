"""A run is whole or absent whatever the inputs hold: names that are not UTF-8, edited inputs on
resume, pages built to stall the parser, bidirectional controls, servers that trickle."""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
import unicodedata
from pathlib import Path

import lxml.html
import pytest
import yaml

from browser import driver  # noqa: F401 - a fixture
from pipeline.errors import ClaimcheckError, InputError
from pipeline.records import Article, Skipped

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("claims.jsonl", "claims.csv", "claims.articles.jsonl", "summary.json", "index.html", "claimreview.jsonld")
RLO, LRI, ZWJ = "\u202e", "\u2066", "\u200d"


def article_text(i: int, subject: str = "Green tea") -> str:
    return (f"Report {i}\n\n{subject} may lower the risk of heart disease, according to an observational "
            f"study of {100 + i} adults.\n\nThe researchers said it cures high blood pressure in {i + 2} weeks.\n")


def run_here(inputs, out: Path, model: Path, params=None, **kw):
    from pipeline.run import run
    from pipeline.settings import load_params

    return run([str(i) for i in inputs], out, model_path=model, params=params or load_params(), **kw)


def outputs(out: Path) -> dict[str, bytes]:
    files = {name: (out / name).read_bytes() for name in OUTPUTS}
    files.update({f"articles/{p.name}": p.read_bytes() for p in sorted((out / "articles").iterdir())})
    return files


class Interrupt(Exception):
    pass


def interrupt_after(n: int, seen: list):
    def on_article(article, claims):
        seen.append(article.path)
        if len(seen) >= n:
            raise Interrupt

    return on_article


# ---------------------------------------------------------------- names that are not UTF-8


def test_name_that_is_not_utf8_is_processed_and_written_escaped(tmp_path, tiny_model):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as fh:
        fh.write(article_text(1, "Coffee").encode())
    with open(os.path.join(os.fsencode(folder), b"empty\xff.txt"), "wb"):
        pass
    (folder / "tea.txt").write_text(article_text(2), encoding="utf-8")
    skipped = []
    result = run_here([folder], tmp_path / "out", tiny_model[1], on_skip=skipped.append)
    assert result.articles == 2 and result.claims > 0
    assert [Path(s.path).name for s in skipped] == ["empty\udcff.txt"]  # read under its real name
    out = tmp_path / "out"
    for name, data in outputs(out).items():
        text = data.decode("utf-8")  # strictly valid UTF-8, every one
        if name in ("claims.articles.jsonl", "summary.json"):
            assert "empty\\\\xff.txt" in text, name  # the JSON text of the visible escape
    side = [json.loads(line) for line in (out / "claims.articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["path"] for r in side} == {"caf\\xe9.txt", "tea.txt", "empty\\xff.txt"}
    assert any(r.get("source") == "caf\\xe9" for r in side)
    assert "caf\\xe9" in (out / "claims.csv").read_text(encoding="utf-8")
    assert "empty\\xff.txt" in (out / "index.html").read_text(encoding="utf-8")


def test_messages_write_undecodable_bytes_as_escapes(tmp_path, tiny_model):
    from click.testing import CliRunner

    from pipeline.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tea.txt").write_text(article_text(2), encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"bad\xe9.txt"), "wb"):
        pass
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(tmp_path / "out"),
                                       "--model", str(tiny_model[1]), "--quiet"])
    assert result.exit_code == 3, result.output
    assert "bad\\xe9.txt: empty file" in result.stderr


# ---------------------------------------------------------------- resume by content


def three_inputs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, subject in enumerate(("Green tea", "Walnuts", "Yoga")):
        path = folder / f"{i}.txt"
        path.write_text(article_text(i, subject), encoding="utf-8")
        paths.append(path)
    return paths


def test_resume_processes_an_edited_input_again(tmp_path, tiny_model):
    model = tiny_model[1]
    first, *_ = three_inputs(tmp_path / "in")
    seen = []
    with pytest.raises(Interrupt):
        run_here([tmp_path / "in"], tmp_path / "out", model, on_article=interrupt_after(2, seen))
    # same length, old mtime: only the content hash can tell
    stat = first.stat()
    first.write_text(first.read_text(encoding="utf-8").replace("Green tea", "Black tea"), encoding="utf-8")
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert first.stat().st_size == stat.st_size
    again = []
    result = run_here([tmp_path / "in"], tmp_path / "out", model, resume=True, on_article=lambda a, c: again.append(a.path))
    assert result.resumed == 0 and len(again) == 3  # the first input changed: everything from it is redone
    reference = tmp_path / "ref"
    run_here([tmp_path / "in"], reference, model)
    assert outputs(tmp_path / "out") == outputs(reference)
    assert "Black tea" in (tmp_path / "out" / "claims.jsonl").read_text(encoding="utf-8")


def test_resume_trusts_unchanged_inputs_and_hashes_only_touched_ones(tmp_path, tiny_model, monkeypatch):
    import pipeline.checkpoint as checkpoint

    model = tiny_model[1]
    first, second, third = three_inputs(tmp_path / "in")
    seen = []
    with pytest.raises(Interrupt):
        run_here([tmp_path / "in"], tmp_path / "out", model, on_article=interrupt_after(2, seen))
    os.utime(first)  # touched, not edited
    hashed = []
    real = checkpoint._sha256
    monkeypatch.setattr(checkpoint, "_sha256", lambda path: hashed.append(Path(path).name) or real(path))
    again = []
    result = run_here([tmp_path / "in"], tmp_path / "out", model, resume=True, on_article=lambda a, c: again.append(a.path))
    assert result.resumed == 2 and [Path(p).name for p in again] == ["2.txt"]
    # the touched file is hashed to check it, the untouched one is not; the others as they are read
    assert hashed == ["0.txt", "1.txt", "2.txt"]
    reference = tmp_path / "ref"
    run_here([tmp_path / "in"], reference, model)
    assert outputs(tmp_path / "out") == outputs(reference)


def test_resume_notices_an_input_added_before_the_finished_ones(tmp_path, tiny_model):
    model = tiny_model[1]
    three_inputs(tmp_path / "in")
    with pytest.raises(Interrupt):
        run_here([tmp_path / "in"], tmp_path / "out", model, on_article=interrupt_after(2, []))
    (tmp_path / "in" / "00.txt").write_text(article_text(7, "Fish oil"), encoding="utf-8")  # sorts second
    run_here([tmp_path / "in"], tmp_path / "out", model, resume=True)
    run_here([tmp_path / "in"], tmp_path / "ref", model)
    assert outputs(tmp_path / "out") == outputs(tmp_path / "ref")


def test_resume_still_refuses_other_params(tmp_path, tiny_model):
    from pipeline.settings import load_params

    model = tiny_model[1]
    three_inputs(tmp_path / "in")
    with pytest.raises(Interrupt):
        run_here([tmp_path / "in"], tmp_path / "out", model, on_article=interrupt_after(1, []))
    params = load_params()
    params["extract"]["max_words"] = 99
    with pytest.raises(ClaimcheckError, match="params_sha256"):
        run_here([tmp_path / "in"], tmp_path / "out", model, params=params, resume=True)


# ---------------------------------------------------------------- bounded work per input


def test_tag_with_many_attributes_is_skipped_at_once(tmp_path):
    from pipeline.ingest import iter_inputs

    attrs = " ".join(f'data-a{i}="x>"' for i in range(20_000))  # ">" inside quotes does not end the tag
    (tmp_path / "a.html").write_text(f"<html><body><div {attrs}>x</div><p>{article_text(1)}</p></body></html>")
    (tmp_path / "b.txt").write_text(article_text(2), encoding="utf-8")
    start = time.monotonic()
    items = list(iter_inputs([str(tmp_path)], params={}))
    assert time.monotonic() - start < 2  # the parse alone took 3 s, and grows with the square
    assert isinstance(items[0], Skipped) and "20000 attributes" in items[0].reason
    assert isinstance(items[1], Article)


@pytest.mark.parametrize("html, reason", [
    ("<p>" + "<b>x</b>" * 100_001 + "</p>", "too many HTML tags"),
    ("".join(f"<i {' '.join(f'a{k}' for k in range(200))}>x</i>" for _ in range(1600)), "too many HTML attributes"),
    ("<div " + " ".join(f"=a{i}" for i in range(600)) + ">x</div>", "300 attributes"),  # HTML5: every other is one
])
def test_page_over_a_bound_is_refused_before_parsing(html, reason):
    from pipeline.webpage import parse_html

    with pytest.raises(InputError, match=reason):
        parse_html(html, path="x.html")


def test_ordinary_page_is_within_the_bounds():
    from pipeline.webpage import check_size

    for page in (ROOT / "tests" / "fixtures").rglob("*.html"):
        check_size(page.read_text(encoding="utf-8", errors="replace"), str(page))


def test_article_longer_than_max_chars_is_skipped(tmp_path):
    from pipeline.ingest import iter_inputs

    (tmp_path / "long.txt").write_text("Title\n\n" + "Green tea may help. " * 200, encoding="utf-8")
    (tmp_path / "short.txt").write_text(article_text(1), encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(json.dumps({"text": "Walnuts may help. " * 200}) + "\n", encoding="utf-8")
    items = list(iter_inputs([str(tmp_path)], params={"ingest": {"max_chars": 1000}}))
    assert [(Path(i.path).name, type(i).__name__) for i in items] == [
        ("feed.jsonl:1", "Skipped"), ("long.txt", "Skipped"), ("short.txt", "Article")]
    assert items[1].reason.startswith("article text too long (3999 characters; the limit ingest.max_chars is 1000)")


def test_parse_batches_are_bounded_in_characters():
    from pipeline.extract import pipe_bounded

    batches = []

    class FakeNlp:
        def pipe(self, items, as_tuples, batch_size):
            batches.append([len(text) for text, _ in items])
            assert batch_size == len(items)
            return iter(items)

    lengths = [100] * 40 + [90_000, 200_000, 50, 90_000, 90_000, 90_000]
    items = [("x" * n, i) for i, n in enumerate(lengths)]
    assert list(pipe_bounded(FakeNlp(), items, batch_size=32, max_chars=250_000)) == items  # same order
    assert batches == [[100] * 32, [100] * 8 + [90_000], [200_000, 50], [90_000, 90_000], [90_000]]


# ---------------------------------------------------------------- bidi and invisible characters


def test_format_character_class_is_unicode_category_cf():
    from pipeline.visible import FORMAT_CHARS

    everything = "".join(map(chr, range(0x110000)))
    ours = set(FORMAT_CHARS.findall(everything))
    cf = {ch for ch in everything if unicodedata.category(ch) == "Cf"} - {"\u00ad"}
    assert cf <= ours and all(unicodedata.category(ch) in ("Cf", "Cn") for ch in ours)


def bidi_inputs():
    """A claim with an unclosed right-to-left override, a hidden joiner inside a cue word, an isolate,
    and an article whose title, source and path carry more of them."""
    sentence = f"Doctors say this {RLO}tea cu{ZWJ}res cancer in weeks."
    text = f"{sentence}\n\nA second {LRI}claim may help."
    second = text.index("A second")
    common = {"article_id": "bidi", "source": f"\u05d0\u05d1 News{RLO}", "title": f"Tea {RLO}news", "kind": "blog",
              "story": "", "url": "https://example.org/a\u202eb", "path": f"in/{RLO}evil.html",
              "proba": {"hedged": 0.1, "supported": 0.1, "overstated": 0.8}, "strength": 3,
              "reason": f"hype wording ('cu{ZWJ}res')"}
    claims = [
        {**common, "claim_id": "b1", "text": sentence, "start_char": 0, "end_char": len(sentence),
         "segments": [[0, len(sentence)]], "sentence_index": 0, "label": "overstated", "cues": []},
        {**common, "claim_id": "b2", "text": text[second:], "start_char": second, "end_char": len(text),
         "segments": [[second, len(text)]], "sentence_index": 1, "label": "hedged", "cues": []},
    ]
    article = {k: common[k] for k in ("article_id", "source", "title", "kind", "story", "url", "path")}
    article.update(text=text, published="", meta={})
    skipped = [{"path": f"x{RLO}.pdf", "reason": "unsupported file type"}]
    return claims, [article], skipped


def page_strings(doc):
    """Every text node and attribute value of a parsed page."""
    for el in doc.iter():
        for value in [el.text, el.tail, *el.attrib.values()]:
            if value:
                yield value


def test_report_shows_format_characters_and_isolates_article_text(tmp_path):
    from pipeline.report import write_report
    from pipeline.visible import FORMAT_CHARS

    claims, articles, skipped = bidi_inputs()
    out = write_report(claims, articles, skipped, tmp_path / "out").parent
    pages = [out / "index.html", *sorted((out / "articles").iterdir())]
    for page in pages:
        doc = lxml.html.fromstring(page.read_bytes())
        for value in page_strings(doc):
            assert not FORMAT_CHARS.search(value), (page.name, value)
    index = lxml.html.fromstring((out / "index.html").read_bytes())
    article = lxml.html.fromstring(next((out / "articles").iterdir()).read_bytes())
    # the claim as shown is the claim as classified, each hidden character marked where it was
    shown = [p.text_content() for p in index.xpath("//p[@class='ctext']")]
    assert "Doctors say this ⟨U+202E⟩tea cu⟨U+200D⟩res cancer in weeks." in shown
    assert "A second ⟨U+2066⟩claim may help." in shown
    assert all(p.get("dir") == "auto" for p in index.xpath("//p[@class='ctext']"))
    # the article text: each claim isolated, each label note isolated in left-to-right
    marks = article.xpath("//article//mark[contains(@class, 'claim')]")
    notes = article.xpath("//article//sup[contains(@class, 'note')]")
    assert marks and all(m.get("dir") == "auto" for m in marks)
    assert notes and all(n.get("dir") == "ltr" for n in notes) and notes[0].text_content() == "overstated 80%"
    # article-supplied strings beside the report's own words sit in <bdi>
    for xpath in ("//p[@class='byline']/bdi", "//span[@class='reason']/bdi"):
        assert article.xpath(xpath) or index.xpath(xpath), xpath
    assert index.xpath("//ul[@class='skipped']/li/bdi/code")[0].text_content() == "x⟨U+202E⟩.pdf"
    assert index.xpath("//ul[@class='articles']//a/bdi")[0].text_content() == "Tea ⟨U+202E⟩news"
    assert 'href="https://example.org/a%E2%80%AEb"' in (out / "articles" / "bidi.html").read_text(encoding="utf-8")
    # the review data keeps the exact text, as escapes
    data = index.xpath("//script[@id='claimcheck-data']")[0].text
    assert "\\u202e" in data and RLO not in data
    assert json.loads(data)["claims"]["b1"]["text"] == claims[0]["text"]


def test_ordinary_joiners_stay_as_they_are():
    from pipeline.visible import shown

    assert shown("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert shown("\U0001f469\u200d\u2695\ufe0f") == "\U0001f469\u200d\u2695\ufe0f"  # health worker emoji
    assert shown("cu\u200dres") == "cu⟨U+200D⟩res"
    assert shown("caf\udce9.txt") == "caf\\xe9.txt"


def test_json_keeps_and_csv_shows_format_characters():
    from pipeline.atomic import dumps
    from pipeline.outputs import csv_row

    claim = {"text": f"A {RLO}claim cu{ZWJ}res \U000e0041.", "label": "overstated", "path": "caf\udce9.txt"}
    line = dumps(claim)
    assert not any(unicodedata.category(ch) == "Cf" for ch in line)
    assert "\\u202e" in line and "\\u200d" in line and "\\udb40\\udc41" in line
    assert json.loads(line) == claim  # the same data
    line.encode("utf-8")  # a lone surrogate is an escape too, never an encoding error
    assert csv_row(claim)["text"] == "A ⟨U+202E⟩claim cu⟨U+200D⟩res ⟨U+E0041⟩."


@pytest.mark.browser
def test_badge_and_probability_render_in_order(tmp_path, driver):
    from pipeline.report import write_report

    claims, articles, skipped = bidi_inputs()
    out = write_report(claims, articles, skipped, tmp_path / "out").parent
    for page, selector in ((out / "articles" / "bidi.html", "article sup.note.overstated"),
                           (out / "index.html", ".claim-cell.overstated .meta")):
        driver.get(page.as_uri())
        # x of each character of the first note, as laid out: left to right means in order
        xs = driver.execute_script("""
            const el = document.querySelector(arguments[0]);
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            const xs = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              for (let i = 0; i < node.length; i++) {
                if (!node.data[i].trim()) continue;
                const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
                const box = range.getBoundingClientRect();
                if (box.width) xs.push([box.top, box.left]);
              }
            }
            return xs;""", selector)
        assert len(xs) >= 8, page.name
        lines = sorted({round(top) for top, _ in xs})
        for line in lines:
            row = [left for top, left in xs if round(top) == line]
            assert row == sorted(row), (page.name, row)


# ---------------------------------------------------------------- fetching


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


PAGE = b"<html><body><p>" + b"Ginger may ease nausea, a small trial suggests. " * 9 + b"</p></body></html>"


@pytest.fixture(scope="module")
def server():
    """A local server that sends its page a byte at a time, or loops redirects."""
    stop = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def trickle(self, data: bytes) -> None:
            for i in range(len(data)):
                if stop.wait(0.05):
                    return
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()

        def do_GET(self):
            try:
                if self.path == "/trickle-body":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(PAGE)))
                    self.end_headers()
                    self.trickle(PAGE)
                elif self.path == "/trickle-headers":
                    self.trickle(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: a\r\n" * 40 + b"\r\n" + PAGE)
                elif self.path == "/loop":
                    self.send_response(302)
                    self.send_header("Location", "/loop")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/ok":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(PAGE)))
                    self.end_headers()
                    self.wfile.write(PAGE)
            except OSError:  # the client hung up: what the deadline is for
                pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers"])
def test_trickling_server_is_stopped_at_the_deadline(server, path):
    from pipeline.fetch import fetch_url

    start = time.monotonic()
    with pytest.raises(InputError, match=r"download took longer than 1 s \(the limit ingest.fetch_deadline\)"):
        fetch_url(server + path, timeout=5, max_bytes=100_000, deadline=1)  # the page would take 25 s
    assert time.monotonic() - start < 2.5


def test_fetch_deadline_comes_from_params(server):
    from pipeline.ingest import iter_inputs

    # with the default deadline (30 s) this page would arrive after 25 s and be read
    items = list(iter_inputs([server + "/trickle-body", server + "/ok"], params={"ingest": {"fetch_deadline": 0.5}}))
    assert isinstance(items[0], Skipped) and "fetch_deadline" in items[0].reason
    assert isinstance(items[1], Article)


def test_redirect_loop_reason_is_one_clear_line(server):
    from pipeline.fetch import fetch_url

    with pytest.raises(InputError) as info:
        fetch_url(server + "/loop", timeout=5, max_bytes=1000, deadline=10)
    assert info.value.reason == "redirect loop (HTTP 302: redirected too many times)"


def test_fetch_settings_agree_in_defaults_and_params_yaml():
    from pipeline.settings import DEFAULTS

    committed = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    assert committed["ingest"] == DEFAULTS["ingest"]


# ---------------------------------------------------------------- messages


def test_symlinked_folder_is_reported_not_followed(tmp_path):
    from pipeline.ingest import iter_inputs

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text(article_text(1), encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(article_text(2), encoding="utf-8")
    (tmp_path / "in" / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "in" / "loop").symlink_to(tmp_path / "in", target_is_directory=True)
    items = list(iter_inputs([str(tmp_path / "in")], params={}))
    assert [(Path(i.path).name, type(i).__name__) for i in items] == [
        ("a.txt", "Article"), ("link", "Skipped"), ("loop", "Skipped")]
    assert items[1].reason == "symbolic link to a folder: not followed (name the folder itself to read it)"


def test_json_error_names_the_column_once(tmp_path):
    from pipeline.ingest import iter_inputs

    (tmp_path / "feed.jsonl").write_text('{"text": "unterminated\n', encoding="utf-8")
    (item,) = list(iter_inputs([str(tmp_path / "feed.jsonl")], params={}))
    assert item.reason == "not valid JSON (Unterminated string starting at column 10)"


def test_full_disk_names_the_file(tmp_path):
    from pipeline.checkpoint import NAME, Checkpoint

    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    (tmp_path / NAME).symlink_to("/dev/full")
    with pytest.raises(ClaimcheckError) as info:
        Checkpoint.start(tmp_path, {"format": "x"}, resume=False)
    assert str(info.value) == f"{tmp_path / NAME}: cannot write (No space left on device)"


def test_full_disk_while_writing_an_output_names_its_folder(tmp_path, monkeypatch):
    import errno

    from pipeline.atomic import atomic_open

    with pytest.raises(ClaimcheckError) as info:
        with atomic_open(tmp_path / "claims.jsonl") as fh:
            fh.write("x")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # what a write past the buffer raises
    assert str(info.value) == f"{tmp_path}: cannot write (No space left on device)"
    assert list(tmp_path.iterdir()) == []
