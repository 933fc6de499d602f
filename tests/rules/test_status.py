"""A dump of a live cluster (`kubectl get all,cm,secret -A -o yaml`): the real ReplicaSets and Pods, linked by their
ownerReferences, with their status; no derived duplicates beside them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gen.graph import Graph, NodeState, Relation
from gen.loading import load
from gen.model import Ref
from gen.rules import derive


@pytest.fixture(scope="module")
def dump(fixtures_dir: Path) -> Graph:
    loaded = load([str(fixtures_dir / "cluster-dump.yaml")])
    assert not loaded.failed
    return derive(loaded.inventory())


def _ref(kind: str, name: str) -> Ref:
    return Ref(kind, "shop", name)


def test_the_real_replicasets_and_pods_are_drawn_and_nothing_derived(dump: Graph) -> None:
    assert not [ref for ref, node in dump.nodes.items() if node.state is NodeState.DERIVED]
    pods = sorted(ref.name for ref in dump.nodes if ref.kind == "Pod")
    assert pods == ["web-7d9c8b6f5-abcde", "web-7d9c8b6f5-fghij"]
    assert sorted(ref.name for ref in dump.nodes if ref.kind == "ReplicaSet") == [
        "api-6b8f9c7d4", "web-5f6d7c8b9", "web-7d9c8b6f5"]


def test_owner_references_link_them(dump: Graph) -> None:
    owns = {(e.source, e.target) for e in dump.edges
            if e.relation is Relation.OWNS and e.target.name.startswith("web-")}
    assert owns == {
        (_ref("Deployment", "web"), _ref("ReplicaSet", "web-7d9c8b6f5")),
        (_ref("Deployment", "web"), _ref("ReplicaSet", "web-5f6d7c8b9")),
        (_ref("ReplicaSet", "web-7d9c8b6f5"), _ref("Pod", "web-7d9c8b6f5-abcde")),
        (_ref("ReplicaSet", "web-7d9c8b6f5"), _ref("Pod", "web-7d9c8b6f5-fghij")),
    }
    selected = {e.target for e in dump.edges if e.relation is Relation.SELECTS}
    assert selected == {_ref("Pod", "web-7d9c8b6f5-abcde"), _ref("Pod", "web-7d9c8b6f5-fghij")}
    assert dump.findings == []


def test_status_is_shown(dump: Graph) -> None:
    assert dump.nodes[_ref("Pod", "web-7d9c8b6f5-abcde")].details == ("Running", "1/1 ready", "restarts 3")
    assert dump.nodes[_ref("Pod", "web-7d9c8b6f5-fghij")].details == ("CrashLoopBackOff", "0/1 ready")
    assert dump.nodes[_ref("Deployment", "web")].details == ("1/2 ready",)
    assert dump.nodes[_ref("ReplicaSet", "web-7d9c8b6f5")].details == ("1/2 ready",)
    assert dump.nodes[_ref("ReplicaSet", "web-5f6d7c8b9")].details == ("scaled to 0",)
    assert dump.nodes[_ref("PersistentVolumeClaim", "uploads")].details == ("Bound",)


def test_a_custom_owner_is_found_by_its_api_group(dump: Graph) -> None:
    rollout = Ref("Rollout", "shop", "api", "argoproj.io")
    assert (rollout, _ref("ReplicaSet", "api-6b8f9c7d4")) in {
        (e.source, e.target) for e in dump.edges if e.relation is Relation.OWNS}


def test_manifests_without_status_show_none(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n")
    assert graph.nodes[Ref("Pod", "default", "p")].details == ()
