"""The schema reader of our own YAML formats (gen/schema.py): known and required keys, typed scalars, enumerations,
bounds and lists, every problem collected at its line and column, never a value quoted."""

from __future__ import annotations

import pytest
import yaml

from gen.diagram import SHAPES
from gen.schema import Problem, Reader, aliases, compose_one, from_data


def _node(text: str) -> yaml.Node:
    node = compose_one(text)
    assert node is not None
    return node


def _value(root: yaml.Node, key: str) -> yaml.Node:
    return next(value for name, value in root.value if name.value == key)


def _found(reader: Reader) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, str(p)) for p in reader.problems]


def test_unknown_and_required_keys_are_each_a_problem_at_their_place() -> None:
    reader = Reader()
    found = reader.mapping(_node("id: a\ncolr: blue\nshpe: x\n"), "", ("id", "label", "colour"), ("id", "label"))
    assert found is not None and set(found) == {"id"}
    assert _found(reader) == [
        (2, 1, "the document: unknown key 'colr'; allowed: id, label, colour"),
        (3, 1, "the document: unknown key 'shpe'; allowed: id, label, colour"),
        (1, 1, "the document: `label` is required"),
    ]


def test_a_key_given_twice_is_a_problem_only_where_the_format_says_so() -> None:
    text = "a: 1\na: 2\n"
    lenient = Reader()
    assert lenient.mapping(_node(text), "", ("a",))["a"].value == "2"  # type: ignore[index]  # the last, as YAML
    assert lenient.problems == []
    strict = Reader()
    strict.mapping(_node(text), "", ("a",), duplicates=True)
    assert _found(strict) == [(2, 1, "the document: 'a' given twice")]


def test_a_value_that_is_not_a_mapping_says_what_it_is() -> None:
    reader = Reader("the block")
    assert reader.mapping(_node("- a\n- b\n"), "", ("x",)) is None
    assert _found(reader) == [(1, 1, "the block: must be a mapping (keys: x), not a list")]


@pytest.mark.parametrize(("text", "read", "expected", "message"), [
    ("v: hello", "text", "hello", None),
    ("v: 5", "text", None, "v: must be a string, not a number (quote it)"),
    ("v: yes", "text", None, "v: must be a string, not a boolean (quote it)"),
    ("v: '  '", "nonblank", None, "v: must be a non-empty string"),
    ("v: 7", "integer", 7, None),
    ("v: 0x0A", "integer", 10, None),
    ("v: 1.5", "integer", None, "v: must be a whole number (from 0 to 10)"),
    ("v: 11", "integer", None, "v: must be a whole number (from 0 to 10)"),
    ("v: -1", "integer", None, "v: must be a whole number (from 0 to 10)"),
    ("v: '3'", "integer", None, "v: must be a whole number (from 0 to 10)"),
    ("v: 2.5", "number", 2.5, None),
    ("v: 4", "number", 4.0, None),
    ("v: .nan", "number", None, "v: must be a number (at most 9.5)"),
    ("v: 12", "number", None, "v: must be a number (at most 9.5)"),
    ("v: true", "flag", True, None),
    ("v: off", "flag", False, None),
    ("v: 'true'", "flag", None, "v: must be true or false, not a string"),
    ("v: [1]", "flag", None, "v: must be true or false, not a list"),
    ("v: 2024-01-01", "text", None, "v: must be a string, not a date (quote it)"),
])
def test_typed_scalars_and_their_bounds(text: str, read: str, expected: object, message: str | None) -> None:
    reader = Reader()
    node = _value(_node(text), "v")
    value = {"text": lambda: reader.text(node, "v"),
             "nonblank": lambda: reader.text(node, "v", nonblank=True),
             "integer": lambda: reader.integer(node, "v", least=0, most=10),
             "number": lambda: reader.number(node, "v", most=9.5),
             "flag": lambda: reader.flag(node, "v")}[read]()
    assert value == expected
    assert [str(p) for p in reader.problems] == ([message] if message else [])
    assert all(p.line == 1 and p.column == 4 for p in reader.problems)


def test_a_text_longer_than_its_bound_is_cut_and_said() -> None:
    reader = Reader()
    assert reader.text(_value(_node("v: abcdef"), "v"), "v", most=4) == "abcd"
    assert [str(p) for p in reader.problems] == ["v: is 6 characters long; at most 4"]


def test_an_enumeration_names_the_allowed_words_never_the_value() -> None:
    reader = Reader()
    root = _node("shape: hexagon\nother: kdS3cret-shape\n")
    assert reader.choice(_value(root, "shape"), "shape", SHAPES, "shape") == "hexagon"
    assert reader.choice(_value(root, "other"), "other", SHAPES, "shape") is None
    assert _found(reader) == [(2, 8, f"other: unknown shape; allowed: {', '.join(SHAPES)}")]
    assert "kdS3cret" not in str(reader.problems[0])


def test_lists_are_bounded_and_must_be_lists() -> None:
    reader = Reader()
    root = _node("few: [a, b]\nmany: [1, 2, 3, 4]\nnone: x\n")
    assert [n.value for n in reader.items(_value(root, "few"), "few", most=3) or []] == ["a", "b"]
    assert [n.value for n in reader.items(_value(root, "many"), "many", most=3) or []] == ["1", "2", "3"]
    assert reader.items(_value(root, "none"), "none") is None
    assert _found(reader) == [(2, 7, "many: has 4 entries; at most 3 are read"),
                              (3, 7, "none: must be a list, not a string")]


def test_every_problem_is_collected_not_only_the_first() -> None:
    reader = Reader()
    root = _node("a: 1\nb: [x]\nc: maybe\nd: x\n")
    found = reader.mapping(root, "", ("a", "b", "c")) or {}
    reader.text(found["a"], "a")
    reader.text(found["b"], "b")
    reader.flag(found["c"], "c")
    assert [p.line for p in reader.problems] == [4, 1, 2, 3]
    assert reader.problems_within(root)


def test_data_without_nodes_reads_the_same_without_positions() -> None:
    reader = Reader()
    root = from_data({"id": 5, "extra": [1]})
    found = reader.mapping(root, "", ("id",)) or {}
    reader.text(found["id"], "id")
    assert reader.problems == [Problem("the document", "unknown key 'extra'; allowed: id"),
                               Problem("id", "must be a string, not a number (quote it)")]


def test_aliases_are_found_at_their_key() -> None:
    root = _node("a: &x {k: v}\nb: *x\n")
    assert [(p.line, p.column, str(p)) for p in aliases(root, "the document", "no aliases")] == [
        (2, 1, "b: no aliases")]
