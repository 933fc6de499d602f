"""The `diagram` view: Diagram documents drawn one to one through the neutral Diagram, in the same style as every
figure; its golden DOT; what figures 1 and 3 claim, read from the SVG; and a broken diagram in a real MkDocs build."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from golden_files import compare_with_golden

from gen.diagram import Diagram
from gen.loading import load
from gen.render import diagram_to_dot, render_diagram
from gen.rules import derive
from gen.views import Filters, build_view

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = ROOT / "manifests" / "diagrams"


def _view(*paths: Path, filters: Filters | None = None) -> Diagram:
    loaded = load([str(p) for p in paths])
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
    assert {box.id.split("/")[0] for box in both.boxes} == {"vm-vs-container", "image-layers"}
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
