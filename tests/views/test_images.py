"""The images view (the image reference parser it stands on, gen/kube.py's parse_image: tests/test_kube.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from shop_manifests import deployment
from svg_shapes import nodes

from gen.graph import Graph
from gen.loading import load
from gen.render import render_diagram
from gen.rules import derive
from gen.views import Filters, build_view

ROOT = Path(__file__).resolve().parents[2]


PODS = deployment(replicas=3, init_containers=[{"name": "setup", "image": "busybox"}], containers=[
    {"name": "nginx", "image": "nginx:1.27"},
    {"name": "exporter", "image": f"localhost:5000/metrics/exporter@sha256:{'f' * 64}"}]) + """\
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  containers: [{name: shell, image: "docker.io/library/busybox"}, {name: bad, image: ""}]
"""


@pytest.fixture
def graph(graph_of: Callable[..., Graph]) -> Graph:
    return graph_of(PODS)


def test_registries_images_and_containers(graph: Graph) -> None:
    diagram = build_view(graph, "images")
    groups = {g.id: g.label for g in diagram.groups}
    korean = {b.id: b.details for b in build_view(graph, "images", Filters(language="ko")).boxes}
    assert korean["container/shop/web/nginx"] == ("Deployment web", "×3 (replica마다 하나)")
    assert groups == {"registry/docker.io": "registry docker.io", "registry/localhost:5000": "registry localhost:5000"}
    boxes = {b.id: b for b in diagram.boxes}
    busybox = boxes["image/docker.io/library/busybox:latest"]
    assert busybox.title == "library/busybox" and busybox.details == ("tag latest",)
    assert busybox.group == "registry/docker.io"
    exporter = boxes["image/localhost:5000/metrics/exporter@sha256:" + "f" * 64]
    assert exporter.details == ("digest sha256:ffffffffffff…",)
    # One container box per workload, titled by the container (not "web/nginx", which reads as an image name),
    # its workload and how many replicas run it from the one image as details.
    assert boxes["container/shop/web/nginx"].title == "nginx"
    assert boxes["container/shop/web/nginx"].details == ("Deployment web", "×3 (one per replica)")
    assert boxes["container/shop/debug/shell"].details == ("Pod debug",)
    assert boxes["container/shop/web/setup"].badge == "init container"
    assert sum(1 for b in diagram.boxes if b.category == "container") == 5
    links = {(link.source, link.target) for link in diagram.links}
    # `busybox` and `docker.io/library/busybox` are one image, run by two containers.
    assert ("image/docker.io/library/busybox:latest", "container/shop/web/setup") in links
    assert ("image/docker.io/library/busybox:latest", "container/shop/debug/shell") in links
    # An empty image is drawn as what it is: nothing a node could pull.
    assert boxes["image/invalid/"].state == "missing"


def test_filters_choose_workloads(graph: Graph) -> None:
    diagram = build_view(graph, "images", Filters(names={"debug"}))
    assert {b.id for b in diagram.boxes if b.category == "container"} == {"container/shop/debug/shell",
                                                                         "container/shop/debug/bad"}


@pytest.mark.exe
def test_sample_app_svg_draws_registries_left_of_containers() -> None:
    loaded = load([str(ROOT / "manifests" / "sample-app")])
    svg = render_diagram(build_view(derive(loaded.inventory()), "images")).decode()
    for title in ("image/docker.io/library/nginx:1.27", "image/registry.k8s.io/e2e-test-images/agnhost:2.39",
                  "container/shop/web/nginx", "container/shop/api/api"):
        assert title in nodes(svg)
    assert "registry docker.io" in svg and "registry registry.k8s.io" in svg
    found = nodes(svg)
    assert found["image/docker.io/library/nginx:1.27"].bounds.right < found["container/shop/web/nginx"].bounds.left
