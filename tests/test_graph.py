"""The derived graph: node precedence, edge merging, findings; and `derive` over every rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gen.graph import Facts, Graph, GraphEdge, GraphNode, NodeState, Relation, app_of
from gen.loading import LoadResult, load
from gen.model import Diagnostic, Ref, Severity, Source
from gen.pipeline import all_diagnostics
from gen.rules import derive

A = Ref("Secret", "ns", "a")
POD = Ref("Pod", "ns", "p")


def test_first_node_wins() -> None:
    graph = Graph()
    graph.add_node(GraphNode(A, details=("first",)))
    graph.add_node(GraphNode(A, details=("second",)))
    assert graph.nodes[A].details == ("first",)


def test_real_or_derived_node_replaces_a_missing_one() -> None:
    for state in (NodeState.REAL, NodeState.DERIVED):
        graph = Graph()
        graph.add_node(GraphNode(A, NodeState.MISSING))
        graph.add_node(GraphNode(A, state))
        assert graph.nodes[A].state is state


def test_missing_node_never_replaces_a_present_one() -> None:
    graph = Graph()
    graph.add_node(GraphNode(A, NodeState.REAL))
    graph.add_node(GraphNode(A, NodeState.MISSING))
    assert graph.nodes[A].state is NodeState.REAL


def test_edges_with_the_same_ends_merge_their_labels() -> None:
    graph = Graph()
    for label in ("env user", "env password", "env user", ""):
        graph.add_edge(GraphEdge(POD, A, Relation.ENV, label, source_part="app"))
    assert graph.edges == [GraphEdge(POD, A, Relation.ENV, "env user\nenv password", source_part="app")]


def test_edges_from_different_containers_or_relations_stay_apart() -> None:
    graph = Graph()
    graph.add_edge(GraphEdge(POD, A, Relation.ENV, "envFrom", source_part="app"))
    graph.add_edge(GraphEdge(POD, A, Relation.ENV, "envFrom", source_part="sidecar"))
    graph.add_edge(GraphEdge(POD, A, Relation.MOUNTS, "/x", source_part="app"))
    assert len(graph.edges) == 3


def test_findings_are_deduplicated_and_sorted() -> None:
    late = Diagnostic(Source("b.yaml", 3), Severity.WARNING, "late", "dangling-service")
    early = Diagnostic(Source("a.yaml", 9), Severity.WARNING, "early", "env-value-from")
    graph = Graph()
    graph.add(Facts(findings=[late, early, late]))
    loaded = LoadResult(diagnostics=[late])
    assert all_diagnostics(loaded, graph) == [early, late]
    assert str(early) == "a.yaml:9: warning: early [env-value-from]"


def test_app_of_prefers_the_recommended_label() -> None:
    assert app_of({"app.kubernetes.io/name": "shop", "app": "legacy"}) == "shop"
    assert app_of({"app": "legacy"}) == "legacy"
    assert app_of({"app": ""}) is None
    assert app_of({}) is None


def test_derive_makes_every_resource_a_node(root: Path) -> None:
    loaded = load([str(root / "manifests" / "sample-app")])
    graph = derive(loaded.inventory())
    for resource in loaded.resources:
        node = graph.nodes[resource.ref]
        assert node.state is NodeState.REAL
        assert node.source == resource.source
    derived = {ref.id for ref, node in graph.nodes.items() if node.state is NodeState.DERIVED}
    assert {"ReplicaSet/shop/web", "Pod/shop/web-1", "Pod/shop/web-2", "ReplicaSet/shop/api", "Pod/shop/api-1",
            "Pod/shop/api-2", "Pod/shop/api-3",
            "Volume/shop/web-1/cache", "Volume/shop/web-2/cache"} == derived
    assert not any(node.state is NodeState.MISSING for node in graph.nodes.values())
    assert graph.findings == []


def test_service_node_keeps_its_details_over_the_fallback(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: NodePort}\n")
    assert graph.nodes[Ref("Service", "default", "s")].details == ("NodePort",)
