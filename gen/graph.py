"""The derived graph: resources (real, derived or missing) and the relationships between them.

`derive` (gen/rules/) fills it with the Facts each rule returns. Views select from it, and also read what it keeps
beside its nodes and edges: the inventory it was derived from, every Pod with the spec it runs, and the kinds that
run Pods. Nodes carry the short facts and parts a view shows of them, and each edge's Relation (gen/relations.py)
says how its links look; the graph itself lays nothing out and knows no backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from .kube import CONTROLLER_KINDS
from .model import Diagnostic, Inventory, Ref, Source
from .records import field, record

# The relations are declared once, in gen/relations.py; rules and views know them from here too.
from .relations import RELATIONS as RELATIONS
from .relations import Relation as Relation
from .relations import RelationFamily as RelationFamily


class NodeState(StrEnum):
    REAL = "real"  # in the input
    DERIVED = "derived"  # what the cluster would create from the input (ReplicaSets, Pods, Jobs)
    MISSING = "missing"  # referenced by the input but not in it


@record(frozen=True)
class Part:
    """Something drawn inside a node, such as a Pod's container. `id` is unique within its node."""

    id: str
    label: str
    role: str = "container"  # container | init | sidecar


@record
class GraphNode:
    ref: Ref
    state: NodeState = NodeState.REAL
    source: Source | None = None
    app: str | None = None
    count: int = 1  # more than one when several identical Pods are collapsed into one node
    details: tuple[str, ...] = ()  # short facts under the name: "ClusterIP", "×5", "/var/log"
    parts: tuple[Part, ...] = ()
    owner: Ref | None = None  # a Pod-local volume is drawn with its Pod


@record(frozen=True)
class GraphEdge:
    source: Ref
    target: Ref
    relation: Relation
    label: str = ""
    source_part: str | None = None
    target_part: str | None = None


@record(frozen=True)
class PodInstance:
    """A Pod node with the spec it runs: real (kind Pod) or derived from a template."""

    ref: Ref
    spec: Mapping[str, Any]
    labels: Mapping[str, str]
    source: Source  # the Pod or the workload whose template it comes from
    workload: Ref  # the top controller (or the Pod itself): findings name it
    app: str | None


@record
class Facts:
    """What one rule contributes: nodes it creates, edges it finds, findings it reports."""

    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    findings: list[Diagnostic] = field(default_factory=list)


class Graph:
    """Nodes by identity (first writer wins, except that a real node replaces a missing one), edges deduplicated."""

    def __init__(self, inventory: Inventory | None = None) -> None:
        self.inventory = inventory if inventory is not None else Inventory([])  # what the graph was derived from
        self.pods: list[PodInstance] = []  # every Pod, real or derived, with the spec it runs
        # (group, kind) of every kind that runs Pods: the built-in controllers and each kind a relationship rule
        # gives a Pod template (an Argo Rollout, a LeaderWorkerSet); views that show workloads show these.
        self.workload_kinds: frozenset[tuple[str, str]] = frozenset(("", kind) for kind in CONTROLLER_KINDS)
        self.nodes: dict[Ref, GraphNode] = {}
        self.edges: list[GraphEdge] = []
        self.findings: list[Diagnostic] = []
        self._edge_index: dict[tuple[Ref, Ref, Relation, str | None, str | None], int] = {}

    def add(self, facts: Facts) -> None:
        for node in facts.nodes:
            self.add_node(node)
        for edge in facts.edges:
            self.add_edge(edge)
        self.findings.extend(facts.findings)

    def add_node(self, node: GraphNode) -> None:
        current = self.nodes.get(node.ref)
        if current is None or (current.state is NodeState.MISSING and node.state is not NodeState.MISSING):
            self.nodes[node.ref] = node

    def add_edge(self, edge: GraphEdge) -> None:
        key = (edge.source, edge.target, edge.relation, edge.source_part, edge.target_part)
        index = self._edge_index.get(key)
        if index is None:
            self._edge_index[key] = len(self.edges)
            self.edges.append(edge)
            return
        # Same endpoints and relation: merge labels (two env keys from one Secret give one edge).
        existing = self.edges[index]
        if edge.label and edge.label not in existing.label.split("\n"):
            merged = "\n".join(filter(None, [existing.label, edge.label]))
            self.edges[index] = GraphEdge(edge.source, edge.target, edge.relation, merged,
                                          edge.source_part, edge.target_part)


def pod_volume(pod: Ref, volume: str) -> Ref:
    """A Pod's own volume (emptyDir, hostPath, a token projection): one per Pod, so it is named after its Pod and
    made by what makes the Pod (the volumes of two workloads' Pods `web-1` are not one)."""
    return Ref("Volume", pod.namespace, f"{pod.name}/{volume}", made_by=pod.made_by)


def app_of(labels: Mapping[str, str]) -> str | None:
    """The application a resource belongs to: `app.kubernetes.io/name`, else `app`."""
    return labels.get("app.kubernetes.io/name") or labels.get("app") or None
