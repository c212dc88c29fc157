"""Shared helpers for tests that open report pages in a real headless Chromium (Selenium).

Needs Debian's chromium and chromium-driver (``make test`` installs them). Import the ``driver``
fixture into a test module (``from browser import driver``) to use it there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")

# What a hostile page would do if any of its markup ran: tests look for each of these.
PWNED = "pwned"  # document.title it would set, window.pwned it would define, #pwned element it would add


def start_chrome(profile_dir: Path, prefs: dict | None = None):
    """A headless Chromium driven by Selenium, as the probe starts it (no background networking)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: run `make test` (which installs chromium and chromium-driver)")
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", f"--user-data-dir={profile_dir}"):
        options.add_argument(arg)
    options.binary_location = str(CHROMIUM)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    drv = start_chrome(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield drv
    finally:
        drv.quit()


def open_page(driver, path: Path) -> str:
    """Load a page from file://; return its <title> as written in the file."""
    import lxml.html

    driver.get(path.as_uri())
    return lxml.html.fromstring(path.read_text(encoding="utf-8")).findtext(".//title")


def assert_inert(driver, expected_title: str, *, allow_csp_reports: bool = True):
    """Nothing on the open page ran: no alert, title as written, no injected elements, handlers or globals.

    ``allow_csp_reports=False`` also fails when the Content-Security-Policy had to block something,
    i.e. when escaping alone did not keep hostile markup out of the page.
    """
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - raises when no alert is open
    assert driver.title == expected_title != PWNED
    # the only scripts allowed: the report's review loop and its JSON data block (pipeline/report.py)
    assert driver.execute_script("return document.querySelectorAll("
                                 "'script:not(#claimcheck-review):not(#claimcheck-data), img, iframe, object').length") == 0
    found = driver.execute_script("""
        return {
          global: typeof window.pwned !== 'undefined',
          marker: document.getElementById('pwned') !== null,
          handlers: Array.from(document.querySelectorAll('*')).flatMap(
            el => Array.from(el.attributes).filter(a => a.name.toLowerCase().startsWith('on')).map(a => a.name)),
          hrefs: Array.from(document.querySelectorAll('[href]')).map(el => el.getAttribute('href'))
            .filter(h => !/^(https?:|#|articles\\/|stories\\/|\\.\\.\\/|index\\.html|[A-Za-z0-9_-]+\\.html)/i.test(h.trim())),
          base: document.querySelectorAll('base, form, meta[http-equiv=refresh i]').length,
        };""")
    assert found == {"global": False, "marker": False, "handlers": [], "hrefs": [], "base": 0}
    log = driver.get_log("browser")
    errors = [e["message"] for e in log
              if e["level"] == "SEVERE" and (allow_csp_reports is False or "Content Security Policy" not in e["message"])]
    assert errors == []


def screenshot(driver, name: str, tmp_path: Path):
    out = Path(os.environ.get("CLAIMCHECK_SCREENSHOT_DIR") or tmp_path)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(height + 140, 6000))
    driver.save_screenshot(str(out / name))
    driver.set_window_size(1280, 900)
