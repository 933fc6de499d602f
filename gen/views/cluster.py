"""The cluster itself, as the report's "Control Plane" and "Workload Plane" sections describe it.

- `control-plane`: kubeadm-style static Pods (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
  found by their `component` label or name) inside a "Control Plane (node)" frame, one per node they name. The
  links are the calls their flags reveal (gen/rules/calls.py), drawn as the plain talk they are (not as a guess):
  the API server is the one that reaches etcd, the others call the API server; a client (kubectl) outside the
  frame uses the API server's REST API. hostNetwork puts them in the node's network; their hostPath volumes
  (certificates, kubeconfigs, etcd's data) are named in each component's tooltip, not drawn: they outweighed the
  components the figure is about.
- `nodes`: every Node object (as `kubectl get nodes -o yaml` prints them) as a frame with its roles and address;
  in it the kubelet and container runtime of status.nodeInfo, the DaemonSets whose Pods run there (kube-proxy:
  nodeSelector and taints decide), and the Pods whose spec.nodeName is that node. Each kubelet talks to the
  control plane, one box above the nodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagram import Box, Colour, Diagram, Group, Link, Shape
from ..graph import Graph, NodeState, PodInstance, Relation
from ..kube import (
    containers,
    control_plane_component,
    mounts,
    node_info,
    node_roles,
    parse_image,
    runs_on,
    template_labels,
    volumes,
)
from ..model import Resource, as_list, as_mapping
from ..records import record
from ..words import FigureWords
from .base import Filters, ViewBuilder, located


@record(frozen=True)
class ComponentLook:
    badge: str
    shape: Shape
    colour: Colour
    rank: int  # left to right: the API server's clients, the API server, etcd
    # What the report says it does: the words `cluster.role.COMPONENT`, when it has them.
    has_role: bool = True


COMPONENTS: dict[str, ComponentLook] = {
    "kube-scheduler": ComponentLook("Scheduler", "rounded", "green", 0),
    "kube-controller-manager": ComponentLook("Controller Manager", "rounded", "green", 0),
    "kube-apiserver": ComponentLook("API Server", "rectangle", "blue", 1),
    "etcd": ComponentLook("etcd", "cylinder", "teal", 2),
}
OTHER_COMPONENT = ComponentLook("static Pod", "rounded", "neutral", 0, has_role=False)
FOLDER_RANK = 3


def _version(spec: Mapping[str, Any]) -> str:
    """The tag (or digest) of a Pod's first container image: the component's version."""
    first = next(containers(spec, ephemeral=False), None)
    image = parse_image(first.spec.get("image")) if first is not None else None
    return image.version if image is not None else ""


def _secure_port(spec: Mapping[str, Any]) -> str:
    for container in containers(spec, ephemeral=False):
        for arg in map(str, as_list(container.spec.get("command")) + as_list(container.spec.get("args"))):
            if arg.startswith("--secure-port="):
                return arg.partition("=")[2]
    return ""


def _real_pods(graph: Graph, filters: Filters) -> list[PodInstance]:
    pods = []
    for pod in graph.pods:
        node = graph.nodes.get(pod.ref)
        if node is not None and node.state is not NodeState.REAL:
            continue
        if not filters.keeps(pod.ref) or (filters.names and pod.ref.name not in filters.names):
            continue
        pods.append(pod)
    return pods


def _node_name(pod: PodInstance) -> str:
    name = pod.spec.get("nodeName")
    return str(name) if isinstance(name, str) and name.strip() else ""


def _host_paths(spec: Mapping[str, Any]) -> list[str]:
    """The node folders a Pod mounts (hostPath volumes), sorted, each once."""
    by_volume = volumes(spec)
    found = set()
    for container in containers(spec, ephemeral=False):
        for mount in mounts(container):
            host_path = as_mapping(by_volume.get(str(mount["name"]), {}).get("hostPath")).get("path")
            if isinstance(host_path, str) and host_path:
                found.add(host_path)
    return sorted(found)


CLIENT = "control-plane/client/kubectl"


def build_control_plane(graph: Graph, filters: Filters) -> Diagram:
    # Top to bottom (callers, API server, etcd): three short columns left to right were too wide for a page.
    diagram = Diagram(direction="TB",
                      empty_message="no control-plane static Pods (etcd, kube-apiserver, kube-controller-manager, "
                                    "kube-scheduler) for the control-plane view")
    drawn: dict[str, str] = {}  # Pod ref id → its box id (the same)
    frames: dict[str, bool] = {}  # node frame → every Pod in it has hostNetwork
    apiserver = ""
    words = filters.words
    pods = [p for p in _real_pods(graph, filters)
            if control_plane_component(p.ref.name, p.labels) or p.labels.get("tier") == "control-plane"]
    for pod in pods:
        component = control_plane_component(pod.ref.name, pod.labels)
        look = COMPONENTS[component] if component else OTHER_COMPONENT
        node = _node_name(pod)
        frame = f"control-plane/{node or 'node'}"
        host_network = pod.spec.get("hostNetwork") is True
        frames[frame] = frames.get(frame, True) and host_network
        network = f"{frame}/host-network" if host_network else frame
        port = _secure_port(pod.spec)
        role = words(f"cluster.role.{component}") if component and look.has_role else ""
        details = [d for d in (_version(pod.spec), f":{port} (HTTPS)" if port else "", role) if d]
        folders = _host_paths(pod.spec)
        tooltip = located(pod.ref.name, pod.source) + (f"\nhostPath: {', '.join(folders)}" if folders else "")
        diagram.boxes.append(Box(pod.ref.id, pod.ref.name, look.badge, look.shape, look.colour, details=tuple(details),
                                 group=network, tooltip=tooltip, rank=look.rank,
                                 category=f"component {component or 'static-pod'}"))
        drawn[pod.ref.id] = pod.ref.id
        if component == "kube-apiserver" and not apiserver:
            apiserver = pod.ref.id
    for frame, all_host_network in sorted(frames.items()):
        node = frame.split("/", 1)[1]
        label = "Control Plane (node)" if node == "node" else f"Control Plane (node {node})"
        diagram.groups.append(Group(frame, label, style="outer", category="node control-plane"))
        if any(box.group == f"{frame}/host-network" for box in diagram.boxes):
            text = words("cluster.host_network") if all_host_network else "hostNetwork: true"
            diagram.groups.append(Group(f"{frame}/host-network", text, frame, "inner", "network hostnetwork"))
    calls = sorted((e for e in graph.edges if e.relation is Relation.CALLS
                    and e.source.id in drawn and e.target.id in drawn), key=lambda e: (e.source, e.target))
    for edge in calls:
        flags = edge.label.replace("\n", ", ")
        # What the call is for, as the report says it; the flag that reveals it stays as the evidence.
        purpose = words("cluster.store" if control_plane_component(edge.target.name, {}) == "etcd"
                        else "cluster.api_call")
        diagram.links.append(Link(edge.source.id, edge.target.id, f"{purpose} {flags}".strip(), "blue",
                                  category="talks"))
    if apiserver:
        # Every API server serves clients: the one the report names (REST API) is drawn, marked as not in the input.
        # In the API server's row: beside the frame, its link enters from the side, clear of the frames' titles.
        diagram.boxes.append(Box(CLIENT, "kubectl", "client", "rounded", "neutral", "derived",
                                 (words("cluster.client"),), rank=COMPONENTS["kube-apiserver"].rank,
                                 category="client", tooltip=words("cluster.client_tooltip")))
        server = next(box for box in diagram.boxes if box.id == apiserver)
        https = next((d for d in server.details if d.endswith("(HTTPS)")), "")
        diagram.links.append(Link(CLIENT, apiserver, f"REST API {https}".strip(), "blue", category="talks"))
    return diagram


@record(frozen=True)
class NodeFacts:
    name: str
    resource: Resource | None  # None: a node Pods name that is not in the input
    roles: tuple[str, ...]


def _runtime(version: str) -> tuple[str, str]:
    """containerd://1.7.13 → (containerd, 1.7.13)."""
    name, sep, number = version.partition("://")
    return (name, number) if sep else (version or "container runtime", "")


def build_nodes(graph: Graph, filters: Filters) -> Diagram:
    diagram = Diagram(empty_message="no Node objects or Pods with spec.nodeName for the nodes view")
    nodes: dict[str, NodeFacts] = {}
    for resource in graph.inventory.of_kind("Node"):
        if not filters.names or resource.name in filters.names:
            nodes[resource.name] = NodeFacts(resource.name, resource, tuple(node_roles(resource.labels)))
    placed: dict[str, list[PodInstance]] = {}
    for pod in _real_pods(graph, Filters(filters.namespaces)):
        node = _node_name(pod)
        if node and (not filters.names or node in filters.names):
            placed.setdefault(node, []).append(pod)
            nodes.setdefault(node, NodeFacts(node, None, ()))
    if not nodes:
        return diagram
    control_node = next((n for n in sorted(nodes) if "control-plane" in nodes[n].roles
                         or "master" in nodes[n].roles), None)
    apiserver = next((p for p in graph.pods if control_plane_component(p.ref.name, p.labels) == "kube-apiserver"),
                     None)
    # The plane every kubelet talks to, above the nodes (its static Pods run on the control-plane node).
    details = [apiserver.ref.name if apiserver else "kube-apiserver"]
    if control_node:
        details.append(filters.words("cluster.static_pods", node=control_node))
    diagram.boxes.append(Box("control-plane", "Control Plane", "API Server", "rectangle", "blue",
                             details=tuple(details), category="control-plane"))
    diagram.groups.append(Group("workload-plane", "Workload Plane", style="outer", category="workload-plane"))
    daemon_sets = sorted((d for d in graph.inventory.of_kind("DaemonSet") if filters.keeps(d.ref)), key=lambda d: d.ref)
    for name in sorted(nodes):
        _draw_node(diagram, nodes[name], placed.get(name, []), daemon_sets, filters.words)
    return diagram


def _draw_node(diagram: Diagram, facts: NodeFacts, pods: list[PodInstance], daemon_sets: list[Resource],
               words: FigureWords) -> None:
    frame = f"node/{facts.name}"
    roles = ",".join(facts.roles) or "worker"
    address = ""
    if facts.resource is not None:
        status = as_mapping(facts.resource.body.get("status"))
        addresses = [as_mapping(a) for a in as_list(status.get("addresses"))]
        address = next((str(a.get("address")) for a in addresses if a.get("type") == "InternalIP"), "")
    label = " · ".join(filter(None, [f"node {facts.name}", f"roles: {roles}", address]))
    if facts.resource is None:
        label += words("cluster.no_node_object")
    diagram.groups.append(Group(frame, label, "workload-plane", "inner", "node"))
    info = node_info(facts.resource) if facts.resource is not None else {}
    kubelet, runtime = f"{frame}/kubelet", f"{frame}/container-runtime"
    where = facts.resource.source if facts.resource is not None else None
    diagram.boxes.append(Box(kubelet, "kubelet", words("cluster.node_agent"), "rounded", "green",
                             details=tuple(filter(None, [info.get("kubeletVersion", ""),
                                                         words("cluster.manages_pods")])),
                             group=frame, category="kubelet",
                             tooltip=located(words("cluster.kubelet_tooltip", node=facts.name), where)))
    runtime_name, runtime_version = _runtime(info.get("containerRuntimeVersion", ""))
    diagram.boxes.append(Box(runtime, runtime_name, "container runtime", "rounded", "purple",
                             details=tuple(filter(None, [runtime_version, words("cluster.runs_containers")])),
                             group=frame, category="container-runtime",
                             tooltip=located(words("cluster.runtime_tooltip", node=facts.name, runtime=runtime_name),
                                             where)))
    # Drawn from the plane down to the kubelet without a head: it places the plane above the nodes, and the kubelet
    # both reports to and watches the API server. One word on it (the plane is named at its end): the longer
    # label made the figure too wide for the text column.
    diagram.links.append(Link("control-plane", kubelet, words("cluster.talks"), "blue", category="talks", arrow=False))
    diagram.links.append(Link(kubelet, runtime, "CRI", "green", category="cri"))
    for daemon_set in daemon_sets:
        spec = as_mapping(as_mapping(daemon_set.spec.get("template")).get("spec"))
        if facts.resource is not None and not runs_on(spec, facts.resource):
            continue
        box_id = f"{frame}/{daemon_set.ref.id}"
        labels = template_labels(as_mapping(daemon_set.spec.get("template")))
        role = words("cluster.load_balancing") if "kube-proxy" in (daemon_set.name, labels.get("k8s-app")) else ""
        details = tuple(filter(None, [_version(spec), words("cluster.daemon_set"), role]))
        diagram.boxes.append(Box(box_id, daemon_set.name, "ds", "stack", "green", details=details, group=frame,
                                 tooltip=located(f"DaemonSet {daemon_set.ref.name}", daemon_set.source),
                                 category="daemonset"))
        diagram.links.append(Link(runtime, box_id, "", "grey", "dashed", category="runs"))
    for pod in pods:
        names = [c.name for c in containers(pod.spec, ephemeral=False)]
        component = control_plane_component(pod.ref.name, pod.labels)
        badge = f"static Pod · {component}" if component else "po"
        diagram.boxes.append(Box(pod.ref.id, pod.ref.name, badge, "rounded", "yellow", details=tuple(names),
                                 group=frame, tooltip=located(f"Pod {pod.ref.name}", pod.source), category="pod"))
        diagram.links.append(Link(runtime, pod.ref.id, "", "grey", "dashed", category="runs"))


VIEW_BUILDERS: dict[str, ViewBuilder] = {"control-plane": build_control_plane, "nodes": build_nodes}
