"""The selection views (gen/views/selection.py: topology, network, storage, policy): which kinds and relationships
of the one derived graph each keeps, the filters, and how each resource is presented."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from shop_manifests import deployment, service

from gen.graph import Graph
from gen.model import Inventory
from gen.records import replace
from gen.rules import derive
from gen.views import Filters, build_view

APP = """
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
""" + deployment(labels={"app": "web"}, pod_spec={"volumes": [{"name": "cache", "emptyDir": {}}]}, containers=[{
    "name": "nginx", "image": "nginx", "ports": [{"name": "http", "containerPort": 8080}],
    "envFrom": [{"configMapRef": {"name": "settings"}}, {"secretRef": {"name": "gone"}}],
    "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]}]) + deployment(
    "worker", "jobs", replicas=6, containers=[{"name": "w", "image": "x"}]) + service(
    ports=[{"port": 80, "targetPort": "http"}])


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
    # Tooltips and sources name each object's line in the input, which moved; everything else is the same.
    assert [replace(box, tooltip="", source="") for box in backward.boxes] == [
        replace(box, tooltip="", source="") for box in forward.boxes]
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


# --- which kinds each view keeps, by category (gen/kinds.py) -------------------------------------------------------

EVERY_CATEGORY = deployment(pod_spec={"volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
                                                  {"name": "config", "configMap": {"name": "settings"}}]},
                            containers=[{"name": "web", "image": "nginx", "ports": [{"containerPort": 8080}],
                                         "volumeMounts": [{"name": "data", "mountPath": "/data"},
                                                          {"name": "config", "mountPath": "/etc/web"}]}]) \
    + service() + """\
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec: {rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-ingress, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 8080}]}]}
"""


def _kinds(graph: Graph, view: str) -> set[str]:
    return {box.id.split("/")[0] for box in build_view(graph, view).boxes}


def test_each_view_keeps_the_kinds_of_its_categories(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of(EVERY_CATEGORY)
    workloads = {"Deployment", "ReplicaSet", "Pod"}  # every view that draws Pods draws what makes them
    assert _kinds(graph, "topology") >= {"Ingress", "Service", "ConfigMap", "PersistentVolumeClaim",
                                         "NetworkPolicy"} | workloads
    network = _kinds(graph, "network")
    assert network >= {"Ingress", "Service"} | workloads
    assert not network & {"ConfigMap", "PersistentVolumeClaim", "NetworkPolicy"}
    storage = _kinds(graph, "storage")
    assert storage >= {"ConfigMap", "PersistentVolumeClaim"} | workloads
    assert not storage & {"Ingress", "Service", "NetworkPolicy"}
    policy = _kinds(graph, "policy")
    assert policy >= {"NetworkPolicy", "Pod"}
    assert not policy & {"Ingress", "Service", "Deployment", "ConfigMap"}


def test_the_policy_view_without_a_network_policy_says_so_instead_of_drawing_pods(
        graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(deployment()), "policy")
    assert diagram.boxes == [] and diagram.links == []
    assert diagram.empty_message == "no NetworkPolicy in the inputs: nothing for the policy view to show"


def test_an_empty_selection_of_declarative_diagrams_names_the_view_that_draws_them(root: Path) -> None:
    from gen.loading import load

    graph = derive(load([str(root / "manifests" / "diagrams" / "image-layers.yaml")]).inventory())
    diagram = build_view(graph, "network")
    assert diagram.boxes == [] and "drawn by the diagram view" in diagram.empty_message
    assert build_view(derive(Inventory([])), "network").empty_message == "no resources for the network view"


def test_key_facts_name_what_a_reader_wants_first_and_no_value(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of(deployment(replicas=3, containers=[
        {"name": "web", "image": "nginx:1.27", "ports": [{"name": "http", "containerPort": 8080}],
         "env": [{"name": "PASSWORD", "value": "hunter2"}]}]) + service(type="NodePort"))
    boxes = {box.id: box for box in build_view(graph).boxes}
    assert boxes["Deployment/shop/web"].tooltip.split("\n")[1:] == [
        "replicas: 3", "images: nginx:1.27", "ports: 8080/TCP (http)", "selector: app=web"]
    assert boxes["Service/shop/web"].tooltip.split("\n")[1:] == [
        "type: NodePort", "ports: 80→8080/TCP", "selector: app=web"]
    assert not any("hunter2" in box.tooltip or "PASSWORD" in box.tooltip for box in boxes.values())


def test_a_names_filter_keeps_the_named_and_what_it_owns(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of(deployment() + deployment("api", containers=[{"name": "api", "image": "api:1"}]))
    ids = _ids(graph, "network", Filters(names={"api"}))
    assert {"Deployment/shop/api", "ReplicaSet/shop/api", "Pod/shop/api-1", "Pod/shop/api-2"} <= ids
    assert not any("/web" in box_id for box_id in ids)


def test_the_network_view_tells_service_types_apart_by_their_outside_paths() -> None:
    """NodePort and LoadBalancer Services are reached from outside (a client, a node port, a load balancer);
    ClusterIP and ExternalName ones are not: the Objects page's figure of the four types shows the difference."""
    from gen.pipeline import analyse

    _, graph = analyse([str(Path(__file__).resolve().parents[2] / "manifests" / "service-types")])
    diagram = build_view(graph, "network", Filters(language="ko"))
    boxes = {box.id: box for box in diagram.boxes}
    links = {(link.source, link.target) for link in diagram.links}
    english = {box.id: box.title for box in build_view(graph, "network").boxes}
    assert english["outside/client"] == "external client"
    assert english["outside/Service/service-types/echo-lb/node-port"] == "node :auto"
    nodeport = "outside/Service/service-types/echo-nodeport/node-port"
    lb_port = "outside/Service/service-types/echo-lb/node-port"
    balancer = "outside/Service/service-types/echo-lb/load-balancer"
    assert boxes["outside/client"].title == "외부 클라이언트" and boxes["outside/client"].state == "derived"
    assert boxes[nodeport].title == "node :30080" and boxes[lb_port].title == "node :자동 할당"
    assert boxes[balancer].badge == "LoadBalancer"
    assert {("outside/client", nodeport), (nodeport, "Service/service-types/echo-nodeport"),
            ("outside/client", balancer), (balancer, lb_port), (lb_port, "Service/service-types/echo-lb")} <= links
    reached = {link.target for link in diagram.links if link.source.startswith("outside/") and link.line != "invisible"}
    assert not {"Service/service-types/echo-clusterip", "Service/service-types/echo-external"} & reached
    # Top to bottom, so that the outside paths stand above the Services instead of adding columns before them.
    assert diagram.direction == "TB"
    # Only the network view, and only with such Services: the sample app's topology is unchanged.
    assert not [b for b in build_view(graph, "topology").boxes if b.id.startswith("outside/")]


def test_a_side_reference_stands_beside_its_referrer_or_aside(root: Path) -> None:
    """The sample Ingress's TLS Secret (only the Ingress names it, in the same frame) stands beside the Ingress, not
    in the config column; its IngressClass (cluster-wide, outside the frame) is a side detail the renderer places
    where it costs no width. A ConfigMap that Pods use stays in its column."""
    from gen.loading import load

    diagram = build_view(derive(load([str(root / "manifests" / "sample-app")]).inventory()), "topology")
    assert ("Ingress/shop/shop", "Secret/shop/shop-tls") in diagram.aligned
    aside = {(link.source, link.target) for link in diagram.links if link.aside}
    assert aside == {("Ingress/shop/shop", "IngressClass/nginx")}
    assert not any("ConfigMap/shop/api-config" in row for row in diagram.aligned)


def _caller_of(backends: int) -> str:
    """A `front` application whose container names `backends` Services of other applications by env, each
    application a Deployment and a Service labelled `app: NAME`."""
    names = [f"back{index}" for index in range(backends)]
    env = [{"name": f"{name.upper()}_ADDR", "value": f"{name}:{7000 + index}"} for index, name in enumerate(names)]
    text = deployment("front", labels={"app": "front"}, pod_labels={"app": "front"},
                      containers=[{"name": "front", "image": "front", "env": env}])
    for index, name in enumerate(names):
        text += deployment(name, labels={"app": name}, pod_labels={"app": name})
        text += service(name, ports=[{"port": 7000 + index}])
    return text


def test_an_application_figure_lists_the_services_it_calls_in_one_box(graph_of: Callable[..., Graph]) -> None:
    """Seven frames side by side made microservices-demo's frontend 1,229 pt wide: past three, the other
    applications' Services an application calls are one box, a row each (name and port), each call to its row."""
    diagram = build_view(graph_of(_caller_of(5)), "topology", Filters(apps={"front"}))
    lists = [box for box in diagram.boxes if box.shape == "table" and box.title == "Service ×5"]
    assert len(lists) == 1, [box.title for box in diagram.boxes]
    listed = lists[0]
    assert [row.text for row in listed.rows] == [f"back{index} :{7000 + index}" for index in range(5)]
    assert "BACK0_ADDR" in listed.tooltip  # what named each, where a reader pointing at the list looks
    calls = [link for link in diagram.links if link.target == listed.id]
    assert sorted(link.target_row or "" for link in calls) == sorted(row.id for row in listed.rows)
    assert all(not link.label for link in calls)
    assert not any(box.title.startswith("back") for box in diagram.boxes)  # no box of its own, no frame
    assert not any(group.label.startswith("app back") for group in diagram.groups)
    assert listed.group is not None and listed.group.startswith("ns")  # inside the namespace frame


def test_an_application_calling_three_keeps_a_box_per_service(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(_caller_of(3)), "topology", Filters(apps={"front"}))
    assert not any("×" in box.title for box in diagram.boxes)
    assert {box.title for box in diagram.boxes} >= {"back0", "back1", "back2"}
