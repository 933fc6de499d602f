"""One reader for kubedocs' own YAML formats: figure blocks (gen/figures.py), `Diagram` documents
(gen/declarative.py) and `RelationshipRules` (gen/rules/custom/).

A format reads a composed YAML node (from the safe layer, gen/safeyaml.py) through a `Reader`: mappings with known
and required keys, typed scalars (text, whole numbers and numbers within bounds, true/false), words of a closed
vocabulary, bounded lists. The reader never stops at a problem: it keeps what is valid and collects a `Problem` for
everything else, each at the line and column of the node to blame. A problem says what is wrong in our words and
may name a key, never a value (a rule file may be any file a site names; a figure's text may hold anything).

Only YAML's standard scalar tags are ever constructed here (int, float, bool), by PyYAML's safe constructor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from .records import record
from .safeyaml import documents

_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_TAG + name for name in ("str", "int", "float", "bool", "null"))
# What PyYAML's safe constructors raise on a standard scalar they cannot make (`!!int x`, `!!bool maybe`).
_CONSTRUCTION_ERRORS = (yaml.YAMLError, ValueError, KeyError, TypeError, OverflowError)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@record(frozen=True)
class Problem:
    """Something wrong in a document: where in it (`spec.nodes[0].label`; the document itself: its own name),
    at which 1-based line and column (0 when the node has no position: data that came as JSON), and what."""

    where: str
    message: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def child(path: str, step: str | int) -> str:
    """`spec.nodes[2]` for ("spec.nodes", 2); `spec.direction` for ("spec", "direction")."""
    if isinstance(step, int):
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else step


def position(node: yaml.Node | None) -> tuple[int, int]:
    mark = node.start_mark if node is not None else None
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def is_null(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL)


def kind_of(node: yaml.Node | None) -> str:
    """What a node holds, in words that never show its value."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if is_null(node):
        return "nothing"
    tag = node.tag if node is not None else ""
    return {STR: "a string", INT: "a number", FLOAT: "a number", BOOL: "a boolean",
            _TAG + "timestamp": "a date"}.get(tag, "a value of another type")


def from_data(data: Any) -> yaml.Node:
    """Nodes for data parsed elsewhere (a JSON document): the same reading, without positions."""
    representer = yaml.representer.SafeRepresenter(sort_keys=False)
    node: yaml.Node = representer.represent_data(data)
    return node


def compose_one(text: str) -> yaml.Node | None:
    """The node of a one-document text, checked and constructed by the safe layer first (depth, aliases, values
    YAML cannot make); None when empty. Raises safeyaml.Refused (or Unreadable) and yaml.YAMLError."""
    for document in documents(text):
        if document.refused is not None:
            raise document.refused
        node: yaml.Node = document.node
        return node
    return None


def aliases(root: yaml.Node, root_name: str, message: str) -> list[Problem]:
    """A Problem at every alias under a composed document (a node met a second time), in document order: a
    format written out in full cannot let a small file stand for a huge one. An alias is the very node of its
    anchor, whose position is the anchor's: a mapping's alias is placed at its key."""
    problems: list[Problem] = []
    seen: set[int] = set()
    pending: list[tuple[str, yaml.Node, yaml.Node]] = [("", root, root)]  # path, node, what places it
    while pending:  # a loop, not recursion: nesting depth is the input's choice
        path, node, place = pending.pop()
        if id(node) in seen:
            problems.append(Problem(path or root_name, message, *position(place)))
            continue
        seen.add(id(node))
        children: list[tuple[str, yaml.Node, yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            children = [(child(path, str(key.value) if isinstance(key, yaml.ScalarNode) else "?"), value, key)
                        for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(child(path, index), item, item) for index, item in enumerate(node.value)]
        pending.extend(reversed(children))  # visited in document order: the alias, not its anchor, is reported
    return problems


def _bounds(least: float | None, most: float | None) -> str:
    if least is not None and most is not None:
        return f" (from {least:g} to {most:g})"
    if least is not None:
        return f" ({least:g} or more)"
    return f" (at most {most:g})" if most is not None else ""


class Reader:
    """Reads composed nodes, keeping what is valid and a Problem for everything else; never raises on input.
    `root_name` names the document itself in messages ("the document", "the block")."""

    def __init__(self, root_name: str = "the document") -> None:
        self.root_name = root_name
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, path: str, message: str) -> None:
        self.problems.append(Problem(path or self.root_name, message, *position(node)))

    def problems_within(self, node: yaml.Node) -> bool:
        """Whether a problem was found inside this node (from its start to its end)."""
        start, end = node.start_mark, node.end_mark
        if start is None or end is None:
            return False
        first, last = (start.line + 1, start.column + 1), (end.line + 1, end.column + 1)
        return any(first <= (p.line, p.column) <= last for p in self.problems)

    def mapping(self, node: yaml.Node | None, path: str, keys: Sequence[str], required: Sequence[str] = (),
                duplicates: bool = False) -> dict[str, yaml.Node] | None:
        """The value of each known key present (None when the node is not a mapping, said); every unknown key is
        a problem at that key, every required key that is missing one at the mapping. With `duplicates`, a key
        given twice is a problem; otherwise the last one is used, as YAML's loader does."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"must be a mapping (keys: {', '.join(keys)}), not {kind_of(node)}")
            return None
        found: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else None
            if name is None:
                self.problem(key, path, f"a key that is {kind_of(key)}; allowed: {', '.join(keys)}")
            elif name not in keys:
                self.problem(key, path, f"unknown key '{name}'; allowed: {', '.join(keys)}")
            elif name in found and duplicates:
                self.problem(key, path, f"'{name}' given twice")
            else:
                found[name] = value
        for name in required:
            if name not in found:
                self.problem(node, path, f"`{name}` is required")
        return found

    def items(self, node: yaml.Node | None, path: str, most: int | None = None) -> list[yaml.Node] | None:
        """A list's items, at most `most` of them (more is a problem: the first ones are kept)."""
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, f"must be a list, not {kind_of(node)}")
            return None
        if most is not None and len(node.value) > most:
            self.problem(node, path, f"has {len(node.value)} entries; at most {most} are read")
            return list(node.value[:most])
        return list(node.value)

    def text(self, node: yaml.Node | None, path: str, nonblank: bool = False, most: int | None = None
             ) -> str | None:
        """A string (stripped when it must not be blank), cut to `most` characters (longer is a problem)."""
        wanted = "a non-empty string" if nonblank else "a string"
        if not isinstance(node, yaml.ScalarNode) or node.tag != STR:
            hint = " (quote it)" if kind_of(node) in ("a number", "a boolean", "a date") else ""
            self.problem(node, path, f"must be {wanted}, not {kind_of(node)}{hint}")
            return None
        value = str(node.value).strip() if nonblank else str(node.value)
        if nonblank and not value:
            self.problem(node, path, f"must be {wanted}")
            return None
        if most is not None and len(value) > most:
            self.problem(node, path, f"is {len(value)} characters long; at most {most}")
            return value[:most]
        return value

    def integer(self, node: yaml.Node | None, path: str, least: int | None = None, most: int | None = None
                ) -> int | None:
        value = _standard(node, (INT,))
        if not isinstance(value, int) or isinstance(value, bool) or not _within(value, least, most):
            self.problem(node, path, f"must be a whole number{_bounds(least, most)}")
            return None
        return value

    def number(self, node: yaml.Node | None, path: str, least: float | None = None, most: float | None = None
               ) -> float | None:
        value = _standard(node, (INT, FLOAT))
        if not isinstance(value, int | float) or isinstance(value, bool) or value != value \
                or not _within(value, least, most):  # value != value: NaN, within no bound
            self.problem(node, path, f"must be a number{_bounds(least, most)}")
            return None
        return float(value)

    def flag(self, node: yaml.Node | None, path: str) -> bool | None:
        value = _standard(node, (BOOL,))
        if not isinstance(value, bool):
            self.problem(node, path, f"must be true or false, not {kind_of(node)}")
            return None
        return value

    def choice(self, node: yaml.Node | None, path: str, allowed: Sequence[str], what: str) -> str | None:
        """One word of a closed vocabulary (`allowed`); anything else is `unknown <what>` with the allowed words."""
        if isinstance(node, yaml.ScalarNode) and node.tag == STR and node.value in allowed:
            return str(node.value)
        self.problem(node, path, f"unknown {what}; allowed: {', '.join(allowed)}")
        return None


def _within(value: float, least: float | None, most: float | None) -> bool:
    return (least is None or value >= least) and (most is None or value <= most)


def _standard(node: yaml.Node | None, tags: tuple[str, ...]) -> object:
    """The value of a scalar of one of YAML's standard `tags`, made by the safe constructor; None otherwise."""
    if not isinstance(node, yaml.ScalarNode) or node.tag not in tags:
        return None
    constructors = {INT: _CONSTRUCTOR.construct_yaml_int, FLOAT: _CONSTRUCTOR.construct_yaml_float,
                    BOOL: _CONSTRUCTOR.construct_yaml_bool}
    try:
        value: object = constructors[node.tag](node)
    except _CONSTRUCTION_ERRORS:
        return None
    return value
