"""The images view and the image reference parser it stands on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from svg_shapes import nodes

from gen.graph import Graph
from gen.kube import ImageRef, parse_image
from gen.loading import load
from gen.render import render_diagram
from gen.rules import derive
from gen.views import Filters, build_view

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("written", "registry", "repository", "tag", "digest"), [
    ("nginx", "docker.io", "library/nginx", "latest", None),
    ("nginx:1.27", "docker.io", "library/nginx", "1.27", None),
    ("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", None),
    ("docker.io/nginx", "docker.io", "library/nginx", "latest", None),
    ("index.docker.io/library/nginx:1.27", "docker.io", "library/nginx", "1.27", None),
    ("registry.k8s.io/e2e-test-images/agnhost:2.39", "registry.k8s.io", "e2e-test-images/agnhost", "2.39", None),
    ("gcr.io/google-samples/microservices-demo/frontend:v0.10.1", "gcr.io",
     "google-samples/microservices-demo/frontend", "v0.10.1", None),
    ("localhost:5000/shop/web", "localhost:5000", "shop/web", "latest", None),
    ("localhost:5000/web:2", "localhost:5000", "web", "2", None),
    ("localhost/web", "localhost", "web", "latest", None),
    ("registry.example.com:8443/team/app/api:1.0-rc1", "registry.example.com:8443", "team/app/api", "1.0-rc1",
     None),
    ("nginx@sha256:" + "a" * 64, "docker.io", "library/nginx", None, "sha256:" + "a" * 64),
    ("quay.io/prometheus/node-exporter:v1.8.2@sha256:" + "b" * 64, "quay.io", "prometheus/node-exporter",
     "v1.8.2", "sha256:" + "b" * 64),
    ("localhost:5000/web@sha256:" + "c" * 64, "localhost:5000", "web", None, "sha256:" + "c" * 64),
    ("  busybox:1.36 ", "docker.io", "library/busybox", "1.36", None),
])
def test_parse_image_makes_the_implicit_parts_explicit(written: str, registry: str, repository: str,
                                                       tag: str | None, digest: str | None) -> None:
    image = parse_image(written)
    assert image is not None
    assert (image.registry, image.repository, image.tag, image.digest) == (registry, repository, tag, digest)


def test_a_port_is_not_a_tag() -> None:
    image = parse_image("myregistry:5000/app")
    assert image == ImageRef("myregistry:5000", "app", "latest", None, "myregistry:5000/app")


def test_full_name_and_version() -> None:
    image = parse_image("nginx:1.27@sha256:" + "0123456789abcdef" * 4)
    assert image is not None
    assert image.full_name == "docker.io/library/nginx:1.27@sha256:" + "0123456789abcdef" * 4
    assert image.version == "1.27@sha256:0123456789ab…"  # the digest shortened; it decides what is pulled
    bare = parse_image("nginx")
    assert bare is not None and bare.full_name == "docker.io/library/nginx:latest" and bare.version == "latest"


@pytest.mark.parametrize("written", ["", "   ", None, 42, "nginx:", "nginx@", "nginx@abc", "{{ .Values.image }}",
                                     "my image", "registry.example.com/"])
def test_unpullable_references_are_none(written: object) -> None:
    assert parse_image(written) is None


PODS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers: [{name: setup, image: busybox}]
      containers:
        - {name: nginx, image: nginx:1.27}
        - {name: exporter, image: "localhost:5000/metrics/exporter@sha256:%s"}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  containers: [{name: shell, image: "docker.io/library/busybox"}, {name: bad, image: ""}]
""" % ("f" * 64)


@pytest.fixture
def graph(graph_of: Callable[..., Graph]) -> Graph:
    return graph_of(PODS)


def test_registries_images_and_containers(graph: Graph) -> None:
    diagram = build_view(graph, "images")
    groups = {g.id: g.label for g in diagram.groups}
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
    assert boxes["container/shop/web/nginx"].details == ("Deployment web", "×3 (replica마다 하나)")
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
