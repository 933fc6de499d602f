"""Views: which part of the graph a figure shows and how each resource is presented."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gen.graph import Graph
from gen.model import Inventory
from gen.records import replace
from gen.rules import derive
from gen.views import VIEWS, Filters, build_view

APP = """
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: nginx
          image: nginx
          ports: [{name: http, containerPort: 8080}]
          envFrom: [{configMapRef: {name: settings}}, {secretRef: {name: gone}}]
          volumeMounts: [{name: cache, mountPath: /cache}]
      volumes: [{name: cache, emptyDir: {}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: jobs}
spec:
  replicas: 6
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: w, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
"""


@pytest.fixture
def graph(graph_of: Callable[..., Graph]) -> Graph:
    return graph_of(APP)


def _ids(graph: Graph, view: str = "topology", filters: Filters | None = None) -> set[str]:
    return {box.id for box in build_view(graph, view, filters).boxes}


def test_namespaces_are_groups_not_boxes(graph: Graph) -> None:
    diagram = build_view(graph)
    assert "Namespace/shop" not in {box.id for box in diagram.boxes}
    assert {"ns/shop", "ns/jobs"} <= {group.id for group in diagram.groups}


def test_network_view_keeps_traffic_and_workloads(graph: Graph) -> None:
    ids = _ids(graph, "network")
    assert {"Service/shop/web", "Deployment/shop/web", "ReplicaSet/shop/web", "Pod/shop/web-1"} <= ids
    assert not any(i.startswith(("ConfigMap/", "Secret/", "Volume/")) for i in ids)


def test_storage_view_keeps_configuration_and_volumes(graph: Graph) -> None:
    ids = _ids(graph, "storage")
    assert {"ConfigMap/shop/settings", "Secret/shop/gone", "Volume/shop/web-1/cache", "Pod/shop/web-1"} <= ids
    assert "Service/shop/web" not in ids


def test_the_views_the_readme_promises_are_registered_and_listed(root: Path) -> None:
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| view | shows |"):]
    rows = [row.split("|")[1] for row in table[:table.index("\n\n")].splitlines()[2:]]
    documented = [name for row in rows for name in re.findall(r"`([\w-]+)`", row)]
    assert documented[:3] == ["topology", "network", "storage"]
    assert sorted(documented) == sorted(VIEWS)  # every registered view is documented, and nothing else
    listed = subprocess.run([sys.executable, "-m", "gen.cli", "views"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(VIEWS)
    assert all(len(line.split(maxsplit=1)) == 2 for line in listed.stdout.splitlines())  # each with what it shows


def test_an_unknown_view_name_is_a_key_error(graph: Graph) -> None:
    with pytest.raises(KeyError):
        build_view(graph, "sideways")


def test_box_states(graph: Graph) -> None:
    boxes = {box.id: box for box in build_view(graph).boxes}
    assert boxes["Deployment/shop/web"].state == "real"
    assert boxes["Pod/shop/web-1"].state == "derived"
    assert boxes["Secret/shop/gone"].state == "missing"
    assert "missing" in boxes["Secret/shop/gone"].details
    assert boxes["Pod/jobs/worker"].title == "worker ×6"
    assert boxes["Volume/shop/web-1/cache"].title == "cache"


def test_missing_target_marks_the_link(graph: Graph) -> None:
    links = {(link.source, link.target): link for link in build_view(graph).links}
    assert links[("Pod/shop/web-1", "Secret/shop/gone")].missing
    assert not links[("Pod/shop/web-1", "ConfigMap/shop/settings")].missing


def test_tooltip_names_the_source(graph: Graph) -> None:
    boxes = {box.id: box for box in build_view(graph).boxes}
    assert boxes["Deployment/shop/web"].tooltip.startswith("Deployment/shop/web — <stdin>:")
    # a derived Pod names the manifest it comes from (its Deployment's), then its key facts
    assert boxes["Pod/shop/web-1"].tooltip.startswith("Pod/shop/web-1 (derived) — <stdin>:")
    assert boxes["Pod/shop/web-1"].tooltip.split("\n")[1:] == ["images: nginx", "ports: 8080/TCP (http)"]


def test_namespace_filter(graph: Graph) -> None:
    ids = _ids(graph, filters=Filters(namespaces={"jobs"}))
    assert ids == {"Deployment/jobs/worker", "ReplicaSet/jobs/worker", "Pod/jobs/worker"}


def test_kind_filter_keeps_what_hangs_off(graph: Graph) -> None:
    ids = _ids(graph, filters=Filters(kinds={"Deployment"}, names={"web"}))
    assert {"Deployment/shop/web", "ReplicaSet/shop/web", "Pod/shop/web-1", "Volume/shop/web-1/cache"} <= ids
    assert "Deployment/jobs/worker" not in ids and "Service/shop/web" not in ids


def test_boxes_and_links_come_in_a_fixed_order(graph: Graph) -> None:
    diagram = build_view(graph)
    # Boxes by group, then rank (traffic order: Service → Deployment → ReplicaSet → …), then name; a replica group
    # sorts after its application's group.
    assert [box.id for box in diagram.boxes] == [
        "Deployment/jobs/worker", "ReplicaSet/jobs/worker", "Pod/jobs/worker",
        "Service/shop/web", "Deployment/shop/web", "ReplicaSet/shop/web", "ConfigMap/shop/settings",
        "Secret/shop/gone", "Volume/shop/web-1/cache", "Volume/shop/web-2/cache",
        "Pod/shop/web-1", "Pod/shop/web-2",
    ]
    assert [(link.source, link.target, link.label) for link in diagram.links] == [
        ("Deployment/jobs/worker", "ReplicaSet/jobs/worker", ""),
        ("Deployment/shop/web", "ReplicaSet/shop/web", ""),
        ("Pod/shop/web-1", "ConfigMap/shop/settings", "envFrom"),
        ("Pod/shop/web-1", "Secret/shop/gone", "envFrom"),
        ("Pod/shop/web-1", "Volume/shop/web-1/cache", "/cache"),
        ("Pod/shop/web-2", "Volume/shop/web-2/cache", "/cache"),
        ("ReplicaSet/jobs/worker", "Pod/jobs/worker", ""),
        ("ReplicaSet/shop/web", "Pod/shop/web-1", ""),
        ("Service/shop/web", "Pod/shop/web-1", "80→http(8080)/TCP"),
    ]
    assert [group.id for group in diagram.groups] == [
        "ns/jobs", "ns/jobs/app/worker", "ns/shop", "ns/shop/app/web", "ns/shop/app/web/replicas/ReplicaSet/shop/web",
    ]


def test_the_order_of_the_input_does_not_change_the_diagram(graph: Graph,
                                                            graph_of: Callable[..., Graph]) -> None:
    documents = APP.strip().split("\n---\n")
    assert len(documents) == 5
    reversed_graph = graph_of("\n---\n".join(reversed(documents)))
    forward, backward = build_view(graph), build_view(reversed_graph)
    # Tooltips name each object's line in the input, which moved; everything else is the same.
    assert [replace(box, tooltip="") for box in backward.boxes] == [replace(box, tooltip="") for box in forward.boxes]
    assert backward.links == forward.links and backward.groups == forward.groups


def test_only_shared_links_leave_the_replica_group(graph: Graph) -> None:
    links = {(link.source, link.target): link for link in build_view(graph).links}
    assert links[("Pod/shop/web-1", "Volume/shop/web-1/cache")].source_group is None


def test_a_node_related_only_outside_the_view_is_left_out(inventory_of: Callable[..., Inventory]) -> None:
    inventory = inventory_of(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\n"
        "spec: {tls: [{secretName: web-tls}]}\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls, namespace: shop}\ntype: kubernetes.io/tls\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unused, namespace: shop}\n"
    )
    graph = derive(inventory)
    storage = {box.id for box in build_view(graph, "storage").boxes}
    assert "Secret/shop/web-tls" not in storage  # only the Ingress, outside this view, uses it
    assert "ConfigMap/shop/unused" in storage  # related to nothing: still part of the storage picture
    assert "Secret/shop/web-tls" in {box.id for box in build_view(graph, "topology").boxes}


def test_two_kinds_of_one_name_are_two_boxes_named_by_group(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of("""\
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: helloworld-gateway}
        spec: {selector: {istio: ingressgateway}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: helloworld-gateway}
        spec: {gatewayClassName: istio}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: alone}
        """)
    ids = {box.id for box in build_view(graph).boxes}
    assert {"networking.istio.io/Gateway/default/helloworld-gateway",
            "gateway.networking.k8s.io/Gateway/default/helloworld-gateway"} <= ids
    assert "Service/default/alone" in ids  # names stay short where nothing collides


@pytest.mark.exe
def test_pods_of_two_workloads_of_one_name_are_two_boxes_named_by_their_maker(graph_of: Callable[..., Graph],
                                                                              fixtures_dir: Path) -> None:
    from gen.render import render_diagram

    diagram = build_view(graph_of((fixtures_dir / "shared-names.yaml").read_text(encoding="utf-8")), "topology")
    boxes = {box.id: box for box in diagram.boxes}
    assert {"Pod/shop/web-1 (Deployment)", "Pod/shop/web-1 (StatefulSet)", "Pod/shop/agent (ReplicationController)",
            "Pod/shop/agent (DaemonSet)"} <= set(boxes)
    assert boxes["Pod/shop/web-1 (Deployment)"].title == "web-1"  # the name a reader knows
    assert boxes["Pod/shop/agent (ReplicationController)"].title == "agent ×100"
    assert "Pod/shop/web-2" in boxes  # names stay short where nothing collides
    claims = {link.source for link in diagram.links if link.target.startswith("PersistentVolumeClaim/")}
    assert claims == {"Pod/shop/web-0", "Pod/shop/web-1 (StatefulSet)"}
    assert len({group.id for group in diagram.groups}) == len(diagram.groups)
    titles = [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>",
                                                   render_diagram(diagram, "svg").decode("utf-8"))]
    assert titles.count("Pod/shop/web-1 (Deployment)") == titles.count("Pod/shop/web-1 (StatefulSet)") == 1


@pytest.mark.parametrize("view", ["network", "storage"])
def test_every_kind_a_shipped_rule_gives_a_pod_template_is_drawn_with_its_pods(fixtures_dir: Path, view: str
                                                                               ) -> None:
    """The network view once drew an Argo Rollout's and a LeaderWorkerSet's Pods without the workload: a view that
    draws Pods draws every kind that runs them, known by its Pod template, not from a list of names."""
    from gen.loading import load
    from gen.rules.custom import shipped_rules

    loaded = load([str(fixtures_dir / "custom-workloads")])
    graph = derive(loaded.inventory())
    kinds = {(template.group, template.kind) for template in shipped_rules().pod_templates}
    assert {(r.ref.group, r.kind) for r in graph.inventory} >= kinds, "a fixture for each shipped workload kind"
    diagram = build_view(graph, view)
    boxes = {box.id for box in diagram.boxes}
    for resource in graph.inventory:
        if (resource.ref.group, resource.kind) in kinds:
            assert resource.ref.id in boxes, (resource.ref, sorted(boxes))
            assert any(link.source == resource.ref.id for link in diagram.links), resource.ref  # → its Pods


def test_the_network_view_tells_service_types_apart_by_their_outside_paths() -> None:
    """NodePort and LoadBalancer Services are reached from outside (a client, a node port, a load balancer);
    ClusterIP and ExternalName ones are not: the Objects page's figure of the four types shows the difference."""
    from gen.pipeline import analyse

    _, graph = analyse([str(Path(__file__).resolve().parents[1] / "manifests" / "service-types")])
    diagram = build_view(graph, "network")
    boxes = {box.id: box for box in diagram.boxes}
    links = {(link.source, link.target) for link in diagram.links}
    nodeport = "outside/Service/service-types/echo-nodeport/node-port"
    lb_port = "outside/Service/service-types/echo-lb/node-port"
    balancer = "outside/Service/service-types/echo-lb/load-balancer"
    assert boxes["outside/client"].title == "외부 클라이언트" and boxes["outside/client"].state == "derived"
    assert boxes[nodeport].title == "node :30080" and boxes[lb_port].title == "node :자동 할당"
    assert boxes[balancer].badge == "LoadBalancer"
    assert {("outside/client", nodeport), (nodeport, "Service/service-types/echo-nodeport"),
            ("outside/client", balancer), (balancer, lb_port), (lb_port, "Service/service-types/echo-lb")} <= links
    reached = {target for source, target in links if source.startswith("outside/")}
    assert not {"Service/service-types/echo-clusterip", "Service/service-types/echo-external"} & reached
    # Only the network view, and only with such Services: the sample app's topology is unchanged.
    assert not [b for b in build_view(graph, "topology").boxes if b.id.startswith("outside/")]
