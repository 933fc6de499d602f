"""No text crosses its shape's border: every figure the site's pages declare, and every view of every manifest
folder of the project (see tests/svg_shapes.py for how a text's extent and a shape's usable area are found)."""

from __future__ import annotations

from pathlib import Path

import pytest
from svg_shapes import elements, label_problems, text_box

from gen.loading import load
from gen.render import render_diagram
from gen.rules import derive
from gen.site.blocks import find_blocks, parse_spec
from gen.views import VIEWS, build_view

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "manifests"
PAGES = sorted((ROOT / "docs").glob("*.md"))
FIGURES = [(page.name, block.line, parse_spec(block.body)) for page in PAGES
           for block in find_blocks(page.read_text(encoding="utf-8"))]
FOLDERS = sorted(p.name for p in MANIFESTS.iterdir() if p.is_dir())


def _svg(paths: list[str], view: str, filters: object = None) -> str:
    loaded = load(paths)
    graph = derive(loaded.inventory())
    return render_diagram(build_view(graph, view, filters)).decode()  # type: ignore[arg-type]


def test_the_site_declares_figures() -> None:
    assert len(FIGURES) >= 5 and {spec.view for _, _, spec in FIGURES} >= {"pod", "diagram", "topology"}


@pytest.mark.exe
@pytest.mark.parametrize(("page", "line", "spec"), FIGURES, ids=[f"{p}:{n}" for p, n, _ in FIGURES])
def test_every_figure_of_the_site(page: str, line: int, spec: object) -> None:
    paths = [str(MANIFESTS / m) for m in spec.manifests]  # type: ignore[attr-defined]
    assert label_problems(_svg(paths, spec.view, spec.filters())) == []  # type: ignore[attr-defined]


@pytest.mark.exe
@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("folder", FOLDERS)
def test_every_view_of_every_manifest_folder(folder: str, view: str) -> None:
    assert label_problems(_svg([str(MANIFESTS / folder)], view)) == []


def test_the_check_sees_a_text_across_a_border() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><g class="node"><title>a</title>'
           '<polygon points="46,-30 0,-30 0,-6 46,-6 58,-18 46,-30"/>'
           '<text text-anchor="middle" x="29" y="-32" font-size="8">ing</text>'
           '<text text-anchor="middle" x="29" y="-15" font-size="11">fits</text>'
           '<text text-anchor="start" x="44" y="-10" font-size="11">tip</text></g></svg>')
    problems = label_problems(svg)
    assert len(problems) == 2 and "'ing'" in problems[0] and "'tip'" in problems[1]
    (node,) = elements(svg)
    assert [t.content for t in node.texts] == ["ing", "fits", "tip"]


def test_text_extent_follows_its_anchor() -> None:
    middle, start, end = (text_box(100, 50, "abc", 10, anchor, False) for anchor in ("middle", "start", "end"))
    assert start.left == 100 and end.right == 100 and middle.centre[0] == 100
    assert text_box(0, 0, "가나", 10, "start", False).right > text_box(0, 0, "ab", 10, "start", False).right
