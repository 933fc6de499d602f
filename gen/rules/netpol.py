"""NetworkPolicy: the Pods a policy applies to, and the traffic it allows, drawn as edges.

A policy → each Pod its podSelector picks (`{}`: every Pod of its namespace). Each ingress peer → those Pods and
those Pods → each egress peer, labelled with the allowed ports. Peers are Pods (podSelector, in the policy's
namespace or in the namespaces a namespaceSelector picks; matchExpressions honoured), namespaces the input holds no
Pod of, or address blocks (ipBlock), the last two drawn as `External` nodes. A rule without `from`/`to` allows
everyone (`any source` / `any destination`); a policy type without rules denies everything, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..graph import Facts, GraphEdge, GraphNode, NodeState, PodInstance, Relation, app_of
from ..model import Inventory, Ref, Resource, as_list, as_mapping, string_map
from ..selectors import Selector, parse_label_selector

ALLOWS = Relation.ALLOWS
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"  # the API server labels every namespace with its name


def derive_network_policy_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    facts = Facts()
    namespaces = _namespace_labels(inventory, pods)
    for policy in inventory.of_kind("NetworkPolicy"):
        spec = policy.spec
        selector = parse_label_selector(spec.get("podSelector"))
        selected = [p for p in pods if p.ref.namespace == policy.namespace and _picks(selector, p.labels)]
        types = _policy_types(spec)
        denied = [t for t in types if not as_list(spec.get(t.lower()))]
        details = [f"{'/'.join(types).lower()}" if types else "no effect"]
        details += [f"denies all {t.lower()}" for t in denied]
        facts.nodes.append(GraphNode(policy.ref, source=policy.source, app=app_of(policy.labels),
                                     details=tuple(details)))
        if not selected:
            continue
        for pod in selected:
            facts.edges.append(GraphEdge(policy.ref, pod.ref, ALLOWS, "applies to"))
        for direction in types:
            key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
            for rule in map(as_mapping, as_list(spec.get(key))):
                ports = _ports(rule.get("ports"))
                for peer in _peers(policy, rule.get(peers_key), direction, pods, namespaces, facts):
                    for pod in selected:
                        if peer == pod.ref:
                            continue  # a Pod talking to itself is never filtered
                        edge = (peer, pod.ref) if direction == "Ingress" else (pod.ref, peer)
                        facts.edges.append(GraphEdge(*edge, ALLOWS, ports))
    return facts


def _picks(selector: Selector, labels: Mapping[str, str]) -> bool:
    """A LabelSelector of a policy: the empty one (`{}`) picks everything."""
    return selector.empty or selector.matches(labels)


def _policy_types(spec: Mapping[str, Any]) -> list[str]:
    """policyTypes as written, else Ingress plus Egress when the policy has egress rules (the API's default)."""
    written = [t for t in as_list(spec.get("policyTypes")) if t in ("Ingress", "Egress")]
    if written:
        return sorted(set(written), key=("Ingress", "Egress").index)
    return ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def _ports(value: object) -> str:
    """`TCP 8080`, `TCP 8000-9000`, `TCP http`, one per line; `all ports` when the rule names none."""
    labels = []
    for port in map(as_mapping, as_list(value)):
        protocol = str(port.get("protocol") or "TCP")
        number = port.get("port")
        end = port.get("endPort")
        if number is None:
            labels.append(f"{protocol} all ports")
        else:
            labels.append(f"{protocol} {number}-{end}" if end is not None else f"{protocol} {number}")
    return "\n".join(labels) or "all ports"


def _namespace_labels(inventory: Inventory, pods: list[PodInstance]) -> dict[str, dict[str, str]]:
    """Every namespace the input knows (as an object or as where something is), with its labels."""
    known: dict[str, dict[str, str]] = {}
    for resource in inventory:
        if resource.namespace is not None:
            known.setdefault(resource.namespace, {})
    for pod in pods:
        if pod.ref.namespace is not None:
            known.setdefault(pod.ref.namespace, {})
    for namespace in inventory.of_kind("Namespace"):
        known[namespace.name] = string_map(namespace.labels)
    return {name: {**labels, NAMESPACE_NAME_LABEL: name} for name, labels in known.items()}


def _peers(policy: Resource, value: object, direction: str, pods: list[PodInstance],
           namespaces: dict[str, dict[str, str]], facts: Facts) -> list[Ref]:
    """The nodes one rule's `from` or `to` list stands for."""
    peers = [as_mapping(peer) for peer in as_list(value)]
    if not peers:
        return [_external(facts, policy, "any source" if direction == "Ingress" else "any destination",
                          "every address")]
    found: list[Ref] = []
    for peer in peers:
        block = as_mapping(peer.get("ipBlock"))
        if block.get("cidr"):
            excepted = [str(c) for c in as_list(block.get("except"))]
            detail = f"except {', '.join(excepted)}" if excepted else "ipBlock"
            found.append(_external(facts, policy, str(block["cidr"]), detail))
            continue
        if "podSelector" not in peer and "namespaceSelector" not in peer:
            continue
        pod_selector = parse_label_selector(peer.get("podSelector"))
        if "namespaceSelector" in peer:
            namespace_selector = parse_label_selector(peer.get("namespaceSelector"))
            chosen = {name for name, labels in namespaces.items() if _picks(namespace_selector, labels)}
            described = namespace_selector.describe() or "all"
        else:
            chosen = {policy.namespace} if policy.namespace else set()
            described = ""
        matched = [p.ref for p in pods if p.ref.namespace in chosen and _picks(pod_selector, p.labels)]
        found.extend(matched)
        if not matched and "namespaceSelector" in peer:
            # Namespaces outside the input (or with no Pod in it): the selector itself is the peer.
            what = f"pods {pod_selector.describe()}" if not pod_selector.empty else "pods"
            named = described.removeprefix(f"{NAMESPACE_NAME_LABEL}=")
            where = f"namespace {named}" if named != described and "," not in named else f"namespaces {described}"
            found.append(_external(facts, policy, f"{what} in {where}", "namespaceSelector"))
    return found


def _external(facts: Facts, policy: Resource, name: str, detail: str) -> Ref:
    ref = Ref("External", None, name)
    facts.nodes.append(GraphNode(ref, NodeState.DERIVED, policy.source, details=(detail,)))
    return ref
