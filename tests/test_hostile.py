"""Hostile pages end to end: the real `claimcheck run` on them, every page opened in headless Chromium.

The inputs (tests/fixtures/hostile/, plus a file whose very name is markup) put script tags,
event-handler attributes, `javascript:`/`data:` URLs and closing tags into titles, og:site_name,
claims, story names, ids and URLs. Nothing may execute: the title stays as written, no alert opens,
no element with id "pwned" appears, `window.pwned` stays undefined; and the hostile text is shown
as text, not dropped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from browser import PWNED, assert_inert, driver, open_page  # noqa: F401 - driver is a fixture

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
INPUTS = ("miracle-pill.html", "tonic.md", "wire.jsonl", "headline.txt")
EVIL_NAME = "\"><svg onload=window.pwned=1><b id=pwned>x'.txt"  # no slash: a file name
# Strings the inputs carry that must reach the report as visible text.
SHOWN = {
    "title": "Tonic </title><script>document.title='pwned'</script> works",
    "site": "Quack Daily</td></table></mark><script>window.pwned=1</script><b id=\"pwned\">x</b>",
    "claim": "</td></table></mark><script>window.pwned=1</script> cures every cancer",
    "source": "Wire</code></td></table><b id=\"pwned\">Service</b>",
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, tiny_model):
    work = tmp_path_factory.mktemp("hostile")
    inputs = work / "in"
    inputs.mkdir()
    for name in INPUTS:
        shutil.copy(FIXTURES / name, inputs / name)
    shutil.copy(FIXTURES / "headline.txt", inputs / EVIL_NAME)
    out = work / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "in", "--out", str(out),
                             "--model", str(tiny_model[1])], cwd=work, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


def pages(out: Path) -> list[Path]:
    return [out / "index.html", *sorted((out / "articles").glob("*.html"))]


def test_every_input_became_an_article_page(hostile_run):
    side = [json.loads(line) for line in (hostile_run / "claims.articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in side] == ["ok"] * 7
    assert len(pages(hostile_run)) == 8
    claims = (hostile_run / "claims.jsonl").read_text(encoding="utf-8")
    assert "<script>window.pwned=1</script>" in claims  # the hostile words are in the claims themselves
    # A Markdown link whose URL holds parentheses is read whole (it used to leave "flu)" behind).
    assert '"The tonic cures flu in children, the makers claim."' in claims


def test_pages_are_escaped_in_the_html_source(hostile_run):
    for page in pages(hostile_run):
        html = page.read_text(encoding="utf-8")
        doc = lxml.html.fromstring(html)
        # the only scripts: the review loop (allowed by its hash in the CSP) and its JSON data block
        assert not doc.xpath("//script[not(@id='claimcheck-review') and not(@id='claimcheck-data')] | //img | //iframe"
                             " | //svg//*[@onload] | //*[@id='pwned'] | //base | //form"), page
        for el in doc.iter():
            assert not [a for a in el.attrib if a.lower().startswith("on")], (page.name, el.tag, dict(el.attrib))
        for href in doc.xpath("//@href"):
            assert re.match(r"(https?://|#|\.\./index\.html|index\.html|(?:\.\./)?(?:articles|stories)/[\w-]+\.html"
                            r"(#[\w-]+)?$)", href), href
        for link in doc.xpath("//a[starts-with(@href, 'http')]"):
            assert {"noopener", "noreferrer"} <= set(link.get("rel", "").split()), page.name
        csp = doc.xpath("//head/meta[@http-equiv='Content-Security-Policy']/@content")
        assert len(csp) == 1, page.name
        policy = dict((d.split(" ", 1) + [""])[:2] for d in (p.strip() for p in csp[0].split(";")) if d)
        assert policy["default-src"] == "'none'"
        for directive in ("script-src", "connect-src", "frame-src", "object-src"):
            sources = policy.get(directive, "'none'").split()
            assert not [s for s in sources if s in ("*", "http:", "https:", "data:", "blob:", "'unsafe-eval'")
                        or "://" in s], (directive, sources)
        # Inline script only by hash (the review loop), never any inline script at all.
        assert "'unsafe-inline'" not in policy.get("script-src", "") and "'unsafe-hashes'" not in csp[0]
        # The CSP must come before anything it governs.
        head = doc.find("head")
        first_active = next(el for el in head if el.tag not in ("meta",) or el.get("http-equiv"))
        assert first_active.get("http-equiv") == "Content-Security-Policy"


def test_nothing_executes_in_a_real_browser(driver, hostile_run):
    shown = ""
    for page in pages(hostile_run):
        title = open_page(driver, page)
        assert_inert(driver, title, allow_csp_reports=False)
        shown += driver.execute_script("return document.body.innerText") + "\n" + title + "\n"
    for what, text in SHOWN.items():
        assert text in shown, what  # displayed as text, not dropped and not interpreted
    assert EVIL_NAME.removesuffix(".txt") in shown  # the file name became the source name
    assert PWNED in shown


def test_unsafe_urls_are_shown_but_not_linked(driver, hostile_run):
    from selenium.webdriver.common.by import By

    found = {}
    for page in sorted((hostile_run / "articles").glob("*.html")):
        open_page(driver, page)
        byline = driver.find_element(By.CSS_SELECTOR, "p.byline")
        found[page.name] = (byline.text, [a.get_attribute("href") for a in byline.find_elements(By.TAG_NAME, "a")])
    bylines = " ".join(text for text, _ in found.values())
    assert "javascript:alert(document.domain)" in bylines and "data:text/html,<script>alert(1)</script>" in bylines
    links = [href for _, hrefs in found.values() for href in hrefs]
    assert links == ["https://quote.example/a?x=%22%3E%3Cscript%3Ewindow.pwned=1%3C/script%3E"]
