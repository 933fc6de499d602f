"""NetworkPolicy: the Pods it applies to and the traffic it allows, as `allows` edges."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest

from gen.graph import Graph
from gen.model import Ref
from gen.render import render_diagram
from gen.rules.netpol import ALLOWS
from gen.views import build_view

GraphOf = Callable[..., Graph]


def _pod(name: str, namespace: str, **labels: str) -> str:
    shown = ", ".join(f"{k}: {v}" for k, v in labels.items())
    return (f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {namespace}, labels: {{{shown}}}}}\n"
            "spec: {containers: [{name: c, image: nginx}]}\n")


PODS = (_pod("api", "shop", app="api", tier="backend") + _pod("db", "shop", app="db", tier="data")
        + _pod("web", "shop", app="web", tier="frontend") + _pod("probe", "monitoring", app="prometheus")
        + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: monitoring, labels: {purpose: metrics}}\n")

POLICY = """
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend, namespace: shop}
spec:
  podSelector:
    matchExpressions:
      - {key: tier, operator: In, values: [backend, data]}
      - {key: app, operator: NotIn, values: [db]}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - podSelector: {matchExpressions: [{key: tier, operator: Exists}, {key: app, operator: NotIn, values: [api]}]}
        - namespaceSelector: {matchLabels: {purpose: metrics}}
      ports: [{protocol: TCP, port: 8080}, {port: 9000, endPort: 9100}]
  egress:
    - to:
        - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
      ports: [{protocol: UDP, port: 53}]
"""


def _allows(graph: Graph) -> set[tuple[Ref, Ref, str]]:
    return {(e.source, e.target, e.label) for e in graph.edges if e.relation is ALLOWS}


def test_match_expressions_select_only_what_they_should(graph_of: GraphOf) -> None:
    graph = graph_of(PODS + POLICY)
    policy = Ref("NetworkPolicy", "shop", "backend")
    applies = {target for source, target, label in _allows(graph) if source == policy}
    assert applies == {Ref("Pod", "shop", "api")}  # tier=data db is excluded by NotIn; web is not backend/data


def test_ingress_peers_point_at_the_selected_pods_with_their_ports(graph_of: GraphOf) -> None:
    edges = _allows(graph_of(PODS + POLICY))
    api = Ref("Pod", "shop", "api")
    ports = "TCP 8080\nTCP 9000-9100"
    assert (Ref("Pod", "shop", "web"), api, ports) in edges
    assert (Ref("Pod", "shop", "db"), api, ports) in edges
    assert (Ref("Pod", "monitoring", "probe"), api, ports) in edges  # through the namespace's labels
    assert not any(source == api and target == api for source, target, _ in edges)


def test_egress_to_an_ip_block_is_an_external_node(graph_of: GraphOf) -> None:
    graph = graph_of(PODS + POLICY)
    block = Ref("External", None, "10.0.0.0/8")
    assert (Ref("Pod", "shop", "api"), block, "UDP 53") in _allows(graph)
    assert graph.nodes[block].details == ("except 10.1.0.0/16",)


def test_a_namespace_selector_matched_by_no_input_namespace_is_drawn_as_its_selector(graph_of: GraphOf) -> None:
    policy = POLICY.replace("purpose: metrics", "team: payments")
    edges = _allows(graph_of(PODS + policy))
    assert (Ref("External", None, "pods in namespaces team=payments"), Ref("Pod", "shop", "api"),
            "TCP 8080\nTCP 9000-9100") in edges


def test_a_namespace_outside_the_input_named_by_its_name_label(graph_of: GraphOf) -> None:
    policy = POLICY.replace("{matchLabels: {purpose: metrics}}", "{matchLabels: {kubernetes.io/metadata.name: edge}}")
    edges = _allows(graph_of(PODS + policy))
    assert any(source == Ref("External", None, "pods in namespace edge") for source, _, _ in edges)


def test_namespace_name_label_and_empty_selectors(graph_of: GraphOf) -> None:
    policy = """
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-monitoring, namespace: shop}
spec:
  podSelector: {}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {}}]
"""
    graph = graph_of(PODS + policy)
    edges = _allows(graph)
    policy_ref = Ref("NetworkPolicy", "shop", "from-monitoring")
    assert {t for s, t, _ in edges if s == policy_ref} == {Ref("Pod", "shop", n) for n in ("api", "db", "web")}
    assert (Ref("Pod", "monitoring", "probe"), Ref("Pod", "shop", "web"), "all ports") in edges
    assert graph.nodes[policy_ref].details == ("ingress",)


def test_deny_all_says_so_and_allows_nothing(graph_of: GraphOf) -> None:
    policy = ("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\n"
              "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n")
    graph = graph_of(PODS + policy)
    ref = Ref("NetworkPolicy", "shop", "deny")
    assert graph.nodes[ref].details == ("ingress/egress", "denies all ingress", "denies all egress")
    assert {label for source, _, label in _allows(graph) if source == ref} == {"applies to"}
    assert all(source == ref for source, _, _ in _allows(graph))


def test_allow_all_ingress_comes_from_any_source(graph_of: GraphOf) -> None:
    policy = ("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open, namespace: shop}\n"
              "spec: {podSelector: {matchLabels: {app: web}}, ingress: [{}]}\n")
    edges = _allows(graph_of(PODS + policy))
    assert (Ref("External", None, "any source"), Ref("Pod", "shop", "web"), "all ports") in edges


def test_policies_and_their_edges_are_drawn_dashed_in_the_policy_view(graph_of: GraphOf) -> None:
    graph = graph_of(PODS + POLICY)
    diagram = build_view(graph, "policy")
    ids = {box.id for box in diagram.boxes}
    assert {"NetworkPolicy/shop/backend", "External/10.0.0.0/8", "Pod/monitoring/probe"} <= ids
    link = next(link for link in diagram.links if link.source == "NetworkPolicy/shop/backend")
    assert link.line == "dashed" and link.category == "allows" and link.colour == "red"
    assert len(diagram.links) == len(_allows(graph))
    # The network view stays about Services and routes; topology shows everything.
    assert not any(box.id.startswith("NetworkPolicy/") for box in build_view(graph, "network").boxes)
    assert "NetworkPolicy/shop/backend" in {box.id for box in build_view(graph, "topology").boxes}


@pytest.mark.exe
def test_the_policy_view_draws_allowed_traffic_as_dashed_red_edges(graph_of: GraphOf) -> None:
    svg = html.unescape(render_diagram(build_view(graph_of(PODS + POLICY), "policy"), "svg").decode())
    edges = re.findall(r'<g id="[^"]*" class="edge allows[^"]*">\s*<title>([^<]*)</title>', svg)
    assert "Pod/monitoring/probe->Pod/shop/api" in edges
    assert "Pod/shop/api->External/10.0.0.0/8" in edges
    assert "NetworkPolicy/shop/backend->Pod/shop/api" in edges
    assert "stroke-dasharray" in svg
