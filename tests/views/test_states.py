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


def _diagram(graph_of: Callable[..., Graph], view: str, policy: str, language: str = "ko") -> Diagram:
    """The report's Pod under a policy, in the report's words unless told otherwise."""
    return build_view(graph_of(POD.format(policy=policy)), view, Filters(language=language))


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


@pytest.mark.parametrize(("policy", "restarts"), [("Always", True), ("OnFailure", True), ("Never", False)])
def test_every_policy_gets_the_general_phase_diagram(graph_of: Callable[..., Graph], policy: str,
                                                     restarts: bool) -> None:
    diagram = _diagram(graph_of, "phases", policy)
    moves = _transitions(diagram)
    # Since Kubernetes 1.27 a deleted Pod under Always ends Succeeded or Failed too: both ends under every policy
    assert {("start", "Pending"), ("Pending", "Running"), ("Running", "Succeeded"), ("Running", "Failed"),
            ("Running", "Unknown"), ("Unknown", "Running")} <= moves
    assert (("Running", "Running") in moves) is restarts
    states = {box.title: box for box in diagram.boxes if box.category == "state"}
    assert set(states) == {"Pending", "Running", "Succeeded", "Failed", "Unknown"}
    assert all(box.state == "real" for box in states.values())  # nothing drawn as unreachable
    assert ("Pending", "Failed") in moves if policy == "Never" else ("Pending", "Failed") not in moves
    # the restart policy is a note: this Pod's first, then how the other two end a Pod
    note = next(box for box in diagram.boxes if box.category == "note")
    assert note.title == f"restartPolicy: {policy}" and note.details[0].startswith(f"{policy}:")
    assert {"Always", "OnFailure", "Never"} <= {line.split(":")[0] for line in note.details}
    assert "도달하지 않음" not in repr(diagram)


def test_active_deadline_makes_failed_reachable(graph_of: Callable[..., Graph]) -> None:
    text = POD.format(policy="Always").replace("spec:\n", "spec:\n  activeDeadlineSeconds: 600\n", 1)
    diagram = build_view(graph_of(text), "phases", Filters(language="ko"))
    assert any(link.label == "activeDeadlineSeconds 600초 초과" for link in diagram.links)
    english = build_view(graph_of(text), "phases")
    assert any(link.label == "activeDeadlineSeconds 600 s passed" for link in english.links)


def _moments(diagram: Diagram) -> list[dict[str, str]]:
    """Each moment box's rows as condition → "True"/"False", in order."""
    boxes = sorted((box for box in diagram.boxes if box.category == "moment"), key=lambda box: int(box.id[-1]))
    return [dict(row.text.split(": ", 1) for row in box.rows) for box in boxes]


def test_conditions_are_sets_over_time_not_a_chain_of_transitions(graph_of: Callable[..., Graph]) -> None:
    diagram = _diagram(graph_of, "conditions", "Always")
    # no condition leads to another: the links only say which moment comes next
    assert {link.category for link in diagram.links} == {"then"}
    assert all(link.source.split("/")[-1].startswith("moment-") for link in diagram.links)
    moments = _moments(diagram)
    names = ["PodScheduled", "Initialized", "ContainersReady", "Ready", "gate ready"]
    assert all(list(moment) == names for moment in moments)  # every condition at every moment
    assert [m["PodScheduled"] for m in moments] == ["False", "True", "True", "True", "True", "True"]
    assert [m["Initialized"] for m in moments] == ["False", "False", "True", "True", "True", "True"]
    assert [m["ContainersReady"] for m in moments] == ["False", "False", "False", "True", "True", "False"]
    # the readiness gate holds Ready back until its controller sets it; a failing readiness probe takes it away
    assert [m["gate ready"] for m in moments] == ["False", "False", "False", "False", "True", "True"]
    assert [m["Ready"] for m in moments] == ["False", "False", "False", "False", "True", "False"]
    assert max(list(m.values()).count("True") for m in moments) == 5  # several hold at once
    boxes = [box for box in diagram.boxes if box.category == "moment"]
    assert "example.com/ready: True" in boxes[4].tooltip and boxes[4].badge == "phase: Running"
    assert all(row.tone == ("plain" if row.text.endswith("True") else "muted") for box in boxes for row in box.rows)


def test_conditions_without_init_containers_or_gates(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n")
    moments = _moments(build_view(graph, "conditions"))
    assert moments == [dict.fromkeys(("PodScheduled", "Initialized", "ContainersReady", "Ready"), "False"),
                       {"PodScheduled": "True", "Initialized": "True", "ContainersReady": "False", "Ready": "False"},
                       dict.fromkeys(("PodScheduled", "Initialized", "ContainersReady", "Ready"), "True")]


def test_container_states_legend_looks_mean_one_thing_each(graph_of: Callable[..., Graph]) -> None:
    diagram = _diagram(graph_of, "container-states", "OnFailure")
    kinds: dict[tuple[str, str], set[str]] = {}
    for link in diagram.links:
        kinds.setdefault((link.colour, link.line), set()).add(link.category)
    # grey: a transition, red: a liveness probe's failure, green: a restart; the legend names each look once
    assert kinds == {("grey", "solid"): {"transition"}, ("red", "solid"): {"liveness"},
                     ("green", "solid"): {"restart"}}
    # Unknown is no state the API reports: a note beside Running, not a transition's end
    unknown = next(box for box in diagram.boxes if box.title == "Unknown")
    assert unknown.category == "note" and unknown.id not in {link.target for link in diagram.links}


def test_states_view_draws_the_three_machines_in_frames(graph_of: Callable[..., Graph]) -> None:
    diagram = _diagram(graph_of, "states", "Never")
    assert [g.label for g in diagram.groups] == ["Pod task (restartPolicy: Never)", "Pod Phase", "Pod Condition",
                                                "Container Status"]
    assert {box.group for box in diagram.boxes} == {"Pod/default/task/states/phases",
                                                    "Pod/default/task/states/conditions",
                                                    "Pod/default/task/states/container-states"}


def test_default_policy_is_always_and_said_so(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n")
    diagram = build_view(graph, "container-states", Filters(language="ko"))
    assert diagram.groups[0].label == "Pod p (restartPolicy: Always (기본값))"
    assert build_view(graph, "container-states").groups[0].label == "Pod p (restartPolicy: Always (default))"
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


@pytest.mark.exe
def test_conditions_read_top_down_two_moments_a_row(graph_of: Callable[..., Graph], svg_positions: Positions) -> None:
    svg = render_diagram(_diagram(graph_of, "conditions", "Always")).decode()
    where = svg_positions(svg)
    top = {n: where[f"Pod/default/task/condition/moment-{n}"] for n in range(1, 7)}
    assert top[1][1] < top[3][1] < top[5][1]  # rows top down
    assert top[1][0] < top[2][0] and top[1][1] == pytest.approx(top[2][1], abs=30)  # 1 then 2 on one row
