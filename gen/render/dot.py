"""Diagram → DOT source. Knows colours, shapes and fonts; knows nothing of Kubernetes."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagram import Box, Diagram, Group, Link
from .quoting import PATH_SEPARATORS, dot_id, dot_label, dot_tooltip, html_text, wrap_words

# Hangul needs a CJK font at layout time for dot to size labels right; browsers get a fallback list.
FONT = "NanumBarunGothic"
TEXT = "#1f2328"
MUTED = "#57606a"
MISSING = "#cf222e"


@dataclass(frozen=True)
class Palette:
    fill: str
    border: str
    badge: str


PALETTES: dict[str, Palette] = {
    "network": Palette("#ddf4ff", "#0969da", "#0550ae"),
    "workload": Palette("#dafbe1", "#1a7f37", "#116329"),
    "controller": Palette("#eefbf0", "#4c9a5e", "#116329"),
    "pod": Palette("#fff8c5", "#9a6700", "#7d4e00"),
    "config": Palette("#fbefff", "#8250df", "#6639ba"),
    "secret": Palette("#fff1e5", "#bc4c00", "#953800"),
    "storage": Palette("#e0f7fa", "#00838f", "#006064"),
    "identity": Palette("#f0f3f6", "#57606a", "#424a53"),
    "volume": Palette("#ffffff", "#8c6d5a", "#6d4c41"),
    "other": Palette("#f6f8fa", "#6e7781", "#424a53"),
}
MISSING_PALETTE = Palette("#ffebe9", MISSING, MISSING)

LINK_COLOURS: dict[str, tuple[str, str]] = {  # style name → (colour, dot style)
    "traffic": ("#0969da", "solid"),
    "owns": ("#1a7f37", "solid"),
    "creates": ("#bc4c00", "dashed"),
    "mount": ("#00838f", "solid"),
    "env": ("#8250df", "dashed"),
    "uses": ("#6e7781", "dashed"),
    "default": ("#6e7781", "solid"),
    "invisible": ("#ffffff", "invis"),
}
GROUP_STYLES: dict[str, tuple[str, str]] = {  # style name → (fill, border)
    "namespace": ("#f6f8fa", "#8c959f"),
    "app": ("#ffffff", "#d0d7de"),
    "group": ("#ffffff", "#d0d7de"),
    "replicas": ("#fffdf0", "#d4a72c"),
}
LABEL_WIDTH = 16  # characters per line of an edge label
TITLE_WIDTH = 22  # characters per line of a name before it wraps at a separator
ROW_FONT = '<FONT POINT-SIZE="9">'
ROW_PREFIX = {"init": "init ", "sidecar": "sidecar "}


def diagram_to_dot(diagram: Diagram) -> str:
    lines = [
        "digraph kubedocs {",
        f'  graph [rankdir={diagram.direction}, bgcolor="#ffffff", fontname="{FONT}", fontsize=12, '
        f'fontcolor="{TEXT}", nodesep=0.18, ranksep=0.3, pad=0.2, newrank=true, labeljust=l, '
        'outputorder=edgesfirst, compound=true];',
        f'  node [fontname="{FONT}", fontsize=11, fontcolor="{TEXT}", margin="0.12,0.05", penwidth=1.2];',
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
    lines.extend(_box_line(box, "  ") for box in boxes_by_group.get(None, []))
    for group in children.get(None, []):
        lines.extend(_group_lines(group, children, boxes_by_group, "  ", clusters))
    lines.extend(_link_line(link, ports, ranks, clusters) for link in diagram.links)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _group_lines(group: Group, children: dict[str | None, list[Group]], boxes: dict[str | None, list[Box]],
                 indent: str, clusters: dict[str, str]) -> list[str]:
    fill, border = GROUP_STYLES.get(group.style, GROUP_STYLES["group"])
    font = f'<FONT POINT-SIZE="10" COLOR="{MUTED}">'
    label = f"<{_styled(group.label, font, '</FONT>')}>"
    style = "rounded,filled,dashed" if group.style == "replicas" else "rounded,filled"
    lines = [
        f"{indent}subgraph {clusters[group.id]} {{",
        f'{indent}  graph [label={label}, style="{style}", fillcolor="{fill}", color="{border}"];',
    ]
    lines.extend(_box_line(box, indent + "  ") for box in boxes.get(group.id, []))
    for child in children.get(group.id, []):
        lines.extend(_group_lines(child, children, boxes, indent + "  ", clusters))
    lines.append(f"{indent}}}")
    return lines


def _box_line(box: Box, indent: str) -> str:
    palette = MISSING_PALETTE if box.state == "missing" else PALETTES.get(box.style, PALETTES["other"])
    dashed = box.state in ("derived", "missing")
    if box.shape == "table" or box.rows:
        attrs = f"shape=plain, label={_table_label(box, palette, dashed)}"
    else:
        style = "filled,dashed" if dashed else "filled"
        if box.shape == "box":
            style += ",rounded"
        attrs = (f'shape={box.shape}, style="{style}", fillcolor="{palette.fill}", color="{palette.border}", '
                 f"label={_plain_label(box, palette)}")
    # SVG classes name the box's family and state ("pod derived"), for stylesheets and readers of the SVG.
    classes = dot_id(f"{box.style} {box.state}")
    return f"{indent}{dot_id(box.id)} [{attrs}, class={classes}, tooltip={dot_tooltip(box.tooltip or box.id)}];"


def _styled(text: str, opening: str, closing: str) -> str:
    """An element around text, or nothing for blank text: Graphviz rejects empty <B></B> and <FONT></FONT>."""
    escaped = html_text(text).strip()
    return f"{opening}{escaped}{closing}" if escaped else ""


def _badge(box: Box, palette: Palette) -> str:
    return _styled(box.badge, f'<FONT POINT-SIZE="8" COLOR="{palette.badge}">', "</FONT>")


def _details(box: Box) -> str:
    colour = MISSING if box.state == "missing" else MUTED
    font = f'<FONT POINT-SIZE="8" COLOR="{colour}">'
    return "".join(f"<BR/>{_styled(d, font, '</FONT>')}" for d in box.details if html_text(d).strip())


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
        text = ROW_PREFIX.get(row.style, "") + row.text
        rows.append(f'<TR><TD PORT="r{index}" ALIGN="LEFT" BGCOLOR="#ffffff" BORDER="1" COLOR="{palette.border}">'
                    f"{_styled(text, ROW_FONT, '</FONT>') or ' '}</TD></TR>")
    return (f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="3" CELLPADDING="3" STYLE="{style}" '
            f'BGCOLOR="{palette.fill}" COLOR="{palette.border}">{"".join(rows)}</TABLE>>')


def _link_line(link: Link, ports: dict[str, dict[str, str]], ranks: dict[str, int | None],
               clusters: dict[str, str]) -> str:
    colour, style = LINK_COLOURS.get(link.style, LINK_COLOURS["default"])
    if link.missing:
        colour, style = MISSING, "dashed"
    tail = dot_id(link.source)
    if link.source_row and link.source_row in ports.get(link.source, {}):
        tail += f":{ports[link.source][link.source_row]}:e"
    head = dot_id(link.target)
    if link.target_row and link.target_row in ports.get(link.target, {}):
        head += f":{ports[link.target][link.target_row]}:w"
    classes = dot_id(f"{link.style} missing" if link.missing else link.style)
    attrs = [f'color="{colour}"', f'style="{style}"', f"class={classes}"]
    source_rank, target_rank = ranks.get(link.source), ranks.get(link.target)
    if source_rank is not None and target_rank is not None and target_rank - source_rank > 1:
        attrs.append(f"minlen={target_rank - source_rank}")
    if link.label:
        # Long labels wrap at separators: a label's width widens the gap between two whole columns.
        lines = link.label.split("\n")
        wrapped = "\n".join(part for line in lines for part in wrap_words(line, LABEL_WIDTH, PATH_SEPARATORS))
        attrs.append(f"label={dot_label(wrapped)}")
    if link.source_group in clusters:
        attrs.append(f"ltail={clusters[link.source_group]}")
    if link.target_group in clusters:
        attrs.append(f"lhead={clusters[link.target_group]}")
    return f"  {tail} -> {head} [{', '.join(attrs)}];"
