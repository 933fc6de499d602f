"""Replicas run one spec: a reference every replica has is drawn from every replica alike, never from one."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from shop_manifests import deployment
from svg_shapes import label_problems

from gen.graph import Graph
from gen.loading import load
from gen.render import diagram_to_dot, render_diagram
from gen.rules import derive
from gen.views import build_view

ROOT = Path(__file__).resolve().parents[2]

WEB = deployment(
    pod_spec={"volumes": [{"name": "config", "configMap": {"name": "web-config"}}, {"name": "cache", "emptyDir": {}}]},
    containers=[{"name": "nginx", "image": "nginx", "volumeMounts": [
        {"name": "config", "mountPath": "/etc/nginx/conf.d"}, {"name": "cache", "mountPath": "/cache"}]}]) + """\
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
"""


def _edges(dot: str, target: str) -> list[str]:
    return [line for line in dot.splitlines() if "->" in line and line.split("->")[1].strip().startswith(target)]


def test_a_shared_reference_leaves_every_replica_alike(graph_of: Callable[..., Graph]) -> None:
    dot = diagram_to_dot(build_view(graph_of(WEB), "topology"))
    config = _edges(dot, '"ConfigMap/shop/web-config"')
    assert len(config) == 2
    assert {line.split("->")[0].strip() for line in config} == {'"Pod/shop/web-1":r0:e', '"Pod/shop/web-2":r0:e'}
    assert not any("invis" in line for line in config)
    assert sum("label=" in line for line in config) == 1  # one label for the one reference
    assert len({re.search(r"samehead=(\w+)", line).group(1) for line in config}) == 1  # type: ignore[union-attr]


def test_each_replica_keeps_its_own_empty_dir(graph_of: Callable[..., Graph]) -> None:
    dot = diagram_to_dot(build_view(graph_of(WEB), "topology"))
    for pod in ("web-1", "web-2"):
        (line,) = _edges(dot, f'"Volume/shop/{pod}/cache"')
        assert line.strip().startswith(f'"Pod/shop/{pod}"') and "invis" not in line


@pytest.mark.exe
def test_objects_page_figure_has_no_text_across_a_border() -> None:
    loaded = load([str(ROOT / "manifests" / "sample-app")])
    svg = render_diagram(build_view(derive(loaded.inventory()), "topology")).decode()
    assert label_problems(svg) == []


def test_replicas_of_one_template_stand_in_one_column(root) -> None:
    """service-types links its Services to the replica group and its ReplicaSet to one replica: without the
    replicas aligned, dot spread echo-1 and echo-2 along the flow and stretched the group across the figure."""
    import subprocess
    import sys

    from svg_shapes import nodes

    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", "manifests/service-types"], cwd=root,
                          capture_output=True, text=True, check=True)
    drawn = nodes(done.stdout)
    first, second = drawn["Pod/service-types/echo-1"], drawn["Pod/service-types/echo-2"]
    assert abs(first.bounds.centre[0] - second.bounds.centre[0]) < 1, (first.bounds, second.bounds)
