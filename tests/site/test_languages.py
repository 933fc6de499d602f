"""Every figure word in the site's language: an English Material site drawing every view of the project's
manifests/ shows no Hangul in any figure text (the drawing, its tooltips, legend, caption, text alternative and
source view) but names taken from the manifests; a Korean site keeps the report's Korean words."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from gen.views import VIEWS

pytestmark = pytest.mark.exe  # skipped without dot, except in CI (tests/conftest.py)

REPO = Path(__file__).resolve().parents[2]
HANGUL = re.compile("[\uac00-\ud7a3]")
# One figure of every view, each over the project's manifests that suit it (as docs/ declares them).
FIGURES: dict[str, str] = {
    "topology": "sample-app/", "network": "service-types/", "storage": "sample-app/", "policy": "sample-app/",
    "pod": "volumes/", "images": "sample-app/", "lifecycle": "lifecycle/web.yaml", "states": "lifecycle/web.yaml",
    "phases": "lifecycle/web.yaml", "conditions": "lifecycle/web.yaml",
    "container-states": "lifecycle/restart-policies.yaml", "diagram": "diagrams/", "control-plane": "cluster/",
    "nodes": "cluster/",
}
# More figures whose words differ from the first: init containers and a sidecar, hooks, a namespace split.
MORE: tuple[tuple[str, str, str], ...] = (
    ("pod", "pods/init-containers.yaml", ""), ("pod", "pods/sidecar.yaml", ""),
    ("lifecycle", "lifecycle/hooks.yaml", ""), ("topology", "service-types/", "split: namespace\n"))


def _page() -> str:
    blocks = [(view, manifests, "") for view, manifests in FIGURES.items()] + list(MORE)
    return "# Every view\n\n" + "\n".join(
        f"```kubedocs\nmanifests: [{manifests}]\nview: {view}\ncaption: The {view} view of {manifests}\n{extra}```\n"
        for view, manifests, extra in blocks)


def _site(root: Path, language: str, page: str) -> Path:
    """A Material site in `language` whose one page is `page`, over a copy of the project's manifests/."""
    shutil.copytree(REPO / "manifests", root / "manifests")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(page, encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        site_name: Every view
        theme: {{name: material, language: {language}, font: false}}
        plugins: [search, kubedocs]
        markdown_extensions: [pymdownx.superfences]
        """), encoding="utf-8")
    return root


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _manifest_strings(folder: Path) -> list[str]:
    """Every string the manifests hold (names, labels, a diagram's own words) that has Hangul in it, spaces
    collapsed, the longest first."""
    found = set()
    for path in sorted(folder.rglob("*.y*ml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            found.update(" ".join(text.split()) for text in _strings(document) if HANGUL.search(text))
    return sorted(found, key=lambda text: (-len(text), text))


def _not_from_manifests(text: str, names: list[str]) -> bool:
    """Whether a text holds Hangul that no manifest wrote: it is neither a part of one of their strings (a line of
    a wrapped label) nor made of them and other words (`push / 감시 (watch)`, `레이어 — file:line`)."""
    if not HANGUL.search(text) or any(text in name for name in names):
        return False
    for name in names:
        text = text.replace(name, " ")
    return bool(HANGUL.search(text))


def _figure_texts(figure: Tag) -> list[str]:
    """What a reader of a figure is shown or read: every text of its drawing, its tooltips and titles, and the
    caption, controls, legend, text alternative and source view around it (their text and labels)."""
    texts = [" ".join(text.split()) for text in figure.find_all(string=True)]
    for element in figure.find_all(True):
        for attribute in ("xlink:title", "title", "aria-label", "data-kd-words"):
            if element.get(attribute):
                texts.append(" ".join(str(element[attribute]).split()))
    return [text for text in texts if text]


@pytest.fixture(scope="module")
def english(sites, tmp_path_factory):
    site = _site(tmp_path_factory.mktemp("english"), "en", _page())
    build = sites.build(site, site.parent / "out")
    assert build.returncode == 0, build.log
    return build


def test_every_view_is_drawn(english) -> None:
    drawn = {figure["data-view"] for figure in english.page().select("figure.kubedocs-figure")}
    assert drawn == set(VIEWS)


@pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")  # the standalone SVGs, read as the page is
def test_no_figure_text_of_an_english_site_is_korean_but_the_manifests_names(english) -> None:
    page = english.page()
    # The figures and what follows them (a split's index and details, the source view).
    figures = page.select("figure.kubedocs-figure, .kubedocs-source, .kubedocs-split-index, .kubedocs-split")
    assert len(figures) > len(FIGURES)
    names = _manifest_strings(english.site / "manifests")
    texts = [text for figure in figures for text in _figure_texts(figure)]
    assert any(HANGUL.search(text) for text in texts), "the declarative diagrams' own words are drawn as written"
    assert not [text for text in texts if _not_from_manifests(text, names)]
    # The standalone copies ("view full size") are the same drawings.
    for path in sorted((english.out / "kubedocs").glob("*.svg")):
        svg = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert not [text for text in _figure_texts(svg) if _not_from_manifests(text, names)], path.name


def test_the_check_tells_the_manifests_words_from_a_views_words() -> None:
    names = ["감시 (watch)", "Layer 3: web 코드"]
    assert not _not_from_manifests("push / 감시 (watch)", names)
    assert not _not_from_manifests("web 코드", names) and not _not_from_manifests("Layer 3: web 코드 — a.yaml:5", names)
    assert _not_from_manifests("Pod 삭제 요청", names) and _not_from_manifests("감시 (watch) 끝", names)


def test_the_english_lifecycle_and_pod_figures_say_it_in_english(english) -> None:
    page = english.page()
    lifecycle = page.select_one('figure.kubedocs-figure[data-view="lifecycle"]')
    text = " ".join(_figure_texts(lifecycle))
    for words in ("Pod deletion request", "wait up to 45 s", "if still running", "Termination Stage"):
        assert words in text
    pod = page.select_one('figure.kubedocs-figure[data-view="pod"]')
    assert "main container" in " ".join(_figure_texts(pod))


def test_a_korean_site_keeps_the_reports_words(sites, tmp_path) -> None:
    page = "# 생명주기\n\n```kubedocs\nmanifests: [lifecycle/web.yaml]\nview: lifecycle\ncaption: 파드 생명주기\n```\n"
    site = _site(tmp_path / "korean", "ko", page)
    build = sites.build(site, tmp_path / "out")
    assert build.returncode == 0, build.log
    figure = build.page().select_one("figure.kubedocs-figure")
    text = " ".join(_figure_texts(figure))
    for words in ("Pod 삭제 요청", "45초까지 대기", "아직 실행 중이면", "범례", "그림의 텍스트 설명"):
        assert words in text
    assert "Pod deletion request" not in text
