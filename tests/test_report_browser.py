"""The report in a real headless Chromium: it renders, the chart is right, hostile text stays inert.

Needs Debian's chromium and chromium-driver (``make test`` installs them). Set
CLAIMCHECK_SCREENSHOT_DIR to keep report-index.png / report-article.png for a look at the design.
"""

import json
from pathlib import Path

import pytest

from browser import assert_inert, driver, open_page, screenshot  # noqa: F401 - driver is a fixture
from pipeline.report import read_side_file, write_report

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "report"
IMG = "<img src=x onerror=\"document.title='pwned'\">"
SCRIPT = "<script>document.title='pwned'</script>"


def hostile_article():
    sentence = f"Experts say {IMG} this pill prevents every cancer."
    text = f"{sentence}\n\nIt may {SCRIPT} help some people."
    second = text.index("It may")
    common = {"article_id": "hostile", "source": f"Bad {SCRIPT} Source", "title": f"Title {IMG}", "kind": "blog",
              "story": "walking-memory", "url": "javascript:document.title='pwned'", "strength": 3, "cues": []}
    claims = [
        {**common, "claim_id": "h1", "text": sentence, "start_char": 0, "end_char": len(sentence),
         "segments": [[0, len(sentence)]], "sentence_index": 0, "label": "overstated",
         "proba": {"hedged": 0.05, "supported": 0.05, "overstated": 0.9}},
        {**common, "claim_id": "h2", "text": text[second:], "start_char": second, "end_char": len(text),
         "segments": [[second, len(text)]], "sentence_index": 1, "label": "hedged",
         "proba": {"hedged": 0.45, "supported": 0.3, "overstated": 0.25}, "abstain": True},
    ]
    article = {k: common[k] for k in ("article_id", "source", "title", "kind", "story", "url")}
    article.update(text=text, path="hostile.html", published="2024-01-01")
    return claims, article


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    claims = [json.loads(line) for line in (FIXTURES / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    articles, skipped = read_side_file(FIXTURES / "claims.articles.jsonl")
    h_claims, h_article = hostile_article()
    return write_report(claims + h_claims, articles + [h_article], skipped, tmp_path_factory.mktemp("report"))


def test_index_renders_with_chart_and_inert_hostile_text(driver, report, tmp_path):
    from selenium.webdriver.common.by import By

    title = open_page(driver, report)
    assert_inert(driver, title)
    assert driver.find_element(By.CSS_SELECTOR, "table.sources").is_displayed()
    table = driver.find_element(By.CSS_SELECTOR, "table.compare")
    assert table.is_displayed()
    text = driver.execute_script("return arguments[0].textContent", table)
    assert f"It may {SCRIPT} help" in text and f"Bad {SCRIPT} Source" in text and IMG in text  # shown as text
    bars = driver.execute_script("""
        return Array.from(document.querySelectorAll('svg g.bar')).map(g => {
          const track = g.querySelector('rect.track').getBoundingClientRect().width;
          return Array.from(g.querySelectorAll('rect.seg')).map(
            r => [Number(r.getAttribute('data-share')), r.getBoundingClientRect().width / track]);
        });""")
    assert len(bars) == 4 and all(bars)
    for bar in bars:
        assert sum(share for share, _ in bar) == pytest.approx(1.0)
        for share, width in bar:
            assert width == pytest.approx(share, abs=0.01)
    screenshot(driver, "report-index.png", tmp_path)


def test_article_page_renders_and_hostile_text_is_inert(driver, report, tmp_path):
    from selenium.webdriver.common.by import By

    title = open_page(driver, report.parent / "articles" / "hostile.html")
    assert_inert(driver, title)
    marks = driver.find_elements(By.CSS_SELECTOR, "mark.claim")
    assert [m.text for m in marks][1].startswith("It may " + SCRIPT)
    assert IMG in marks[0].text and all(m.is_displayed() for m in marks)
    assert not driver.find_elements(By.CSS_SELECTOR, "a[href^='javascript']")

    title = open_page(driver, report.parent / "articles" / "pr-harbor.html")
    assert_inert(driver, title)
    assert len(driver.find_elements(By.CSS_SELECTOR, "mark.claim")) == 5
    assert driver.find_element(By.CSS_SELECTOR, "a[rel~='external']").get_attribute("href").startswith("https://")
    screenshot(driver, "report-article.png", tmp_path)

