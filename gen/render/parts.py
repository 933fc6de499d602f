"""What every backend draws alike: the links a figure shows (as dot draws them), a box's lines of text, a box's
and a link's look. The dot backend is the reference: the other backends (Mermaid, D2, draw.io, the JSON graph)
draw as many boxes and links as it does, with the same words."""

from __future__ import annotations

from ..diagram import Box, Diagram, Group, Link
from ..records import record, replace
from .dot import CHANGE_COLOURS, CHANGE_PENWIDTH, CHANGE_SIGNS, GROUP_STYLES, MISSING_PALETTE, PALETTES, link_look
from .quoting import _CONTROL, MAX_LABEL, MAX_QUOTED, clip

EMPTY_ID = "empty"  # the one box of a figure with nothing to draw, which says so


def shown(text: str, limit: int = MAX_LABEL) -> str:
    """Text as a figure shows it: without the characters XML forbids, each line at most `limit` characters."""
    return "\n".join(clip(line, limit) for line in _CONTROL.sub("", text).replace("\r", "").split("\n"))


def shown_id(text: str) -> str:
    """A box's name as the SVG's title shows it: without forbidden characters, a long one clipped and kept unique."""
    return clip(_CONTROL.sub("", text), MAX_QUOTED, unique=True)


def shown_tooltip(text: str) -> str:
    return clip(_CONTROL.sub("", text).replace("\r", ""), MAX_QUOTED // 2)


def visible_links(diagram: Diagram) -> list[Link]:
    """The links a reader sees, as dot draws them: invisible ones left out; one that stands for every member of
    the group it leaves drawn from each member (its label once, on the first); one that enters a group drawn once,
    to the group."""
    members: dict[str, list[str]] = {}
    for box in diagram.boxes:
        if box.group is not None:
            members.setdefault(box.group, []).append(box.id)
    vertical = diagram.direction in ("TB", "BT")
    drawn: list[Link] = []
    for link in diagram.links:
        if link.line == "invisible":
            continue
        if vertical and link.aside and not link.target_group:  # dot draws it once, as written
            drawn.append(link)
            continue
        leaving = [m for m in members.get(link.source_group or "", []) if m not in (link.source, link.target)]
        if not leaving:
            drawn.append(link)
            continue
        own = replace(link, source_group=None)
        drawn.append(own)
        drawn.extend(replace(own, source=member, label="") for member in leaving)
    return drawn


def box_lines(box: Box) -> list[str]:
    """A box's text, line by line as the SVG shows it: its badge (after the change's sign), its title, its details,
    then its rows."""
    badge = f"{CHANGE_SIGNS[box.change]} {box.badge}".strip() if box.change else box.badge
    lines = [badge] if badge.strip() else []
    lines.append(box.title or "?")
    lines.extend(detail for detail in box.details if detail.strip())
    lines.extend(row.text for row in box.rows if row.text.strip())
    return [shown(line.replace("\n", " ")) for line in lines]


@record(frozen=True)
class Look:
    """How a box or a link is drawn: colours as #rrggbb, its outline dashed or dotted, its line's width."""

    fill: str
    stroke: str
    dashed: bool = False
    dotted: bool = False
    width: float = 1.2


def box_look(box: Box) -> Look:
    palette = MISSING_PALETTE if box.state == "missing" else PALETTES[box.colour]
    dashed = box.state in ("derived", "missing") or box.change == "removed"
    stroke = CHANGE_COLOURS[box.change] if box.change else palette.border
    return Look(palette.fill, stroke, dashed, False, CHANGE_PENWIDTH if box.change else 1.2)


def link_line_look(link: Link) -> Look:
    colour, style = link_look(link)
    width = CHANGE_PENWIDTH - 0.8 if link.change else (2.0 if style == "bold" else 1.1)
    return Look("none", colour, style == "dashed", style == "dotted", width)


def group_look(group: Group) -> Look:
    fill, border, style = GROUP_STYLES[group.style]
    return Look(fill, border, "dashed" in style, False, 2.0 if "bold" in style else 1.0)
