"""The shipped Istio rules (gen/rules/custom/istio.yaml) and the rule forms they use: a host name, a
`namespace/name`, reserved words ignored, and a Gateway's plain label map searched in every namespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from gen.graph import Graph, NodeState, Relation
from gen.pipeline import analyse
from gen.rules.custom import parse_rules
from gen.rules.custom.derive import named_in_form

ISTIO = "networking.istio.io"
MESH = Path(__file__).parent.parent / "fixtures" / "istio" / "mesh.yaml"


def _links(graph: Graph) -> set[tuple[str, str, str, str]]:
    return {(e.source.id, e.target.id, e.relation.name.lower(), e.label or "") for e in graph.edges
            if e.source.group == ISTIO}


def test_virtual_services_route_to_the_services_their_hosts_name_short_or_fully_qualified() -> None:
    _loaded, graph = analyse([str(MESH)])
    links = _links(graph)
    assert {("VirtualService/shop/web", "Service/shop/api", "routes", "http"),  # api.shop.svc.cluster.local
            ("VirtualService/shop/web", "Service/shop/web", "routes", "http"),  # short: the VirtualService's namespace
            ("VirtualService/shop/web", "Service/data/db", "routes", "tcp"),  # another namespace, fully qualified
            ("VirtualService/shop/web", "Service/shop/web-canary", "routes", "mirror"),
            ("VirtualService/shop/web", "VirtualService/reporting/reports", "routes", "delegate"),
            ("DestinationRule/shop/api", "Service/shop/api", "uses", "traffic policy")} <= links
    # `web.shop`, `payments.example.com` and `*.example.com` are no Service's host: neither drawn nor reported
    targets = {target for _source, target, _relation, _label in links}
    assert not [t for t in targets if "example.com" in t or t.endswith("/web.shop") or t == "Service/shop/payments"]
    assert [d.message for d in graph.findings if d.check == "dangling-custom-reference"] == [
        "VirtualService reports: spec.http[].route[].destination.host names Service ghost, which is not in the input"]
    ghost = next(node for ref, node in graph.nodes.items() if ref.name == "ghost")
    assert ghost.state is NodeState.MISSING and ghost.ref.namespace == "reporting"


def test_a_virtual_service_is_bound_to_its_gateways_by_namespace_and_name_and_mesh_is_no_gateway() -> None:
    _loaded, graph = analyse([str(MESH)])
    gateways = {(s, t) for s, t, _r, label in _links(graph) if label == "gateway" and s.startswith("Virtual")}
    assert gateways == {("VirtualService/shop/web", "Gateway/istio-system/public"),  # istio-system/public
                        ("VirtualService/shop/web", "Gateway/shop/shop-gateway")}  # its own namespace
    assert all(ref.group == ISTIO for ref in graph.nodes if ref.kind == "Gateway")
    assert not [ref for ref in graph.nodes if ref.name == "mesh"]


def test_a_gateway_selects_its_gateway_pods_by_a_label_map_in_any_namespace() -> None:
    _loaded, graph = analyse([str(MESH)])
    selected = {(e.source.id, e.target.id) for e in graph.edges
                if e.source.kind == "Gateway" and e.relation is Relation.SELECTS}
    pods = {f"Pod/istio-system/istio-ingressgateway-{i}" for i in (1, 2)}
    assert selected == {(gateway, pod) for pod in pods
                        for gateway in ("Gateway/istio-system/public", "Gateway/shop/shop-gateway")}
    # `selector: {}` (Gateway/shop/unselective) selects nothing, as a Service's empty map does


@pytest.mark.parametrize(("value", "form", "named"), [
    ("reviews", "host", ("reviews", None)),
    ("reviews.prod.svc.cluster.local", "host", ("reviews", "prod")),
    ("reviews.prod", "host", None),  # Istio reads it as a host of its own, not a short name
    ("reviews.prod.svc", "host", None),
    ("www.googleapis.com", "host", None),
    ("*", "host", None),
    ("*.prod.svc.cluster.local", "host", None),
    ("Reviews", "host", None),  # no Service is named so
    ("istio-system/public", "namespace/name", ("public", "istio-system")),
    ("public", "namespace/name", ("public", None)),
    ("/public", "namespace/name", None),
    ("a/b/c", "namespace/name", None),
    ("anything.at/all", "name", ("anything.at/all", None)),
])
def test_name_forms(value: str, form: str, named: tuple[str, str | None] | None) -> None:
    assert named_in_form(value, form) == named


@pytest.mark.parametrize(("reference", "message"), [
    ("{field: spec.host, nameForm: fqdn, to: {kind: Service}}", "nameForm: unknown name form; allowed: name, host, "
                                                                 "namespace/name"),
    ("{field: 'spec.gateways[]', ignore: mesh, to: {kind: Service}}", "ignore: must be a list"),
    ("{selector: spec.selector, selectorForm: labels, to: {kind: Pod}}", "selectorForm: unknown selector form; "
                                                                         "allowed: labelSelector, map"),
    ("{selector: spec.selector, anyNamespace: 'yes', to: {kind: Pod}}", "anyNamespace: must be true or false"),
    ("{selector: spec.selector, anyNamespace: true, namespaces: spec.ns, to: {kind: Pod}}",
     "anyNamespace: cannot go with namespaces or namespaceSelector"),
])
def test_a_wrong_form_is_an_error_at_its_line(reference: str, message: str) -> None:
    text = ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules:\n    - group: networking.istio.io\n"
            f"      kind: VirtualService\n      references:\n        - {reference}\n")
    rules, problems = parse_rules(text, "istio.yaml")
    assert rules == [] and problems
    assert problems[0].source.path == "istio.yaml" and problems[0].source.line == 8
    assert message in problems[0].message, problems[0]


def test_istio_bookinfo_links_its_virtual_services_destination_rules_and_gateways(corpus: Path) -> None:
    bookinfo = corpus / "istio-bookinfo" / "samples" / "bookinfo"
    _loaded, graph = analyse([str(bookinfo / "platform" / "kube" / "bookinfo.yaml"), str(bookinfo / "networking")])
    links = _links(graph)
    assert {(s, t) for s, t, _r, _l in links} == {
        *((f"VirtualService/default/{name}", f"Service/default/{name}")
          for name in ("details", "productpage", "ratings", "reviews")),
        *((f"DestinationRule/default/{name}", f"Service/default/{name}")
          for name in ("details", "productpage", "ratings", "reviews")),
        ("VirtualService/default/bookinfo", "Service/default/productpage"),
        ("VirtualService/default/bookinfo", "Gateway/default/bookinfo-gateway"),
        ("VirtualService/istio-system/cert-manager", "Gateway/istio-system/cert-manager-gateway"),
        ("VirtualService/istio-system/cert-manager", "Service/istio-system/cert-manager-resolver"),
    }
    # www.googleapis.com is a ServiceEntry's host, no Service's: not drawn, not reported
    assert [d.message.split(" names ")[1] for d in graph.findings if d.check == "dangling-custom-reference"] == [
        "Service cert-manager-resolver, which is not in the input"]
