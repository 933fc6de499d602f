"""Records: classes of named fields given `__init__`, `__repr__`, `__eq__`, `__hash__` and ordering, as
`dataclasses` gives them, and `replace()`.

Why not `dataclasses`: it imports `inspect` (and with it `ast`, `dis` and `tokenize`) and compiles five or six
methods per class with `exec`. For gen's fifty-odd record classes that was 34 ms of a 130 ms `gen render`: more
than reading, deriving and drawing a small input together (tests/bench/benchmark.py measures it). Here every class
shares the same few functions, set up from its table of fields: making a class costs microseconds, making an
instance about what a dataclass instance costs. Type checkers see records as dataclasses (`dataclass_transform`).

What is kept of dataclasses' behaviour: fields in annotation order, base records' fields first; defaults and
`field(default_factory=...)`; `field(repr=False, compare=False)`; `ClassVar` annotations are not fields; equality
between instances of the same class only; a frozen record raises FrozenInstanceError on assignment and hashes its
compared fields; a mutable one is unhashable; methods a class writes itself are kept. Not kept: `__post_init__`,
which `__init__` here never calls; a class that defines one (or inherits one) is refused when it is made.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, dataclass_transform, overload

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")
_MISSING: Any = object()


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class Field:
    """What `field()` declares of one field; the class's table of fields holds one per field, named."""

    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(self, default: Any = _MISSING, default_factory: Any = _MISSING, repr: bool = True,
                 compare: bool = True) -> None:
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("a field cannot have both a default and a default_factory")
        self.name = ""
        self.default, self.default_factory, self.repr, self.compare = default, default_factory, repr, compare

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is _MISSING


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | Any = _MISSING, repr: bool = True,
          compare: bool = True) -> Any:
    """A field's default, its default factory, and whether repr and comparisons include it."""
    return Field(default, default_factory, repr, compare)


@overload
def record(cls: type[T], /) -> type[T]: ...
@overload
def record(*, frozen: bool = False, order: bool = False) -> Callable[[type[T]], type[T]]: ...
@dataclass_transform(field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = False,
           order: bool = False) -> type[T] | Callable[[type[T]], type[T]]:
    """Make `cls` a record: `@record`, `@record(frozen=True)`, `@record(frozen=True, order=True)`."""
    def make(cls: type[T]) -> type[T]:
        _make_record(cls, frozen, order)
        return cls

    return make if cls is None else make(cls)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record `obj` with the fields named in `changes` set to their values."""
    fields: tuple[Field, ...] = type(obj).__record_fields__  # type: ignore[attr-defined]
    values = {f.name: getattr(obj, f.name) for f in fields}
    values.update(changes)
    return type(obj)(**values)


def fields_of(cls: type) -> tuple[str, ...]:
    """The names of a record class's fields, in order."""
    return tuple(f.name for f in cls.__record_fields__)  # type: ignore[attr-defined]


def _is_class_var(annotation: object) -> bool:
    if isinstance(annotation, str):  # `from __future__ import annotations`: the annotation as written
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return getattr(annotation, "__origin__", annotation) is ClassVar


def _own_fields(cls: type) -> list[Field]:
    own = []
    # The class's own annotations; inspect.get_annotations would import inspect, the cost this module avoids.
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if _is_class_var(annotation):
            continue
        declared = cls.__dict__.get(name, _MISSING)
        if isinstance(declared, Field):
            spec = declared
            if spec.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, spec.default)  # as dataclasses do: the class attribute is the default
        else:
            spec = Field(default=declared)
        if isinstance(spec.default, (list, dict, set)):
            raise ValueError(f"mutable default {type(spec.default).__name__} for field {name} of {cls.__qualname__} "
                             "is not allowed: use field(default_factory=...)")
        spec.name = name
        own.append(spec)
    return own


def _make_record(cls: type, frozen: bool, order: bool) -> None:
    if hasattr(cls, "__post_init__"):
        # A check written there would silently never run: refuse it where the class is written.
        raise TypeError(f"{cls.__qualname__}: records do not call __post_init__ (gen/records.py); validate in a "
                        "function that makes the record, or use a property")
    inherited: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for spec in base.__dict__.get("__record_fields__", ()):
            inherited[spec.name] = spec
    for spec in _own_fields(cls):
        inherited.pop(spec.name, None)
        inherited[spec.name] = spec
    fields = tuple(inherited.values())
    seen_default = ""
    for spec in fields:
        if not spec.required:
            seen_default = spec.name
        elif seen_default:
            raise TypeError(f"{cls.__qualname__}: field {spec.name} without a default follows {seen_default}, "
                            "which has one")
    cls.__record_fields__ = fields  # type: ignore[attr-defined]
    setattr(cls, "__match_args__", tuple(f.name for f in fields))  # noqa: B010 (mypy refuses the plain assignment)
    methods: dict[str, Any] = {"__init__": _init(cls, fields), "__repr__": _repr(cls, fields)}
    key = _key([f.name for f in fields if f.compare])
    methods["__eq__"] = _equality(key)
    methods["__hash__"] = (lambda self: hash(key(self))) if frozen else None
    if frozen:
        methods["__setattr__"] = _refuse_assignment
        methods["__delattr__"] = _refuse_deletion
    if order:
        methods.update(_ordering(key))
    for name, method in methods.items():
        if name not in cls.__dict__ or (name == "__hash__" and cls.__dict__[name] is None):
            if callable(method):
                method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)


def _init(cls: type, fields: tuple[Field, ...]) -> Callable[..., None]:
    names = tuple(f.name for f in fields)
    count = len(names)
    position = {name: index for index, name in enumerate(names)}
    defaults = {f.name: f.default for f in fields if f.default is not _MISSING}
    factories = tuple((f.name, f.default_factory) for f in fields if f.default_factory is not _MISSING)
    title = cls.__qualname__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        # Written into the instance's __dict__ with dict operations: a frozen record refuses setattr, and this
        # is what keeps a record as quick to make as a dataclass.
        values = self.__dict__
        given = len(args)
        if given == count and not kwargs:
            values.update(zip(names, args, strict=True))
            return
        if given > count:
            raise TypeError(f"{title}() takes {count} positional arguments but {given} were given")
        values.update(defaults)
        values.update(zip(names, args, strict=False))  # the first `given` fields
        if kwargs:
            for name in kwargs:
                if position.get(name, count) >= count:
                    raise TypeError(f"{title}() got an unexpected keyword argument {name!r}")
                if position[name] < given:
                    raise TypeError(f"{title}() got multiple values for argument {name!r}")
            values.update(kwargs)
        for name, factory in factories:
            if name not in values:
                values[name] = factory()
        if len(values) < count:
            missing = next(name for name in names if name not in values)
            raise TypeError(f"{title}() missing required argument: {missing!r}")

    return __init__


def _repr(cls: type, fields: tuple[Field, ...]) -> Callable[[Any], str]:
    shown = tuple(f.name for f in fields if f.repr)

    def __repr__(self: Any) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    return __repr__


def _key(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The compared fields of an instance as a tuple (attrgetter gives a bare value for a single name)."""
    if not names:
        return lambda self: ()
    if len(names) == 1:
        name = names[0]
        return lambda self: (getattr(self, name),)
    return attrgetter(*names)


def _equality(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _ordering(key: Callable[[Any], tuple[Any, ...]]) -> dict[str, Callable[[Any, Any], Any]]:
    def compare(test: Callable[[tuple[Any, ...], tuple[Any, ...]], bool]) -> Callable[[Any, Any], Any]:
        def method(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return test(key(self), key(other))
            return NotImplemented

        return method

    return {"__lt__": compare(lambda a, b: a < b), "__le__": compare(lambda a, b: a <= b),
            "__gt__": compare(lambda a, b: a > b), "__ge__": compare(lambda a, b: a >= b)}


def _refuse_assignment(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
