"""Relationship rules: small pure functions in one table.

Each rule takes the inventory and the Pods (real or derived by the workload chain) and returns Facts: the nodes
it creates, the edges it finds and the findings it reports. To add a relationship, write a function with that
signature and list it in RULES; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable

from ..graph import Facts, Graph, GraphNode, PodInstance, app_of
from ..model import BUILTIN_KINDS, Inventory, is_declared
from .access import derive_autoscaler_edges, derive_rbac_edges, derive_webhook_edges
from .calls import derive_calls
from .custom import RuleBook, derive_custom_edges, derive_definitions, shipped_rules
from .declarative import check_declared_diagrams
from .gateway import derive_endpoint_edges, derive_gateway_edges
from .names import check_names
from .netpol import derive_network_policy_edges
from .network import derive_ingress_edges, derive_service_edges, derive_service_nodes
from .policy import derive_disruption_budget_edges, derive_selector_checks
from .references import derive_claim_edges, derive_local_volumes, derive_pod_references
from .status import derive_controller_status
from .storage import (
    derive_claim_templates,
    derive_governing_services,
    derive_projected_volumes,
    derive_volume_edges,
    derive_volume_secrets,
)
from .workloads import derive_workload_chain

Rule = Callable[[Inventory, list[PodInstance]], Facts]


def derive_resource_nodes(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Every loaded resource is a node, whatever its kind (the fallback for kinds no rule knows), except declarative
    diagrams: they are drawings, not cluster objects, and only the `diagram` view reads them. A custom resource
    whose scope is unknown says so rather than sit in an invented namespace."""
    return Facts(nodes=[GraphNode(r.ref, source=r.source, app=app_of(r.labels),
                                  details=() if r.scope_known else ("scope unknown",))
                        for r in inventory if not is_declared(r)])


# Order matters only for nodes: the first rule to create a node decides its details.
RULES: tuple[Rule, ...] = (
    derive_service_nodes,
    derive_service_edges,
    derive_ingress_edges,
    derive_pod_references,
    derive_local_volumes,
    derive_claim_edges,
    derive_rbac_edges,
    derive_webhook_edges,
    derive_autoscaler_edges,
    derive_disruption_budget_edges,
    derive_selector_checks,
    derive_claim_templates,
    derive_governing_services,
    derive_volume_secrets,
    derive_projected_volumes,
    derive_volume_edges,
    derive_network_policy_edges,
    derive_controller_status,
    derive_gateway_edges,
    derive_endpoint_edges,
    check_declared_diagrams,
    check_names,
    derive_calls,
    derive_definitions,
    derive_custom_edges,
    derive_resource_nodes,
)


def derive(inventory: Inventory, rules: tuple[Rule, ...] = RULES, rule_book: RuleBook | None = None) -> Graph:
    """The one derived graph every view selects from. `rule_book` holds the relationship rules of custom kinds
    (gen/rules/custom/; default: the shipped ones): its Pod templates join the workload chain and it takes the
    place of derive_custom_edges."""
    graph = Graph(inventory)
    book = rule_book if rule_book is not None else shipped_rules(inventory.kinds())
    rules = tuple(book.derive if rule is derive_custom_edges else rule for rule in rules)
    chain = derive_workload_chain(inventory, book.pod_templates)
    graph.workload_kinds |= {("" if t.kind in BUILTIN_KINDS else t.group, t.kind) for t in book.pod_templates}
    # Pods in the order of their files' paths and lines: a function of the set of inputs, not of the order in
    # which they were named (views draw Pods in this order).
    graph.pods = sorted(chain.pods, key=lambda pod: (pod.source, pod.ref))
    graph.add(chain.facts)
    for rule in rules:
        graph.add(rule(inventory, chain.pods))
    return graph
