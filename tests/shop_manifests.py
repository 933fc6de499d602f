"""The manifest the tests keep writing: Deployment `web` in namespace `shop` (and its Service), as YAML text.

Import it (`from shop_manifests import deployment, service`) rather than from a conftest: tests/ has two modules
named `conftest` (tests/ and tests/site/, neither in a package), and `from conftest import` gets whichever pytest
imported last.

Each document starts with `---` on a line of its own, so that documents concatenate; mappings are written in flow
style (`{name: web, namespace: shop}`), one line each, as the tests wrote them by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml


def flow(value: object) -> str:
    """One value as YAML flow style on one line: `{app: web}`, `[{port: 80}]`, `nginx:1.27`."""
    return yaml.safe_dump(value, default_flow_style=True, width=10**6, sort_keys=False).removesuffix("\n...\n") \
        .rstrip("\n")


def deployment(name: str = "web", namespace: str = "shop", *, replicas: int = 2, image: str = "nginx",
               labels: Mapping[str, str] | None = None, pod_labels: Mapping[str, str] | None = None,
               containers: Sequence[Mapping[str, Any]] | None = None,
               init_containers: Sequence[Mapping[str, Any]] = (), pod_spec: Mapping[str, Any] | None = None) -> str:
    """A Deployment selecting `app: NAME`. Its Pods are labelled `pod_labels` (default `{app: NAME}`) and run
    `containers` (default one container NAME running `image`); `labels` are the Deployment's own, `pod_spec` more
    keys of the Pod spec (volumes, serviceAccountName…), written before the containers."""
    metadata: dict[str, Any] = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = dict(labels)
    spec: dict[str, Any] = dict(pod_spec or {})
    if init_containers:
        spec["initContainers"] = [dict(c) for c in init_containers]
    spec["containers"] = [dict(c) for c in containers] if containers is not None else [{"name": name, "image": image}]
    return (f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {flow(metadata)}\nspec:\n"
            f"  replicas: {replicas}\n"
            f"  selector: {flow({'matchLabels': {'app': name}})}\n"
            f"  template:\n"
            f"    metadata: {flow({'labels': dict(pod_labels or {'app': name})})}\n"
            f"    spec: {flow(spec)}\n")


def service(name: str = "web", namespace: str = "shop", *, selector: Mapping[str, str] | None = None,
            ports: Sequence[Mapping[str, Any]] = ({"port": 80, "targetPort": 8080},),
            labels: Mapping[str, str] | None = None, **spec: Any) -> str:
    """A Service selecting `selector` (default `{app: NAME}`) with `ports`; `spec` adds keys (type, clusterIP…)."""
    metadata: dict[str, Any] = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = dict(labels)
    body = {"selector": dict(selector or {"app": name}), "ports": [dict(p) for p in ports], **spec}
    return f"---\napiVersion: v1\nkind: Service\nmetadata: {flow(metadata)}\nspec: {flow(body)}\n"
