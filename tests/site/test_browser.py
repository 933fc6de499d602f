"""The project's site in headless Chromium: figures visible, no console errors, nothing fetched from elsewhere.

Screenshots go to this test's tmp_path and, when KUBEDOCS_SCREENSHOTS=DIR is set, are copied to DIR as well.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    if shutil.which("dot") is None:
        return "Graphviz `dot` is not on PATH"
    return None


pytestmark = [pytest.mark.browser, pytest.mark.exe, pytest.mark.skipif(_missing() is not None,
                                                                       reason=_missing() or "")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "site"
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=REPO,
                           capture_output=True, text=True, timeout=600,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stdout + build.stderr
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"http.server on port {port} did not start")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Visit:
    """One browser context: every request and every console error or page error is recorded."""

    def __init__(self, browser, base_url: str, **context_options) -> None:
        self.base_url = base_url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR",
                                           **context_options)
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._only_local)  # record, and never let a request leave the machine
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    @staticmethod
    def _only_local(route) -> None:
        if _is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def open(self, path: str = "") -> None:
        self.page.goto(self.base_url + path, wait_until="networkidle")

    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not _is_local(url)]

    def close(self) -> None:
        self.context.close()


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS


@pytest.fixture
def visit(chromium, base_url):
    visits: list[Visit] = []

    def make(**context_options) -> Visit:
        visits.append(Visit(chromium, base_url, **context_options))
        return visits[-1]

    yield make
    for opened in visits:
        opened.close()


@pytest.fixture
def screenshot(tmp_path):
    """Save a screenshot (of a page or an element) to tmp_path, and to $KUBEDOCS_SCREENSHOTS when set."""
    extra = os.environ.get("KUBEDOCS_SCREENSHOTS")

    def save(target, name: str, **options) -> Path:
        path = tmp_path / name
        target.screenshot(path=str(path), **options)
        assert path.stat().st_size > 1000
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, Path(extra) / name)
        return path

    return save


def _assert_clean(visit: Visit) -> None:
    assert not visit.errors, visit.errors
    assert not visit.external_requests(), visit.external_requests()
    assert any(url.endswith("search/search_index.json") for url in visit.requests), "search loads its index"


def _assert_figures_visible(page) -> None:
    figures = page.locator("figure.kubedocs-figure")
    assert figures.count() == 3
    for index in range(3):
        figure = figures.nth(index)
        figure.scroll_into_view_if_needed()
        svg = figure.locator(".kubedocs-svg > svg")
        box = svg.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, box
        texts = svg.locator("text")
        assert texts.count() > 3
        label = texts.first
        assert label.is_visible()
        label_box = label.bounding_box()
        assert label_box is not None and label_box["width"] > 0 and label_box["height"] > 0
        caption = figure.locator("figcaption")
        assert caption.is_visible() and caption.inner_text().strip()


def test_home_page(visit, screenshot):
    browser = visit()
    browser.open()
    assert "Kubernetes" in browser.page.title()
    screenshot(browser.page, "home.png", full_page=True)
    _assert_clean(browser)


def test_objects_page_figures_are_visible(visit, screenshot):
    browser = visit()
    browser.open("04-objects/")
    _assert_figures_visible(browser.page)
    first = browser.page.locator("figure.kubedocs-figure").first
    first.scroll_into_view_if_needed()
    labels = first.locator(".kubedocs-svg > svg").text_content() or ""
    assert "shop" in labels and "web" in labels and "api" in labels
    screenshot(first, "objects-figure.png")
    _assert_clean(browser)


def test_objects_page_in_dark_mode(visit, screenshot):
    browser = visit(color_scheme="light")
    browser.open("04-objects/")
    page = browser.page
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    figure = page.locator("figure.kubedocs-figure").first
    light = _figure_colours(figure)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    _assert_figures_visible(page)
    figure.scroll_into_view_if_needed()
    # no white panel: the figure and its graph's background show the dark page; boxes and text are restyled
    dark = _figure_colours(figure)
    assert dark["panel"] == "rgba(0, 0, 0, 0)" and dark["background"] in ("transparent", "rgba(0, 0, 0, 0)"), dark
    assert dark["fill"] != light["fill"] and dark["text"] != light["text"], (light, dark)
    assert _luminance(dark["fill"]) < 0.1 < _luminance(light["fill"]), (light, dark)
    assert _luminance(dark["text"]) > 0.5 > _luminance(light["text"]), (light, dark)
    page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert page_background != "rgb(255, 255, 255)", "the page itself is dark"
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(600)  # let the header's title transition finish
    screenshot(page, "objects-dark.png")
    _assert_clean(browser)


def _figure_colours(figure) -> dict[str, str]:
    """Computed colours of a figure: its panel, its graph's background, a Deployment box's fill and its name."""
    return figure.evaluate("""figure => {
        const style = element => getComputedStyle(element);
        const box = figure.querySelector("g.node.workload polygon, g.node.workload path");
        const name = figure.querySelector("g.node.workload text[font-weight=bold]");
        return {panel: style(figure).backgroundColor,
                background: style(figure.querySelector("svg > g.graph > polygon")).fill,
                fill: style(box).fill, text: style(name).fill};
    }""")


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a computed `rgb(r, g, b)` colour."""
    channels = [int(part) / 255 for part in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_dark_system_preference_picks_the_dark_palette(visit):
    browser = visit(color_scheme="dark")
    browser.open("04-objects/")
    assert browser.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    _assert_figures_visible(browser.page)
    _assert_clean(browser)


def test_search_finds_a_korean_word(visit):
    browser = visit()
    browser.open()
    page = browser.page
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    results = page.locator(".md-search-result__item")
    # Material searches on keyup; Playwright enters Hangul as text without key events, so a key press follows.
    # A query made while the search worker still builds its index is dropped, as for a user: make it again.
    deadline = time.monotonic() + 20
    while results.count() == 0 and time.monotonic() < deadline:
        search.fill("컨테이너")
        search.press("End")
        page.wait_for_timeout(500)
    assert results.count() > 0, page.locator(".md-search-result__meta").text_content()
    assert "컨테이너" in results.first.text_content()
    _assert_clean(browser)
