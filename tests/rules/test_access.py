"""API-level relationships: autoscalers and their targets."""

from __future__ import annotations

from collections.abc import Callable

from gen.graph import Graph, NodeState, Relation
from gen.model import Ref, Severity

GraphOf = Callable[..., Graph]

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""


def _hpa(name: str, target: str, api: str = "apps/v1", kind: str = "Deployment") -> str:
    return (f"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: {name}}}\n"
            f"spec: {{scaleTargetRef: {{apiVersion: {api}, kind: {kind}, name: {target}}}, minReplicas: 2, "
            "maxReplicas: 5}\n")


def test_autoscaler_scales_its_workload(graph_of: GraphOf) -> None:
    graph = graph_of(WEB + _hpa("web", "web"))
    edges = [(e.source, e.target, e.label) for e in graph.edges if e.relation is Relation.USES]
    assert (Ref("HorizontalPodAutoscaler", "default", "web"), Ref("Deployment", "default", "web"),
            "scales 2–5") in edges
    assert [f.check for f in graph.findings] == []


def test_autoscaler_of_a_missing_workload_is_drawn_and_reported(graph_of: GraphOf) -> None:
    graph = graph_of(_hpa("api", "api"))
    missing = Ref("Deployment", "default", "api")
    assert graph.nodes[missing].state is NodeState.MISSING
    assert any(e.target == missing for e in graph.edges)
    [finding] = graph.findings
    assert finding.check == "dangling-hpa" and finding.severity is Severity.WARNING
    assert finding.message == "HorizontalPodAutoscaler api scales Deployment api, which is not in the input"
    assert finding.source.line == 2


def test_two_autoscalers_of_one_workload_are_a_finding(graph_of: GraphOf) -> None:
    graph = graph_of(WEB + _hpa("web", "web") + _hpa("web-too", "web"))
    [finding] = graph.findings
    assert finding.check == "duplicate-hpa"
    assert finding.message.startswith("HorizontalPodAutoscaler web-too scales Deployment web, as "
                                      "HorizontalPodAutoscaler web (<stdin>:")


def test_autoscaler_of_a_custom_workload_keeps_its_group(graph_of: GraphOf) -> None:
    rollout = ("---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web}\n"
               "spec: {template: {spec: {containers: [{name: web, image: nginx}]}}}\n")
    graph = graph_of(rollout + _hpa("web", "web", "argoproj.io/v1alpha1", "Rollout"))
    assert [f.check for f in graph.findings] == []
    assert any(e.target == Ref("Rollout", "default", "web", "argoproj.io") for e in graph.edges)
