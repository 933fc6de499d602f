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

PathPart = str | int
DocPath = tuple[PathPart, ...]


@record(frozen=True)
class Problem:
    """Something wrong at a path in the document, such as ("spec", "edges", 2, "to")."""

    path: DocPath
    message: str


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


def describe(path: DocPath) -> str:
    """`spec.edges[2].to` for ("spec", "edges", 2, "to")."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the document"


class _Parser:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.text_left = MAX_TOTAL_TEXT  # of the whole diagram's text; said once when it runs out

    def problem(self, path: DocPath, message: str) -> None:
        self.problems.append(Problem(path, f"{describe(path)}: {message}"))

    def mapping(self, value: object, path: DocPath, allowed: Sequence[str]) -> Mapping[Any, Any] | None:
        """The value as a mapping, each unknown key reported at that key; None (reported) when it is not one."""
        if not isinstance(value, Mapping):
            self.problem(path, f"must be a mapping with keys {', '.join(allowed)}, not {_kind_of(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.problems.append(Problem((*path, str(key)), f"{describe(path)}: unknown key {str(key)!r}; "
                                                                 f"allowed: {', '.join(allowed)}"))
        return value

    def items(self, value: object, path: DocPath, most: int = MAX_ITEMS) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"must be a list, not {_kind_of(value)}")
            return []
        if len(value) > most:
            self.problem(path, f"has {len(value)} entries; at most {most} are read")
            return value[:most]
        return value

    def spend(self, value: str, path: DocPath) -> str:
        """`value`, or as much of it as the diagram's total of text still allows."""
        if len(value) <= self.text_left:
            self.text_left -= len(value)
            return value
        if self.text_left >= 0:
            self.problem(path, f"the diagram's text passes {MAX_TOTAL_TEXT:,} characters (labels, badges and "
                               "details together); what follows is not drawn")
        kept, self.text_left = value[:max(self.text_left, 0)], -1
        return kept

    def text(self, data: Mapping[Any, Any], key: str, path: DocPath, default: str = "") -> str:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            self.problem((*path, key), f"must be a string, not {_kind_of(value)} (quote it: \"{value}\")")
            return default
        if len(value) > MAX_TEXT:
            self.problem((*path, key), f"is {len(value)} characters long; at most {MAX_TEXT}")
            value = value[:MAX_TEXT]
        kept = self.spend(value, (*path, key))
        return kept if kept or not value else default  # a label cut to nothing: its id

    def identifier(self, data: Mapping[Any, Any], key: str, path: DocPath) -> str | None:
        value = data.get(key)
        if value is None:
            self.problem(path, f"`{key}` is required")
            return None
        if not isinstance(value, str) or not ID.fullmatch(value):
            self.problem((*path, key), f"{value!r} is not an id: letters, digits, '_', '.' and '-', "
                                       "starting with a letter or digit, at most 63 characters")
            return None
        return value

    def choice(self, data: Mapping[Any, Any], key: str, path: DocPath, allowed: tuple[str, ...], what: str,
               default: str) -> str:
        value = data.get(key)
        if value is None:
            return default
        if value not in allowed:
            self.problem((*path, key), f"unknown {what} {value!r}; allowed: {', '.join(allowed)}")
            return default
        return cast(str, value)

    def reference(self, data: Mapping[Any, Any], key: str, path: DocPath, known: Mapping[str, DocPath],
                  what: str, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, f"`{key}` is required")
            return None
        if isinstance(value, str) and value in known:
            return value
        names = ", ".join(sorted(known)[:20]) + (", …" if len(known) > 20 else "")
        self.problem((*path, key), f"no {what} {value!r} (known {what}s: {names or 'none'})")
        return None


def parse_diagram(body: Mapping[str, Any]) -> tuple[DeclaredDiagram, list[Problem]]:
    """The valid part of a Diagram document and a Problem for every other part. Never raises."""
    parser = _Parser()
    document = parser.mapping(body, (), DOCUMENT_KEYS) or {}
    if document.get("apiVersion") != API_VERSION:
        parser.problem(("apiVersion",), f"unsupported apiVersion {document.get('apiVersion')!r}; "
                                        f"this gen reads {API_VERSION}")
    if document.get("kind") != KIND:
        parser.problem(("kind",), f"unknown kind {document.get('kind')!r} in {API_GROUP}; the only kind is {KIND}")
    metadata = parser.mapping(document.get("metadata"), ("metadata",), METADATA_KEYS) or {}
    name = metadata.get("name")
    if not isinstance(name, str) or not ID.fullmatch(name):
        parser.problem(("metadata", "name"), f"{name!r} is not a name: letters, digits, '_', '.' and '-'")
        name = "diagram"
    diagram = DeclaredDiagram(name)
    if "spec" not in document:
        parser.problem((), "`spec` is required (with at least `nodes`)")
        return diagram, parser.problems
    spec_or_none = parser.mapping(document.get("spec"), ("spec",), SPEC_KEYS)
    spec = spec_or_none or {}
    diagram.direction = cast(Direction, parser.choice(spec, "direction", ("spec",), DIRECTIONS, "direction", "LR"))

    seen: dict[str, DocPath] = {}  # every id (group or node) → where it was first declared

    def declare(identifier: str | None, path: DocPath) -> bool:
        if identifier is None:
            return False
        if identifier in seen:
            parser.problem((*path, "id"),
                           f"duplicate id {identifier!r}: first declared at {describe(seen[identifier])}")
            return False
        seen[identifier] = path
        return True

    raw_groups: list[tuple[DocPath, Mapping[Any, Any], str]] = []
    for index, raw in enumerate(parser.items(spec.get("groups"), ("spec", "groups"))):
        path: DocPath = ("spec", "groups", index)
        group = parser.mapping(raw, path, GROUP_KEYS)
        if group is None:
            continue
        identifier = parser.identifier(group, "id", path)
        if declare(identifier, path):
            raw_groups.append((path, group, cast(str, identifier)))
    group_paths = {identifier: path for path, _, identifier in raw_groups}
    parents: dict[str, str | None] = {}
    for path, group, identifier in raw_groups:
        parents[identifier] = parser.reference(group, "parent", path, group_paths, "group")
    _break_cycles(parents, group_paths, parser)
    for path, group, identifier in raw_groups:
        parent = parents[identifier]
        style = parser.choice(group, "style", path, GROUP_STYLES, "group style", "inner" if parent else "outer")
        diagram.groups.append(DeclaredGroup(identifier, parser.text(group, "label", path, identifier), parent,
                                             cast(GroupStyle, style)))

    node_paths: dict[str, DocPath] = {}
    raw_nodes = parser.items(spec.get("nodes"), ("spec", "nodes"))
    if not raw_nodes and spec_or_none is not None:
        parser.problem(("spec",), "`nodes` is missing or empty: a diagram needs at least one node")
    for index, raw in enumerate(raw_nodes):
        path = ("spec", "nodes", index)
        node = parser.mapping(raw, path, NODE_KEYS)
        if node is None:
            continue
        identifier = parser.identifier(node, "id", path)
        if identifier is None or not declare(identifier, path):
            continue
        node_paths[identifier] = path
        details = tuple(_detail(parser, value, (*path, "details", i))
                        for i, value in enumerate(parser.items(node.get("details"), (*path, "details"),
                                                               MAX_DETAILS)))
        diagram.nodes.append(DeclaredNode(
            id=identifier,
            label=parser.text(node, "label", path, identifier),
            group=parser.reference(node, "group", path, group_paths, "group"),
            shape=cast(Shape, parser.choice(node, "shape", path, SHAPES, "shape", "rounded")),
            colour=cast(Colour, parser.choice(node, "colour", path, COLOURS, "colour", "neutral")),
            badge=parser.text(node, "badge", path),
            details=tuple(d for d in details if d),
            state=cast(State, parser.choice(node, "state", path, STATES, "state", "real")),
        ))

    for index, raw in enumerate(parser.items(spec.get("edges"), ("spec", "edges"))):
        path = ("spec", "edges", index)
        edge = parser.mapping(raw, path, EDGE_KEYS)
        if edge is None:
            continue
        source = parser.reference(edge, "from", path, node_paths, "node", required=True)
        target = parser.reference(edge, "to", path, node_paths, "node", required=True)
        arrow = edge.get("arrow", True)
        if not isinstance(arrow, bool):
            parser.problem((*path, "arrow"), f"must be true or false, not {_kind_of(arrow)}")
            arrow = True
        label = parser.text(edge, "label", path)
        line = cast(Line, parser.choice(edge, "line", path, LINES, "line", "solid"))
        colour = cast(Colour, parser.choice(edge, "colour", path, COLOURS, "colour", "grey"))
        if source is not None and target is not None:
            diagram.edges.append(DeclaredEdge(source, target, label, line, colour, arrow))

    for index, raw in enumerate(parser.items(spec.get("aligned"), ("spec", "aligned"))):
        path = ("spec", "aligned", index)
        row = [value for i, value in enumerate(parser.items(raw, path, MAX_ROW))
               if _known_node(parser, value, (*path, i), node_paths)]
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


def _detail(parser: _Parser, value: object, path: DocPath) -> str:
    if not isinstance(value, str):
        parser.problem(path, f"must be a string, not {_kind_of(value)}")
        return ""
    if len(value) > MAX_TEXT:
        parser.problem(path, f"is {len(value)} characters long; at most {MAX_TEXT}")
    return parser.spend(value[:MAX_TEXT], path)


def _known_node(parser: _Parser, value: object, path: DocPath, nodes: Mapping[str, DocPath]) -> bool:
    if isinstance(value, str) and value in nodes:
        return True
    parser.problem(path, f"no node {value!r} to align")
    return False


def _break_cycles(parents: dict[str, str | None], paths: Mapping[str, DocPath], parser: _Parser) -> None:
    """A group that is its own ancestor is reported and made a top-level group, once per cycle."""
    for start in parents:
        chain = [start]
        current = parents[start]
        while current is not None and current not in chain:
            chain.append(current)
            current = parents[current]
        if current == start:
            parser.problem((*paths[start], "parent"), f"groups form a cycle: {' → '.join([*chain, start])}")
            parents[start] = None


def _kind_of(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


# --- positions: which line and column each path of the document is at ------------------------------------------


Position = tuple[int, int]  # 1-based line and column


def node_positions(root: yaml.Node) -> tuple[dict[DocPath, Position], list[Problem]]:
    """The position of every key and list item under a composed document, and a Problem for every alias: a
    Diagram is written out in full (an alias could make a small file stand for a huge one)."""
    positions: dict[DocPath, Position] = {(): _position(root)}
    problems: list[Problem] = []
    seen: set[int] = set()
    pending: list[tuple[DocPath, yaml.Node]] = [((), root)]
    while pending:  # a loop, not recursion: nesting depth is the input's choice
        path, node = pending.pop()
        if id(node) in seen:
            problems.append(Problem(path, f"{describe(path)}: aliases (*name) are not allowed in a Diagram; "
                                          "write the value out"))
            continue
        seen.add(id(node))
        children: list[tuple[DocPath, yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, key.value if isinstance(key, yaml.ScalarNode) else "?")
                positions.setdefault(child, _position(key))
                children.append((child, value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                positions.setdefault((*path, index), _position(item))
                children.append(((*path, index), item))
        pending.extend(reversed(children))  # visited in document order: the alias, not its anchor, is reported
    return positions, problems


def _position(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def where(source: Source, positions: Mapping[DocPath, Position], path: DocPath) -> Source:
    """The source of the deepest part of `path` whose position is known; the document's own line otherwise."""
    for length in range(len(path), -1, -1):
        found = positions.get(path[:length])
        if found is not None:
            return Source(source.path, *found)
    return source


def diagnose(resource: Resource) -> list[Diagnostic]:
    """Every problem of one Diagram document as an ERROR naming its file, line and column."""
    _, problems = parse_diagram(resource.body)
    positions: dict[DocPath, Position] = {}
    if isinstance(resource.node, yaml.Node):
        positions, alias_problems = node_positions(resource.node)
        problems = [*alias_problems, *problems]
    return [Diagnostic(where(resource.source, positions, p.path), Severity.ERROR,
                       f"Diagram {resource.name}: {p.message}", CHECK) for p in problems]
