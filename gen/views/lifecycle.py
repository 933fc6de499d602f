"""The `lifecycle` view: one Pod's life as a top-down timeline in the report's three stages, narrow enough for a
page's text column.

Initialization Stage (drawn only when there are init containers): init containers one at a time, in order. Run
Stage: the main containers, started together, each with its postStart hook and its probes as small marks (the
startup probe gates the liveness and readiness probes; timings, commands and images are in the tooltips).
Termination Stage: the deletion request, reached by one link from the Run Stage (deletion can come at any moment;
no probe or hook deletes the Pod), each container's preStop hook, SIGTERM, the grace period
(terminationGracePeriodSeconds), SIGKILL, the end. Its words are the figure's language's (gen/words.py `lifecycle.*`).

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
from ..model import Ref, Source
from ..records import field, record
from ..words import FigureWords
from .base import Filters, ViewBuilder, located

COMMAND_WIDTH = 28  # characters per line of a command in a label; the tooltip has all of it
COMMAND_LINES = 2


@record(frozen=True)
class PodSubject:
    """One Pod spec to draw: a Pod's own, or a workload's template (drawn once for all its replicas)."""

    ref: Ref  # the Pod, or the workload whose template it is
    spec: Mapping[str, Any]
    title: str  # "Pod web", "Pod of StatefulSet mysql"
    source: Source | None = None  # where the Pod or the template is written: its containers' boxes link there
    words: FigureWords = field(default_factory=lambda: FigureWords(None), compare=False)  # the figure's language

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
        words = filters.words
        title = words("lifecycle.pod", name=ref.name) if real else words("lifecycle.template_pod", kind=ref.kind,
                                                                          name=ref.name)
        subjects.append(PodSubject(ref, pod.spec, title, pod.source, words))
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

    @property
    def words(self) -> FigureWords:
        return self.subject.words

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


def _timing_lines(probe: Probe, words: FigureWords) -> tuple[str, ...]:
    return tuple(f"{key}: {probe.timings[key]}{words.defaulted(key in probe.written)}"
                 for key in ("initialDelaySeconds", "periodSeconds", "failureThreshold"))


PROBE_WIDTH = 24  # characters of a probe's handler in its mark; the tooltip has all of it
# What a probe does: in a few words for its mark (`lifecycle.probe_mark.KIND`), in full for its tooltip
# (`lifecycle.probe_effect.KIND`).


def _handler_box(timeline: _Timeline, box_id: str, badge: str, handler: Handler | None, details: tuple[str, ...],
                 colour: Colour, group: str, rank: int, category: str) -> str:
    text = handler_text(handler) if handler is not None else timeline.words("lifecycle.no_handler")
    title = text
    if handler is not None and handler.kind == "exec":  # a command is long: a detail line, clipped
        title, details = "exec", (*command_lines(command_text(handler.command)), *details)
    # The hook is written in the Pod's (or its workload's) manifest: the tooltip says where, so the site links it.
    return timeline.box(box_id, title, badge=badge, colour=colour, details=details, group=group,
                        tooltip=located(f"{badge}: {text}", timeline.subject.source), rank=rank, category=category)


def _run_lane(timeline: _Timeline, container: Container, group: str, rank: int) -> tuple[str, list[str], int]:
    """One main container's part of the Run Stage: its start, postStart hook, startup probe, then liveness and
    readiness side by side. Returns its start box, the boxes it ends with, and the next free rank."""
    name = container.name
    image = container.spec.get("image")
    start = timeline.box(timeline.id("container", name), name, badge="container", shape="rectangle",
                         colour="green", group=group, rank=rank, category="container",
                         tooltip=located(f"container {name}", timeline.subject.source)
                         + (f"\nimage: {image}" if image else ""))
    ends, rank = [start], rank + 1
    post_start = hook(container, "postStart")
    if post_start is not None:
        box = _handler_box(timeline, timeline.id("container", name, "postStart"), "postStart hook", post_start,
                           timeline.words.lines("lifecycle.post_start"), "yellow", group, rank, "hook")
        timeline.link(start, box, colour="yellow", category="hook")
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
                timeline.link(end, box, timeline.words("lifecycle.after_success") if startup else "", colour="blue",
                              category="probe")
        if len(boxes) > 1:
            timeline.aligned.append(tuple(boxes))
        ends, rank = boxes, rank + 1
    return start, ends, rank


def _probe_box(timeline: _Timeline, container: str, probe: Probe, group: str, rank: int) -> str:
    """A probe as a small mark: its kind, what it checks and what its failure does; the timings are the
    tooltip's."""
    words = timeline.words
    text = handler_text(probe.handler) if probe.handler is not None else words("lifecycle.no_handler")
    tooltip = "\n".join((located(f"{probe.kind}Probe: {text}", timeline.subject.source),
                         *_timing_lines(probe, words), words(f"lifecycle.probe_effect.{probe.kind}")))
    return timeline.box(timeline.id("container", container, f"{probe.kind}Probe"), f"{probe.kind}Probe",
                        colour="blue", details=(clip(text, PROBE_WIDTH), words(f"lifecycle.probe_mark.{probe.kind}")),
                        group=group,
                        tooltip=tooltip, rank=rank, category="probe")


def build_timeline(subject: PodSubject) -> _Timeline:
    """The Pod's life top down: the Initialization Stage (only when it has init containers), the Run Stage (a
    lane per container, side by side) and the Termination Stage, each a frame. One link leaves the Run Stage's
    frame for the deletion request: deletion can come at any moment of the run, and nothing in the run (a failed
    probe, a hook) deletes the Pod."""
    timeline = _Timeline(subject)
    words = subject.words
    spec = subject.spec
    policy, written = restart_policy(spec)
    pod_group = timeline.id()
    timeline.groups.append(Group(pod_group, f"{subject.title} (restartPolicy: {policy}"
                                 f"{words.defaulted(written, ', ', '')})", style="outer", category="pod"))
    all_containers = list(containers(spec, ephemeral=False))
    init = [c for c in all_containers if c.role in ("init", "sidecar")]
    stages = {key: timeline.id("stage", key) for key in ("init", "run", "termination")}
    for key, label in (("init", "Initialization Stage"), ("run", "Run Stage"), ("termination", "Termination Stage")):
        if key != "init" or init:  # no empty stage
            timeline.groups.append(Group(stages[key], label, pod_group, "inner", f"stage-{key}"))

    start = timeline.box(timeline.id("created"), words("lifecycle.created"), shape="dot", colour="grey",
                         # Without init containers, above the Run Stage: a box of its own in the stage's frame
                         # would be one more start of the single link that leaves the frame.
                         group=stages["init"] if init else pod_group, tooltip=words("lifecycle.created_tooltip"),
                         rank=0, category="start")
    previous, rank = start, 1
    for index, container in enumerate(init, start=1):
        sidecar = container.role == "sidecar"
        command = container.spec.get("command") or container.spec.get("args")
        full = command_text([*map(str, container.spec.get("command") or []),
                             *map(str, container.spec.get("args") or [])]) if command else ""
        image = container.spec.get("image")
        box = timeline.box(timeline.id("init", container.name), container.name,
                           badge=f"{'sidecar' if sidecar else 'init container'} {index}", shape="rectangle",
                           colour="purple", group=stages["init"],
                           details=(words("lifecycle.sidecar_runs" if sidecar else "lifecycle.init_succeeds"),),
                           tooltip="\n".join(filter(None, (located(f"init container {index}: {container.name}",
                                                                   timeline.subject.source),
                                                           f"image: {image}" if image else "", full))),
                           rank=rank, category="sidecar" if sidecar else "init-container")
        timeline.link(previous, box, "" if previous == start else words("lifecycle.after_success"), colour="purple",
                      category="init")
        previous, rank = box, rank + 1

    starts: list[str] = []
    for container in (c for c in all_containers if c.role == "container"):
        lane = timeline.id("run", container.name)
        timeline.groups.append(Group(lane, f"container {container.name}", stages["run"], "inner", "container-lane"))
        first, _, _ = _run_lane(timeline, container, lane, rank)
        timeline.link(previous, first, words("lifecycle.together") if len(starts) == 0 and init else "", colour="green",
                      category="start")
        starts.append(first)
    if len(starts) > 1:
        timeline.aligned.append(tuple(starts))
    rank = max((box.rank or 0 for box in timeline.boxes), default=rank) + 1
    _termination(timeline, spec, all_containers, starts[0] if starts else previous, stages, rank)
    return timeline


def _termination(timeline: _Timeline, spec: Mapping[str, Any], all_containers: list[Container], run_end: str,
                 stages: Mapping[str, str], rank: int) -> None:
    """The Termination Stage: the deletion request (one link from the Run Stage's frame, written from `run_end`,
    a container's start, never a probe or a hook), each container's preStop hook, SIGTERM, the grace period,
    SIGKILL, the end."""
    group = stages["termination"]
    words = timeline.words
    delete = timeline.box(timeline.id("deletion"), words("lifecycle.deletion"), colour="grey", group=group, rank=rank,
                          tooltip=words("lifecycle.deletion_tooltip"), category="event")
    # From frame to frame: the line ends on the Termination Stage's border, clear of its title.
    timeline.links.append(Link(run_end, delete, "", "grey", "dashed", source_group=stages["run"],
                               target_group=group, category="end-of-run"))
    rank += 1
    seconds, written = grace_period(spec)
    sigterm = timeline.id("SIGTERM")
    pre_stops = []
    for container in all_containers:
        pre_stop = hook(container, "preStop")
        if pre_stop is None or container.role == "init":
            continue
        box = _handler_box(timeline, timeline.id("container", container.name, "preStop"), "preStop hook",
                           pre_stop, (f"container {container.name}",), "yellow", group, rank, "hook")
        timeline.link(delete, box, colour="yellow", category="hook")
        pre_stops.append(box)
    if len(pre_stops) > 1:
        timeline.aligned.append(tuple(pre_stops))
    rank += 1 if pre_stops else 0
    timeline.box(sigterm, "SIGTERM", badge="signal", shape="rectangle", colour="orange", group=group,
                 details=(words("lifecycle.sigterm"),), rank=rank, category="signal",
                 tooltip=words("lifecycle.sigterm_tooltip"))
    for source in pre_stops or [delete]:
        timeline.link(source, sigterm, words("lifecycle.hooks_done") if pre_stops else "", colour="orange",
                      category="signal")
    grace = timeline.box(timeline.id("grace"), words("lifecycle.grace", seconds=seconds), badge="grace period",
                         colour="orange", group=group, rank=rank + 1, category="grace",
                         details=(words("lifecycle.grace_from"),),
                         tooltip=f"terminationGracePeriodSeconds: {seconds}{words.defaulted(written)}")
    timeline.link(sigterm, grace, colour="orange", category="signal")
    sigkill = timeline.box(timeline.id("SIGKILL"), "SIGKILL", badge="signal", shape="rectangle", colour="red",
                           group=group, details=(words("lifecycle.sigkill"),), rank=rank + 2, category="signal",
                           tooltip=words("lifecycle.sigkill_tooltip"))
    timeline.link(grace, sigkill, words("lifecycle.still_running"), colour="red", category="kill")
    end = timeline.box(timeline.id("terminated"), words("lifecycle.end"), shape="double-circle", colour="grey",
                       group=group, rank=rank + 3, category="end", tooltip=words("lifecycle.end_tooltip"))
    timeline.link(sigkill, end, colour="grey", category="end")


def build_lifecycle(graph: Graph, filters: Filters) -> Diagram:
    # Top down: a left-to-right life is about twice as wide as a page's text column.
    diagram = Diagram(direction="TB", empty_message="no Pod or Pod template for the lifecycle view")
    for subject in pod_subjects(graph, filters):
        timeline = build_timeline(subject)
        diagram.boxes.extend(timeline.boxes)
        diagram.links.extend(timeline.links)
        diagram.groups.extend(timeline.groups)
        diagram.aligned.extend(timeline.aligned)
        diagram.stacked.extend(timeline.stacked)
    return diagram


VIEW_BUILDERS: dict[str, ViewBuilder] = {"lifecycle": build_lifecycle}
