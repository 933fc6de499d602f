"""Parsing YAML that may be hostile: every document is inspected before anything walks it.

A document is refused, with its line and the reason, when it nests deeper than MAX_DEPTH, when its aliases would
expand it by more than MAX_ALIAS_NODES nodes (an "alias bomb": a few kilobytes that stand for billions of nodes),
when an alias refers to the node that contains it, or when a string holds a lone surrogate (not encodable as
UTF-8). Before composing, the text itself is checked for nesting that would overflow libyaml's C stack. All of it
is iterative: no input can make these checks recurse, hang or run out of memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from .records import field, record

MAX_DEPTH = 100  # nesting levels of one document; the deepest real manifest seen (a CRD schema) has 39
MAX_ALIAS_NODES = 100_000  # nodes that aliases may add to a document when expanded
MAX_FLOW_DEPTH = 1000  # `[`/`{` nesting checked in the text, before libyaml's recursive composer sees it
MAX_INDENT = 600  # columns of indentation: 2 spaces a level, a document this indented nests too deeply as well
TOO_DEEP = f"nested more than {MAX_DEPTH} deep (no manifest needs that)"
_SATURATED = 1 << 62  # expanded sizes are counted up to here: enough to compare, never a huge integer

_FLOW_BRACKET = re.compile(r"[\[\]{}]")
_TOO_INDENTED = re.compile(rf"^(?:[ \t]|[-?:][ \t]){{{MAX_INDENT // 2}}}", re.MULTILINE)
_SURROGATE = re.compile("[\ud800-\udfff]")
_ANCHOR_START = re.compile(r"(?:\A|[\s\[\]{},:?'\"-])&[0-9A-Za-z_-]")


def _base_loader() -> type[yaml.SafeLoader]:
    # The C loader is several times faster; fall back to the pure-Python one where libyaml is missing.
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


class ManifestLoader(_base_loader()):  # type: ignore[misc]
    """Safe loader that also accepts the `=` value tag (an unquoted `- =` in some CRDs)."""


def _construct_value_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    return None


ManifestLoader.add_constructor("tag:yaml.org,2002:value", _construct_value_tag)


class Refused(ValueError):
    """A document or a text that is not parsed at all; `line` and `column` are 1-based (column 0: unknown)."""

    def __init__(self, line: int, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


class Unreadable(Refused):
    """A document whose nodes parse but whose values cannot be constructed (`!!int x`, an unknown tag): invalid
    YAML rather than hostile. The message says what is wrong in our words and never quotes the value or tag."""


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def check_text(text: str) -> None:
    """Raise Refused for text that libyaml cannot be given safely: nesting that would overflow its C stack, or
    characters that cannot be encoded (surrogate escapes of undecodable bytes)."""
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        raise Refused(line_of(text, surrogate.start()), "not UTF-8 text")
    if text.count("[") + text.count("{") > MAX_FLOW_DEPTH:  # the common case costs two C-speed counts
        depth = 0
        for match in _FLOW_BRACKET.finditer(text):
            depth += 1 if match.group() in "[{" else -1
            if depth > MAX_FLOW_DEPTH:
                raise Refused(line_of(text, match.start()), TOO_DEEP)
    run = _TOO_INDENTED.search(text)  # libyaml stops at its own limit of 1000, losing the rest of the file
    if run is not None:
        raise Refused(line_of(text, run.start()), TOO_DEEP)


def is_plain(text: str) -> bool:
    """No anchor (so no alias) and no escape that could make a surrogate: see inspect(). An anchor is a token, and
    libyaml starts a token only at the start of the text, after white space or after an indicator; an `&` anywhere
    else is part of a scalar (`2>&1`, `?a=1&b=2`), so such text is still plain. Every place a token may start is in
    _ANCHOR_START (a few more besides), and an anchor's name is one or more of [0-9A-Za-z_-] in libyaml (`a && b`
    is not one): text that may hold an anchor is never taken for plain."""
    return _ANCHOR_START.search(text) is None and "\\u" not in text and "\\U" not in text


@record
class Inspection:
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)  # key, first line, second line


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def inspect(root: yaml.Node, plain: bool = False) -> Inspection:
    """Check one composed document; raise Refused when it must not be constructed or walked.

    `plain` says the text has no anchors (so no aliases) and no escapes: the nodes form a tree and only depth and
    duplicate keys need a look, at a fraction of the cost (loading the corpus spends most of its time here)."""
    return _inspect_tree(root) if plain else _inspect_graph(root)


def _inspect_tree(root: yaml.Node) -> Inspection:
    inspection = Inspection()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    scalar = yaml.ScalarNode
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refused(node.start_mark.line + 1, TOO_DEEP)
        if isinstance(node, yaml.MappingNode):
            keys = [key.value for key, _ in node.value if type(key) is scalar]
            if len(set(keys)) != len(keys):
                _find_duplicates(node, inspection)
            stack.extend((part, depth + 1) for pair in node.value for part in pair if type(part) is not scalar)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value if type(item) is not scalar)
    return inspection


def _inspect_graph(root: yaml.Node) -> Inspection:
    """Aliases make the node graph a DAG (or, for an alias inside its own anchor, a cycle): expanded sizes and
    heights are computed once per node, so the cost is that of the text, not of what it stands for."""
    inspection = Inspection()
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            size[key] = min(_SATURATED, 1 + sum(size[id(c)] for c in children))
            height[key] = 1 + max((height[id(c)] for c in children), default=0)
            open_nodes.discard(key)
            if height[key] > MAX_DEPTH:
                raise Refused(node.start_mark.line + 1, TOO_DEEP)
            continue
        if key in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            if _SURROGATE.search(node.value):
                raise Refused(node.start_mark.line + 1, "a string holds a lone surrogate (such as \\ud800), which is "
                                                        "not text")
            size[key], height[key] = 1, 1
            continue
        open_nodes.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            _find_duplicates(node, inspection)
        for child in _children(node):
            if id(child) in open_nodes:
                raise Refused(child.start_mark.line + 1, "an alias refers to the node that holds it (a cycle)")
            if id(child) not in size:
                stack.append((child, False))
    expanded, unique = size[id(root)], len(size)
    if expanded - unique > MAX_ALIAS_NODES:
        raise Refused(root.start_mark.line + 1,
                      f"its aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb?)")
    return inspection


def _find_duplicates(node: yaml.MappingNode, inspection: Inspection) -> None:
    first: dict[str, int] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        if key.value in first:
            inspection.duplicates.append((key.value, first[key.value], line))
        first[key.value] = line


@record
class Document:
    """One composed document: its data (None when refused or empty), root node, first line, and what is wrong."""

    data: Any
    node: yaml.Node
    line: int
    refused: Refused | None = None
    inspection: Inspection = field(default_factory=Inspection)


def inspected_nodes(text: str) -> Iterator[yaml.Node]:
    """Every document's node tree, unconstructed, each inspected first. Raises Refused for text or a document that
    cannot be parsed safely, and yaml.YAMLError on a syntax error."""
    check_text(text)
    plain = is_plain(text)  # once for the whole text, not once a document
    loader = ManifestLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                inspect(node, plain)
                yield node
    finally:
        loader.dispose()


def documents(text: str) -> Iterator[Document]:
    """Every non-empty document, in order, each inspected before it is constructed. Raises Refused for text that
    cannot be parsed safely at all, and yaml.YAMLError on a syntax error (the documents before it are yielded)."""
    check_text(text)
    plain = is_plain(text)
    loader = ManifestLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            line = node.start_mark.line + 1
            try:
                inspection = inspect(node, plain)
            except Refused as refused:
                yield Document(None, node, line, refused)
                continue
            try:
                data = construct_tree(loader, node) if plain else loader.construct_document(node)
            except _CONSTRUCTION_ERRORS as exc:
                # PyYAML's constructors raise ValueError, KeyError... on a bad `!!int`/`!!bool`/`!!timestamp`, with
                # the value in the text: one document is unreadable, the next ones still load.
                _reset(loader)
                yield Document(None, node, line, _unreadable(exc, node, loader))
                continue
            if data is not None:  # None: an empty document (`---` followed by nothing, or comments only)
                yield Document(data, node, line, None, inspection)
    finally:
        loader.dispose()


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_STANDARD_TAG = "tag:yaml.org,2002:"
# The constructors of collections are generators that PyYAML's construct_document drives: called on a scalar by
# _build they would return a generator object as the value (`a: !!map x`), so such scalars are left to PyYAML.
_COLLECTION_TAGS = frozenset(_STANDARD_TAG + name for name in ("map", "seq", "set", "omap", "pairs"))
# What PyYAML's safe constructors raise on a value they cannot make (int(), float(), a dict lookup for bools, a
# regex match for timestamps, datetime(), the 4300-digit limit of int()).
_CONSTRUCTION_ERRORS = (yaml.YAMLError, ValueError, KeyError, AttributeError, TypeError, OverflowError)


class _Unusual(Exception):
    """A node the plain construction leaves to PyYAML: a merge key, a `=` key, a tag of no constructor, a set."""


_SIMPLE_KEYS = frozenset({_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                          "tag:yaml.org,2002:float"})


def construct_tree(loader: yaml.SafeLoader, root: yaml.Node) -> Any:
    """The data of a document whose nodes form a tree (no alias: the text is plain), as the loader's own
    construct_document() makes it, at a third of its cost: strings, mappings and sequences are built here; every
    other scalar (int, float, bool, null, timestamp, binary, `=`) by the loader's constructor for its tag; anything
    unusual (merge keys, `=` keys, sets, unknown tags) by construct_document itself. tests/test_safeyaml.py holds
    the two to the same result, value and type, on generated documents and on the whole corpus."""
    try:
        return _build(root, loader, loader.yaml_constructors)
    except _Unusual:
        return loader.construct_document(root)
    finally:
        loader.constructed_objects, loader.recursive_objects = {}, {}


def _build(node: yaml.Node, loader: yaml.SafeLoader, constructors: dict[str | None, Any]) -> Any:
    # A module function, not a closure: a closure that calls itself is a reference cycle, one a document, which
    # only the cyclic collector frees (and `gen render` runs without it: gen/cli.py).
    kind, tag = type(node), node.tag
    if kind is yaml.ScalarNode:
        if tag == _STR:
            return node.value
        construct = constructors.get(tag)
        if construct is None or tag in _COLLECTION_TAGS:
            raise _Unusual
        return construct(loader, node)
    if kind is yaml.MappingNode and tag == _MAP:
        data = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag not in _SIMPLE_KEYS:
                raise _Unusual  # merge keys, `=` keys, keys of other types: PyYAML's rules
            data[_build(key_node, loader, constructors)] = _build(value_node, loader, constructors)
        return data
    if kind is yaml.SequenceNode and tag == _SEQ:
        return [_build(item, loader, constructors) for item in node.value]
    raise _Unusual


def plain_data_problem(data: Any, limit: int = MAX_DEPTH) -> str | None:
    """Why plain data (from JSON) must be refused, like a YAML document, or None; iterative."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return TOO_DEEP
        if isinstance(value, str) and _SURROGATE.search(value):
            return "a string holds a lone surrogate (such as \\ud800), which is not text"
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for pair in value.items() for v in pair)
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


def single_document(text: str) -> Any:
    """The data of a one-document text (a figure declaration), checked like a manifest; None when empty.
    Raises Refused or yaml.YAMLError."""
    for document in documents(text):
        if document.refused is not None:
            raise document.refused
        return document.data
    return None


def _reset(loader: yaml.SafeLoader) -> None:
    """Forget a construction that raised half-way, so that the next document starts clean."""
    loader.constructed_objects, loader.recursive_objects = {}, {}
    loader.state_generators, loader.deep_construct = [], False


def _unreadable(exc: Exception, root: yaml.Node, loader: yaml.SafeLoader) -> Unreadable:
    """Where a document failed to construct and why, in our words. PyYAML's own errors carry a mark; the others
    (ValueError of int()...) do not, so the first scalar whose constructor fails is looked for."""
    if isinstance(exc, yaml.YAMLError):
        line, column, message = describe_error(exc)
        return Unreadable(line or root.start_mark.line + 1, message, column)
    node = _failing_scalar(root, loader)
    if node is None:
        return Unreadable(root.start_mark.line + 1, "a value that cannot be read")
    # Only YAML's own tags are named (a closed vocabulary: !!int, !!bool...); any other tag is the user's text.
    what = ("a value that is not a valid !!" + node.tag.removeprefix(_STANDARD_TAG)
            if node.tag.startswith(_STANDARD_TAG) else "a value that cannot be read")
    return Unreadable(node.start_mark.line + 1, what, node.start_mark.column + 1)


def _failing_scalar(root: yaml.Node, loader: yaml.SafeLoader) -> yaml.ScalarNode | None:
    """The first scalar, in text order, that its tag's constructor refuses; each node is tried once (aliases)."""
    seen: set[int] = set()
    scalars: list[yaml.ScalarNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag != _STR and node.tag not in _COLLECTION_TAGS:
                scalars.append(node)
        else:
            stack.extend(_children(node))
    constructors = loader.yaml_constructors
    for node in sorted(scalars, key=lambda scalar: scalar.start_mark.index):
        construct = constructors.get(node.tag)
        if construct is None:
            continue
        try:
            construct(loader, node)
        except _CONSTRUCTION_ERRORS:
            return node
    return None


# PyYAML's constructor problems that quote a tag or a value, said in our words instead (by their start).
_CONSTRUCTOR_PROBLEMS = (
    ("could not determine a constructor", "an unknown tag (only YAML's standard tags, such as !!str, are read)"),
    ("expected a scalar node", "a tag that does not fit its value (a mapping or a list tagged as a scalar)"),
    ("expected a mapping node", "a tag that does not fit its value (a scalar or a list tagged as a mapping)"),
    ("expected a sequence node", "a tag that does not fit its value (a scalar or a mapping tagged as a list)"),
    ("failed to", "a value that is not valid !!binary (base64 text)"),
    ("found unhashable key", "a key that is a mapping or a list"),
    ("expected a mapping or list of mappings for merging", "a merge key (<<) whose value is not a mapping or a "
                                                           "list of mappings"),
    ("expected a mapping for merging", "a merge key (<<) whose value is not a mapping or a list of mappings"),
    ("expected a mapping of length 1", "a value that is not a valid !!omap or !!pairs"),
    ("expected a sequence", "a value that is not a valid !!omap or !!pairs"),
    ("found unconstructable recursive node", "an alias refers to the node that holds it (a cycle)"),
)
# A quoted part of a parser's message ('x', "x"): a value, a tag or an alias of the input, except one punctuation
# character (`did not find expected ',' or ']'`), which is YAML's syntax.
_QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")


def _unquoted(text: str) -> str:
    def keep_syntax(match: re.Match[str]) -> str:
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        return match.group() if len(inner) == 1 and not inner.isalnum() else ""

    return " ".join(_QUOTED.sub(keep_syntax, text).split())


def describe_error(exc: yaml.YAMLError, text: str | None = None) -> tuple[int, int, str]:
    """A YAML error as (line, column, what is wrong): 1-based, 0 when unknown; the message is in our words and
    never quotes a value, a tag or an alias of the input (they may be secrets). `text` (what was parsed) gives the
    line of an error that has only a position (a control character)."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = line_of(text, exc.position) if text is not None else 0
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return line, 0, f"a character YAML does not allow (U+{code:04X}: a control character or a non-character)"
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = str(getattr(exc, "problem", None) or "")
    if isinstance(exc, yaml.constructor.ConstructorError):
        for start, ours in _CONSTRUCTOR_PROBLEMS:
            if problem.startswith(start):
                return line, column, ours
        return line, column, "a value that cannot be read"
    context = str(getattr(exc, "context", None) or "")
    # Never str(exc): the pure-Python parser appends a snippet of the line, value and all.
    message = _unquoted(f"{context}: {problem}" if context and problem else context or problem)
    return line, column, message or "not valid YAML"
