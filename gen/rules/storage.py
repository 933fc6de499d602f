"""Storage a Pod gets beyond its spec's volumes: the claims a StatefulSet makes for each replica from its
volumeClaimTemplates, the Secrets volume plugins read their credentials from, and the governing Service of a
StatefulSet (its Pods' DNS names)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..graph import Facts, GraphEdge, GraphNode, NodeState, PodInstance, Relation, pod_volume
from ..kube import containers, mounts, usable_name, volume_secret_names
from ..kube import volumes as pod_volumes
from ..model import Diagnostic, Inventory, Ref, Resource, Severity, as_list, as_mapping
from .references import not_in_input


def derive_claim_templates(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """StatefulSet volumeClaimTemplates: one PVC `TEMPLATE-POD` per replica, in the StatefulSet's namespace, mounted
    by that replica's containers where they mount the template's name. A collapsed `Pod ×N` gets one `×N` PVC."""
    facts = Facts()
    for workload in inventory.of_kind("StatefulSet"):
        templates = [as_mapping(t) for t in as_list(workload.spec.get("volumeClaimTemplates"))]
        templates = [t for t in templates if usable_name(as_mapping(t.get("metadata")).get("name"))]
        if not templates:
            continue
        replicas = [p for p in pods if p.workload == workload.ref]
        for pod in replicas:
            count = _collapsed_count(workload, pod)
            for template in templates:
                claim = _claim_node(workload, pod, template, count)
                if claim.ref not in inventory:  # a dump holds the real claim: it is drawn as loaded
                    facts.nodes.append(claim)
                for user, path in _mounts_of(pod, str(as_mapping(template.get("metadata")).get("name"))):
                    facts.edges.append(GraphEdge(pod.ref, claim.ref, Relation.MOUNTS, path, source_part=user))
                storage_class = as_mapping(template.get("spec")).get("storageClassName")
                if usable_name(storage_class) and Ref("StorageClass", None, storage_class) in inventory:
                    facts.edges.append(GraphEdge(claim.ref, Ref("StorageClass", None, storage_class),
                                                 Relation.USES))
    return facts


def _collapsed_count(workload: Resource, pod: PodInstance) -> int:
    """How many replicas a Pod node stands for: the collapsed one is named after the StatefulSet itself."""
    if pod.ref.kind == "Pod" and pod.ref.name == workload.name:
        replicas = workload.spec.get("replicas", 1)
        return replicas if isinstance(replicas, int) and replicas > 1 else 1
    return 1


def _claim_node(workload: Resource, pod: PodInstance, template: Mapping[str, Any], count: int) -> GraphNode:
    name = str(as_mapping(template.get("metadata")).get("name"))
    spec = as_mapping(template.get("spec"))
    size = as_mapping(as_mapping(spec.get("resources")).get("requests")).get("storage")
    modes = [str(m) for m in as_list(spec.get("accessModes"))]
    details = [" ".join(filter(None, [str(size) if size is not None else "", ",".join(modes)]))]
    if count > 1:
        details.append(f"{name}-{workload.name}-0 … {name}-{workload.name}-{count - 1}")
    ref = Ref("PersistentVolumeClaim", workload.namespace, f"{name}-{pod.ref.name}")
    return GraphNode(ref, NodeState.DERIVED, workload.source, pod.app, count, tuple(d for d in details if d))


def _mounts_of(pod: PodInstance, volume: str) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    for container in containers(pod.spec):
        for mount in mounts(container):
            if mount.get("name") == volume:
                path = str(mount.get("mountPath", "")) + (" (ro)" if mount.get("readOnly") is True else "")
                found.append((container.name, path))
    return found or [(None, "")]


def derive_governing_services(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """StatefulSet → its serviceName, the (headless) Service that gives its Pods their DNS names. The API server
    accepts a serviceName no Service has yet (one often comes from another chart), so an absent one is not drawn."""
    facts = Facts()
    for workload in inventory.of_kind("StatefulSet"):
        name = workload.spec.get("serviceName")
        if usable_name(name) and Ref("Service", workload.namespace, name) in inventory:
            facts.edges.append(GraphEdge(workload.ref, Ref("Service", workload.namespace, name), Relation.USES,
                                         "serviceName"))
    return facts


def derive_volume_secrets(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """A volume plugin's credentials (cephfs, rbd, iscsi, azureFile, CSI, flexVolume…): volume → Secret."""
    facts = Facts()
    reported: set[tuple[Ref, str]] = set()
    for pod in pods:
        for volume_name, volume in pod_volumes(pod.spec).items():
            for secret_name in volume_secret_names(volume):
                volume_ref = pod_volume(pod.ref, volume_name)
                secret = Ref("Secret", pod.ref.namespace, secret_name)
                facts.edges.append(GraphEdge(volume_ref, secret, Relation.USES, "secretRef"))
                if secret in inventory:
                    continue
                facts.nodes.append(GraphNode(secret, NodeState.MISSING, pod.source, pod.app))
                if (pod.workload, secret_name) not in reported:
                    reported.add((pod.workload, secret_name))
                    facts.findings.append(Diagnostic(
                        pod.source, Severity.WARNING,
                        f"{pod.workload.kind} {pod.workload.name}: volume {volume_name} reads its credentials "
                        f"from Secret {secret_name}, {not_in_input(inventory, secret)}", "dangling-volume"))
    return facts


def derive_projected_volumes(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """A projected volume with no ConfigMap or Secret in it (a service account token, downward API fields) is a
    Pod-local volume; one with them is drawn as the objects it projects."""
    facts = Facts()
    for pod in pods:
        for volume_name, volume in pod_volumes(pod.spec).items():
            sources = [as_mapping(s) for s in as_list(as_mapping(volume.get("projected")).get("sources"))]
            kinds = sorted({key for source in sources for key in source})
            if not sources or {"configMap", "secret"} & set(kinds):
                continue
            ref = pod_volume(pod.ref, volume_name)
            facts.nodes.append(GraphNode(ref, NodeState.DERIVED, pod.source, pod.app,
                                         details=(f"projected {', '.join(kinds)}",), owner=pod.ref))
            for user, path in _mounts_of(pod, volume_name):
                facts.edges.append(GraphEdge(pod.ref, ref, Relation.MOUNTS, path, source_part=user))
    return facts



def derive_volume_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """PersistentVolume → its StorageClass; a claim → the volume whose claimRef names it (a bound volume of a dump,
    or one reserved for the claim) when the claim does not name it itself."""
    facts = Facts()
    for volume in inventory.of_kind("PersistentVolume"):
        class_name = volume.spec.get("storageClassName")
        if usable_name(class_name) and Ref("StorageClass", None, class_name) in inventory:
            facts.edges.append(GraphEdge(volume.ref, Ref("StorageClass", None, class_name), Relation.USES))
        claim_ref = as_mapping(volume.spec.get("claimRef"))
        name, namespace = claim_ref.get("name"), claim_ref.get("namespace")
        if usable_name(name) and usable_name(namespace):
            claim = Ref("PersistentVolumeClaim", namespace, name)
            if claim in inventory:
                facts.edges.append(GraphEdge(claim, volume.ref, Relation.USES))
    return facts
