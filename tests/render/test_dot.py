"""Diagram → DOT: quoting, node names, link styles, the empty diagram."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from views.conftest import positions

from gen.diagram import Box, Diagram, Group, Link, Row
from gen.graph import Graph
from gen.loading import load
from gen.records import replace
from gen.render import diagram_to_dot, render_diagram
from gen.render.dot import MISSING
from gen.render.quoting import dot_id, html_text
from gen.rules import derive
from gen.views import VIEWS, build_view

# A node statement: a quoted ID, then its attribute list.
NODE = re.compile(r'^\s*("(?:[^"\\]|\\.)*") \[', re.M)
LINK = re.compile(r'^\s*("(?:[^"\\]|\\.)*")(?::\w+:\w)? -> ("(?:[^"\\]|\\.)*")(?::\w+:\w)? \[(.*)\];$', re.M)
# Views that draw documents of their own, never Kubernetes objects: from manifests alone they draw their empty box.
VIEWS_OF_NO_MANIFEST = {"diagram"}
VIEWS_OF_THE_CLUSTER = {"control-plane", "nodes"}  # need static Pods or Nodes: tests/views/test_cluster.py


def _unquote(quoted: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), quoted[1:-1])


def _svg_titles(svg: bytes) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", svg.decode("utf-8"))]


@pytest.fixture(scope="module")
def sample_graph(fixtures_dir: Path) -> Graph:
    root = fixtures_dir.parents[1]
    return derive(load([str(root / "manifests" / "sample-app"), str(fixtures_dir / "broken-app")]).inventory())


# --- quoting ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Service/shop/web", '"Service/shop/web"'),
        ("Pod/ns/a:b", '"Pod/ns/a:b"'),  # a colon would otherwise start a port
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("two\nlines", '"two\\nlines"'),
        ("", '""'),
    ],
)
def test_dot_id_quotes(text: str, quoted: str) -> None:
    assert dot_id(text) == quoted


def test_html_text_escapes_markup() -> None:
    assert html_text('<b>&"x"') == "&lt;b&gt;&amp;&quot;x&quot;"


def test_awkward_ids_stay_one_node() -> None:
    ids = ["Pod/ns/a:b", 'ConfigMap/ns/say "hi"', "Secret/ns/back\\slash", "Service/ns/x:80:w"]
    diagram = Diagram(boxes=[Box(id=i, title=i.rsplit("/", 1)[1]) for i in ids],
                      links=[Link(ids[0], ids[1]), Link(ids[2], ids[3], label='a "quoted" label')])
    source = diagram_to_dot(diagram)
    assert sorted(_unquote(q) for q in NODE.findall(source)) == sorted(ids)
    links = [(_unquote(a), _unquote(b)) for a, b, _ in LINK.findall(source)]
    assert links == [(ids[0], ids[1]), (ids[2], ids[3])]


@pytest.mark.exe
def test_awkward_ids_survive_graphviz() -> None:
    ids = ["Pod/ns/a:b", 'ConfigMap/ns/say "hi"', "Secret/ns/a&b<c>", "Pod/ns/app=web,tier in (a,b)"]
    diagram = Diagram(boxes=[Box(id=i, title=i.rsplit("/", 1)[1]) for i in ids], links=[Link(ids[0], ids[1])])
    titles = _svg_titles(render_diagram(diagram, "svg"))
    assert set(ids) <= set(titles)
    assert f"{ids[0]}->{ids[1]}" in titles  # the edge: no port was read into "a:b"


def test_titles_and_details_are_html_escaped() -> None:
    diagram = Diagram(boxes=[Box(id="x", title="<b>&", details=("a<b",), rows=(Row("r", "c&d"),))])
    source = diagram_to_dot(diagram)
    assert "&lt;b&gt;&amp;" in source
    assert "a&lt;b" in source and "c&amp;d" in source
    label = source[source.index("label="):source.index("tooltip=")]  # the tooltip is a quoted string, not markup
    assert "<b>&" not in label


# --- nodes and links of a real view ----------------------------------------------------------------------------


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_every_box_id_is_a_node_name(sample_graph: Graph, view: str) -> None:
    diagram = build_view(sample_graph, view)
    assert diagram.boxes or view in VIEWS_OF_NO_MANIFEST | VIEWS_OF_THE_CLUSTER
    source = diagram_to_dot(diagram)
    names = [_unquote(q) for q in NODE.findall(source)]
    assert sorted(names) == sorted(box.id for box in diagram.boxes)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_every_link_joins_two_boxes(sample_graph: Graph, view: str) -> None:
    diagram = build_view(sample_graph, view)
    ids = {box.id for box in diagram.boxes}
    for source, target, _ in LINK.findall(diagram_to_dot(diagram)):
        assert _unquote(source) in ids and _unquote(target) in ids


def test_node_names_are_kind_namespace_name(sample_graph: Graph) -> None:
    names = set(_unquote(q) for q in NODE.findall(diagram_to_dot(build_view(sample_graph))))
    assert {"Deployment/shop/web", "Service/shop/api", "Ingress/shop/shop", "IngressClass/nginx",
            "ReplicaSet/shop/web", "Pod/shop/web-1", "ServiceAccount/shop/api"} <= names


def test_missing_links_are_red_and_dashed(sample_graph: Graph) -> None:
    source = diagram_to_dot(build_view(sample_graph))
    links = {(_unquote(a), _unquote(b)): attrs for a, b, attrs in LINK.findall(source)}
    missing = links[("Ingress/broken/checkout", "Service/broken/checkout")]
    assert f'color="{MISSING}"' in missing and 'style="dashed"' in missing
    present = links[("Ingress/shop/shop", "Service/shop/web")]
    assert MISSING not in present and 'style="solid"' in present


def test_missing_link_style_wins_over_its_kind() -> None:
    diagram = Diagram(boxes=[Box(id="a", title="a"), Box(id="b", title="b", state="missing")],
                      links=[Link("a", "b", colour="blue", missing=True)])
    (attrs,) = [attrs for _, _, attrs in LINK.findall(diagram_to_dot(diagram))]
    assert f'color="{MISSING}"' in attrs and 'style="dashed"' in attrs


def test_missing_box_is_drawn_red(sample_graph: Graph) -> None:
    source = diagram_to_dot(build_view(sample_graph))
    line = next(line for line in source.splitlines() if line.strip().startswith('"Service/broken/checkout" ['))
    assert MISSING in line and "dashed" in line


def test_row_links_use_ports() -> None:
    diagram = Diagram(boxes=[Box(id="p", title="p", shape="table", rows=(Row("app", "app"), Row("log", "log"))),
                             Box(id="c", title="c")],
                      links=[Link("p", "c", source_row="log")])
    assert '"p":r1:e -> "c"' in diagram_to_dot(diagram)


def test_groups_become_clusters() -> None:
    diagram = Diagram(boxes=[Box(id="a", title="a", group="ns/x/app/y")],
                      groups=[Group("ns/x", "namespace x", style="outer"),
                              Group("ns/x/app/y", "app y", parent="ns/x", style="inner")])
    source = diagram_to_dot(diagram)
    assert source.count("subgraph cluster_") == 2
    assert source.index("namespace x") < source.index("app y") < source.index('"a" [')


# --- the empty diagram -----------------------------------------------------------------------------------------


def test_empty_diagram_is_a_message_box() -> None:
    source = diagram_to_dot(Diagram(empty_message="no resources for the storage view"))
    assert re.search(r'^\s*empty \[.*label="no resources for the storage view"', source, re.M)


def test_empty_view_says_so() -> None:
    graph = derive(load(["-"], stdin_text="apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n").inventory())
    diagram = build_view(graph, "storage")
    assert diagram.boxes == []
    assert "no resources for the storage view" in diagram_to_dot(diagram)


@pytest.mark.exe
def test_empty_diagram_renders_a_visible_message() -> None:
    svg = render_diagram(Diagram(empty_message="nothing to draw here"), "svg").decode("utf-8")
    assert "nothing to draw here" in svg
    assert "<polygon" in svg or "<path" in svg  # the box around the message: never a blank picture


def test_deterministic_source(fixtures_dir: Path) -> None:
    """The same DOT from the inputs in the other order, in interpreters with different hash seeds."""
    root = fixtures_dir.parents[1]
    inputs = [str(root / "manifests" / "sample-app"), str(fixtures_dir / "broken-app")]
    program = ("import sys; from gen.loading import load; from gen.rules import derive; "
               "from gen.views import build_view; from gen.render import diagram_to_dot; "
               "sys.stdout.write(diagram_to_dot(build_view(derive(load(sys.argv[1:]).inventory()))))")
    sources = []
    for seed, order in (("1", inputs), ("2", inputs[::-1])):
        done = subprocess.run([sys.executable, "-c", program, *order], capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, PYTHONHASHSEED=seed), check=True)
        sources.append(done.stdout)
    assert sources[0] == sources[1]
    assert '"Deployment/shop/web" [' in sources[0] and '"Service/broken/checkout" [' in sources[0]


# --- text that once broke the renderer: blank, or with control characters ----------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _svg_nodes(svg: bytes) -> dict[str, list[str]]:
    """Each node's <title> → the visible text of its <text> elements, from the SVG parsed as XML."""
    tree = ElementTree.fromstring(svg)  # raises if the SVG is not well-formed XML
    nodes = {}
    for group in tree.iter(f"{SVG}g"):
        if group.get("class", "").split()[:1] == ["node"]:
            title = group.find(f"{SVG}title")
            assert title is not None and title.text is not None
            nodes[title.text] = ["".join(text.itertext()) for text in group.iter(f"{SVG}text")]
    return nodes


BLANK_TEXT = {
    # a box must never be blank: a blank title shows "?"
    "title": (Box(id="a", title=""), ["?"]),
    "whitespace title": (Box(id="a", title=" "), ["?"]),
    # a blank row keeps its cell (a port links may use), with nothing visible in it
    "row": (Box(id="a", title="t", rows=(Row("r", ""),)), ["t"]),
    # a blank detail line is left out
    "detail": (Box(id="a", title="t", details=("",)), ["t"]),
}


@pytest.mark.exe
@pytest.mark.parametrize("case", sorted(BLANK_TEXT))
def test_blank_text_renders(case: str) -> None:
    box, visible = BLANK_TEXT[case]
    nodes = _svg_nodes(render_diagram(Diagram(boxes=[box]), "svg"))
    assert list(nodes) == ["a"]
    assert [text for text in nodes["a"] if text.strip()] == visible


@pytest.mark.exe
def test_blank_row_keeps_its_port() -> None:
    box = Box(id="a", title="t", rows=(Row("r", ""), Row("s", "log")))
    diagram = Diagram(boxes=[box, Box(id="b", title="b")], links=[Link("a", "b", source_row="r")])
    assert '"a":r0:e -> "b"' in diagram_to_dot(diagram)
    svg = render_diagram(diagram, "svg")
    assert [t for t in _svg_titles(svg) if "->" in t] == ["a:e->b"]  # the link is drawn from the row
    assert [text for text in _svg_nodes(svg)["a"] if text.strip()] == ["t", "log"]


@pytest.mark.exe
def test_blank_group_label_renders() -> None:
    svg = render_diagram(Diagram(boxes=[Box(id="a", title="t", group="g")], groups=[Group("g", "")]), "svg")
    tree = ElementTree.fromstring(svg)
    clusters = [g for g in tree.iter(f"{SVG}g") if g.get("class") == "cluster"]
    assert len(clusters) == 1  # the group is still drawn, as a box without a label
    assert ["".join(t.itertext()) for t in clusters[0].iter(f"{SVG}text")] == []
    assert _svg_nodes(svg) == {"a": ["t"]}


@pytest.mark.exe
def test_control_characters_render() -> None:
    box = Box(id="a\x01", title="bell\x07", details=("esc\x1bape\x7f",), rows=(Row("r", "nul\x00l"),))
    svg = render_diagram(Diagram(boxes=[box]), "svg")
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", svg)
    nodes = _svg_nodes(svg)  # well-formed XML: a control character would make it unreadable
    assert list(nodes) == ["a"]  # the node is named without them ...
    assert [text for text in nodes["a"] if text.strip()] == ["bell", "escape", "null"]  # ... and labelled


def test_svg_classes_name_each_box_family_and_state() -> None:
    diagram = Diagram(boxes=[Box(id="p", title="p", category="pod", state="derived"), Box(id="s", title="s")],
                      links=[Link("p", "s", category="mount")])
    source = diagram_to_dot(diagram)
    assert 'class="pod derived"' in source and 'class="real"' in source and 'class="mount"' in source


@pytest.mark.exe
def test_small_text_is_at_least_9_points_and_details_stand_apart_from_the_title() -> None:
    """A badge and detail lines are drawn at 9 pt or more (12 px at natural size, readable fitted to a column), and
    the detail lines sit a gap below the title's line: they do not touch."""
    plain = Box("a", "title", badge="po", details=("detail",))
    table = Box("b", "title", badge="po", details=("detail",), rows=(Row("r", "row"),))
    svg = render_diagram(Diagram(boxes=[plain, table]), "svg").decode("utf-8")
    svg_ns = "{http://www.w3.org/2000/svg}"
    nodes = [g for g in ElementTree.fromstring(svg).iter(f"{svg_ns}g") if g.get("class", "").startswith("node")]
    assert len(nodes) == 2
    for node in nodes:
        lines = {t.text or "": (float(t.get("font-size", "14")), float(t.get("y", "0")))
                 for t in node.iter(f"{svg_ns}text") if (t.text or "").strip()}
        assert all(size >= 9 for size, _y in lines.values()), lines
        title_y, (detail_size, detail_y) = lines["title"][1], lines["detail"]
        # baselines further apart than a line of the details and 2 pt (they were 9.4 pt apart, touching)
        assert detail_y - title_y >= detail_size * 1.2 + 2, lines


# --- vertical figures are laid out narrow ------------------------------------------------------------------------


def _framed(direction: str) -> Diagram:
    """A box in a frame naming a side detail outside every frame (a namespaced object and its cluster-wide class),
    and a second box beside it in the frame."""
    return Diagram(boxes=[Box("ing", "shop", group="ns"), Box("svc", "web", group="ns"), Box("class", "nginx")],
                   links=[Link("ing", "svc"), Link("ing", "class", "class", aside=True)],
                   groups=[Group("ns", "namespace shop")], direction=direction)  # type: ignore[arg-type]


def test_a_vertical_figure_sets_boxes_and_frames_closer() -> None:
    tall, wide = diagram_to_dot(_framed("TB")), diagram_to_dot(_framed("LR"))
    assert "nodesep=0.12" in tall and "margin=4]" in tall
    assert "nodesep=0.18" in wide and "margin=" not in wide.split("subgraph", 1)[1]


def test_an_aside_link_is_laid_out_backwards_in_a_vertical_figure_only() -> None:
    tall, wide = diagram_to_dot(_framed("TB")), diagram_to_dot(_framed("LR"))
    assert re.search(r'^\s*"class" -> "ing" \[.*dir=back', tall, re.M)  # laid from the class, head still at it
    assert re.search(r'^\s*"ing" -> "class" \[', wide, re.M) and "dir=back" not in wide


@pytest.mark.exe
def test_an_aside_box_stands_above_the_frames_and_adds_no_width() -> None:
    svg = render_diagram(_framed("TB"), "svg").decode("utf-8")
    top = {title: y for title, (_left, y, _x) in positions(svg).items()}
    assert top["class"] < top["ing"]  # above the box naming it, out of the frame: not beside it
    unmarked = render_diagram(replace(_framed("TB"), links=[Link("ing", "svc"), Link("ing", "class")]), "svg")
    assert _svg_width(svg) < _svg_width(unmarked.decode("utf-8"))


def _svg_width(svg: str) -> float:
    found = re.search(r'<svg width="([\d.]+)pt"', svg)
    assert found is not None
    return float(found.group(1))


@pytest.mark.exe
def test_a_vertical_figure_wraps_a_rank_wider_than_its_across_limit() -> None:
    """Seven boxes one link away, top to bottom with `across=3`: three rows of at most three, the boxes with links
    of their own in the first row (so that what follows them is not pushed down); left to right, no wrapping."""
    targets = [f"t{index}" for index in range(7)]
    boxes = [Box("root", "root"), *(Box(t, t) for t in targets), Box("leaf", "leaf")]
    links = [*(Link("root", t) for t in targets), Link("t6", "leaf")]
    wrapped = Diagram(boxes=boxes, links=links, direction="TB", across=3)
    tops = {title: top for title, (_left, top, _centre) in
            positions(render_diagram(wrapped, "svg").decode()).items()}
    rows = sorted({round(tops[t]) for t in targets})
    assert len(rows) == 3, tops
    assert max(sum(round(tops[t]) == row for t in targets) for row in rows) == 3
    assert round(tops["t6"]) == rows[0]  # it leads on: first row
    assert tops["leaf"] > tops["t6"]
    assert "style=invis" not in diagram_to_dot(replace(wrapped, direction="LR"))
    assert "style=invis" not in diagram_to_dot(replace(wrapped, across=0))
