"""Records (gen/records.py): what gen's classes rely on of dataclasses' behaviour, and that no module of the
rendering path imports `dataclasses` (or `inspect`) again, which cost a third of a small `gen render`."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from gen.records import FrozenInstanceError, field, fields_of, record, replace

ROOT = Path(__file__).resolve().parents[1]


@record(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    note: str = field(default="", repr=False, compare=False)
    ORIGIN: ClassVar[Point]


Point.ORIGIN = Point(0, 0)


@record
class Bag:
    name: str
    items: list[str] = field(default_factory=list)


@record(frozen=True)
class Labelled(Point):
    label: str = "?"


@record(frozen=True)
class Shown:
    value: int

    def __repr__(self) -> str:
        return f"<{self.value}>"


def test_fields_positional_keyword_and_defaults() -> None:
    assert fields_of(Point) == ("x", "y", "note")
    assert (Point(1).x, Point(1).y, Point(1, 2).y, Point(y=3, x=1).y) == (1, 0, 2, 3)
    assert Point(1, 2, "n").note == "n" and Point(1, note="m").note == "m"
    assert Point.__match_args__ == ("x", "y", "note")  # type: ignore[misc]
    match Point(4, 5):
        case Point(x, y):
            assert (x, y) == (4, 5)


def test_a_default_factory_gives_every_instance_its_own_value() -> None:
    first, second = Bag("a"), Bag("b")
    first.items.append("x")
    assert second.items == [] and Bag("c", ["y"]).items == ["y"]


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Point(), "missing required argument: 'x'"),
    (lambda: Point(1, 2, "n", 4), "takes 3 positional arguments but 4 were given"),
    (lambda: Point(1, z=2), "unexpected keyword argument 'z'"),
    (lambda: Point(1, x=2), "multiple values for argument 'x'"),
])
def test_wrong_arguments_are_refused_as_a_function_would(make: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        make()  # type: ignore[operator]


def test_repr_leaves_out_fields_marked_so_and_keeps_a_written_one() -> None:
    assert repr(Point(1, 2, "secret")) == "Point(x=1, y=2)"
    assert repr(Bag("a")) == "Bag(name='a', items=[])"
    assert repr(Shown(3)) == "<3>"


def test_equality_and_hash_follow_the_compared_fields_of_one_class() -> None:
    assert Point(1, 2, "a") == Point(1, 2, "b") and hash(Point(1, 2, "a")) == hash(Point(1, 2, "b"))
    assert Point(1, 2) != Point(2, 1) and Point(1, 2) != (1, 2)
    assert Labelled(1, 2) != Point(1, 2)  # another class, as with dataclasses
    assert {Point(1), Point(1, note="x")} == {Point(1)}
    assert Bag("a") == Bag("a")
    with pytest.raises(TypeError, match="unhashable"):
        hash(Bag("a"))  # mutable: no hash, as with dataclasses


def test_order_compares_fields_in_order() -> None:
    assert sorted([Point(2, 0), Point(1, 5), Point(1, 2)]) == [Point(1, 2), Point(1, 5), Point(2, 0)]
    assert Point(1) < Point(2) <= Point(2) and Point(3) > Point(2) >= Point(2)
    with pytest.raises(TypeError):
        assert Point(1) < Labelled(2)


def test_a_frozen_record_refuses_assignment_and_a_mutable_one_takes_it() -> None:
    point = Point(1)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del point.x  # type: ignore[misc]
    bag = Bag("a")
    bag.name = "b"
    assert bag.name == "b"


def test_inheritance_puts_base_fields_first() -> None:
    labelled = Labelled(1, 2, "n", "L")
    assert fields_of(Labelled) == ("x", "y", "note", "label") and labelled.label == "L"
    assert Point(0, 0) == Point.ORIGIN and "ORIGIN" not in fields_of(Point)


def test_replace_copies_with_changes() -> None:
    point = Point(1, 2, "n")
    assert replace(point, y=5) == Point(1, 5) and replace(point, y=5).note == "n" and point.y == 2
    assert replace(Labelled(1), label="L").label == "L"
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        replace(point, z=1)


def test_records_pickle_and_unpickle() -> None:
    for value in (Point(1, 2, "n"), Bag("a", ["b"]), Labelled(1, label="L")):
        again = pickle.loads(pickle.dumps(value))
        assert again == value and type(again) is type(value)


def test_declarations_dataclasses_refuse_are_refused() -> None:
    with pytest.raises(ValueError, match="mutable default list"):
        @record
        class Shared:
            items: list[str] = []  # noqa: RUF012 (the point of the test)
    with pytest.raises(TypeError, match="field b without a default follows a"):
        @record
        class Misordered:
            a: int = 0
            b: int  # type: ignore[misc]


def test_a_post_init_is_refused_when_the_class_is_made_since_it_would_never_run() -> None:
    with pytest.raises(TypeError, match=r"Checked: records do not call __post_init__"):
        @record(frozen=True)
        class Checked:
            size: int

            def __post_init__(self) -> None:
                raise AssertionError("never called")

    class Validating:  # not a record: its __post_init__ would be inherited, and just as silently skipped
        def __post_init__(self) -> None:
            raise AssertionError("never called")

    with pytest.raises(TypeError, match=r"Inheriting: records do not call __post_init__"):
        @record
        class Inheriting(Validating):
            size: int


def test_the_render_path_imports_neither_dataclasses_nor_what_it_does_not_use() -> None:
    """dataclasses and inspect (what records replace), shutil (argparse's formatter looks for the terminal's width
    through it; gen/cli.py gives the width), json (only for the cache and JSON manifests)."""
    probe = ("import sys, gen.cli, gen.pipeline, gen.render\n"
             "gen.cli.build_parser().parse_args(['render', 'x.yaml', '-o', 'x.svg'])\n"
             "print(sorted({'dataclasses', 'inspect', 'shutil', 'json'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
