"""A selection view over its box budget aggregates: Pods ×N per controller, then one box per application, then one
per namespace laid out as a grid; small inputs are drawn as before."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest

from gen.diagram import Diagram
from gen.graph import Graph
from gen.render import diagram_to_dot, render_diagram
from gen.views import Filters, build_view
from gen.views.aggregate import GRID_COLUMNS, NODE_BUDGET


def shop(namespaces: int, apps: int, replicas: int = 1, claim: bool = False) -> str:
    """`apps` Deployments with a Service each in every one of `namespaces` namespaces."""
    documents = []
    for n in range(namespaces):
        for a in range(apps):
            name, namespace = f"app{a:02d}", f"ns{n:03d}"
            volumes = (f"\n      volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-{name}}}}}]"
                       if claim else "")
            documents.append(f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: [{{name: main, image: nginx, ports: [{{containerPort: 80}}]}}]{volumes}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 80}}]}}""")
            if claim:
                documents.append(f"""
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: data-{name}, namespace: {namespace}}}
spec: {{volumeName: pv-{namespace}-{name}, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {{name: pv-{namespace}-{name}}}
spec: {{capacity: {{storage: 1Gi}}, accessModes: [ReadWriteOnce], hostPath: {{path: /data}}}}""")
    return "\n---".join(documents)


def kinds_of(diagram: Diagram) -> set[str]:
    return {box.id.split("/")[0] for box in diagram.boxes}


def test_under_the_budget_nothing_aggregates(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(shop(1, 5, replicas=2)), "topology")
    assert diagram.level == "none" and diagram.note == ""
    assert {"Pod/ns000/app00-1", "Pod/ns000/app00-2"} <= {box.id for box in diagram.boxes}


def test_replicas_collapse_first(graph_of: Callable[..., Graph]) -> None:
    # 30 × (Deployment, ReplicaSet, 3 Pods, Service) = 180 boxes; one Pod box per controller makes 120
    diagram = build_view(graph_of(shop(1, 30, replicas=3)), "topology")
    assert diagram.level == "pods" and str(NODE_BUDGET) in diagram.note
    assert len(diagram.boxes) <= NODE_BUDGET
    pods = [box for box in diagram.boxes if box.id.startswith("Pod/")]
    assert len(pods) == 30 and all(box.title.endswith("×3") for box in pods)
    assert all(link.target != "Pod/ns000/app00-1" for link in diagram.links)
    assert any(link.source == "Service/ns000/app00" and link.target == "Pod/ns000/app00" for link in diagram.links)


def test_then_one_box_per_application_in_its_namespace(graph_of: Callable[..., Graph]) -> None:
    diagram = build_view(graph_of(shop(4, 12, replicas=2)), "topology")
    assert diagram.level == "apps" and "application" in diagram.note
    assert kinds_of(diagram) == {"App"}
    assert len(diagram.boxes) == 48
    frontend = next(box for box in diagram.boxes if box.id == "App/ns002/app03")
    assert frontend.group == "ns/ns002"
    assert set(frontend.details) == {"1 Deployment", "2 Pod", "1 Service"}  # derived ReplicaSets go unsaid
    assert {group.id for group in diagram.groups} == {f"ns/ns{n:03d}" for n in range(4)}
    # The twelve unlinked applications of a namespace stand in a grid, not one column twelve boxes tall.
    columns = [column for column in diagram.stacked if column[0].startswith("App/ns000/")]
    assert len(columns) == 3 and all(len(column) == 4 for column in columns)


def test_then_one_box_per_namespace_with_the_links_between_them(graph_of: Callable[..., Graph]) -> None:
    # 200 applications are over the budget: namespaces; the volume claims lead to cluster-scoped volumes
    diagram = build_view(graph_of(shop(40, 5, claim=True)), "topology")
    assert diagram.level == "namespaces"
    namespaces = {box.id for box in diagram.boxes}
    assert namespaces == {f"Namespace/ns{n:03d}" for n in range(40)} | {"Namespace/(cluster)"}
    drawn = [link for link in diagram.links if link.line != "invisible"]
    assert {(link.source, link.target) for link in drawn} == {
        (f"Namespace/ns{n:03d}", "Namespace/(cluster)") for n in range(40)}
    assert all(link.label == "×5" for link in drawn)  # five claims → five volumes, one link that says so
    cluster = next(box for box in diagram.boxes if box.id == "Namespace/(cluster)")
    assert "200 PersistentVolume" in cluster.details


def test_a_namespace_of_an_aggregated_input_is_drawn_in_full(graph_of: Callable[..., Graph]) -> None:
    graph = graph_of(shop(40, 5, replicas=2))
    assert build_view(graph, "topology").level == "namespaces"
    detail = build_view(graph, "network", Filters(namespaces={"ns007"}))
    assert detail.level == "none"
    assert {"Pod/ns007/app04-1", "Pod/ns007/app04-2", "Deployment/ns007/app04"} <= {b.id for b in detail.boxes}


@pytest.mark.exe
def test_two_hundred_namespaces_fit_the_page_width_in_seconds(
        graph_of: Callable[..., Graph], svg_positions: Callable[[str], dict[str, tuple[float, float, float]]]) -> None:
    diagram = build_view(graph_of(shop(200, 3)), "topology")
    started = time.perf_counter()
    svg = render_diagram(diagram).decode()
    assert time.perf_counter() - started < 20
    width, height = (float(v) for v in re.search(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"', svg).groups())
    assert width <= 800, width  # shown at its own size (11-point names) in a page's 800 px
    columns = {round(x) for title, (x, _y, _centre) in svg_positions(svg).items() if title.startswith("Namespace/")}
    assert len(columns) == GRID_COLUMNS  # a grid, not one strip 200 boxes tall
    assert height / width < 200 / GRID_COLUMNS / 2
    assert all(f"<title>Namespace/ns{n:03d}</title>" in svg for n in range(200))
    assert str(NODE_BUDGET) in svg  # the note under the figure says it aggregated
    dot = diagram_to_dot(diagram)
    assert "ortho" not in dot
    assert dot.count("[style=invis]") >= 200 - GRID_COLUMNS  # the grid's columns hold their order


def test_a_bucket_of_derived_objects_of_no_application_is_drawn(graph_of: Callable[..., Graph]) -> None:
    # CronJobs without app labels: past the budget, their derived Jobs fall in one bucket of their own ("Job ×N"),
    # which holds nothing real (found on argo-cd's whole folder, where it ended in a StopIteration).
    count = NODE_BUDGET // 2
    text = "".join(f"---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: c{i}}}\nspec:\n  schedule: '@daily'\n"
                   "  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, "
                   "image: busybox}]}}}}\n" for i in range(count))
    diagram = build_view(graph_of(text), "topology")
    titles = {box.title for box in diagram.boxes}
    assert f"Job ×{count}" in titles and f"CronJob ×{count}" in titles
