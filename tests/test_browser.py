"""End to end in a real browser: `streamlit run app.py` on a free localhost port, driven by
headless Chromium (Debian's `chromium` package) through Playwright.

It pastes the example draft, waits for the highlights, checks that a blame highlight and a
missing-section entry are visible and that a pasted `<script>` stays inert, then scores a small
archive. Screenshots go to the test's output folder; with PMLINT_UPDATE_SCREENSHOTS=1 they also
replace docs/screenshots/draft-page.png and archive-page.png (the archive screenshot then uses
documents from ../shared/corpus when it is present, for fuller charts).

Skips, saying why, only when Playwright or the Chromium binary is missing. Never run
`playwright install`: the browser comes from the system (apt-get install chromium).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "problematic-llm-support-bot.md"
CORPUS = ROOT.parent / "shared" / "corpus" / "documents"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
UPDATE_SCREENSHOTS = os.environ.get("PMLINT_UPDATE_SCREENSHOTS") == "1"
CHROMIUM = os.environ.get("PMLINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
# Scroll an element to the top of the page, below Streamlit's fixed header.
SCROLL_TO_TOP = """e => {
  e.scrollIntoView({block: 'start'});
  let p = e.parentElement;
  while (p && !(p.scrollHeight > p.clientHeight && getComputedStyle(p).overflowY !== 'visible')) p = p.parentElement;
  (p || document.scrollingElement).scrollBy(0, -70);
}"""
XSS = '\n<script>window.__pmXss = 1; alert("xss")</script>\n<img src=x onerror="window.__pmXss = 2">\n'


def _require_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright is not installed (pip install 'pmlint[browser]'); the browser test needs it")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); the browser test needs it")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    archive = folder / "archive"
    archive.mkdir()
    for f in (ROOT / "examples").glob("*.md"):
        shutil.copy(f, archive / f.name)
    if UPDATE_SCREENSHOTS and CORPUS.is_dir():
        for f in sorted(CORPUS.glob("*.md"))[:60]:
            shutil.copy(f, archive / f"corpus-{f.name}")
    (folder / "pmlint.yaml").write_text(f"app:\n  archive_root: {folder}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(workdir, free_port, wait_healthy):
    _require_browser()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (workdir / "streamlit.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"],
        cwd=ROOT, env={**os.environ, "PMLINT_CONFIG": str(workdir / "pmlint.yaml")}, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(workdir, server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(workdir / "chromium-profile"),  # a fresh user-data dir
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture()
def page(browser, server):
    page = browser.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(server)
    page.get_by_label("Your draft (Markdown or plain text)").wait_for(timeout=60_000)
    yield page
    page.close()


def metric_label(page, label: str):
    """The label of the st.metric called `label` (not any other text that reads the same)."""
    return page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True).first


def paste_and_review(page, text: str) -> None:
    box = page.get_by_label("Your draft (Markdown or plain text)")
    box.fill(text)
    page.get_by_role("button", name="Review the draft").click()


def save(page, name: str, out: Path, *, top: str | None = None, height: int = 1000) -> None:
    """A screenshot in the test's folder, and (PMLINT_UPDATE_SCREENSHOTS=1) in docs/screenshots,
    taller and scrolled so that the element matching the CSS selector `top` is at the top."""
    page.screenshot(path=str(out / name))
    if UPDATE_SCREENSHOTS:
        page.set_viewport_size({"width": 1440, "height": height})
        if top:
            page.locator(top).first.evaluate(SCROLL_TO_TOP)
        page.wait_for_timeout(800)
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SCREENSHOTS / name))
        page.set_viewport_size({"width": 1440, "height": 1000})


def test_pasted_draft_is_marked_up(page, tmp_path):
    paste_and_review(page, EXAMPLE.read_text(encoding="utf-8"))
    blame = page.locator("mark.pm-blame", has_text="Kevin, who pushed the broken prompt").first
    blame.wait_for(state="visible", timeout=60_000)
    blame.scroll_into_view_if_needed()
    assert blame.is_visible()
    banner = page.locator(".pm-banner")
    assert banner.is_visible() and "Model metadata" in banner.inner_text()
    missing = page.get_by_text("✗ Model metadata")
    missing.scroll_into_view_if_needed()
    assert missing.is_visible()
    save(page, "draft-page.png", tmp_path, top='[data-testid="stMetric"]', height=1400)
    assert (tmp_path / "draft-page.png").stat().st_size > 10_000
    # a badge links the highlight to its card in the findings panel
    page.locator("a.pm-badge").first.click()
    assert page.url.endswith("#pm-f-1")
    assert page.locator("#pm-f-1").is_visible()


def test_pasted_script_stays_inert(page, tmp_path):
    paste_and_review(page, EXAMPLE.read_text(encoding="utf-8") + XSS)
    doc = page.locator(".pm-doc")
    doc.wait_for(state="visible", timeout=60_000)
    page.wait_for_function("() => document.querySelector('.pm-doc')?.innerText.includes('window.__pmXss = 2')",
                           timeout=60_000)
    text = doc.inner_text()
    assert '<script>window.__pmXss = 1; alert("xss")</script>' in text
    assert '<img src=x onerror="window.__pmXss = 2">' in text
    assert page.evaluate("() => document.querySelectorAll('.pm-doc script, .pm-doc img, .pm-panel script').length") == 0
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__pmXss") is None
    assert page.dialogs == []  # type: ignore[attr-defined]
    doc.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "script-inert.png"))


def test_archive_page(page, tmp_path):
    from analyzer.app import archive_view

    if archive_view.archive_modules() is None:
        pytest.skip("analyzer.archive.scoring / analyzer.clustering are not importable in this tree")
    page.locator('[data-testid="stSidebar"]').get_by_text("Archive", exact=True).click()
    page.get_by_role("heading", name="Archive: recurring causes").wait_for(timeout=30_000)
    folder = page.get_by_role("textbox", name="Archive folder")
    folder.fill("archive")
    folder.press("Enter")
    button = page.get_by_role("button", name="Score the archive")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Score the archive') && !b.disabled)",
        timeout=30_000,
    )
    button.click()
    try:
        page.get_by_role("heading", name="Recurring causes", exact=True).wait_for(timeout=240_000)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.wait_for(state="attached", timeout=30_000)
        table.scroll_into_view_if_needed()
        assert table.is_visible()
    except Exception:
        page.screenshot(path=str(tmp_path / "archive-page-failure.png"))
        raise
    metric_label(page, "Documents").wait_for(state="visible", timeout=60_000)
    page.wait_for_timeout(1500)  # charts draw after the data arrives
    save(page, "archive-page.png", tmp_path, top='[data-testid="stMetric"]', height=2000)
    assert (tmp_path / "archive-page.png").stat().st_size > 10_000


def test_learning_page(page, tmp_path):
    """The Learning page in a real browser: build the report for the archive folder and see the
    summary, the overdue list and the recurring causes."""
    page.locator('[data-testid="stSidebar"]').get_by_text("Learning", exact=True).click()
    page.get_by_role("heading", name="Learning: are the fixes done, and do causes come back?").wait_for(timeout=30_000)
    folder = page.get_by_role("textbox", name="Archive folder")
    folder.fill("archive")
    folder.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Build the learning report') && !b.disabled)",
        timeout=30_000,
    )
    page.get_by_role("button", name="Build the learning report").click()
    try:
        page.get_by_role("heading", name="Overdue action items").wait_for(timeout=240_000)
        # Under load Streamlit may still be re-sending the run's elements when the heading shows:
        # wait for each metric rather than look once.
        for label in ("Incidents", "Action items done", "Completion rate"):
            metric_label(page, label).wait_for(state="visible", timeout=60_000)
    except Exception:
        page.screenshot(path=str(tmp_path / "learning-page-failure.png"))
        raise
    causes = page.get_by_role("heading", name="Recurring causes")
    causes.scroll_into_view_if_needed()
    assert causes.is_visible()
    page.wait_for_timeout(1000)  # charts draw after the data arrives
    save(page, "learning-page.png", tmp_path, top='[data-testid="stMetric"]', height=1600)
    assert (tmp_path / "learning-page.png").stat().st_size > 10_000
