"""The site of tests/site/test_languages.py, in English and in Korean, in a real browser at 1280 px: English words
are longer than Korean ones, and every English figure still opens with its labels inside their boxes and as
readable as the Korean one (fitted to the text column, labels at 10 px or more, where the Korean one is)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from served_directory import served as serve_directory
from test_browser import (
    _FIGURE_GEOMETRY,
    _OPENED,
    CHROMIUM,
    CHROMIUM_ARGS,
    SMALLEST_LABEL,
    SMALLEST_NAME,
    _missing,
)
from test_languages import _page, _site

pytestmark = [pytest.mark.browser, pytest.mark.exe, pytest.mark.skipif(_missing() is not None,
                                                                       reason=_missing() or "")]
LANGUAGES = ("en", "ko")


@pytest.fixture(scope="module")
def served(sites, tmp_path_factory):
    """Both sites built, served from one folder: /en/ and /ko/."""
    out = tmp_path_factory.mktemp("served")
    for language in LANGUAGES:
        site = _site(tmp_path_factory.mktemp(f"site-{language}"), language, _page())
        build = sites.build(site, out / language)
        assert build.returncode == 0, build.log
    with serve_directory(out) as url:
        yield url


def _opened_figures(browser, url: str) -> list[dict]:
    """Each figure of the page as it opens at 1280 px: its view, scale, overflow, smallest label and name, and the
    labels that leave their boxes."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url, wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        figures = page.locator("figure.kubedocs-figure")
        opened = []
        for index in range(figures.count()):
            figure = figures.nth(index)
            seen = figure.evaluate(_OPENED)
            seen["view"] = figure.get_attribute("data-view")
            seen["spills"] = figure.evaluate(_FIGURE_GEOMETRY)["spills"]
            shots = os.environ.get("KUBEDOCS_SCREENSHOTS")
            if shots and seen["view"] in ("lifecycle", "pod"):
                Path(shots).mkdir(parents=True, exist_ok=True)
                figure.screenshot(path=str(Path(shots) / f"{url.rstrip('/').rsplit('/', 1)[-1]}-{index + 1}.png"))
            opened.append(seen)
        return opened
    finally:
        page.close()


def test_english_figures_open_as_readable_as_the_korean_ones_with_every_label_in_its_box(served, playwright_session):
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    try:
        english, korean = (_opened_figures(browser, f"{served}{language}/") for language in LANGUAGES)
    finally:
        browser.close()
    assert [f["view"] for f in english] == [f["view"] for f in korean] and len(english) > 14
    problems = []
    for index, (en, ko) in enumerate(zip(english, korean, strict=True), start=1):
        where = f"figure {index} «{en['caption']}»"
        problems.extend(f"{where}: {spill} leaves its box" for spill in en["spills"])
        if en["overflow"] > max(1, ko["overflow"]):
            problems.append(f"{where}: {en['overflow']:.0f} px past the column (Korean: {ko['overflow']:.0f})")
        for key, text, smallest in (("smallest", "smallestText", SMALLEST_LABEL), ("name", "nameText", SMALLEST_NAME)):
            if en[key] < min(smallest, ko[key]) - 0.05:
                problems.append(f"{where}: «{en[text]}» at {en[key]:.1f} px (Korean: {ko[key]:.1f} px)")
    assert not problems
    # What the measure sees: the lifecycle and pod figures open readable in English as in Korean.
    assert all(f["smallest"] >= SMALLEST_LABEL - 0.05 for f in english if f["view"] in ("lifecycle", "pod"))
