"""Architecture diff: what a change to the manifests adds, removes and rewires, as text (for a pull-request comment)
and as a figure (the view of the new revision, with what went away put back and every change marked).

Resources are compared by identity (kind, namespace, name, group) and links by their ends and relation. A link
whose end the cluster derives (a Deployment's Pods) is named after the workload that makes it: a new replica is no
new link, a Service that stops selecting a workload's Pods is one link fewer. What a changed resource says of
itself is only what is safe to show: images, replica counts, Service types and ports; anything else is named
("data changed", "spec changed"), never quoted, so that no Secret's or ConfigMap's value is printed.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from .diagram import Diagram, Group, Link
from .graph import Graph, NodeState
from .kube import containers, pod_template, replica_count
from .model import Ref, Resource, as_list, as_mapping
from .records import field, record, replace

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

    def __str__(self) -> str:
        what = f": {'; '.join(self.what)}" if self.what else ""
        return f"{MARKS[self.change]} {self.ref.id}{what}"


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
        return f"{MARKS[self.change]} {self.key.source} → {self.key.target} [{self.key.relation}]{label}"


@record
class GraphDiff:
    resources: list[ResourceChange] = field(default_factory=list)
    links: list[LinkChange] = field(default_factory=list)

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
    result = GraphDiff()
    before, after = _declared(old), _declared(new)
    for ref in sorted(before.keys() | after.keys(), key=lambda r: (r.id, r.group)):
        if ref not in before:
            result.resources.append(ResourceChange(ref, "added"))
        elif ref not in after:
            result.resources.append(ResourceChange(ref, "removed"))
        else:
            what = describe_change(before[ref], after[ref])
            if what:
                result.resources.append(ResourceChange(ref, "changed", what))
    old_links, new_links = link_labels(old), link_labels(new)
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


def link_labels(graph: Graph) -> dict[LinkKey, str]:
    """Every link by its key, with its label (the labels of links that fold into one key, joined)."""
    names = _end_names(graph)
    labels: dict[LinkKey, set[str]] = {}
    for edge in graph.edges:
        source, target = names.get(edge.source), names.get(edge.target)
        if source is None or target is None or source == target:
            continue
        labels.setdefault(LinkKey(source, target, edge.relation.name), set()).add(edge.label.replace("\n", ", "))
    return {key: ", ".join(sorted(filter(None, found))) for key, found in labels.items()}


def _end_names(graph: Graph) -> dict[Ref, str]:
    """What a link's end is called in the diff: a declared or missing node by its identity, a derived Pod by the
    workload it belongs to; derived middles (a Deployment's ReplicaSet) have no name: their links are implied."""
    workloads = {pod.ref: pod.workload for pod in graph.pods}
    names: dict[Ref, str] = {}
    for ref, node in graph.nodes.items():
        if node.state is not NodeState.DERIVED:
            names[ref] = ref.id
        elif ref in workloads and workloads[ref] != ref:
            names[ref] = f"Pods of {workloads[ref].id}"
        elif node.owner is not None and node.owner in graph.nodes:  # a Pod's own volume
            owner = node.owner
            names[ref] = f"Pods of {workloads.get(owner, owner).id}" if owner in workloads else owner.id
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
    metadata = {k: v for k, v in as_mapping(body.get("metadata")).items() if k not in _NOISE}
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
            pod = dict(as_mapping(template.get("spec")))
            for key in ("containers", "initContainers"):
                pod[key] = [{k: v for k, v in as_mapping(c).items() if k != "image"} for c in as_list(pod.get(key))]
            spec["template"] = {**template, "spec": pod}
        return spec

    return bool(stripped(before) == stripped(after))


# --- The figure --------------------------------------------------------------------------------------------------


def diff_diagram(old: Revision, new: Revision, changes: GraphDiff) -> Diagram:
    """The new revision's diagram with what went away put back, and every change marked. A box is marked by the
    change of the resource it draws; the boxes the cluster derives (ReplicaSets, Pods) follow their workload and
    are neither marked nor put back (a new replica count is the workload's change, not new Pods). A link is marked
    when the text lists it (its ends named as the text names them)."""
    by_id = {key: c.change for c in changes.resources for key in (c.ref.id, c.ref.qualified_id)}
    old_ids = {box.id for box in old.diagram.boxes}
    boxes = []
    for box in new.diagram.boxes:
        change = by_id.get(box.id, "")
        if not change and box.id not in old_ids and box.state != "derived":
            change = "added"  # a newly referenced, missing resource
        boxes.append(replace(box, change=change) if change else box)
    new_ids = {box.id for box in boxes}
    gone = [replace(box, change="removed") for box in old.diagram.boxes
            if box.id not in new_ids and box.state != "derived"]
    groups = {group.id: group for group in new.diagram.groups}
    needed = {box.group for box in gone}
    for group in old.diagram.groups:  # the frames a removed box stood in, and theirs
        if group.id in needed and group.id not in groups:
            groups[group.id] = group
            needed.add(group.parent)
    drawn = new_ids | {box.id for box in gone}
    added = {(k.key.source, k.key.target) for k in changes.links if k.change == "added"}
    removed = {(k.key.source, k.key.target) for k in changes.links if k.change == "removed"}
    new_names, old_names = _box_names(new), _box_names(old)
    links = [replace(link, change="added") if (new_names.get(link.source), new_names.get(link.target)) in added
             else link for link in new.diagram.links]
    links.extend(replace(link, change="removed") for link in old.diagram.links
                 if (old_names.get(link.source), old_names.get(link.target)) in removed
                 and {link.source, link.target} <= drawn)
    return replace(new.diagram, boxes=[*boxes, *gone], links=links, groups=_parents_first(groups))


@record(frozen=True)
class Revision:
    """One side of a comparison: the graph and the view of it."""

    graph: Graph
    diagram: Diagram


def _box_names(revision: Revision) -> dict[str, str]:
    """A box's id → the name the text gives its resource (see _end_names)."""
    names = _end_names(revision.graph)
    return {key: name for ref, name in names.items() for key in (ref.id, ref.qualified_id)}


def _qualified(box_id: str) -> str:
    return box_id.split("/", 1)[1] if box_id.count("/") >= 3 else box_id


def _link_key(link: Link) -> tuple[str, str, str, str | None, str | None]:
    return link.source, link.target, link.category, link.source_row, link.target_row


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


# --- Revisions: a path, or REF:PATH from git ---------------------------------------------------------------------


class RevisionError(Exception):
    """A REF:PATH argument names a revision or path git does not know."""


def is_revision(argument: str) -> bool:
    """`REF:PATH` (git's own notation) for an argument that is not an existing path."""
    return ":" in argument and not os.path.exists(argument) and not argument.startswith(("-", ":"))


def materialise_revision(argument: str, into: str) -> str:
    """Write the files of PATH at git revision REF under `into` (same relative layout); return the path to read.
    Only regular files are written (no symlinks, no submodules), each under `into`."""
    revision, _, path = argument.partition(":")
    prefix = _git(["rev-parse", "--show-prefix"]).strip()
    top = _git(["rev-parse", "--show-toplevel"]).strip()
    wanted = os.path.normpath(os.path.join(prefix, path or "."))
    if wanted.startswith(".."):
        raise RevisionError(f"{argument}: the path is outside the repository")
    wanted = "" if wanted == "." else wanted
    listing = _git(["-C", top, "ls-tree", "-r", "-z", "--full-tree", revision, "--", wanted or "."], argument)
    written = 0
    for entry in filter(None, listing.split("\0")):
        meta, _, name = entry.partition("\t")
        mode, kind, blob = meta.split()
        if kind != "blob" or mode not in ("100644", "100755") or os.path.isabs(name) or ".." in name.split("/"):
            continue
        target = os.path.join(into, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            out.write(subprocess.run(["git", "-C", top, "cat-file", "blob", blob], capture_output=True,
                                     check=True, timeout=60).stdout)
        written += 1
    if not written:
        raise RevisionError(f"{argument}: no file at {wanted or '.'} in revision {revision}")
    return os.path.join(into, wanted) if wanted else into


def _git(arguments: list[str], what: str = "") -> str:
    try:
        done = subprocess.run(["git", *arguments], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RevisionError(f"{what or 'git'}: cannot run git: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise RevisionError(f"{what or 'git ' + arguments[0]}: {message[0]}")
    return done.stdout


def revision_inputs(arguments: Sequence[str], scratch: str) -> list[tuple[str, str | None]]:
    """Each argument as a path to read and the root its files are named from: a path as given (no root), REF:PATH
    materialised under `scratch` and named from there (`manifests/web.yaml`, not the temporary directory)."""
    paths: list[tuple[str, str | None]] = []
    for index, argument in enumerate(arguments):
        if is_revision(argument):
            into = tempfile.mkdtemp(prefix=f"rev{index}-", dir=scratch)
            paths.append((materialise_revision(argument, into), into))
        else:
            paths.append((argument, None))
    return paths

