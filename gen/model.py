"""The resource model: what was loaded, where it came from, and what went wrong.

Everything here is plain data. Loading fills it, rules read it, views select from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from .kinds import KINDS, kinds_where
from .records import field, record

if TYPE_CHECKING:
    import yaml

# The kind lists loading needs, derived from the one table of kinds (gen/kinds.py).
# Kinds that never live in a namespace. Custom resources are decided by their CRD when the input holds it.
CLUSTER_SCOPED_KINDS = frozenset(kinds_where(scope="Cluster"))
# Built-in kinds, named by kind alone: their references (a Pod's Secret, an HPA's Deployment) carry no group.
BUILTIN_KINDS = frozenset(kinds_where(builtin=True))
# Scopes of widely used custom kinds, for inputs that hold their resources but not their CRDs.
KNOWN_CUSTOM_SCOPES: dict[tuple[str, str], str] = {
    **{(facts.group, facts.kind): facts.scope for facts in KINDS if not facts.builtin},
    ("kubedocs.dev", "Diagram"): "Cluster",  # our declarative diagrams: drawings, in no namespace
}


class Ref(NamedTuple):
    """Identity of a resource: kind, namespace (None when cluster-scoped or unknown), name, and the API group of a
    kind that is not built in (two custom kinds may share a name: Istio's and Gateway API's Gateway).

    `made_by` is part of the identity of what the cluster would derive (a ReplicaSet, Job or Pod, a derived Pod's
    own volume): the kind of the workload whose template makes it (`Deployment`, `argoproj.io/Rollout`), '' for
    what the input holds. A Deployment's and a StatefulSet's derived Pod `web-1` are two Pods; both are still named
    `web-1` in a figure, and `made_by` is never part of `id`."""

    kind: str
    namespace: str | None
    name: str
    group: str = ""
    made_by: str = ""

    @property
    def id(self) -> str:
        """`Kind/namespace/name`, or `Kind/name` when cluster-scoped: the Graphviz node name."""
        if self.namespace is None:
            return f"{self.kind}/{self.name}"
        return f"{self.kind}/{self.namespace}/{self.name}"

    @property
    def qualified_kind(self) -> str:
        """`Kind`, or `group/Kind` for a kind that is not built in: what a derived object's `made_by` says."""
        return f"{self.group}/{self.kind}" if self.group else self.kind

    @property
    def qualified_id(self) -> str:
        """`group/Kind/namespace/name`: the node name when two kinds of one name meet in a figure."""
        return f"{self.group}/{self.id}" if self.group else self.id

    def __str__(self) -> str:
        return self.id


@record(frozen=True, order=True)
class Source:
    """Where something was read: a file (or `<stdin>`) and a 1-based line and column."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


class Severity(StrEnum):
    ERROR = "error"  # the input could not be read or parsed
    WARNING = "warning"  # a finding: a dangling reference and the like
    NOTE = "note"  # informational: a skipped non-Kubernetes file

    def __str__(self) -> str:
        return self.value


@record(frozen=True, order=True)
class Diagnostic:
    """One message about the input, always naming its file and line."""

    source: Source
    severity: Severity
    message: str
    check: str = ""  # kube-linter style check name for findings, e.g. `dangling-service`

    def __str__(self) -> str:
        check = f" [{self.check}]" if self.check else ""
        return f"{self.source}: {self.severity}: {self.message}{check}"


@record(frozen=True)
class Resource:
    """One Kubernetes object as loaded. `body` is the parsed document; never drawn as a whole."""

    ref: Ref
    api_version: str
    body: Mapping[str, Any] = field(repr=False, compare=False)
    source: Source
    scope_known: bool = True  # False: a custom kind whose CRD is not in the input and whose scope is not known
    # The document's composed YAML, kept only where messages must name lines inside it (kubedocs.dev diagrams).
    node: yaml.Node | None = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        return self.ref.kind

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def namespace(self) -> str | None:
        return self.ref.namespace

    @property
    def metadata(self) -> Mapping[str, Any]:
        return as_mapping(self.body.get("metadata"))

    @property
    def labels(self) -> Mapping[str, str]:
        return string_map(self.metadata.get("labels"))

    @property
    def spec(self) -> Mapping[str, Any]:
        return as_mapping(self.body.get("spec"))


# kubedocs' own documents (kind Diagram, gen/declarative.py) live in this API group: they are drawn, never a
# cluster object. The test is here, not in gen/declarative.py, so that deriving needs no diagram parser.
DECLARED_API_GROUP = "kubedocs.dev"


def is_declared(resource: Resource) -> bool:
    """A document of kubedocs' own format (any kind or version in its API group)."""
    return resource.api_version.split("/")[0] == DECLARED_API_GROUP


class Inventory:
    """The loaded resources, indexed by identity and by kind. Read-only once built."""

    def __init__(self, resources: list[Resource]) -> None:
        self._by_ref: dict[Ref, Resource] = {}
        self._by_kind: dict[str, list[Resource]] = {}
        for resource in resources:
            if resource.ref in self._by_ref:
                continue  # the loader already reported the duplicate
            self._by_ref[resource.ref] = resource
            self._by_kind.setdefault(resource.kind, []).append(resource)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._by_ref.values())

    def __len__(self) -> int:
        return len(self._by_ref)

    def __contains__(self, ref: object) -> bool:
        return ref in self._by_ref

    def get(self, ref: Ref) -> Resource | None:
        return self._by_ref.get(ref)

    def kinds(self) -> frozenset[str]:
        """The kinds the inventory holds."""
        return frozenset(self._by_kind)

    def namespaces_holding(self, ref: Ref) -> list[str]:
        """The other namespaces that hold an object of this kind and name (sorted): a reference that misses only
        because its target sits in another namespace (Helm output that sets a namespace on some templates)."""
        return sorted({r.namespace for r in self._by_kind.get(ref.kind, ())
                       if r.name == ref.name and r.namespace is not None and r.namespace != ref.namespace})

    def of_kind(self, *kinds: str) -> list[Resource]:
        found: list[Resource] = []
        for kind in kinds:
            found.extend(self._by_kind.get(kind, ()))
        return found


def as_mapping(value: object) -> Mapping[str, Any]:
    """The value if it is a mapping, else an empty one: manifests are often partial."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def string_map(value: object) -> dict[str, str]:
    """A labels/selector mapping with keys and values as strings (YAML may give ints or bools)."""
    return {str(k): _label_value(v) for k, v in as_mapping(value).items()}


def _label_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def printable(text: str, backticks: bool = False) -> str:
    """`text` on one line of a terminal or a Markdown code block: newlines, ESC and every other character that is
    not printable (control, format such as bidirectional overrides, line separators) as `\\n`, `\\xNN`, `\\uNNNN`,
    and with `backticks` each backtick as `` \\` `` (so that no line can open or close a fence). Names come from
    the input: a name holding a newline and ``` would otherwise forge lines of a pull-request summary."""
    if text.isprintable() and not (backticks and "`" in text):  # the common case: one C-speed pass
        return text
    out: list[str] = []
    for character in text:
        if character == "`" and backticks:
            out.append("\\`")
        elif character.isprintable():
            out.append(character)
        else:
            out.append(repr(character)[1:-1])  # Python escapes exactly the characters that are not printable
    return "".join(out)
