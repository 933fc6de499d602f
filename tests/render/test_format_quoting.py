"""Hostile names through every backend: the names of the quoting tests (tests/render/test_quoting.py,
tests/render/test_label_text.py) and each format's own syntax, as box names, titles, group labels, rows and link
labels. Each format's own parser must read the file, keep every box apart and show each text as written."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from format_parsers import compile_d2, drawio_structure, render_mermaid, svg_counts

from gen.diagram import Box, Diagram, Group, Link, Row
from gen.render import render_diagram

pytestmark = pytest.mark.exe

QUOTING = ['Role/kube-system/system:controller:"x"', "a<b>&", "&;", "a&b", "&amp;", "&#45;", "&x"]
LABEL_TEXT = ["]", "]]", "a]", "[x]", "a\\Gb", "x\\N", "\\L\\l\\r\\n", "a&lt;b", 'q"u', "ü<>&", "back\\\\slash",
              'a\\"b', "\\E\\T\\H"]
FORMAT_SYNTAX = [
    # Mermaid: its keywords, comments, entity codes, arrows, edge-label pipes, brackets of each shape, directives
    "end", "%% comment", "#quot;", "#35;", "a --> b", "|x|", "graph TD", "click n0 call alert()", "classDef x",
    "subgraph", "(((x)))", "{{x}}", "%%{init: {}}%%", "<script>alert(1)</script>", "<br>", "`md`",
    # D2: substitutions, nesting dots, maps, comments, block strings, reserved keys, case folding
    "${x}", "a.b", "{", "}", "a -> b", "a; b", "# c", "|md x|", "label", "shape", "Upper", "upper", "'single'",
    # draw.io / XML: CDATA, comments, entities, tabs
    "]]>", "<!-- x -->", "&#10;", "tab\there",
    # any: Hangul, right-to-left override, a lone backslash and quote
    "서비스/shop", "rtl\u202eevil", "\\", '"',
]
HOSTILE = QUOTING + LABEL_TEXT + FORMAT_SYNTAX


def _figure() -> Diagram:
    """Each hostile text a box's id and title, with a group, a row and a link labelled by it."""
    boxes = [Box(text, text, group=f"group {index}", rows=(Row("r", text),)) for index, text in enumerate(HOSTILE)]
    groups = [Group(f"group {index}", text) for index, text in enumerate(HOSTILE)]
    links = [Link(a.id, b.id, label=a.title) for a, b in itertools.pairwise(boxes)]
    return Diagram(boxes, links, groups)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("hostile")
    files = {}
    for suffix in ("svg", "mmd", "d2", "drawio", "json"):
        files[suffix] = directory / f"hostile.{suffix}"
        files[suffix].write_bytes(render_diagram(_figure(), suffix))
    return files


def test_json_keeps_every_name_and_text(written: dict[str, Path]) -> None:
    graph = json.loads(written["json"].read_text(encoding="utf-8"))
    assert sorted(node["id"] for node in graph["nodes"]) == sorted(HOSTILE)
    assert {node["title"] for node in graph["nodes"]} == set(HOSTILE)
    assert {group["label"] for group in graph["groups"]} == set(HOSTILE)
    assert {edge["label"] for edge in graph["edges"]} == set(HOSTILE[:-1])


def test_drawio_keeps_every_text_in_a_sound_file(written: dict[str, Path]) -> None:
    data = written["drawio"].read_bytes()
    boxes, groups, edges = drawio_structure(data)
    assert (boxes, groups, edges) == (len(HOSTILE), len(HOSTILE), len(HOSTILE) - 1)
    values = [cell.get("value") for cell in ElementTree.fromstring(data).iter("mxCell")]
    for text in HOSTILE:
        assert f"{text}\n{text}" in values, text  # title and row
        assert values.count(text) >= 1, text  # the group's label, the link's


def test_graphviz_draws_them_all(written: dict[str, Path]) -> None:
    assert svg_counts(written["svg"].read_bytes()) == (len(HOSTILE), len(HOSTILE) - 1)


def test_d2_compiles_and_keeps_every_box_apart(written: dict[str, Path], node_modules: Path) -> None:
    result = compile_d2([written["d2"]])[written["d2"]]
    assert "error" not in result, result.get("error")
    boxes = [(shape, label) for shape, label in zip(result["shapes"], result["labels"], strict=True)
             if shape.rpartition(".")[2].startswith("n")]
    assert len(boxes) == len(HOSTILE) and len(result["connections"]) == len(HOSTILE) - 1
    assert sorted(label for _shape, label in boxes) == sorted(f"{text}\n{text}" for text in HOSTILE)
    assert sorted(result["connectionLabels"]) == sorted(HOSTILE[:-1])


def test_mermaid_renders_and_shows_every_text(written: dict[str, Path], mermaid_page: object) -> None:
    [result] = render_mermaid(mermaid_page, [written["mmd"].read_text(encoding="utf-8")])
    assert "error" not in result, result.get("error")
    assert (result["nodes"], result["links"], result["clusters"]) == (len(HOSTILE), len(HOSTILE) - 1, len(HOSTILE))
    shown = result["text"]
    for text in HOSTILE:
        # a box shows its title and its row as two lines (textContent joins them)
        assert any(text.strip() in item for item in shown), text
    assert result["scripts"] == 0  # `<script>` is text, never markup
