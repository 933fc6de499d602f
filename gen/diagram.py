"""The neutral diagram a view produces and the renderer draws: boxes, links and groups with style names.

Nothing here knows Kubernetes or Graphviz; the view layer maps resources onto it, the renderer maps it onto dot.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """A line inside a box that links can start from (a container inside a Pod)."""

    id: str
    text: str
    style: str = ""  # e.g. "init", "sidecar"


@dataclass(frozen=True)
class Box:
    id: str  # unique; becomes the Graphviz node name and the SVG <title>
    title: str
    badge: str = ""  # a short type name shown above the title
    shape: str = "box"  # box | box3d | ellipse | note | cylinder | component | folder | tab | cds | table
    style: str = "other"  # colour family, see the renderer's palette
    state: str = "real"  # real | derived (computed, not in the input: drawn dashed) | missing (referenced, absent)
    details: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    group: str | None = None
    tooltip: str = ""
    rank: int | None = None  # column in the flow direction; links get their minimum length from it


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    label: str = ""
    style: str = "default"
    source_row: str | None = None
    target_row: str | None = None
    missing: bool = False
    source_group: str | None = None  # drawn as leaving this group's border (one link stands for the group)
    target_group: str | None = None  # drawn as entering this group's border


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    parent: str | None = None
    style: str = "group"


@dataclass
class Diagram:
    boxes: list[Box] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    direction: str = "LR"
    empty_message: str = "nothing to draw"
