"""State views: the phase, condition and container state machines of one Pod, specialised by its restartPolicy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gen.diagram import Diagram
from gen.graph import Graph
from gen.loading import load
from gen.render import render_diagram
from gen.rules import derive
from gen.views import VIEWS, Filters, build_view

POD = """
apiVersion: v1
kind: Pod
metadata: {{name: task}}
spec:
  restartPolicy: {policy}
  readinessGates: [{{conditionType: example.com/ready}}]
  initContainers: [{{name: setup, image: x}}]
  containers:
    - name: work
      image: x
      livenessProbe: {{exec: {{command: [check]}}}}
      readinessProbe: {{httpGet: {{path: /ready, port: 80}}}}
"""

Positions = Callable[[str], dict[str, tuple[float, float, float]]]


def _diagram(graph_of: Callable[..., Graph], view: str, policy: str) -> Diagram:
    return build_view(graph_of(POD.format(policy=policy)), view)


def _transitions(diagram: Diagram) -> set[tuple[str, str]]:
    return {(link.source.rsplit("/", 1)[-1], link.target.rsplit("/", 1)[-1]) for link in diagram.links}


def test_views_are_registered() -> None:
    assert {"states", "phases", "conditions", "container-states"} <= set(VIEWS)


def test_never_and_always_differ_by_the_restart_transition(graph_of: Callable[..., Graph]) -> None:
    always = _diagram(graph_of, "container-states", "Always")
    never = _diagram(graph_of, "container-states", "Never")
    # Always: a terminated container waits to start again, whatever its exit code; Never: it stays terminated.
    assert ("Terminated", "Waiting") in _transitions(always)
    assert ("Terminated", "Waiting") not in _transitions(never)
    assert ("Terminated", "end") in _transitions(never) and ("Terminated", "end") not in _transitions(always)
    restart = next(link for link in always.links if link.category == "restart")
    assert restart.label == "재시작 (exit code 무관)"


def test_on_failure_restarts_only_after_a_non_zero_exit(graph_of: Callable[..., Graph]) -> None:
    diagram = _diagram(graph_of, "container-states", "OnFailure")
    labels = {(link.source.rsplit("/", 1)[-1], link.target.rsplit("/", 1)[-1]): link.label for link in diagram.links}
    assert labels[("Terminated", "Waiting")] == "재시작 (exit code ≠ 0일 때만)"
    assert labels[("Terminated", "end")] == "exit code 0"


def test_liveness_probe_failure_terminates_a_container(graph_of: Callable[..., Graph]) -> None:
    diagram = _diagram(graph_of, "container-states", "Always")
    assert any(link.category == "liveness" and "work" in link.label for link in diagram.links)


@pytest.mark.parametrize(("policy", "succeeded", "failed", "restarts"), [
    ("Always", False, False, True),
    ("OnFailure", True, False, True),
    ("Never", True, True, False),
])
def test_phases_reachable_under_each_policy(graph_of: Callable[..., Graph], policy: str, succeeded: bool,
                                            failed: bool, restarts: bool) -> None:
    diagram = _diagram(graph_of, "phases", policy)
    moves = _transitions(diagram)
    assert (("Running", "Succeeded") in moves) is succeeded
    assert (("Running", "Failed") in moves) is failed
    assert (("Running", "Running") in moves) is restarts
    states = {box.title: box for box in diagram.boxes if box.category.startswith("state")}
    assert set(states) == {"Pending", "Running", "Succeeded", "Failed", "Unknown"}
    # a phase the Pod cannot reach is still drawn, dashed, saying why
    assert (states["Succeeded"].state == "real") is succeeded
    assert (states["Failed"].state == "real") is failed
    assert ("Pending", "Failed") in moves if policy == "Never" else ("Pending", "Failed") not in moves


def test_active_deadline_makes_failed_reachable(graph_of: Callable[..., Graph]) -> None:
    text = POD.format(policy="Always").replace("spec:\n", "spec:\n  activeDeadlineSeconds: 600\n", 1)
    diagram = build_view(graph_of(text), "phases")
    assert any(link.label == "activeDeadlineSeconds 600초 초과" for link in diagram.links)


def test_conditions_in_order_with_readiness_gates(graph_of: Callable[..., Graph]) -> None:
    diagram = _diagram(graph_of, "conditions", "Always")
    moves = _transitions(diagram)
    assert {("PodScheduled", "Initialized"), ("Initialized", "ContainersReady"), ("ContainersReady", "Ready"),
            ("ready", "Ready")} <= moves
    boxes = {box.title: box for box in diagram.boxes}
    assert boxes["Initialized"].details == ("init container 1개 모두 성공",)
    assert "readinessProbe: work" in boxes["ContainersReady"].details
    assert boxes["example.com/ready"].badge == "readinessGate"


def test_states_view_draws_the_three_machines_in_frames(graph_of: Callable[..., Graph]) -> None:
    diagram = _diagram(graph_of, "states", "Never")
    assert [g.label for g in diagram.groups] == ["Pod task (restartPolicy: Never)", "Pod Phase", "Pod Condition",
                                                "Container Status"]
    assert {box.group for box in diagram.boxes} == {"Pod/default/task/states/phases",
                                                    "Pod/default/task/states/conditions",
                                                    "Pod/default/task/states/container-states"}


def test_default_policy_is_always_and_said_so(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n")
    diagram = build_view(graph, "container-states")
    assert diagram.groups[0].label == "Pod p (restartPolicy: Always (기본값))"
    assert ("Terminated", "Waiting") in _transitions(diagram)


@pytest.mark.exe
def test_the_svgs_differ_by_the_restart_edge(graph_of: Callable[..., Graph]) -> None:
    svgs = {policy: render_diagram(_diagram(graph_of, "container-states", policy)).decode()
            for policy in ("Always", "Never")}
    edge = "<title>Pod/default/task/container/Terminated&#45;&gt;Pod/default/task/container/Waiting</title>"
    assert edge in svgs["Always"] and edge not in svgs["Never"]
    assert svgs["Always"] != svgs["Never"]


@pytest.mark.exe
def test_restart_policies_figure_reads_in_input_order(root: Path, svg_positions: Positions) -> None:
    loaded = load([str(root / "manifests" / "lifecycle" / "restart-policies.yaml")])
    graph = derive(loaded.inventory())
    svg = render_diagram(build_view(graph, "container-states")).decode()
    where = svg_positions(svg)
    tops = [where[f"Pod/default/restart-{name}/container/Waiting"][1] for name in ("always", "onfailure", "never")]
    assert tops == sorted(tops)  # Always on top, then OnFailure, then Never
    assert "Terminated&#45;&gt;Pod/default/restart&#45;never/container/Waiting" not in svg
    assert "Terminated&#45;&gt;Pod/default/restart&#45;always/container/Waiting" in svg
    # names: picks one of the three
    one = build_view(graph, "container-states", Filters(names={"restart-never"}))
    assert {box.id.split("/")[2] for box in one.boxes} == {"restart-never"}
