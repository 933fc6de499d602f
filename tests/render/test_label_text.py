"""Text in figures is shown as written (gen/render/quoting.py): Graphviz's escapes (`\\N`, `\\G`, `\\L`…) and HTML
entities are not expanded, characters XML forbids are dropped, and one absurd value costs its own label, never the
figure. Checked in the SVG the real dot writes."""

from __future__ import annotations

import html
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gen.diagram import Box, Diagram, Link, Row
from gen.pipeline import render_figure
from gen.render import render_diagram
from gen.render.quoting import MAX_LABEL

pytestmark = [pytest.mark.exe, pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")]

TRICKY = ["]", "]]", "a]", "[x]",  # dot's HTML parser rejected text starting with `]`: found by the long fuzz session
          "a\\Gb", "x\\N", "\\L\\l\\r\\n", "a&lt;b", "&amp;", 'q"u', "ü<>&", "back\\\\slash", 'a\\"b', "\\E\\T\\H"]


@pytest.mark.parametrize("name", ["&;", "a&b", "&amp;", "&#45;", "&x"])
def test_a_node_name_with_an_ampersand_gives_well_formed_svg_and_reads_back(name: str) -> None:
    import xml.etree.ElementTree as ET

    svg = render_diagram(Diagram(boxes=[Box(name, "x")]))
    titles = [element.text for element in ET.fromstring(svg).iter() if element.tag.endswith("title")]
    assert name in titles  # found by the long fuzz session: `&;` made the SVG malformed


def _shown(text: str) -> tuple[list[str], list[str]]:
    """(texts drawn, tooltips) of a figure with `text` as a box title, a row, a tooltip and an edge label."""
    diagram = Diagram(boxes=[Box("n1", text, tooltip=text, rows=(Row("r", text),)), Box("n2", "other")],
                      links=[Link("n1", "n2", label=text)])
    svg = render_diagram(diagram).decode("utf-8")
    drawn = [html.unescape(m) for m in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    tips = [html.unescape(m) for m in re.findall(r'xlink:title="([^"]*)"', svg)]
    return drawn, tips


@pytest.mark.parametrize("text", TRICKY)
def test_escapes_and_entities_are_shown_as_written(text: str) -> None:
    drawn, tips = _shown(text)
    assert drawn.count(text) == 3, drawn  # title, row, edge label
    assert text in tips


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Zs"),
                                      blacklist_characters="\ufffe\uffff"), min_size=1, max_size=12))
def test_any_short_printable_text_round_trips(text: str) -> None:
    drawn, tips = _shown(text)
    assert text in drawn and text in tips


def _config_map(name: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name!r}}}\n---\n"


def test_a_100kb_name_is_clipped_and_the_other_files_are_drawn(tmp_path) -> None:
    (tmp_path / "long.yaml").write_text(_config_map("n" * 100_000))
    (tmp_path / "good.yaml").write_text(_config_map("good"))
    figure = render_figure([str(tmp_path)])
    svg = figure.output.decode("utf-8")
    assert "ConfigMap/default/good" in svg
    longest = max(len(m) for m in re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert longest <= MAX_LABEL
    assert "n" * 1000 in svg, "the tooltip (and title) keep more of the name than the label"


@pytest.mark.parametrize("escape", ["\\uFFFE", "\\uFFFF", "\\uFDD0", "\\U0001FFFE", "\\x07"])
def test_non_characters_are_stripped_not_fatal(tmp_path, escape: str) -> None:
    # written as YAML escapes: libyaml rejects these characters when they stand in the text itself
    (tmp_path / "odd.yaml").write_text(f'apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: "a{escape}b"}}\n')
    (tmp_path / "good.yaml").write_text(_config_map("good"))
    svg = render_figure([str(tmp_path)]).output.decode("utf-8")
    assert "ConfigMap/default/ab" in svg and "ConfigMap/default/good" in svg
