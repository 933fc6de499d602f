"""Diagram → D2: groups as shapes holding their boxes, the outlines as D2's shapes, colours and lines as its style
keywords, a box's badge, title and details as lines of its label. Keys are made here (`n0`, `g0`: D2 folds the case
of keys and reads dots as nesting, so a name is never a key); every name is a label in a double-quoted string,
escaped by D2's rules."""

from __future__ import annotations

from ..diagram import Box, Diagram, Group, Shape
from .parts import EMPTY_ID, Look, box_lines, box_look, group_look, link_line_look, shown, visible_links

DIRECTIONS = {"LR": "right", "TB": "down", "BT": "up"}
# Each outline as a D2 shape, with the style keywords that make it (rounded corners, a double border, a stack).
SHAPES: dict[Shape, tuple[str, tuple[str, ...]]] = {
    "rectangle": ("rectangle", ()), "rounded": ("rectangle", ("border-radius: 8",)), "ellipse": ("oval", ()),
    "circle": ("circle", ()), "double-circle": ("circle", ("double-border: true",)), "dot": ("circle", ()),
    "diamond": ("diamond", ()), "hexagon": ("hexagon", ()), "cylinder": ("cylinder", ()),
    "document": ("page", ()), "folder": ("package", ()), "tab": ("package", ()),
    "stack": ("rectangle", ("multiple: true",)), "component": ("rectangle", ()), "arrow": ("step", ()),
    "table": ("rectangle", ("border-radius: 4",)), "plain": ("text", ()),
}


def d2_string(text: str) -> str:
    """A double-quoted D2 string shown as written: backslash, quote and `$` (a substitution) escaped, lines as `\\n`."""
    escaped = shown(text).replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("\n", "\\n")
    return f'"{escaped}"'


def diagram_to_d2(diagram: Diagram) -> str:
    lines = [f"direction: {DIRECTIONS[diagram.direction]}"]
    if not diagram.boxes:
        lines.append(f"{EMPTY_ID}: {d2_string(diagram.empty_message)} {{style.stroke-dash: 3}}")
        return "\n".join(lines) + "\n"
    group_keys = {group.id: f"g{index}" for index, group in enumerate(diagram.groups)}
    parents = {group.id: group.parent for group in diagram.groups if group.parent in group_keys}
    boxes_in: dict[str | None, list[Box]] = {}
    for box in diagram.boxes:
        boxes_in.setdefault(box.group if box.group in group_keys else None, []).append(box)
    children: dict[str | None, list[Group]] = {}
    for group in diagram.groups:
        children.setdefault(parents.get(group.id), []).append(group)

    def group_path(group: str | None) -> str:
        keys: list[str] = []
        seen: set[str] = set()
        while group is not None and group in group_keys and group not in seen:
            seen.add(group)
            keys.append(group_keys[group])
            group = parents.get(group)
        return ".".join(reversed(keys))

    box_paths = {}
    for index, box in enumerate(diagram.boxes):
        prefix = group_path(box.group if box.group in group_keys else None)
        box_paths[box.id] = f"{prefix}.n{index}" if prefix else f"n{index}"

    def write(group: str | None, indent: str) -> None:
        for box in boxes_in.get(group, []):
            shape, extra = SHAPES[box.shape]
            key = box_paths[box.id].rpartition(".")[2]
            lines.append(f"{indent}{key}: {d2_string(chr(10).join(box_lines(box)))} {{")
            lines.append(f"{indent}  shape: {shape}")
            lines.extend(f"{indent}  {line}" for line in _style(box_look(box), extra))
            lines.append(f"{indent}}}")
        for child in children.get(group, []):
            lines.append(f"{indent}{group_keys[child.id]}: {d2_string(child.label or ' ')} {{")
            lines.extend(f"{indent}  {line}" for line in _style(group_look(child), ("border-radius: 8",)))
            write(child.id, indent + "  ")
            lines.append(f"{indent}}}")

    write(None, "")
    for link in visible_links(diagram):
        source = group_path(link.source_group) if link.source_group in group_keys else box_paths.get(link.source)
        target = group_path(link.target_group) if link.target_group in group_keys else box_paths.get(link.target)
        arrow = "->" if link.arrow else "--"
        label = f": {d2_string(link.label)}" if link.label.strip() else ""
        lines.append(f"{source or EMPTY_ID} {arrow} {target or EMPTY_ID}{label} {{")
        lines.extend(f"  {line}" for line in _style(link_line_look(link), ()))
        lines.append("}")
    return "\n".join(lines) + "\n"


def _style(look: Look, extra: tuple[str, ...]) -> list[str]:
    words = [*([f'fill: "{look.fill}"'] if look.fill != "none" else []), f'stroke: "{look.stroke}"',
             f"stroke-width: {max(1, round(look.width))}",
             *(["stroke-dash: 4"] if look.dashed else ["stroke-dash: 1"] if look.dotted else []), *extra]
    return ["style: {", *(f"  {word}" for word in words), "}"]
