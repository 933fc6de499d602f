"""The `lifecycle` view: one Pod's life as a left-to-right timeline in the report's three stages.

Initialization Stage: init containers one at a time, in order. Run Stage: the main containers, started together,
each with its postStart hook and its probes (the startup probe gates the liveness and readiness probes).
Termination Stage: the deletion request, each container's preStop hook, SIGTERM, terminationGracePeriodSeconds,
SIGKILL.

Which Pods: every Pod of the input, real or a workload's template (replicas of one template are drawn once), each
as its own frame; a figure's `names:` picks one by the Pod's or the workload's name, `kinds:` by kind. Every
command shown passes through gen.masking; long ones are clipped, the full (masked) text is the tooltip.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from ..diagram import Box, Colour, Diagram, Group, Link, Shape
from ..graph import Graph
from ..kube import Container, Handler, Probe, containers, grace_period, hook, probes, restart_policy
from ..masking import clip, command_text, mask_text
from ..model import Ref
from ..records import field, record
from .base import Filters, ViewBuilder

COMMAND_WIDTH = 34  # characters per line of a command in a label; the tooltip has all of it
COMMAND_LINES = 3


@record(frozen=True)
class PodSubject:
    """One Pod spec to draw: a Pod's own, or a workload's template (drawn once for all its replicas)."""

    ref: Ref  # the Pod, or the workload whose template it is
    spec: Mapping[str, Any]
    title: str  # "Pod web", "StatefulSet mysql의 Pod"

    @property
    def prefix(self) -> str:
        return self.ref.id


def pod_subjects(graph: Graph, filters: Filters) -> list[PodSubject]:
    """The Pod specs of the input in input order, one per Pod or template, narrowed by the figure's filters (a
    name matches the Pod's or its workload's name; a kind the Pod's or its workload's kind)."""
    subjects: list[PodSubject] = []
    seen: set[int] = set()  # replicas of one template share its spec object
    for pod in graph.pods:
        if id(pod.spec) in seen:
            continue
        seen.add(id(pod.spec))
        real = pod.ref in graph.inventory
        ref = pod.ref if real else pod.workload
        candidates = {pod.ref, ref}
        if not filters.keeps(ref):
            continue
        if filters.names and not {r.name for r in candidates} & filters.names:
            continue
        if filters.kinds and not {r.kind for r in candidates} & filters.kinds:
            continue
        title = f"Pod {ref.name}" if real else f"{ref.kind} {ref.name}의 Pod"
        subjects.append(PodSubject(ref, pod.spec, title))
    return subjects


def handler_text(handler: Handler) -> str:
    """A handler as one masked line: `exec: sh -c '…'`, `httpGet /healthz :8080`, `tcpSocket :3306`, `sleep 5s`."""
    if handler.kind == "exec":
        return mask_text(f"exec: {command_text(handler.command)}" if handler.command else "exec")
    if handler.kind == "sleep":
        return f"sleep {handler.seconds}s" if handler.seconds is not None else "sleep"
    where = "".join(filter(None, (handler.host, handler.path)))
    scheme = f"{handler.scheme} " if handler.scheme and handler.scheme != "HTTP" else ""
    port = f" :{handler.port}" if handler.port else ""
    return mask_text(f"{handler.kind} {scheme}{where}{port}".replace("  ", " ").strip())


def command_lines(text: str, lines: int = COMMAND_LINES, width: int = COMMAND_WIDTH) -> tuple[str, ...]:
    """A (masked) command as at most `lines` lines of `width` characters, the last clipped with an ellipsis."""
    wrapped = textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[:lines - 1], clip(" ".join(wrapped[lines - 1:]), width)]
    return tuple(line for line in wrapped if line)


@record
class _Timeline:
    """The boxes, links and groups of one Pod's timeline as they are built."""

    subject: PodSubject
    boxes: list[Box] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    aligned: list[tuple[str, ...]] = field(default_factory=list)
    stacked: list[tuple[str, ...]] = field(default_factory=list)

    def id(self, *parts: str) -> str:
        return "/".join((self.subject.prefix, *parts))

    def box(self, box_id: str, title: str, *, badge: str = "", shape: Shape = "rounded",
            colour: Colour = "neutral", details: tuple[str, ...] = (), group: str, tooltip: str = "",
            rank: int, category: str) -> str:
        self.boxes.append(Box(box_id, title, badge, shape, colour, "real", details, (), group, tooltip, rank,
                              category))
        return box_id

    def link(self, source: str, target: str, label: str = "", *, colour: Colour = "grey", dashed: bool = False,
             category: str = "step", wraps: bool = False) -> None:
        """A step of the timeline; `wraps`: it leads to the start of the next stage's row."""
        self.links.append(Link(source, target, label, colour, "dashed" if dashed else "solid", category=category,
                               orders=not wraps))


def _timing_lines(probe: Probe) -> tuple[str, ...]:
    def line(key: str) -> str:
        default = "" if key in probe.written else " (기본값)"
        return f"{key}: {probe.timings[key]}{default}"
    return tuple(line(key) for key in ("initialDelaySeconds", "periodSeconds", "failureThreshold"))


PROBE_EFFECT = {
    "startup": "성공할 때까지 다른 probe 비활성",
    "liveness": "실패하면 컨테이너 재시작",
    "readiness": "실패하면 Service 엔드포인트에서 제외",
}


def _handler_box(timeline: _Timeline, box_id: str, badge: str, handler: Handler | None, details: tuple[str, ...],
                 colour: Colour, group: str, rank: int, category: str) -> str:
    text = handler_text(handler) if handler is not None else "(handler 없음)"
    title = text
    if handler is not None and handler.kind == "exec":  # a command is long: a detail line, clipped
        title, details = "exec", (*command_lines(command_text(handler.command)), *details)
    return timeline.box(box_id, title, badge=badge, colour=colour, details=details, group=group,
                        tooltip=f"{badge}: {text}", rank=rank, category=category)


def _run_lane(timeline: _Timeline, container: Container, group: str, rank: int) -> tuple[str, list[str], int]:
    """One main container's part of the Run Stage: its start, postStart hook, startup probe, then liveness and
    readiness side by side. Returns its start box, the boxes it ends with, and the next free column."""
    name = container.name
    image = container.spec.get("image")
    start = timeline.box(timeline.id("container", name), name, badge="container", shape="rectangle",
                         colour="green", details=(f"image: {image}",) if image else (), group=group,
                         tooltip=f"container {name}", rank=rank, category="container")
    ends, rank = [start], rank + 1
    post_start = hook(container, "postStart")
    if post_start is not None:
        box = _handler_box(timeline, timeline.id("container", name, "postStart"), "postStart hook", post_start,
                           ("컨테이너 생성 직후 비동기 실행", "끝날 때까지 Running 지연"), "yellow", group, rank,
                           "hook")
        timeline.link(start, box, "생성 직후", colour="yellow", category="hook")
        ends, rank = [box], rank + 1
    found = probes(container)
    startup = [p for p in found if p.kind == "startup"]
    for probe in startup:
        box = _probe_box(timeline, name, probe, group, rank)
        for end in ends:
            timeline.link(end, box, category="probe", colour="blue")
        ends, rank = [box], rank + 1
    others = [p for p in found if p.kind != "startup"]
    if others:
        boxes = [_probe_box(timeline, name, probe, group, rank) for probe in others]
        for box in boxes:
            for end in ends:
                timeline.link(end, box, "성공 후 시작" if startup else "", colour="blue", category="probe")
        if len(boxes) > 1:
            timeline.aligned.append(tuple(boxes))
        ends, rank = boxes, rank + 1
    return start, ends, rank


def _probe_box(timeline: _Timeline, container: str, probe: Probe, group: str, rank: int) -> str:
    return _handler_box(timeline, timeline.id("container", container, f"{probe.kind}Probe"), f"{probe.kind}Probe",
                        probe.handler, (*_timing_lines(probe), PROBE_EFFECT[probe.kind]), "blue", group, rank,
                        "probe")


def build_timeline(subject: PodSubject) -> _Timeline:
    timeline = _Timeline(subject)
    spec = subject.spec
    policy, written = restart_policy(spec)
    pod_group = timeline.id()
    timeline.groups.append(Group(pod_group, f"{subject.title} (restartPolicy: {policy}{'' if written else ', 기본값'})",
                                 style="outer", category="pod"))
    stages = {key: timeline.id("stage", key) for key in ("init", "run", "termination")}
    for key, label in (("init", "Initialization Stage"), ("run", "Run Stage"), ("termination", "Termination Stage")):
        timeline.groups.append(Group(stages[key], label, pod_group, "inner", f"stage-{key}"))

    start = timeline.box(timeline.id("created"), "Pod 생성", shape="dot", colour="grey", group=stages["init"],
                         tooltip="Pod 생성: node에 배정됨", rank=0, category="start")
    previous, rank = start, 1
    all_containers = list(containers(spec, ephemeral=False))
    init = [c for c in all_containers if c.role in ("init", "sidecar")]
    for index, container in enumerate(init, start=1):
        sidecar = container.role == "sidecar"
        command = container.spec.get("command") or container.spec.get("args")
        full = command_text([*map(str, container.spec.get("command") or []),
                             *map(str, container.spec.get("args") or [])]) if command else ""
        details = tuple(filter(None, (
            f"image: {container.spec.get('image')}" if container.spec.get("image") else "",
            *command_lines(full, 2),
            "sidecar: 시작 후 Pod가 끝날 때까지 실행" if sidecar else "성공적으로 끝나야 다음 단계",
        )))
        box = timeline.box(timeline.id("init", container.name), container.name,
                           badge=f"{'sidecar' if sidecar else 'init container'} {index}", shape="rectangle",
                           colour="purple", details=details, group=stages["init"],
                           tooltip=f"init container {index}: {container.name}" + (f"\n{full}" if full else ""),
                           rank=rank, category="sidecar" if sidecar else "init-container")
        timeline.link(previous, box, "생성" if previous == start else "성공 후", colour="purple", category="init")
        previous, rank = box, rank + 1
    if not init:
        previous = timeline.box(timeline.id("init", "none"), "init container 없음", shape="plain",
                                group=stages["init"], rank=rank, category="note")
        timeline.link(start, previous, "생성", colour="purple", category="init")
        rank += 1

    lane_ends: list[str] = []
    starts: list[str] = []
    for container in (c for c in all_containers if c.role == "container"):
        lane = timeline.id("run", container.name)
        timeline.groups.append(Group(lane, f"container {container.name}", stages["run"], "inner", "container-lane"))
        first, ends, _ = _run_lane(timeline, container, lane, rank)
        timeline.link(previous, first, "동시에 시작" if len(init) else "", colour="green", category="start")
        starts.append(first)
        lane_ends.extend(ends)
    if len(starts) > 1:
        timeline.aligned.append(tuple(starts))
    # Initialization and Run read left to right on one row; the Termination Stage wraps to a row of its own
    # below, so that a long life is about half as wide as all of its steps end to end.
    deletion = _termination(timeline, spec, all_containers, lane_ends or [previous], stages["termination"], 0)
    timeline.stacked.append((start, deletion))
    return timeline


def _termination(timeline: _Timeline, spec: Mapping[str, Any], all_containers: list[Container], run_ends: list[str],
                 group: str, rank: int) -> str:
    """The Termination Stage's row; returns its first box (the deletion request)."""
    delete = timeline.box(timeline.id("deletion"), "Pod 삭제 요청", colour="grey", group=group,
                          details=("kubectl delete, 축출, 스케일 다운",), rank=rank, category="event")
    for end in run_ends:
        timeline.link(end, delete, colour="grey", dashed=True, category="end-of-run", wraps=True)
    rank += 1
    seconds, written = grace_period(spec)
    sigterm = timeline.id("SIGTERM")
    pre_stops = []
    for container in all_containers:
        pre_stop = hook(container, "preStop")
        if pre_stop is None or container.role == "init":
            continue
        box = _handler_box(timeline, timeline.id("container", container.name, "preStop"), "preStop hook",
                           pre_stop, (f"container {container.name}", "종료 직전 실행"), "yellow", group, rank,
                           "hook")
        timeline.link(delete, box, colour="yellow", category="hook")
        pre_stops.append(box)
    if len(pre_stops) > 1:
        timeline.aligned.append(tuple(pre_stops))
    rank += 1 if pre_stops else 0
    timeline.box(sigterm, "SIGTERM", badge="signal", shape="rectangle", colour="orange", group=group,
                 details=("각 컨테이너의 주 프로세스에",), rank=rank, category="signal")
    for source in pre_stops or [delete]:
        timeline.link(source, sigterm, "hook이 끝나면" if pre_stops else "", colour="orange", category="signal")
    grace = timeline.box(timeline.id("grace"), f"{seconds}초 대기", badge="terminationGracePeriodSeconds",
                         colour="orange", group=group, rank=rank + 1, category="grace",
                         details=("기본값" if not written else "spec에 지정", "삭제 요청부터, preStop 포함"))
    timeline.link(sigterm, grace, colour="orange", category="signal")
    sigkill = timeline.box(timeline.id("SIGKILL"), "SIGKILL", badge="signal", shape="rectangle", colour="red",
                           group=group, details=("남은 프로세스 강제 종료",), rank=rank + 2, category="signal")
    timeline.link(grace, sigkill, "아직 실행 중이면", colour="red", category="signal")
    end = timeline.box(timeline.id("terminated"), "종료", shape="double-circle", colour="grey", group=group,
                       rank=rank + 3, category="end")
    timeline.link(sigkill, end, colour="grey", category="end")
    return delete


def build_lifecycle(graph: Graph, filters: Filters) -> Diagram:
    diagram = Diagram(direction="LR", empty_message="no Pod or Pod template for the lifecycle view")
    # dot stacks the frames of a left-to-right figure bottom-up: emitted last-first, they read in input order.
    for subject in reversed(pod_subjects(graph, filters)):
        timeline = build_timeline(subject)
        diagram.boxes.extend(timeline.boxes)
        diagram.links.extend(timeline.links)
        diagram.groups.extend(timeline.groups)
        diagram.aligned.extend(timeline.aligned)
        diagram.stacked.extend(timeline.stacked)
    return diagram


VIEW_BUILDERS: dict[str, ViewBuilder] = {"lifecycle": build_lifecycle}
