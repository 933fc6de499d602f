"""The real parsers of the formats kubedocs writes besides SVG, run over many files at once: D2's compiler (its WASM
build, one node process for all files), Mermaid in headless Chromium (one page for all texts), a draw.io file's
structure read with an XML parser, and Graphviz's own SVG for the counts they must match."""

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
CHECK_D2 = Path(__file__).resolve().parent / "formats" / "check_d2.mjs"
INSTALL = "apt-get install nodejs npm, then .ci/setup --test (npm ci of .ci/node/package.json into .cache/node)"


def node_missing() -> str | None:
    """Why the node-based parsers cannot run here, naming what to install; None when they can."""
    if shutil.which("node") is None:
        return f"node is not installed ({INSTALL})"
    missing = [str(path.relative_to(ROOT)) for path in (MERMAID, D2) if not path.is_file()]
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
