"""The control-plane and nodes views, on the project's manifests (figures 4 and 5) and on the corpus."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gen.diagram import Diagram
from gen.graph import Graph
from gen.pipeline import analyse
from gen.render import diagram_to_dot, render_diagram
from gen.views import Filters, build_view
from gen.words import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
CONTROL_PLANE = ROOT / "manifests" / "cluster" / "control-plane"
NODES = ROOT / "manifests" / "cluster" / "nodes"
EDGE = re.compile(r'^\s*"(?P<tail>[^"]+)"(?::\w+:\w)? -> "(?P<head>[^"]+)"(?::\w+:\w)? \[(?P<attrs>.*)\];$')

GraphOf = Callable[..., Graph]
KOREAN = Filters(language="ko")  # the report's words


def _graph(*paths: Path) -> Graph:
    loaded, graph = analyse([str(p) for p in paths])
    assert not loaded.failed
    return graph


def _edges(dot: str) -> list[tuple[str, str, str]]:
    return [(m["tail"], m["head"], m["attrs"]) for m in map(EDGE.match, dot.splitlines()) if m is not None]


APISERVER, ETCD = "Pod/kube-system/kube-apiserver", "Pod/kube-system/etcd"
SCHEDULER, CONTROLLERS = "Pod/kube-system/kube-scheduler", "Pod/kube-system/kube-controller-manager"


def test_control_plane_is_four_components_in_a_node_frame() -> None:
    diagram = build_view(_graph(CONTROL_PLANE), "control-plane")
    components = {b.id: b for b in diagram.boxes if "component" in b.category}
    assert set(components) == {APISERVER, ETCD, SCHEDULER, CONTROLLERS}
    assert components[ETCD].shape == "cylinder"
    assert components[APISERVER].badge == "API Server" and ":6443 (HTTPS)" in components[APISERVER].details
    groups = {g.id: g for g in diagram.groups}
    assert groups["control-plane/node"].label == "Control Plane (node)"
    network = groups["control-plane/node/host-network"]
    assert network.parent == "control-plane/node" and "hostNetwork: true" in network.label
    assert all(b.group == network.id for b in components.values())


def test_only_the_api_server_talks_to_etcd_and_the_others_and_a_client_call_the_api_server() -> None:
    diagram = build_view(_graph(CONTROL_PLANE), "control-plane", KOREAN)
    talks = sorted((link.source, link.target, link.label) for link in diagram.links if link.category == "talks")
    assert talks == [(APISERVER, ETCD, "저장·조회 --etcd-servers :2379"),
                     (CONTROLLERS, APISERVER, "API 호출 --kubeconfig"), (SCHEDULER, APISERVER, "API 호출 --kubeconfig"),
                     ("control-plane/client/kubectl", APISERVER, "REST API :6443 (HTTPS)")]
    # Drawn as the plain calls the report describes, not as faint inferred ones.
    assert all(link.line == "solid" and link.colour == "blue" for link in diagram.links)
    client = next(b for b in diagram.boxes if b.id == "control-plane/client/kubectl")
    assert client.title == "kubectl" and client.group is None and client.state == "derived"  # outside, not input


def test_host_paths_are_named_in_the_tooltips_not_drawn() -> None:
    diagram = build_view(_graph(CONTROL_PLANE), "control-plane")
    assert not [b for b in diagram.boxes if b.shape == "folder"] and not [
        link for link in diagram.links if link.category == "mount"]
    tooltips = {b.id: b.tooltip for b in diagram.boxes}
    assert tooltips[APISERVER].endswith("hostPath: /etc/kubernetes/pki, /etc/ssl/certs")
    assert tooltips[ETCD].endswith("hostPath: /etc/kubernetes/pki/etcd, /var/lib/etcd")


@pytest.mark.exe
@pytest.mark.parametrize("language", LANGUAGES)
def test_control_plane_svg_reads_top_to_bottom_callers_api_server_etcd(
        svg_positions: Callable[[str], dict[str, tuple[float, float, float]]], language: str) -> None:
    diagram = build_view(_graph(CONTROL_PLANE), "control-plane", Filters(language=language))
    svg = render_diagram(diagram, "svg").decode()
    where = svg_positions(svg)
    assert where[SCHEDULER][1] < where[APISERVER][1] < where[ETCD][1]
    assert where[CONTROLLERS][1] < where[APISERVER][1]
    heads_into_etcd = [tail for tail, head, _ in _edges(diagram_to_dot(diagram)) if head == ETCD]
    assert heads_into_etcd == [APISERVER]
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    assert width < 500  # fits the text column


def test_an_empty_input_says_why() -> None:
    diagram = build_view(Graph(), "control-plane")
    assert diagram.boxes == [] and "control-plane" in diagram.empty_message
    assert build_view(Graph(), "nodes").boxes == []


def _nodes_diagram() -> Diagram:
    return build_view(_graph(NODES), "nodes", KOREAN)


def test_each_node_is_a_frame_with_roles_kubelet_and_runtime_from_node_info() -> None:
    diagram = _nodes_diagram()
    frames = {g.id: g.label for g in diagram.groups if g.category == "node"}
    assert frames == {"node/cp-1": "node cp-1 · roles: control-plane · 192.168.0.10",
                      "node/worker-1": "node worker-1 · roles: worker · 192.168.0.11",
                      "node/worker-2": "node worker-2 · roles: worker · 192.168.0.12"}
    boxes = {b.id: b for b in diagram.boxes}
    for node in ("cp-1", "worker-1", "worker-2"):
        assert "v1.29.3" in boxes[f"node/{node}/kubelet"].details
        runtime = boxes[f"node/{node}/container-runtime"]
        assert (runtime.title, runtime.details[0]) == ("containerd", "1.7.13")
        proxy = boxes[f"node/{node}/DaemonSet/kube-system/kube-proxy"]
        assert proxy.group == f"node/{node}" and "DaemonSet: node마다 하나" in proxy.details
    talks = sorted(link.target for link in diagram.links if link.source == "control-plane")
    assert talks == ["node/cp-1/kubelet", "node/worker-1/kubelet", "node/worker-2/kubelet"]


def test_pods_sit_on_the_node_their_spec_node_name_names() -> None:
    boxes = {b.id: b for b in _nodes_diagram().boxes}
    assert boxes["Pod/default/web-7d4b9c8f6-x2kqp"].group == "node/worker-1"
    assert boxes["Pod/default/api-5c7f8d9b4-q9hvn"].group == "node/worker-1"
    assert boxes["Pod/default/web-7d4b9c8f6-m8wzt"].group == "node/worker-2"


def test_a_daemon_set_runs_only_where_its_selector_and_taints_allow(graph_of: GraphOf) -> None:
    nodes = (NODES / "nodes.yaml").read_text(encoding="utf-8")
    agent = """---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: log-agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: log-agent}}
  template:
    metadata: {labels: {app: log-agent}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: agent, image: fluent/fluent-bit:3.0}]
"""
    diagram = build_view(graph_of(nodes + agent), "nodes")
    placed = sorted(b.group or "" for b in diagram.boxes if b.title == "log-agent")
    assert placed == ["node/worker-1", "node/worker-2"]  # no toleration for the control-plane taint


def test_a_pod_on_a_node_not_in_the_input_gets_a_frame_saying_so(graph_of: GraphOf) -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {nodeName: n9, containers: [{name: c, image: x}]}\n"
    diagram = build_view(graph_of(pod), "nodes")
    labels = [g.label for g in diagram.groups if g.category == "node"]
    assert labels == ["node n9 · roles: worker (no Node object in the input)"]
    korean = build_view(graph_of(pod), "nodes", KOREAN)
    assert [g.label for g in korean.groups if g.category == "node"] == [
        "node n9 · roles: worker (Node 객체가 입력에 없음)"]
    assert next(b for b in diagram.boxes if b.id == "Pod/default/p").group == "node/n9"


@pytest.mark.exe
def test_nodes_svg_draws_the_control_plane_left_of_every_kubelet(
        svg_positions: Callable[[str], dict[str, tuple[float, float, float]]]) -> None:
    svg = render_diagram(_nodes_diagram(), "svg").decode()
    where = svg_positions(svg)
    for node in ("cp-1", "worker-1", "worker-2"):
        assert where["control-plane"][2] < where[f"node/{node}/kubelet"][2] < \
            where[f"node/{node}/container-runtime"][2]


@pytest.mark.exe
def test_microservices_demo_network_view_draws_its_sixteen_calls(corpus: Path) -> None:
    graph = _graph(corpus / "microservices-demo-release")
    dot = render_diagram(build_view(graph, "network"), "dot").decode()
    into_services = [(tail, head, attrs) for tail, head, attrs in _edges(dot)
                     if head.startswith("Service/default/") and tail.split("/")[0] in ("Deployment", "Pod")]
    assert all('class="calls"' in attrs and 'style="dotted"' in attrs for _, _, attrs in into_services)
    pairs = sorted((tail.split("/")[-1], head.split("/")[-1]) for tail, head, _ in into_services)
    assert len(pairs) == 16 and len(set(pairs)) == 16
    assert sum(1 for tail, _ in pairs if tail == "frontend") == 7
    assert sum(1 for tail, _ in pairs if tail == "checkoutservice") == 6
    assert ("recommendationservice", "productcatalogservice") in pairs
    assert ("cartservice", "redis-cart") in pairs and ("loadgenerator", "frontend") in pairs


def test_kubeadm_corpus_control_plane_view_links_api_server_to_etcd(corpus: Path) -> None:
    diagram = build_view(_graph(corpus / "kubeadm-static-pods-dolittle" / "manifests"), "control-plane")
    calls = {(link.source, link.target) for link in diagram.links if link.category == "talks"}
    assert (APISERVER, ETCD) in calls
    assert [source for source, target in calls if target == ETCD] == [APISERVER]


@pytest.mark.exe
@pytest.mark.parametrize(("view", "folder"), [("control-plane", CONTROL_PLANE), ("nodes", NODES)])
def test_cluster_views_are_deterministic_whatever_the_input_order(view: str, folder: Path) -> None:
    files = sorted(folder.glob("*.yaml"))
    first = render_diagram(build_view(_graph(*files), view), "svg")
    again = render_diagram(build_view(_graph(*reversed(files)), view), "svg")
    assert first == again and first.count(b'<g id="node') >= 4
