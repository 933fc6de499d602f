"""The pod view: one Pod's inside, as the report's "Pod", "Volume", "Sidecar Containers" and "Init Container"
sections describe it.

Each drawn Pod sits in a `node` frame. The Pod's network is drawn when it is what the Pod shows: when two or more
containers listen on ports (they share one network namespace: one Pod IP, one port space, and reach each other on
localhost) or when `hostNetwork: true` puts the Pod in the node's. Then a network-namespace frame holds the
containers and one network interface box (eth0, the Pod IP), linked to every listening container with its ports,
and the listening containers are joined by `localhost`. With `hostNetwork: true` the frame and interface are the
node's, drawn around the Pod. Otherwise (a figure of volumes, of start order) a container's ports are details of
its box and no network is drawn. Init containers are numbered and linked "then" in start order before the main
containers.

Volumes are drawn with their lifetime. The Pod's title says that its volumes are made before the containers start;
each volume says by its type how long its data lives (emptyDir: made and deleted with the Pod, kept across a
container's restart). A hostPath volume lies on the node's disk: drawn in the node frame
outside the Pod, it outlives the Pod and is shared with the node's other Pods. configMap, secret and
persistentVolumeClaim volumes are linked to their objects outside the node. Every container that mounts a volume is
linked to it (path, "(ro)").

Container roles:
- init container: an initContainer; runs to completion, one at a time, in order.
- native sidecar: an initContainer with `restartPolicy: Always` (Kubernetes ≥ 1.29): started in the init order,
  then kept running beside the main containers.
- main container: the primary container, the one named by the `kubectl.kubernetes.io/default-container`
  annotation, else the first of `containers` whose name does not say "sidecar".
- classic sidecar: another entry of `containers` that supports the primary one: it shares a volume with it, or its
  name says "sidecar". Any other entry of `containers` is a peer (a second application in the same Pod).

One Pod is drawn per workload (its template: replicas run the same spec, their number is a detail) and every real
Pod; the filters `names` and `kinds` choose by the workload's (or Pod's) name and kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from ..diagram import Box, Colour, Diagram, Group, Link
from ..graph import Graph, NodeState, PodInstance
from ..kube import (
    DEFAULT_CONTAINER_ANNOTATION,
    Container,
    containers,
    mounts,
    pod_metadata,
    replica_count,
    usable_name,
    volume_type,
    volumes,
)
from ..model import Ref, as_list, as_mapping, string_map
from ..records import record
from ..words import FigureWords
from .base import Filters, ViewBuilder, located
from .kinds import kind_style


@record(frozen=True)
class DrawnPod:
    """A Pod the view draws: a real Pod, or the template of a workload (standing for its replicas)."""

    pod: PodInstance
    name: str  # the workload's name (the Pod's own for a real Pod)
    kind: str  # the workload's kind ("Pod" for a real Pod)
    replicas: int  # how many Pods it stands for (1 for a real Pod)
    real: bool

    @property
    def id(self) -> str:
        return f"pod/{self.pod.ref.id}" if self.real else f"pod/{self.pod.workload.id}"


def pods_to_draw(graph: Graph, filters: Filters) -> list[DrawnPod]:
    """Every real Pod and one Pod per workload that creates them, in input order, as the filters allow."""
    drawn: list[DrawnPod] = []
    seen: set[Ref] = set()
    for pod in graph.pods:
        node = graph.nodes.get(pod.ref)
        real = node is None or node.state is NodeState.REAL
        if not real and pod.workload in seen:
            continue
        seen.add(pod.workload)
        name, kind = (pod.ref.name, "Pod") if real else (pod.workload.name, pod.workload.kind)
        if not filters.keeps(pod.ref):
            continue
        if filters.kinds and kind not in filters.kinds and pod.workload.kind not in filters.kinds:
            continue
        if filters.names and name not in filters.names and pod.workload.name not in filters.names:
            continue
        workload = graph.inventory.get(pod.workload)
        replicas = replica_count(workload) if workload is not None and not real else 1
        drawn.append(DrawnPod(pod, name, kind, replicas, real))
    return drawn


@record(frozen=True)
class Role:
    badge: str
    colour: Colour
    detail: str = ""


def container_roles(spec: Mapping[str, Any], annotations: Mapping[str, str],
                    words: FigureWords | None = None) -> dict[str, Role]:
    """Each container's role in the Pod, by name (see the module's docstring for the rules), said in `words`'
    language (English by default)."""
    words = words or FigureWords(None)
    roles: dict[str, Role] = {}
    entries = list(containers(spec, ephemeral=False))
    main = [c for c in entries if c.role == "container"]
    named = annotations.get(DEFAULT_CONTAINER_ANNOTATION)
    primary = next((c for c in main if c.name == named), None)
    primary = primary or next((c for c in main if not _named_sidecar(c)), main[0] if main else None)
    primary_volumes = {str(m["name"]) for m in mounts(primary)} if primary else set()
    step = 0
    for container in entries:
        if container.role in ("init", "sidecar"):
            step += 1
            if container.role == "init":
                roles[container.name] = Role(words("pod.init", step=step), "grey", words("pod.init_runs"))
            else:
                roles[container.name] = Role(words("pod.native_sidecar", step=step), "teal", "restartPolicy: Always")
        elif container is primary:
            roles[container.name] = Role(words("pod.main"), "yellow")
        else:
            shared = sorted(primary_volumes & {str(m["name"]) for m in mounts(container)})
            if shared:
                roles[container.name] = Role(words("pod.sidecar"), "orange", words("pod.shares",
                                                                                   volumes=", ".join(shared)))
            elif _named_sidecar(container):
                roles[container.name] = Role(words("pod.sidecar"), "orange")
            else:
                roles[container.name] = Role(words("pod.peer"), "yellow")
    return roles


def _named_sidecar(container: Container) -> bool:
    return "sidecar" in container.name.lower()


def _ports(container: Container, host_network: bool) -> list[str]:
    lines = []
    for port in container.ports:
        number = port.get("containerPort")
        if number is None:
            continue
        name = f"{port['name']} " if usable_name(port.get("name")) else ""
        line = f"{name}:{number}/{port.get('protocol', 'TCP')}"
        if port.get("hostPort") is not None and not host_network:
            line += f" (hostPort {port['hostPort']})"
        lines.append(line)
    return lines


# Volume sources backed by an object of their own: (key in the volume, key of the name, kind).
BACKING_OBJECTS = (("configMap", "name", "ConfigMap"), ("secret", "secretName", "Secret"),
                   ("persistentVolumeClaim", "claimName", "PersistentVolumeClaim"))
# How long a volume's data lives, by its source type (what the report's Volume section says of each): the words
# `pod.volume.TYPE` (emptyDir: kept across a container's restart, as a Pod is not restarted). configMap and
# secret: their linked object says where the data comes from.
VOLUME_NOTES = ("emptyDir", "hostPath", "persistentVolumeClaim", "projected", "downwardAPI")
# What every volume shares, said on the Pod's title: it is made before the containers start (`pod.volumes_made`).
# A volume on the node rather than in the Pod (drawn outside the Pod frame).
NODE_VOLUME_TYPES = frozenset({"hostPath"})
# Columns in the flow: containers, then the Pod's volumes, then what lies outside the Pod (a node's volume, the
# objects behind a volume). A node's volume in the outer column leaves the Pod frame by its side, not its title.
CONTAINER_COLUMN, POD_VOLUME_COLUMN, OUTSIDE_COLUMN = 0, 1, 2


def _backing(volume: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The objects (kind, name) a volume's data comes from."""
    found = []
    for key, name_key, kind in BACKING_OBJECTS:
        name = as_mapping(volume.get(key)).get(name_key)
        if usable_name(name):
            found.append((kind, name))
    for source in map(as_mapping, as_list(as_mapping(volume.get("projected")).get("sources"))):
        for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            name = as_mapping(source.get(key)).get("name")
            if usable_name(name):
                found.append((kind, name))
    return found


class _PodDrawing:
    """Accumulates one figure: boxes, groups and links for every drawn Pod (shared objects once)."""

    def __init__(self, graph: Graph, words: FigureWords) -> None:
        self.graph = graph
        self.words = words
        self.diagram = Diagram(empty_message="no Pods for the pod view")
        self.objects: dict[str, Box] = {}
        self.start_order = False  # some Pod has init containers: its start order reads along the flow

    def add(self, drawn: DrawnPod) -> None:
        pod, spec = drawn.pod, drawn.pod.spec
        resource = self.graph.inventory.get(pod.ref) or self.graph.inventory.get(pod.workload)
        annotations = string_map(pod_metadata(resource).get("annotations")) if resource is not None else {}
        host_network = spec.get("hostNetwork") is True
        entries = list(containers(spec, ephemeral=False))
        listening = [c for c in entries if _ports(c, host_network)]
        # The network is what the figure shows only when containers share it (or the node's is used): a single
        # listening container's port is a detail of its box, and a figure of volumes needs no network frame.
        draws_network = host_network or len(listening) >= 2
        node_group, pod_group, net_group = f"{drawn.id}/node", drawn.id, f"{drawn.id}/network"
        groups = self.diagram.groups
        groups.append(Group(node_group, "node", style="outer", category="node"))
        interface_group = None
        if host_network:
            groups.append(Group(net_group, self.words("pod.host_network"), node_group, "inner",
                                "network hostnetwork"))
            groups.append(Group(pod_group, self._pod_label(drawn, volumes(spec)), net_group, "accent", "pod"))
            container_group = pod_group
            interface_group = net_group
        else:
            groups.append(Group(pod_group, self._pod_label(drawn, volumes(spec)), node_group, "accent", "pod"))
            container_group = pod_group
            if draws_network:
                groups.append(Group(net_group, self.words("pod.network"), pod_group, "inner", "network"))
                container_group = interface_group = net_group

        roles = container_roles(spec, annotations, self.words)
        for container in entries:
            role = roles[container.name]
            ports = [] if draws_network else _ports(container, host_network)  # else on the interface's links
            details = tuple(filter(None, [*ports, role.detail]))
            self.diagram.boxes.append(Box(
                self._container_id(drawn, container.name), container.name, role.badge, "rounded", role.colour,
                details=details, group=container_group, rank=CONTAINER_COLUMN, category="container",
                tooltip="\n".join([located(f"{role.badge} {container.name} (pod {drawn.name})", pod.source),
                                    f"image: {container.spec.get('image', '')}"])))
        self._start_order(drawn, entries)
        if interface_group is not None:
            self._interface(drawn, interface_group, listening, host_network)

        for name, volume in volumes(spec).items():
            self._volume(drawn, name, volume, entries, pod_group, node_group)
        if any(c.role in ("init", "sidecar") for c in entries):
            self.start_order = True

    def _interface(self, drawn: DrawnPod, group: str, listening: list[Container], host_network: bool) -> None:
        """One network interface for the whole Pod, each listening container reached on it at its ports, and
        the listening containers reaching each other on localhost."""
        interface = f"{drawn.id}/interface"
        address = "node IP" if host_network else " ".join(filter(None, ["Pod IP", self._pod_ip(drawn.pod)]))
        words, owner = self.words, "node_" if host_network else ""
        self.diagram.boxes.append(Box(
            interface, "eth0", words(f"pod.{owner}interface"), "rectangle", "blue",
            details=(words("pod.one_address", address=address),), group=group, category="interface",
            tooltip=located(words(f"pod.{owner}interface_tooltip", address=address, name=drawn.name),
                            drawn.pod.source)))
        for container in listening:
            self.diagram.links.append(Link(interface, self._container_id(drawn, container.name),
                                           ", ".join(_ports(container, host_network)), "blue",
                                           category="listens"))
        for one, other in pairwise(listening):
            self.diagram.links.append(Link(self._container_id(drawn, one.name),
                                           self._container_id(drawn, other.name), "localhost", "blue", "dotted",
                                           category="localhost", arrow=False))

    def _source(self, ref: Ref) -> object | None:
        resource = self.graph.inventory.get(ref)
        return resource.source if resource is not None else None

    def _pod_label(self, drawn: DrawnPod, pod_volumes: Mapping[str, Any]) -> str:
        # Said once on the Pod's title rather than on a frame of volumes, whose title the mount links would cross.
        made = f" · {self.words('pod.volumes_made')}" if pod_volumes else ""
        if drawn.real:
            return f"pod {drawn.name}{made}"
        if drawn.kind == "DaemonSet":
            replicas = "one per node"
        else:
            replicas = f"×{drawn.replicas} replica" + ("" if drawn.replicas == 1 else "s")
        return self.words("pod.template", name=drawn.name, kind=drawn.kind, replicas=replicas, made=made)

    def _pod_ip(self, pod: PodInstance) -> str:
        resource = self.graph.inventory.get(pod.ref)
        ip = as_mapping(resource.body.get("status")).get("podIP") if resource is not None else None
        return str(ip) if usable_name(ip) else ""

    @staticmethod
    def _container_id(drawn: DrawnPod, name: str) -> str:
        return f"{drawn.id}/container/{name}"

    def _start_order(self, drawn: DrawnPod, entries: list[Container]) -> None:
        """Init containers (and native sidecars) one after another, then the main containers."""
        steps = [c for c in entries if c.role in ("init", "sidecar")]
        mains = [c for c in entries if c.role == "container"]
        for before, after in pairwise(steps):
            self.diagram.links.append(Link(self._container_id(drawn, before.name),
                                           self._container_id(drawn, after.name), self.words("pod.then"), "grey",
                                           "dashed",
                                           category="then"))
        if steps:
            for main in mains:
                self.diagram.links.append(Link(self._container_id(drawn, steps[-1].name),
                                               self._container_id(drawn, main.name), self.words("pod.then"), "grey",
                                               "dashed",
                                               category="then"))

    def _volume(self, drawn: DrawnPod, name: str, volume: Mapping[str, Any], entries: list[Container],
                pod_group: str, node_group: str) -> None:
        kind = volume_type(volume)
        details = [kind]
        if kind == "hostPath":
            details = [f"hostPath {as_mapping(volume.get('hostPath')).get('path', '')}".strip()]
        if kind == "emptyDir" and as_mapping(volume.get("emptyDir")).get("medium") == "Memory":
            details = ["emptyDir (Memory)"]
        if kind in VOLUME_NOTES:
            details.extend(self.words.lines(f"pod.volume.{kind}"))
        volume_id = f"{drawn.id}/volume/{name}"
        # hostPath data is on the node's disk: outside the Pod, inside the node; the rest lives with the Pod.
        group = node_group if kind in NODE_VOLUME_TYPES else pod_group
        column = POD_VOLUME_COLUMN
        self.diagram.boxes.append(Box(volume_id, name, "volume", "folder", "brown", details=tuple(details),
                                      group=group, rank=column, category=f"volume {kind}",
                                      tooltip="\n".join([located(f"volume {name} (pod {drawn.name})",
                                                                  drawn.pod.source), *details])))
        for container in entries:
            for mount in mounts(container):
                if mount["name"] != name:
                    continue
                label = str(mount.get("mountPath", ""))
                if usable_name(mount.get("subPath")):
                    label += f" (subPath {mount['subPath']})"
                if mount.get("readOnly") is True:
                    label += " (ro)"
                self.diagram.links.append(Link(self._container_id(drawn, container.name), volume_id, label,
                                               "teal", category="mount"))
        for object_kind, object_name in _backing(volume):
            ref = Ref(object_kind, drawn.pod.ref.namespace, object_name)
            present = ref in self.graph.inventory
            style = kind_style(object_kind)
            self.objects.setdefault(ref.id, Box(
                ref.id, object_name, style.short, style.shape, style.colour, "real" if present else "missing",
                () if present else ("missing",), category=style.svg_class,
                tooltip=located(f"{object_kind} {object_name}", self._source(ref))))
            self.diagram.links.append(Link(volume_id, ref.id, "", "grey", "dashed", missing=not present,
                                           category="backed-by"))

    def finish(self) -> Diagram:
        diagram = self.diagram
        # Top to bottom (containers over the volumes they mount, the objects behind those under the node) keeps a
        # Pod as narrow as its volumes side by side, and a node's volume beside the Pod frame, not across its
        # title; a start order (init containers one after another) reads left to right instead.
        diagram.direction = "LR" if self.start_order else "TB"
        diagram.boxes.extend(sorted(self.objects.values(), key=lambda b: b.id))
        return diagram


def build_pod(graph: Graph, filters: Filters) -> Diagram:
    drawing = _PodDrawing(graph, filters.words)
    for drawn in pods_to_draw(graph, filters):
        drawing.add(drawn)
    return drawing.finish()


VIEW_BUILDERS: dict[str, ViewBuilder] = {"pod": build_pod}
