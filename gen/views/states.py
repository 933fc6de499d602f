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
from ..words import FigureWords
from .base import Filters, ViewBuilder, located
from .lifecycle import PodSubject, pod_subjects

# The restart policies, in the order the phase diagram's note names them; a policy that restarts containers
# labels Terminated → Waiting (and Running's loop) with its words `states.restart.POLICY`.
POLICIES: tuple[RestartPolicy, ...] = ("Always", "OnFailure", "Never")
RESTARTING: frozenset[RestartPolicy] = frozenset({"Always", "OnFailure"})


def _restart_label(policy: RestartPolicy, words: FigureWords) -> str | None:
    return words(f"states.restart.{policy}") if policy in RESTARTING else None


@record
class _Machine:
    """Boxes and links of one state machine inside its frame."""

    prefix: str
    group: str
    words: FigureWords
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
        end = self.words("states.end")
        self.boxes.append(Box(box_id, end if shape == "double-circle" else "", "", shape, "grey", "real", (),
                              (), self.group, self.words("states.start") if shape == "dot" else end, rank, name))
        return box_id

    def move(self, source: str, target: str, label: str = "", *, colour: Colour = "grey", dashed: bool = False,
             category: str = "transition") -> None:
        self.links.append(Link(source, target, label, colour, "dashed" if dashed else "solid",
                               category=category))


def _policy_text(subject: PodSubject) -> str:
    policy, written = restart_policy(subject.spec)
    return f"restartPolicy: {policy}{subject.words.defaulted(written)}"


# How each restart policy ends a Pod, for the note beside the phase diagram (`states.ending.POLICY`): every policy
# can reach both Succeeded and Failed (since Kubernetes 1.27 the kubelet gives a deleted Pod its terminal phase by
# its containers' exit codes, under Always too), so the policy says how, not whether.


def phase_machine(subject: PodSubject, group: str) -> _Machine:
    """The general phase diagram: Pending → Running → Succeeded / Failed, and Unknown, with a note saying how this
    Pod's restart policy (first) and the others get there; Running's restart loop is this Pod's."""
    spec = subject.spec
    policy, _ = restart_policy(spec)
    words = subject.words
    machine = _Machine(f"{subject.prefix}/phase", group, words)
    has_init = any(c.role == "init" for c in containers(spec, ephemeral=False))
    start = machine.marker("start", "dot", 0)
    pending = machine.state("Pending", words.lines("states.pending"), colour="yellow", rank=1)
    running = machine.state("Running", words.lines("states.running"), colour="green", rank=2)
    succeeded = machine.state("Succeeded", words.lines("states.succeeded"), colour="blue", rank=3)
    failed = machine.state("Failed", words.lines("states.failed"), colour="red", rank=3)
    unknown = machine.state("Unknown", words.lines("states.unknown"), rank=3)
    machine.move(start, pending, words("states.created"))
    machine.move(pending, running, words("states.init_done" if has_init else "states.scheduled"))
    restart = _restart_label(policy, words)
    if restart is not None:
        machine.move(running, running, restart, colour="green", category="restart")
    machine.move(running, succeeded, words("states.all_zero"))
    machine.move(running, failed, words("states.some_failed"))
    if has_init and policy == "Never":  # the other policies run a failed init container again
        machine.move(pending, failed, words("states.init_failed"))
    deadline = active_deadline(spec)
    if deadline is not None:
        machine.move(running, failed, words("states.deadline", seconds=deadline), colour="red")
    machine.move(running, unknown, words("states.lost"), dashed=True)
    machine.move(unknown, running, words("states.back"), dashed=True)
    others = [other for other in POLICIES if other != policy]
    note = machine.state(f"restartPolicy: {policy}", (*words.lines(f"states.ending.{policy}"),
                                                      words("states.other_policies"),
                                                      *(line for other in others
                                                        for line in words.lines(f"states.ending.{other}"))),
                         shape="document", badge=words("states.this_pod"), rank=1, category="note",
                         tooltip=located(f"restartPolicy: {policy}", subject.source))  # links to the Pod's lines
    machine.aligned.append((pending, note))
    return machine


def condition_moments(subject: PodSubject) -> list[tuple[str, str, dict[str, bool]]]:
    """The Pod's conditions at each moment of its start: (what happened, the phase, condition → True/False),
    from its creation to serving, then a readiness probe failing. Each moment holds every condition at once."""
    spec, words = subject.spec, subject.words
    all_containers = list(containers(spec, ephemeral=False))
    init = [c.name for c in all_containers if c.role == "init"]
    probed = [c.name for c in all_containers
              if c.role in ("container", "sidecar") and any(p.kind == "readiness" for p in probes(c))]
    gates = readiness_gates(spec)
    names = ["PodScheduled", "Initialized", "ContainersReady", "Ready", *gates]
    now = dict.fromkeys(names, False)
    moments: list[tuple[str, str, dict[str, bool]]] = [(words("states.moment.created"), "Pending",
                                                            dict(now))]

    def then(event: str, phase: str, **changes: bool) -> None:
        now.update(changes)
        moments.append((event, phase, dict(now)))

    if init:
        then(words("states.moment.init_running", count=len(init)), "Pending", PodScheduled=True)
        then(words("states.moment.init_done"), "Running", Initialized=True)
    else:
        then(words("states.moment.no_init"), "Running", PodScheduled=True, Initialized=True)
    ready = words("states.moment.probe_ok" if probed else "states.moment.all_running")
    now["ContainersReady"] = True
    now["Ready"] = not gates  # a readiness gate holds Ready back until its controller sets it
    moments.append((ready, "Running", dict(now)))
    if gates:
        now.update(dict.fromkeys(gates, True))
        then(words("states.moment.gate"), "Running", Ready=True)
    if probed:
        then(words("states.moment.probe_failed", containers=", ".join(probed)), "Running", ContainersReady=False,
             Ready=False)
    return moments


def condition_machine(subject: PodSubject, group: str) -> _Machine:
    """The Pod's conditions as a set per moment: one box for each moment of its start, every condition in it
    True or False (False muted); the boxes follow one another in time, two to a row, and nothing links one
    condition to another."""
    machine = _Machine(f"{subject.prefix}/condition", group, subject.words)
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
    words = subject.words
    machine = _Machine(f"{subject.prefix}/container", group, words)
    all_containers = list(containers(spec, ephemeral=False))
    liveness = [c.name for c in all_containers if any(p.kind == "liveness" for p in probes(c))]
    start = machine.marker("start", "dot", 0)
    waiting = machine.state("Waiting", words.lines("states.waiting"), colour="yellow", rank=1)
    running = machine.state("Running", words.lines("states.processes_run"), colour="green", rank=2)
    terminated = machine.state("Terminated", words.lines("states.terminated"), colour="red", rank=3)
    unknown = machine.state("Unknown", words.lines("states.container_unknown"), shape="document", rank=2,
                            category="note", tooltip=words("states.container_unknown_tooltip"))
    machine.aligned.append((running, unknown))
    machine.move(start, waiting)
    machine.move(waiting, running, words("states.started"))
    # Labels broken by hand: every labelled link widens the gap between two whole columns.
    machine.move(running, terminated, words("states.process_end"))
    if liveness:
        machine.move(running, terminated, words("states.liveness_failed", containers=", ".join(liveness)), colour="red",
                     category="liveness")
    restart = _restart_label(policy, words)
    if restart is not None:
        machine.move(terminated, waiting, restart, colour="green", category="restart")
    if policy != "Always":  # under Always a container never stays terminated
        # Under Terminated, not after it: one more column would widen the figure past a page's text column.
        end = machine.marker("end", "double-circle", 3)
        machine.aligned.append((terminated, end))
        machine.move(terminated, end, words("states.no_restart") if policy == "Never" else "exit code 0")
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
