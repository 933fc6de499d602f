"""Views: which part of the derived graph a figure shows, and how each kind looks.

Each view is a function from the derived graph (and the figure's filters) to a neutral Diagram; views know
nothing of Graphviz. One module per family of views, registered in VIEWS:

- `selection`: topology, network, storage (selections of the graph's nodes and relationships)
- `pod`, `images`: one Pod's inside (containers, volumes, network namespace); registries → images → containers
- `lifecycle`, `states`: a Pod's life as a timeline; its phase, condition and container state machines
- `declarative`: diagrams written as data (kind Diagram) for what no manifest can express
- `cluster`: control-plane (kubeadm static Pods), nodes (Node objects, kubelets, DaemonSets, placed Pods)

To add a view, write `build_something(graph, filters) -> Diagram` in a module here, put it in that module's
`VIEW_BUILDERS` under the view's name, and add its ViewSpec to VIEWS below.
"""

from __future__ import annotations

from ..diagram import Diagram
from ..graph import Graph
from .base import Filters, ViewBuilder, ViewSpec
from .kinds import KIND_STYLES, NOT_DRAWN, KindStyle, kind_style

__all__ = ["KIND_STYLES", "NOT_DRAWN", "VIEWS", "Filters", "KindStyle", "ViewBuilder", "ViewSpec", "build_view",
           "kind_style"]

# The registry names each view's module instead of importing it: a command draws one view, and importing every
# view's module cost every `gen render` about 10 ms. tests/views/test_registry.py keeps it and the modules equal.
VIEWS: dict[str, ViewSpec] = {
    spec.name: spec
    for spec in (
        ViewSpec("topology", "everything: traffic, ownership, configuration and storage", "selection"),
        ViewSpec("network", "Ingress → Service → workloads → Pods", "selection"),
        ViewSpec("storage", "workloads → volumes → ConfigMap / Secret / PVC", "selection"),
        ViewSpec("policy", "NetworkPolicy → the Pods it applies to; the traffic it allows, peer → Pod → peer",
                 "selection"),
        ViewSpec("pod", "one Pod's inside: network namespace, containers in start order, sidecars, volumes and "
                 "where their data lives", "pod"),
        ViewSpec("images", "registries → images (repository, tag or digest) → the containers that run them",
                 "images"),
        ViewSpec("lifecycle", "one Pod's life: init containers, containers with hooks and probes, termination",
                 "lifecycle"),
        ViewSpec("states", "a Pod's phase, condition and container state machines, by its restartPolicy", "states"),
        ViewSpec("phases", "the Pod phase state machine (Pending, Running, Succeeded, Failed, Unknown)", "states"),
        ViewSpec("conditions", "the Pod conditions PodScheduled → Initialized → ContainersReady → Ready", "states"),
        ViewSpec("container-states", "the container state machine (Waiting, Running, Terminated) under the Pod's "
                 "restartPolicy", "states"),
        ViewSpec("diagram", "a diagram written as data (kind Diagram) for what no manifest can express",
                 "declarative"),
        ViewSpec("control-plane", "kubeadm static Pods as the Control Plane: API server between etcd and the "
                 "components that call it, hostNetwork and hostPath folders on the node", "cluster"),
        ViewSpec("nodes", "Nodes (kubectl get nodes) as the Workload Plane: kubelet, container runtime, DaemonSets "
                 "such as kube-proxy and the Pods placed by spec.nodeName; kubelets talk to the control plane",
                 "cluster"),
    )
}


def build_view(graph: Graph, view: str = "topology", filters: Filters | None = None) -> Diagram:
    """The diagram of one view; raises KeyError for an unknown view name (callers validate names first)."""
    return VIEWS[view].build(graph, filters or Filters())
