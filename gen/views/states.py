"""State views of one Pod: its phase state machine, its conditions and its containers' state machine, each
specialised to the given Pod spec.

The restartPolicy decides which container transitions exist: Always restarts a terminated container whatever its
exit code (Terminated → Waiting), OnFailure only after a non-zero exit, Never not at all; the same Pod under two
restart policies gives two different container figures. The phase diagram is the general one under every policy
(since Kubernetes 1.27 a deleted Pod under Always also ends Succeeded or Failed by its containers' exit codes),
with the policy as a note and Running's restart loop as the Pod's. Conditions are not a state machine: several
hold at once, so they are drawn as one set (each condition True or False) per moment of the Pod's start.

Views: `phases`, `conditions`, `container-states`, and `states` for all three side by side. Which Pods: as for
the lifecycle view (every Pod or template, each as its own frame; `names:` picks one).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial

from ..diagram import Box, Colour, Diagram, Direction, Group, Link, Row, Shape
from ..graph import Graph
from ..kube import RestartPolicy, active_deadline, containers, probes, readiness_gates, restart_policy
from ..records import field, record
from .base import Filters, ViewBuilder
from .lifecycle import PodSubject, pod_subjects

# What each transition under each restart policy is called: the label of Terminated → Waiting, or None.
RESTART_LABEL: dict[RestartPolicy, str | None] = {
    "Always": "재시작 (exit code 무관)",
    "OnFailure": "재시작 (exit code ≠ 0일 때만)",
    "Never": None,
}


@record
class _Machine:
    """Boxes and links of one state machine inside its frame."""

    prefix: str
    group: str
    boxes: list[Box] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    aligned: list[tuple[str, ...]] = field(default_factory=list)  # states in one column, linked or not
    stacked: list[tuple[str, ...]] = field(default_factory=list)  # heads of rows, top to bottom

    def id(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def state(self, name: str, details: tuple[str, ...] = (), *, colour: Colour = "neutral", shape: Shape = "rounded",
              badge: str = "", rank: int | None = None, tooltip: str = "", category: str = "state") -> str:
        box_id = self.id(name)
        self.boxes.append(Box(box_id, name, badge, shape, colour, "real", details, (), self.group, tooltip or name,
                              rank, category))
        return box_id

    def marker(self, name: str, shape: Shape, rank: int) -> str:
        box_id = self.id(name)
        self.boxes.append(Box(box_id, "끝" if shape == "double-circle" else "", "", shape, "grey", "real", (),
                              (), self.group, "시작" if shape == "dot" else "끝", rank, name))
        return box_id

    def move(self, source: str, target: str, label: str = "", *, colour: Colour = "grey", dashed: bool = False,
             category: str = "transition") -> None:
        self.links.append(Link(source, target, label, colour, "dashed" if dashed else "solid",
                               category=category))


def _policy_text(subject: PodSubject) -> str:
    policy, written = restart_policy(subject.spec)
    return f"restartPolicy: {policy}{'' if written else ' (기본값)'}"


# How each restart policy ends a Pod, for the note beside the phase diagram: every policy can reach both
# Succeeded and Failed (since Kubernetes 1.27 the kubelet gives a deleted Pod its terminal phase by its
# containers' exit codes, under Always too), so the policy says how, not whether.
POLICY_ENDINGS: dict[RestartPolicy, tuple[str, ...]] = {
    "Always": ("Always: 끝난 컨테이너를 재시작해 Running 유지,", "삭제하면 exit code로 Succeeded/Failed (1.27+)"),
    "OnFailure": ("OnFailure: 실패한 컨테이너만 재시작,", "모두 exit code 0으로 끝나면 Succeeded"),
    "Never": ("Never: 재시작 없음, 모두 exit code 0이면", "Succeeded, 하나라도 아니면 Failed"),
}


def phase_machine(subject: PodSubject, group: str) -> _Machine:
    """The general phase diagram: Pending → Running → Succeeded / Failed, and Unknown, with a note saying how this
    Pod's restart policy (first) and the others get there; Running's restart loop is this Pod's."""
    spec = subject.spec
    policy, _ = restart_policy(spec)
    machine = _Machine(f"{subject.prefix}/phase", group)
    has_init = any(c.role == "init" for c in containers(spec, ephemeral=False))
    start = machine.marker("start", "dot", 0)
    pending = machine.state("Pending", ("실행 준비를 마치지 못한", "컨테이너가 존재"), colour="yellow", rank=1)
    running = machine.state("Running", ("최소 한 개의 컨테이너가", "실행·시작·재시작 중"), colour="green", rank=2)
    succeeded = machine.state("Succeeded", ("모든 컨테이너가", "성공적으로 종료"), colour="blue", rank=3)
    failed = machine.state("Failed", ("모든 컨테이너가 종료,", "하나 이상 비정상 종료"), colour="red", rank=3)
    unknown = machine.state("Unknown", ("상태 정보를 읽어오지 못함", "(kubelet ↔ API server)"), rank=3)
    machine.move(start, pending, "생성 요청")
    machine.move(pending, running, "init container 완료" if has_init else "node 배정")
    restart = RESTART_LABEL[policy]
    if restart is not None:
        machine.move(running, running, restart, colour="green", category="restart")
    machine.move(running, succeeded, "모두 exit code 0")
    machine.move(running, failed, "하나 이상 실패")
    if has_init and policy == "Never":  # the other policies run a failed init container again
        machine.move(pending, failed, "init container 실패")
    deadline = active_deadline(spec)
    if deadline is not None:
        machine.move(running, failed, f"activeDeadlineSeconds {deadline}초 초과", colour="red")
    machine.move(running, unknown, "통신 끊김", dashed=True)
    machine.move(unknown, running, "복구", dashed=True)
    others = [other for other in POLICY_ENDINGS if other != policy]
    note = machine.state(f"restartPolicy: {policy}", (*POLICY_ENDINGS[policy], "다른 정책:",
                                                      *(line for other in others for line in POLICY_ENDINGS[other])),
                         shape="document", badge="이 Pod", rank=1, category="note",
                         tooltip=f"restartPolicy: {policy}")
    machine.aligned.append((pending, note))
    return machine


def condition_moments(subject: PodSubject) -> list[tuple[str, str, dict[str, bool]]]:
    """The Pod's conditions at each moment of its start: (what happened, the phase, condition → True/False),
    from its creation to serving, then a readiness probe failing. Each moment holds every condition at once."""
    spec = subject.spec
    all_containers = list(containers(spec, ephemeral=False))
    init = [c.name for c in all_containers if c.role == "init"]
    probed = [c.name for c in all_containers
              if c.role in ("container", "sidecar") and any(p.kind == "readiness" for p in probes(c))]
    gates = readiness_gates(spec)
    names = ["PodScheduled", "Initialized", "ContainersReady", "Ready", *gates]
    now = dict.fromkeys(names, False)
    moments: list[tuple[str, str, dict[str, bool]]] = [("생성 직후 (node 배정 전)", "Pending", dict(now))]

    def then(event: str, phase: str, **changes: bool) -> None:
        now.update(changes)
        moments.append((event, phase, dict(now)))

    if init:
        then(f"node 배정, init container {len(init)}개 실행 중", "Pending", PodScheduled=True)
        then("init container 모두 성공, 컨테이너 실행", "Running", Initialized=True)
    else:
        then("node 배정, 컨테이너 실행 (init container 없음)", "Running", PodScheduled=True, Initialized=True)
    ready = "readinessProbe 성공" if probed else "모든 컨테이너 실행"
    now["ContainersReady"] = True
    now["Ready"] = not gates  # a readiness gate holds Ready back until its controller sets it
    moments.append((ready, "Running", dict(now)))
    if gates:
        now.update(dict.fromkeys(gates, True))
        then("외부 컨트롤러가 readinessGate를 True로", "Running", Ready=True)
    if probed:
        then(f"readinessProbe 실패 ({', '.join(probed)})", "Running", ContainersReady=False, Ready=False)
    return moments


def condition_machine(subject: PodSubject, group: str) -> _Machine:
    """The Pod's conditions as a set per moment: one box for each moment of its start, every condition in it
    True or False (False muted); the boxes follow one another in time, two to a row, and nothing links one
    condition to another."""
    machine = _Machine(f"{subject.prefix}/condition", group)
    gates = set(readiness_gates(subject.spec))
    moments = condition_moments(subject)
    boxes: list[str] = []
    for index, (event, phase, values) in enumerate(moments, start=1):
        rows = tuple(Row(f"{index}/{name}", f"{_condition_name(name, gates)}: {value}",
                         "plain" if value else "muted") for name, value in values.items())
        box_id = machine.id(f"moment-{index}")
        machine.boxes.append(Box(box_id, f"{index}. {event}", f"phase: {phase}", "table", "neutral", "real", (),
                                 rows, group, "\n".join((f"{index}. {event} (phase {phase})",
                                                          *(f"{name}: {value}" for name, value in values.items()))),
                                 (index - 1) % MOMENTS_PER_ROW, "moment"))
        boxes.append(box_id)
    for index, (source, target) in enumerate(itertools.pairwise(boxes), start=1):
        wraps = index % MOMENTS_PER_ROW == 0  # to the start of the next row
        machine.links.append(Link(source, target, colour="grey", category="then", orders=not wraps))
    # The rows' heads in one column; dot stacks unframed heads of a left-to-right figure bottom-up, so they are
    # given last-first to read top down (a test checks the drawing).
    machine.stacked.append(tuple(reversed(boxes[::MOMENTS_PER_ROW])))
    return machine


MOMENTS_PER_ROW = 2


def _condition_name(name: str, gates: set[str]) -> str:
    """A readiness gate by the last part of its type (the tooltip has all of it)."""
    return f"gate {name.rsplit('/', 1)[-1]}" if name in gates else name


def container_machine(subject: PodSubject, group: str) -> _Machine:
    """Waiting → Running → Terminated, and back to Waiting as the restart policy allows. Each look of link means
    one thing: grey a transition, red a liveness probe's failure, green a restart. Unknown is no state the API
    reports, so it is a note beside Running, not a transition."""
    spec = subject.spec
    policy, _ = restart_policy(spec)
    machine = _Machine(f"{subject.prefix}/container", group)
    all_containers = list(containers(spec, ephemeral=False))
    liveness = [c.name for c in all_containers if any(p.kind == "liveness" for p in probes(c))]
    start = machine.marker("start", "dot", 0)
    waiting = machine.state("Waiting", ("시작되기를 기다림", "(이미지 pull 등)"), colour="yellow", rank=1)
    running = machine.state("Running", ("프로세스들이 실행 중",), colour="green", rank=2)
    terminated = machine.state("Terminated", ("프로세스들이 모두 종료", "(exit code 기록)"), colour="red", rank=3)
    unknown = machine.state("Unknown", ("API의 state 값은 아님:", "kubelet이 보고하지 못하면", "상태를 알 수 없음"),
                            shape="document", rank=2, category="note",
                            tooltip="Unknown: kubelet이 상태를 보고하지 못해 컨테이너의 상태를 정할 수 없음")
    machine.aligned.append((running, unknown))
    machine.move(start, waiting)
    machine.move(waiting, running, "시작")
    # Labels broken by hand: every labelled link widens the gap between two whole columns.
    machine.move(running, terminated, "프로세스\n종료")
    if liveness:
        machine.move(running, terminated, f"livenessProbe 실패\n({', '.join(liveness)})", colour="red",
                     category="liveness")
    restart = RESTART_LABEL[policy]
    if restart is not None:
        machine.move(terminated, waiting, restart, colour="green", category="restart")
    if policy != "Always":  # under Always a container never stays terminated
        # Under Terminated, not after it: one more column would widen the figure past a page's text column.
        end = machine.marker("end", "double-circle", 3)
        machine.aligned.append((terminated, end))
        machine.move(terminated, end, "재시작 없음" if policy == "Never" else "exit code 0")
    return machine


MachineBuilder = Callable[[PodSubject, str], _Machine]
MACHINES: dict[str, tuple[str, MachineBuilder]] = {
    "phases": ("Pod Phase", phase_machine),
    "conditions": ("Pod Condition", condition_machine),
    "container-states": ("Container Status", container_machine),
}


def build_states(parts: tuple[str, ...], graph: Graph, filters: Filters) -> Diagram:
    """One frame per Pod (its name and restart policy); inside it the chosen machines, each in its own frame when
    there are several."""
    # The phase diagram alone reads top down (its three ends side by side): left to right it is too wide for a
    # page's text column. Several machines, or the others, read left to right, one Pod's frame under another.
    direction: Direction = "TB" if parts == ("phases",) else "LR"
    diagram = Diagram(direction=direction, empty_message="no Pod or Pod template for a state view")
    # dot stacks the frames of a left-to-right figure bottom-up: emitted last-first, they read in input order.
    for subject in reversed(pod_subjects(graph, filters)):
        pod_group = f"{subject.prefix}/states"
        diagram.groups.append(Group(pod_group, f"{subject.title} ({_policy_text(subject)})", style="outer",
                                    category="pod"))
        for part in parts:
            title, build = MACHINES[part]
            group = pod_group
            if len(parts) > 1:
                group = f"{pod_group}/{part}"
                diagram.groups.append(Group(group, title, pod_group, "inner", part))
            machine = build(subject, group)
            diagram.boxes.extend(machine.boxes)
            diagram.links.extend(machine.links)
            diagram.aligned.extend(machine.aligned)
            diagram.stacked.extend(machine.stacked)
    return diagram


VIEW_BUILDERS: dict[str, ViewBuilder] = {
    name: partial(build_states, parts)
    for name, parts in (("states", tuple(MACHINES)), ("phases", ("phases",)), ("conditions", ("conditions",)),
                        ("container-states", ("container-states",)))
}
