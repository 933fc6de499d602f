"""Custom resources, declaratively: what the rules of a rule file (read by gen/rules/custom/reader.py) find in an
input — name references, label selectors, Pod templates — and the CRDs that define custom kinds.

A rule reads names, selectors and numbers, never a value that may be secret (value_path_reason).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ...graph import Facts, GraphEdge, GraphNode, NodeState, PodInstance, Relation, app_of
from ...kube import (
    CustomPodTemplate,
    FieldPathError,
    FieldStep,
    field_path_text,
    field_values,
    parse_field_path,
    usable_name,
)
from ...model import (
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
from ...records import record
from ...selectors import parse_label_selector, parse_map_selector

API_VERSION = "kubedocs.dev/v1"
KIND = "RelationshipRules"
CHECK = "invalid-rules"
DANGLING = "dangling-custom-reference"

MONITORS, DEFINES = Relation.MONITORS, Relation.DEFINES  # relationships only custom kinds have
MAX_RULE_LINKS = 20_000  # links the rules of one figure may find


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
    name_form: str = "name"  # how the field writes a name (NAME_FORMS)
    ignore: tuple[str, ...] = ()  # values that name nothing (Istio's `mesh`, which is every sidecar, no Gateway)


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
    selector_form: str = "labelSelector"  # SELECTOR_FORMS
    any_namespace: bool = False  # the selector looks in every namespace (an Istio Gateway's, by default)


Reference = NameReference | SelectorReference

# How a name field writes the name of what it points at:
# - name: the name itself (in the resource's namespace unless namespaceField names another);
# - host: a Service's host name as a mesh resolves it: `NAME` in the resource's namespace (Istio reads a short
#   name in the namespace of the rule, not of the Service) or `NAME.NAMESPACE.svc.cluster.local`; any other host (an
#   external name, a wildcard, `NAME.NAMESPACE`) names nothing in the cluster, so is neither drawn nor reported;
# - namespace/name: `NAMESPACE/NAME`, or `NAME` in the resource's namespace (an Istio VirtualService's gateways).
NAME_FORMS = ("name", "host", "namespace/name")
# How a selector is written: a LabelSelector (matchLabels / matchExpressions; `{}` selects everything), or a plain
# label map as a Service's `spec.selector` (an Istio Gateway's `selector`; `{}` selects nothing).
SELECTOR_FORMS = ("labelSelector", "map")
_CLUSTER_DOMAIN = "svc.cluster.local"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def named_in_form(value: str, form: str) -> tuple[str, str | None] | None:
    """(name, namespace or None for the resource's own) that a value written in a NAME_FORMS form names, or None
    when it names nothing in the cluster."""
    value = value.strip()
    if form == "host":
        parts = value.split(".")
        if len(parts) == 1 and _DNS_LABEL.match(value):
            return value, None
        if len(parts) == 5 and ".".join(parts[2:]) == _CLUSTER_DOMAIN and all(_DNS_LABEL.match(p) for p in parts[:2]):
            return parts[0], parts[1]
        return None
    if form == "namespace/name":
        namespace, slash, name = value.rpartition("/")
        if not slash:
            return value, None
        return (name, namespace) if name and namespace and "/" not in namespace else None
    return value, None


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
             if isinstance(reference, SelectorReference) else (reference.namespace_field, reference.kind_field))
    if isinstance(reference, NameReference) and value_path_reason(reference.field, names_one=True):
        return True
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
            if not usable_name(name) or name.strip() in reference.ignore:
                continue
            found = named_in_form(name, reference.name_form)
            if found is not None:
                yield found[0], found[1] or namespace, kind


def _split_at_common_list(*paths: str | None) -> tuple[Callable[[Any], list[Any]], tuple[str | None, ...]]:
    """The items of the deepest `[]` list every given path passes through, and each path relative to them."""
    given = [parse_field_path(p) for p in paths if p]
    common: list[FieldStep] = []
    for steps in zip(*given, strict=False):
        if len(set(steps)) != 1:
            break
        common.append(steps[0])
    while common and not common[-1].each:
        common.pop()
    if not common or all(len(steps) == len(common) for steps in given):
        return (lambda body: [body]), paths
    prefix = field_path_text(common)
    rest = tuple(field_path_text(parse_field_path(p)[len(common):]) if p else None for p in paths)
    return (lambda body: [i for i in field_values(body, prefix) if isinstance(i, Mapping)]), rest


def _selected(reference: SelectorReference, ref: Ref, body: Mapping[str, Any], inventory: Inventory,
              pods: list[PodInstance]) -> list[Ref]:
    values = field_values(body, reference.selector)
    if not values or not isinstance(values[0], Mapping):
        return []  # no selector: nothing selected
    if reference.selector_form == "map":
        selector = parse_map_selector(values[0])
        if selector.empty:
            return []  # an empty label map selects nothing (as a Service's)
    else:
        selector = parse_label_selector(values[0])
    in_namespace = (lambda namespace: True) if reference.any_namespace else _namespaces(reference, ref, body,
                                                                                         inventory)

    def matches(labels: Mapping[str, str]) -> bool:
        return selector.empty or selector.matches(labels)  # an empty LabelSelector selects everything

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


# Where Kubernetes keeps values that may be secret: a Secret's or ConfigMap's data (and the templates of kinds that
# make Secrets, as an ExternalSecret's target.template.data), env literals, annotation values. A rule reads names,
# selectors and numbers to draw; a path through one of these would draw a value instead, so no rule may read one.
_VALUE_STEPS = {"data": "Secret and ConfigMap data", "stringData": "Secret data", "binaryData": "ConfigMap data",
                "annotations": "annotation values"}
# A name reference's field may end in one named annotation (dapr wires applications through `dapr.io/app-id`): its
# author says the annotation holds a name, drawn as the name of what it points at, as any name field's. Never this
# one, which holds the whole object as last applied, a Secret's data included; never as a label, namespace or kind.
_WHOLE_OBJECT_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"


def value_path_reason(path: str, names_one: bool = False) -> str | None:
    """What secret-looking values a field path reads (`stringData.password`: Secret data), or None when it reads
    none of them. Any depth counts: a custom kind can embed a Secret's data or a container's env. `names_one`: the
    path is a name reference's field, which may end in one named annotation
    (`metadata.annotations["dapr.io/app-id"]`)."""
    try:
        steps = parse_field_path(path)
    except FieldPathError:
        return "a path that cannot be read"
    keys = [step.key for step in steps]
    for index, step in enumerate(steps):
        if names_one and step.key == "annotations" and not step.each and index == len(steps) - 2 \
                and not steps[-1].each and steps[-1].key != _WHOLE_OBJECT_ANNOTATION:
            return None  # one named annotation, read as a name
        if step.key in _VALUE_STEPS:
            return _VALUE_STEPS[step.key]
        if step.key == "env" and keys[index + 1:index + 2] == ["value"]:
            return "env values"
    return None
