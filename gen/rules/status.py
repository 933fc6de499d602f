"""Status, where the input carries it (a dump of a live cluster): controllers show how many of their Pods are
ready. Real Pods show theirs where the workload chain creates their nodes."""

from __future__ import annotations

from ..graph import Facts, GraphNode, PodInstance, app_of
from ..kube import CONTROLLER_KINDS, status_details
from ..model import Inventory


def derive_controller_status(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """`1/2 ready` under each controller whose status the input holds; a claim's or volume's phase (`Bound`)."""
    facts = Facts()
    for workload in inventory.of_kind(*CONTROLLER_KINDS, "PersistentVolumeClaim", "PersistentVolume"):
        details = status_details(workload)
        if details:
            facts.nodes.append(GraphNode(workload.ref, source=workload.source, app=app_of(workload.labels),
                                         details=details))
    return facts
