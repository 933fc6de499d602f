"""Diagram → a JSON graph, the documented contract for programs (`graph.schema.json`, JSON Schema 2020-12, beside
this module): nodes with what they stand for and where they were written, edges with their relation, family, ports
and label, groups with their parents. Sorted and indented the same way every time, with the schema's version.
Only what the drawing shows: each text as the figure clips it, invisible layout links left out."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..diagram import Box, Diagram, Link
from .parts import shown, shown_id, shown_tooltip

SCHEMA_NAME = "kubedocs-graph"
SCHEMA_VERSION = 1


def schema_text() -> str:
    """The JSON Schema the output follows, as shipped in the package."""
    return resources.files(__package__).joinpath("graph.schema.json").read_text(encoding="utf-8")


def diagram_to_json(diagram: Diagram) -> str:
    # Groups and rows are named by their place (`g0`, row 0): their ids are the view's own, which no drawing shows.
    group_ids = {group.id: f"g{index}" for index, group in enumerate(diagram.groups)}
    rows = {box.id: {row.id: index for index, row in enumerate(box.rows)} for box in diagram.boxes}
    groups = [{"id": group_ids[group.id], "label": shown(group.label), "parent": group_ids.get(group.parent or ""),
               "style": group.style} for group in diagram.groups]
    nodes = sorted((_node(box, group_ids) for box in diagram.boxes), key=lambda node: node["id"])
    edges = sorted((_edge(link, group_ids, rows) for link in diagram.links if link.line != "invisible"),
                   key=lambda edge: json.dumps(edge, sort_keys=True, ensure_ascii=False))
    document = {
        "schema": SCHEMA_NAME, "version": SCHEMA_VERSION, "direction": diagram.direction,
        "aggregation": diagram.level, "note": shown(diagram.note, 2000), "empty": shown(diagram.empty_message)
        if not diagram.boxes else "", "groups": groups, "nodes": nodes, "edges": edges,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def _node(box: Box, group_ids: dict[str, str]) -> dict[str, Any]:
    identity = {field: shown(value) for field, value in box.identity}
    return {
        "id": shown_id(box.id), "title": shown(box.title), "badge": shown(box.badge), "shape": box.shape,
        "colour": box.colour, "origin": box.state, "details": [shown(d) for d in box.details],
        "rows": [shown(row.text) for row in box.rows], "group": group_ids.get(box.group or ""),
        "tooltip": shown_tooltip(box.tooltip or box.title), "change": box.change or None,
        "identity": identity or None, "source": shown(box.source) or None,
    }


def _edge(link: Link, group_ids: dict[str, str], rows: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {
        "source": shown_id(link.source), "target": shown_id(link.target),
        "sourceGroup": group_ids.get(link.source_group or ""), "targetGroup": group_ids.get(link.target_group or ""),
        "sourceRow": rows.get(link.source, {}).get(link.source_row or ""),
        "targetRow": rows.get(link.target, {}).get(link.target_row or ""),
        "relation": link.relation or link.category or None, "family": link.family or None,
        "ports": list(link.ports), "label": shown(link.label), "line": link.line, "colour": link.colour,
        "directed": link.arrow, "missing": link.missing, "change": link.change or None,
    }
