"""Gateway API (gateway.networking.k8s.io) and endpoint objects: Gateway → GatewayClass, Gateway → each Route that
names it in parentRefs → the backends of its backendRefs (port and weight on the edge); EndpointSlice → its Service
(label `kubernetes.io/service-name`) and → the Pods its endpoints name (targetRef)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..graph import Facts, GraphEdge, GraphNode, NodeState, PodInstance, Relation, app_of
from ..kinds import KINDS
from ..kube import usable_name
from ..model import BUILTIN_KINDS, Diagnostic, Inventory, Ref, Resource, Severity, as_list, as_mapping

GATEWAY_GROUP = "gateway.networking.k8s.io"
# Gateway API names every kind that attaches to a Gateway through parentRefs `…Route`.
ROUTE_KINDS = tuple(f.kind for f in KINDS if f.group == GATEWAY_GROUP and f.kind.endswith("Route"))
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def _gateway_api(inventory: Inventory, *kinds: str) -> list[Resource]:
    return [r for r in inventory.of_kind(*kinds) if r.ref.group == GATEWAY_GROUP]


def derive_gateway_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    facts = Facts()
    for gateway in _gateway_api(inventory, "Gateway"):
        listeners = [as_mapping(listener) for listener in as_list(gateway.spec.get("listeners"))]
        details = [f"{listener.get('protocol', '?')} :{listener.get('port', '?')}" for listener in listeners]
        facts.nodes.append(GraphNode(gateway.ref, source=gateway.source, app=app_of(gateway.labels),
                                     details=tuple(details)))
        class_name = gateway.spec.get("gatewayClassName")
        if usable_name(class_name):
            target = Ref("GatewayClass", None, class_name, GATEWAY_GROUP)
            facts.edges.append(GraphEdge(gateway.ref, target, Relation.USES, "class"))
            if target not in inventory:
                # Installed with the controller, seldom beside the application: drawn, not reported.
                facts.nodes.append(GraphNode(target, NodeState.DERIVED, gateway.source, details=("not in the input",)))
    for route in _gateway_api(inventory, *ROUTE_KINDS):
        hostnames = [str(h) for h in as_list(route.spec.get("hostnames"))]
        facts.nodes.append(GraphNode(route.ref, source=route.source, app=app_of(route.labels),
                                     details=tuple(hostnames[:3])))
        for parent in map(as_mapping, as_list(route.spec.get("parentRefs"))):
            _parent_edge(inventory, facts, route, parent)
        for rule in map(as_mapping, as_list(route.spec.get("rules"))):
            where = _match_label(rule)
            for backend in map(as_mapping, as_list(rule.get("backendRefs"))):
                _backend_edge(inventory, facts, route, backend, where)
    return facts


def _parent_edge(inventory: Inventory, facts: Facts, route: Resource, parent: Mapping[str, Any]) -> None:
    name = parent.get("name")
    kind = str(parent.get("kind") or "Gateway")
    group = str(parent.get("group") if parent.get("group") is not None else GATEWAY_GROUP)
    if not usable_name(name):
        return
    namespace = str(parent.get("namespace") or route.namespace or "default")
    target = Ref(kind, namespace, name, "" if kind in BUILTIN_KINDS and not group else group)
    label = " ".join(str(part) for part in (parent.get("sectionName"), parent.get("port")) if part is not None)
    facts.edges.append(GraphEdge(target, route.ref, Relation.ROUTES, label))
    if target not in inventory:
        facts.nodes.append(GraphNode(target, NodeState.MISSING, route.source, app_of(route.labels)))
        facts.findings.append(Diagnostic(route.source, Severity.WARNING,
                                         f"{route.kind} {route.name}: parentRef {kind} {name} is not in the input",
                                         "dangling-route"))


def _match_label(rule: Mapping[str, Any]) -> str:
    """The first path (HTTPRoute) or method (GRPCRoute) a rule matches: enough to tell rules apart."""
    for match in map(as_mapping, as_list(rule.get("matches"))):
        path = as_mapping(match.get("path")).get("value")
        if usable_name(path):
            return path
        method = as_mapping(match.get("method"))
        if usable_name(method.get("service")):
            return "/".join(str(part) for part in (method["service"], method.get("method")) if part)
    return ""


def _backend_edge(inventory: Inventory, facts: Facts, route: Resource, backend: Mapping[str, Any],
                  where: str) -> None:
    name = backend.get("name")
    if not usable_name(name):
        return
    kind = str(backend.get("kind") or "Service")
    group = str(backend.get("group") or "")
    namespace = str(backend.get("namespace") or route.namespace or "default")
    target = Ref(kind, namespace, name, "" if kind in BUILTIN_KINDS and not group else group)
    parts = [where, f":{backend['port']}" if backend.get("port") is not None else "",
             f"weight {backend['weight']}" if backend.get("weight") is not None else ""]
    facts.edges.append(GraphEdge(route.ref, target, Relation.ROUTES, " ".join(p for p in parts if p)))
    found = inventory.get(target)
    if found is None:
        facts.nodes.append(GraphNode(target, NodeState.MISSING, route.source, app_of(route.labels)))
        facts.findings.append(Diagnostic(route.source, Severity.WARNING,
                                         f"{route.kind} {route.name} routes to {kind} {name}, which is not in the "
                                         "input", "dangling-route"))
    elif kind == "Service" and backend.get("port") is not None and not any(
            str(backend["port"]) == str(as_mapping(p).get("port")) for p in as_list(found.spec.get("ports"))):
        facts.findings.append(Diagnostic(route.source, Severity.WARNING,
                                         f"{route.kind} {route.name} routes to port {backend['port']} of Service "
                                         f"{name}, which has no such port", "dangling-route"))


def derive_endpoint_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """EndpointSlice → its Service; EndpointSlice (and Endpoints) → the Pods their addresses belong to."""
    facts = Facts()
    for slice_ in inventory.of_kind("EndpointSlice"):
        service = slice_.labels.get(SERVICE_NAME_LABEL)
        if usable_name(service) and Ref("Service", slice_.namespace, service) in inventory:
            facts.edges.append(GraphEdge(Ref("Service", slice_.namespace, service), slice_.ref, Relation.ROUTES,
                                         "endpoints"))
        ports = ",".join(str(as_mapping(p).get("port")) for p in as_list(slice_.body.get("ports"))
                         if as_mapping(p).get("port") is not None)
        for endpoint in map(as_mapping, as_list(slice_.body.get("endpoints"))):
            addresses = [str(a) for a in as_list(endpoint.get("addresses"))]
            label = " ".join(filter(None, [addresses[0] if addresses else "", f":{ports}" if ports else ""]))
            _target_edge(inventory, facts, slice_, as_mapping(endpoint.get("targetRef")), label)
    for endpoints in inventory.of_kind("Endpoints"):
        for subset in map(as_mapping, as_list(endpoints.body.get("subsets"))):
            for address in map(as_mapping, as_list(subset.get("addresses"))):
                _target_edge(inventory, facts, endpoints, as_mapping(address.get("targetRef")),
                             str(address.get("ip") or ""))
    return facts


def _target_edge(inventory: Inventory, facts: Facts, source: Resource, target_ref: Mapping[str, Any],
                 label: str) -> None:
    kind, name = target_ref.get("kind"), target_ref.get("name")
    if kind == "Pod" and usable_name(name):
        target = Ref("Pod", str(target_ref.get("namespace") or source.namespace), name)
        if target in inventory:
            facts.edges.append(GraphEdge(source.ref, target, Relation.SELECTS, label))
