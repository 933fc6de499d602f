"""The pod view: a Pod's network namespace, containers in start order, sidecars, volumes and where data lives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from svg_shapes import Rect, elements, label_problems, nodes

from gen.diagram import Box, Diagram
from gen.graph import Graph
from gen.loading import load
from gen.render import render_diagram
from gen.rules import derive
from gen.views import Filters, build_view

ROOT = Path(__file__).resolve().parents[2]

POD = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
        - {name: migrate, image: busybox}
        - {name: proxy, image: envoy, restartPolicy: Always, ports: [{containerPort: 9901}]}
        - name: seed
          image: busybox
          volumeMounts: [{name: html, mountPath: /seed}]
      containers:
        - name: nginx
          image: nginx
          ports: [{name: http, containerPort: 8080}, {containerPort: 8125, protocol: UDP}]
          volumeMounts:
            - {name: html, mountPath: /usr/share/nginx/html, readOnly: true}
            - {name: config, mountPath: /etc/nginx/conf.d, readOnly: true}
            - {name: logs, mountPath: /var/log/nginx}
        - name: log-shipper
          image: fluent-bit
          volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}, {name: node, mountPath: /host}]
        - {name: metrics, image: exporter, ports: [{containerPort: 9113}]}
      volumes:
        - {name: html, emptyDir: {}}
        - {name: logs, emptyDir: {medium: Memory}}
        - {name: node, hostPath: {path: /var/log}}
        - {name: config, configMap: {name: web-config}}
        - {name: token, secret: {secretName: web-token}}
        - {name: data, persistentVolumeClaim: {claimName: web-data}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {default.conf: "server {}"}
---
apiVersion: v1
kind: Secret
metadata: {name: web-token, namespace: shop}
data: {token: c2VjcmV0LXZhbHVl}
"""


KOREAN = Filters(language="ko")  # the report's words


@pytest.fixture
def diagram(graph_of: Callable[..., Graph]) -> Diagram:
    return build_view(graph_of(POD), "pod", KOREAN)


def _boxes(diagram: Diagram) -> dict[str, Box]:
    return {box.id: box for box in diagram.boxes}


P = "pod/Deployment/shop/web"


def test_one_pod_per_workload_with_its_replicas_as_a_detail(diagram: Diagram) -> None:
    groups = {g.id: g for g in diagram.groups}
    assert set(groups) == {P, f"{P}/node", f"{P}/network"}
    assert groups[P].style == "accent" and groups[P].parent == f"{P}/node"
    assert groups[P].label == "pod web (Deployment의 template, ×3 replicas) · volume은 컨테이너 시작 전에 생성"
    assert groups[f"{P}/network"].parent == P and "network namespace" in groups[f"{P}/network"].label


def test_containers_share_one_interface_reached_at_their_ports_and_localhost(diagram: Diagram) -> None:
    boxes = _boxes(diagram)
    containers = [b for b in diagram.boxes if b.category == "container"]
    assert [b.title for b in containers] == ["migrate", "proxy", "seed", "nginx", "log-shipper", "metrics"]
    assert all(b.group == f"{P}/network" for b in containers)
    interface = boxes[f"{P}/interface"]
    assert interface.title == "eth0" and interface.group == f"{P}/network" and "Pod IP" in interface.details[0]
    # The ports are on the interface's links (so the text alternative names them), not repeated on the boxes.
    ports = {link.target.rsplit("/", 1)[1]: link.label for link in diagram.links if link.category == "listens"}
    assert ports == {"proxy": ":9901/TCP", "nginx": "http :8080/TCP, :8125/UDP", "metrics": ":9113/TCP"}
    assert boxes[f"{P}/container/nginx"].details == ()
    localhost = [(link.source.rsplit("/", 1)[1], link.target.rsplit("/", 1)[1], link.arrow)
                 for link in diagram.links if link.category == "localhost"]
    assert localhost == [("proxy", "nginx", False), ("nginx", "metrics", False)]


ONE_LISTENER = """
apiVersion: v1
kind: Pod
metadata: {name: logs}
spec:
  containers:
    - {name: app, image: app, ports: [{containerPort: 80}], volumeMounts: [{name: data, mountPath: /data}]}
    - {name: shipper, image: shipper, volumeMounts: [{name: data, mountPath: /data}, {name: node, mountPath: /h}]}
  volumes:
    - {name: data, emptyDir: {}}
    - {name: node, hostPath: {path: /var/log}}
"""


def test_a_figure_of_volumes_draws_no_network_and_says_how_long_each_volume_lives(
        graph_of: Callable[..., Graph]) -> None:
    """One listening container shares its network with no one: its port is a detail, no network frame is drawn.
    The volumes say what the report's Volume section says: made before the containers start, an emptyDir made and
    deleted with the Pod and kept across a container's restart, a hostPath left on the node for other Pods."""
    diagram = build_view(graph_of(ONE_LISTENER), "pod", KOREAN)
    pod = "pod/Pod/default/logs"
    groups = {g.id: g for g in diagram.groups}
    assert not [g for g in diagram.groups if "network" in g.category]
    assert not [b for b in diagram.boxes if b.category == "interface"]
    boxes = _boxes(diagram)
    assert boxes[f"{pod}/container/app"].details == (":80/TCP",) and boxes[f"{pod}/container/app"].group == pod
    assert groups[pod].label == "pod logs · volume은 컨테이너 시작 전에 생성"
    assert boxes[f"{pod}/volume/data"].group == pod
    assert boxes[f"{pod}/volume/data"].details == ("emptyDir", "Pod와 함께 생성·삭제", "재시작에도 유지")
    assert boxes[f"{pod}/volume/node"].group == f"{pod}/node"
    assert boxes[f"{pod}/volume/node"].details == ("hostPath /var/log", "node에 남음", "다른 Pod와 공유")
    # No start order to read left to right: containers over their volumes.
    assert diagram.direction == "TB"


def test_roles_init_native_sidecar_main_classic_sidecar_and_peer(diagram: Diagram) -> None:
    badges = {b.title: b.badge for b in diagram.boxes if b.category == "container"}
    assert badges == {
        "migrate": "초기화 컨테이너 1", "proxy": "네이티브 사이드카 (2)", "seed": "초기화 컨테이너 3",
        "nginx": "주 컨테이너", "log-shipper": "사이드카", "metrics": "컨테이너",
    }
    details = {b.title: b.details for b in diagram.boxes}
    assert "restartPolicy: Always" in details["proxy"]
    assert "logs 공유" in details["log-shipper"]


def test_english_roles_volumes_and_frames(graph_of: Callable[..., Graph]) -> None:
    """The same Pod in an English figure (the default): the roles, lifetimes and frames in English words."""
    diagram = build_view(graph_of(POD), "pod")
    badges = {b.title: b.badge for b in diagram.boxes if b.category == "container"}
    assert badges == {"migrate": "init container 1", "proxy": "native sidecar (2)", "seed": "init container 3",
                      "nginx": "main container", "log-shipper": "sidecar", "metrics": "container"}
    boxes = _boxes(diagram)
    assert "shares logs" in boxes[f"{P}/container/log-shipper"].details
    assert boxes[f"{P}/volume/html"].details == ("emptyDir", "lives with the Pod", "survives restarts")
    groups = {g.id: g.label for g in diagram.groups}
    assert groups[P] == "pod web (Deployment's template, ×3 replicas) · volumes made before containers"
    assert groups[f"{P}/network"] == "network namespace · one port space"
    assert {link.label for link in diagram.links if link.category == "then"} == {"then"}


def test_start_order_is_linked_then(diagram: Diagram) -> None:
    then = [(link.source.rsplit("/", 1)[1], link.target.rsplit("/", 1)[1]) for link in diagram.links
            if link.category == "then"]
    assert then == [("migrate", "proxy"), ("proxy", "seed"), ("seed", "nginx"), ("seed", "log-shipper"),
                    ("seed", "metrics")]


def test_volumes_live_where_their_data_lives(diagram: Diagram) -> None:
    boxes = _boxes(diagram)
    assert boxes[f"{P}/volume/html"].group == P  # emptyDir: with the Pod
    assert "Pod와 함께 생성·삭제" in boxes[f"{P}/volume/html"].details
    assert boxes[f"{P}/volume/logs"].details[0] == "emptyDir (Memory)"
    assert boxes[f"{P}/volume/node"].group == f"{P}/node"  # hostPath: on the node, outside the Pod
    assert boxes[f"{P}/volume/node"].details[0] == "hostPath /var/log"
    for volume, target in (("config", "ConfigMap/shop/web-config"), ("token", "Secret/shop/web-token"),
                           ("data", "PersistentVolumeClaim/shop/web-data")):
        assert boxes[f"{P}/volume/{volume}"].group == P
        assert boxes[target].group is None  # the object lies outside the node
        assert any(link.source == f"{P}/volume/{volume}" and link.target == target for link in diagram.links)
    assert boxes["PersistentVolumeClaim/shop/web-data"].state == "missing"
    assert boxes["ConfigMap/shop/web-config"].state == "real"


def test_mount_links_carry_path_and_read_only(diagram: Diagram) -> None:
    mounts = {(link.source.rsplit("/", 1)[1], link.target.rsplit("/", 1)[1]): link.label
              for link in diagram.links if link.category == "mount"}
    assert mounts == {
        ("seed", "html"): "/seed", ("nginx", "html"): "/usr/share/nginx/html (ro)",
        ("nginx", "config"): "/etc/nginx/conf.d (ro)", ("nginx", "logs"): "/var/log/nginx",
        ("log-shipper", "logs"): "/logs (ro)", ("log-shipper", "node"): "/host",
    }


HOST_NETWORK = """
apiVersion: v1
kind: Pod
metadata:
  name: agent
  annotations: {kubectl.kubernetes.io/default-container: agent}
spec:
  hostNetwork: true
  containers:
    - {name: helper, image: busybox}
    - {name: agent, image: agent, ports: [{containerPort: 9100, hostPort: 9100}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other}
spec: {containers: [{name: app-sidecar, image: x}, {name: app, image: y}]}
"""


def test_host_network_puts_the_network_frame_outside_the_pod(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(HOST_NETWORK), "pod", KOREAN)
    groups = {g.id: g for g in diagram.groups}
    pod = "pod/Pod/default/agent"
    assert groups[f"{pod}/network"].parent == f"{pod}/node"
    assert groups[pod].parent == f"{pod}/network"
    assert "hostNetwork: true" in groups[f"{pod}/network"].label
    boxes = _boxes(diagram)
    assert boxes[f"{pod}/container/agent"].group == pod
    # The annotation names the primary container; a real Pod is drawn as itself.
    assert boxes[f"{pod}/container/agent"].badge == "주 컨테이너"
    assert boxes[f"{pod}/container/helper"].badge == "컨테이너"
    # A container named as a sidecar is one even when it is listed first and shares nothing.
    assert boxes["pod/Pod/default/other/container/app-sidecar"].badge == "사이드카"
    assert boxes["pod/Pod/default/other/container/app"].badge == "주 컨테이너"


def test_filters_pick_pods(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of(HOST_NETWORK + "---\n" + POD)
    assert {g.id for g in build_view(graph, "pod", Filters(names={"web"})).groups if g.category == "pod"} == {P}
    assert {g.id for g in build_view(graph, "pod", Filters(kinds={"Pod"})).groups if g.category == "pod"} == {
        "pod/Pod/default/agent", "pod/Pod/default/other"}
    assert {g.id for g in build_view(graph, "pod", Filters(namespaces={"shop"})).groups
            if g.category == "pod"} == {P}


def _svg(*paths: str, view: str = "pod") -> str:
    loaded = load([str(ROOT / "manifests" / p) for p in paths])
    assert not loaded.failed
    return render_diagram(build_view(derive(loaded.inventory()), view)).decode()


@pytest.mark.exe
def test_init_containers_are_drawn_left_to_right_before_the_main_container() -> None:
    found = nodes(_svg("pods/init-containers.yaml"))
    pod = "pod/Pod/pods/web-with-init/container"
    xs = [found[f"{pod}/{name}"].bounds.left for name in ("wait-for-api", "write-page", "web")]
    assert xs == sorted(xs) and len(set(xs)) == 3


@pytest.mark.exe
def test_host_path_is_outside_the_pod_frame_and_objects_outside_the_node() -> None:
    svg = _svg("volumes/")
    found = nodes(svg)
    pod = "pod/Deployment/volumes/log-collector"
    frames = {t.content: e.outline.bounds for e in elements(svg) if e.kind == "cluster" and e.outline
              for t in e.texts}
    pod_frame = next(bounds for text, bounds in frames.items() if text.startswith("pod log-collector"))
    node_frame = frames["node"]
    host_path = found[f"{pod}/volume/node-logs"].bounds
    empty_dir = found[f"{pod}/volume/app-logs"].bounds
    secret = found["Secret/volumes/log-shipper-credentials"].bounds

    def inside(inner: Rect, outer: Rect) -> bool:
        return (outer.left <= inner.left and inner.right <= outer.right and outer.top <= inner.top
                and inner.bottom <= outer.bottom)

    assert inside(empty_dir, pod_frame)
    assert inside(host_path, node_frame) and not inside(host_path, pod_frame)
    assert not inside(secret, node_frame)
    assert "Y2hhbmdlLW1l" not in svg and "change-me" not in svg  # the Secret's value never shows


@pytest.mark.exe
@pytest.mark.parametrize("paths", [("pods/two-containers.yaml",), ("pods/sidecar.yaml",),
                                   ("pods/init-containers.yaml",), ("volumes/",), ("sample-app/",)], ids=str)
def test_no_text_crosses_a_border(paths: tuple[str, ...]) -> None:
    assert label_problems(_svg(*paths)) == []


@pytest.mark.corpus
def test_native_sidecar_from_the_kubernetes_examples(corpus: Path) -> None:
    path = corpus / "k8s-website-examples/content/en/examples/application/deployment-sidecar.yaml"
    diagram = build_view(derive(load([str(path)]).inventory()), "pod")
    boxes = {b.title: b for b in diagram.boxes if b.category == "container"}
    assert boxes["logshipper"].badge.startswith("native sidecar")
    assert boxes["myapp"].badge == "main container"
    assert any(link.category == "then" and link.source.endswith("/logshipper") and link.target.endswith("/myapp")
               for link in diagram.links)
