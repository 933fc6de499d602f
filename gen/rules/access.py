"""Who may do what and who calls whom at the API level: RBAC bindings, admission webhooks, autoscalers."""

from __future__ import annotations

from ..graph import Facts, GraphEdge, PodInstance, Relation
from ..model import Inventory, Ref, as_list, as_mapping


def derive_rbac_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """ServiceAccount → (Cluster)RoleBinding → (Cluster)Role, for the objects the input holds."""
    facts = Facts()
    for binding in inventory.of_kind("RoleBinding", "ClusterRoleBinding"):
        role = as_mapping(binding.body.get("roleRef"))
        kind, name = role.get("kind"), role.get("name")
        if isinstance(kind, str) and isinstance(name, str):
            namespace = None if kind == "ClusterRole" else binding.namespace
            if Ref(kind, namespace, name) in inventory:
                facts.edges.append(GraphEdge(binding.ref, Ref(kind, namespace, name), Relation.USES, "role"))
        for subject in map(as_mapping, as_list(binding.body.get("subjects"))):
            if subject.get("kind") != "ServiceAccount" or not isinstance(subject.get("name"), str):
                continue
            namespace = str(subject.get("namespace") or binding.namespace or "default")
            account = Ref("ServiceAccount", namespace, subject["name"])
            if account in inventory:
                facts.edges.append(GraphEdge(account, binding.ref, Relation.USES, "bound by"))
    return facts


def derive_webhook_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Admission webhook configurations and APIServices → the Service the API server calls."""
    facts = Facts()
    for config in inventory.of_kind("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for webhook in map(as_mapping, as_list(config.body.get("webhooks"))):
            service = as_mapping(as_mapping(webhook.get("clientConfig")).get("service"))
            _service_edge(inventory, facts, config.ref, service, str(webhook.get("name") or ""))
    for api_service in inventory.of_kind("APIService"):
        _service_edge(inventory, facts, api_service.ref, as_mapping(api_service.spec.get("service")), "")
    return facts


def _service_edge(inventory: Inventory, facts: Facts, source: Ref, service: object,
                  label: str) -> None:
    service = as_mapping(service)
    name, namespace = service.get("name"), service.get("namespace")
    if isinstance(name, str) and isinstance(namespace, str):
        target = Ref("Service", namespace, name)
        if target in inventory:
            facts.edges.append(GraphEdge(source, target, Relation.ROUTES, label))


def derive_autoscaler_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """HorizontalPodAutoscaler → the workload it scales."""
    facts = Facts()
    for autoscaler in inventory.of_kind("HorizontalPodAutoscaler"):
        target = as_mapping(autoscaler.spec.get("scaleTargetRef"))
        kind, name = target.get("kind"), target.get("name")
        if isinstance(kind, str) and isinstance(name, str) and Ref(kind, autoscaler.namespace, name) in inventory:
            bounds = f"{autoscaler.spec.get('minReplicas', 1)}–{autoscaler.spec.get('maxReplicas', '?')}"
            facts.edges.append(GraphEdge(autoscaler.ref, Ref(kind, autoscaler.namespace, name), Relation.USES,
                                         f"scales {bounds}"))
    return facts
