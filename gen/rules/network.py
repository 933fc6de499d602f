"""Traffic: Ingress → Service (host and path on the edge), Service → Pods (port mapping on the edge)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..graph import Facts, GraphEdge, GraphNode, NodeState, PodInstance, Relation, app_of
from ..kube import arguments, env_literals, serving_containers, usable_name
from ..model import Diagnostic, Inventory, Ref, Resource, Severity, as_list, as_mapping, string_map
from ..selectors import parse_map_selector


def derive_service_nodes(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Every Service with its type as a detail (and node ports); an ExternalName Service → the external host."""
    facts = Facts()
    for service in inventory.of_kind("Service"):
        spec = service.spec
        kind = str(spec.get("type") or "ClusterIP")
        node_ports = [str(p.get("nodePort")) for p in map(as_mapping, as_list(spec.get("ports"))) if p.get("nodePort")]
        details = [f"{kind} :{','.join(node_ports)}" if node_ports and kind != "ClusterIP" else kind]
        if spec.get("clusterIP") == "None":
            details = ["headless"]
        app = app_of(service.labels) or app_of(string_map(spec.get("selector")))
        facts.nodes.append(GraphNode(service.ref, source=service.source, app=app, details=tuple(details)))
        host = spec.get("externalName")
        if kind == "ExternalName" and usable_name(host):
            # Outside the cluster: a DNS name the Service's name resolves to (a CNAME record).
            external = Ref("External", None, host.strip())
            facts.nodes.append(GraphNode(external, source=service.source, details=("DNS name",)))
            facts.edges.append(GraphEdge(service.ref, external, Relation.ROUTES, "CNAME"))
    return facts


def derive_service_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Service → each Pod its selector matches, labelled `port→targetPort/PROTO`; dangling ones reported."""
    facts = Facts()
    for service in inventory.of_kind("Service"):
        spec = service.spec
        selector = parse_map_selector(spec.get("selector"))
        if spec.get("type") == "ExternalName" or selector.empty:
            continue  # no selector: Endpoints are managed by hand or by a controller
        selected = [p for p in pods if p.ref.namespace == service.namespace and selector.matches(p.labels)]
        if not selected:
            facts.findings.append(Diagnostic(
                service.source, Severity.WARNING,
                f"Service {service.name} selects no Pods (selector {selector.describe()})", "dangling-service"))
            missing = Ref("Pod", service.namespace, f"{selector.describe()}")
            facts.nodes.append(GraphNode(missing, NodeState.MISSING, service.source, app_of(service.labels),
                                         details=("no Pod matches",)))
            facts.edges.append(GraphEdge(service.ref, missing, Relation.SELECTS))
            continue
        reported: set[str] = set()
        for pod in selected:
            labels = []
            for port in map(as_mapping, as_list(spec.get("ports"))):
                label, problem, severity = _port_mapping(port, pod.spec)
                labels.append(label)
                if problem and problem not in reported:
                    reported.add(problem)
                    facts.findings.append(Diagnostic(
                        service.source, severity,
                        f"Service {service.name}: {problem} in {pod.workload.kind} {pod.workload.name}",
                        "invalid-target-ports"))
            facts.edges.append(GraphEdge(service.ref, pod.ref, Relation.SELECTS, "\n".join(labels)))
    return facts


def _container_ports(pod_spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [port for container in serving_containers(pod_spec) for port in container.ports]


def _port_mapping(port: Mapping[str, Any], pod_spec: Mapping[str, Any]) -> tuple[str, str | None, Severity]:
    """The edge label for one Service port and, when its target is not exposed, the problem and its weight.

    A named targetPort must name a container port (a warning otherwise). A numeric one need not be declared:
    programs listen on ports given by flags (`--port 18080`), so it is only a note, and only when the number
    appears nowhere in the serving containers' ports, args, command or env."""
    number = port.get("port")
    target = port.get("targetPort", number)
    protocol = str(port.get("protocol") or "TCP")
    declared = _container_ports(pod_spec)
    if isinstance(target, str) and not target.isdigit():
        matches = [p for p in declared if p.get("name") == target]
        if not matches:
            return (f"{number}→{target}/{protocol}", f"targetPort {target!r} is not a named port of any container",
                    Severity.WARNING)
        return f"{number}→{target}({matches[0].get('containerPort')})/{protocol}", None, Severity.NOTE
    numbers = {str(p.get("containerPort")) for p in declared}
    if declared and str(target) not in numbers and not _port_mentioned(str(target), pod_spec):
        return (f"{number}→{target}/{protocol}",
                f"targetPort {target} is neither a declared port nor mentioned in any container's args or env",
                Severity.NOTE)
    return f"{number}→{target}/{protocol}", None, Severity.NOTE


def _port_mentioned(number: str, pod_spec: Mapping[str, Any]) -> bool:
    """The port number in a serving container's args, command or env values (`--port=8443`, `:8443`)."""
    pattern = re.compile(rf"(?<!\d){re.escape(number)}(?!\d)")
    for container in serving_containers(pod_spec):
        words = [*arguments(container), *(value for _name, value in env_literals(container))]
        if any(pattern.search(word) for word in words):
            return True
    return False


def derive_ingress_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Ingress → Service per rule and default backend; → TLS Secret; → IngressClass."""
    facts = Facts()
    for ingress in inventory.of_kind("Ingress"):
        spec = ingress.spec
        annotations = as_mapping(ingress.metadata.get("annotations"))
        # The one annotation whose value is drawn (README): the legacy form of ingressClassName, and only when it
        # has the shape of a name, so that a misplaced secret is never drawn in its place.
        legacy = annotations.get("kubernetes.io/ingress.class")
        class_name = spec.get("ingressClassName") or (legacy if _is_name(legacy) else None)
        details = [f"class {class_name}"] if class_name else []
        facts.nodes.append(GraphNode(ingress.ref, source=ingress.source, app=app_of(ingress.labels),
                                     details=tuple(details)))
        if class_name and Ref("IngressClass", None, str(class_name)) in inventory:
            facts.edges.append(GraphEdge(ingress.ref, Ref("IngressClass", None, str(class_name)), Relation.USES,
                                         "class"))
        default = spec.get("defaultBackend") or spec.get("backend")
        if isinstance(default, Mapping):
            _route(ingress, default, "default backend", inventory, facts)
        for rule in map(as_mapping, as_list(spec.get("rules"))):
            host = str(rule.get("host") or "*")
            for path in map(as_mapping, as_list(as_mapping(rule.get("http")).get("paths"))):
                where = f"{host}{path.get('path') or '/'}"
                _route(ingress, as_mapping(path.get("backend")), where, inventory, facts)
        for tls in map(as_mapping, as_list(spec.get("tls"))):
            secret_name = tls.get("secretName")
            if usable_name(secret_name):
                target = Ref("Secret", ingress.namespace, secret_name)
                facts.edges.append(GraphEdge(ingress.ref, target, Relation.USES, "tls"))
                if target not in inventory and _issued_by_cert_manager(annotations):
                    # cert-manager's ingress-shim creates this Secret at run time: drawn as derived, not missing.
                    facts.nodes.append(GraphNode(target, NodeState.DERIVED, ingress.source, app_of(ingress.labels)))
                elif target not in inventory:
                    facts.nodes.append(GraphNode(target, NodeState.MISSING, ingress.source, app_of(ingress.labels)))
                    facts.findings.append(Diagnostic(
                        ingress.source, Severity.WARNING,
                        f"Ingress {ingress.name}: TLS Secret {secret_name} is not in the input", "dangling-ingress"))
    return facts


_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")


def _is_name(value: object) -> bool:
    return isinstance(value, str) and _NAME.fullmatch(value) is not None


def _route(ingress: Resource, backend: Mapping[str, Any], where: str, inventory: Inventory, facts: Facts) -> None:
    service = as_mapping(backend.get("service"))
    name = service.get("name") or backend.get("serviceName")
    port_spec = as_mapping(service.get("port"))
    port = port_spec.get("number") or port_spec.get("name") or backend.get("servicePort")
    resource = as_mapping(backend.get("resource"))
    if not name and resource.get("kind") and resource.get("name"):
        target = Ref(str(resource["kind"]), ingress.namespace, str(resource["name"]))
        facts.edges.append(GraphEdge(ingress.ref, target, Relation.ROUTES, where))
        return
    if not isinstance(name, str) or not name.strip():
        return
    target = Ref("Service", ingress.namespace, name)
    label = f"{where} :{port}" if port is not None else where
    facts.edges.append(GraphEdge(ingress.ref, target, Relation.ROUTES, label))
    found = inventory.get(target)
    if found is None:
        facts.nodes.append(GraphNode(target, NodeState.MISSING, ingress.source, app_of(ingress.labels)))
        facts.findings.append(Diagnostic(ingress.source, Severity.WARNING,
                                         f"Ingress {ingress.name} routes {where} to Service {name}, "
                                         "which is not in the input", "dangling-ingress"))
        return
    if port is not None and not _service_has_port(found, port):
        facts.findings.append(Diagnostic(ingress.source, Severity.WARNING,
                                         f"Ingress {ingress.name} routes {where} to port {port} of Service "
                                         f"{name}, which has no such port", "dangling-ingress"))


def _issued_by_cert_manager(annotations: Mapping[str, Any]) -> bool:
    return any(str(key) in ("cert-manager.io/issuer", "cert-manager.io/cluster-issuer") for key in annotations) \
        or str(annotations.get("kubernetes.io/tls-acme")).lower() == "true"  # cert-manager's ingress-shim too


def _service_has_port(service: Resource, port: object) -> bool:
    if service.spec.get("type") == "ExternalName" and not service.spec.get("ports"):
        return True  # the port is the external host's; the Service declares none to check against
    for entry in map(as_mapping, as_list(service.spec.get("ports"))):
        if str(port) in (str(entry.get("port")), str(entry.get("name"))):
            return True
    return False
