"""Real `mkdocs build` runs of the fixture sites in tests/site/, checked in the HTML they produce."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from gen.views import VIEWS

pytestmark = pytest.mark.exe  # skipped without dot, except in CI (tests/conftest.py)

# Distinctive values in tests/site/good/manifests/app/: a Secret's stringData and an env literal.
SECRET_CANARY = "kdcanary-secret-9f4e21b7"
ENV_CANARY = "kdcanary-env-3c8d05aa"

_REFERENCE = re.compile(r'url\(#([^)]+)\)|href="#([^"]*)"')


def _figures(soup, **attrs):
    selector = "figure.kubedocs-figure" + "".join(f'[data-{k}="{v}"]' for k, v in attrs.items())
    return soup.select(selector)


def _titles(svg) -> set[str]:
    return {title.get_text() for title in svg.find_all("title")}


# --- good/: one figure, two figures on a page, the Secret canary, Korean anchors, the search index --------------


@pytest.fixture(scope="module")
def good(sites, tmp_path_factory):
    site = sites.copy("good", tmp_path_factory.mktemp("good"))
    build = sites.build(site, site.parent / "out")
    assert build.returncode == 0, build.log
    return build


def test_one_figure_is_an_inline_svg_with_its_korean_caption(good):
    page = good.page()
    figures = page.select("figure.kubedocs-figure")
    assert len(figures) == 1
    assert _figures(page, view="topology", source="app/") == figures
    figure = figures[0]
    svg = figure.find("svg")
    assert svg is not None, "the figure holds an inline <svg>, not an <img>"
    assert figure.find("img") is None
    assert figure.figcaption is not None
    assert figure.figcaption.get_text(strip=True) == "데모 애플리케이션의 전체 구성"
    # screen readers get the caption as the figure's name and the figure as text (its boxes and links) as its
    # description; the boxes stay links they can reach, so the figure is a group, not an image
    assert svg.parent["role"] == "group" and svg.parent["aria-label"] == "데모 애플리케이션의 전체 구성"
    text = page.find(id=svg.parent["aria-describedby"])
    assert text is not None and "kubedocs-text" in text["class"]
    titles = _titles(svg)
    box_list, link_list = text.find_all("ul")
    boxes = [item.get_text() for item in box_list.find_all("li")]
    for node in ("Deployment/demo/web", "Service/demo/web", "ReplicaSet/demo/web", "ConfigMap/demo/web-config",
                 "Secret/demo/web-credentials"):
        assert node in titles, sorted(titles)
        assert node in [box.split(" — ")[0].removesuffix(" (derived)") for box in boxes], boxes
    assert len(boxes) == len(svg.select("g.node")) and len(link_list.find_all("li")) > 0


def test_the_figure_is_followed_by_its_redacted_manifests(good):
    page = good.page()
    figure = page.select_one("figure.kubedocs-figure")
    details = figure.find_next_sibling("details", class_="kubedocs-source")
    assert details is not None
    text = details.get_text()
    for name in ("manifests/app/00-namespace.yaml", "manifests/app/10-config.yaml", "manifests/app/20-web.yaml"):
        assert name in text
    assert "kind: Secret" in text and "password: «redacted»" in text
    assert "value: «redacted»" in text  # the env literal
    assert SECRET_CANARY not in text and ENV_CANARY not in text
    assert "secretKeyRef" in text  # the rest of the manifest is shown as written


def test_two_figures_on_one_page_have_distinct_self_contained_ids(good):
    page = good.page("two")
    figures = page.select("figure.kubedocs-figure")
    assert [f["data-view"] for f in figures] == ["topology", "storage"]
    assert [f.figcaption.get_text(strip=True) for f in figures] == ["첫 번째 그림 (topology)", "두 번째 그림 (storage)"]
    svgs = [f.find("svg") for f in figures]
    assert all(svg is not None and _titles(svg) for svg in svgs)
    all_ids: list[str] = []
    for svg in svgs:
        ids = [element["id"] for element in svg.find_all(id=True)]
        if svg.get("id"):
            ids.append(svg["id"])
        assert ids, "Graphviz gives the graph, clusters, nodes and edges ids"
        all_ids.extend(ids)
        for match in _REFERENCE.finditer(str(svg)):
            target = match.group(1) or match.group(2)
            # a box links to its resource's lines in the figure's own source block; anything else stays inside
            manifest = page.find(id=target)
            if manifest is not None and "kubedocs-manifest" in manifest.get("class", []):
                assert target.startswith(ids[0].removesuffix("graph0")), f"#{target} is another figure's manifest"
                continue
            assert target in ids, f"#{target} points outside its own SVG"
    assert len(all_ids) == len(set(all_ids)), sorted({i for i in all_ids if all_ids.count(i) > 1})
    every_id = [element["id"] for element in page.find_all(id=True)]
    assert len(every_id) == len(set(every_id)), "an SVG id collides with another id on the page"


def test_secret_canary_is_nowhere_in_the_built_site(good):
    sources = "".join(p.read_text(encoding="utf-8") for p in (good.site / "manifests").rglob("*.yaml"))
    assert SECRET_CANARY in sources and ENV_CANARY in sources, "the fixture must carry the canaries"
    assert (good.out / "search" / "search_index.json").is_file()
    leaks = []
    files = [p for p in good.out.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        data = path.read_bytes()
        for canary in (SECRET_CANARY, ENV_CANARY):
            if canary.encode() in data:
                leaks.append(f"{path.relative_to(good.out)}: {canary}")
    assert not leaks


def test_figure_cache_holds_no_secret_value_either(good):
    entries = list((good.site / ".cache" / "kubedocs").glob("*.json"))
    assert entries
    for entry in entries:
        text = entry.read_text(encoding="utf-8")
        assert SECRET_CANARY not in text and ENV_CANARY not in text


def test_kubedocs_block_inside_a_four_backtick_fence_stays_code(good):
    page = good.page()
    codes = [code.get_text() for code in page.select("pre code")]
    example = [text for text in codes if "```kubedocs" in text]
    assert example and "manifests: [does-not-exist/]" in example[0]
    assert not page.select(".kubedocs-error")
    assert "does-not-exist" not in good.log


def test_korean_heading_anchors_keep_hangul(good):
    page = good.page()
    ids = [heading.get("id", "") for heading in page.find_all(["h1", "h2", "h3"])]
    assert "한글-제목의-앵커" in ids, ids
    assert page.select_one('a[href="#한글-제목의-앵커"]') is not None


def test_search_index_is_built_for_korean(good):
    index = json.loads((good.out / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "ko" in index["config"]["lang"]
    locations = {doc["location"] for doc in index["docs"]}
    assert {"", "two/", "#한글-제목의-앵커"} <= locations, locations
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "데모 애플리케이션의 전체 구성" in text  # captions are searchable
    assert "<svg" not in text and "«redacted»" not in text  # the drawing and the manifests are not
    assert "Deployment/demo/web" not in text  # nor the figure's text alternative (issue 16: it crowded results)
    assert "원본 크기로 보기" not in text  # nor the link to the full-size drawing
    assert "범례" not in text and "1:1" not in text  # the legend and the zoom buttons are not
    for page in good.out.rglob("*.html"):  # the drawing is set aside while the index is made, then put back
        assert "<!-- kubedocs-drawing-" not in page.read_text(encoding="utf-8"), page


# --- broken/: a figure of broken YAML on one page, a good figure on another ------------------------------------


@pytest.fixture(scope="module")
def broken_strict(sites, tmp_path_factory):
    site = sites.copy("broken", tmp_path_factory.mktemp("broken-strict"))
    return sites.build(site, site.parent / "out", strict=True)


@pytest.fixture(scope="module")
def broken_lenient(sites, tmp_path_factory):
    site = sites.copy("broken", tmp_path_factory.mktemp("broken-lenient"))
    return sites.build(site, site.parent / "out", strict=False)


def test_broken_yaml_fails_a_strict_build_naming_file_and_line(broken_strict):
    assert broken_strict.returncode != 0
    assert "manifests/broken/bad.yaml:11:6" in broken_strict.log
    assert "broken.md:5" in broken_strict.log  # the page and line of the figure
    assert "invalid YAML" in broken_strict.log


def test_broken_yaml_without_strict_shows_an_error_box_and_the_rest_builds(broken_lenient):
    assert broken_lenient.returncode == 0, broken_lenient.log
    page = broken_lenient.page("broken")
    boxes = page.select(".kubedocs-error")
    assert len(boxes) == 1
    box = boxes[0].get_text(" ")
    assert "manifests/broken/bad.yaml:11:6" in box
    assert "did not find expected '-' indicator" in box
    assert "깨진 매니페스트" in box  # the caption says which figure
    assert not page.select("figure.kubedocs-figure")
    body = page.get_text(" ")
    assert "Text before the figure." in body and "Text after the figure." in body

    good_page = broken_lenient.page()
    assert not good_page.select(".kubedocs-error")
    figures = good_page.select("figure.kubedocs-figure")
    assert len(figures) == 1 and figures[0].find("svg") is not None
    assert {"Deployment/good/echo", "Service/good/echo"} <= _titles(figures[0].find("svg"))
    assert figures[0].figcaption.get_text(strip=True) == "정상적인 그림"


# --- spec-errors/: wrong declarations ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec_lenient(sites, tmp_path_factory):
    site = sites.copy("spec-errors", tmp_path_factory.mktemp("spec-lenient"))
    return sites.build(site, site.parent / "out", strict=False)


def test_spec_errors_fail_a_strict_build(sites, fixture_site, tmp_path):
    build = sites.build(fixture_site("spec-errors"), tmp_path / "out", strict=True)
    assert build.returncode != 0
    assert "unknown-view.md:5:7: kubedocs figure: view: unknown view; allowed: " in build.log
    assert "no-manifests.md:4:1" in build.log and "`manifests` is required" in build.log


@pytest.mark.parametrize(("page", "message", "line"), [
    ("unknown-view", f"view: unknown view; allowed: {', '.join(sorted(VIEWS))}", 5),
    ("no-manifests", "the block: `manifests` is required", 4),
])
def test_spec_error_becomes_an_error_box(spec_lenient, page, message, line):
    assert spec_lenient.returncode == 0, spec_lenient.log
    soup = spec_lenient.page(page)
    boxes = soup.select(".kubedocs-error")
    assert len(boxes) == 1
    assert f"{page}.md:{line}" in boxes[0].get_text(" ")
    assert message in boxes[0].get_text(" ")
    assert not soup.select("figure.kubedocs-figure")


def test_spec_errors_leave_other_figures_and_fenced_examples_alone(spec_lenient):
    page = spec_lenient.page()
    assert not page.select(".kubedocs-error")
    figures = page.select("figure.kubedocs-figure")
    assert len(figures) == 1 and "Pod/spec/hello" in _titles(figures[0].find("svg"))
    assert any("view: no-such-view" in code.get_text() for code in page.select("pre code"))


# --- the cache ------------------------------------------------------------------------------------------------


def _dot_shim(directory: Path, log: Path) -> Path:
    """A `dot` first on PATH that notes each call and runs the real one: the test can count renders."""
    real = shutil.which("dot")
    assert real is not None
    directory.mkdir()
    shim = directory / "dot"
    shim.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        echo "$*" >> '{log}'
        exec '{real}' "$@"
        """))
    shim.chmod(0o755)
    return directory


def _renders(log: Path) -> int:
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if "-T" in line)


def _cache_state(cache: Path, pattern: str = "*.json") -> dict[str, int]:
    """The figure entries (or, with `source-*.txt`, the redacted source views) and when each was written."""
    return {p.name: p.stat().st_mtime_ns for p in cache.glob(pattern)}


def _figure_html(build) -> list[str]:
    return [str(f) for name in ("", "two") for f in build.page(name).select("figure.kubedocs-figure")]


def test_unchanged_rebuild_renders_nothing_and_a_changed_manifest_renders_again(sites, fixture_site, tmp_path):
    site = fixture_site("good")
    calls = tmp_path / "dot-calls.log"
    shim = _dot_shim(tmp_path / "bin", calls)
    cache = site / ".cache" / "kubedocs"

    first = sites.build(site, tmp_path / "out1", extra_path=shim)
    assert first.returncode == 0, first.log
    # three figures, two distinct (index.md and two.md draw the same topology): two renders, two entries
    assert _renders(calls) == 2
    state = _cache_state(cache)
    assert len(state) == 2
    sources = _cache_state(cache, "source-*.txt")
    assert len(sources) == len(list((site / "manifests" / "app").glob("*.yaml")))  # one per file content

    second = sites.build(site, tmp_path / "out2", extra_path=shim)
    assert second.returncode == 0, second.log
    assert _renders(calls) == 2, "an unchanged rebuild must not run dot"
    assert _cache_state(cache) == state, "an unchanged rebuild must not rewrite the cache"
    assert _cache_state(cache, "source-*.txt") == sources, "nor redact the source view again"
    assert _figure_html(second) == _figure_html(first)

    web = site / "manifests" / "app" / "20-web.yaml"
    web.write_text(web.read_text().replace("replicas: 2", "replicas: 3"))
    third = sites.build(site, tmp_path / "out3", extra_path=shim)
    assert third.returncode == 0, third.log
    assert _renders(calls) == 4
    after = _cache_state(cache)
    assert set(after) > set(state) and len(after) == 4
    assert {name: after[name] for name in state} == state, "old entries are left as they were"
    assert _figure_html(third) != _figure_html(first)
    svg = third.page().select_one("figure.kubedocs-figure svg")
    assert "Pod/demo/web-3" in _titles(svg)


def test_each_figure_links_to_its_standalone_svg_at_full_size(good):
    for page_name in ("", "two"):
        page = good.page(page_name)
        for figure in page.select("figure.kubedocs-figure"):
            link = figure.select_one("a.kubedocs-zoom")
            assert link is not None
            target = (good.out / page_name) / link["href"]
            standalone = target.resolve().read_text(encoding="utf-8")
            assert standalone.lstrip().startswith("<?xml") and "<!DOCTYPE" not in standalone
            inline_titles = _titles(figure.find("svg"))
            standalone_svg = BeautifulSoup(standalone.split("?>", 1)[1], "html.parser")
            assert inline_titles and inline_titles == _titles(standalone_svg)


def test_a_filter_that_matches_nothing_fails_a_strict_build(sites, fixture_site, tmp_path):
    site = fixture_site("good")
    (site / "docs" / "typo.md").write_text("# 오타\n\n```kubedocs\nmanifests: [app/]\nkinds: [Servcie]\n"
                                           "namespace: demo\n```\n", encoding="utf-8")
    build = sites.build(site, tmp_path / "out", strict=True)
    assert build.returncode != 0, build.log
    assert "typo.md:3" in build.log and "filter kind 'Servcie' matches nothing in the inputs" in build.log, build.log
    assert "filter namespace" not in build.log  # demo is there


# --- overlay/: a figure of a kustomize overlay whose base lies beside it (`../../base`) -------------------------

needs_kustomize = pytest.mark.skipif(shutil.which("kubectl") is None and shutil.which("kustomize") is None,
                                     reason="neither kubectl nor kustomize is installed")


@pytest.fixture(scope="module")
def overlay(sites, tmp_path_factory):
    site = sites.copy("overlay", tmp_path_factory.mktemp("overlay"))
    build = sites.build(site, site.parent / "out")
    assert build.returncode == 0, build.log
    return build


@needs_kustomize
def test_an_overlays_source_view_shows_the_base_files_kustomize_read(overlay):
    source = overlay.page().select_one("details.kubedocs-source")
    shown = [code.get_text() for code in source.select("p > code")]
    assert shown == ["manifests/overlays/prod/ingress.yaml", "manifests/overlays/prod/kustomization.yaml",
                     "manifests/overlays/prod/replicas.yaml", "manifests/base/deployment.yaml",
                     "manifests/base/kustomization.yaml", "manifests/base/service.yaml"]
    assert "(6" in source.select_one("summary").get_text()


@needs_kustomize
def test_a_box_drawn_from_the_base_links_to_the_base_files_document(overlay):
    page = overlay.page()
    source = page.select_one("details.kubedocs-source")
    documents = {span["id"]: span.get_text() for span in source.select("span.kubedocs-manifest")}
    links: dict[str, str] = {}
    for node in page.select("figure.kubedocs-figure svg g.node"):
        anchor = node.find("a")
        links[node.find("title").get_text()] = anchor.get("xlink:href", "") if anchor is not None else ""
    assert all(href.startswith("#") and href[1:] in documents for href in links.values()), links  # every box
    deployment = documents[links["Deployment/prod/web"][1:]]
    assert "kind: Deployment" in deployment and "kind: ServiceAccount" not in deployment  # its own document
    assert "replicas: 1" in deployment  # the base's text, as written there
    assert "kind: ServiceAccount" in documents[links["ServiceAccount/prod/web"][1:]]
    assert "kind: Service\n" in documents[links["Service/prod/web"][1:]]
    assert "kind: Ingress" in documents[links["Ingress/prod/web"][1:]]  # the overlay's own file, as before
