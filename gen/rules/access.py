"""Who may do what and who calls whom at the API level: RBAC bindings, admission webhooks, autoscalers."""

from __future__ import annotations

from ..graph import Facts, GraphEdge, GraphNode, NodeState, PodInstance, Relation, app_of
from ..kube import usable_name
from ..model import BUILTIN_KINDS, Diagnostic, Inventory, Ref, Resource, Severity, as_list, as_mapping


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
    """HorizontalPodAutoscaler → the workload it scales. A target not in the input is drawn missing and reported
    (`dangling-hpa`); two autoscalers of one workload fight over its replicas (`duplicate-hpa`)."""
    facts = Facts()
    scalers: dict[Ref, list[Resource]] = {}
    for autoscaler in inventory.of_kind("HorizontalPodAutoscaler"):
        target = as_mapping(autoscaler.spec.get("scaleTargetRef"))
        kind, name = target.get("kind"), target.get("name")
        if not usable_name(kind) or not usable_name(name):
            continue
        group = str(target.get("apiVersion") or "").rpartition("/")[0]
        ref = Ref(kind, autoscaler.namespace, name, "" if kind in BUILTIN_KINDS else group)
        bounds = f"{autoscaler.spec.get('minReplicas', 1)}–{autoscaler.spec.get('maxReplicas', '?')}"
        facts.edges.append(GraphEdge(autoscaler.ref, ref, Relation.USES, f"scales {bounds}"))
        scalers.setdefault(ref, []).append(autoscaler)
        if ref not in inventory:
            facts.nodes.append(GraphNode(ref, NodeState.MISSING, autoscaler.source, app_of(autoscaler.labels)))
            facts.findings.append(Diagnostic(
                autoscaler.source, Severity.WARNING,
                f"HorizontalPodAutoscaler {autoscaler.name} scales {kind} {name}, which is not in the input",
                "dangling-hpa"))
    for ref, autoscalers in scalers.items():
        for extra in autoscalers[1:]:
            facts.findings.append(Diagnostic(
                extra.source, Severity.WARNING,
                f"HorizontalPodAutoscaler {extra.name} scales {ref.kind} {ref.name}, as "
                f"HorizontalPodAutoscaler {autoscalers[0].name} ({autoscalers[0].source}) already does",
                "duplicate-hpa"))
    return facts
