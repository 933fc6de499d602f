"""The lifecycle view: a Pod's life top down in three stages, commands shown masked."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gen.graph import Graph
from gen.kube import Handler
from gen.loading import load
from gen.masking import MASK
from gen.render import render_diagram
from gen.render.dot import DETAIL_POINTS
from gen.rules import derive
from gen.views import Filters, build_view
from gen.views.lifecycle import handler_text
from gen.words import LANGUAGES

# Our own equivalents of the corpus examples: a StatefulSet with two init containers and two main containers,
# and a Pod with both hooks, one of whose commands carries a password.
KOREAN = Filters(language="ko")  # the report's words
STATEFUL = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      initContainers:
        - {name: init-config, image: busybox, command: [sh, -c, "cp /src/* /conf/"]}
        - {name: clone-data, image: busybox, command: [sh, -c, "ncat --recv-only db-0.db 3307"]}
      containers:
        - name: db
          image: postgres:16
          livenessProbe:
            exec: {command: [pg_isready]}
            initialDelaySeconds: 30
          readinessProbe:
            tcpSocket: {port: 5432}
            periodSeconds: 2
        - {name: backup, image: busybox}
"""

HOOKS = """
apiVersion: v1
kind: Pod
metadata: {name: hooks}
spec:
  terminationGracePeriodSeconds: 60
  containers:
    - name: app
      image: nginx
      lifecycle:
        postStart:
          exec: {command: [/bin/sh, -c, "echo started > /tmp/message; login --password=hunter2"]}
        preStop:
          exec: {command: [/bin/sh, -c, "nginx -s quit; while killall -0 nginx; do sleep 1; done"]}
      startupProbe:
        httpGet: {path: "/healthz?token=abc123", port: 8080}
        failureThreshold: 30
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
---
apiVersion: v1
kind: Pod
metadata: {name: other}
spec:
  containers: [{name: x, image: x, lifecycle: {preStop: {sleep: {seconds: 5}}}}]
"""


def _ids(graph: Graph, filters: Filters | None = None) -> set[str]:
    return {box.id for box in build_view(graph, "lifecycle", filters).boxes}


def test_replicas_of_one_template_are_drawn_once(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(STATEFUL), "lifecycle", KOREAN)
    frames = [g.label for g in diagram.groups if g.category == "pod"]
    assert frames == ["StatefulSet db의 Pod (restartPolicy: Always, 기본값)"]
    assert {"StatefulSet/default/db/init/init-config", "StatefulSet/default/db/init/clone-data",
            "StatefulSet/default/db/container/db", "StatefulSet/default/db/container/backup"} <= {
        b.id for b in diagram.boxes}


def test_three_stages_and_their_steps(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(STATEFUL), "lifecycle")
    stages = [g.label for g in diagram.groups if g.category.startswith("stage-")]
    assert stages == ["Initialization Stage", "Run Stage", "Termination Stage"]
    prefix = "StatefulSet/default/db/"
    links = {(link.source.removeprefix(prefix), link.target.removeprefix(prefix)) for link in diagram.links}
    # init containers one after the other, then every main container from the last one (started together)
    assert ("init/init-config", "init/clone-data") in links
    assert {("init/clone-data", "container/db"), ("init/clone-data", "container/backup")} <= links
    assert ("init/init-config", "container/db") not in links
    ids = {b.id for b in diagram.boxes}
    assert {"StatefulSet/default/db/SIGTERM", "StatefulSet/default/db/grace", "StatefulSet/default/db/SIGKILL"} <= ids
    assert ["StatefulSet/default/db/container/db", "StatefulSet/default/db/container/backup"] in [
        list(row) for row in diagram.aligned]


def test_probes_are_small_marks_with_their_timings_in_the_tooltip(graph_of: Callable[..., Graph]) -> None:
    boxes = {b.id: b for b in build_view(graph_of(STATEFUL), "lifecycle", KOREAN).boxes}
    liveness = boxes["StatefulSet/default/db/container/db/livenessProbe"]
    assert liveness.title == "livenessProbe" and liveness.details == ("exec: pg_isready", "실패: 컨테이너 재시작")
    assert "initialDelaySeconds: 30" in liveness.tooltip and "periodSeconds: 10 (기본값)" in liveness.tooltip
    readiness = boxes["StatefulSet/default/db/container/db/readinessProbe"]
    assert readiness.details[0] == "tcpSocket :5432" and "periodSeconds: 2" in readiness.tooltip


def test_nothing_in_the_run_leads_to_the_deletion_but_the_run_stage(graph_of: Callable[..., Graph]) -> None:
    for text in (STATEFUL, HOOKS):
        diagram = build_view(graph_of(text), "lifecycle")
        for deletion in (b.id for b in diagram.boxes if b.id.endswith("/deletion")):
            into = [link for link in diagram.links if link.target == deletion]
            # one link, from the Run Stage's frame: a failed probe or a hook does not delete the Pod
            assert len(into) == 1 and into[0].source_group == deletion.replace("/deletion", "/stage/run")
            assert into[0].line == "dashed"
        boxes = {b.id: b for b in diagram.boxes}
        ends = {link.target for link in diagram.links if link.source in boxes and boxes[link.source].category in (
            "probe", "hook") and "/container/" in link.source and not link.source.endswith("/preStop")}
        assert not any(end.endswith(("/deletion", "/SIGTERM", "/SIGKILL")) for end in ends)


def test_startup_probe_gates_liveness(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(HOOKS), "lifecycle", Filters(names={"hooks"}))
    prefix = "Pod/default/hooks/container/app"
    pairs = {(link.source, link.target) for link in diagram.links}
    assert (f"{prefix}", f"{prefix}/postStart") in pairs
    assert (f"{prefix}/postStart", f"{prefix}/startupProbe") in pairs
    assert (f"{prefix}/startupProbe", f"{prefix}/livenessProbe") in pairs
    assert (f"{prefix}/postStart", f"{prefix}/livenessProbe") not in pairs


def test_hooks_grace_period_and_masking(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(HOOKS), "lifecycle", Filters(names={"hooks"}, language="ko"))
    boxes = {b.id: b for b in diagram.boxes}
    post_start = boxes["Pod/default/hooks/container/app/postStart"]
    pre_stop = boxes["Pod/default/hooks/container/app/preStop"]
    shown = " ".join([*post_start.details, post_start.tooltip, *pre_stop.details, pre_stop.tooltip])
    assert "echo started > /tmp/message" in shown and "nginx -s quit" in shown
    assert "hunter2" not in repr(diagram) and f"--password={MASK}" in post_start.tooltip
    assert "abc123" not in repr(diagram)
    assert boxes["Pod/default/hooks/grace"].title == "60초까지 대기"
    # the other Pod is left out by names:, and drawn without the filter
    assert not any(box_id.startswith("Pod/default/other/") for box_id in boxes)
    assert "Pod/default/other/container/x/preStop" in _ids(graph_of(HOOKS))


def test_a_long_command_is_clipped_with_the_whole_in_the_tooltip(graph_of: Callable[..., Graph]) -> None:
    script = " ".join(f"step{i}" for i in range(40))
    graph = graph_of(f"""
        apiVersion: v1
        kind: Pod
        metadata: {{name: long}}
        spec:
          containers:
            - name: app
              image: x
              lifecycle: {{postStart: {{exec: {{command: [sh, -c, "{script}"]}}}}}}
    """)
    box = next(b for b in build_view(graph, "lifecycle").boxes if b.id.endswith("/postStart"))
    command_lines = [d for d in box.details if d.startswith(("sh", "step"))]
    assert len(command_lines) == 2 and command_lines[-1].endswith("…")
    assert script in box.tooltip


@pytest.mark.parametrize(("handler", "text"), [
    (Handler("httpGet", path="/healthz", port="8080"), "httpGet /healthz :8080"),
    (Handler("httpGet", path="/x", port="https", scheme="HTTPS", host="example.com"),
     "httpGet HTTPS example.com/x :https"),
    (Handler("tcpSocket", port="3306"), "tcpSocket :3306"),
    (Handler("grpc", port="9000"), "grpc :9000"),
    (Handler("sleep", seconds=5), "sleep 5s"),
    (Handler("exec", command=("mysqladmin", "-uroot", "-phunter2", "ping")),
     f"exec: mysqladmin -uroot -p{MASK} ping"),
    (Handler("httpGet", path="/x?token=abc", port="80"), f"httpGet /x?token={MASK} :80"),
])
def test_handler_text(handler: Handler, text: str) -> None:
    assert handler_text(handler) == text


def test_a_pod_without_init_containers_has_no_initialization_stage(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(HOOKS), "lifecycle", Filters(names={"other"}))
    assert [g.label for g in diagram.groups if g.category.startswith("stage-")] == ["Run Stage", "Termination Stage"]
    assert not any("/init/" in box.id for box in diagram.boxes)


def test_no_pod_gives_an_empty_figure(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), "lifecycle")
    assert not diagram.boxes and "lifecycle" in diagram.empty_message


Positions = Callable[[str], dict[str, tuple[float, float, float]]]


def _top_y(svg: str, positions: Positions, *ids: str) -> list[float]:
    where = positions(svg)
    return [where[i][1] for i in ids]


@pytest.mark.exe
def test_init_containers_run_top_down_before_the_main_ones(graph_of: Callable[..., Graph],
                                                         svg_positions: Positions) -> None:
    svg = render_diagram(build_view(graph_of(STATEFUL), "lifecycle")).decode()
    p = "StatefulSet/default/db"
    init, clone, db, deletion, kill = _top_y(svg, svg_positions, f"{p}/init/init-config", f"{p}/init/clone-data",
                                             f"{p}/container/db", f"{p}/deletion", f"{p}/SIGKILL")
    assert init < clone < db < deletion < kill
    centres = svg_positions(svg)
    # started together: one row
    assert centres[f"{p}/container/db"][1] == pytest.approx(centres[f"{p}/container/backup"][1], abs=1)


@pytest.mark.exe
def test_the_figure_is_deterministic(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(STATEFUL), "lifecycle")
    assert render_diagram(diagram) == render_diagram(build_view(graph_of(STATEFUL), "lifecycle"))


@pytest.mark.exe
def test_site_manifest_draws_the_whole_life(root: Path, svg_positions: Positions) -> None:
    loaded = load([str(root / "manifests" / "lifecycle" / "web.yaml")])
    svg = render_diagram(build_view(derive(loaded.inventory()), "lifecycle")).decode()
    p = "Pod/default/web"
    # the three stages top down, each step below the one before
    steps = _top_y(svg, svg_positions, f"{p}/init/wait-for-db", f"{p}/init/migrate", f"{p}/container/web",
                   f"{p}/container/web/postStart", f"{p}/container/web/startupProbe",
                   f"{p}/container/web/livenessProbe", f"{p}/deletion", f"{p}/container/web/preStop",
                   f"{p}/SIGTERM", f"{p}/grace", f"{p}/SIGKILL", f"{p}/terminated")
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    assert "example.com/load-balancer-ready" not in svg  # a readiness gate is a condition, not a timeline step
    # one link from the Run Stage's frame to the deletion request, none from a probe or a hook
    assert svg.count("&#45;&gt;Pod/default/web/deletion</title>") == 1
    for step in ("livenessProbe", "readinessProbe", "startupProbe", "postStart"):
        assert f"web/{step}&#45;&gt;Pod/default/web/deletion" not in svg


EXAMPLES = Path("k8s-website-examples/content/en/examples")


@pytest.mark.corpus
@pytest.mark.exe
def test_corpus_lifecycle_events_shows_both_hook_commands(corpus: Path) -> None:
    loaded = load([str(corpus / EXAMPLES / "pods" / "lifecycle-events.yaml")])
    svg = render_diagram(build_view(derive(loaded.inventory()), "lifecycle")).decode()
    assert "echo Hello from the postStart handler" in svg
    assert "nginx &#45;s quit; while killall &#45;0 nginx" in svg.replace("-", "&#45;")
    assert "<title>Pod/default/lifecycle-demo/container/lifecycle-demo-container/postStart</title>" in svg.replace(
        "&#45;", "-")


@pytest.mark.corpus
@pytest.mark.exe
def test_corpus_mysql_init_containers_come_before_the_main_ones(corpus: Path, svg_positions: Positions) -> None:
    loaded = load([str(corpus / EXAMPLES / "application" / "mysql" / "mysql-statefulset.yaml")])
    svg = render_diagram(build_view(derive(loaded.inventory()), "lifecycle")).decode()
    p = "StatefulSet/default/mysql"
    init, clone, mysql, xtrabackup = _top_y(svg, svg_positions, f"{p}/init/init-mysql", f"{p}/init/clone-mysql",
                                             f"{p}/container/mysql", f"{p}/container/xtrabackup")
    assert init < clone < min(mysql, xtrabackup)


# The report's figures 10-15 at natural size (SVG pt), within a page's text column: at 1280 px Material's column
# is about 667 px = 500 pt, and a figure fitted to it keeps its detail text (DETAIL_POINTS, 4/3 px a point) at 10 px
# or more up to DETAIL_POINTS × 4/3 × 500 / 10 pt wide (600 pt for 9-point text).
COLUMN_BUDGET_PT = DETAIL_POINTS * 4 / 3 * 500 / 10
REPORT_FIGURES = [("web.yaml", "phases"), ("web.yaml", "conditions"), ("web.yaml", "container-states"),
                  ("restart-policies.yaml", "container-states"), ("hooks.yaml", "lifecycle"),
                  ("web.yaml", "lifecycle")]


@pytest.mark.exe
@pytest.mark.parametrize("language", LANGUAGES)  # English words are longer: they must fit too
@pytest.mark.parametrize(("manifest", "view"), REPORT_FIGURES)
def test_report_figures_fit_the_text_column(root: Path, manifest: str, view: str, language: str) -> None:
    loaded = load([str(root / "manifests" / "lifecycle" / manifest)])
    svg = render_diagram(build_view(derive(loaded.inventory()), view, Filters(language=language))).decode()
    width = re.search(r'<svg width="([0-9.]+)pt"', svg)
    assert width is not None and float(width.group(1)) <= COLUMN_BUDGET_PT


def test_tooltips_name_boxes_as_a_reader_does_and_containers_link_to_their_manifest(root: Path) -> None:
    """No tooltip is an internal id (`Pod/default/web/SIGTERM`); a container's box says where its Pod is written,
    so that the site links it to those lines."""
    loaded = load([str(root / "manifests" / "lifecycle" / "web.yaml")])
    diagram = build_view(derive(loaded.inventory()), "lifecycle")
    for box in diagram.boxes:
        first = box.tooltip.split("\n")[0]
        assert first and box.id not in first and not re.match(r"^(Pod|Deployment)/", first), box
    containers = [box for box in diagram.boxes if box.category in ("container", "init-container", "sidecar")]
    assert containers and all(re.search(r" — \S*lifecycle/web\.yaml:\d+$", box.tooltip.split("\n")[0])
                              for box in containers)
