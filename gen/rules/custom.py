"""Custom resources, declaratively: relationships of custom kinds written as data, and the CRDs that define them.

A rule file is YAML, never code:

    apiVersion: kubedocs.dev/v1
    kind: RelationshipRules
    metadata: {name: cert-manager}
    spec:
      rules:
        - group: cert-manager.io
          kind: Certificate
          when: {annotation: KEY, value: VALUE}          # optional: only resources annotated so
          references:
            - {field: spec.secretName, to: {kind: Secret}, relation: creates}        # a name reference
            - {selector: spec.selector, to: {kind: Service}, namespaceSelector: spec.namespaceSelector}
            - {podTemplate: spec.template, replicas: spec.replicas, through: ReplicaSet}  # a workload

Paths are dotted field paths, `[]` for every item of a list. The rules shipped in gen/rules/custom/*.yaml are
always loaded; a project adds its own (`gen render --rules FILE`, the plugin's `rules` option). Loading never
raises: every problem is an ERROR Diagnostic at the rule file's line and column (check `invalid-rules`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..graph import Facts, GraphEdge, GraphNode, NodeState, PodInstance, Relation, app_of
from ..kube import POD_PLACEHOLDERS, CustomPodTemplate, field_values, usable_name
from ..model import (
    BUILTIN_KINDS,
    CLUSTER_SCOPED_KINDS,
    KNOWN_CUSTOM_SCOPES,
    Diagnostic,
    Inventory,
    Ref,
    Severity,
    Source,
    as_list,
    as_mapping,
    string_map,
)
from ..records import record
from ..relations import RELATIONS_BY_NAME
from ..safeyaml import describe_error
from ..selectors import parse_label_selector

API_VERSION = "kubedocs.dev/v1"
KIND = "RelationshipRules"
CHECK = "invalid-rules"
DANGLING = "dangling-custom-reference"

MONITORS, DEFINES = Relation.MONITORS, Relation.DEFINES  # relationships only custom kinds have


@record(frozen=True)
class Target:
    kind: str
    group: str = ""  # "" for built-in kinds


@record(frozen=True)
class NameReference:
    """A field that names one object of a kind (in the resource's namespace unless namespace_field names one)."""

    field: str
    to: Target
    relation: Relation
    label: str = ""
    label_field: str | None = None
    namespace_field: str | None = None
    kind_field: str | None = None  # a field that names the kind instead (cert-manager's issuerRef.kind)
    optional: bool = False  # absent targets are neither drawn nor reported


@record(frozen=True)
class SelectorReference:
    """A label selector over objects of a kind (Pods: every Pod, real or derived). An absent selector selects
    nothing, an empty one everything (as prometheus-operator reads them)."""

    selector: str
    to: Target
    relation: Relation
    namespace_selector: str | None = None  # a label selector over Namespaces; absent: the resource's namespace
    label: str = ""
    label_field: str | None = None
    namespaces: str | None = None  # prometheus-operator's NamespaceSelector: {any: true} or {matchNames: [...]}


Reference = NameReference | SelectorReference


@record(frozen=True)
class CustomRule:
    group: str
    kind: str
    references: tuple[Reference, ...]
    templates: tuple[CustomPodTemplate, ...]
    source: Source
    annotation: str | None = None  # `when`: only resources with this annotation (and value, when given)
    annotation_value: str | None = None

    def applies_to(self, ref: Ref, annotations: Mapping[str, str]) -> bool:
        if ref.kind != self.kind or ref.group != ("" if self.kind in BUILTIN_KINDS else self.group):
            return False
        if self.annotation is None:
            return True
        value = annotations.get(self.annotation)
        return value is not None and (self.annotation_value is None or value == self.annotation_value)


@record(frozen=True)
class RuleBook:
    """Every rule loaded, and every problem met loading them."""

    rules: tuple[CustomRule, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def pod_templates(self) -> tuple[CustomPodTemplate, ...]:
        return tuple(t for rule in self.rules for t in rule.templates
                     if not any(value_path_reason(path) for path in (t.template, *t.replicas)))

    def derive(self, inventory: Inventory, pods: list[PodInstance]) -> Facts:
        """The edges every rule finds, and the problems of the rule files as findings; at most MAX_RULE_LINKS
        edges (a thousand rules over a thousand objects would make a million, and no figure could show them)."""
        facts = Facts(findings=list(self.problems))
        by_kind: dict[str, list[CustomRule]] = {}
        for rule in self.rules:
            by_kind.setdefault(rule.kind, []).append(rule)
        for resource in inventory:
            rules = by_kind.get(resource.ref.kind, ())
            annotations = string_map(resource.metadata.get("annotations")) if rules else {}
            for rule in rules:
                if rule.applies_to(resource.ref, annotations):
                    for reference in rule.references:
                        _follow(reference, resource.ref, resource.body, resource.source, inventory, pods, facts)
                        if len(facts.edges) > MAX_RULE_LINKS:
                            del facts.edges[MAX_RULE_LINKS:]
                            facts.findings.append(Diagnostic(
                                rule.source, Severity.ERROR, f"the relationship rules find more than "
                                f"{MAX_RULE_LINKS:,} links; the rest are left out (narrow the rules)", "rule-bound"))
                            return facts
        return facts


# --- Following references -----------------------------------------------------------------------------------


def _reads_values(reference: Reference) -> bool:
    paths = ((reference.selector, reference.namespace_selector, reference.namespaces)
             if isinstance(reference, SelectorReference) else
             (reference.field, reference.namespace_field, reference.kind_field))
    return any(value_path_reason(path) for path in (*paths, reference.label_field) if path)


def _follow(reference: Reference, ref: Ref, body: Mapping[str, Any], source: Source, inventory: Inventory,
            pods: list[PodInstance], facts: Facts) -> None:
    if _reads_values(reference):
        return  # the loader refuses such a rule; one built otherwise still shows no value (defence in depth)
    label = " ".join(filter(None, [reference.label, ",".join(
        str(v) for v in field_values(body, reference.label_field) if not isinstance(v, Mapping | list))
        if reference.label_field else ""]))
    if isinstance(reference, SelectorReference):
        for target in _selected(reference, ref, body, inventory, pods):
            facts.edges.append(GraphEdge(ref, target, reference.relation, label))
        return
    app = app_of(string_map(as_mapping(body.get("metadata")).get("labels")))
    for name, namespace, kind in _named(reference, body):
        if not usable_name(name):
            continue
        group = "" if kind in BUILTIN_KINDS else reference.to.group
        target = Ref(kind, None if _cluster_scoped(kind, group, inventory) else (namespace or ref.namespace),
                     name.strip(), group)
        if target not in inventory:
            if reference.optional:
                continue
            if reference.relation is Relation.CREATES:
                facts.nodes.append(GraphNode(target, NodeState.DERIVED, source, app))  # made at run time
            else:
                facts.nodes.append(GraphNode(target, NodeState.MISSING, source, app))
                facts.findings.append(Diagnostic(
                    source, Severity.WARNING, f"{ref.kind} {ref.name}: {reference.field} names {kind} "
                    f"{target.name}, which is not in the input", DANGLING))
        facts.edges.append(GraphEdge(ref, target, reference.relation, label))


def _named(reference: NameReference, body: Mapping[str, Any]) -> Iterator[tuple[Any, str | None, str]]:
    """(name, namespace, kind) of each object a name reference names. A namespace or kind field under the same
    list as the name (`alerting.alertmanagers[].namespace`) is read from the same item."""
    items, names_path = _split_at_common_list(reference.field, reference.namespace_field, reference.kind_field)
    for item in items(body):
        namespaces = field_values(item, names_path[1]) if names_path[1] else []
        kinds = field_values(item, names_path[2]) if names_path[2] else []
        namespace = namespaces[0] if namespaces and isinstance(namespaces[0], str) else None
        kind = kinds[0] if kinds and usable_name(kinds[0]) else reference.to.kind
        for name in field_values(item, names_path[0] or reference.field):
            yield name, namespace, kind


def _split_at_common_list(*paths: str | None) -> tuple[Callable[[Any], list[Any]], tuple[str | None, ...]]:
    """The items of the deepest `[]` list every given path passes through, and each path relative to them."""
    given = [p.split(".") for p in paths if p]
    common: list[str] = []
    for steps in zip(*given, strict=False):
        if len(set(steps)) != 1:
            break
        common.append(steps[0])
    while common and not common[-1].endswith("[]"):
        common.pop()
    if not common or all(len(p.split(".")) == len(common) for p in paths if p):
        return (lambda body: [body]), paths
    prefix = ".".join(common)
    rest = tuple(p[len(prefix) + 1:] if p else None for p in paths)
    return (lambda body: [i for i in field_values(body, prefix) if isinstance(i, Mapping)]), rest


def _selected(reference: SelectorReference, ref: Ref, body: Mapping[str, Any], inventory: Inventory,
              pods: list[PodInstance]) -> list[Ref]:
    values = field_values(body, reference.selector)
    if not values or not isinstance(values[0], Mapping):
        return []  # no selector: nothing selected
    selector = parse_label_selector(values[0])
    in_namespace = _namespaces(reference, ref, body, inventory)

    def matches(labels: Mapping[str, str]) -> bool:
        return selector.empty or selector.matches(labels)  # an empty selector selects everything

    if reference.to.kind == "Pod":
        return [pod.ref for pod in pods if in_namespace(pod.ref.namespace) and matches(pod.labels)]
    group = "" if reference.to.kind in BUILTIN_KINDS else reference.to.group
    return [r.ref for r in inventory.of_kind(reference.to.kind)
            if r.ref.group == group and in_namespace(r.namespace) and matches(r.labels)]


def _namespaces(reference: SelectorReference, ref: Ref, body: Mapping[str, Any], inventory: Inventory
                ) -> Callable[[str | None], bool]:
    """Which namespaces a selector looks in: the resource's own, unless
    - `namespaceSelector` (a label selector over Namespaces, as a Prometheus's serviceMonitorNamespaceSelector) is
      set: `{}` is every namespace, labels the input's Namespace objects they match;
    - `namespaces` (prometheus-operator's NamespaceSelector, as a ServiceMonitor's) is set: `{any: true}` is every
      namespace, `{matchNames: [...]}` those; anything else the resource's own."""
    own: Callable[[str | None], bool] = lambda namespace: namespace == ref.namespace  # noqa: E731
    if reference.namespaces is not None:
        values = field_values(body, reference.namespaces)
        chosen = as_mapping(values[0]) if values else {}
        if chosen.get("any") is True:
            return lambda namespace: True
        names = {str(n) for n in as_list(chosen.get("matchNames"))}
        return (lambda namespace: namespace in names) if names else own
    values = field_values(body, reference.namespace_selector) if reference.namespace_selector else []
    if not values or not isinstance(values[0], Mapping):
        return own
    labels = parse_label_selector(values[0])
    if labels.empty:
        return lambda namespace: True
    matched = {n.name for n in inventory.of_kind("Namespace") if labels.matches(n.labels)}
    return lambda namespace: namespace in matched


def _cluster_scoped(kind: str, group: str, inventory: Inventory) -> bool:
    if not group:
        return kind in CLUSTER_SCOPED_KINDS
    for crd in inventory.of_kind("CustomResourceDefinition"):
        if crd.spec.get("group") == group and as_mapping(crd.spec.get("names")).get("kind") == kind:
            return crd.spec.get("scope") == "Cluster"
    return KNOWN_CUSTOM_SCOPES.get((group, kind)) == "Cluster"


def derive_definitions(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Each CustomResourceDefinition (its kind and scope as details) → every custom resource of its kind."""
    facts = Facts()
    for crd in inventory.of_kind("CustomResourceDefinition"):
        group, kind = crd.spec.get("group"), as_mapping(crd.spec.get("names")).get("kind")
        if not usable_name(group) or not usable_name(kind):
            continue
        scope = crd.spec.get("scope")
        details = (f"kind {kind}", *([str(scope)] if usable_name(scope) else []))
        facts.nodes.append(GraphNode(crd.ref, source=crd.source, app=app_of(crd.labels), details=details))
        for resource in inventory.of_kind(kind):
            if resource.ref.group == group:
                facts.edges.append(GraphEdge(crd.ref, resource.ref, DEFINES))
    return facts


# --- Loading rule files ----------------------------------------------------------------------------------------

SHIPPED = "custom"  # gen/rules/custom/*.yaml, package data

_DOCUMENT_KEYS = ("apiVersion", "kind", "metadata", "spec")
_RULE_KEYS = ("group", "kind", "when", "references")
_WHEN_KEYS = ("annotation", "value")
_TARGET_KEYS = ("group", "kind")
_NAME_KEYS = ("field", "to", "relation", "label", "labelField", "namespaceField", "kindField", "optional")
_SELECTOR_KEYS = ("selector", "to", "relation", "namespaceSelector", "namespaces", "label", "labelField")
_TEMPLATE_KEYS = ("podTemplate", "replicas", "name", "through", "groups", "firstIndex", "podName", "labels")
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
MAX_BYTES = 1_000_000  # a rule file is read by people: nothing near this is useful
MAX_RULE_LINKS = 20_000  # links the rules of one figure may find


class _Reader:
    """Reads one rule file's composed YAML, keeping what is valid and an error for everything else."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Diagnostic] = []

    def error(self, node: yaml.Node | Any, message: str) -> None:  # a Node, a Mark or None
        mark = node.start_mark if isinstance(node, yaml.Node) else node
        where = Source(self.path, mark.line + 1, mark.column + 1) if mark is not None else Source(self.path)
        self.problems.append(Diagnostic(where, Severity.ERROR, f"rule file: {message}", CHECK))

    def mapping(self, node: yaml.Node, what: str, keys: Sequence[str], required: Sequence[str] = ()
                ) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping")
            return None
        found: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else None
            if name is None or name not in keys:
                self.error(key, f"{what}: unknown key {name!r} (known: {', '.join(keys)})")
            elif name in found:
                self.error(key, f"{what}: {name!r} given twice")
            else:
                found[name] = value
        for name in required:
            if name not in found:
                self.error(node, f"{what}: {name!r} is required")
        return found if all(name in found for name in required) else None

    def text(self, node: yaml.Node, what: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR and node.value.strip():
            return str(node.value).strip()
        self.error(node, f"{what} must be a non-empty string")
        return None

    def path_text(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not _valid_path(value):
            self.error(node, f"{what}: {value!r} is not a dotted field path (spec.endpoints[].port)")
            return None
        reason = value_path_reason(value) if value is not None else None
        if reason is not None:
            self.error(node, f"{what}: {value!r} reads {reason}, which may be secret: a rule reads names, "
                             "selectors and numbers only (refused)")
            return None
        return value

    def flag(self, node: yaml.Node, what: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return str(node.value).lower() == "true"
        self.error(node, f"{what} must be true or false")
        return False


# Where Kubernetes keeps values that may be secret: a Secret's or ConfigMap's data (and the templates of kinds that
# make Secrets, as an ExternalSecret's target.template.data), env literals, annotation values. A rule reads names,
# selectors and numbers to draw; a path through one of these would draw a value instead, so no rule may read one.
_VALUE_STEPS = {"data": "Secret and ConfigMap data", "stringData": "Secret data", "binaryData": "ConfigMap data",
                "annotations": "annotation values"}


def value_path_reason(path: str) -> str | None:
    """What secret-looking values a field path reads (`stringData.password`: Secret data), or None when it reads
    none of them. Any depth counts: a custom kind can embed a Secret's data or a container's env."""
    steps = [step.removesuffix("[]") for step in path.split(".")]
    for index, step in enumerate(steps):
        if step in _VALUE_STEPS:
            return _VALUE_STEPS[step]
        if step == "env" and steps[index + 1:index + 2] == ["value"]:
            return "env values"
    return None


def _valid_path(path: str) -> bool:
    steps = path.split(".")
    return all(s.removesuffix("[]") and all(c.isalnum() or c in "_-" for c in s.removesuffix("[]")) for s in steps)


# libyaml's parser gives the same events and marks as the pure-Python one, ten times faster: the shipped rules are
# parsed on every `gen render`.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_rules(text: str, path: str) -> tuple[list[CustomRule], list[Diagnostic]]:
    """The valid rules of one rule file and an error for every problem, at its line and column."""
    reader = _Reader(path)
    if len(text) > MAX_BYTES:
        reader.error(None, f"larger than {MAX_BYTES} bytes")
        return [], reader.problems
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                reader.error(event.start_mark, "anchors and aliases are not allowed: rules are plain data")
                return [], reader.problems
        documents = [d for d in yaml.compose_all(text, Loader=_LOADER) if d is not None]
    except yaml.YAMLError as exc:
        reader.error(getattr(exc, "problem_mark", None), f"not valid YAML: {describe_error(exc, text)[2]}")
        return [], reader.problems
    if not documents:
        reader.error(None, "no rules in the file")
    rules: list[CustomRule] = []
    for document in documents:
        rules.extend(_document(reader, document))
    return rules, reader.problems


def _is_rule_document(reader: _Reader, node: yaml.Node) -> bool:
    """Whether a document says it is a rule file (apiVersion and kind), told without quoting any of its text: a
    path given as a rule file may name any file (a key file, /etc/shadow), whose text must reach no page."""
    header = {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)
              and key.value in ("apiVersion", "kind")} if isinstance(node, yaml.MappingNode) else {}
    api_version, kind = header.get("apiVersion"), header.get("kind")

    def says(value: yaml.Node | None, expected: str) -> bool:
        return isinstance(value, yaml.ScalarNode) and value.tag == _STR and value.value == expected

    if says(api_version, API_VERSION) and says(kind, KIND):
        return True
    if says(api_version, API_VERSION) and kind is not None:
        reader.error(kind, f"kind must be {KIND}")  # a kubedocs document of another kind: safe to say where
    else:
        reader.error(node, f"not a rule file: a rule file is YAML with apiVersion {API_VERSION} and kind {KIND} "
                           "(nothing of this file is shown)")
    return False


def _document(reader: _Reader, node: yaml.Node) -> Iterator[CustomRule]:
    if not _is_rule_document(reader, node):
        return
    document = reader.mapping(node, "the document", _DOCUMENT_KEYS, ("apiVersion", "kind", "spec"))
    if document is None:
        return
    if "metadata" in document:
        reader.mapping(document["metadata"], "metadata", ("name",))
    spec = reader.mapping(document["spec"], "spec", ("rules",), ("rules",))
    if spec is None:
        return
    if not isinstance(spec["rules"], yaml.SequenceNode):
        reader.error(spec["rules"], "spec.rules must be a list")
        return
    for index, item in enumerate(spec["rules"].value):
        rule = _rule(reader, item, f"spec.rules[{index}]")
        if rule is not None:
            yield rule


def _rule(reader: _Reader, node: yaml.Node, what: str) -> CustomRule | None:
    rule = reader.mapping(node, what, _RULE_KEYS, ("kind", "references"))
    if rule is None:
        return None
    kind = reader.text(rule["kind"], f"{what}.kind")
    group = reader.text(rule["group"], f"{what}.group") if "group" in rule else ""
    if kind is not None and not group and kind not in BUILTIN_KINDS:
        reader.error(node, f"{what}: {kind} is not a built-in kind, so its API group is required")
        return None
    annotation = value = None
    if "when" in rule:
        when = reader.mapping(rule["when"], f"{what}.when", _WHEN_KEYS, ("annotation",))
        if when is not None:
            annotation = reader.text(when["annotation"], f"{what}.when.annotation")
            if "value" in when:
                value = reader.text(when["value"], f"{what}.when.value (quote it: \"true\")")
    if not isinstance(rule["references"], yaml.SequenceNode):
        reader.error(rule["references"], f"{what}.references must be a list")
        return None
    references: list[Reference] = []
    templates: list[CustomPodTemplate] = []
    for index, item in enumerate(rule["references"].value):
        found = _reference(reader, item, f"{what}.references[{index}]", group or "", kind or "")
        if isinstance(found, CustomPodTemplate):
            templates.append(found)
        elif found is not None:
            references.append(found)
    if kind is None or group is None or _has_problem_in(reader, node):
        return None
    mark = node.start_mark
    return CustomRule(group, kind, tuple(references), tuple(templates),
                      Source(reader.path, mark.line + 1, mark.column + 1), annotation, value)


def _has_problem_in(reader: _Reader, node: yaml.Node) -> bool:
    """Whether a problem was found inside this node: a rule with any problem is dropped whole."""
    start, end = node.start_mark, node.end_mark
    return any(d.source.path == reader.path and (start.line + 1, start.column + 1) <= (d.source.line, d.source.column)
               <= (end.line + 1, end.column + 1) for d in reader.problems)


def _reference(reader: _Reader, node: yaml.Node, what: str, group: str, kind: str
               ) -> Reference | CustomPodTemplate | None:
    keys = {key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)} \
        if isinstance(node, yaml.MappingNode) else set()
    if "podTemplate" in keys:
        return _template(reader, node, what, group, kind)
    if "selector" in keys:
        found = reader.mapping(node, what, _SELECTOR_KEYS, ("selector", "to"))
    elif "field" in keys:
        found = reader.mapping(node, what, _NAME_KEYS, ("field", "to"))
    else:
        reader.error(node, f"{what} must be a mapping with one of field, selector or podTemplate")
        return None
    if found is None:
        return None
    to = _target(reader, found["to"], f"{what}.to")
    default = "selects" if "selector" in found else "uses"
    relation = RELATIONS_BY_NAME.get(default)
    if "relation" in found:
        name = reader.text(found["relation"], f"{what}.relation")
        relation = RELATIONS_BY_NAME.get(name or "")
        if name is not None and relation is None:
            reader.error(found["relation"], f"{what}.relation: unknown relation {name!r} "
                                            f"(known: {', '.join(sorted(RELATIONS_BY_NAME))})")
    label = reader.text(found["label"], f"{what}.label") if "label" in found else ""
    paths = {key: reader.path_text(found[key], f"{what}.{key}") if key in found else None
             for key in ("field", "selector", "labelField", "namespaceField", "kindField", "namespaceSelector",
                         "namespaces")}
    if to is None or relation is None or label is None:
        return None
    if "selector" in found:
        selector = paths["selector"]
        if selector is None:
            return None
        return SelectorReference(selector, to, relation, paths["namespaceSelector"], label, paths["labelField"],
                                 paths["namespaces"])
    name_field = paths["field"]
    if name_field is None:
        return None
    optional = reader.flag(found["optional"], f"{what}.optional") if "optional" in found else False
    return NameReference(name_field, to, relation, label, paths["labelField"], paths["namespaceField"],
                         paths["kindField"], optional)


def _target(reader: _Reader, node: yaml.Node, what: str) -> Target | None:
    target = reader.mapping(node, what, _TARGET_KEYS, ("kind",))
    if target is None:
        return None
    kind = reader.text(target["kind"], f"{what}.kind")
    group = reader.text(target["group"], f"{what}.group") if "group" in target else ""
    if kind is None or group is None:
        return None
    if not group and kind not in BUILTIN_KINDS and kind != "Pod":
        reader.error(node, f"{what}: {kind} is not a built-in kind, so its API group is required")
        return None
    return Target(kind, "" if kind in BUILTIN_KINDS else group)


def _template(reader: _Reader, node: yaml.Node, what: str, group: str, kind: str) -> CustomPodTemplate | None:
    found = reader.mapping(node, what, _TEMPLATE_KEYS, ("podTemplate",))
    if found is None:
        return None
    # One path, or a list of paths of which the first present one is used (a LeaderWorkerSet's leader runs its
    # leaderTemplate, else the workerTemplate).
    value = found["podTemplate"]
    paths = [reader.path_text(item, f"{what}.podTemplate")
             for item in (value.value if isinstance(value, yaml.SequenceNode) else [value])]
    if not paths:
        reader.error(value, f"{what}.podTemplate must name at least one path")
    replicas: list[str | None] = []
    if "replicas" in found:
        value = found["replicas"]
        items = value.value if isinstance(value, yaml.SequenceNode) else [value]
        replicas = [reader.path_text(item, f"{what}.replicas") for item in items]
    name = reader.text(found["name"], f"{what}.name") if "name" in found else ""
    through = reader.text(found["through"], f"{what}.through") if "through" in found else None
    if through is not None and through not in BUILTIN_KINDS:
        reader.error(found["through"], f"{what}.through must be a built-in kind (ReplicaSet), not {through!r}")
        return None
    groups = reader.path_text(found["groups"], f"{what}.groups") if "groups" in found else None
    first_index = _first_index(reader, found["firstIndex"], f"{what}.firstIndex") if "firstIndex" in found else 0
    pod_name = _pattern(reader, found["podName"], f"{what}.podName") if "podName" in found else ""
    labels = _labels(reader, found["labels"], f"{what}.labels") if "labels" in found else ()
    if (None in paths or not paths or name is None or None in replicas or ("groups" in found and groups is None)
            or first_index is None or pod_name is None or labels is None):
        return None
    return CustomPodTemplate(group, kind, str(paths[0]), tuple(r for r in replicas if r), name, through,
                             tuple(str(p) for p in paths[1:]), groups, first_index, pod_name, labels)


def _first_index(reader: _Reader, node: yaml.Node, what: str) -> int | None:
    if isinstance(node, yaml.ScalarNode) and node.tag == _INT and node.value.isdigit():
        return int(node.value)
    reader.error(node, f"{what} must be a whole number (0 or more)")
    return None


def _pattern(reader: _Reader, node: yaml.Node, what: str) -> str | None:
    """A name or label value with placeholders: {name}, {group} and {index}, nothing else."""
    value = reader.text(node, what)
    if value is None:
        return None
    unknown = [p for p in _PLACEHOLDER.findall(value) if p not in POD_PLACEHOLDERS]
    if unknown:
        reader.error(node, f"{what}: unknown placeholder {unknown[0]} (known: {', '.join(POD_PLACEHOLDERS)})")
        return None
    return value


def _labels(reader: _Reader, node: yaml.Node, what: str) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, f"{what} must be a mapping of label to value")
        return None
    labels: dict[str, str] = {}
    for key, value in node.value:
        label = reader.text(key, f"{what}: a label")
        pattern = _pattern(reader, value, f"{what}.{label}")
        if label is None or pattern is None:
            return None
        if label in labels:
            reader.error(key, f"{what}: {label!r} given twice")
            return None
        labels[label] = pattern
    return tuple(sorted(labels.items()))


def read_rule_files(paths: Iterable[str], kinds: Collection[str] | None = None, roots: Sequence[Path] | None = None,
                    relative_to: Path | None = None) -> RuleBook:
    """The shipped rules and those of the given files (a project's own), in that order; given the kinds of the
    input, only the shipped files that name one of them (see shipped_rules). With `roots` (a site's), a rule file
    must lie inside one of them, every symbolic link resolved, as a site's manifests must; messages name each file
    relative to `relative_to` (never an absolute path of the build machine)."""
    from ..paths import inside_roots, relative_path

    shipped = shipped_rules(None if kinds is None else frozenset(kinds))
    rules: list[CustomRule] = list(shipped.rules)
    problems: list[Diagnostic] = list(shipped.problems)
    files: list[str] = []
    for path in paths:
        files.append(path)
        name = relative_path(path, relative_to)
        if roots is not None and not inside_roots(Path(path), roots):
            problems.append(Diagnostic(Source(name), Severity.ERROR, "rule file: refused: it lies outside the "
                                       "project (or is a symbolic link that leads outside it)", CHECK))
            continue
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except OSError as exc:
            problems.append(Diagnostic(Source(name), Severity.ERROR,
                                       f"rule file: cannot read it: {(exc.strerror or 'error').lower()}", CHECK))
            continue
        except UnicodeDecodeError:
            problems.append(Diagnostic(Source(name), Severity.ERROR, "rule file: not UTF-8 text", CHECK))
            continue
        found, trouble = parse_rules(text, name)
        rules.extend(found)
        problems.extend(trouble)
    return RuleBook(tuple(rules), tuple(problems), tuple(files))


# A rule's own kind, in block style at the start of a line (`- kind: X` or `  kind: X`); a target's in flow style
# (`to: {kind: Secret}`) is left out. A test holds every shipped rule's kind to this.
_KIND_NAMED = re.compile(r"""^[ \t]*(?:-[ \t]+)?kind:[ \t]*["']?([A-Za-z0-9]+)""", re.MULTILINE)


@functools.cache
def _shipped_files() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """Each shipped rule file: its name, its text and the kinds it names at the start of a line."""
    folder = Path(__file__).parent / SHIPPED  # package data beside this module (importlib.resources costs 3 ms)
    files = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            files.append((entry.name, text, frozenset(_KIND_NAMED.findall(text))))
    return tuple(files)


@functools.cache
def _parsed_file(name: str) -> tuple[tuple[CustomRule, ...], tuple[Diagnostic, ...]]:
    text = next(text for file, text, _kinds in _shipped_files() if file == name)
    found, trouble = parse_rules(text, f"gen/rules/{SHIPPED}/{name}")
    return tuple(found), tuple(trouble)


@functools.cache
def shipped_rules(kinds: frozenset[str] | None = None) -> RuleBook:
    """The rules shipped with gen (gen/rules/custom/*.yaml): prometheus-operator, cert-manager, Argo Rollouts,
    LeaderWorkerSet. Given the kinds of an input, only the files that name one of them: a rule applies to the
    resources of its own kind, so a file that names none of the input's kinds has nothing to add, and is not
    parsed (2.5 ms of a small `gen render`); each file is parsed once a process."""
    rules: list[CustomRule] = []
    problems: list[Diagnostic] = []
    for name, _text, named in _shipped_files():
        if kinds is None or named & kinds:
            found, trouble = _parsed_file(name)
            rules.extend(found)
            problems.extend(trouble)
    return RuleBook(tuple(rules), tuple(problems))


def derive_custom_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """The shipped rules' relationships (derive() puts a project's rule book in this rule's place)."""
    return shipped_rules(inventory.kinds()).derive(inventory, pods)

