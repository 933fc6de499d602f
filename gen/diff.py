"""Architecture diff: what a change to the manifests adds, removes and rewires, as text (for a pull-request comment)
and as a figure (the view of the new revision, with what went away put back and every change marked).

Resources are compared by identity (kind, namespace, name, group) and links by their ends and relation. A link
whose end the cluster derives (a Deployment's Pods) is named after the workload that makes it: a new replica is no
new link, a Service that stops selecting a workload's Pods is one link fewer. What a changed resource says of
itself is only what is safe to show: images, replica counts, Service types and ports; anything else is named
("data changed", "spec changed"), never quoted, so that no Secret's or ConfigMap's value is printed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from .diagram import Change, Diagram, Group, Link
from .graph import Graph, NodeState
from .kube import containers, pod_template, replica_count
from .model import Ref, Resource, as_list, as_mapping, printable
from .records import field, record, replace
from .views.aggregate import collapsed_pods
from .views.selection import LINK_CATEGORY, node_ids

ChangeKind = Literal["added", "removed", "changed"]
MARKS: dict[ChangeKind, str] = {"added": "+", "removed": "-", "changed": "~"}
# Metadata the API server writes, or tools add, which no author means as a change.
_NOISE = ("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink")
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@record(frozen=True)
class ResourceChange:
    ref: Ref
    change: ChangeKind
    what: tuple[str, ...] = ()  # of a changed resource: "image web: nginx:1.25 → nginx:1.27", "spec changed"
    shown: str = ""  # how the text names it: Kind/namespace/name, with the API group when two groups share those

    def __str__(self) -> str:
        what = f": {'; '.join(self.what)}" if self.what else ""
        # Names, images and ports come from the input: one change is always one line, whatever they hold.
        return printable(f"{MARKS[self.change]} {self.shown or self.ref.id}{what}", backticks=True)


@record(frozen=True, order=True)
class LinkKey:
    """A link as the diff sees it: its ends (a derived end named after its workload) and its relation."""

    source: str
    target: str
    relation: str


@record(frozen=True)
class LinkChange:
    key: LinkKey
    change: ChangeKind
    labels: tuple[str, str] = ("", "")  # before, after (a changed label: a port, the env variable that tells it)

    def __str__(self) -> str:
        before, after = self.labels
        label = f": {before} → {after}" if self.change == "changed" else (f" ({before or after})"
                                                                         if before or after else "")
        return printable(f"{MARKS[self.change]} {self.key.source} → {self.key.target} [{self.key.relation}]{label}",
                         backticks=True)


@record
class GraphDiff:
    resources: list[ResourceChange] = field(default_factory=list)
    links: list[LinkChange] = field(default_factory=list)
    ambiguous: frozenset[str] = frozenset()  # Kind/namespace/name of more than one API group: named with it

    @property
    def empty(self) -> bool:
        return not self.resources and not self.links

    def summary(self) -> str:
        counts = [f"{sum(1 for r in self.resources if r.change == c)} {c}" for c in ("added", "removed", "changed")]
        links = [f"{sum(1 for r in self.links if r.change == c)} {c}" for c in ("added", "removed", "changed")]
        return f"gen diff: resources {', '.join(counts)}; links {', '.join(links)}"

    def lines(self) -> Iterator[str]:
        yield self.summary()
        yield from (str(change) for change in self.resources)
        yield from (str(change) for change in self.links)


def diff_graphs(old: Graph, new: Graph) -> GraphDiff:
    """What `new` adds, removes and changes against `old`, sorted by identity."""
    groups: dict[str, set[str]] = {}
    for graph in (old, new):
        for ref in graph.nodes:
            groups.setdefault(ref.id, set()).add(ref.group)
    ambiguous = frozenset(ref_id for ref_id, found in groups.items() if len(found) > 1)
    result = GraphDiff(ambiguous=ambiguous)
    before, after = _declared(old), _declared(new)
    for ref in sorted(before.keys() | after.keys(), key=lambda r: (r.id, r.group)):
        shown = _shown(ref, ambiguous)
        if ref not in before:
            result.resources.append(ResourceChange(ref, "added", shown=shown))
        elif ref not in after:
            result.resources.append(ResourceChange(ref, "removed", shown=shown))
        else:
            what = describe_change(before[ref], after[ref])
            if what:
                result.resources.append(ResourceChange(ref, "changed", what, shown))
    old_links, new_links = link_labels(old, ambiguous), link_labels(new, ambiguous)
    for key in sorted(old_links.keys() | new_links.keys()):
        if key not in old_links:
            result.links.append(LinkChange(key, "added", ("", new_links[key])))
        elif key not in new_links:
            result.links.append(LinkChange(key, "removed", (old_links[key], "")))
        elif old_links[key] != new_links[key]:
            result.links.append(LinkChange(key, "changed", (old_links[key], new_links[key])))
    return result


def _declared(graph: Graph) -> dict[Ref, Resource]:
    return {resource.ref: resource for resource in graph.inventory}


def _shown(ref: Ref, ambiguous: frozenset[str]) -> str:
    return ref.qualified_id if ref.id in ambiguous else ref.id


def link_labels(graph: Graph, ambiguous: frozenset[str] = frozenset()) -> dict[LinkKey, str]:
    """Every link by its key, with its label (the labels of links that fold into one key, joined)."""
    names = _end_names(graph, ambiguous)
    labels: dict[LinkKey, set[str]] = {}
    for edge in graph.edges:
        source, target = names.get(edge.source), names.get(edge.target)
        if source is None or target is None or source == target:
            continue
        labels.setdefault(LinkKey(source, target, edge.relation.name), set()).add(edge.label.replace("\n", ", "))
    return {key: ", ".join(sorted(filter(None, found))) for key, found in labels.items()}


def _end_names(graph: Graph, ambiguous: frozenset[str] = frozenset()) -> dict[Ref, str]:
    """What a link's end is called in the diff: a declared or missing node by its identity, a derived Pod by the
    workload it belongs to; derived middles (a Deployment's ReplicaSet) have no name: their links are implied."""
    workloads = {pod.ref: pod.workload for pod in graph.pods}
    names: dict[Ref, str] = {}
    for ref, node in graph.nodes.items():
        if node.state is not NodeState.DERIVED:
            names[ref] = _shown(ref, ambiguous)
        elif ref in workloads and workloads[ref] != ref:
            names[ref] = f"Pods of {_shown(workloads[ref], ambiguous)}"
        elif node.owner is not None and node.owner in graph.nodes:  # a Pod's own volume
            owner = node.owner
            names[ref] = (f"Pods of {_shown(workloads.get(owner, owner), ambiguous)}" if owner in workloads
                          else _shown(owner, ambiguous))
    return names


# --- What changed in one resource --------------------------------------------------------------------------------


def describe_change(before: Resource, after: Resource) -> tuple[str, ...]:
    """The safe description of how a resource changed, or () when it did not (metadata noise aside)."""
    old, new = _comparable(before.body), _comparable(after.body)
    if old == new:
        return ()
    what: list[str] = []
    if before.api_version != after.api_version:
        what.append(f"apiVersion {before.api_version} → {after.api_version}")
    what.extend(_image_changes(before, after))
    if replica_count(before) != replica_count(after) and "replicas" in (_spec(before) | _spec(after)):
        what.append(f"replicas {replica_count(before)} → {replica_count(after)}")
    if before.kind == "Service":
        what.extend(_service_changes(_spec(before), _spec(after)))
    explained = bool(what)
    for key in sorted(old.keys() | new.keys()):
        if old.get(key) == new.get(key) or key == "apiVersion":
            continue
        if key == "metadata":
            what.extend(f"{part} changed" for part in ("labels", "annotations")
                        if as_mapping(old.get(key)).get(part) != as_mapping(new.get(key)).get(part))
        elif not (explained and key == "spec" and _only_explained(before, after)):
            what.append(f"{key} changed")  # data, stringData, rules, spec...: named, never quoted
    return tuple(what) or ("changed",)


def _comparable(body: Mapping[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in body.items() if k != "status"}
    # The namespace is part of the identity, compared already (written or defaulted, it is the same resource).
    metadata = {k: v for k, v in as_mapping(body.get("metadata")).items() if k not in _NOISE and k != "namespace"}
    annotations = {k: v for k, v in as_mapping(metadata.get("annotations")).items() if k != _LAST_APPLIED}
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    data["metadata"] = metadata
    return data


def _spec(resource: Resource) -> dict[str, Any]:
    return dict(as_mapping(resource.body.get("spec")))


def _images(resource: Resource) -> dict[str, str]:
    template = pod_template(resource)
    spec = as_mapping(template.get("spec")) if template is not None else (
        _spec(resource) if resource.kind == "Pod" else {})
    return {str(c.spec.get("name", "?")): str(c.spec.get("image", "")) for c in containers(spec)}


def _image_changes(before: Resource, after: Resource) -> Iterator[str]:
    old, new = _images(before), _images(after)
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            yield f"container {name} added ({new[name]})"
        elif name not in new:
            yield f"container {name} removed"
        elif old[name] != new[name]:
            yield f"image {name}: {old[name]} → {new[name]}"


def _service_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[str]:
    if old.get("type", "ClusterIP") != new.get("type", "ClusterIP"):
        yield f"type {old.get('type', 'ClusterIP')} → {new.get('type', 'ClusterIP')}"
    before, after = _ports(old), _ports(new)
    if before != after:
        yield f"ports {', '.join(before) or 'none'} → {', '.join(after) or 'none'}"


def _ports(spec: Mapping[str, Any]) -> list[str]:
    ports = []
    for port in map(as_mapping, as_list(spec.get("ports"))):
        target = port.get("targetPort", port.get("port"))
        ports.append(f"{port.get('port')}→{target}/{port.get('protocol', 'TCP')}")
    return sorted(ports)


def _only_explained(before: Resource, after: Resource) -> bool:
    """True when the specs differ only in what the description already says (images, replicas, Service ports)."""
    def stripped(resource: Resource) -> Any:
        spec = dict(_spec(resource))
        spec.pop("replicas", None)
        if resource.kind == "Service":
            spec.pop("type", None)
            spec.pop("ports", None)
        template = as_mapping(spec.get("template"))
        if template:
            spec["template"] = {**template, "spec": without_images(as_mapping(template.get("spec")))}
        elif resource.kind == "Pod":
            spec = without_images(spec)
        return spec

    def without_images(pod_spec: Mapping[str, Any]) -> dict[str, Any]:
        pod = dict(pod_spec)
        for key in ("containers", "initContainers"):
            pod[key] = [{k: v for k, v in as_mapping(c).items() if k != "image"} for c in as_list(pod.get(key))]
        return pod

    return bool(stripped(before) == stripped(after))


# --- The figure --------------------------------------------------------------------------------------------------


def diff_diagram(old: Revision, new: Revision, changes: GraphDiff) -> Diagram:
    """The new revision's diagram with what went away put back, and every change marked.

    A box is marked by the change of the resource it draws (its identity, API group included); a box the cluster
    derives (a ReplicaSet, Pods) by its workload's: the Pods of a new Deployment are new, a new replica count marks
    the Deployment alone. A removed resource is put back with what it derived. A link is marked as the text lists
    it: by the names of its ends, with a derived end named after its workload, so that a removed link still finds
    the workload's Pods when they are drawn as one `×N` box."""
    change_of: dict[str, Change] = {c.ref.qualified_id: c.change for c in changes.resources}
    old_info, new_info = _box_info(old, changes.ambiguous), _box_info(new, changes.ambiguous)

    def mark(info: BoxInfo) -> Change:
        own = change_of.get(info.identity, "") if info.identity else ""
        anchored = change_of.get(info.anchor, "") if info.anchor else ""
        return own or ("added" if anchored == "added" else "")

    boxes = [replace(box, change=mark(new_info[box.id])) if box.id in new_info and mark(new_info[box.id]) else box
             for box in new.diagram.boxes]
    drawn = {box.id for box in boxes}
    by_name: dict[str, str] = {}  # a name → the box drawn for it; the Pods' own box before their volumes'
    for box_id, info in sorted(new_info.items(), key=lambda item: not item[0].startswith("Pod/")):
        if info.name and box_id in drawn:
            by_name.setdefault(info.name, box_id)
    placed: dict[str, str] = {}  # an old box's id → its id in this figure
    for box in old.diagram.boxes:
        info = old_info.get(box.id, BoxInfo())
        identity_gone = info.identity and change_of.get(info.identity) == "removed"
        anchor_gone = info.anchor and change_of.get(info.anchor) == "removed"
        if box.id in drawn and not (identity_gone and new_info.get(box.id, BoxInfo()).identity != info.identity):
            placed[box.id] = box.id  # drawn in the new revision too (a removed resource still referenced: missing)
        elif identity_gone or anchor_gone:
            box_id = box.id if box.id not in drawn else f"{info.identity or box.id} (removed)"
            placed[box.id] = box_id
            boxes.append(replace(box, id=box_id, change="removed"))
            drawn.add(box_id)
        elif info.name in by_name:
            placed[box.id] = by_name[info.name]  # a replica drawn otherwise now: the workload's Pods
    groups = {group.id: group for group in new.diagram.groups}
    old_groups = {group.id: group for group in old.diagram.groups}
    for box in boxes:  # the frames a removed box stood in, and the frames around them
        group_id = box.group if box.change == "removed" else None
        while group_id is not None and group_id in old_groups and group_id not in groups:
            groups[group_id] = old_groups[group_id]
            group_id = old_groups[group_id].parent
    listed: dict[Change, set[tuple[str, str, str]]] = {"added": set(), "removed": set(), "changed": set()}
    for link_change in changes.links:
        key = link_change.key
        listed[link_change.change].add((key.source, key.target, LINK_CATEGORY.get(key.relation, key.relation)))

    def named(info: Mapping[str, BoxInfo], link: Link) -> tuple[str, str, str]:
        return (info.get(link.source, BoxInfo()).name or "", info.get(link.target, BoxInfo()).name or "",
                link.category)

    links = []
    for link in new.diagram.links:
        ends = named(new_info, link)
        change: Change = "added" if ends in listed["added"] else "changed" if ends in listed["changed"] else ""
        links.append(replace(link, change=change) if change else link)
    seen = {(link.source, link.target, link.category) for link in links}
    put_back = {box.id for box in boxes if box.change == "removed" and box.id not in new_info}
    for link in old.diagram.links:
        source, target = placed.get(link.source), placed.get(link.target)
        listed_removed = named(old_info, link) in listed["removed"]
        between_put_back = source in put_back and target in put_back  # a removed workload's own chain
        if ((listed_removed or between_put_back) and source and target and link.line != "invisible"
                and (source, target, link.category) not in seen):
            seen.add((source, target, link.category))
            links.append(replace(link, source=source, target=target, change="removed",
                                 source_row=link.source_row if source == link.source else None,
                                 target_row=link.target_row if target == link.target else None))
    return replace(new.diagram, boxes=boxes, links=links, groups=_parents_first(groups))


@record(frozen=True)
class Revision:
    """One side of a comparison: the graph and the view of it."""

    graph: Graph
    diagram: Diagram


@record(frozen=True)
class BoxInfo:
    """What the diff knows of a box: the identity of the resource it draws (derived boxes have none), the
    identity of the workload it belongs to (derived boxes), and the name the text gives it."""

    identity: str = ""
    anchor: str = ""
    name: str = ""


def _box_info(revision: Revision, ambiguous: frozenset[str]) -> dict[str, BoxInfo]:
    graph = revision.graph
    names = _end_names(graph, ambiguous)
    anchors = _anchors(graph)
    info: dict[str, BoxInfo] = {}
    ids = node_ids(graph.nodes)
    for ref, node in graph.nodes.items():
        derived = node.state is NodeState.DERIVED
        info[ids[ref]] = BoxInfo("" if derived else ref.qualified_id,
                                 anchors[ref].qualified_id if ref in anchors else "", names.get(ref, ""))
    for edge in graph.edges:  # Pods drawn as one `×N` box are named after the controller that owns them
        if edge.relation.name == "owns" and edge.target.kind == "Pod" and edge.target in names:
            collapsed = collapsed_pods(edge.source, edge.target)
            anchor = anchors.get(edge.target)
            info.setdefault(ids.get(collapsed, collapsed.id),
                            BoxInfo("", anchor.qualified_id if anchor else "", names[edge.target]))
    return info


def _anchors(graph: Graph) -> dict[Ref, Ref]:
    """The declared workload each derived node belongs to: up its owners (a Pod's own volume: its Pod's)."""
    owners = {edge.target: edge.source for edge in graph.edges if edge.relation.name in ("owns", "creates")}
    anchors: dict[Ref, Ref] = {}
    for ref, node in graph.nodes.items():
        if node.state is not NodeState.DERIVED:
            continue
        current, seen = node.owner or ref, {ref}
        while current in graph.nodes and graph.nodes[current].state is NodeState.DERIVED and current in owners:
            current = owners[current]
            if current in seen:
                break
            seen.add(current)
        if current in graph.nodes and graph.nodes[current].state is not NodeState.DERIVED:
            anchors[ref] = current
    return anchors


def _parents_first(groups: Mapping[str, Group]) -> list[Group]:
    ordered: list[Group] = []
    placed: set[str] = set()

    def place(group: Group) -> None:
        if group.id in placed:
            return
        if group.parent is not None and group.parent in groups:
            place(groups[group.parent])
        placed.add(group.id)
        ordered.append(group)

    for group in groups.values():
        place(group)
    return ordered
