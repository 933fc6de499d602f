"""Diagram → a Mermaid flowchart: groups as subgraphs, the outlines as Mermaid's node shapes, colours as classes,
lines as Mermaid's link kinds with their colours in `linkStyle`, a box's badge, title and details as lines of its
label. Node and subgraph ids are made here (`n0`, `g0`): Mermaid ids cannot quote a name, so every name is label
text, written with Mermaid's entity codes (`#34;`) for anything its grammar reads."""

from __future__ import annotations

import json

from ..diagram import Box, Diagram, Group, Line, Shape
from .parts import EMPTY_ID, Look, box_lines, box_look, group_look, link_line_look, shown, visible_links

# Mermaid refuses a text longer than this unless the page raises its `maxTextSize` (its default, Mermaid 10–12).
MAX_TEXT_SIZE = 50_000

# Each outline as Mermaid's brackets around a label.
BRACKETS: dict[Shape, tuple[str, str]] = {
    "rectangle": ("[", "]"), "rounded": ("(", ")"), "ellipse": ("([", "])"), "circle": ("((", "))"),
    "double-circle": ("(((", ")))"), "dot": ("((", "))"), "diamond": ("{", "}"), "hexagon": ("{{", "}}"),
    "cylinder": ("[(", ")]"), "document": ("[[", "]]"), "folder": ("[[", "]]"), "tab": ("[[", "]]"),
    "stack": ("[[", "]]"), "component": ("[[", "]]"), "arrow": (">", "]"), "table": ("[", "]"), "plain": ("[", "]"),
}
# A link's line and head as Mermaid's arrows: (with a head, without).
ARROWS: dict[Line, tuple[str, str]] = {
    "solid": ("-->", "---"), "dashed": ("-.->", "-.-"), "dotted": ("-.->", "-.-"), "bold": ("==>", "==="),
    "invisible": ("~~~", "~~~"),
}
DIRECTIONS = {"LR": "LR", "TB": "TB", "BT": "BT"}
# Characters a label keeps as written; every other ASCII character is written as Mermaid's `#NN;` entity code
# (quotes end a label, `#` starts an entity, `<`, `>` and `&` are markup, brackets and pipes are its grammar).
_KEPT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_./:,+*=~!?@^'")


def text_size(text: str) -> int:
    """The length Mermaid compares with maxTextSize: JavaScript's, in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def mermaid_text(text: str) -> str:
    """A label's text for Mermaid: each line as shown, special characters as entity codes, lines joined by `<br>`."""
    lines = shown(text).split("\n")
    return "<br>".join("".join(c if c in _KEPT or ord(c) > 127 else f"#{ord(c)};" for c in line) for line in lines)


def diagram_to_mermaid(diagram: Diagram) -> str:
    lines = []
    if diagram.note:  # what the figure leaves out, as its title (a JSON string is a YAML string)
        lines += ["---", f"title: {json.dumps(shown(diagram.note).replace(chr(10), ' '))}", "---"]
    lines.append(f"flowchart {DIRECTIONS[diagram.direction]}")
    if not diagram.boxes:
        lines.append(f'  {EMPTY_ID}("{mermaid_text(diagram.empty_message)}")')
        return "\n".join(lines) + "\n"
    box_ids = {box.id: f"n{index}" for index, box in enumerate(diagram.boxes)}
    group_ids = {group.id: f"g{index}" for index, group in enumerate(diagram.groups)}
    classes: dict[Look, str] = {}  # each look once, as a class
    class_of: dict[str, str] = {}

    def styled(element: str, look: Look) -> None:
        class_of[element] = classes.setdefault(look, f"s{len(classes)}")

    boxes_in: dict[str | None, list[Box]] = {}
    for box in diagram.boxes:
        boxes_in.setdefault(box.group if box.group in group_ids else None, []).append(box)
    children: dict[str | None, list[Group]] = {}
    for group in diagram.groups:
        children.setdefault(group.parent if group.parent in group_ids else None, []).append(group)

    def write(group: str | None, indent: str) -> None:
        for box in boxes_in.get(group, []):
            opening, closing = BRACKETS[box.shape]
            label = mermaid_text("\n".join(box_lines(box)))
            lines.append(f'{indent}{box_ids[box.id]}{opening}"{label}"{closing}')
            styled(box_ids[box.id], box_look(box))
        for child in children.get(group, []):
            lines.append(f'{indent}subgraph {group_ids[child.id]}["{mermaid_text(child.label) or " "}"]')
            write(child.id, indent + "  ")
            lines.append(f"{indent}end")
            styled(group_ids[child.id], group_look(child))

    write(None, "  ")
    link_styles: dict[str, list[int]] = {}
    for index, link in enumerate(visible_links(diagram)):
        source = group_ids.get(link.source_group or "") or box_ids.get(link.source, EMPTY_ID)
        target = group_ids.get(link.target_group or "") or box_ids.get(link.target, EMPTY_ID)
        look = link_line_look(link)
        line: Line = "dashed" if look.dashed else "dotted" if look.dotted else link.line
        arrow = ARROWS[line][0 if link.arrow else 1]
        label = f'|"{mermaid_text(link.label)}"|' if link.label.strip() else ""
        lines.append(f"  {source} {arrow}{label} {target}")
        link_styles.setdefault(_stroke(look), []).append(index)
    for look, name in classes.items():
        lines.append(f"  classDef {name} fill:{look.fill},{_stroke(look)}")
    by_class: dict[str, list[str]] = {}
    for element, name in class_of.items():
        by_class.setdefault(name, []).append(element)
    lines.extend(f"  class {','.join(elements)} {name}" for name, elements in by_class.items())
    lines.extend(f"  linkStyle {','.join(map(str, indexes))} {stroke},fill:none"
                 for stroke, indexes in link_styles.items())
    return "\n".join(lines) + "\n"


def _stroke(look: Look) -> str:
    dash = ",stroke-dasharray:5 3" if look.dashed else ",stroke-dasharray:2 4" if look.dotted else ""
    return f"stroke:{look.stroke},stroke-width:{look.width:g}px{dash}"
