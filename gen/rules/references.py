"""What a Pod references by name: ConfigMaps, Secrets and PVCs (volumes, env, envFrom), image pull Secrets,
its ServiceAccount; and the Pod-local volumes (emptyDir, hostPath…) linked to the containers that mount them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..graph import Facts, GraphEdge, GraphNode, NodeState, PodInstance, Relation, pod_volume
from ..kube import containers, pod_spec_of, usable_name, volume_detail
from ..kube import mounts as kube_mounts
from ..kube import volumes as pod_volumes
from ..model import Diagnostic, Inventory, Ref, Severity, as_list, as_mapping
from ..records import record

# Volume sources that are not objects of their own: drawn with the Pod, their type as the detail.
LOCAL_VOLUME_TYPES = ("emptyDir", "hostPath", "downwardAPI", "ephemeral", "nfs", "csi", "iscsi", "image",
                      # every other in-tree plugin (the object references configMap, secret, PVC are drawn apart)
                      "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume",
                      "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "photonPersistentDisk",
                      "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume")


@record(frozen=True)
class NameReference:
    """One by-name reference out of a Pod spec."""

    kind: str  # ConfigMap | Secret | PersistentVolumeClaim | ServiceAccount
    name: str
    relation: Relation
    label: str
    container: str | None  # the container that uses it, None for the Pod as a whole
    optional: bool
    check: str  # the finding's check name when the target is missing
    what: str  # how the reference is described in a finding


def derive_pod_references(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Pod (container) → ConfigMap / Secret / PVC / ServiceAccount; missing targets drawn and reported."""
    facts = Facts()
    produced = _runtime_secrets(inventory)
    reported: set[tuple[Ref, str, str]] = set()
    for pod in pods:
        for reference in pod_name_references(pod.spec):
            target = Ref(reference.kind, pod.ref.namespace, reference.name)
            if target not in inventory:
                if reference.optional:
                    continue  # optional: true, so its absence is allowed and there is nothing to draw
                if reference.kind == "ServiceAccount" and reference.name == "default":
                    continue  # every namespace has one
                if target in produced:
                    producer = produced[target]
                    facts.nodes.append(GraphNode(target, NodeState.DERIVED, pod.source, pod.app))
                    facts.edges.append(GraphEdge(producer, target, Relation.CREATES))
                else:
                    facts.nodes.append(GraphNode(target, NodeState.MISSING, pod.source, pod.app))
                    key = (pod.workload, reference.check, f"{reference.kind}/{reference.name}")
                    if key not in reported:
                        reported.add(key)
                        facts.findings.append(Diagnostic(
                            pod.source, Severity.WARNING,
                            f"{pod.workload.kind} {pod.workload.name}: {reference.what} "
                            f"{reference.kind} {reference.name}, {not_in_input(inventory, target)}",
                            reference.check))
            facts.edges.append(GraphEdge(pod.ref, target, reference.relation, reference.label,
                                         source_part=reference.container))
    return facts


def not_in_input(inventory: Inventory, target: Ref) -> str:
    """How a missing target is missing: not in the input at all, or only in another namespace (then the finding
    says where, and how to put objects that name no namespace into one)."""
    elsewhere = inventory.namespaces_holding(target)
    if not elsewhere:
        return "which is not in the input"
    return (f"which is not in namespace {target.namespace} but in {', '.join(elsewhere)} (objects that name no "
            "namespace go to the default one: set it with `gen -n` or a figure's `namespace:`)")


def pod_name_references(spec: Mapping[str, Any]) -> Iterator[NameReference]:
    """Every by-name reference of a Pod spec, mount and env references attributed to their container."""
    volumes = {str(v.get("name")): v for v in map(as_mapping, as_list(spec.get("volumes")))}
    mounts = _mounts_by_volume(spec)
    for volume_name, volume in volumes.items():
        for kind, name, optional in _volume_targets(volume):
            users = mounts.get(volume_name) or [(None, "")]
            for user, path in users:
                yield NameReference(kind, name, Relation.MOUNTS, path, user, optional,
                                    "dangling-volume", f"volume {volume_name} mounts")
    for entry in containers(spec):
        container, container_name = entry.spec, entry.name
        for env in map(as_mapping, as_list(container.get("env"))):
            value_from = as_mapping(env.get("valueFrom"))
            for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                ref = as_mapping(value_from.get(key))
                if usable_name(ref.get("name")):
                    yield NameReference(kind, ref["name"], Relation.ENV, f"env {ref.get('key', '')}".strip(),
                                        container_name, ref.get("optional") is True, "env-value-from",
                                        f"env {env.get('name')} reads")
        for env_from in map(as_mapping, as_list(container.get("envFrom"))):
            for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                ref = as_mapping(env_from.get(key))
                if usable_name(ref.get("name")):
                    yield NameReference(kind, ref["name"], Relation.ENV, "envFrom", container_name,
                                        ref.get("optional") is True, "env-value-from", "envFrom reads")
    for pull in map(as_mapping, as_list(spec.get("imagePullSecrets"))):
        if usable_name(pull.get("name")):
            yield NameReference("Secret", pull["name"], Relation.USES, "pull", None, False,
                                "dangling-image-pull-secret", "imagePullSecrets names")
    account = spec.get("serviceAccountName") or spec.get("serviceAccount")
    if usable_name(account):
        yield NameReference("ServiceAccount", account, Relation.USES, "", None, False,
                            "non-existent-service-account", "serviceAccountName names")


def derive_local_volumes(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """emptyDir, hostPath and other Pod-local volumes: a node drawn with the Pod, linked to its containers."""
    facts = Facts()
    for pod in pods:
        volumes = pod_volumes(pod.spec)
        mounts = _mounts_by_volume(pod.spec)
        for volume_name, volume in volumes.items():
            volume_type = next((t for t in LOCAL_VOLUME_TYPES if t in volume), None)
            if volume_type is None:
                continue
            ref = pod_volume(pod.ref, volume_name)
            detail = volume_detail(volume)
            facts.nodes.append(GraphNode(ref, NodeState.DERIVED, pod.source, pod.app,
                                         details=(detail,), owner=pod.ref))
            for container, path in mounts.get(volume_name) or [(None, "")]:
                facts.edges.append(GraphEdge(pod.ref, ref, Relation.MOUNTS, path, source_part=container))
    return facts


def derive_claim_edges(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """PersistentVolumeClaim → PersistentVolume / StorageClass when the input holds them."""
    facts = Facts()
    for claim in inventory.of_kind("PersistentVolumeClaim"):
        for kind, name in (("PersistentVolume", claim.spec.get("volumeName")),
                           ("StorageClass", claim.spec.get("storageClassName"))):
            if isinstance(name, str) and Ref(kind, None, name) in inventory:
                facts.edges.append(GraphEdge(claim.ref, Ref(kind, None, name), Relation.USES))
    return facts


def _volume_targets(volume: Mapping[str, Any]) -> Iterator[tuple[str, str, bool]]:
    config_map = as_mapping(volume.get("configMap"))
    if usable_name(config_map.get("name")):
        yield "ConfigMap", config_map["name"], config_map.get("optional") is True
    secret = as_mapping(volume.get("secret"))
    if usable_name(secret.get("secretName")):
        yield "Secret", secret["secretName"], secret.get("optional") is True
    claim = as_mapping(volume.get("persistentVolumeClaim"))
    if usable_name(claim.get("claimName")):
        yield "PersistentVolumeClaim", claim["claimName"], False
    for source in map(as_mapping, as_list(as_mapping(volume.get("projected")).get("sources"))):
        for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            ref = as_mapping(source.get(key))
            if usable_name(ref.get("name")):
                yield kind, ref["name"], ref.get("optional") is True


def _mounts_by_volume(spec: Mapping[str, Any]) -> dict[str, list[tuple[str | None, str]]]:
    mounts: dict[str, list[tuple[str | None, str]]] = {}
    for entry in containers(spec):
        for mount in kube_mounts(entry):
            path = str(mount.get("mountPath", ""))
            if mount.get("readOnly") is True:
                path += " (ro)"
            mounts.setdefault(str(mount.get("name")), []).append((entry.name, path))
    return mounts


def _runtime_secrets(inventory: Inventory) -> dict[Ref, Ref]:
    """Secrets the input creates at run time: named in a Job's arguments (certificate generators such as
    kube-webhook-certgen) or in a cert-manager Certificate's spec.secretName. Absent from the input, yet not
    dangling."""
    produced: dict[Ref, Ref] = {}
    for certificate in inventory.of_kind("Certificate"):
        name = certificate.spec.get("secretName")
        if isinstance(name, str):
            produced[Ref("Secret", certificate.namespace, name)] = certificate.ref
    for job in inventory.of_kind("Job", "CronJob"):
        for token in _argument_tokens(pod_spec_of(job)):
            produced.setdefault(Ref("Secret", job.namespace, token), job.ref)
    return produced


_SECRET_FLAG = re.compile(r"^--?(?:secret-name|secret)=(.+)$")


def _argument_tokens(pod_spec: Mapping[str, Any]) -> Iterator[str]:
    for container in containers(pod_spec):
        for arg in as_list(container.spec.get("args")) + as_list(container.spec.get("command")):
            match = _SECRET_FLAG.match(str(arg))
            if match:
                yield match.group(1)

