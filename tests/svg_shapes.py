"""Reading dot's SVG back for tests: every node (and cluster) with its outline and its texts, and a check that
each text lies inside its shape's usable area.

dot writes a node as `<g class="node"><title>id</title>` followed by its outline (`<polygon>`, `<ellipse>` or
`<path>`), decorations (`<polyline>`, more polygons) and `<text x y text-anchor font-size>` lines. A text's extent
is estimated from its length and font size with the per-character widths dot itself uses for the layout font, so
the check says whether dot's layout keeps every text inside its outline.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"
Point = tuple[float, float]
Segment = tuple[Point, Point]
TOLERANCE = 0.75  # points: a text may touch its border but not cross it


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def centre(self) -> Point:
        return ((self.left + self.right) / 2, (self.top + self.bottom) / 2)

    def corners(self) -> list[Point]:
        return [(self.left, self.top), (self.right, self.top), (self.right, self.bottom), (self.left, self.bottom)]

    def edges(self) -> list[Segment]:
        c = self.corners()
        return [(c[i], c[(i + 1) % 4]) for i in range(4)]

    def shrunk(self, by: float) -> Rect:
        return Rect(self.left + by, self.top + by, self.right - by, self.bottom - by)


@dataclass(frozen=True)
class Text:
    content: str
    box: Rect


@dataclass
class Shape:
    """A node's or cluster's outline: a polygon (its points), an ellipse, or a path (its bounding box)."""

    kind: str  # polygon | ellipse | path
    points: list[Point] = field(default_factory=list)
    ellipse: tuple[float, float, float, float] | None = None  # cx, cy, rx, ry

    @property
    def bounds(self) -> Rect:
        if self.ellipse is not None:
            cx, cy, rx, ry = self.ellipse
            return Rect(cx - rx, cy - ry, cx + rx, cy + ry)
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return Rect(min(xs), min(ys), max(xs), max(ys))


@dataclass
class Element:
    title: str
    kind: str  # node | cluster
    outline: Shape | None
    decorations: list[Segment]  # lines drawn inside the outline (a fold, a tab's edge, a 3D edge)
    texts: list[Text]

    @property
    def bounds(self) -> Rect:
        assert self.outline is not None, f"{self.title} has no outline"
        return self.outline.bounds


# Widths in ems of NanumBarunGothic as dot measures them (read once from `dot -Txdot`); dot sizes bold text alike.
_WIDTHS: dict[float, str] = {
    0.23: " ", 0.25: "ilI", 0.3: "j',.:;`", 0.34: "f", 0.36: "t", 0.38: "r", 0.41: "J",
    0.44: "!()*/<>[]^_{|}·", 0.47: "csz", 0.53: "kvxyL", 0.56: "aeF",
    0.59: "0123456789bdghnpqu#$+-=EPSZ", 0.61: "CR", 0.62: "KX", 0.63: "BTY", 0.65: "AV", 0.67: "?~",
    0.7: "U", 0.71: "GN", 0.72: "DH", 0.75: "OQ", 0.79: "w", 0.89: "mM%&…→×", 0.96: "W", 1.05: "@",
}
CHAR_WIDTHS = {char: width for width, chars in _WIDTHS.items() for char in chars}


def char_width(char: str) -> float:
    """Width of a character in ems; wide (Hangul, CJK) characters 0.89 as dot measures `가`."""
    if char in CHAR_WIDTHS:
        return CHAR_WIDTHS[char]
    return 0.89 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6


def text_box(x: float, y: float, content: str, size: float, anchor: str, bold: bool) -> Rect:
    width = sum(char_width(c) for c in content) * size
    left = {"start": x, "middle": x - width / 2, "end": x - width}.get(anchor, x)
    return Rect(left, y - 0.8 * size, left + width, y + 0.2 * size)


def _points(text: str) -> list[Point]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]
    return list(zip(numbers[0::2], numbers[1::2], strict=False))


def _shape(element: ET.Element) -> Shape | None:
    tag = element.tag.removeprefix(SVG)
    if tag == "polygon":
        return Shape("polygon", _points(element.get("points", "")))
    if tag == "ellipse":
        return Shape("ellipse", ellipse=tuple(float(element.get(k, 0)) for k in ("cx", "cy", "rx", "ry")))  # type: ignore[arg-type]
    if tag == "path":
        points = _points(element.get("d", ""))
        return Shape("path", points) if points else None
    return None


def _segments(points: list[Point], closed: bool) -> list[Segment]:
    pairs = list(itertools.pairwise(points))
    if closed and len(points) > 2:
        pairs.append((points[-1], points[0]))
    return pairs


def elements(svg: str) -> list[Element]:
    """Every node and cluster of a dot SVG, in document order."""
    root = ET.fromstring(svg)
    found: list[Element] = []
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class", "").split()[0] if group.get("class") else ""
        if kind not in ("node", "cluster"):
            continue
        title = group.findtext(f"{SVG}title", "")
        outline: Shape | None = None
        decorations: list[Segment] = []
        texts: list[Text] = []
        for child in group.iter():
            tag = child.tag.removeprefix(SVG)
            if tag in ("polygon", "ellipse", "path"):
                shape = _shape(child)
                if shape is None or (child.get("fill") == "none" and child.get("stroke") == "transparent"):
                    continue
                if outline is None:
                    outline = shape
                elif kind == "node" and shape.kind == "polygon":
                    decorations.extend(_segments(shape.points, closed=True))
            elif tag == "polyline" and kind == "node":
                decorations.extend(_segments(_points(child.get("points", "")), closed=False))
            elif tag == "text" and (child.text or "").strip():
                bold = child.get("font-weight") == "bold"
                texts.append(Text(child.text or "", text_box(
                    float(child.get("x", 0)), float(child.get("y", 0)), child.text or "",
                    float(child.get("font-size", 14)), child.get("text-anchor", "start"), bold)))
        found.append(Element(title, kind, outline, decorations, texts))
    return found


def nodes(svg: str) -> dict[str, Element]:
    return {e.title: e for e in elements(svg) if e.kind == "node"}


def _inside_polygon(point: Point, polygon: list[Point]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in _segments(polygon, closed=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _cross(a: Segment, b: Segment) -> bool:
    def orient(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    (p1, p2), (q1, q2) = a, b
    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _segment_hits_rect(segment: Segment, rect: Rect) -> bool:
    (x1, y1), (x2, y2) = segment
    if max(x1, x2) < rect.left or min(x1, x2) > rect.right or max(y1, y2) < rect.top or min(y1, y2) > rect.bottom:
        return False
    inside = all(rect.left < x < rect.right and rect.top < y < rect.bottom for x, y in segment)
    return inside or any(_cross(segment, edge) for edge in rect.edges())


def text_problems(element: Element) -> list[str]:
    """Texts of one node or cluster that cross its outline or a line drawn inside it; [] when all fit."""
    if element.outline is None:
        return []
    problems = []
    outline = element.outline
    for text in element.texts:
        box = text.box.shrunk(TOLERANCE)
        if outline.kind == "ellipse":
            cx, cy, rx, ry = outline.ellipse  # type: ignore[misc]
            fits = all(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1 for x, y in box.corners())
        elif outline.kind == "polygon" and len(outline.points) > 4:
            # a non-rectangular outline (arrow, note, tab, folder, box3d…): inside the polygon itself
            fits = all(_inside_polygon(p, outline.points) for p in box.corners()) and not any(
                _segment_hits_rect(s, box) for s in _segments(outline.points, closed=True))
        else:
            b = outline.bounds
            fits = b.left <= box.left and box.right <= b.right and b.top <= box.top and box.bottom <= b.bottom
        if fits and any(_segment_hits_rect(s, box) for s in element.decorations):
            fits = False
        if not fits:
            problems.append(f"{element.kind} {element.title!r}: text {text.content!r} at "
                            f"({text.box.left:.0f},{text.box.top:.0f})–({text.box.right:.0f},{text.box.bottom:.0f}) "
                            f"crosses its shape {outline.bounds}")
    return problems


def label_problems(svg: str) -> list[str]:
    """Every text in the figure that crosses its shape's border."""
    return [problem for element in elements(svg) for problem in text_problems(element)]


def distance(a: Point, b: Point) -> float:
    return math.dist(a, b)
