"""The project's own site (mkdocs.yml at the repository root), built for real with `mkdocs build --strict`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

pytestmark = pytest.mark.exe  # skipped without dot, except in CI (tests/conftest.py)

REPO = Path(__file__).resolve().parents[2]


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml without executing its `!!python/...` tags."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _nav_pages(nav) -> list[str]:
    pages: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            pages.extend(_nav_pages(value))
        else:
            pages.append(value)
    return pages


def _html_path(out: Path, page: str) -> Path:
    stem = page.removesuffix(".md")
    if stem == "index":
        return out / "index.html"
    return out / stem.removesuffix("/index") / "index.html"


@pytest.fixture(scope="module")
def project_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("project") / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=REPO,
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def nav_pages() -> list[str]:
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    pages = _nav_pages(config["nav"])
    assert pages
    return pages


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_in_the_nav_is_built(project_site, nav_pages):
    for page in nav_pages:
        path = _html_path(project_site, page)
        assert path.is_file(), f"{page} was not built ({path})"
        article = _soup(path).select_one("article")
        assert article is not None and article.find("h1") is not None, page


def test_no_page_refers_to_static_images(project_site, nav_pages):
    """The figures are generated; no page points at a hand-made picture under images/."""
    for page in nav_pages:
        source = (REPO / "docs" / page).read_text(encoding="utf-8")
        assert not re.search(r"images/", source), f"docs/{page} mentions images/"
        article = _soup(_html_path(project_site, page)).select_one("article")
        for element in article.find_all(True):
            for attribute in ("src", "href", "srcset", "data"):
                value = element.get(attribute)
                assert not (isinstance(value, str) and "images/" in value), f"{page}: <{element.name} {value}>"
        assert not article.find_all("img"), f"{page} has an <img>"
    assert not (REPO / "docs" / "images").exists()


def test_objects_page_has_four_inline_figures(project_site):
    page = _soup(project_site / "04-objects" / "index.html")
    figures = page.select("figure.kubedocs-figure")
    assert len(figures) == 4
    assert [f["data-view"] for f in figures] == ["topology", "network", "network", "pod"]
    assert [f["data-source"] for f in figures] == ["sample-app/", "service-types/", "service-types/", "volumes/"]
    for figure in figures:
        svg = figure.find("svg")
        assert svg is not None and svg.find("title") is not None
        assert figure.figcaption is not None and figure.figcaption.get_text(strip=True)
    assert not page.select(".kubedocs-error")


# At 1280 px the text column is about 667 px: a figure of at most 600 pt (800 px) opens at 83 % or more, its 9-point
# detail text at 10 px. Figures 1 and 5 and the sample application's topology (laid out top to bottom) fit it.
COLUMN_WIDTH_PT = 600


@pytest.mark.parametrize(("page", "index", "what"), [("01-container", 0, "figure 1, VM vs container"),
                                                     ("03-architecture", 1, "figure 5, the Workload Plane"),
                                                     ("04-objects", 0, "the sample application's topology")])
def test_figures_fit_the_text_column_at_natural_size(project_site, page, index, what):
    figure = _soup(project_site / page / "index.html").select("figure.kubedocs-figure")[index]
    width = float(figure.find("svg")["width"].removesuffix("pt"))
    assert width <= COLUMN_WIDTH_PT, f"{what}: {width} pt wide"


def test_search_index_has_every_page(project_site, nav_pages):
    index = json.loads((project_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "ko" in index["config"]["lang"]
    assert len(index["docs"]) >= len(nav_pages)
    locations = {doc["location"] for doc in index["docs"]}
    for page in nav_pages:
        stem = page.removesuffix(".md")
        assert ("" if stem == "index" else f"{stem}/") in locations, page


def test_no_font_or_other_asset_is_fetched_from_elsewhere(project_site):
    pages = list(project_site.rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
        soup = BeautifulSoup(text, "html.parser")
        for element in soup.select("link[href], script[src]"):
            url = element.get("href") or element.get("src")
            assert not re.match(r"(https?:)?//", url), f"{path.relative_to(project_site)} loads {url}"


def _search_index(project_site: Path) -> dict:
    return json.loads((project_site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_no_text_alternative_or_zoom_link_is_in_the_search_index(project_site):
    """Search finds the report's words, not the figure's text alternative or its "view full size" link (Material's
    search skips data-search-exclude); the page still holds both for screen readers."""
    from gen.site.words import WORDS

    words = WORDS["ko"]
    texts = [doc["title"] + " " + doc["text"] for doc in _search_index(project_site)["docs"]]
    for noise in (words["as_text"], words["full_size"], words["boxes"] + "</p><ul>"):
        assert not [text for text in texts if noise in text], noise
    page = _soup(_html_path(project_site, "05-pod.md"))
    assert page.select(".kubedocs-text li") and page.select("a.kubedocs-zoom")


@pytest.mark.parametrize("term", ["사이드카", "파드", "초기화 컨테이너", "노드", "프로브", "컨트롤 플레인", "이미지",
                                  "레지스트리"])
def test_glossary_terms_are_whole_tokens_of_the_search_index(project_site, term):
    """Each word of a glossary term is a token of some entry as the search plugin's separator splits it (lunr
    matches whole tokens or their prefixes; Korean particles glued to a word would hide it), and the glossary
    has a section titled with the term."""
    index = _search_index(project_site)
    separator = re.compile(index["config"]["separator"])
    docs = index["docs"]
    for word in term.split():
        assert any(word in separator.split(doc["title"] + " " + re.sub(r"<[^>]+>", " ", doc["text"]))
                   for doc in docs), word
    assert any(doc["location"].startswith("glossary/") and term in doc["title"] for doc in docs), term


# Views that draw a Pod's states and lifecycle: their boxes are not linked to the manifest yet (the lifecycle part of
# issue 16 redraws them).
_UNLINKED_VIEWS = {"states", "phases", "conditions", "container-states", "lifecycle"}


def test_every_box_drawn_from_a_manifest_links_to_its_lines(project_site, nav_pages):
    """A box drawn from a manifest (a resource, a container, a volume, an image, a node's kubelet, a declared
    diagram's node) links to its document in the figure's source view; a tooltip never shows an internal id."""
    checked = 0
    for page in nav_pages:
        for figure in _soup(_html_path(project_site, page)).select("figure.kubedocs-figure"):
            caption = figure.figcaption.get_text() if figure.figcaption else figure["data-source"]
            for node in figure.select("g.node"):
                link = node.find("a")
                title = link.get("xlink:title", "") if link else ""
                assert not re.match(r"(pod|node|container|image|registry)/\S+/", title), (page, caption, title)
                # The node's frame, and what the figure adds that no manifest holds (the client outside the cluster,
                # a node port), drawn dashed as everything the input implies but does not hold.
                shape = node.find(["path", "polygon", "ellipse"])
                if figure["data-view"] in _UNLINKED_VIEWS or title == "Control Plane" or (
                        shape is not None and shape.get("stroke-dasharray") and not re.search(r" — \S+:\d+", title)):
                    continue
                assert link.get("xlink:href", "").startswith("#"), (page, caption, title)
                checked += 1
    assert checked > 100


def _figure(project_site: Path, page: str, index: int):
    soup = BeautifulSoup(_html_path(project_site, page).read_text(encoding="utf-8"), "html.parser")
    return soup.select("figure.kubedocs-figure")[index]


def test_the_volume_figure_shows_lifetimes_and_no_network_frame(project_site):
    """Figure 6 draws what the Volume section says (made before the containers start, an emptyDir made and deleted
    with the Pod and kept across a restart, a hostPath left on the node and shared) and no network-namespace frame:
    its one application container shares its network with no one."""
    figure = _figure(project_site, "04-objects.md", 3)
    text = " ".join(t.get_text() for t in figure.select("svg text"))
    claims = ("volume은 컨테이너 시작 전에 생성", "Pod와 함께 생성·삭제", "재시작에도 유지", "node에 남음",
              "다른 Pod와 공유")
    for claim in claims:
        assert claim in text, claim
    assert "network namespace" not in text


def test_the_two_container_figure_shows_one_interface_localhost_and_its_ports_in_words(project_site):
    """Figure 7: one eth0 for the Pod, localhost between the containers, and the ports (the figure's point) in the
    text alternative as well as in the drawing."""
    figure = _figure(project_site, "05-pod.md", 0)
    text = " ".join(t.get_text() for t in figure.select("svg text"))
    assert "eth0" in text and "Pod IP" in text and "localhost" in text
    words = figure.select_one(".kubedocs-text").get_text(" ")
    assert "eth0" in words and "localhost" in words
    assert ":80/TCP" in words and ":8080/TCP" in words


def test_the_service_types_are_told_apart_in_two_figures_that_fit_the_column(project_site):
    """The four Service types, 1,156 pt wide in one figure, are two figures of the column's width (at most 600 pt,
    which read at 10 px): inside the cluster (ClusterIP, ExternalName: no outside path) and reached from outside
    (NodePort: a client and the node port; LoadBalancer: the load balancer in front of the node port)."""
    inside, outside = (_figure(project_site, "04-objects.md", index) for index in (1, 2))
    inside_text = " ".join(t.get_text() for t in inside.select("svg text"))
    outside_text = " ".join(t.get_text() for t in outside.select("svg text"))
    assert "echo-clusterip" in inside_text and "echo-external" in inside_text and "외부 클라이언트" not in inside_text
    assert "외부 클라이언트" in outside_text and "외부 로드밸런서" in outside_text and "node :30080" in outside_text
    for figure in (inside, outside):
        assert float(figure.select_one("svg")["viewbox"].split()[2]) <= 600


def test_the_lifecycle_figures_hooks_and_probes_link_to_their_manifest(project_site):
    """Figure 15's hooks and probes are written in the Pod's manifest: each links to it, as its containers do."""
    figure = _figure(project_site, "07-lifecycle.md", 2)
    linked = {node.find("title").get_text(): node.find("a").get("xlink:href", "") for node in figure.select("g.node")
              if node.find("a") is not None}
    marks = {title: href for title, href in linked.items() if title.endswith(("Probe", "postStart", "preStop"))}
    assert len(marks) >= 4, linked
    assert all(href.startswith("#") for href in marks.values()), marks


def test_the_phase_figures_restart_policy_note_links_to_the_pods_manifest(project_site):
    """The phase figure's states are the API's, not the manifest's; its restartPolicy note is the manifest's (the
    Pod's spec), and links to its lines like any box drawn from a manifest."""
    figure = next(f for f in _soup(_html_path(project_site, "06-pod-status.md")).select("figure.kubedocs-figure")
                  if f["data-view"] == "phases")
    note = next(node for node in figure.select("g.node") if "restartPolicy" in node.get_text())
    assert note.find("a").get("xlink:href", "").startswith("#"), note
