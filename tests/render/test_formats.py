"""Every format from one model, each checked by its own parser: for every view of every manifests/ folder (and of
microservices-demo), the Mermaid text renders in Mermaid (headless Chromium), the D2 text compiles in D2 (its WASM
build under node), the draw.io file has a sound mxGraph structure inside its page and opens in mxGraph itself
(draw.io's library, in the same Chromium) laid out as dot laid it out, and the JSON graph validates against the
shipped schema with check-jsonschema; each draws as many boxes and links as Graphviz does.

The files are written once per module and checked in batches: one node process compiles every .d2, one browser
page renders every .mmd. `KUBEDOCS_FORMAT_COUNTS=FILE` writes the counts per figure to FILE."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from format_parsers import compile_d2, drawio_structure, render_drawio, render_mermaid, show_drawio, svg_counts

from gen.diagram import Diagram
from gen.pipeline import analyse_request, render
from gen.render import render_diagram
from gen.render.parts import visible_links
from gen.request import FigureRequest
from gen.views import VIEWS

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = sorted(path.name for path in (ROOT / "manifests").iterdir() if path.is_dir())
MICROSERVICES_DEMO = "microservices-demo-release/release/kubernetes-manifests.yaml"
pytestmark = pytest.mark.exe


class Written:
    """One figure (an input and a view) in every format, with Graphviz's own counts."""

    def __init__(self, name: str, diagram: Diagram, svg: bytes, directory: Path) -> None:
        self.name = name
        self.diagram = diagram
        self.boxes, self.links = svg_counts(svg)
        self.files = {}
        for suffix in ("mmd", "d2", "drawio", "json"):
            path = directory / f"{name.replace('/', '_')}.{suffix}"
            path.write_bytes(render_diagram(diagram, suffix))
            self.files[suffix] = path


def _write_all(inputs: str, label: str, directory: Path) -> list[Written]:
    request = FigureRequest((inputs,))
    analysis = analyse_request(request)
    written = []
    for view in sorted(VIEWS):
        figure = render(FigureRequest((inputs,), view), analysis)
        assert figure.diagram is not None
        written.append(Written(f"{label}/{view}", figure.diagram, figure.output, directory))
    return written


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> list[Written]:
    directory = tmp_path_factory.mktemp("formats")
    return [figure for folder in FOLDERS for figure in _write_all(str(ROOT / "manifests" / folder), folder,
                                                                  directory)]


@pytest.fixture(scope="module")
def demo_figures(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Written]:
    return _write_all(str(corpus / MICROSERVICES_DEMO), "microservices-demo", tmp_path_factory.mktemp("demo"))


def _record(kind: str, rows: list[str]) -> None:
    target = os.environ.get("KUBEDOCS_FORMAT_COUNTS")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.writelines(f"{kind}\t{row}\n" for row in rows)


def test_every_folder_and_view_is_written(figures: list[Written]) -> None:
    assert len(figures) == len(FOLDERS) * len(VIEWS) and len(FOLDERS) >= 8
    assert sum(figure.boxes for figure in figures) > 300  # real figures, not empty ones


def _check_drawio(figures: list[Written]) -> list[str]:
    rows = []
    for figure in figures:
        boxes, groups, edges = drawio_structure(figure.files["drawio"].read_bytes())
        assert (boxes, edges) == (figure.boxes, figure.links), figure.name
        assert groups == len(figure.diagram.groups), figure.name
        rows.append(f"{figure.name}\t{boxes}\t{edges}")
    return rows


def test_drawio_files_are_sound_and_count_as_dot(figures: list[Written]) -> None:
    _record("drawio", _check_drawio(figures))


def test_drawio_of_microservices_demo(demo_figures: list[Written]) -> None:
    _record("drawio", _check_drawio(demo_figures))


# draw.io's own shapes and perimeters (its Shapes.js, which the mxgraph package does not hold): draw.io draws them,
# a bare mxGraph draws a rectangle in their place. Any other name mxGraph does not know is a mistake in the file.
DRAWIO_SHAPES = {"component", "cube", "cylinder3", "folder", "note", "step"}
DRAWIO_PERIMETERS = {"hexagonPerimeter2", "stepPerimeter"}


def _check_drawio_in_mxgraph(drawio_page: tuple[Any, list[str]], figures: list[Written]) -> list[str]:
    page, requests = drawio_page
    results = render_drawio(page, [figure.files["drawio"].read_text(encoding="utf-8") for figure in figures])
    rows = []
    for figure, result in zip(figures, results, strict=True):
        name = figure.name
        assert "error" not in result, (name, result.get("error"))
        # what mxGraph holds and what it drew: the boxes, frames and links of dot's figure
        assert (result["vertices"], result["edges"]) == (figure.boxes, figure.links), name
        assert (result["drawnVertices"], result["drawnEdges"]) == (figure.boxes, figure.links), name
        assert result["containers"] == len(figure.diagram.groups), name
        # laid out: boxes spread over the page, no two on one spot (a file without positions piles every box at
        # the origin); the drawing's bounds also hold the labels, which mxGraph's font may draw wider than dot's
        page_width = float(figure.files["drawio"].read_text(encoding="utf-8").split('pageWidth="')[1].split('"')[0])
        width, height = result["bounds"][2:]
        assert width > 0 and height > 0, (name, result["bounds"])
        left, right = min(box[0] for box in result["boxes"]), max(box[0] + box[2] for box in result["boxes"])
        assert left >= 0 and page_width / 2 <= right <= page_width + 1, (name, left, right, page_width)
        corners = {(round(box[0]), round(box[1])) for box in result["boxes"]}
        assert len(corners) == len(result["boxes"]), name
        # every label drawn as the plain text it is (not markup), every edge from and to its boxes' outlines
        assert all(drawn == value.replace("\n", "") for value, drawn in result["labels"]), (name, result["labels"])
        assert result["endsAtCentre"] == 0, name
        assert result["unknownStyles"] == [], (name, result["unknownStyles"])
        assert set(result["unknownShapes"]) <= DRAWIO_SHAPES, (name, result["unknownShapes"])
        assert set(result["unknownPerimeters"]) <= DRAWIO_PERIMETERS, (name, result["unknownPerimeters"])
        rows.append(f"{name}\t{result['vertices']}\t{result['edges']}\t{width:.0f}x{height:.0f}\t"
                    f"{result['widerLabels']} wider labels")
    assert requests == [], requests  # nothing fetched, not even tried
    return rows


def test_drawio_files_open_in_mxgraph_as_laid_out(figures: list[Written], drawio_page: Any) -> None:
    _record("mxgraph", _check_drawio_in_mxgraph(drawio_page, figures))


def test_drawio_of_microservices_demo_opens_in_mxgraph(demo_figures: list[Written], drawio_page: Any) -> None:
    _record("mxgraph", _check_drawio_in_mxgraph(drawio_page, demo_figures))


def test_mxgraph_rendering_of_the_sample_app_is_the_figure(figures: list[Written], drawio_page: Any,
                                                           tmp_path: Path) -> None:
    """The sample app's draw.io file as mxGraph draws it, as a screenshot (KUBEDOCS_SCREENSHOTS=DIR keeps a copy):
    every box of the DOT figure is there, with its name, over the page dot laid out."""
    sample = next(figure for figure in figures if figure.name == "sample-app/topology")
    page = drawio_page[0]
    page.set_viewport_size({"width": 1400, "height": 900})
    drawing, bounds = show_drawio(page, sample.files["drawio"].read_text(encoding="utf-8"))
    assert bounds[2] > 600 and bounds[3] > 400, bounds  # the figure's own size, in points
    assert "web-config" in drawing.inner_text() and "api-db" in drawing.inner_text()
    shot = tmp_path / "drawio-sample-app.png"
    drawing.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    keep = os.environ.get("KUBEDOCS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
    page.evaluate('document.getElementById("out").innerHTML = ""')


def _check_json(figures: list[Written]) -> list[str]:
    paths = [str(figure.files["json"]) for figure in figures]
    schema = ROOT / "gen" / "render" / "graph.schema.json"
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *paths],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = []
    for figure in figures:
        graph = json.loads(figure.files["json"].read_text(encoding="utf-8"))
        members: dict[str, int] = {}
        for node in graph["nodes"]:
            members[node["group"]] = members.get(node["group"], 0) + 1
        # an edge that stands for every member of the group it leaves is drawn from each of them
        drawn = len(graph["edges"]) + sum(members.get(edge["sourceGroup"], 1) - 1 for edge in graph["edges"]
                                          if edge["sourceGroup"])
        assert (len(graph["nodes"]) or 1, drawn) == (figure.boxes, figure.links), figure.name
        rows.append(f"{figure.name}\t{len(graph['nodes'])}\t{len(graph['edges'])}")
    return rows


def test_json_graphs_validate_against_the_schema_and_count_as_dot(figures: list[Written]) -> None:
    _record("json", _check_json(figures))


def test_json_of_microservices_demo(demo_figures: list[Written]) -> None:
    _record("json", _check_json(demo_figures))


def _check_d2(figures: list[Written]) -> list[str]:
    compiled = compile_d2([figure.files["d2"] for figure in figures])
    rows = []
    for figure in figures:
        result = compiled[figure.files["d2"]]
        assert "error" not in result, (figure.name, result.get("error"))
        boxes = [shape for shape in result["shapes"] if shape.rpartition(".")[2].startswith(("n", "empty"))]
        groups = [shape for shape in result["shapes"] if shape.rpartition(".")[2].startswith("g")]
        assert (len(boxes), len(result["connections"])) == (figure.boxes, figure.links), figure.name
        assert len(groups) == len(figure.diagram.groups), figure.name
        rows.append(f"{figure.name}\t{len(boxes)}\t{len(result['connections'])}\t{result['ms']} ms")
    return rows


def test_d2_compiles_every_figure_with_dots_counts(figures: list[Written], demo_figures: list[Written],
                                                   node_modules: Path) -> None:
    _record("d2", _check_d2(figures + demo_figures))


def test_d2_without_the_corpus(figures: list[Written], node_modules: Path) -> None:
    if os.environ.get("KUBEDOCS_FORMAT_COUNTS"):
        pytest.skip("the test above compiled these")
    _check_d2(figures[:: max(1, len(figures) // 12)])  # a sample, for the inner loop, where the corpus is absent


def _check_mermaid(page: object, figures: list[Written]) -> list[str]:
    results = render_mermaid(page, [figure.files["mmd"].read_text(encoding="utf-8") for figure in figures])
    rows = []
    for figure, result in zip(figures, results, strict=True):
        assert "error" not in result, (figure.name, result.get("error"))
        assert (result["nodes"], result["links"]) == (figure.boxes, figure.links), figure.name
        rows.append(f"{figure.name}\t{result['nodes']}\t{result['links']}")
    return rows


def test_mermaid_renders_every_figure_with_dots_counts(figures: list[Written], mermaid_page: object) -> None:
    _record("mermaid", _check_mermaid(mermaid_page, figures))


def test_mermaid_of_microservices_demo(demo_figures: list[Written], mermaid_page: object) -> None:
    _record("mermaid", _check_mermaid(mermaid_page, demo_figures))


def test_visible_links_are_the_links_dot_draws(figures: list[Written]) -> None:
    for figure in figures:
        assert len(visible_links(figure.diagram)) == figure.links, figure.name


def test_mermaid_rendering_of_the_sample_app_is_the_figure(figures: list[Written], mermaid_page: object,
                                                            tmp_path: Path) -> None:
    """The sample app as Mermaid draws it, as a screenshot (KUBEDOCS_SCREENSHOTS=DIR keeps a copy): every box of
    the DOT figure is there, with its name."""
    sample = next(figure for figure in figures if figure.name == "sample-app/topology")
    page: Any = mermaid_page
    page.set_viewport_size({"width": 1400, "height": 900})
    page.evaluate("""async (text) => {
        mermaid.initialize({startOnLoad: false, securityLevel: "strict"});
        const {svg} = await mermaid.render("sample", text);
        document.getElementById("out").innerHTML = svg;
    }""", sample.files["mmd"].read_text(encoding="utf-8"))
    drawn = page.locator("#out svg g.node")
    assert drawn.count() == sample.boxes
    assert "web-config" in page.locator("#out").inner_text()
    shot = tmp_path / "mermaid-sample-app.png"
    page.locator("#out svg").screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    keep = os.environ.get("KUBEDOCS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
    page.evaluate('document.getElementById("out").innerHTML = ""')
