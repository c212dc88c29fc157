"""The review loop in a real headless Chromium, from file:// with no server: mark a verdict as wrong,
pick the right label, download the corrections and train-ready label file.

Needs Debian's chromium and chromium-driver (``make test`` installs them).
"""

import csv
import json
import time
from pathlib import Path

import pytest

from browser import assert_inert, open_page, screenshot, start_chrome
from pipeline.labels import read_label_files
from pipeline.report import read_side_file, write_report

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "report"
HOSTILE = '</script><script>document.title="pwned"</script> "quoted", commas\nand a new line'


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def chrome(tmp_path_factory, downloads):
    """Headless Chromium whose downloads land in ``downloads`` without asking."""
    drv = start_chrome(tmp_path_factory.mktemp("chromium-profile"), prefs={
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
        "download.directory_upgrade": True,
        "safebrowsing.enabled": False,
    })
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    claims = [json.loads(line) for line in (FIXTURES / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    articles, skipped = read_side_file(FIXTURES / "claims.articles.jsonl")
    # hostile text travels through the JSON block into the CSV unchanged, and never runs
    claims[-1] = dict(claims[-1], context=HOSTILE)
    return write_report(claims, articles, skipped, tmp_path_factory.mktemp("report")), claims


def wait_for(path_glob, folder: Path, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [p for p in folder.glob(path_glob) if not p.name.endswith(".crdownload")]
        if found:
            return found
        time.sleep(0.1)
    return []


def correct(driver, claim_id: str, label: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    ctl = driver.find_element(By.CSS_SELECTOR, f".review-ctl[data-claim='{claim_id}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", ctl)  # not under the sticky panel
    ctl.find_element(By.CSS_SELECTOR, "button.wrong").click()
    select = ctl.find_element(By.CSS_SELECTOR, "select")
    assert select.is_displayed()
    Select(select).select_by_value(label)
    assert ctl.find_element(By.CSS_SELECTOR, ".status").text == f"Corrected to {label}"


def test_mark_wrong_download_and_train_on_the_corrections(chrome, report, downloads, tmp_path):
    from selenium.webdriver.common.by import By

    index, claims = report
    title = open_page(chrome, index)
    assert_inert(chrome, title, allow_csp_reports=False)  # the script ran under the CSP without a violation
    assert chrome.execute_script("return document.documentElement.classList.contains('js')")
    panel = chrome.find_element(By.ID, "review-panel")
    assert panel.is_displayed() and not chrome.find_element(By.ID, "review-download").is_enabled()
    assert len(chrome.find_elements(By.CSS_SELECTOR, ".review-ctl")) == len(claims)

    news, blog = claims[5], claims[-1]  # "cuts memory decline" (overstated) and the blueberries advice
    correct(chrome, news["claim_id"], "hedged")
    correct(chrome, blog["claim_id"], "supported")
    assert "2 corrections" in chrome.find_element(By.ID, "review-count").text

    # kept across a reload (localStorage on the file:// page), then downloaded
    chrome.refresh()
    assert "2 corrections" in chrome.find_element(By.ID, "review-count").text
    screenshot(chrome, "report-review.png", tmp_path)
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", chrome.find_element(By.ID, "review-panel"))
    chrome.find_element(By.ID, "review-download").click()
    files = wait_for("claimcheck-labels*.csv", downloads)
    assert [f.name for f in files] == ["claimcheck-labels.csv"]
    raw = files[0].read_text(encoding="utf-8")
    assert raw.splitlines()[0] == "text,label,context,design,source"
    rows = list(csv.DictReader(raw.splitlines(True)))
    got = {r["text"]: r for r in rows}
    assert set(got) == {news["text"], blog["text"]}
    assert got[news["text"]] == {"text": news["text"], "label": "hedged", "context": news["context"],
                                 "design": news["design"], "source": news["source"]}
    assert got[blog["text"]]["label"] == "supported" and got[blog["text"]]["context"] == HOSTILE

    # the file is a label file `claimcheck train --labels` accepts
    labels = read_label_files(files)
    assert sorted((r["text"], r["label"]) for r in labels) == sorted(
        [(news["text"], "hedged"), (blog["text"], "supported")])

    # choosing the model's own label again withdraws a correction; Clear empties the list
    from selenium.webdriver.support.ui import Select

    ctl = chrome.find_element(By.CSS_SELECTOR, f".review-ctl[data-claim='{blog['claim_id']}']")
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", ctl)
    Select(ctl.find_element(By.CSS_SELECTOR, "select")).select_by_value("")
    assert "1 correction " in chrome.find_element(By.ID, "review-count").text + " "
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", chrome.find_element(By.ID, "review-panel"))
    chrome.find_element(By.ID, "review-clear").click()
    assert "No corrections" in chrome.find_element(By.ID, "review-count").text
    assert chrome.title == title


def test_story_pages_of_a_multi_story_report_carry_the_review_loop(chrome, report, tmp_path):
    from selenium.webdriver.common.by import By

    index, claims = report
    extra = dict(claims[0], claim_id="other-1", article_id="other", source="Other Desk", story="fish-oil",
                 text="Fish oil capsules lowered triglycerides in a trial.", kind="news")
    out = write_report(claims + [extra], [], [], tmp_path / "multi").parent
    title = open_page(chrome, out / "index.html")
    assert_inert(chrome, title, allow_csp_reports=False)
    links = [a.get_attribute("href") for a in chrome.find_elements(By.CSS_SELECTOR, "table.stories a")]
    assert len(links) == 2 and not chrome.find_elements(By.CSS_SELECTOR, ".review-ctl")
    page = out / "stories" / "walking-memory.html"
    title = open_page(chrome, page)
    assert_inert(chrome, title, allow_csp_reports=False)
    assert chrome.find_element(By.ID, "review-panel").is_displayed()
    correct(chrome, claims[0]["claim_id"], "overstated")
    screenshot(chrome, "report-story.png", tmp_path)
