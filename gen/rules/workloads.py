"""The workload chain: Deployment → ReplicaSet → Pods, StatefulSet → Pods, CronJob → Job → Pod, and so on.

Where the input holds the real children (a cluster dump with ownerReferences) they are used instead of derived ones.
The Pods found or derived here are what the other rules select from and reference through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..graph import Facts, GraphEdge, GraphNode, NodeState, Part, PodInstance, Relation, app_of
from ..kube import (
    CONTROLLER_KINDS,
    MIDDLE_KIND,
    Container,
    CustomPodTemplate,
    containers,
    pod_template,
    replica_count,
    status_details,
    template_labels,
    usable_name,
)
from ..model import BUILTIN_KINDS, Inventory, Ref, Resource, as_list, as_mapping
from ..records import record

COLLAPSE_ABOVE = 3  # more replicas than this become one `Pod ×N` node


@record
class WorkloadChain:
    facts: Facts
    pods: list[PodInstance]


def containers_of(spec: Mapping[str, Any]) -> tuple[Part, ...]:
    """A Pod's containers in start order as parts of its node: init containers (native sidecars marked), then the
    main ones."""
    return tuple(_container_part(c) for c in containers(spec, ephemeral=False))


def _container_part(container: Container) -> Part:
    ports = [str(p.get("containerPort")) for p in container.ports if p.get("containerPort") is not None]
    name = container.name
    label = f"{name} :{','.join(ports)}" if ports else name.strip() or "?"  # a row is never blank
    return Part(id=name, label=label, role=container.role)


def derive_workload_chain(inventory: Inventory, custom: Sequence[CustomPodTemplate] = ()) -> WorkloadChain:
    """Pods real and derived. `custom` names the Pod templates of custom workload kinds (from relationship rules,
    gen/rules/custom/): their Pods are derived as a Deployment's are."""
    facts = Facts()
    pods: list[PodInstance] = []
    owned_by = _children_by_owner(inventory)

    for resource in inventory.of_kind(*CONTROLLER_KINDS, "Pod"):
        for owner in _owners_in_input(resource, inventory):
            facts.edges.append(GraphEdge(owner, resource.ref, Relation.OWNS))

    for resource in inventory.of_kind("Pod"):
        top = _top_controller(resource, inventory)
        app = app_of(resource.labels) or _app_of_ref(top, inventory)
        facts.nodes.append(GraphNode(resource.ref, source=resource.source, app=app,
                                     details=status_details(resource), parts=containers_of(resource.spec)))
        pods.append(PodInstance(resource.ref, resource.spec, resource.labels, resource.source, top, app))

    for resource in inventory.of_kind(*CONTROLLER_KINDS):
        if resource.ref in owned_by:
            continue  # the input holds its real children
        template = pod_template(resource)
        if template is None:
            continue
        top = _top_controller(resource, inventory)
        app = _app_of_ref(top, inventory)
        _derive_children(resource, template, top, app, facts, pods, replica_count(resource),
                         MIDDLE_KIND.get(resource.kind))

    for source in custom:
        for resource in inventory.of_kind(source.kind):
            template = source.template_of(resource)
            if resource.ref.group != source.group or resource.ref in owned_by or template is None:
                continue
            top = _top_controller(resource, inventory)
            app = app_of(resource.labels) or app_of(template_labels(template)) or _app_of_ref(top, inventory)
            _derive_children(resource, template, top, app, facts, pods, source.count_of(resource), source.through,
                             source.name, source if source.pod_name else None)
    return WorkloadChain(facts, pods)


def _derive_children(
    resource: Resource, template: Mapping[str, Any], top: Ref, app: str | None, facts: Facts,
    pods: list[PodInstance], count: int, middle_kind: str | None, part: str = "",
    naming: CustomPodTemplate | None = None,
) -> None:
    """The middle object (if any) and the Pods of one template; `part` names a resource's second template, `naming`
    the names and labels a custom controller gives its Pods (a LeaderWorkerSet's `NAME-G-I`)."""
    namespace, name = resource.namespace, f"{resource.name}-{part}" if part else resource.name
    made_by = resource.ref.qualified_kind  # a StatefulSet's and a Deployment's Pod `web-1` are not one Pod
    parent = resource.ref
    if middle_kind is not None:
        middle = Ref(middle_kind, namespace, name, made_by=made_by)
        facts.nodes.append(GraphNode(middle, NodeState.DERIVED, resource.source, app))
        facts.edges.append(GraphEdge(parent, middle, Relation.OWNS))
        parent = middle

    if count == 0:
        return
    spec = as_mapping(template.get("spec"))
    labels = template_labels(template)
    parts = containers_of(spec)
    # (the Pod, how many it stands for, its details, the labels its controller adds)
    instances: list[tuple[Ref, int, tuple[str, ...], dict[str, str]]]
    if resource.kind == "DaemonSet":
        instances = [(Ref("Pod", namespace, name, made_by=made_by), 1, ("one per node",), {})]
    elif count > COLLAPSE_ABOVE:
        first, last = (f"{name}-0", f"{name}-{count - 1}") if resource.kind == "StatefulSet" else ("", "")
        if naming is not None:
            first, last = naming.pod_at(resource, 0)[0], naming.pod_at(resource, count - 1)[0]
        span = (f"{first} … {last}",) if first else ()
        shared = naming.shared_labels(resource) if naming is not None else {}
        instances = [(Ref("Pod", namespace, name, made_by=made_by), count, span, shared)]
    elif naming is not None:
        named = [naming.pod_at(resource, i) for i in range(count)]
        instances = [(Ref("Pod", namespace, pod_name, made_by=made_by), 1, (), added) for pod_name, added in named]
    else:
        start = 0 if resource.kind == "StatefulSet" else 1  # StatefulSet Pods are name-0, name-1, …
        instances = [(Ref("Pod", namespace, f"{name}-{i}", made_by=made_by), 1, (), {})
                     for i in range(start, start + count)]
    for ref, n, details, added in instances:
        facts.nodes.append(GraphNode(ref, NodeState.DERIVED, resource.source, app, n, details, parts))
        facts.edges.append(GraphEdge(parent, ref, Relation.OWNS))
        pod_labels = {**_pod_labels(resource, labels, ref, n), **added}
        pods.append(PodInstance(ref, spec, pod_labels, resource.source, top, app))


def _pod_labels(resource: Resource, labels: dict[str, str], pod: Ref, count: int) -> dict[str, str]:
    """The template's labels plus those the controller adds, which Services select on: a Job labels its Pods with
    its name (and its uid, where the input says it); a StatefulSet labels each Pod with its name and index. A
    collapsed node stands for several Pods, so it gets no per-Pod label."""
    if resource.kind == "Job":
        added = {"job-name": resource.name, "batch.kubernetes.io/job-name": resource.name}
        uid = resource.metadata.get("uid")
        if usable_name(uid):
            added |= {"controller-uid": uid, "batch.kubernetes.io/controller-uid": uid}
        return {**labels, **added}
    if resource.kind != "StatefulSet" or count != 1:
        return labels
    index = pod.name.rsplit("-", 1)[-1]
    return {**labels, "statefulset.kubernetes.io/pod-name": pod.name, "apps.kubernetes.io/pod-index": index}


def _owner_refs(resource: Resource) -> list[Ref]:
    refs = []
    for owner in map(as_mapping, as_list(resource.metadata.get("ownerReferences"))):
        kind, name = owner.get("kind"), owner.get("name")
        if isinstance(kind, str) and isinstance(name, str):
            # A custom owner (an Argo Rollout owns its ReplicaSets) is known by its API group too.
            group = "" if kind in BUILTIN_KINDS else str(owner.get("apiVersion") or "").rpartition("/")[0]
            refs.append(Ref(kind, resource.namespace, name, group))
    return refs


def _owners_in_input(resource: Resource, inventory: Inventory) -> list[Ref]:
    return [ref for ref in _owner_refs(resource) if ref in inventory]


def _children_by_owner(inventory: Inventory) -> set[Ref]:
    owners: set[Ref] = set()
    for resource in inventory.of_kind(*CONTROLLER_KINDS, "Pod"):
        owners.update(_owners_in_input(resource, inventory))
    return owners


def _top_controller(resource: Resource, inventory: Inventory) -> Ref:
    current, seen = resource, {resource.ref}
    while True:
        owners = _owners_in_input(current, inventory)
        if not owners or owners[0] in seen:
            return current.ref
        seen.add(owners[0])
        found = inventory.get(owners[0])
        if found is None:
            return current.ref
        current = found


def _app_of_ref(ref: Ref, inventory: Inventory) -> str | None:
    resource = inventory.get(ref)
    if resource is None:
        return None
    return app_of(resource.labels) or app_of(template_labels(pod_template(resource)))
