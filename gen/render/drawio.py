"""Diagram → a draw.io file (mxGraph XML), laid out by dot: each box and group where dot's own layout (`dot -Tjson`)
puts it, so that the file opens as the figure, not as a pile of boxes. Groups are cells holding their boxes
(positions relative to the group, as mxGraph wants them); links follow dot's route as waypoints, leaving and
entering their boxes where dot's do (fixed connection points), so that an edge does not depend on the outline's
perimeter being known. Styles name shapes and perimeters outright (`shape=ellipse;perimeter=ellipsePerimeter`), never
by a stylesheet's named style (`ellipse`), which only draw.io's own stylesheet defines. Cell ids are made here (`n0`,
`g0`, `e0`); every name is a plain-text label in an XML attribute, escaped by XML's rules."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ..diagram import Box, Diagram, Shape
from ..records import record, replace
from .dot import diagram_to_dot
from .parts import EMPTY_ID, Look, box_lines, box_look, group_look, link_line_look, shown, visible_links

POINTS_PER_INCH = 72
# Each outline as draw.io's style words.
# mxGraph's own shapes (rectangle, ellipse, doubleEllipse, rhombus, hexagon, cylinder) where it has one; draw.io's
# (note, folder, cube, component, step) where it has none: draw.io draws them, a bare mxGraph a rectangle.
ELLIPSE = "shape=ellipse;perimeter=ellipsePerimeter"
SHAPES: dict[Shape, str] = {
    "rectangle": "rounded=0", "rounded": "rounded=1", "ellipse": ELLIPSE, "circle": f"{ELLIPSE};aspect=fixed",
    "double-circle": "shape=doubleEllipse;perimeter=ellipsePerimeter;aspect=fixed", "dot": f"{ELLIPSE};aspect=fixed",
    "diamond": "shape=rhombus;perimeter=rhombusPerimeter", "hexagon": "shape=hexagon;perimeter=hexagonPerimeter2",
    "cylinder": "shape=cylinder3;boundedLbl=1;size=6", "document": "shape=note;size=10",
    "folder": "shape=folder;tabWidth=30;tabHeight=8", "tab": "shape=folder;tabWidth=30;tabHeight=8",
    "stack": "shape=cube;size=6;flipH=1", "component": "shape=component", "arrow": "shape=step;perimeter=stepPerimeter",
    "table": "rounded=1;arcSize=6", "plain": "rounded=0",
}


@record(frozen=True)
class Placed:
    """Where dot put a box or a group: its top-left corner and size, in points, y growing down the page."""

    x: float
    y: float
    width: float
    height: float


Point = tuple[float, float]


@record(frozen=True)
class Route:
    """One edge as dot drew it: where it leaves its tail, the points its curve passes through, where it ends (the
    arrow's tip on the head's outline)."""

    start: Point
    through: tuple[Point, ...]
    end: Point

    def reversed(self) -> Route:
        return Route(self.end, tuple(reversed(self.through)), self.start)


@record
class Layout:
    boxes: dict[str, Placed]
    groups: dict[str, Placed]
    routes: dict[tuple[str, str], list[Route]]  # (tail, head) → each edge's route, in dot's order
    width: float
    height: float


def layout_source(diagram: Diagram) -> str:
    """The DOT source whose layout the draw.io file takes: the figure as dot draws it, each box named by its
    place in the diagram (`n0`), each group `cluster_N` by its place, so that dot's answer maps back exactly."""
    names = {box.id: f"n{index}" for index, box in enumerate(diagram.boxes)}
    renamed = replace(diagram,
                      boxes=[replace(box, id=names[box.id]) for box in diagram.boxes],
                      links=[replace(link, source=names.get(link.source, link.source),
                                     target=names.get(link.target, link.target)) for link in diagram.links],
                      aligned=[tuple(names.get(b, b) for b in row) for row in diagram.aligned],
                      stacked=[tuple(names.get(b, b) for b in column) for column in diagram.stacked])
    return diagram_to_dot(renamed)


def read_layout(dot_json: bytes) -> Layout:
    """dot's `-Tjson` answer for layout_source's graph as boxes, groups and link routes (y turned downwards)."""
    graph: Mapping[str, Any] = json.loads(dot_json)
    height = float(graph["bb"].split(",")[3])
    width = float(graph["bb"].split(",")[2])
    boxes: dict[str, Placed] = {}
    groups: dict[str, Placed] = {}
    names: dict[int, str] = {}
    for item in graph.get("objects", []):
        name = str(item.get("name", ""))
        names[int(item["_gvid"])] = name
        if "bb" in item and name.startswith("cluster_"):
            left, bottom, right, top = (float(v) for v in item["bb"].split(","))
            groups[name] = Placed(left, height - top, right - left, top - bottom)
        elif "pos" in item:
            x, y = (float(v) for v in item["pos"].split(","))
            w, h = float(item["width"]) * POINTS_PER_INCH, float(item["height"]) * POINTS_PER_INCH
            boxes[name] = Placed(x - w / 2, height - y - h / 2, w, h)
    routes: dict[tuple[str, str], list[Route]] = {}
    for edge in graph.get("edges", []):
        if edge.get("style") == "invis" or "pos" not in edge:
            continue
        words = edge["pos"].split()
        ends = {word[0]: _point(word[2:], height) for word in words if word.startswith(("e,", "s,"))}
        points = [_point(word, height) for word in words if not word.startswith(("e,", "s,"))]
        # the points the curve passes through (every third of the B-spline's), without its two ends; an arrow's
        # tip (e,) or tail (s,) lies on the outline, where the curve itself stops short of it
        route = Route(ends.get("s", points[0]), tuple(points[3:-1:3]), ends.get("e", points[-1]))
        routes.setdefault((names[int(edge["tail"])], names[int(edge["head"])]), []).append(route)
    return Layout(boxes, groups, routes, width, height)


def _point(text: str, height: float) -> Point:
    x, y = text.split(",")[:2]
    return float(x), height - float(y)


def xml_attribute(text: str) -> str:
    """Text as an XML attribute value shown as written: markup escaped, line breaks and tabs as references."""
    return (shown(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\t", "&#9;"))


def diagram_to_drawio(diagram: Diagram, layout: Layout) -> str:
    page_width, page_height = math.ceil(layout.width), math.ceil(layout.height)
    cells = ['<mxCell id="0"/>', '<mxCell id="1" parent="0"/>']
    if not diagram.boxes:
        place = layout.boxes.get(EMPTY_ID, Placed(0, 0, 120, 40))
        cells.append(f'<mxCell id="{EMPTY_ID}" value="{xml_attribute(diagram.empty_message)}" '
                     'style="rounded=1;dashed=1;whiteSpace=wrap;html=0;" vertex="1" parent="1">'
                     f"{_geometry(place, 0, 0)}</mxCell>")
    group_cells = {group.id: f"g{index}" for index, group in enumerate(diagram.groups)}
    box_cells = {box.id: f"n{index}" for index, box in enumerate(diagram.boxes)}
    placed_groups = {group.id: layout.groups.get(f"cluster_{index}") for index, group in enumerate(diagram.groups)}
    origin = {group_id: (place.x, place.y) if place else (0.0, 0.0) for group_id, place in placed_groups.items()}
    drawn_groups: set[str] = set()

    def add_group(group_id: str) -> None:  # parents first: mxGraph reads a child's parent before the child
        if group_id in drawn_groups:
            return
        drawn_groups.add(group_id)
        group = next(g for g in diagram.groups if g.id == group_id)
        parent = group.parent if group.parent in group_cells else None  # a cycle ends at a group already drawn
        if parent is not None:
            add_group(parent)
        place = placed_groups[group_id] or Placed(0, 0, 10, 10)
        left, top = origin[parent] if parent else (0.0, 0.0)
        style = (f"rounded=1;arcSize=4;container=1;collapsible=0;verticalAlign=top;align=left;spacingLeft=6;"
                 f"fontSize=10;fontColor=#57606a;html=0;{_style(group_look(group))}")
        cells.append(f'<mxCell id="{group_cells[group_id]}" value="{xml_attribute(group.label)}" style="{style}" '
                     f'vertex="1" parent="{group_cells[parent] if parent else "1"}">'
                     f"{_geometry(place, left, top)}</mxCell>")

    for group in diagram.groups:
        add_group(group.id)
    for box in diagram.boxes:
        cells.append(_box_cell(box, box_cells[box.id], layout, group_cells, origin))
    routes = {key: list(value) for key, value in layout.routes.items()}
    group_places = {group_cells[group_id]: place for group_id, place in placed_groups.items() if place}
    for index, link in enumerate(visible_links(diagram)):
        source = group_cells.get(link.source_group or "") or box_cells.get(link.source, EMPTY_ID)
        target = group_cells.get(link.target_group or "") or box_cells.get(link.target, EMPTY_ID)
        tail, head = box_cells.get(link.source, ""), box_cells.get(link.target, "")
        route: Route | None = None
        if routes.get((tail, head)):  # each of dot's edges between two boxes once, in order
            route = routes[(tail, head)].pop(0)
        elif routes.get((head, tail)):  # laid out backwards
            route = routes[(head, tail)].pop(0).reversed()
        look = link_line_look(link)
        style = (f"endArrow={'classic' if link.arrow else 'none'};html=0;rounded=1;curved=1;fontSize=9;"
                 f"fontColor=#57606a;labelBackgroundColor=#ffffff;strokeColor={look.stroke};"
                 f"strokeWidth={look.width:g};{_dashes(look)}")
        if route is not None:
            style += (_connection("exit", route.start, layout.boxes.get(source) or group_places.get(source)) +
                      _connection("entry", route.end, layout.boxes.get(target) or group_places.get(target)))
        points = "".join(f'<mxPoint x="{x:.1f}" y="{y:.1f}"/>' for x, y in (route.through if route else ()))
        geometry = (f'<mxGeometry relative="1" as="geometry"><Array as="points">{points}</Array></mxGeometry>'
                    if points else '<mxGeometry relative="1" as="geometry"/>')
        cells.append(f'<mxCell id="e{index}" value="{xml_attribute(link.label)}" style="{style}" edge="1" '
                     f'parent="1" source="{source}" target="{target}">{geometry}</mxCell>')
    body = "\n        ".join(cells)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<mxfile host="kubedocs" type="device">\n'
            '  <diagram id="kubedocs" name="figure">\n'
            f'    <mxGraphModel dx="{page_width}" dy="{page_height}" grid="0" gridSize="10" guides="1" tooltips="1" '
            f'connect="1" arrows="1" fold="1" page="1" pageScale="1" pageWidth="{page_width}" '
            f'pageHeight="{page_height}" math="0" shadow="0">\n'
            f"      <root>\n        {body}\n      </root>\n"
            "    </mxGraphModel>\n  </diagram>\n</mxfile>\n")


def _box_cell(box: Box, cell: str, layout: Layout, group_cells: Mapping[str, str],
              origin: Mapping[str, tuple[float, float]]) -> str:
    place = layout.boxes.get(cell, Placed(0, 0, 120, 40))
    parent = box.group if box.group in group_cells else None
    left, top = origin[parent] if parent else (0.0, 0.0)
    look = box_look(box)
    style = (f"{SHAPES[box.shape]};whiteSpace=wrap;html=0;fontSize=11;fontColor=#1f2328;"
             f"fillColor={look.fill};{_style(look)}")
    if box.shape == "plain":
        style += "strokeColor=none;fillColor=none;"
    return (f'<mxCell id="{cell}" value="{xml_attribute(chr(10).join(box_lines(box)))}" '
            f'style="{style}" vertex="1" '
            f'parent="{group_cells[parent] if parent else "1"}">{_geometry(place, left, top)}</mxCell>')


def _connection(end: str, point: Point, place: Placed | None) -> str:
    """Where an edge leaves (`exit`) or enters (`entry`) its box, as draw.io's fractions of the box's size: the
    point dot's route starts or ends at, taken as it is (not moved onto the outline's perimeter)."""
    if place is None or place.width <= 0 or place.height <= 0:
        return ""
    fraction_x = min(1.0, max(0.0, (point[0] - place.x) / place.width))
    fraction_y = min(1.0, max(0.0, (point[1] - place.y) / place.height))
    return f"{end}X={fraction_x:.3f};{end}Y={fraction_y:.3f};{end}Perimeter=0;"


def _style(look: Look) -> str:
    fill = f"fillColor={look.fill};" if look.fill != "none" else ""
    return f"{fill}strokeColor={look.stroke};strokeWidth={look.width:g};{_dashes(look)}"


def _dashes(look: Look) -> str:
    if look.dashed:
        return "dashed=1;dashPattern=5 2;"
    return "dashed=1;dashPattern=1 4;" if look.dotted else ""


def _geometry(place: Placed, left: float, top: float) -> str:
    return (f'<mxGeometry x="{place.x - left:.1f}" y="{place.y - top:.1f}" width="{place.width:.1f}" '
            f'height="{place.height:.1f}" as="geometry"/>')
