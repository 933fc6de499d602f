"""State views of one Pod: its phase state machine, its conditions and its containers' state machine, each
specialised to the given Pod spec.

The restartPolicy decides which transitions exist: Always restarts a terminated container whatever its exit code
(Terminated → Waiting), OnFailure only after a non-zero exit, Never not at all; so the Pod can end Succeeded only
under OnFailure and Never, and Failed by an exit code only under Never. A phase this Pod cannot reach is drawn
dashed and says why. The same Pod under two restart policies gives two different figures.

Views: `phases`, `conditions`, `container-states`, and `states` for all three side by side. Which Pods: as for
the lifecycle view (every Pod or template, each as its own frame; `names:` picks one).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..diagram import Box, Colour, Diagram, Group, Link, Shape
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

    def id(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def state(self, name: str, details: tuple[str, ...] = (), *, colour: Colour = "neutral", reachable: bool = True,
              shape: Shape = "rounded", badge: str = "", rank: int | None = None, tooltip: str = "") -> str:
        box_id = self.id(name)
        self.boxes.append(Box(box_id, name, badge, shape, colour if reachable else "grey",
                              "real" if reachable else "derived", details, (), self.group,
                              tooltip or name, rank, "state" if reachable else "state unreachable"))
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


def phase_machine(subject: PodSubject, group: str) -> _Machine:
    """Pending → Running → Succeeded / Failed, and Unknown, as this Pod's restart policy allows."""
    spec = subject.spec
    policy, _ = restart_policy(spec)
    machine = _Machine(f"{subject.prefix}/phase", group)
    has_init = any(c.role == "init" for c in containers(spec, ephemeral=False))
    start = machine.marker("start", "dot", 0)
    pending = machine.state("Pending", ("실행 준비를 마치지 못한", "컨테이너가 존재"), colour="yellow", rank=1)
    running = machine.state("Running", ("최소 한 개의 컨테이너가", "실행·시작·재시작 중"), colour="green", rank=2)
    succeeds = policy != "Always"  # Always restarts even a successful exit
    fails = policy == "Never"  # OnFailure and Always restart a failed one
    deadline = active_deadline(spec)
    succeeded = machine.state("Succeeded", ("모든 컨테이너가 성공적으로 종료",
                                            *(() if succeeds else (f"{policy}: 재시작하므로 도달하지 않음",))),
                              colour="blue", reachable=succeeds, rank=3)
    unreachable = () if fails or deadline else (f"{policy}: 재시작하므로 exit code로는 도달하지 않음",)
    failed = machine.state("Failed", ("모든 컨테이너가 종료,", "하나 이상 비정상 종료", *unreachable),
                           colour="red", reachable=fails or deadline is not None, rank=3)
    unknown = machine.state("Unknown", ("상태 정보를 읽어오지 못함", "(kubelet ↔ API server 통신 실패)"), rank=3)
    machine.move(start, pending, "생성 요청")
    machine.move(pending, running, "init container 완료, 컨테이너 시작" if has_init else "node 배정, 컨테이너 시작",
                 colour="green")
    restart = RESTART_LABEL[policy]
    if restart is not None:
        machine.move(running, running, restart, colour="green", category="restart")
    if succeeds:
        machine.move(running, succeeded, "모두 exit code 0", colour="blue")
    if fails:
        machine.move(running, failed, "하나 이상 exit code ≠ 0", colour="red")
        if has_init:
            machine.move(pending, failed, "init container 실패", colour="red")
    if deadline is not None:
        machine.move(running, failed, f"activeDeadlineSeconds {deadline}초 초과", colour="red")
    machine.move(running, unknown, "통신 끊김", dashed=True)
    machine.move(unknown, running, "통신 복구", dashed=True)
    # An unreachable phase has no link to place it: keep it in the column of the phases after Running.
    machine.aligned.append((succeeded, failed, unknown))
    return machine


def condition_machine(subject: PodSubject, group: str) -> _Machine:
    """PodScheduled → Initialized → ContainersReady → Ready, plus the Pod's readinessGates, each explained for
    this Pod (how many init containers, which containers have a readiness probe)."""
    spec = subject.spec
    machine = _Machine(f"{subject.prefix}/condition", group)
    all_containers = list(containers(spec, ephemeral=False))
    init = [c.name for c in all_containers if c.role == "init"]
    ready_by_probe = [c.name for c in all_containers
                      if c.role in ("container", "sidecar") and any(p.kind == "readiness" for p in probes(c))]
    scheduled = machine.state("PodScheduled", ("node에 배정됨",), colour="yellow", badge="condition", rank=0)
    initialized = machine.state(
        "Initialized", (f"init container {len(init)}개 모두 성공" if init else "init container 없음: 바로 True",),
        colour="purple", badge="condition", rank=1, tooltip="Initialized: " + ", ".join(init))
    containers_ready = machine.state(
        "ContainersReady",
        ("모든 container가 ready",
         f"readinessProbe: {', '.join(ready_by_probe)}" if ready_by_probe else "readinessProbe 없음: 실행되면 ready"),
        colour="green", badge="condition", rank=2)
    ready = machine.state("Ready", ("서비스를 제공할 수 있음", "(Service 엔드포인트에 포함)"), colour="blue",
                          badge="condition", rank=3)
    machine.move(scheduled, initialized, colour="purple")
    machine.move(initialized, containers_ready, colour="green")
    machine.move(containers_ready, ready, colour="blue")
    for gate in readiness_gates(spec):
        box = machine.state(gate, ("외부 컨트롤러가 True로 설정",), colour="teal", badge="readinessGate", rank=2)
        machine.move(box, ready, "True 필요", colour="teal", category="gate")
    return machine


def container_machine(subject: PodSubject, group: str) -> _Machine:
    """Waiting → Running → Terminated, and back to Waiting as the restart policy allows."""
    spec = subject.spec
    policy, _ = restart_policy(spec)
    machine = _Machine(f"{subject.prefix}/container", group)
    all_containers = list(containers(spec, ephemeral=False))
    liveness = [c.name for c in all_containers if any(p.kind == "liveness" for p in probes(c))]
    start = machine.marker("start", "dot", 0)
    waiting = machine.state("Waiting", ("시작되기를 기다림", "(이미지 pull, init container)"), colour="yellow",
                            rank=1)
    running = machine.state("Running", ("프로세스들이 실행 중",), colour="green", rank=2)
    terminated = machine.state("Terminated", ("프로세스들이 모두 종료", "(exit code 기록)"), colour="red", rank=3)
    unknown = machine.state("Unknown", ("상태를 정할 수 없음",), rank=2, reachable=True)
    machine.move(start, waiting)
    machine.move(waiting, running, "시작", colour="green")
    machine.move(running, terminated, "프로세스 종료", colour="red")
    if liveness:
        machine.move(running, terminated, f"livenessProbe 실패 ({', '.join(liveness)})", colour="red",
                     category="liveness")
    restart = RESTART_LABEL[policy]
    if restart is not None:
        machine.move(terminated, waiting, restart, colour="green", category="restart")
    if policy != "Always":  # under Always a container never stays terminated
        end = machine.marker("end", "double-circle", 4)
        machine.move(terminated, end, "재시작 없음" if policy == "Never" else "exit code 0")
    machine.move(running, unknown, "상태 조회 실패", dashed=True)
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
    diagram = Diagram(direction="LR", empty_message="no Pod or Pod template for a state view")
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
    return diagram


VIEW_BUILDERS: dict[str, ViewBuilder] = {
    name: partial(build_states, parts)
    for name, parts in (("states", tuple(MACHINES)), ("phases", ("phases",)), ("conditions", ("conditions",)),
                        ("container-states", ("container-states",)))
}
