"""Label selectors over Pods beyond Services: workload selectors against their own template, and the policies
that select Pods (PodDisruptionBudget). These use full LabelSelectors, matchExpressions included."""

from __future__ import annotations

from ..graph import Facts, GraphEdge, PodInstance, Relation
from ..kube import SELECTOR_KINDS, pod_template, template_labels
from ..model import Diagnostic, Inventory, Severity
from ..selectors import parse_label_selector, parse_map_selector


def derive_selector_checks(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """A workload whose selector does not match its own Pod template's labels (the API server rejects it)."""
    facts = Facts()
    for workload in inventory.of_kind(*SELECTOR_KINDS):
        raw = workload.spec.get("selector")
        if raw is None:
            continue  # Jobs and ReplicationControllers default their selector from the template
        selector = parse_map_selector(raw) if workload.kind == "ReplicationController" else parse_label_selector(raw)
        labels = template_labels(pod_template(workload))
        if not selector.empty and not selector.matches(labels):
            facts.findings.append(Diagnostic(
                workload.source, Severity.WARNING,
                f"{workload.kind} {workload.name}: selector {selector.describe()} does not match the labels of its "
                "Pod template", "mismatching-selector"))
    return facts


def derive_disruption_budget_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """PodDisruptionBudget → the Pods its selector matches."""
    facts = Facts()
    for budget in inventory.of_kind("PodDisruptionBudget"):
        selector = parse_label_selector(budget.spec.get("selector"))
        limit = budget.spec.get("minAvailable")
        label = f"minAvailable {limit}" if limit is not None else f"maxUnavailable {budget.spec.get('maxUnavailable')}"
        for pod in pods:
            if pod.ref.namespace == budget.namespace and selector.matches(pod.labels):
                facts.edges.append(GraphEdge(budget.ref, pod.ref, Relation.USES, label))
    return facts
