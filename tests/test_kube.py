"""Kubernetes accessors (gen/kube.py): where a workload keeps its Pod template, how many Pods it runs, its
containers in start order with their roles, volumes, what a Pod spec leaves to Kubernetes' defaults, and image
references."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from shop_manifests import deployment

from gen.kube import (
    DEFAULT_GRACE_SECONDS,
    PROBE_DEFAULTS,
    ImageRef,
    containers,
    grace_period,
    parse_image,
    pod_spec_of,
    pod_template,
    probes,
    replica_count,
    restart_policy,
    serving_containers,
    template_labels,
    volumes,
)
from gen.model import Inventory, Resource

InventoryOf = Callable[..., Inventory]


def _one(inventory_of: InventoryOf, text: str) -> Resource:
    (resource,) = inventory_of(text)
    return resource


CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      parallelism: 4
      template:
        metadata: {labels: {job: nightly}}
        spec: {restartPolicy: OnFailure, containers: [{name: run, image: busybox}]}
"""


def test_the_pod_template_of_a_deployment_a_cronjob_and_none_of_a_pod(inventory_of: InventoryOf) -> None:
    web = _one(inventory_of, deployment(pod_labels={"app": "web", "tier": "front"}))
    template = pod_template(web)
    assert template is not None and template_labels(template) == {"app": "web", "tier": "front"}
    assert [c["name"] for c in pod_spec_of(web)["containers"]] == ["web"]
    nightly = _one(inventory_of, CRONJOB)  # a CronJob's template is inside its jobTemplate
    assert template_labels(pod_template(nightly)) == {"job": "nightly"}
    assert pod_spec_of(nightly)["restartPolicy"] == "OnFailure"
    pod = _one(inventory_of, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n")
    assert pod_template(pod) is None and pod_spec_of(pod) == pod.spec  # a Pod runs its own spec
    config = _one(inventory_of, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    assert pod_template(config) is None and pod_spec_of(config) == {}


@pytest.mark.parametrize(("text", "count"), [
    (deployment(replicas=5), 5),
    (deployment(replicas=0), 0),  # scaled to zero: no Pod
    (deployment().replace("  replicas: 2\n", ""), 1),  # Kubernetes' default
    (deployment().replace("replicas: 2", "replicas: -3"), 1),  # nonsense: the default
    (deployment().replace("replicas: 2", "replicas: '4'"), 1),  # a string is not a count
    (deployment().replace("kind: Deployment", "kind: DaemonSet").replace("  replicas: 2\n", ""), 1),
    (CRONJOB, 4),  # a Job's or a CronJob's parallelism
])
def test_replica_count(inventory_of: InventoryOf, text: str, count: int) -> None:
    assert replica_count(_one(inventory_of, text)) == count


def test_containers_come_in_start_order_with_their_roles() -> None:
    spec = {"initContainers": [{"name": "migrate"}, {"name": "proxy", "restartPolicy": "Always"}],
            "containers": [{"name": "web", "ports": [{"containerPort": 8080}, "nonsense"]}],
            "ephemeralContainers": [{"name": "debug"}]}
    assert [(c.name, c.role) for c in containers(spec)] == [
        ("migrate", "init"), ("proxy", "sidecar"), ("web", "container"), ("debug", "ephemeral")]
    assert [c.name for c in containers(spec, ephemeral=False)] == ["migrate", "proxy", "web"]
    assert [c.name for c in serving_containers(spec)] == ["proxy", "web"]  # what runs for the Pod's whole life
    web = next(c for c in containers(spec) if c.name == "web")
    assert web.ports == [{"containerPort": 8080}, {}]  # an entry that is no mapping reads as empty
    assert [c.name for c in containers({"containers": "not a list"})] == []


def test_volumes_by_name_without_the_unnamed() -> None:
    spec = {"volumes": [{"name": "data", "emptyDir": {}}, {"name": "", "emptyDir": {}}, {"configMap": {}}]}
    assert volumes(spec) == {"data": {"name": "data", "emptyDir": {}}}


def test_what_a_pod_spec_leaves_unwritten_is_kubernetes_default_and_said_so() -> None:
    assert restart_policy({}) == ("Always", False)
    assert restart_policy({"restartPolicy": "Never"}) == ("Never", True)
    assert restart_policy({"restartPolicy": "Sometimes"}) == ("Always", False)
    assert grace_period({}) == (DEFAULT_GRACE_SECONDS, False) == (30, False)
    assert grace_period({"terminationGracePeriodSeconds": 0}) == (0, True)
    assert grace_period({"terminationGracePeriodSeconds": True}) == (30, False)  # a bool is not a number of seconds
    (container,) = containers({"containers": [{"name": "web", "readinessProbe": {"periodSeconds": 5,
                                                                                 "httpGet": {"port": 8080}},
                                               "startupProbe": {"tcpSocket": {"port": 8080}}}]})
    startup, readiness = probes(container)  # startup first: it gates the others
    assert (startup.kind, readiness.kind) == ("startup", "readiness")
    assert readiness.timings == {**PROBE_DEFAULTS, "periodSeconds": 5} and readiness.written == {"periodSeconds"}
    assert startup.timings == PROBE_DEFAULTS and startup.written == frozenset()


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


# --- Field paths ------------------------------------------------------------------------------------------------


def test_a_field_path_quotes_a_key_with_dots_or_slashes_in_either_quote() -> None:
    from gen.kube import FieldStep, field_path_text, field_values, parse_field_path

    body = {"metadata": {"annotations": {"dapr.io/app-id": "nodeapp", "a.io/x": "no"}},
            "spec": {"routes": [{"to": {"k8s.io/name": "one"}}, {"to": {"k8s.io/name": "two"}}]}}
    assert field_values(body, 'metadata.annotations["dapr.io/app-id"]') == ["nodeapp"]
    assert field_values(body, "metadata.annotations['dapr.io/app-id']") == ["nodeapp"]
    assert field_values(body, 'spec.routes[].to["k8s.io/name"]') == ["one", "two"]
    assert field_values(body, "metadata.annotations.dapr") == []  # a plain path never splits inside a key
    steps = parse_field_path("""spec['say "hi"'][].to["a.b/c"]""")
    assert steps == (FieldStep("spec"), FieldStep('say "hi"', each=True), FieldStep("to"), FieldStep("a.b/c"))
    assert parse_field_path(field_path_text(steps)) == steps  # written back as it is read


def test_a_path_that_cannot_be_read_finds_nothing() -> None:
    from gen.kube import field_values

    assert field_values({"a": {"b": 1}}, 'a["b') == []  # the rule reader refuses it with its reason
