"""The images view: registries → images (repository, tag or digest) → the containers that run them.

Every container of every Pod spec in the input counts once per workload (replicas run the same spec). The parts a
manifest may leave implicit are written out: the registry docker.io, Docker Hub's `library/` namespace for official
images and the tag `latest`, so that `nginx` reads as what a node really pulls.
"""

from __future__ import annotations

from ..diagram import Box, Diagram, Group, Link
from ..graph import Graph
from ..kube import ImageRef, containers, parse_image
from ..records import record
from .base import Filters, ViewBuilder, located
from .pod import pods_to_draw

ROLE_BADGES = {"init": "init container", "sidecar": "native sidecar", "container": "container",
               "ephemeral": "ephemeral container"}


@record(frozen=True)
class ImageUse:
    image: ImageRef | None  # None: a reference no runtime could pull (drawn as such)
    written: str
    namespace: str | None
    workload: str
    kind: str  # the workload's kind ("Pod" for a real Pod)
    replicas: int  # how many containers of this spec run (one per replica)
    container: str
    role: str
    source: object | None = None  # where the Pod or its workload is written (`file:line`)


def image_uses(graph: Graph, filters: Filters) -> list[ImageUse]:
    """Each container of each drawn Pod with the image it runs, in input order."""
    uses: list[ImageUse] = []
    for drawn in pods_to_draw(graph, filters):
        for container in containers(drawn.pod.spec):
            written = str(container.spec.get("image", ""))
            uses.append(ImageUse(parse_image(written), written, drawn.pod.ref.namespace, drawn.name, drawn.kind,
                                 drawn.replicas, container.name, container.role, drawn.pod.source))
    return uses


def build_images(graph: Graph, filters: Filters) -> Diagram:
    diagram = Diagram(empty_message="no containers for the images view")
    registries: dict[str, Group] = {}
    images: dict[str, Box] = {}
    runners: dict[str, Box] = {}
    for use in image_uses(graph, filters):
        container_id = f"container/{use.namespace or ''}/{use.workload}/{use.container}"
        # Titled by the container's own name: "web/nginx" read as an image name. Each replica runs one container
        # of this spec from the same image: the count says that one image makes several containers.
        details = (f"{use.kind} {use.workload}",
                   filters.words("images.replicas", count=use.replicas) if use.replicas > 1 else "")
        runners.setdefault(container_id, Box(container_id, use.container, ROLE_BADGES[use.role], "rounded",
                                             "yellow", details=tuple(d for d in details if d), rank=2,
                                             category="container",
                                             tooltip="\n".join([located(f"{use.kind} {use.workload}, container "
                                                                         f"{use.container}", use.source),
                                                                 f"image: {use.written or '(no image)'}"])))
        if use.image is None:
            image_id = f"image/invalid/{use.written}"
            images.setdefault(image_id, Box(image_id, use.written or "(no image)", "image", "stack", "red",
                                            "missing", ("not a pullable reference",), rank=1, category="image",
                                            tooltip=located(f"image {use.written}", use.source)))
        else:
            image = use.image
            registry_id = f"registry/{image.registry}"
            registries.setdefault(registry_id, Group(registry_id, f"registry {image.registry}", style="outer",
                                                     category="registry"))
            image_id = f"image/{image.full_name}"
            details = (f"tag {image.tag}" if image.tag else "", f"digest {image.version.rpartition('@')[2]}"
                       if image.digest else "")
            images.setdefault(image_id, Box(image_id, image.repository, "image", "stack", "purple",
                                            details=tuple(d for d in details if d), group=registry_id, rank=1,
                                            category="image",
                                            tooltip=located(f"image {image.full_name} (written {use.written})",
                                                            use.source)))
        link = Link(image_id, container_id, "runs", "purple", category="runs")
        if link not in diagram.links:
            diagram.links.append(link)
    diagram.groups = sorted(registries.values(), key=lambda g: g.id)
    diagram.boxes = sorted([*images.values(), *runners.values()], key=lambda b: (b.rank or 0, b.group or "", b.id))
    diagram.links.sort(key=lambda link: (link.source, link.target))
    return diagram


VIEW_BUILDERS: dict[str, ViewBuilder] = {"images": build_images}
