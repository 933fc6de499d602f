"""Gateway API (Gateway → GatewayClass, parentRefs, backendRefs) and EndpointSlices."""

from __future__ import annotations

from collections.abc import Callable

from gen.graph import Graph, NodeState, Relation
from gen.model import Ref
from gen.views import build_view

GraphOf = Callable[..., Graph]
GW = "gateway.networking.k8s.io"

GATEWAY = """
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: envoy}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec:
  gatewayClassName: envoy
  listeners: [{name: http, protocol: HTTP, port: 80}, {name: https, protocol: HTTPS, port: 443}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [{name: edge, namespace: infra, sectionName: https}]
  hostnames: [shop.example.com]
  rules:
    - matches: [{path: {type: PathPrefix, value: /api}}]
      backendRefs: [{name: api, port: 8080, weight: 90}, {name: api-canary, port: 8080, weight: 10}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: grpc, namespace: shop}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  rules:
    - matches: [{method: {service: shop.Cart, method: Add}}]
      backendRefs: [{name: api, port: 9090}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db, namespace: shop}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  rules: [{backendRefs: [{name: api, port: 5432}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: 8080}, {port: 9090}]}
"""


def _gw(kind: str, namespace: str | None, name: str) -> Ref:
    return Ref(kind, namespace, name, GW)


def test_gateway_uses_its_class_and_lists_its_listeners(graph_of: GraphOf) -> None:
    graph = graph_of(GATEWAY)
    gateway = _gw("Gateway", "infra", "edge")
    assert (gateway, _gw("GatewayClass", None, "envoy"), "class") in {
        (e.source, e.target, e.label) for e in graph.edges}
    assert graph.nodes[gateway].details == ("HTTP :80", "HTTPS :443")


def test_routes_hang_off_their_parent_gateway_and_reach_their_backends(graph_of: GraphOf) -> None:
    graph = graph_of(GATEWAY)
    routes = {(e.source, e.target, e.label) for e in graph.edges if e.relation is Relation.ROUTES}
    gateway, api = _gw("Gateway", "infra", "edge"), Ref("Service", "shop", "api")
    assert (gateway, _gw("HTTPRoute", "shop", "shop"), "https") in routes
    assert (gateway, _gw("GRPCRoute", "shop", "grpc"), "") in routes
    assert (gateway, _gw("TCPRoute", "shop", "db"), "") in routes
    assert (_gw("HTTPRoute", "shop", "shop"), api, "/api :8080 weight 90") in routes
    assert (_gw("GRPCRoute", "shop", "grpc"), api, "shop.Cart/Add :9090") in routes
    assert (_gw("TCPRoute", "shop", "db"), api, ":5432") in routes


def test_missing_backends_and_ports_are_findings(graph_of: GraphOf) -> None:
    graph = graph_of(GATEWAY)
    canary = Ref("Service", "shop", "api-canary")
    assert graph.nodes[canary].state is NodeState.MISSING
    messages = sorted(f.message for f in graph.findings if f.check == "dangling-route")
    assert messages == ["HTTPRoute shop routes to Service api-canary, which is not in the input",
                        "TCPRoute db routes to port 5432 of Service api, which has no such port"]


def test_a_route_to_a_missing_gateway_is_a_finding(graph_of: GraphOf) -> None:
    graph = graph_of(GATEWAY.replace("name: edge, namespace: infra, sectionName", "name: other, sectionName"))
    assert graph.nodes[_gw("Gateway", "shop", "other")].state is NodeState.MISSING
    assert any("parentRef Gateway other" in f.message for f in graph.findings)


def test_istio_gateways_are_not_gateway_api_gateways(graph_of: GraphOf) -> None:
    istio = ("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: edge, namespace: infra}\n"
             "spec: {selector: {istio: ingressgateway}}\n")
    graph = graph_of(istio)
    assert [e for e in graph.edges if e.source.kind == "Gateway"] == []


def test_gateway_api_is_in_the_network_view(graph_of: GraphOf) -> None:
    diagram = build_view(graph_of(GATEWAY), "network")
    ids = {box.id for box in diagram.boxes}
    assert {"Gateway/infra/edge", "HTTPRoute/shop/shop", "GRPCRoute/shop/grpc", "GatewayClass/envoy"} <= ids


SLICE = """
apiVersion: v1
kind: Pod
metadata: {name: api-0, namespace: shop, labels: {app: api}}
spec: {containers: [{name: api, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {ports: [{port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: api-x7k2p, namespace: shop, labels: {kubernetes.io/service-name: api}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
  - addresses: [10.244.1.5]
    conditions: {ready: true}
    targetRef: {kind: Pod, name: api-0, namespace: shop}
"""


def test_endpoint_slice_links_its_service_and_pods(graph_of: GraphOf) -> None:
    graph = graph_of(SLICE)
    edges = {(e.source, e.target, e.label) for e in graph.edges}
    slice_ = Ref("EndpointSlice", "shop", "api-x7k2p")
    assert (Ref("Service", "shop", "api"), slice_, "endpoints") in edges
    assert (slice_, Ref("Pod", "shop", "api-0"), "10.244.1.5 :8080") in edges


def test_endpoints_link_the_pods_their_addresses_belong_to(graph_of: GraphOf) -> None:
    endpoints = SLICE.split("---\napiVersion: discovery")[0] + """---
apiVersion: v1
kind: Endpoints
metadata: {name: api, namespace: shop}
subsets:
  - addresses: [{ip: 10.244.1.5, targetRef: {kind: Pod, name: api-0, namespace: shop}}]
    ports: [{port: 8080}]
"""
    edges = {(e.source, e.target, e.label) for e in graph_of(endpoints).edges}
    assert (Ref("Endpoints", "shop", "api"), Ref("Pod", "shop", "api-0"), "10.244.1.5") in edges
