"""Kubernetes accessors in one place: which kinds are controllers, where a Pod template sits, how containers are
listed, what counts as a usable name. Rules and views read manifests through these, never by hand.

A new workload kind is one line here (CONTROLLER_KINDS, and MIDDLE_KIND when it creates Pods through another
object); the rules pick it up.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

from .model import Resource, as_list, as_mapping, string_map

# Kinds that create Pods from a template, directly or through a middle object.
CONTROLLER_KINDS: tuple[str, ...] = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "ReplicaSet",
                                     "ReplicationController")
# The object a controller creates between itself and its Pods.
MIDDLE_KIND: dict[str, str] = {"Deployment": "ReplicaSet", "CronJob": "Job"}
# Controllers whose `spec.selector` must match their template's labels (Jobs and RCs may default it).
SELECTOR_KINDS: tuple[str, ...] = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
                                   "Job")

ContainerRole = Literal["init", "sidecar", "container", "ephemeral"]


def usable_name(value: object) -> TypeGuard[str]:
    """A usable name: a non-empty string (a template rendered with an empty value leaves `name: ""`)."""
    return isinstance(value, str) and bool(value.strip())


def workload_spec(resource: Resource) -> Mapping[str, Any]:
    """The spec that holds the Pod template: a CronJob's is inside its jobTemplate."""
    spec = resource.spec
    if resource.kind == "CronJob" or "jobTemplate" in spec:
        return as_mapping(as_mapping(spec.get("jobTemplate")).get("spec"))
    return spec


def pod_template(resource: Resource) -> Mapping[str, Any] | None:
    """The Pod template (`metadata` + `spec`) a controller creates Pods from, or None."""
    template = workload_spec(resource).get("template")
    return template if isinstance(template, Mapping) else None


def template_labels(template: Mapping[str, Any] | None) -> dict[str, str]:
    """The labels a template gives its Pods."""
    return string_map(as_mapping(as_mapping(template).get("metadata")).get("labels"))


def pod_spec_of(resource: Resource) -> Mapping[str, Any]:
    """The Pod spec a resource runs: a Pod's own spec or its controller's template spec (empty if neither)."""
    if resource.kind == "Pod":
        return resource.spec
    return as_mapping(as_mapping(pod_template(resource)).get("spec"))


def replica_count(resource: Resource) -> int:
    """How many Pods a controller runs at once (a DaemonSet: one, drawn for every node)."""
    if resource.kind == "DaemonSet":
        return 1
    spec = workload_spec(resource)
    value = spec.get("parallelism", 1) if resource.kind in ("Job", "CronJob") else spec.get("replicas", 1)
    return value if isinstance(value, int) and value >= 0 else 1


@dataclass(frozen=True)
class Container:
    """A container of a Pod spec with its role: init (run once, in order), sidecar (a native sidecar: an init
    container with restartPolicy Always), container (main) or ephemeral (debug)."""

    spec: Mapping[str, Any]
    role: ContainerRole

    @property
    def name(self) -> str:
        return str(self.spec.get("name", "?"))

    @property
    def ports(self) -> list[Mapping[str, Any]]:
        return [as_mapping(p) for p in as_list(self.spec.get("ports"))]


def containers(spec: Mapping[str, Any], ephemeral: bool = True) -> Iterator[Container]:
    """Every container of a Pod spec in start order: init containers (native sidecars marked), the main ones,
    then ephemeral ones."""
    for container in map(as_mapping, as_list(spec.get("initContainers"))):
        yield Container(container, "sidecar" if container.get("restartPolicy") == "Always" else "init")
    for container in map(as_mapping, as_list(spec.get("containers"))):
        yield Container(container, "container")
    if ephemeral:
        for container in map(as_mapping, as_list(spec.get("ephemeralContainers"))):
            yield Container(container, "ephemeral")


def serving_containers(spec: Mapping[str, Any]) -> Iterator[Container]:
    """Containers that run for the Pod's whole life and may serve traffic: main ones and native sidecars."""
    return (c for c in containers(spec, ephemeral=False) if c.role in ("container", "sidecar"))


def volumes(spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """A Pod spec's volumes by name."""
    return {v["name"]: v for v in map(as_mapping, as_list(spec.get("volumes"))) if usable_name(v.get("name"))}
