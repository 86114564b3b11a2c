"""The HTML report in a real browser: headless Chromium reads the figures, logs no error, fetches nothing.

Uses Debian's chromium and chromedriver (``.ci/run`` installs them); on a
developer machine without them the test is skipped, under CI it must run.
The screenshot and the PDF are kept in ``test-artifacts/``.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
XINZHOU = "samples/004_e8e37e86adf54229.txt"
CAR = f"{XINZHOU}#2"  # 更新公务用车
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser test: chromium and chromedriver are missing (see .ci/run)")
    pytest.skip("chromium and chromedriver are not installed on this machine", allow_module_level=True)

from selenium import webdriver  # noqa: E402  (only where a browser exists)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(cli, ["report", XINZHOU, "-o", str(out), "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _field(browser, assessment: str, field: str) -> str:  # type: ignore[no-untyped-def]
    selector = f'[data-assessment="{assessment}"] [data-field="{field}"]'
    return browser.find_element(By.CSS_SELECTOR, selector).text.strip()


def test_the_rendered_page_shows_the_rescored_figures(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    browser.get(report.as_uri())
    assert _field(browser, CAR, "stated-total") == "93"
    assert _field(browser, CAR, "stated-grade") == "优"
    assert _field(browser, CAR, "recomputed-total") == "89.09"
    assert _field(browser, CAR, "recomputed-grade") == "良"
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "report.png"))
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_no_console_error_and_no_network_request(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    browser.get("about:blank")
    browser.get_log("browser"), browser.get_log("performance")  # drain what start-up logged (the new-tab page)
    browser.get(report.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    requested = re.findall(r'"Network\.requestWillBeSent".*?"url":"([^"]+)"', str(browser.get_log("performance")))
    outside = [url for url in requested if not url.startswith(("file:", "data:", "about:"))]
    assert outside == []


def test_the_print_layout_puts_each_assessment_on_its_own_pages(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    browser.get(report.as_uri())
    pdf = base64.b64decode(
        browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})[
            "data"
        ]
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    sections = len(browser.find_elements(By.CSS_SELECTOR, "[data-assessment]"))
    assert sections == 6  # the six self-assessment tables of the 忻州 disclosure
    assert pages >= sections + 1  # a cover, then a page break before every assessment


def test_the_first_printed_page_holds_the_conclusion(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 12's first page: the grade change of 更新公务用车 with L201, the 特需业务经费 weights, the
    department's budget against the 决算 (200.701万 executed 196.409万, 决算 233.63万), both seeds."""
    out = tmp_path / "两份.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(cli, ["report", "samples/000_edba66f1e8899577.txt", XINZHOU, "-o", str(out)])
    assert result.exit_code == 0, result.output
    browser.get(out.as_uri())
    a4 = {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True}
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", a4)["data"])
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first = re.sub(r"\s+", "", document.pages[0].extract_text() or "")
    assert "更新公务用车：公布93优→重算89.09良（等级改变）" in first
    assert "L201跟踪反馈机制健全：实际完成值≥10%未达到指标值≥100%，却得满分10" in first
    assert "特需业务经费：公布90优→重算100优" in first and "分值合计为90，应为100" in first
    assert "全年预算数200.701万元、执行数196.409万元，决算表为2336287.41元（233.6287万元" in first


def test_nothing_is_wider_than_an_a4_page(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    """Printed on A4 (190 mm between the margins: 718 CSS pixels), no table is clipped: long cells wrap."""
    browser.set_window_size(718 + 16, 2000)  # the margins of the body
    try:
        browser.get(report.as_uri())
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        overflowing = browser.execute_script(
            "return [...document.querySelectorAll('table')]"
            ".filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
            ".map(t => t.dataset.table || t.className)"
        )
        assert overflowing == []
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.set_window_size(1280, 2000)
