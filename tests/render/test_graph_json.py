"""The JSON graph as a contract: generated diagrams round-trip through it (read back, nothing lost or changed) and
every one validates against the shipped schema (JSON Schema 2020-12); the schema ships in the package."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gen.diagram import COLOURS, GROUP_STYLES, SHAPES, Box, Diagram, Group, Link, Row
from gen.render.graph_json import SCHEMA_VERSION, diagram_to_json, schema_text

SCHEMA = json.loads(schema_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
# Printable text a figure shows unchanged: no control characters, no line of more than 200 characters
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
WORD = st.text(alphabet="abcxyz-/.", min_size=1, max_size=8)


@st.composite
def diagrams(draw: st.DrawFn) -> Diagram:
    group_count = draw(st.integers(0, 4))
    groups = [Group(f"group-{index}", draw(TEXT), draw(st.sampled_from([None, *(f"group-{p}" for p in range(index))])),
                    draw(st.sampled_from(GROUP_STYLES))) for index in range(group_count)]
    ids = draw(st.lists(TEXT.filter(str.strip), min_size=0, max_size=6, unique=True))
    boxes = []
    for box_id in ids:
        identity = draw(st.sampled_from([(), (("kind", "Pod"), ("namespace", "ns"), ("name", box_id), ("group", ""))]))
        rows = tuple(Row(f"row-{index}", draw(TEXT)) for index in range(draw(st.integers(0, 2))))
        boxes.append(Box(box_id, draw(TEXT), draw(TEXT), draw(st.sampled_from(SHAPES)), draw(st.sampled_from(COLOURS)),
                         draw(st.sampled_from(["real", "derived", "missing"])), tuple(draw(st.lists(TEXT, max_size=3))),
                         rows, draw(st.sampled_from([None, *(g.id for g in groups)])), draw(TEXT), None, "",
                         draw(st.sampled_from(["", "added", "removed", "changed"])), identity,
                         draw(st.sampled_from(["", "a.yaml:3"]))))
    links = []
    for _ in range(draw(st.integers(0, 6)) if boxes else 0):
        source, target = draw(st.sampled_from(boxes)), draw(st.sampled_from(boxes))
        links.append(Link(source.id, target.id, draw(TEXT), draw(st.sampled_from(COLOURS)),
                          draw(st.sampled_from(["solid", "dashed", "dotted", "bold"])),
                          draw(st.sampled_from([None, *(r.id for r in source.rows)])),
                          draw(st.sampled_from([None, *(r.id for r in target.rows)])), draw(st.booleans()),
                          target_group=draw(st.sampled_from([None, *(g.id for g in groups)])),
                          arrow=draw(st.booleans()), change=draw(st.sampled_from(["", "added", "removed"])),
                          relation=draw(st.sampled_from(["", "selects"])), family=draw(st.sampled_from(["", "x"])),
                          ports=tuple(draw(st.lists(WORD, max_size=2)))))
    return Diagram(boxes, links, groups, draw(st.sampled_from(["LR", "TB", "BT"])), note=draw(TEXT))


def read_back(document: dict[str, Any]) -> Diagram:
    """A JSON graph as a diagram again (groups keep their place's id)."""
    nodes = {node["id"]: node for node in document["nodes"]}
    boxes = [Box(n["id"], n["title"], n["badge"], n["shape"], n["colour"], n["origin"], tuple(n["details"]),
                 tuple(Row(str(i), text) for i, text in enumerate(n["rows"])), n["group"], n["tooltip"], None, "",
                 n["change"] or "", _identity(n["identity"]), n["source"] or "") for n in nodes.values()]
    links = [Link(e["source"], e["target"], e["label"], e["colour"], e["line"],
                  None if e["sourceRow"] is None else str(e["sourceRow"]),
                  None if e["targetRow"] is None else str(e["targetRow"]), e["missing"],
                  e["sourceGroup"], e["targetGroup"], arrow=e["directed"], change=e["change"] or "",
                  relation=e["relation"] or "", family=e["family"] or "", ports=tuple(e["ports"]))
             for e in document["edges"]]
    groups = [Group(g["id"], g["label"], g["parent"], g["style"]) for g in document["groups"]]
    return Diagram(boxes, links, groups, document["direction"], note=document["note"])


def _identity(identity: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple((field, identity[field]) for field in ("kind", "namespace", "name", "group")) if identity else ()


def _as_read(diagram: Diagram) -> Diagram:
    """What the JSON graph keeps of a diagram, named as read_back names it: groups and rows by their place."""
    groups = {group.id: f"g{index}" for index, group in enumerate(diagram.groups)}
    rows = {box.id: {row.id: str(index) for index, row in enumerate(box.rows)} for box in diagram.boxes}
    boxes = [Box(b.id, b.title, b.badge, b.shape, b.colour, b.state, b.details,
                 tuple(Row(str(i), r.text) for i, r in enumerate(b.rows)), groups.get(b.group or ""),
                 b.tooltip or b.title, None, "", b.change, b.identity, b.source) for b in diagram.boxes]
    links = [Link(k.source, k.target, k.label, k.colour, k.line, rows[k.source].get(k.source_row or ""),
                  rows[k.target].get(k.target_row or ""), k.missing, groups.get(k.source_group or ""),
                  groups.get(k.target_group or ""), arrow=k.arrow, change=k.change,
                  relation=k.relation or k.category, family=k.family, ports=k.ports) for k in diagram.links]
    return Diagram(boxes, links, [Group(groups[g.id], g.label, groups.get(g.parent or ""), g.style)
                                  for g in diagram.groups], diagram.direction, note=diagram.note)


def _sorted(diagram: Diagram) -> tuple[list[str], list[str], list[Group]]:
    return sorted(map(repr, diagram.boxes)), sorted(map(repr, diagram.links)), diagram.groups


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diagrams())
def test_a_diagram_round_trips_through_json_and_validates(diagram: Diagram) -> None:
    text = diagram_to_json(diagram)
    document = json.loads(text)
    VALIDATOR.validate(document)
    assert document["version"] == SCHEMA_VERSION
    again = read_back(document)
    assert _sorted(again) == _sorted(_as_read(diagram))
    assert diagram_to_json(again) == text  # and writing what was read gives the same bytes


def test_the_schema_is_draft_2020_12_and_ships_in_the_package() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "render/*.json" in project["tool"]["setuptools"]["package-data"]["gen"]


def test_a_wrong_document_is_refused() -> None:
    document = json.loads(diagram_to_json(Diagram([Box("a", "a")])))
    document["nodes"][0]["origin"] = "imagined"
    assert list(VALIDATOR.iter_errors(document))
