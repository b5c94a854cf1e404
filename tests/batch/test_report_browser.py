"""report.html in a real headless browser (Debian's chromium, driven by Playwright): it loads
from the output folder with no network and no console error, its math is typeset, and a
screenshot is written.  Skipped where chromium or Playwright is not installed."""
from __future__ import annotations

import shutil

import pytest

from tests.batch.classroom import write_class
from tests.helpers import REFERENCE_GD, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    wrong = REFERENCE_GD + '\nq1a = ("2aw1", "2 b w_2")\nq1d = "0 < eta <= 2/max(a, b)"\n'
    write_class(base / "export", [{"answers.py": REFERENCE_GD}, {"answers.py": wrong},
                                  {"answers.py": wrong + "\nq2a = '$</script><b>x</b>'\n"}])
    done = run_cli("regrade", "gd", str(base / "export"), "--out", str(base / "out"))
    assert done.returncode == 0, done.stderr
    return base / "out" / "report.html"


def test_the_report_needs_no_network_and_escapes_what_students_wrote(report):
    text = report.read_text()
    assert "MathJax" in text and "<script src" not in text and "http" not in text.split(
        "<body")[1].split("MathJax")[0]
    assert "$&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text
    assert "id='sub-submission_1001'" in text and "href='#sub-submission_1001'" in text


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_report_loads_in_chromium_with_its_math_typeset(report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("http*://**", lambda route: (errors.append(route.request.url),
                                                    route.abort()))
            page.goto(report.as_uri())
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.document "
                                   "&& document.querySelector('mjx-container')", timeout=60_000)
            page.evaluate("MathJax.startup.promise")
            typeset = page.locator("mjx-container").count()
            page.locator("details#sub-submission_1001 summary").click()
            visible = page.locator("details#sub-submission_1001 table").is_visible()
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert not errors, errors
    assert typeset >= 7            # each question's groups, typeset from the grader's reading
    assert visible                 # the drill-down opens on the submission's results
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
