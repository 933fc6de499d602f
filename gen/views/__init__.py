"""Views: which part of the derived graph a figure shows, and how each kind looks.

Each view is a function from the derived graph (and the figure's filters) to a neutral Diagram; views know
nothing of Graphviz. One module per family of views, registered in VIEWS:

- `selection`: topology, network, storage (selections of the graph's nodes and relationships)
- `pod`, `images`: one Pod's inside (containers, volumes, network namespace); registries → images → containers
- `lifecycle`, `states`: a Pod's life as a timeline; its phase, condition and container state machines
- `declarative`: diagrams written as data (kind Diagram) for what no manifest can express
- `cluster`: control-plane (kubeadm static Pods), nodes (Node objects, kubelets, DaemonSets, placed Pods)

To add a view, write `build_something(graph, filters) -> Diagram` in a module here and add its ViewSpec below.
"""

from __future__ import annotations

from ..diagram import Diagram
from ..graph import Graph
from . import cluster, declarative, images, lifecycle, pod, states
from .base import Filters, ViewSpec
from .kinds import KIND_STYLES, NOT_DRAWN, KindStyle, kind_style
from .selection import SELECTION_VIEWS

__all__ = ["KIND_STYLES", "NOT_DRAWN", "VIEWS", "Filters", "KindStyle", "ViewSpec", "build_view", "kind_style"]

VIEWS: dict[str, ViewSpec] = {
    spec.name: spec
    for spec in (
        *SELECTION_VIEWS,
        *pod.VIEWS_HERE,
        *images.VIEWS_HERE,
        *lifecycle.VIEWS_HERE,
        *states.VIEWS_HERE,
        *declarative.VIEWS_HERE,
        *cluster.VIEWS_HERE,
    )
}


def build_view(graph: Graph, view: str = "topology", filters: Filters | None = None) -> Diagram:
    """The diagram of one view; raises KeyError for an unknown view name (callers validate names first)."""
    return VIEWS[view].build(graph, filters or Filters())
