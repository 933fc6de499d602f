"""The project's site in headless Chromium: figures visible, no console errors, nothing fetched from elsewhere.

Screenshots go to this test's tmp_path and, when KUBEDOCS_SCREENSHOTS=DIR is set, are copied to DIR as well.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from served_directory import served

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


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser") / "site"


@pytest.fixture(scope="module")
def base_url(site_dir):
    out = site_dir
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=REPO,
                           capture_output=True, text=True, timeout=600,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stdout + build.stderr
    with served(out) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(playwright_session):
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


class Visit:
    """One browser context: every request and every console error or page error is recorded."""

    def __init__(self, browser, base_url: str, **context_options) -> None:
        self.base_url = base_url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        context_options.setdefault("viewport", {"width": 1280, "height": 900})
        self.context = browser.new_context(locale="ko-KR", **context_options)
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.on("requestfailed", lambda request: self.failed.append(f"{request.url}: {request.failure}"))
        self.context.on("response", lambda response: self.failed.append(f"{response.url}: {response.status}")
                        if response.status >= 400 else None)
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


def _assert_clean(visit: Visit, searched: bool = True) -> None:
    assert not visit.errors, visit.errors
    assert not visit.failed, visit.failed
    assert not visit.external_requests(), visit.external_requests()
    if searched:
        assert any(url.endswith("search/search_index.json") for url in visit.requests), "search loads its index"


def _assert_figures_visible(page) -> None:
    figures = page.locator("figure.kubedocs-figure")
    assert figures.count() == 4
    for index in range(4):
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


def _pages(site_dir: Path) -> list[str]:
    """Every page of the built site, as a path under the base URL."""
    return sorted(str(index.parent.relative_to(site_dir)).replace(".", "") + "/" if index.parent != site_dir else ""
                  for index in site_dir.rglob("index.html") if "404" not in index.parts)


# For each figure: its SVG's size on the page and every label that leaves the union of its box's outlines.
_FIGURE_GEOMETRY = """figure => {
    const svg = figure.querySelector(".kubedocs-svg > svg");
    const box = svg.getBoundingClientRect();
    const spills = [];
    for (const node of svg.querySelectorAll("g.node")) {
        const shapes = [...node.querySelectorAll("polygon, path, ellipse, polyline, rect")].map(s => s.getBBox());
        if (!shapes.length) continue;
        const left = Math.min(...shapes.map(b => b.x)), top = Math.min(...shapes.map(b => b.y));
        const right = Math.max(...shapes.map(b => b.x + b.width));
        const bottom = Math.max(...shapes.map(b => b.y + b.height));
        for (const text of node.querySelectorAll("text")) {
            const t = text.getBBox();
            if (!text.textContent.trim()) continue;
            if (t.x < left - 1 || t.y < top - 1 || t.x + t.width > right + 1 || t.y + t.height > bottom + 1) {
                spills.push(node.querySelector("title").textContent + ": " + text.textContent);
            }
        }
    }
    return {width: box.width, height: box.height, spills: spills};
}"""


def test_every_page_loads_clean_and_every_figure_is_drawn(visit, site_dir, screenshot):
    pages = _pages(site_dir)
    assert "04-objects/" in pages and "glossary/" in pages and len(pages) >= 10, pages
    browser = visit()
    figures_seen = 0
    for path in pages:
        browser.open(path)
        figures = browser.page.locator("figure.kubedocs-figure")
        for index in range(figures.count()):
            figure = figures.nth(index)
            assert figure.get_attribute("data-kd-ready") is not None, f"{path}: the script set up figure {index}"
            geometry = figure.evaluate(_FIGURE_GEOMETRY)
            assert geometry["width"] > 50 and geometry["height"] > 20, (path, index, geometry)
            assert geometry["spills"] == [], (path, index, geometry["spills"])
            figures_seen += 1
        screenshot(browser.page, f"page-{path.strip('/') or 'home'}.png", full_page=True)
    built = sum(path.read_text(encoding="utf-8").count('<figure class="kubedocs-figure"')
                for path in site_dir.rglob("index.html"))
    assert figures_seen == built and built >= 15
    _assert_clean(browser, searched=False)


def _deployment(page, name: str = "web"):
    title = f"Deployment/shop/{name}"
    return page.locator("figure.kubedocs-figure").first.locator(f"g.node:has(> title:text-is('{title}'))")


def test_hovering_a_box_shows_its_tooltip(visit, screenshot):
    browser = visit()
    browser.open("04-objects/")
    page = browser.page
    figure = page.locator("figure.kubedocs-figure").first
    node = _deployment(page)
    node.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 250)")  # leave room above the box for the page's header
    node.hover()
    tooltip = figure.locator("[role=tooltip]")
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    for expected in ("Deployment", "shop", "web", "manifests/sample-app/20-web.yaml:", "replicas", "2",
                     "nginx:1.27", "8080/TCP", "app.kubernetes.io/name=web"):
        assert expected in text, (expected, text)
    screenshot(page, "figure-tooltip.png")  # the page as it is: an element screenshot would scroll the box away
    # the keyboard gets the same tooltip
    page.mouse.move(0, 0)
    tooltip.wait_for(state="hidden")
    node.locator("a").focus()
    tooltip.wait_for(state="visible")
    # a Secret's tooltip names it, never a value
    secret = figure.locator("g.node:has(> title:text-is('Secret/shop/api-db'))")
    secret.hover()
    secret_text = tooltip.inner_text()
    assert "api-db" in secret_text and "password" not in secret_text.lower()
    manifest = (REPO / "manifests" / "sample-app" / "30-api.yaml").read_text(encoding="utf-8")
    assert "stringData" in manifest or "data:" in manifest
    _assert_clean(browser)


def test_pointing_at_a_link_says_what_it_joins(visit, screenshot):
    """A link's tooltip (issue 18: "edges have no tooltip"): its kind as the legend says it, its ends by name and its
    label; the wide invisible copy of its line takes the pointer a few px off the line."""
    browser = visit()
    browser.open("04-objects/")
    page = browser.page
    figure = page.locator("figure.kubedocs-figure").first
    edge = figure.locator("g.edge:has(> title:text-is('Ingress/shop/shop->Service/shop/api'))")
    edge.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 250)")
    line = edge.locator("path:not(.kubedocs-hit)").first
    box = line.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 3)  # 3 px off a level line
    tooltip = figure.locator("[role=tooltip]")
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    legend = figure.locator(".kubedocs-legend").inner_text()
    kind = text.split("\n")[0]
    assert kind and kind in legend, (text, legend)  # the legend's word for it, in the page's language
    assert "shop → " in text and "api" in text and ":8080" in text, text
    screenshot(page, "link-tooltip.png")
    page.mouse.move(0, 0)
    tooltip.wait_for(state="hidden")
    _assert_clean(browser)


def test_clicking_a_deployment_opens_its_manifest(visit, screenshot):
    browser = visit()
    browser.open("04-objects/")
    page = browser.page
    node = _deployment(page, "api")
    node.scroll_into_view_if_needed()
    node.locator("a").click()
    target = page.locator(".kubedocs-manifest.kubedocs-target")
    target.wait_for(state="visible")
    assert page.evaluate("location.hash") == "#" + target.get_attribute("id")
    text = target.inner_text()
    assert "kind: Deployment" in text and "name: api" in text and "kind: Service" not in text
    assert target.evaluate("element => element.closest('details').open")
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, box
    highlight = target.evaluate("element => getComputedStyle(element).backgroundColor")
    assert highlight not in ("rgba(0, 0, 0, 0)", "transparent"), highlight
    screenshot(page, "manifest-highlighted.png")
    _assert_clean(browser)


@pytest.mark.skipif(shutil.which("kubectl") is None and shutil.which("kustomize") is None,
                    reason="neither kubectl nor kustomize is installed")
def test_clicking_a_box_drawn_from_an_overlays_base_opens_the_base_files_document(chromium, tmp_path, sites):
    """tests/site/overlay: a figure of `overlays/prod`, whose Deployment comes from `../../base`."""
    site = tmp_path / "overlay"
    shutil.copytree(REPO / "tests" / "site" / "overlay", site, ignore=shutil.ignore_patterns(".cache", "site"))
    build = sites.build(site, tmp_path / "out")
    assert build.returncode == 0, build.log
    with served(tmp_path / "out") as url:
        browser = Visit(chromium, url)
        try:
            browser.open()
            page = browser.page
            node = page.locator("figure.kubedocs-figure g.node:has(> title:text-is('Deployment/prod/web'))")
            node.scroll_into_view_if_needed()
            node.locator("a").click()
            target = page.locator(".kubedocs-manifest.kubedocs-target")
            target.wait_for(state="visible")
            assert page.evaluate("location.hash") == "#" + target.get_attribute("id")
            text = target.inner_text()
            assert "kind: Deployment" in text and "replicas: 1" in text and "kind: ServiceAccount" not in text
            heading = target.evaluate("element => element.closest('pre').previousElementSibling.textContent")
            assert heading == "manifests/base/deployment.yaml"
            _assert_clean(browser)
        finally:
            browser.close()


def test_zoom_buttons_wheel_and_drag(visit):
    browser = visit()
    browser.open("04-objects/")
    page = browser.page
    figure = page.locator("figure.kubedocs-figure").first
    figure.scroll_into_view_if_needed()
    scale = lambda: float(figure.get_attribute("data-kd-scale"))  # noqa: E731
    start = scale()
    figure.locator("button[data-kd-action=zoom-in]").click()
    assert scale() > start
    figure.locator("button[data-kd-action=reset]").click()
    assert scale() == 1  # 1:1, the natural size
    viewport = figure.locator(".kubedocs-svg")
    box = viewport.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"], 400) / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    page.wait_for_function("([figure, start]) => parseFloat(figure.getAttribute('data-kd-scale')) > start",
                           arg=[figure.element_handle(), start])
    figure.locator("button[data-kd-action=fit]").click()
    assert scale() <= 1
    figure.locator("button[data-kd-action=zoom-in]").click()
    figure.locator("button[data-kd-action=zoom-in]").click()
    before = viewport.evaluate("element => element.scrollLeft")
    x, y = box["x"] + box["width"] - 40, box["y"] + 60
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 200, y, steps=5)
    page.mouse.up()
    assert viewport.evaluate("element => element.scrollLeft") > before
    _assert_clean(browser)


def test_phone_width_figures_stay_in_the_page_and_zoom_to_readable_text(visit, screenshot):
    browser = visit(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)
    browser.open("04-objects/")
    page = browser.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    figures = page.locator("figure.kubedocs-figure")
    for index in range(figures.count()):
        box = figures.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (index, box)
    figure = figures.first
    figure.scroll_into_view_if_needed()
    screenshot(page, "phone.png")
    name = figure.locator("g.node.workload text[font-weight=bold]").first
    # a two-finger pinch zooms in
    start = float(figure.get_attribute("data-kd-scale"))
    centre = figure.locator(".kubedocs-svg").bounding_box()
    cx, cy = centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2
    session = page.context.new_cdp_session(page)

    def touch(kind: str, spread: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": cx - spread, "y": cy, "id": 1},
                                                {"x": cx + spread, "y": cy, "id": 2}]
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 20)
    for spread in range(30, 120, 10):
        touch("touchMove", spread)
    touch("touchEnd", 0)
    assert float(figure.get_attribute("data-kd-scale")) > start * 2
    while name.bounding_box()["height"] < 12 and float(figure.get_attribute("data-kd-scale")) < 4:
        figure.locator("button[data-kd-action=zoom-in]").click()
    assert name.bounding_box()["height"] >= 12, "zoomed, the text is readable"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "zooming never widens the page"
    name.scroll_into_view_if_needed()  # pans the figure (and the page) to the box
    screenshot(page, "phone-zoomed.png")
    _assert_clean(browser)


@pytest.mark.parametrize(("term", "section"), [
    ("파드", "04-objects/#pod"), ("디플로이먼트", "04-objects/#deployment"), ("서비스", "04-objects/#service"),
    ("컨테이너", "01-container/#container"), ("사이드카", "05-pod/#sidecar-containers"),
    ("초기화 컨테이너", "05-pod/#init-container")])
def test_korean_search_terms_find_their_sections(visit, term, section):
    browser = visit()
    browser.open()
    page = browser.page
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    results = page.locator(".md-search-result__item a")
    deadline = time.monotonic() + 20
    while results.count() == 0 and time.monotonic() < deadline:
        search.fill(term)
        search.press("End")
        page.wait_for_timeout(500)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    glossary = [href for href in hrefs if "glossary/" in href]
    assert glossary, hrefs
    page.locator(f".md-search-result__item a[href='{glossary[0]}']").first.click()
    page.wait_for_url("**/glossary/**")
    heading = page.locator(f"h2[id^='{term.replace(' ', '-')}-']")  # its own section, not a longer term's
    links = heading.evaluate("""heading => {
        const found = [];
        for (let e = heading.nextElementSibling; e && e.tagName !== "H2"; e = e.nextElementSibling) {
            found.push(...[...e.querySelectorAll("a")].map(a => a.getAttribute("href")));
        }
        return found;
    }""")
    assert any(link.endswith(section) for link in links), links
    _assert_clean(browser)


def test_the_reports_numbered_lists_keep_their_numbers(visit):
    browser = visit()
    for path, first in (("02-background/", "Service discovery"), ("04-objects/", "ClusterIP"),
                        ("05-pod/", "Volume내의 파일들을 초기화")):
        browser.open(path)
        item = browser.page.locator(f"ol > li:has-text('{first}')").first
        style = item.evaluate("li => getComputedStyle(li.parentElement).listStyleType")
        assert style == "decimal", (path, style)
    _assert_clean(browser, searched=False)


def test_instant_navigation_sets_up_the_next_pages_figures(visit):
    browser = visit()
    browser.open()
    page = browser.page
    page.locator("nav.md-nav a[href$='05-pod/']").first.click()
    page.wait_for_url("**/05-pod/")
    figure = page.locator("figure.kubedocs-figure").first
    figure.wait_for()
    page.wait_for_function("() => document.querySelector('figure.kubedocs-figure[data-kd-ready]') !== null")
    assert figure.locator(".kubedocs-controls").is_visible()
    figure.locator("g.node a").first.hover()
    figure.locator("[role=tooltip]").wait_for(state="visible")
    _assert_clean(browser)


def _declared_figures() -> list[tuple[str, int, str]]:
    """Every figure the project's pages declare, as (page path under the base URL, index on the page, caption)."""
    from gen.site.blocks import find_blocks, parse_spec

    figures = []
    for page in sorted((REPO / "docs").glob("*.md")):
        path = "" if page.stem == "index" else f"{page.stem}/"
        for index, block in enumerate(find_blocks(page.read_text(encoding="utf-8"))):
            figures.append((path, index, parse_spec(block.body).caption))
    return figures


# Figures still too wide to open readable at 1280 px: those issue 16 gives to other parts of the work, re-laid out
# there (a narrower layout, detail moved to tooltips), and three nobody has narrowed yet. Remove an entry when its
# figure passes.
KNOWN_UNREADABLE: dict[tuple[str, int], str] = {
}
SMALLEST_LABEL = 10  # px, any label of a figure as it opens at 1280 px
SMALLEST_NAME = 11  # px, a box's name (bold)

# A figure as it opened: its scale, how far its drawing runs past the column, and its smallest label and name in
# px (the computed font size times the drawing's px per SVG unit). Blank text (a spacer line) is no label.
_OPENED = """figure => {
    const viewport = figure.querySelector(".kubedocs-svg");
    const svg = viewport.querySelector("svg");
    const perUnit = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    let smallest = Infinity, name = Infinity, smallestText = "", nameText = "";
    for (const text of svg.querySelectorAll("text")) {
        if (!text.textContent.trim()) continue;
        const style = getComputedStyle(text);
        const size = parseFloat(style.fontSize) * perUnit;
        if (size < smallest) { smallest = size; smallestText = text.textContent; }
        if (parseInt(style.fontWeight, 10) >= 600 && size < name) { name = size; nameText = text.textContent; }
    }
    return {scale: parseFloat(figure.getAttribute("data-kd-scale")),
            overflow: viewport.scrollWidth - viewport.clientWidth, column: viewport.clientWidth,
            smallest: smallest, smallestText: smallestText, name: name, nameText: nameText,
            caption: (figure.querySelector("figcaption") || {}).textContent || ""};
}"""


def _figure_params() -> list:
    params = []
    for path, index, caption in _declared_figures():
        known = KNOWN_UNREADABLE.get((path, index))
        marks = [pytest.mark.xfail(reason=f"{known}: not yet narrow enough (issue 16)", strict=False)
                 ] if known else []
        params.append(pytest.param(path, index, caption, id=f"{path.strip('/') or 'home'}-{index + 1}", marks=marks))
    return params


@pytest.mark.parametrize(("path", "index", "caption"), _figure_params())
def test_every_figure_opens_fitted_to_the_column_and_readable(visit, path, index, caption):
    """At 1280 px every figure opens fitted to the text column (nothing to pan sideways) with every label at 10 px
    or more and every name at 11 px or more; a failure names the page, the figure and its caption."""
    browser = visit()
    browser.open(path)
    figure = browser.page.locator("figure.kubedocs-figure").nth(index)
    opened = figure.evaluate(_OPENED)
    where = f"{path or 'home'} figure {index + 1} «{caption}»"
    assert opened["caption"] == caption, (where, opened["caption"])
    assert opened["overflow"] <= 1, f"{where}: {opened['overflow']:.0f} px past the {opened['column']} px column"
    assert opened["scale"] <= 1 + 1e-3, f"{where}: opens larger than its natural size ({opened['scale']})"
    assert opened["smallest"] >= SMALLEST_LABEL - 0.05, (
        f"{where}: opens at scale {opened['scale']} with the label «{opened['smallestText']}» at "
        f"{opened['smallest']:.1f} px (< {SMALLEST_LABEL})")
    assert opened["name"] >= SMALLEST_NAME - 0.05, (
        f"{where}: opens at scale {opened['scale']} with the name «{opened['nameText']}» at {opened['name']:.1f} px "
        f"(< {SMALLEST_NAME})")


def test_figures_open_fitted_and_one_to_one_is_the_natural_size(visit):
    """A figure wider than the column opens fitted to it (scale = column / natural width); "1:1" shows it at its
    natural size, dot's points as CSS px × 4/3, and "fit" brings it back."""
    # Figure 15 in a 640 px window (wider than a phone's): at 1280 px it now fits the column as it is.
    browser = visit(viewport={"width": 640, "height": 900})
    browser.open("07-lifecycle/")
    figure = browser.page.locator("figure.kubedocs-figure").last
    figure.scroll_into_view_if_needed()
    size = """figure => {
        const viewport = figure.querySelector(".kubedocs-svg"), svg = viewport.querySelector("svg");
        return {width: svg.getBoundingClientRect().width, natural: svg.viewBox.baseVal.width * 4 / 3,
                column: viewport.clientWidth, scrollWidth: viewport.scrollWidth,
                scale: parseFloat(figure.getAttribute("data-kd-scale"))};
    }"""
    opened = figure.evaluate(size)
    assert opened["natural"] > opened["column"], opened  # a wide figure: it must be scaled down to fit
    assert abs(opened["width"] - opened["column"]) <= 1 and opened["scrollWidth"] <= opened["column"] + 1, opened
    assert abs(opened["scale"] - opened["column"] / opened["natural"]) < 2e-3, opened
    figure.locator("button[data-kd-action=reset]").click()
    natural = figure.evaluate(size)
    assert natural["scale"] == 1 and abs(natural["width"] - natural["natural"]) <= 1, natural
    assert figure.get_attribute("data-kd-pans") is not None
    figure.locator("button[data-kd-action=fit]").click()
    assert abs(figure.evaluate(size)["width"] - opened["column"]) <= 1
    # a figure narrower than the column opens at its natural size, never enlarged
    small = browser.page.locator("figure.kubedocs-figure").first
    assert small.evaluate(size)["scale"] <= 1
    _assert_clean(browser)


def test_on_a_phone_a_wide_figure_opens_readable_and_says_that_it_pans(visit, screenshot):
    browser = visit(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)
    browser.open("07-lifecycle/")
    page = browser.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for figure in page.locator("figure.kubedocs-figure").all():
        opened = figure.evaluate(_OPENED)
        assert opened["smallest"] >= 9 - 0.05, opened
        hint = figure.locator(".kubedocs-pan-hint")
        assert hint.is_visible() == (opened["overflow"] > 1), opened
    figure = page.locator("figure.kubedocs-figure").last
    figure.scroll_into_view_if_needed()
    assert figure.locator(".kubedocs-pan-hint").is_visible()
    screenshot(page, "phone-lifecycle.png")
    _assert_clean(browser)


# A reader without NanumBarunGothic: what the SVG's font list gives them instead, forced (a wider CJK font).
_WIDER_FONT = "NanumGothicCoding"


def test_labels_stay_in_their_boxes_whatever_cjk_font_the_reader_has(visit):
    """The site ships the font dot lays labels out with (a subset of NanumBarunGothic): with the SVG asking for a
    wider font, every label still stays inside its box. Without the shipped font (the same wider font forced on
    the text) labels leave their boxes: the measure sees what it is meant to."""
    browser = visit()
    page = browser.page
    spills_without = []
    for path in ("01-container/", "05-pod/"):
        browser.open(path)
        page.evaluate("""font => { for (const text of document.querySelectorAll(".kubedocs-figure svg text"))
                                   text.setAttribute("font-family", font); }""", _WIDER_FONT)
        page.evaluate("document.fonts.ready")
        assert page.evaluate("""() => [...document.fonts].filter(f => f.family.replace(/"/g, "") === "Kubedocs Hangul"
                                                                 && f.status === "loaded").length""") >= 1
        for figure in page.locator("figure.kubedocs-figure").all():
            assert figure.evaluate(_FIGURE_GEOMETRY)["spills"] == [], path
        page.add_style_tag(content=f".kubedocs-figure svg text {{ font-family: {_WIDER_FONT} !important; }}")
        page.wait_for_timeout(100)
        for figure in page.locator("figure.kubedocs-figure").all():
            spills_without.extend(figure.evaluate(_FIGURE_GEOMETRY)["spills"])
    assert spills_without, "a wider font without the shipped one moves labels out of their boxes"
    _assert_clean(browser, searched=False)


def test_a_tall_figure_opens_whole(visit):
    """Figure 15 is taller than the window: as it opens it shows whole (the page scrolls, not the figure), so its
    Termination Stage is not cut off; zoomed in, it keeps to the window's height and pans inside."""
    browser = visit()
    browser.open("07-lifecycle/")
    figure = browser.page.locator("figure.kubedocs-figure").last
    figure.scroll_into_view_if_needed()
    heights = """figure => { const v = figure.querySelector(".kubedocs-svg");
        return {client: v.clientHeight, scroll: v.scrollHeight, window: window.innerHeight}; }"""
    opened = figure.evaluate(heights)
    assert opened["scroll"] <= opened["client"] + 1 and opened["client"] > opened["window"] * 0.85, opened
    figure.locator("button[data-kd-action=zoom-in]").click()
    zoomed = figure.evaluate(heights)
    assert zoomed["client"] <= zoomed["window"] * 0.85 + 1 < zoomed["scroll"], zoomed


def test_microservices_demo_in_a_plain_english_site_opens_readable(chromium, corpus, tmp_path, screenshot,
                                                                    sites):
    """A user's 35-object application (microservices-demo) in a plain English Material site, its figure left to
    gen: an overview of its applications and a figure per application, every one opening fitted to the column at
    1280 px with labels of 10 px or more and names of 11 px or more."""
    site = tmp_path / "demo"
    shutil.copytree(corpus / "microservices-demo-release" / "release", site / "manifests")
    (site / "docs").mkdir()
    (site / "mkdocs.yml").write_text("site_name: demo\ntheme: {name: material, font: false}\n"
                                     "plugins: [search, kubedocs]\n", encoding="utf-8")
    (site / "docs" / "index.md").write_text(
        "# Online Boutique\n\n```kubedocs\nmanifests: [kubernetes-manifests.yaml, istio-manifests.yaml]\n"
        "caption: Online Boutique\n```\n", encoding="utf-8")
    build = sites.build(site, tmp_path / "out")
    assert build.returncode == 0, build.log
    with served(tmp_path / "out") as url:
        browser = Visit(chromium, url)
        try:
            browser.open()
            page = browser.page
            page.evaluate("() => document.querySelectorAll('details.kubedocs-split').forEach(d => d.open = true)")
            figures = page.locator("figure.kubedocs-figure")
            count = figures.count()
            assert count >= 12, count  # the overview and a figure per application
            page.wait_for_function(f"() => document.querySelectorAll('figure.kubedocs-figure[data-kd-ready]')"
                                   f".length >= {count}")
            page.set_viewport_size({"width": 1280, "height": 900})  # opened details: fit them again
            page.wait_for_timeout(300)
            failures = []
            for index in range(count):
                opened = figures.nth(index).evaluate(_OPENED)
                where = f"figure {index + 1} «{opened['caption']}»"
                if opened["overflow"] > 1:
                    failures.append(f"{where}: {opened['overflow']:.0f} px past the column")
                if opened["smallest"] < SMALLEST_LABEL - 0.05 or opened["name"] < SMALLEST_NAME - 0.05:
                    failures.append(f"{where}: «{opened['smallestText']}» at {opened['smallest']:.1f} px, "
                                    f"«{opened['nameText']}» at {opened['name']:.1f} px")
            screenshot(figures.first, "microservices-demo-overview.png")
            assert not failures, failures
        finally:
            browser.close()
