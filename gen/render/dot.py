"""Diagram → DOT source. Knows colours, shapes and fonts; nothing of what the boxes stand for."""

from __future__ import annotations

import itertools

from ..diagram import Box, Change, Colour, Diagram, Group, GroupStyle, Line, Link, Shape, reader_name
from ..records import record, replace
from .quoting import PATH_SEPARATORS, dot_id, dot_label, dot_tooltip, html_text, wrap_words

# Hangul needs a CJK font at layout time for dot to size labels right; browsers get a fallback list.
FONT = "NanumBarunGothic"
TEXT = "#1f2328"
MUTED = "#57606a"
MISSING = "#cf222e"


@record(frozen=True)
class Palette:
    fill: str
    border: str
    badge: str


PALETTES: dict[Colour, Palette] = {
    "blue": Palette("#ddf4ff", "#0969da", "#0550ae"),
    "green": Palette("#dafbe1", "#1a7f37", "#116329"),
    "mint": Palette("#eefbf0", "#4c9a5e", "#116329"),
    "yellow": Palette("#fff8c5", "#9a6700", "#7d4e00"),
    "purple": Palette("#fbefff", "#8250df", "#6639ba"),
    "orange": Palette("#fff1e5", "#bc4c00", "#953800"),
    "teal": Palette("#e0f7fa", "#00838f", "#006064"),
    "grey": Palette("#f0f3f6", "#57606a", "#424a53"),
    "brown": Palette("#ffffff", "#8c6d5a", "#6d4c41"),
    "red": Palette("#ffebe9", MISSING, MISSING),
    "neutral": Palette("#f6f8fa", "#6e7781", "#424a53"),
    "magenta": Palette("#ffeff7", "#bf3989", "#99286e"),
}
MISSING_PALETTE = PALETTES["red"]
# A comparison's marks (gen diff): the border colour of what was added, removed or changed, drawn thick, and a sign
# before the badge, so that the mark does not rest on colour alone.
CHANGE_COLOURS: dict[Change, str] = {"added": "#1a7f37", "removed": MISSING, "changed": "#bc4c00"}
CHANGE_SIGNS: dict[Change, str] = {"added": "+", "removed": "−", "changed": "~"}
CHANGE_PENWIDTH = 3.2
# A link is drawn in its family's border colour.
LINE_STYLES: dict[Line, str] = {"solid": "solid", "dashed": "dashed", "dotted": "dotted", "bold": "bold",
                                "faint": "dotted", "invisible": "invis"}
# A faint line is its colour's dotted line, thinner and see-through (an alpha, so that the stylesheet's colour for
# the dark scheme still applies to it): what may be, drawn beside what is.
FAINT_ALPHA = "8c"  # 55 %
FAINT_PENWIDTH = 0.8
# The neutral outlines as dot shapes; `rounded` is a box with rounded corners.
DOT_SHAPES: dict[Shape, str] = {
    "rectangle": "box", "rounded": "box", "ellipse": "ellipse", "circle": "circle", "double-circle": "doublecircle",
    "dot": "point", "diamond": "diamond", "hexagon": "hexagon", "cylinder": "cylinder", "document": "note",
    "folder": "folder", "tab": "tab", "stack": "box3d", "component": "component", "arrow": "cds",
    "table": "plain", "plain": "plaintext",
}
# Outlines whose usable area is smaller than their box get wider margins, so that no text crosses a border: dot
# draws `cds` a third lower than the node it sizes (and the tip eats into its right side), and box3d's raised
# edges run across the top and right of its label area.
DEFAULT_MARGIN = "0.12,0.05"
SHAPE_MARGINS: dict[Shape, str] = {"arrow": "0.2,0.14", "stack": "0.14,0.08"}
GROUP_STYLES: dict[GroupStyle, tuple[str, str, str]] = {  # style → (fill, border, dot style)
    "outer": ("#f6f8fa", "#8c959f", "rounded,filled"),
    "inner": ("#ffffff", "#d0d7de", "rounded,filled"),
    "copies": ("#fffdf0", "#d4a72c", "rounded,filled,dashed"),
    "accent": ("#fffbea", "#9a6700", "rounded,filled,bold"),
}
LABEL_WIDTH = 16  # characters per line of an edge label
NOTE_WIDTH = 60  # characters per line of the note under a figure
TITLE_WIDTH = 22  # characters per line of a name before it wraps at a separator
ROW_FONT = '<FONT POINT-SIZE="9">'
MUTED_ROW_FONT = f'<FONT POINT-SIZE="9" COLOR="{MUTED}">'
# A box's small text (its badge and detail lines): 9 pt, 12 px at natural size, so that a figure fitted to a text
# column down to 83 % of its size keeps every label at 10 px or more (8 pt was 7 px at the old 50 % opening).
DETAIL_POINTS = 9
# An empty line this high between a box's title and its details: they would otherwise touch.
TITLE_GAP = '<BR/><FONT POINT-SIZE="4"> </FONT>'


def diagram_to_dot(diagram: Diagram, dpi: int | None = None) -> str:
    """DOT source for a diagram; `dpi` sets the resolution of bitmap output (SVG needs none)."""
    lines = [
        "digraph kubedocs {",
        *([f"  graph [dpi={dpi}];"] if dpi else []),
        # Bottom-up layout flips a group's "bottom" to the top: this keeps group labels above their members.
        *(["  graph [labelloc=b];"] if diagram.direction == "BT" else []),
        f'  graph [rankdir={diagram.direction}, bgcolor="#ffffff", fontname="{FONT}", fontsize=12, '
        f'fontcolor="{TEXT}", nodesep={_across(diagram)}, ranksep=0.3, pad=0.2, newrank=true, labeljust=l, '
        'outputorder=edgesfirst, compound=true];',
        f'  node [fontname="{FONT}", fontsize=11, fontcolor="{TEXT}", margin="{DEFAULT_MARGIN}", penwidth=1.2];',
        f'  edge [fontname="{FONT}", fontsize=9, fontcolor="{MUTED}", arrowsize=0.7, penwidth=1.1];',
    ]
    if not diagram.boxes:
        lines.append(f'  empty [shape=box, style="rounded,dashed", color="{MUTED}", '
                     f'label={dot_id(diagram.empty_message)}];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    boxes_by_group: dict[str | None, list[Box]] = {}
    for box in diagram.boxes:
        boxes_by_group.setdefault(box.group, []).append(box)
    children: dict[str | None, list[Group]] = {}
    for group in diagram.groups:
        children.setdefault(group.parent, []).append(group)

    ports = {box.id: {row.id: f"r{index}" for index, row in enumerate(box.rows)} for box in diagram.boxes}
    ranks = {box.id: box.rank for box in diagram.boxes}

    clusters = {group.id: f"cluster_{index}" for index, group in enumerate(diagram.groups)}
    margin = FRAME_MARGIN_ACROSS if diagram.direction in VERTICAL else None
    lines.extend(_box_line(box, "  ") for box in boxes_by_group.get(None, []))
    for group in children.get(None, []):
        lines.extend(_group_lines(group, children, boxes_by_group, "  ", clusters, margin))
    members: dict[str, list[str]] = {}
    for box in diagram.boxes:
        if box.group is not None:
            members.setdefault(box.group, []).append(box.id)
    ahead = _ahead_of_frames(diagram)
    names = _end_names(diagram)
    for link in diagram.links:  # in the diagram's order: dot's layout depends on it
        tip = _link_tooltip(link, names)
        if link in ahead:
            lines.append(_link_line(link, ports, ranks, clusters, tip, backwards=True))
        else:
            lines.extend(_group_link_lines(link, members, ports, ranks, clusters, tip))
    for row in diagram.aligned:
        lines.append(f"  {{rank=same; {'; '.join(dot_id(box) for box in row)}}}")
    for column in diagram.stacked:
        # One rank, kept in order by invisible edges within it (dot lays a rank's flat edges tail first).
        lines.append(f"  {{rank=same; {'; '.join(dot_id(box) for box in column)}}}")
        lines.extend(f"  {dot_id(a)} -> {dot_id(b)} [style=invis];" for a, b in itertools.pairwise(column))
    lines.extend(_wrapped_rank_lines(diagram))
    if diagram.note:
        # Last, so that no group inherits the label's place.
        # Wrapped: a note as wide as a line of text would widen a narrow figure and shrink it at page width.
        note = "\n".join(wrap_words(diagram.note, NOTE_WIDTH))
        lines.append(f"  graph [labelloc=b, label={dot_id(note)}, fontsize=10, fontcolor=\"{MUTED}\"];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _group_lines(group: Group, children: dict[str | None, list[Group]], boxes: dict[str | None, list[Box]],
                 indent: str, clusters: dict[str, str], margin: int | None = None) -> list[str]:
    fill, border, style = GROUP_STYLES[group.style]
    font = f'<FONT POINT-SIZE="10" COLOR="{MUTED}">'
    label = f"<{_styled(group.label, font, '</FONT>')}>"
    spacing = f", margin={margin}" if margin is not None else ""
    lines = [
        f"{indent}subgraph {clusters[group.id]} {{",
        f'{indent}  graph [label={label}, style="{style}", fillcolor="{fill}", color="{border}"{spacing}];',
    ]
    lines.extend(_box_line(box, indent + "  ") for box in boxes.get(group.id, []))
    for child in children.get(group.id, []):
        lines.extend(_group_lines(child, children, boxes, indent + "  ", clusters, margin))
    lines.append(f"{indent}}}")
    return lines


def _box_line(box: Box, indent: str) -> str:
    palette = MISSING_PALETTE if box.state == "missing" else PALETTES[box.colour]
    dashed = box.state in ("derived", "missing") or box.change == "removed"
    if box.change:
        palette = replace(palette, border=CHANGE_COLOURS[box.change])
        box = replace(box, badge=f"{CHANGE_SIGNS[box.change]} {box.badge}".strip())
    if box.shape == "table" or box.rows:
        attrs = f"shape=plain, label={_table_label(box, palette, dashed)}"
    else:
        style = "filled,dashed" if dashed else "filled"
        if box.shape == "rounded":
            style += ",rounded"
        attrs = (f'shape={DOT_SHAPES[box.shape]}, style="{style}", fillcolor="{palette.fill}", '
                 f'color="{palette.border}", label={_plain_label(box, palette)}')
        if box.shape in SHAPE_MARGINS:
            attrs += f', margin="{SHAPE_MARGINS[box.shape]}"'
        if box.change:
            attrs += f", penwidth={CHANGE_PENWIDTH}"
    # SVG classes name the box's category, state and change, for stylesheets and readers of the SVG.
    classes = dot_id(" ".join(filter(None, (box.category, box.state, box.change))))
    return f"{indent}{dot_id(box.id)} [{attrs}, class={classes}, tooltip={dot_tooltip(box.tooltip or box.title)}];"


def _styled(text: str, opening: str, closing: str) -> str:
    """An element around text, or nothing for blank text: Graphviz rejects empty <B></B> and <FONT></FONT>."""
    escaped = html_text(text).strip()
    return f"{opening}{escaped}{closing}" if escaped else ""


def _badge(box: Box, palette: Palette) -> str:
    return _styled(box.badge, f'<FONT POINT-SIZE="{DETAIL_POINTS}" COLOR="{palette.badge}">', "</FONT>")


# A figure whose flow runs down the page (or up) is laid out so to be narrow: boxes across a rank, and the frames
# around them, sit closer than in a left-to-right one (whose width is its columns, not its spacing).
VERTICAL = ("TB", "BT")
NODE_GAP = 0.18  # inches between boxes across the flow
NODE_GAP_VERTICAL = 0.12
FRAME_MARGIN_ACROSS = 4  # points between a frame and what it holds, in a vertical figure (dot's default is 8)


def _across(diagram: Diagram) -> str:
    return f"{NODE_GAP_VERTICAL if diagram.direction in VERTICAL else NODE_GAP:g}"


def _wrapped_rank_lines(diagram: Diagram) -> list[str]:
    """In a vertical figure with an `across` limit, ranks are wrapped into rows of at most that many boxes: a rank
    with more pushes the boxes past the limit one rank down (under the box `across` places before each), again
    until no rank is crowded, boxes that lead on (with links of their own) keeping the upper row. Ranks are the
    longest chain of links leading to a box, as dot counts them; each row is then held together (rank=same) and
    below the one before it, so that dot cannot float a box into a full row to shorten a link."""
    if diagram.direction not in VERTICAL or diagram.across < 1:
        return []
    order = {box.id: index for index, box in enumerate(diagram.boxes)}
    ordering = [(link.source, link.target) for link in diagram.links
                if link.orders and not link.aside and link.source != link.target
                and link.source in order and link.target in order]
    leading = {source for source, _target in ordering}
    pushed: list[tuple[str, str]] = []
    rows: dict[int, list[str]] = {}
    for _attempt in range(len(order)):  # each round fills at least one row for good: bounded by the boxes
        ranks = _longest_paths(order, ordering + pushed)
        rows = {}
        for box_id in sorted(ranks, key=order.__getitem__):
            rows.setdefault(ranks[box_id], []).append(box_id)
        crowded = next((level for level in sorted(rows) if len(rows[level]) > diagram.across), None)
        if crowded is None:
            break
        row = sorted(rows[crowded], key=lambda b: (b not in leading, order[b]))
        pushed.extend((row[index - diagram.across], row[index]) for index in range(diagram.across, len(row)))
    lines = [f"  {dot_id(source)} -> {dot_id(target)} [style=invis];" for source, target in pushed]
    levels = sorted(rows)
    lines.extend(f"  {{rank=same; {'; '.join(dot_id(box) for box in rows[level])}}}" for level in levels)
    lines.extend(f"  {dot_id(rows[upper][0])} -> {dot_id(rows[lower][0])} [style=invis];"
                 for upper, lower in itertools.pairwise(levels))
    return lines


def _longest_paths(order: dict[str, int], ordering: list[tuple[str, str]]) -> dict[str, int]:
    """Each box's rank: the longest chain of links leading to it (Kahn's order). Boxes on a cycle get none."""
    following: dict[str, list[str]] = {}
    waiting = dict.fromkeys(order, 0)
    for source, target in ordering:
        following.setdefault(source, []).append(target)
        waiting[target] += 1
    rank: dict[str, int] = {}
    ready = sorted((box_id for box_id, count in waiting.items() if count == 0), key=order.__getitem__)
    while ready:
        box_id = ready.pop()
        rank.setdefault(box_id, 0)
        for target in following.get(box_id, []):
            rank[target] = max(rank.get(target, 0), rank[box_id] + 1)
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return {box_id: level for box_id, level in rank.items() if waiting[box_id] == 0}


def _ahead_of_frames(diagram: Diagram) -> list[Link]:
    """In a vertical figure, the links to a side detail outside the frames (`aside`): laid out from that box, it
    stands ahead of the frames (above them, top to bottom); beside them, where dot would place it, it widens a
    figure meant to be narrow. In a left-to-right figure dot puts it under the frames, where it costs no width."""
    if diagram.direction not in VERTICAL:
        return []
    return [link for link in diagram.links if link.aside and not link.target_group]


def _details(box: Box) -> str:
    colour = MISSING if box.state == "missing" else MUTED
    font = f'<FONT POINT-SIZE="{DETAIL_POINTS}" COLOR="{colour}">'
    lines = "".join(f"<BR/>{_styled(d, font, '</FONT>')}" for d in box.details if html_text(d).strip())
    return f"{TITLE_GAP}{lines}" if lines else ""


def _title(box: Box) -> str:
    lines = [_styled(line, "<B>", "</B>") for line in wrap_words(box.title, TITLE_WIDTH)]
    return "<BR/>".join(line for line in lines if line) or "?"


def _plain_label(box: Box, palette: Palette) -> str:
    badge = _badge(box, palette)
    head = f"{badge}<BR/>" if badge else ""
    return f"<{head}{_title(box)}{_details(box)}>"


def _table_label(box: Box, palette: Palette, dashed: bool) -> str:
    style = "rounded,dashed" if dashed else "rounded"
    rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{_badge(box, palette)} {_title(box)}'
            f"{_details(box)}</TD></TR>"]
    for index, row in enumerate(box.rows):
        font = MUTED_ROW_FONT if row.tone == "muted" else ROW_FONT
        rows.append(f'<TR><TD PORT="r{index}" ALIGN="LEFT" BGCOLOR="#ffffff" BORDER="1" COLOR="{palette.border}">'
                    f"{_styled(row.text, font, '</FONT>') or ' '}</TD></TR>")
    border = "3" if box.change else "1"
    return (f'<<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="3" CELLPADDING="3" STYLE="{style}" '
            f'BGCOLOR="{palette.fill}" COLOR="{palette.border}">{"".join(rows)}</TABLE>>')


# How dot draws a line style in SVG: its dash pattern and width (a legend draws its sample the same way).
SVG_DASHES: dict[str, str] = {"dashed": "5,2", "dotted": "1,5", "faint": "1,5"}
SVG_WIDTHS: dict[str, str] = {"bold": "2", "faint": "1"}
SVG_OPACITIES: dict[str, str] = {"faint": f"{int(FAINT_ALPHA, 16) / 255:.2f}"}


def link_look(link: Link) -> tuple[str, str]:
    """The colour (#rrggbb) and look a link is drawn with: what a reader tells links apart by. The look is dot's line
    style, or `faint` (see FAINT_ALPHA)."""
    colour, style = PALETTES[link.colour].border, "faint" if link.line == "faint" else LINE_STYLES[link.line]
    if link.missing:
        colour, style = MISSING, "dashed"
    if link.change:
        colour = CHANGE_COLOURS[link.change]
        style = "dashed" if link.change == "removed" else style
    return colour, style


def _link_line(link: Link, ports: dict[str, dict[str, str]], ranks: dict[str, int | None],
               clusters: dict[str, str], extra: str = "", backwards: bool = False) -> str:
    """One link in dot; `backwards`: laid out from its target (which dot then places before its source), drawn
    with its head still at the target."""
    colour, style = link_look(link)
    if style == "faint":
        colour, style = colour + FAINT_ALPHA, LINE_STYLES["faint"]
        extra = ", ".join(filter(None, (extra, f"penwidth={FAINT_PENWIDTH:g}")))
    if link.change:
        extra = ", ".join(filter(None, (extra, f"penwidth={CHANGE_PENWIDTH - 0.8:g}")))
    tail = dot_id(link.source)
    if link.source_row and link.source_row in ports.get(link.source, {}):
        tail += f":{ports[link.source][link.source_row]}:e"
    head = dot_id(link.target)
    if link.target_row and link.target_row in ports.get(link.target, {}):
        head += f":{ports[link.target][link.target_row]}:w"
    classes = dot_id(" ".join(filter(None, (link.category, "missing" if link.missing else "", link.change))))
    attrs = [f'color="{colour}"', f'style="{style}"', f"class={classes}"]
    if not link.arrow:
        attrs.append("dir=none")
    elif backwards:
        attrs.append("dir=back")
    if not link.orders:
        attrs.append("constraint=false")
    elif not backwards:  # laid out backwards, what it leads to stands before it: no columns to keep apart
        attrs.extend(_minimum_length(link.source, link.target, ranks))
    if link.label:
        # Long labels wrap at separators: a label's width widens the gap between two whole columns.
        lines = link.label.split("\n")
        wrapped = "\n".join(part for line in lines for part in wrap_words(line, LABEL_WIDTH, PATH_SEPARATORS))
        attrs.append(f"label={dot_label(wrapped)}")
    if link.source_group in clusters:
        attrs.append(f"{'lhead' if backwards else 'ltail'}={clusters[link.source_group]}")
    if link.target_group in clusters:
        attrs.append(f"lhead={clusters[link.target_group]}")
    if extra:
        attrs.append(extra)
    if backwards:
        tail, head = head, tail
    return f"  {tail} -> {head} [{', '.join(attrs)}];"


def _minimum_length(source: str, target: str, ranks: dict[str, int | None]) -> list[str]:
    """A link across several columns keeps them apart (minlen), so that columns line up across the figure."""
    source_rank, target_rank = ranks.get(source), ranks.get(target)
    if source_rank is not None and target_rank is not None and target_rank - source_rank > 1:
        return [f"minlen={target_rank - source_rank}"]
    return []


def _end_names(diagram: Diagram) -> dict[str, str]:
    """What a reader calls each end a link can have: a box by its reader's name, a group by its label."""
    names = {group.id: group.label for group in diagram.groups}
    names.update((box.id, reader_name(box)) for box in diagram.boxes)
    return names


def _link_tooltip(link: Link, names: dict[str, str]) -> str:
    """A drawn link's tooltip attribute: its ends by name, then its tooltip or else its label (a port, the
    words of a label), so that pointing at a line says what it joins; the site puts the word of its
    kind before it, in the page's language."""
    if link.line == "invisible":
        return ""
    ends = (names.get(link.source_group or "", "") or names.get(link.source, link.source),
            names.get(link.target_group or "", "") or names.get(link.target, link.target))
    said = (link.tooltip or link.label).split("\n")  # a view's longer tooltip, else the label as drawn
    return f"tooltip={dot_tooltip(chr(10).join([' → '.join(ends), *said]).strip())}"


def _group_link_lines(link: Link, members: dict[str, list[str]], ports: dict[str, dict[str, str]],
                      ranks: dict[str, int | None], clusters: dict[str, str], tip: str = "") -> list[str]:
    """A link that stands for every member of a group. Entering the group, it is drawn once, its head on the
    group's border (the arrowhead says "all of them"); the other members get invisible copies so that dot still
    places each beside the far end. Leaving the group, nothing at a line's start says "all of them", so it is drawn
    from every member, the copies meeting at the far end and labelled once: no member looks different."""
    lines = [_link_line(link, ports, ranks, clusters, tip)]
    for member in members.get(link.target_group or "", []):
        if member not in (link.source, link.target):
            lines.append(f"  {_end(link.source, link.source_row, ports, 'e')} -> "
                         f"{_end(member, link.target_row, ports, 'w')} [style=\"invis\"];")
    leaving = [m for m in members.get(link.source_group or "", []) if m not in (link.source, link.target)]
    if leaving:
        # Each copy starts at its member itself: clipped at the group's border it would seem to come from
        # whatever else the group holds beside the member.
        meeting = ", ".join(filter(None, (f"samehead={clusters[link.source_group or '']}", tip)))
        own = replace(link, source_group=None)
        lines[0] = _link_line(own, ports, ranks, clusters, meeting)
        lines.extend(_link_line(replace(own, source=m, label=""), ports, ranks, clusters, meeting) for m in leaving)
    return lines


def _end(box: str, row: str | None, ports: dict[str, dict[str, str]], side: str) -> str:
    """A link's end in dot: the box, or one of its rows on the given side."""
    if row and row in ports.get(box, {}):
        return f"{dot_id(box)}:{ports[box][row]}:{side}"
    return dot_id(box)
