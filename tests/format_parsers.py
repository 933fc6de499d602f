"""The real parsers of the formats kubedocs writes besides SVG, run over many files at once: D2's compiler (its WASM
build, one node process for all files), Mermaid in headless Chromium (one page for all texts), a draw.io file's
structure read with an XML parser and the file opened by mxGraph (draw.io's own library) in the same Chromium, and
Graphviz's own SVG for the counts they must match."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / ".cache" / "node" / "node_modules"  # .ci/setup --test installs .ci/node/package.json here
MERMAID = NODE_MODULES / "mermaid" / "dist" / "mermaid.min.js"
D2 = NODE_MODULES / "@terrastruct" / "d2" / "dist" / "node-esm" / "index.js"
MXGRAPH = NODE_MODULES / "mxgraph" / "javascript" / "mxClient.js"  # the whole library in one file
CHECK_D2 = Path(__file__).resolve().parent / "formats" / "check_d2.mjs"
INSTALL = "apt-get install nodejs npm, then .ci/setup --test (npm ci of .ci/node/package.json into .cache/node)"


def node_missing() -> str | None:
    """Why the node-based parsers cannot run here, naming what to install; None when they can."""
    if shutil.which("node") is None:
        return f"node is not installed ({INSTALL})"
    missing = [str(path.relative_to(ROOT)) for path in (MERMAID, D2, MXGRAPH) if not path.is_file()]
    return f"{', '.join(missing)} not installed ({INSTALL})" if missing else None


def compile_d2(paths: Sequence[Path]) -> dict[Path, dict[str, Any]]:
    """Each file compiled by D2: {"shapes": [ids], "connections": [[src, dst]]} or {"error": message}."""
    done = subprocess.run(["node", str(CHECK_D2), str(NODE_MODULES)], input="\n".join(map(str, paths)) + "\n",
                          capture_output=True, text=True, timeout=900, check=True)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {Path(result["path"]): result for result in results}


MERMAID_RENDER = """async (texts) => {
  mermaid.initialize({startOnLoad: false, securityLevel: "strict", maxTextSize: 100000000, maxEdges: 1000000});
  const out = [];
  const holder = document.getElementById("out");
  for (const [index, text] of texts.entries()) {
    try {
      const {svg} = await mermaid.render("figure" + index, text);
      holder.innerHTML = svg;
      const drawn = holder.querySelector("svg");
      out.push({nodes: drawn.querySelectorAll("g.node").length, clusters: drawn.querySelectorAll("g.cluster").length,
                links: drawn.querySelectorAll("path.flowchart-link").length,
                scripts: drawn.querySelectorAll("script").length,
                text: [...drawn.querySelectorAll("g.node, g.cluster, g.edgeLabel")].map((n) => n.textContent)});
    } catch (error) {
      out.push({error: String(error).slice(0, 2000)});
    }
    holder.innerHTML = "";
  }
  return out;
}"""


def mermaid_page(browser: Any) -> Any:
    """A blank page with Mermaid loaded from the installed package: nothing fetched from elsewhere."""
    page = browser.new_page()
    page.route("**/*", lambda route: route.abort())  # no request leaves the page
    page.set_content('<!doctype html><html><body><div id="out"></div></body></html>')
    page.add_script_tag(path=str(MERMAID))
    return page


def render_mermaid(page: Any, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Each text rendered by Mermaid: its nodes, clusters and links as drawn (and their text), or its error."""
    return list(page.evaluate(MERMAID_RENDER, list(texts)))


# Before mxClient.js runs: nothing of its own to fetch (no resource bundles, no stylesheets; the images it would take
# from its base path are only the folding icons, turned off below).
MXGRAPH_SETTINGS = 'var mxBasePath = "mxgraph"; var mxLoadResources = false; var mxLoadStylesheets = false;'

# Each file as draw.io opens it: its <mxGraphModel> decoded by mxCodec into an mxGraph in a div, then drawn. What
# mxGraph holds (vertices, containers, edges), what it drew (cells with a shape in the page), the rendered graph's
# bounds, every box's place and label as drawn, the shapes, perimeters and named styles its core does not know, the
# edge ends drawn at their box's centre (a perimeter mxGraph cannot find leaves them there), or the error.
MXGRAPH_RENDER = """(texts) => {
  const holder = document.getElementById("out");
  const out = [];
  for (const text of texts) {
    holder.innerHTML = "";
    try {
      const doc = mxUtils.parseXml(text);
      const models = doc.getElementsByTagName("mxGraphModel");
      if (models.length !== 1) throw new Error(models.length + " mxGraphModel elements");
      const graph = new mxGraph(holder);
      graph.setEnabled(false);
      graph.foldingEnabled = false;
      const model = graph.getModel();
      new mxCodec(doc).decode(models[0], model);
      const stylesheet = graph.getStylesheet();
      const result = {vertices: 0, containers: 0, edges: 0, drawnVertices: 0, drawnEdges: 0, boxes: [],
                      labels: [], unknownShapes: [], unknownPerimeters: [], unknownStyles: [], endsAtCentre: 0,
                      widerLabels: 0};
      const unknownShapes = new Set(), unknownPerimeters = new Set(), unknownStyles = new Set();
      for (const cell of Object.values(model.cells)) {
        const state = graph.view.getState(cell);
        const drawn = state != null && state.shape != null && state.shape.node != null
          && holder.contains(state.shape.node);
        for (const word of (cell.style || "").split(";")) {
          if (word && !word.includes("=") && !(word in stylesheet.styles)) unknownStyles.add(word);
        }
        if (model.isEdge(cell)) {
          result.edges += 1;
          result.drawnEdges += drawn ? 1 : 0;
          const ends = state && state.absolutePoints ? state.absolutePoints : [];
          for (const [index, source] of [[0, true], [ends.length - 1, false]]) {
            const end = graph.view.getState(model.getTerminal(cell, source));
            if (!end || !ends[index]) continue;
            const dx = ends[index].x - end.getCenterX(), dy = ends[index].y - end.getCenterY();
            // (a tiny box, as a state machine's start dot, is all centre: its outline is nearer than 2 px)
            if (Math.sqrt(dx * dx + dy * dy) < Math.min(2, Math.min(end.width, end.height) / 4)) {
              result.endsAtCentre += 1;
            }
          }
        } else if (model.isVertex(cell)) {
          const style = graph.getCellStyle(cell);
          const name = style[mxConstants.STYLE_SHAPE];
          if (name && mxCellRenderer.defaultShapes[name] == null && mxStencilRegistry.getStencil(name) == null) {
            unknownShapes.add(name);
          }
          const perimeter = style[mxConstants.STYLE_PERIMETER];
          if (typeof perimeter === "string" && mxStyleRegistry.getValue(perimeter) == null) {
            unknownPerimeters.add(perimeter);
          }
          if (style.container === "1" || style.container === 1) { result.containers += 1; continue; }
          result.vertices += 1;
          result.drawnVertices += drawn ? 1 : 0;
          if (state != null) {
            result.boxes.push([state.x, state.y, state.width, state.height]);
            const text = state.text && state.text.boundingBox;
            if (text && text.width > state.width + 2) result.widerLabels += 1;
            result.labels.push([String(cell.value || ""), state.text && state.text.node ? state.text.node.textContent
                                                                                         : ""]);
          }
        }
      }
      const bounds = graph.getGraphBounds();
      result.bounds = [bounds.x, bounds.y, bounds.width, bounds.height];
      result.unknownShapes = [...unknownShapes].sort();
      result.unknownPerimeters = [...unknownPerimeters].sort();
      result.unknownStyles = [...unknownStyles].sort();
      result.svg = holder.querySelectorAll("svg").length;
      out.push(result);
      graph.destroy();
    } catch (error) {
      out.push({error: String(error && error.stack || error).slice(0, 2000)});
    }
  }
  holder.innerHTML = "";
  return out;
}"""


def mxgraph_page(browser: Any) -> tuple[Any, list[str]]:
    """A blank page with mxGraph (draw.io's library) loaded from the installed package, and the list every request
    the page tries is added to: each one is refused, so nothing is fetched from anywhere."""
    page = browser.new_page()
    requests: list[str] = []

    def refuse(route: Any) -> None:
        requests.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)
    page.on("pageerror", lambda error: requests.append(f"pageerror: {error}"))
    page.set_content('<!doctype html><html><body style="margin:0"><div id="out" '
                     'style="position:relative;overflow:visible;width:10px;height:10px"></div></body></html>')
    page.add_script_tag(content=MXGRAPH_SETTINGS)
    page.add_script_tag(path=str(MXGRAPH))
    return page, requests


def render_drawio(page: Any, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Each draw.io file opened by mxGraph: {"vertices", "containers", "edges"} as mxGraph holds them,
    {"drawnVertices", "drawnEdges"} as it drew them, "bounds" [x, y, width, height] of the drawn graph, "boxes"
    (each non-container vertex's [x, y, width, height] as drawn) and their "labels" ([value, drawn text]),
    "unknownShapes" / "unknownPerimeters" / "unknownStyles" (names mxGraph's core does not know), "endsAtCentre"
    (edge ends drawn at their box's centre, not its outline), "widerLabels" (labels wider than their box: html=0 text
    does not wrap, and mxGraph's Helvetica is wider than dot's font); or {"error": message}."""
    return list(page.evaluate(MXGRAPH_RENDER, list(texts)))


MXGRAPH_SHOW = """(text) => {
  const holder = document.getElementById("out");
  holder.innerHTML = "";
  const doc = mxUtils.parseXml(text);
  const graph = new mxGraph(holder);
  graph.setEnabled(false);
  graph.foldingEnabled = false;
  new mxCodec(doc).decode(doc.getElementsByTagName("mxGraphModel")[0], graph.getModel());
  const bounds = graph.getGraphBounds();
  holder.style.width = Math.ceil(bounds.x + bounds.width + 8) + "px";
  holder.style.height = Math.ceil(bounds.y + bounds.height + 8) + "px";
  holder.style.background = "#ffffff";
  return [bounds.x, bounds.y, bounds.width, bounds.height];
}"""


def show_drawio(page: Any, text: str) -> tuple[Any, list[float]]:
    """One draw.io file drawn by mxGraph and left in the page, for a screenshot: the element holding it (sized to
    the drawing) and the drawing's bounds [x, y, width, height]."""
    bounds = page.evaluate(MXGRAPH_SHOW, text)
    return page.locator("#out"), list(bounds)


def svg_counts(svg: bytes) -> tuple[int, int]:
    """The boxes and links Graphviz drew: its `node` and `edge` groups (an invisible link is not drawn)."""
    text = svg.decode("utf-8")
    return len(re.findall(r'<g id="node\d+" class="node', text)), len(re.findall(r'<g id="edge\d+" class="edge', text))


def drawio_structure(xml: bytes) -> tuple[int, int, int]:
    """A draw.io file checked as draw.io reads it: the XML parses, ids are unique, every cell's parent exists and
    comes before it, every edge joins two vertices, and every vertex lies inside the page. Returns (boxes, groups,
    edges); raises AssertionError naming what is wrong."""
    root = ElementTree.fromstring(xml)
    model = root.find("./diagram/mxGraphModel")
    assert model is not None, "no mxGraphModel"
    page_width, page_height = float(model.get("pageWidth", "0")), float(model.get("pageHeight", "0"))
    assert page_width > 0 and page_height > 0
    cells = model.findall("./root/mxCell")
    seen: dict[str, ElementTree.Element] = {}
    origins: dict[str, tuple[float, float]] = {"0": (0.0, 0.0), "1": (0.0, 0.0)}
    boxes = groups = edges = 0
    for cell in cells:
        cell_id = cell.get("id", "")
        assert cell_id and cell_id not in seen, f"duplicate or empty id {cell_id!r}"
        parent = cell.get("parent")
        assert cell_id == "0" or parent in seen, f"{cell_id}: parent {parent!r} is not an earlier cell"
        seen[cell_id] = cell
        if cell.get("vertex") == "1":
            geometry = cell.find("mxGeometry")
            assert geometry is not None, f"{cell_id} has no geometry"
            left, top = origins[parent or "1"]
            x, y = left + float(geometry.get("x", "0")), top + float(geometry.get("y", "0"))
            width, height = float(geometry.get("width", "0")), float(geometry.get("height", "0"))
            assert width > 0 and height > 0, f"{cell_id} has no size"
            assert x >= 0 and x + width <= page_width + 0.5 and y >= 0 and y + height <= page_height + 0.5, (
                f"{cell_id} at {x},{y} {width}x{height} is outside the {page_width}x{page_height} page")
            origins[cell_id] = (x, y)
            if "container=1" in cell.get("style", ""):
                groups += 1
            else:
                boxes += 1
        elif cell.get("edge") == "1":
            edges += 1
    for cell in cells:
        if cell.get("edge") == "1":
            for end in ("source", "target"):
                other = seen.get(cell.get(end, ""))
                assert other is not None and other.get("vertex") == "1", f"{cell.get('id')}: {end} is no vertex"
    return boxes, groups, edges


def node_required_in_ci() -> bool:
    """In CI (CI=true) with node installed, a missing npm package is a failure, not a skip."""
    return os.environ.get("CI", "").lower() == "true" and shutil.which("node") is not None
