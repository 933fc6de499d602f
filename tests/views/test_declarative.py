"""The `diagram` view: Diagram documents drawn one to one through the neutral Diagram, in the same style as every
figure; its golden DOT; what figures 1, 2, 3 and 16 claim, read from the SVG; and a broken diagram in a real MkDocs
build."""

from __future__ import annotations

import html
import itertools
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from golden_files import compare_with_golden
from svg_shapes import Point, Rect, _segment_hits_rect, elements

from gen.diagram import Diagram
from gen.loading import load
from gen.render import diagram_to_dot, render_diagram
from gen.rules import derive
from gen.views import Filters, build_view

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = ROOT / "manifests" / "diagrams"


def _view(*paths: Path, filters: Filters | None = None) -> Diagram:
    # Named from the repository's root, as the site names them: a golden file holds no path of one checkout.
    loaded = load([str(p) for p in paths], relative_to=ROOT)
    return build_view(derive(loaded.inventory()), "diagram", filters)


def test_the_view_maps_the_document_one_to_one() -> None:
    diagram = _view(DIAGRAMS / "vm-vs-container.yaml")
    boxes = {box.id: box for box in diagram.boxes}
    groups = {group.id: group for group in diagram.groups}
    assert diagram.direction == "BT"
    assert groups["vm-vs-container/vm1"].parent == "vm-vs-container/vm-side"
    assert groups["vm-vs-container/vm-side"].style == "outer" and groups["vm-vs-container/vm1"].style == "inner"
    assert boxes["vm-vs-container/vm1-os"].group == "vm-vs-container/vm1"
    assert boxes["vm-vs-container/hypervisor"].details == ("여러 OS를 동시에 실행하는 논리적 플랫폼",)
    assert all(box.category == "declared" for box in diagram.boxes)
    assert ("vm-vs-container/hypervisor", "vm-vs-container/runtime") in diagram.aligned
    link = next(link for link in diagram.links if link.target == "vm-vs-container/runtime")
    assert link.source == "vm-vs-container/host-os" and link.arrow is False


def test_kubernetes_input_alone_draws_the_empty_message() -> None:
    diagram = _view(ROOT / "manifests" / "sample-app")
    assert diagram.boxes == [] and "no Diagram documents" in diagram.empty_message
    assert "no Diagram documents" in diagram_to_dot(diagram)


def test_two_diagrams_in_one_figure_keep_their_ids_apart_and_names_pick_one() -> None:
    both = _view(DIAGRAMS)
    assert {box.id.split("/")[0] for box in both.boxes} == {path.stem for path in DIAGRAMS.glob("*.yaml")}
    assert {"vm-vs-container", "image-layers"} < {box.id.split("/")[0] for box in both.boxes}
    assert len({box.id for box in both.boxes}) == len(both.boxes)
    one = _view(DIAGRAMS, filters=Filters(names={"image-layers"}))
    assert {box.id.split("/")[0] for box in one.boxes} == {"image-layers"}


def test_golden_dot_of_the_image_layers_figure() -> None:
    compare_with_golden("image-layers.dot", diagram_to_dot(_view(DIAGRAMS / "image-layers.yaml")))


def test_bottom_up_keeps_group_labels_on_top() -> None:
    assert "graph [labelloc=b];" in diagram_to_dot(_view(DIAGRAMS / "image-layers.yaml"))
    assert "labelloc" not in diagram_to_dot(build_view(derive(load([str(ROOT / "manifests" / "sample-app")])
                                                              .inventory())))


# --- what the figures say, read from the SVG (Graphviz SVG y grows downwards) ------------------------------------

NODE = re.compile(r'<g id="[^"]*" class="node[^"]*">\s*<title>([^<]*)</title>(.*?)</g>', re.S)


def _centres(svg: str) -> dict[str, tuple[float, float]]:
    centres = {}
    for title, body in NODE.findall(svg):
        outline = " ".join(re.findall(r' (?:points|d)="([^"]*)"', body))  # not stroke-dasharray="5,2"
        numbers = [float(n) for pair in re.findall(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)", outline) for n in pair]
        xs, ys = numbers[0::2], numbers[1::2]
        centres[html.unescape(title)] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return centres


@pytest.mark.exe
def test_figure_1_stacks_each_side_bottom_up_and_levels_them() -> None:
    at = _centres(render_diagram(_view(DIAGRAMS / "vm-vs-container.yaml"), "svg").decode("utf-8"))
    y = {name.split("/")[1]: centre[1] for name, centre in at.items()}
    x = {name.split("/")[1]: centre[0] for name, centre in at.items()}
    # Apps over Bins/Libs over the guest OS over the hypervisor over the host OS over the hardware.
    assert y["vm1-app-a"] < y["vm1-libs"] < y["vm1-os"] < y["hypervisor"] < y["vm-host-os"] < y["vm-hardware"]
    assert y["c1-app"] < y["runtime"] < y["host-os"] < y["hardware"]
    assert y["hypervisor"] == y["runtime"] and y["vm-host-os"] == y["host-os"]  # the two stacks side by side
    assert max(x[n] for n in ("vm1-os", "vm2-os", "hypervisor")) < min(x[n] for n in ("c1-app", "runtime"))
    assert x["vm1-os"] < x["vm2-os"] and x["c1-app"] < x["c2-app"] < x["c3-app"]


@pytest.mark.exe
def test_figure_3_puts_the_writable_layer_on_the_shared_read_only_ones() -> None:
    svg = render_diagram(_view(DIAGRAMS / "image-layers.yaml"), "svg").decode("utf-8")
    at = _centres(svg)
    y = {name.split("/")[1]: centre[1] for name, centre in at.items()}
    assert y["web-writable"] < y["web-code"] < y["runtime"] < y["base"]
    assert y["api-writable"] < y["api-code"] < y["runtime"]
    assert at["image-layers/web-code"][0] < at["image-layers/api-code"][0]  # Image A left of Image B
    text = html.unescape(svg)
    assert "<title>image-layers/runtime->image-layers/api-writable</title>" in text  # the copy-on-write link
    assert ">Copy-on-Write</text>" in text


def _bezier_points(d: str) -> list[Point]:
    """Points along an edge's path (dot writes `M x,y C c1 c2 p c1 c2 p ...`), 16 per cubic segment."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    points = list(zip(numbers[0::2], numbers[1::2], strict=False))
    sampled = [points[0]]
    for i in range(1, len(points) - 2, 3):
        p0, c1, c2, p3 = points[i - 1], points[i], points[i + 1], points[i + 2]
        for step in range(1, 17):
            s = step / 16
            sampled.append(tuple(  # type: ignore[arg-type]
                (1 - s) ** 3 * a + 3 * (1 - s) ** 2 * s * b + 3 * (1 - s) * s * s * c + s ** 3 * e
                for a, b, c, e in zip(p0, c1, c2, p3, strict=True)))
    return sampled


def _edges_through_titles(svg: str) -> list[str]:
    """Each drawn edge that runs through a frame's title, as "edge title → frame title"."""
    titles: list[tuple[str, Rect]] = [(text.content, text.box) for element in elements(svg)
                                      if element.kind == "cluster" for text in element.texts]
    crossings = []
    for title, d in re.findall(r'<g id="edge\d+" class="edge[^"]*">\s*<title>([^<]*)</title>\s*<path[^>]* d="([^"]*)"',
                               svg):
        points = _bezier_points(d)
        for name, box in titles:
            if any(_segment_hits_rect(segment, box) for segment in itertools.pairwise(points)):
                crossings.append(f"{html.unescape(title)} → {name}")
    return crossings


@pytest.mark.exe
@pytest.mark.parametrize("name", ["image-layers", "image-registry-container", "prometheus-operator"])
def test_no_edge_of_a_report_diagram_runs_through_a_frame_title(name: str) -> None:
    svg = render_diagram(_view(DIAGRAMS / f"{name}.yaml"), "svg").decode("utf-8")
    assert _edges_through_titles(svg) == []


def test_edges_through_titles_finds_a_crossing() -> None:
    """The check above can fail: an edge straight through a frame's title is found."""
    svg = """<svg xmlns="http://www.w3.org/2000/svg"><g id="clust1" class="cluster"><title>cluster_0</title>
    <path d="M0,0 L100,0 L100,100 L0,100 Z"/><text text-anchor="start" x="5" y="12" font-size="10">공유 layer</text></g>
    <g id="edge1" class="edge"><title>a->b</title><path d="M20,50C20,30 20,10 20,-20"/></g></svg>"""
    assert _edges_through_titles(svg) == ["a->b → 공유 layer"]


def _ancestors(diagram: Diagram, group: str | None) -> list[str]:
    parents = {g.id: g.parent for g in diagram.groups}
    chain = []
    while group:
        chain.append(group)
        group = parents.get(group)
    return chain


@pytest.mark.exe
def test_figure_3_keeps_the_writable_layers_outside_the_image_frame() -> None:
    diagram = _view(DIAGRAMS / "image-layers.yaml")
    boxes = {box.id.split("/")[1]: box for box in diagram.boxes}
    for layer in ("web-writable", "api-writable"):  # a container's layer, not the image's
        assert "image-layers/container-images" not in _ancestors(diagram, boxes[layer].group)
    for layer in ("base", "runtime", "web-code", "api-code"):
        assert "image-layers/container-images" in _ancestors(diagram, boxes[layer].group)
    svg = render_diagram(diagram, "svg").decode("utf-8")
    frame = next(e for e in elements(svg) if e.kind == "cluster" and e.texts
                 and e.texts[0].content.startswith("Container Image")).bounds
    placed = {e.title.split("/")[1]: e.bounds for e in elements(svg) if e.kind == "node"}
    for layer in ("web-writable", "api-writable"):
        assert placed[layer].bottom < frame.top  # above the image frame, not in it
    assert placed["web-writable"].right < placed["api-code"].left  # Container A above Image A, B above B


@pytest.mark.exe
def test_figure_2_builds_pushes_pulls_and_runs_several_containers_from_one_image() -> None:
    diagram = _view(DIAGRAMS / "image-registry-container.yaml")
    boxes = {box.id.split("/")[1]: box for box in diagram.boxes}
    groups = {g.id.split("/")[1]: g.label for g in diagram.groups}
    links = {(link.source.split("/")[1], link.target.split("/")[1]): link.label for link in diagram.links}
    assert "애플리케이션 + 실행 환경" in boxes["built"].details  # an image: the application and its environment
    assert {groups["public"], groups["private"]} == {"Public", "Private"}  # registries public or private
    assert boxes["nginx"].group.endswith("/public") and boxes["api-image"].group.endswith("/private")
    assert links[("source", "built")] == "build" and links[("built", "api-image")] == "push"
    assert links[("nginx", "nginx-local")] == links[("api-image", "api-local")] == "pull"
    # Containers are instances: two run from the one nginx image.
    assert [target for (source, target) in links if source == "nginx-local"] == ["web-1", "web-2"]
    assert all("인스턴스" in boxes[c].details[0] for c in ("web-1", "web-2", "api-1"))
    at = _centres(render_diagram(diagram, "svg").decode("utf-8"))
    y = {name.split("/")[1]: centre[1] for name, centre in at.items()}
    assert y["source"] < y["built"] < y["api-image"] < y["api-local"] < y["api-1"]  # top to bottom


@pytest.mark.exe
def test_figure_16_has_the_operator_reconciling_and_the_server_scraping_storing_querying_alerting() -> None:
    diagram = _view(DIAGRAMS / "prometheus-operator.yaml")
    titles = {box.id.split("/")[1]: box.title for box in diagram.boxes}
    links = {(link.source.split("/")[1], link.target.split("/")[1]): link.label for link in diagram.links}
    assert titles["operator"] == "Prometheus Operator"
    assert any("reconcile" in detail for box in diagram.boxes if box.id.endswith("/operator") for detail in box.details)
    # The Operator watches both custom resources and runs (configures) the server.
    assert links[("prometheus", "operator")] == links[("servicemonitor", "operator")] == "감시 (watch)"
    assert ("operator", "scrape") in links
    assert (titles["scrape"], titles["tsdb"], titles["promql"]) == ("수집 (scrape)", "시계열 DB (TSDB)", "PromQL 조회")
    assert links[("scrape", "web-pods")] == "GET /metrics" and links[("rules", "alertmanager")] == "경고"
    svg = render_diagram(diagram, "svg").decode("utf-8")
    y = {e.title.split("/")[1]: e.bounds.centre[1] for e in elements(svg) if e.kind == "node"}
    assert y["prometheus"] < y["operator"] < y["scrape"] < y["tsdb"] < y["promql"] < y["user"]  # top to bottom
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    assert width < 560  # about 750 px at natural size: fits the text column


# --- a broken diagram in a page: error box, and `mkdocs build --strict` fails -------------------------------------

BROKEN = """\
apiVersion: kubedocs.dev/v1
kind: Diagram
metadata: {name: broken}
spec:
  nodes: [{id: a, label: A}]
  edges:
    - {from: a, to: nowhere}
"""


@pytest.mark.exe
def test_a_broken_diagram_in_a_page_is_an_error_box_and_fails_a_strict_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "manifests" / "diagrams").mkdir(parents=True)
    (site / "manifests" / "diagrams" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (site / "mkdocs.yml").write_text("site_name: t\nplugins: [kubedocs]\n", encoding="utf-8")
    (site / "docs" / "index.md").write_text(textwrap.dedent("""\
        # 그림

        ```kubedocs
        manifests: [diagrams/broken.yaml]
        view: diagram
        caption: 깨진 그림
        ```
        """), encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(site / "mkdocs.yml"), "-d", str(tmp_path / "out")]
    strict = subprocess.run([*command, "--strict"], cwd=site, capture_output=True, text=True, timeout=300, env=env)
    assert strict.returncode != 0
    assert "manifests/diagrams/broken.yaml:7:21: error: Diagram broken: spec.edges[0].to: names no node declared" \
        in strict.stdout + strict.stderr
    lenient = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=300, env=env)
    assert lenient.returncode == 0, lenient.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'class="kubedocs-error"' in page and "manifests/diagrams/broken.yaml:7:21" in page
    assert "kubedocs-figure" not in page


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")
def test_the_svg_is_deterministic() -> None:
    first = render_diagram(_view(DIAGRAMS / "vm-vs-container.yaml"), "svg")
    assert first == render_diagram(_view(DIAGRAMS / "vm-vs-container.yaml"), "svg")
