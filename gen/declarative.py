"""Declarative diagrams: a small YAML document (apiVersion kubedocs.dev/v1, kind Diagram) for what no manifest can
express — a VM beside a container, the layers of an image — drawn through the same neutral Diagram and renderer
as every Kubernetes figure.

    apiVersion: kubedocs.dev/v1
    kind: Diagram
    metadata: {name: vm-vs-container}
    spec:
      direction: TB                      # LR (default) | TB
      groups:  [{id: vm, label: Virtual Machine, style: outer}, {id: vm1, label: VM 1, parent: vm}]
      nodes:   [{id: app, label: App A, group: vm1, shape: rounded, colour: blue, details: [..]}]
      edges:   [{from: app, to: os, label: runs on, line: dashed, arrow: false}]
      aligned: [[a, b]]                  # nodes side by side across the flow

It is data only: every key is known, every word (shape, colour, line, style, state, direction) is one of the
neutral vocabulary's tuples in gen/diagram.py, so the format cannot drift from the renderer. Parsing never raises:
`parse_diagram` returns what is valid and a Problem for everything else, each at a path in the document, and
`diagnose` turns those into `file:line:column` Diagnostics using the document's composed YAML nodes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

import yaml

from .diagram import COLOURS, DIRECTIONS, GROUP_STYLES, LINES, SHAPES, Colour, Direction, GroupStyle, Line, Shape, State
from .model import DECLARED_API_GROUP as API_GROUP
from .model import Diagnostic, Resource, Severity, Source
from .records import field, record
from .schema import STR, Problem, Reader, aliases, child, from_data, is_null

API_VERSION = f"{API_GROUP}/v1"
KIND = "Diagram"
CHECK = "invalid-diagram"
STATES: tuple[str, ...] = ("real", "derived", "missing")

DOCUMENT_KEYS = ("apiVersion", "kind", "metadata", "spec")
METADATA_KEYS = ("name",)
SPEC_KEYS = ("direction", "groups", "nodes", "edges", "aligned")
GROUP_KEYS = ("id", "label", "parent", "style")
NODE_KEYS = ("id", "label", "group", "shape", "colour", "badge", "details", "state")
EDGE_KEYS = ("from", "to", "label", "line", "colour", "arrow")

# Bounds: a figure is read by people, so nothing near these is useful, and they keep any input cheap. The largest
# diagram they allow costs gen and dot together about 100 MB (at 500 items, 500 details a node and 300 characters
# with no total, it was 2.1 GB and 35 s: tests/test_declarative.py measures the largest one).
MAX_ITEMS = 200  # groups, nodes, edges, aligned rows
MAX_ROW = 20  # nodes in one aligned row (200 rows of 200 were 40,000 entries a document to keep and lay out)
MAX_DETAILS = 10  # detail lines of one node
MAX_TEXT = 200  # characters of a label, badge or detail (the renderer clips a line there anyway)
MAX_TOTAL_TEXT = 20_000  # characters of every label, badge and detail of one diagram together
MAX_FIGURE_NODES = 400  # nodes of all the diagrams one figure draws (3,000 boxes of 15 diagrams took dot 1.2 GB)
ID = re.compile(r"[^\W][\w.-]{0,62}")  # letters (Hangul too), digits, _ . -; no spaces or slashes

@record(frozen=True)
class DeclaredGroup:
    id: str
    label: str
    parent: str | None
    style: GroupStyle


@record(frozen=True)
class DeclaredNode:
    id: str
    label: str
    group: str | None = None
    shape: Shape = "rounded"
    colour: Colour = "neutral"
    badge: str = ""
    details: tuple[str, ...] = ()
    state: State = "real"


@record(frozen=True)
class DeclaredEdge:
    source: str
    target: str
    label: str = ""
    line: Line = "solid"
    colour: Colour = "grey"
    arrow: bool = True


@record
class DeclaredDiagram:
    """The valid part of a Diagram document: every reference in it resolves."""

    name: str
    direction: Direction = "LR"
    groups: list[DeclaredGroup] = field(default_factory=list)
    nodes: list[DeclaredNode] = field(default_factory=list)
    edges: list[DeclaredEdge] = field(default_factory=list)
    aligned: list[tuple[str, ...]] = field(default_factory=list)


class _Parser(Reader):
    """The schema reader, with the diagram's budget of text: values absent or null are left to their defaults."""

    def __init__(self) -> None:
        super().__init__("the document")
        self.text_left = MAX_TOTAL_TEXT  # of the whole diagram's text; said once when it runs out

    def fields(self, node: yaml.Node | None, path: str, keys: Sequence[str]) -> dict[str, yaml.Node]:
        """A mapping's known keys with a value (null is as good as absent); {} when it is no mapping (said)."""
        found = self.mapping(node, path, keys) or {}
        return {key: value for key, value in found.items() if not is_null(value)}

    def spend(self, node: yaml.Node, value: str, path: str) -> str:
        """`value`, or as much of it as the diagram's total of text still allows."""
        if len(value) <= self.text_left:
            self.text_left -= len(value)
            return value
        if self.text_left >= 0:
            self.problem(node, path, f"the diagram's text passes {MAX_TOTAL_TEXT:,} characters (labels, badges "
                                     "and details together); what follows is not drawn")
        kept, self.text_left = value[:max(self.text_left, 0)], -1
        return kept

    def label(self, data: Mapping[str, yaml.Node], key: str, path: str, default: str = "") -> str:
        node = data.get(key)
        value = self.text(node, child(path, key), most=MAX_TEXT) if node is not None else None
        if node is None or value is None:
            return default
        kept = self.spend(node, value, child(path, key))
        return kept if kept or not value else default  # a label cut to nothing: its id

    def identifier(self, node: yaml.Node | None, data: Mapping[str, yaml.Node], path: str) -> str | None:
        value = data.get("id")
        if value is None:
            self.problem(node, path, "`id` is required")
            return None
        if not isinstance(value, yaml.ScalarNode) or value.tag != STR or not ID.fullmatch(value.value):
            self.problem(value, child(path, "id"), "must be an id: letters, digits, '_', '.' and '-', starting "
                                                   "with a letter or digit, at most 63 characters")
            return None
        return str(value.value)

    def word(self, data: Mapping[str, yaml.Node], key: str, path: str, allowed: tuple[str, ...], what: str,
             default: str) -> str:
        node = data.get(key)
        return default if node is None else self.choice(node, child(path, key), allowed, what) or default

    def reference(self, node: yaml.Node | None, data: Mapping[str, yaml.Node], key: str, path: str,
                  known: Mapping[str, str], what: str, required: bool = False) -> str | None:
        """An id declared in the diagram (`known`: id → where it is declared)."""
        value = data.get(key)
        if value is None:
            if required:
                self.problem(node, path, f"`{key}` is required")
            return None
        if isinstance(value, yaml.ScalarNode) and value.tag == STR and value.value in known:
            return str(value.value)
        self.problem(value, child(path, key), f"names no {what} declared in this diagram")
        return None


def parse_diagram(document: Mapping[str, Any] | yaml.Node) -> tuple[DeclaredDiagram, list[Problem]]:
    """The valid part of a Diagram document (its composed node, or its data: JSON has no nodes) and a Problem
    for every other part, at its line and column. Never raises."""
    root = document if isinstance(document, yaml.Node) else from_data(document)
    parser = _Parser()
    top = parser.fields(root, "", DOCUMENT_KEYS)
    if _word(top.get("apiVersion")) != API_VERSION:
        parser.problem(top.get("apiVersion", root), "apiVersion", f"unsupported apiVersion; this gen reads "
                                                                   f"{API_VERSION}")
    if _word(top.get("kind")) != KIND:
        parser.problem(top.get("kind", root), "kind", f"unknown kind in {API_GROUP}; the only kind is {KIND}")
    metadata = parser.fields(top.get("metadata"), "metadata", METADATA_KEYS)
    name = _word(metadata.get("name"))
    if name is None or not ID.fullmatch(name):
        parser.problem(metadata.get("name", top.get("metadata", root)), "metadata.name",
                       "must be a name: letters, digits, '_', '.' and '-'")
        name = "diagram"
    diagram = DeclaredDiagram(name)
    spec_node = _value(root, "spec")
    if spec_node is None:
        parser.problem(root, "", "`spec` is required (with at least `nodes`)")
        return diagram, parser.problems
    spec = parser.fields(spec_node, "spec", SPEC_KEYS)
    diagram.direction = cast(Direction, parser.word(spec, "direction", "spec", DIRECTIONS, "direction", "LR"))

    seen: dict[str, str] = {}  # every id (group or node) → where it was first declared

    def declare(identifier: str | None, node: yaml.Node, path: str) -> bool:
        if identifier is None:
            return False
        if identifier in seen:
            parser.problem(node, child(path, "id"), f"duplicate id: first declared at {seen[identifier]}")
            return False
        seen[identifier] = path
        return True

    raw_groups: list[tuple[str, yaml.Node, dict[str, yaml.Node], str]] = []
    for index, raw in enumerate(_items(parser, spec, "groups", "spec.groups")):
        path = child("spec.groups", index)
        group = parser.fields(raw, path, GROUP_KEYS) if isinstance(raw, yaml.MappingNode) else None
        if group is None:
            parser.mapping(raw, path, GROUP_KEYS)
            continue
        identifier = parser.identifier(raw, group, path)
        if declare(identifier, group.get("id", raw), path):
            raw_groups.append((path, raw, group, cast(str, identifier)))
    group_paths = {identifier: path for path, _, _, identifier in raw_groups}
    parents: dict[str, str | None] = {}
    for path, raw, group, identifier in raw_groups:
        parents[identifier] = parser.reference(raw, group, "parent", path, group_paths, "group")
    _break_cycles(parents, {identifier: (path, group.get("parent", raw)) for path, raw, group, identifier
                            in raw_groups}, parser)
    for path, _raw, group, identifier in raw_groups:
        parent = parents[identifier]
        style = parser.word(group, "style", path, GROUP_STYLES, "group style", "inner" if parent else "outer")
        diagram.groups.append(DeclaredGroup(identifier, parser.label(group, "label", path, identifier), parent,
                                            cast(GroupStyle, style)))

    node_paths: dict[str, str] = {}
    raw_nodes = _items(parser, spec, "nodes", "spec.nodes")
    if not raw_nodes and isinstance(spec_node, yaml.MappingNode):
        parser.problem(spec.get("nodes", spec_node), "spec", "`nodes` is missing or empty: a diagram needs at "
                                                             "least one node")
    for index, raw in enumerate(raw_nodes):
        path = child("spec.nodes", index)
        if not isinstance(raw, yaml.MappingNode):
            parser.mapping(raw, path, NODE_KEYS)
            continue
        node = parser.fields(raw, path, NODE_KEYS)
        identifier = parser.identifier(raw, node, path)
        if identifier is None or not declare(identifier, node.get("id", raw), path):
            continue
        node_paths[identifier] = path
        details_path = child(path, "details")
        details = tuple(_detail(parser, value, child(details_path, i)) for i, value in enumerate(
            _items(parser, node, "details", details_path, MAX_DETAILS)))
        diagram.nodes.append(DeclaredNode(
            id=identifier,
            label=parser.label(node, "label", path, identifier),
            group=parser.reference(raw, node, "group", path, group_paths, "group"),
            shape=cast(Shape, parser.word(node, "shape", path, SHAPES, "shape", "rounded")),
            colour=cast(Colour, parser.word(node, "colour", path, COLOURS, "colour", "neutral")),
            badge=parser.label(node, "badge", path),
            details=tuple(d for d in details if d),
            state=cast(State, parser.word(node, "state", path, STATES, "state", "real")),
        ))

    for index, raw in enumerate(_items(parser, spec, "edges", "spec.edges")):
        path = child("spec.edges", index)
        if not isinstance(raw, yaml.MappingNode):
            parser.mapping(raw, path, EDGE_KEYS)
            continue
        edge = parser.fields(raw, path, EDGE_KEYS)
        source = parser.reference(raw, edge, "from", path, node_paths, "node", required=True)
        target = parser.reference(raw, edge, "to", path, node_paths, "node", required=True)
        arrow = parser.flag(edge["arrow"], child(path, "arrow")) if "arrow" in edge else True
        label = parser.label(edge, "label", path)
        line = cast(Line, parser.word(edge, "line", path, LINES, "line", "solid"))
        colour = cast(Colour, parser.word(edge, "colour", path, COLOURS, "colour", "grey"))
        if source is not None and target is not None:
            diagram.edges.append(DeclaredEdge(source, target, label, line, colour, True if arrow is None else arrow))

    for index, raw in enumerate(_items(parser, spec, "aligned", "spec.aligned")):
        path = child("spec.aligned", index)
        row = [str(value.value) for i, value in enumerate(parser.items(raw, path, MAX_ROW) or [])
               if _known_node(parser, value, child(path, i), node_paths)]
        if len(row) >= 2:
            diagram.aligned.append(tuple(dict.fromkeys(row)))
    return diagram, parser.problems


def drawn_count(node_counts: Sequence[int]) -> int:
    """How many diagrams, in input order, one figure draws: as many as fit MAX_FIGURE_NODES together (at least
    one, which MAX_ITEMS keeps below it)."""
    total = 0
    for index, count in enumerate(node_counts):
        total += count
        if total > MAX_FIGURE_NODES and index > 0:
            return index
    return len(node_counts)


def _word(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) and node.tag == STR else None


def _value(root: yaml.Node, key: str) -> yaml.Node | None:
    """The value of a key of a mapping node, null or not (None when absent or the node is no mapping)."""
    if not isinstance(root, yaml.MappingNode):
        return None
    found = [value for name, value in root.value if isinstance(name, yaml.ScalarNode) and name.value == key]
    return found[-1] if found else None


def _items(parser: _Parser, data: Mapping[str, yaml.Node], key: str, path: str, most: int = MAX_ITEMS
           ) -> list[yaml.Node]:
    node = data.get(key)
    return [] if node is None else parser.items(node, path, most) or []


def _detail(parser: _Parser, node: yaml.Node, path: str) -> str:
    value = parser.text(node, path, most=MAX_TEXT)
    return "" if value is None else parser.spend(node, value, path)


def _known_node(parser: _Parser, node: yaml.Node, path: str, nodes: Mapping[str, str]) -> bool:
    if isinstance(node, yaml.ScalarNode) and node.tag == STR and node.value in nodes:
        return True
    parser.problem(node, path, "names no node declared in this diagram, so it cannot be aligned")
    return False


def _break_cycles(parents: dict[str, str | None], places: Mapping[str, tuple[str, yaml.Node]],
                  parser: _Parser) -> None:
    """A group that is its own ancestor is reported (the cycle named by the groups' places, never their ids)
    and made a top-level group, once per cycle."""
    for start in parents:
        chain = [start]
        current = parents[start]
        while current is not None and current not in chain:
            chain.append(current)
            current = parents[current]
        if current == start:
            path, node = places[start]
            parser.problem(node, child(path, "parent"),
                           f"groups form a cycle: {' → '.join(places[g][0] for g in [*chain, start])}")
            parents[start] = None


def diagnose(resource: Resource) -> list[Diagnostic]:
    """Every problem of one Diagram document as an ERROR naming its file, line and column (a document without
    positions, from JSON: the document's own line)."""
    root = resource.node if isinstance(resource.node, yaml.Node) else None
    _, problems = parse_diagram(root if root is not None else resource.body)
    if root is not None:
        problems = [*aliases(root, "the document", "aliases (*name) are not allowed in a Diagram; write the "
                                                   "value out"), *problems]
    return [Diagnostic(Source(resource.source.path, p.line, p.column) if p.line else resource.source,
                       Severity.ERROR, f"Diagram {resource.name}: {p}", CHECK) for p in problems]


def diagram_of(resource: Resource) -> DeclaredDiagram:
    """The valid part of one Diagram resource, read from its composed node when it has one."""
    return parse_diagram(resource.node if isinstance(resource.node, yaml.Node) else resource.body)[0]
