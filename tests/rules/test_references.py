"""By-name references out of Pod specs: ConfigMaps, Secrets, PVCs, ServiceAccounts; Pod-local volumes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gen.graph import Facts, GraphEdge, NodeState, Relation
from gen.model import Inventory, Ref, Severity, Source
from gen.rules.references import derive_claim_edges, derive_local_volumes, derive_pod_references
from gen.rules.workloads import derive_workload_chain

InventoryOf = Callable[..., Inventory]


def _pod(spec: str, name: str = "app", namespace: str = "shop") -> str:
    """A Deployment with one replica whose Pod spec is `spec` (indented by 6)."""
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
        f"spec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n"
        f"    metadata: {{labels: {{app: {name}}}}}\n    spec:\n{spec}"
    )


def _object(kind: str, name: str, namespace: str = "shop", api: str = "v1") -> str:
    return f"---\napiVersion: {api}\nkind: {kind}\nmetadata: {{name: {name}, namespace: {namespace}}}\n"


ALL_TARGETS = (
    _object("ConfigMap", "settings") + _object("ConfigMap", "extra") + _object("ConfigMap", "bundle")
    + _object("Secret", "creds") + _object("Secret", "tls") + _object("Secret", "bundle-secret")
    + _object("Secret", "registry") + _object("PersistentVolumeClaim", "data") + _object("ServiceAccount", "runner")
)

EVERY_REFERENCE = """\
      serviceAccountName: runner
      imagePullSecrets: [{name: registry}]
      containers:
        - name: main
          image: x
          env:
            - {name: LEVEL, valueFrom: {configMapKeyRef: {name: settings, key: level}}}
            - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
            - {name: LITERAL, value: plain}
            - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
          envFrom:
            - configMapRef: {name: extra}
            - secretRef: {name: creds}
          volumeMounts:
            - {name: config, mountPath: /etc/app, readOnly: true}
            - {name: data, mountPath: /var/lib/app}
            - {name: projected, mountPath: /var/run/bundle}
        - name: sidecar
          image: x
          volumeMounts:
            - {name: certs, mountPath: /certs, readOnly: true}
            - {name: config, mountPath: /etc/sidecar}
      volumes:
        - {name: config, configMap: {name: settings}}
        - {name: certs, secret: {secretName: tls}}
        - {name: data, persistentVolumeClaim: {claimName: data}}
        - name: projected
          projected:
            sources:
              - configMap: {name: bundle}
              - secret: {name: bundle-secret}
              - serviceAccountToken: {path: token}
"""


def _run(inventory_of: InventoryOf, text: str, rule: Callable[..., Facts]) -> Facts:
    inventory = inventory_of(text)
    return rule(inventory, derive_workload_chain(inventory).pods)


def _edges(facts: Facts) -> set[tuple[str, str, str, str, str | None]]:
    return {(e.source.id, e.target.id, e.relation.name, e.label, e.source_part) for e in facts.edges}


POD = "Pod/shop/app-1"


def test_every_kind_of_reference_is_an_edge(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, _pod(EVERY_REFERENCE) + ALL_TARGETS, derive_pod_references)
    assert _edges(facts) == {
        # volumes, from the container that mounts them, labelled with the mount path
        (POD, "ConfigMap/shop/settings", "mounts", "/etc/app (ro)", "main"),
        (POD, "ConfigMap/shop/settings", "mounts", "/etc/sidecar", "sidecar"),
        (POD, "Secret/shop/tls", "mounts", "/certs (ro)", "sidecar"),
        (POD, "PersistentVolumeClaim/shop/data", "mounts", "/var/lib/app", "main"),
        (POD, "ConfigMap/shop/bundle", "mounts", "/var/run/bundle", "main"),
        (POD, "Secret/shop/bundle-secret", "mounts", "/var/run/bundle", "main"),
        # env valueFrom and envFrom
        (POD, "ConfigMap/shop/settings", "env", "env level", "main"),
        (POD, "Secret/shop/creds", "env", "env password", "main"),
        (POD, "ConfigMap/shop/extra", "env", "envFrom", "main"),
        (POD, "Secret/shop/creds", "env", "envFrom", "main"),
        # the Pod as a whole
        (POD, "Secret/shop/registry", "uses", "pull", None),
        (POD, "ServiceAccount/shop/runner", "uses", "", None),
    }
    assert facts.findings == []
    assert facts.nodes == []  # every target is real: nothing missing to draw


def test_references_of_init_containers(inventory_of: InventoryOf) -> None:
    spec = """\
      initContainers:
        - {name: setup, image: x, envFrom: [{configMapRef: {name: settings}}]}
      containers: [{name: main, image: x}]
"""
    facts = _run(inventory_of, _pod(spec) + ALL_TARGETS, derive_pod_references)
    assert _edges(facts) == {(POD, "ConfigMap/shop/settings", "env", "envFrom", "setup")}


def test_unmounted_volume_is_referenced_by_the_pod(inventory_of: InventoryOf) -> None:
    spec = "      containers: [{name: main, image: x}]\n      volumes: [{name: v, configMap: {name: settings}}]\n"
    facts = _run(inventory_of, _pod(spec) + ALL_TARGETS, derive_pod_references)
    assert _edges(facts) == {(POD, "ConfigMap/shop/settings", "mounts", "", None)}


def test_references_stay_in_the_pods_namespace(inventory_of: InventoryOf) -> None:
    spec = "      containers: [{name: main, image: x, envFrom: [{configMapRef: {name: settings}}]}]\n"
    facts = _run(inventory_of, _pod(spec, namespace="other") + ALL_TARGETS, derive_pod_references)
    assert [f.check for f in facts.findings] == ["env-value-from"]  # settings is in shop, not in other


@pytest.mark.parametrize(
    ("spec", "target", "check"),
    [
        ("      containers: [{name: main, image: x, volumeMounts: [{name: v, mountPath: /v}]}]\n"
         "      volumes: [{name: v, configMap: {name: nope}}]\n", "ConfigMap/shop/nope", "dangling-volume"),
        ("      containers: [{name: main, image: x}]\n"
         "      volumes: [{name: v, secret: {secretName: nope}}]\n", "Secret/shop/nope", "dangling-volume"),
        ("      containers: [{name: main, image: x}]\n"
         "      volumes: [{name: v, persistentVolumeClaim: {claimName: nope}}]\n",
         "PersistentVolumeClaim/shop/nope", "dangling-volume"),
        ("      containers: [{name: main, image: x}]\n"
         "      volumes: [{name: v, projected: {sources: [{secret: {name: nope}}]}}]\n",
         "Secret/shop/nope", "dangling-volume"),
        ("      containers: [{name: main, image: x,"
         " env: [{name: A, valueFrom: {secretKeyRef: {name: nope, key: k}}}]}]\n",
         "Secret/shop/nope", "env-value-from"),
        ("      containers: [{name: main, image: x,"
         " env: [{name: A, valueFrom: {configMapKeyRef: {name: nope, key: k}}}]}]\n",
         "ConfigMap/shop/nope", "env-value-from"),
        ("      containers: [{name: main, image: x, envFrom: [{configMapRef: {name: nope}}]}]\n",
         "ConfigMap/shop/nope", "env-value-from"),
        ("      containers: [{name: main, image: x, envFrom: [{secretRef: {name: nope}}]}]\n",
         "Secret/shop/nope", "env-value-from"),
        ("      serviceAccountName: nope\n      containers: [{name: main, image: x}]\n",
         "ServiceAccount/shop/nope", "non-existent-service-account"),
        ("      serviceAccount: nope\n      containers: [{name: main, image: x}]\n",
         "ServiceAccount/shop/nope", "non-existent-service-account"),
        ("      imagePullSecrets: [{name: nope}]\n      containers: [{name: main, image: x}]\n",
         "Secret/shop/nope", "dangling-image-pull-secret"),
    ],
)
def test_missing_target_is_a_missing_node_and_a_finding(
    inventory_of: InventoryOf, spec: str, target: str, check: str
) -> None:
    text = _pod(spec) + ALL_TARGETS
    facts = _run(inventory_of, text, derive_pod_references)
    (finding,) = facts.findings
    assert finding.check == check
    assert finding.severity is Severity.WARNING
    assert finding.source == Source("<stdin>", 1)  # the Deployment the Pod comes from
    assert "Deployment app" in finding.message and "nope" in finding.message
    (node,) = facts.nodes
    assert node.ref.id == target
    assert node.state is NodeState.MISSING
    assert (POD, target) in {(e.source.id, e.target.id) for e in facts.edges}


def test_finding_is_reported_once_per_workload(inventory_of: InventoryOf) -> None:
    spec = """\
      containers:
        - {name: a, image: x, envFrom: [{secretRef: {name: nope}}]}
        - {name: b, image: x, envFrom: [{secretRef: {name: nope}}]}
"""
    text = _pod(spec).replace("spec:\n  selector", "spec:\n  replicas: 3\n  selector")
    facts = _run(inventory_of, text, derive_pod_references)
    assert len(facts.findings) == 1
    assert len(facts.edges) == 6  # still one edge per Pod and container


@pytest.mark.parametrize(
    "spec",
    [
        "      containers: [{name: main, image: x}]\n"
        "      volumes: [{name: v, configMap: {name: nope, optional: true}}]\n",
        "      containers: [{name: main, image: x}]\n"
        "      volumes: [{name: v, secret: {secretName: nope, optional: true}}]\n",
        "      containers: [{name: main, image: x}]\n"
        "      volumes: [{name: v, projected: {sources: [{configMap: {name: nope, optional: true}}]}}]\n",
        "      containers: [{name: main, image: x, env: [{name: A, valueFrom: "
        "{secretKeyRef: {name: nope, key: k, optional: true}}}]}]\n",
        "      containers: [{name: main, image: x, env: [{name: A, valueFrom: "
        "{configMapKeyRef: {name: nope, key: k, optional: true}}}]}]\n",
        "      containers: [{name: main, image: x, envFrom: [{configMapRef: {name: nope, optional: true}}]}]\n",
        "      containers: [{name: main, image: x, envFrom: [{secretRef: {name: nope, optional: true}}]}]\n",
    ],
)
def test_optional_reference_is_not_a_finding(inventory_of: InventoryOf, spec: str) -> None:
    facts = _run(inventory_of, _pod(spec), derive_pod_references)
    assert facts.findings == []
    assert all(node.state is not NodeState.MISSING for node in facts.nodes)


def test_optional_false_is_still_required(inventory_of: InventoryOf) -> None:
    spec = "      containers: [{name: main, image: x, envFrom: [{secretRef: {name: nope, optional: false}}]}]\n"
    facts = _run(inventory_of, _pod(spec), derive_pod_references)
    assert [f.check for f in facts.findings] == ["env-value-from"]


def test_default_service_account_is_not_missing(inventory_of: InventoryOf) -> None:
    spec = "      serviceAccountName: default\n      containers: [{name: main, image: x}]\n"
    facts = _run(inventory_of, _pod(spec), derive_pod_references)
    assert facts == Facts()


# --- Pod-local volumes -----------------------------------------------------------------------------------------

LOCAL = """\
      containers:
        - name: app
          image: x
          volumeMounts:
            - {name: scratch, mountPath: /tmp}
            - {name: logs, mountPath: /var/log/app}
        - name: shipper
          image: x
          volumeMounts:
            - {name: logs, mountPath: /logs, readOnly: true}
            - {name: node-logs, mountPath: /host/var/log, readOnly: true}
      volumes:
        - {name: scratch, emptyDir: {medium: Memory}}
        - {name: logs, emptyDir: {}}
        - {name: node-logs, hostPath: {path: /var/log, type: Directory}}
        - {name: unused, emptyDir: {}}
        - {name: config, configMap: {name: settings}}
"""


def test_local_volumes_are_nodes_owned_by_the_pod(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, _pod(LOCAL), derive_local_volumes)
    nodes = {node.ref.id: node for node in facts.nodes}
    assert set(nodes) == {f"Volume/shop/app-1/{v}" for v in ("scratch", "logs", "node-logs", "unused")}
    assert all(node.owner == Ref("Pod", "shop", "app-1", made_by="Deployment") for node in nodes.values())
    assert all(node.state is NodeState.DERIVED for node in nodes.values())
    assert nodes["Volume/shop/app-1/logs"].details == ("emptyDir",)
    assert nodes["Volume/shop/app-1/node-logs"].details == ("hostPath /var/log",)


def test_local_volumes_are_linked_from_the_mounting_container(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, _pod(LOCAL), derive_local_volumes)
    assert _edges(facts) == {
        (POD, "Volume/shop/app-1/scratch", "mounts", "/tmp", "app"),
        (POD, "Volume/shop/app-1/logs", "mounts", "/var/log/app", "app"),
        (POD, "Volume/shop/app-1/logs", "mounts", "/logs (ro)", "shipper"),
        (POD, "Volume/shop/app-1/node-logs", "mounts", "/host/var/log (ro)", "shipper"),
        (POD, "Volume/shop/app-1/unused", "mounts", "", None),
    }
    assert facts.findings == []


def test_each_replica_has_its_own_local_volume(inventory_of: InventoryOf) -> None:
    text = _pod(LOCAL).replace("spec:\n  selector", "spec:\n  replicas: 2\n  selector")
    facts = _run(inventory_of, text, derive_local_volumes)
    owners = {node.owner for node in facts.nodes if node.ref.name.endswith("/logs")}
    assert owners == {Ref("Pod", "shop", f"app-{i}", made_by="Deployment") for i in (1, 2)}


# --- Secrets created at run time -------------------------------------------------------------------------------

CERTGEN_JOB = """
---
apiVersion: batch/v1
kind: Job
metadata: {name: admission-create, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: create
          image: registry.k8s.io/ingress-nginx/kube-webhook-certgen
          args: [create, --host=webhook.shop.svc, --namespace=shop, --secret-name=webhook-cert]
"""


def test_secret_named_in_a_job_argument_is_derived_not_missing(inventory_of: InventoryOf) -> None:
    spec = """\
      containers: [{name: main, image: x, volumeMounts: [{name: cert, mountPath: /certs}]}]
      volumes: [{name: cert, secret: {secretName: webhook-cert}}]
"""
    facts = _run(inventory_of, _pod(spec) + CERTGEN_JOB, derive_pod_references)
    assert facts.findings == []
    (node,) = facts.nodes
    assert node.ref == Ref("Secret", "shop", "webhook-cert")
    assert node.state is NodeState.DERIVED
    assert GraphEdge(Ref("Job", "shop", "admission-create"), node.ref, Relation.CREATES) in facts.edges
    assert (POD, "Secret/shop/webhook-cert", "mounts", "/certs", "main") in _edges(facts)


def test_secret_of_a_certificate_is_derived(inventory_of: InventoryOf) -> None:
    certificate = ("---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: shop}\n"
                   "spec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: ca}}\n")
    spec = "      containers: [{name: main, image: x}]\n      volumes: [{name: t, secret: {secretName: web-tls}}]\n"
    facts = _run(inventory_of, _pod(spec) + certificate, derive_pod_references)
    assert facts.findings == []
    assert [(n.ref.id, n.state) for n in facts.nodes] == [("Secret/shop/web-tls", NodeState.DERIVED)]


def test_job_argument_in_another_namespace_does_not_count(inventory_of: InventoryOf) -> None:
    spec = ("      containers: [{name: main, image: x}]\n"
            "      volumes: [{name: c, secret: {secretName: webhook-cert}}]\n")
    text = _pod(spec, namespace="other") + CERTGEN_JOB
    facts = _run(inventory_of, text, derive_pod_references)
    assert [f.check for f in facts.findings] == ["dangling-volume"]


# --- PVC → PV / StorageClass -----------------------------------------------------------------------------------


def test_claim_edges_when_the_input_holds_the_volume_and_class(inventory_of: InventoryOf) -> None:
    text = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec: {volumeName: pv-1, storageClassName: fast, accessModes: [ReadWriteOnce]}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: example.com/fast
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: other, namespace: shop}
spec: {volumeName: pv-absent, storageClassName: standard}
"""
    facts = _run(inventory_of, text, derive_claim_edges)
    assert _edges(facts) == {
        ("PersistentVolumeClaim/shop/data", "PersistentVolume/pv-1", "uses", "", None),
        ("PersistentVolumeClaim/shop/data", "StorageClass/fast", "uses", "", None),
    }
    assert facts.findings == []


def test_empty_names_are_no_references(inventory_of: InventoryOf) -> None:
    # What a chart rendered with an empty value leaves behind; a node named "" cannot be drawn.
    spec = """\
      imagePullSecrets: [{name: ""}]
      containers:
        - name: main
          image: x
          envFrom: [{configMapRef: {name: ""}}]
          env: [{name: A, valueFrom: {secretKeyRef: {name: "", key: k}}}]
      volumes:
        - {name: s, secret: {secretName: ""}}
        - {name: "", emptyDir: {}}
"""
    inventory = inventory_of(_pod(spec))
    pods = derive_workload_chain(inventory).pods
    references = derive_pod_references(inventory, pods)
    assert references == Facts()
    assert derive_local_volumes(inventory, pods) == Facts()
