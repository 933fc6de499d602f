"""The neutral diagram a view produces and a backend draws: boxes, links and groups in a closed vocabulary.

Nothing here knows Kubernetes or Graphviz. Views map resources onto it; each backend of `gen.render` (dot, Mermaid,
D2, draw.io, a JSON graph) is written against this module alone. `category`
fields are free words a backend may write out for stylesheets (an SVG class), never interpret.
"""

from __future__ import annotations

from typing import Literal, get_args

from .records import field, record

# Outlines. `table` is a rectangle whose rows links can start from.
Shape = Literal[
    "rectangle", "rounded", "ellipse", "circle", "double-circle", "dot", "diamond", "hexagon", "cylinder",
    "document", "folder", "tab", "stack", "component", "arrow", "table", "plain",
]
# Colour families; each backend has a palette (fill, border, badge) for each.
Colour = Literal["blue", "green", "mint", "yellow", "purple", "orange", "teal", "grey", "brown", "red", "neutral",
                 "magenta"]
# real: drawn solid; derived: what the input implies but does not hold (dashed); missing: referenced, absent (red)
State = Literal["real", "derived", "missing"]
# faint: drawn thinner and paler than its colour's other lines (what may be, beside what is);
# invisible: places its ends (one column after another) without being drawn
Line = Literal["solid", "dashed", "dotted", "bold", "faint", "invisible"]
# BT: layers stacked from the bottom up (hardware under the OS under the applications)
Direction = Literal["LR", "TB", "BT"]
# outer: a frame around others (grey); inner: a frame inside one (white); copies: identical copies of one thing;
# accent: the one frame a figure is about, set off from the frames around and inside it (warm, bold border)
GroupStyle = Literal["outer", "inner", "copies", "accent"]
# A row's tone: plain, or muted (a helper part, such as a step that runs before the others)
Tone = Literal["plain", "muted"]
# How a box or link fares in a comparison of two revisions (gen diff): unchanged (""), or added, removed, changed
Change = Literal["", "added", "removed", "changed"]

SHAPES: tuple[str, ...] = get_args(Shape)
COLOURS: tuple[str, ...] = get_args(Colour)
LINES: tuple[str, ...] = get_args(Line)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
GROUP_STYLES: tuple[str, ...] = get_args(GroupStyle)


@record(frozen=True)
class Row:
    """A line inside a box that links can start from (a container inside a Pod)."""

    id: str
    text: str
    tone: Tone = "plain"


@record(frozen=True)
class Box:
    id: str  # unique; the name a backend gives the node (the SVG <title>)
    title: str
    badge: str = ""  # a short type name shown above the title
    shape: Shape = "rectangle"
    colour: Colour = "neutral"
    state: State = "real"
    details: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    group: str | None = None
    tooltip: str = ""
    rank: int | None = None  # column in the flow direction; links get their minimum length from it
    category: str = ""  # a free word for stylesheets (written as a class), never interpreted
    change: Change = ""
    # What the box stands for in the input, as (field, value) pairs in the view's words (a type, its scope, its
    # name…), and where it was written (`file:line`): free words a backend may write out (a JSON graph), never
    # interprets. Only what the tooltip already shows.
    identity: tuple[tuple[str, str], ...] = ()
    source: str = ""


@record(frozen=True)
class Link:
    source: str
    target: str
    label: str = ""
    colour: Colour = "grey"
    line: Line = "solid"
    source_row: str | None = None
    target_row: str | None = None
    missing: bool = False  # leads to a missing box: drawn red and dashed whatever its colour
    # One link stands for every member of a group: drawn as leaving (entering) this group's border.
    source_group: str | None = None
    target_group: str | None = None
    category: str = ""  # a free word for stylesheets, never interpreted
    arrow: bool = True  # False: an undirected association (a line without a head)
    # False: the link does not push its target further along the flow than its source (a timeline that wraps
    # back to the start of its next row)
    orders: bool = True
    # True: its target is a side detail of its source that stands outside the source's frames (a cluster-wide class
    # a namespaced object names): a backend places it where it costs the figure no width.
    aside: bool = False
    change: Change = ""
    tooltip: str = ""  # shown on hover, one fact a line; "" for none
    # What the link stands for, in the view's words: the relation it draws, the family of relations it belongs to,
    # and the ports its label names. Free words a backend may write out (a JSON graph), never interprets.
    relation: str = ""
    family: str = ""
    ports: tuple[str, ...] = ()


@record(frozen=True)
class Group:
    id: str
    label: str
    parent: str | None = None
    style: GroupStyle = "inner"
    category: str = ""


@record
class Diagram:
    boxes: list[Box] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    direction: Direction = "LR"
    empty_message: str = "nothing to draw"
    # Boxes that stand side by side across the flow (the same column), as lists of box ids.
    aligned: list[tuple[str, ...]] = field(default_factory=list)
    # Boxes in one column in this order across the flow (top to bottom in a left-to-right figure): the heads of
    # rows that read one after another.
    stacked: list[tuple[str, ...]] = field(default_factory=list)
    # At most this many boxes side by side in one rank of a top-to-bottom figure (0: no limit): a backend wraps the
    # rest onto the ranks below, so that seven applications one call away are two rows, not one too wide to read.
    across: int = 0
    # A line under the figure saying what it leaves out (a figure over its box budget that aggregated).
    note: str = ""
    # How far a view aggregated to fit its box budget: "none", or the unit one box stands for ("pods", "apps",
    # "namespaces"); a backend ignores it, readers (the site, tests) use it.
    level: str = "none"


# --- What a drawn diagram says, for the words around it (a legend, a text alternative) --------------------------


@record(frozen=True)
class DescribedLink:
    source: str  # the reader's name of each end (a box's, or a group's for a link that stands for its members)
    target: str
    category: str
    label: str
    link: Link  # as drawn: its look is the backend's to say


@record(frozen=True)
class Description:
    """A diagram as a reader names it: each box by its tooltip's first line (its title when it has none), each
    link by its ends' names. Built from the diagram that was drawn, never from the drawing's markup."""

    boxes: tuple[str, ...]
    links: tuple[DescribedLink, ...]


def describe(diagram: Diagram) -> Description:
    names = {box.id: reader_name(box) for box in diagram.boxes}
    groups = {group.id: group.label for group in diagram.groups}

    def end(box: str, group: str | None) -> str:
        return groups.get(group or "", "") or names.get(box, box)

    links = tuple(DescribedLink(end(link.source, link.source_group), end(link.target, link.target_group),
                                link.category, link.label, link)
                  for link in diagram.links if link.line != "invisible")
    return Description(tuple((box.tooltip.split("\n")[0] or box.title) for box in diagram.boxes), links)


def reader_name(box: Box) -> str:
    """A box as a reader names it: its tooltip's first line up to the dash that says where it was written."""
    first = box.tooltip.split("\n")[0] if box.tooltip else ""
    return first.split(" — ")[0] if first else box.title
