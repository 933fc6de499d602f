"""Views: which part of the graph a figure shows and how each resource is presented."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gen.graph import Graph
from gen.model import Inventory
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


def test_every_view_is_listed() -> None:
    # other families register theirs beside these
    assert {"topology", "network", "storage", "lifecycle", "states", "phases", "conditions",
            "container-states", "diagram", "pod", "images"} <= set(VIEWS)


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
    assert boxes["Pod/shop/web-1"].tooltip == "Pod/shop/web-1 (derived)"


def test_namespace_filter(graph: Graph) -> None:
    ids = _ids(graph, filters=Filters(namespaces={"jobs"}))
    assert ids == {"Deployment/jobs/worker", "ReplicaSet/jobs/worker", "Pod/jobs/worker"}


def test_kind_filter_keeps_what_hangs_off(graph: Graph) -> None:
    ids = _ids(graph, filters=Filters(kinds={"Deployment"}, names={"web"}))
    assert {"Deployment/shop/web", "ReplicaSet/shop/web", "Pod/shop/web-1", "Volume/shop/web-1/cache"} <= ids
    assert "Deployment/jobs/worker" not in ids and "Service/shop/web" not in ids


def test_boxes_and_links_are_sorted(graph: Graph) -> None:
    diagram = build_view(graph)
    assert diagram.links == sorted(diagram.links, key=lambda link: (link.source, link.target,
                                                                     link.source_row or "", link.label))
    assert build_view(graph) == diagram


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
