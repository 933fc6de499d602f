"""Kinds whose relationships already had rules: each checked here with its own small input."""

from __future__ import annotations

from collections.abc import Callable

from shop_manifests import deployment

from gen.graph import Graph, NodeState, Relation
from gen.model import Ref
from gen.views import build_view

GraphOf = Callable[..., Graph]


def _edges(graph: Graph) -> set[tuple[Ref, Ref, str]]:
    return {(e.source, e.target, e.label) for e in graph.edges}


DEPLOYMENT = deployment(pod_labels={"app": "web", "track": "stable"}, pod_spec={"serviceAccountName": "web"})


def test_disruption_budget_selects_pods_with_match_expressions(graph_of: GraphOf) -> None:
    budget = """
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  minAvailable: 1
  selector: {matchExpressions: [{key: track, operator: In, values: [stable]}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: canary, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchExpressions: [{key: track, operator: In, values: [canary]}]}
"""
    edges = _edges(graph_of(DEPLOYMENT + budget))
    budget_ref = Ref("PodDisruptionBudget", "shop", "web")
    assert {(s, t) for s, t, label in edges if s == budget_ref and label == "minAvailable 1"} == {
        (budget_ref, Ref("Pod", "shop", f"web-{i}", made_by="Deployment")) for i in (1, 2)}
    assert not any(s == Ref("PodDisruptionBudget", "shop", "canary") for s, _, _ in edges)


def test_service_account_reaches_its_roles_through_bindings(graph_of: GraphOf) -> None:
    rbac = """
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: web}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules: [{apiGroups: [""], resources: [nodes], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
"""
    edges = _edges(graph_of(DEPLOYMENT + rbac))
    account = Ref("ServiceAccount", "shop", "web")
    assert (Ref("Pod", "shop", "web-1", made_by="Deployment"), account, "") in edges
    assert (account, Ref("RoleBinding", "shop", "web-reader"), "bound by") in edges
    assert (Ref("RoleBinding", "shop", "web-reader"), Ref("Role", "shop", "reader"), "role") in edges
    assert (account, Ref("ClusterRoleBinding", None, "web-nodes"), "bound by") in edges
    assert (Ref("ClusterRoleBinding", None, "web-nodes"), Ref("ClusterRole", None, "node-reader"), "role") in edges


def test_webhooks_and_api_services_call_their_service(graph_of: GraphOf) -> None:
    calls = """
apiVersion: v1
kind: Service
metadata: {name: hooks, namespace: system}
spec: {selector: {app: hooks}, ports: [{port: 443}]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: validate}
webhooks:
  - name: validate.example.com
    clientConfig: {service: {name: hooks, namespace: system, path: /validate}}
    admissionReviewVersions: [v1]
    sideEffects: None
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: mutate}
webhooks:
  - name: mutate.example.com
    clientConfig: {service: {name: hooks, namespace: system}}
    admissionReviewVersions: [v1]
    sideEffects: None
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec: {group: metrics.k8s.io, version: v1beta1, service: {name: hooks, namespace: system}}
"""
    edges = {(s, t) for s, t, _ in _edges(graph_of(calls))}
    hooks = Ref("Service", "system", "hooks")
    assert (Ref("ValidatingWebhookConfiguration", None, "validate"), hooks) in edges
    assert (Ref("MutatingWebhookConfiguration", None, "mutate"), hooks) in edges
    assert (Ref("APIService", None, "v1beta1.metrics.k8s.io"), hooks) in edges


def test_claim_reaches_its_volume_and_class(graph_of: GraphOf) -> None:
    storage = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {volumeName: pv-1, storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /data}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: kubernetes.io/no-provisioner
"""
    edges = {(s, t) for s, t, _ in _edges(graph_of(storage))}
    claim = Ref("PersistentVolumeClaim", "default", "data")
    assert (claim, Ref("PersistentVolume", None, "pv-1")) in edges
    assert (claim, Ref("StorageClass", None, "fast")) in edges


def test_cronjob_job_and_daemonset_create_their_pods(graph_of: GraphOf) -> None:
    workloads = """
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: OnFailure, containers: [{name: backup, image: busybox}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox}]}
"""
    graph = graph_of(workloads)
    owns = {(e.source, e.target) for e in graph.edges if e.relation is Relation.OWNS}
    assert (Ref("CronJob", "default", "backup"), Ref("Job", "default", "backup", made_by="CronJob")) in owns
    assert (Ref("Job", "default", "backup", made_by="CronJob"),
            Ref("Pod", "default", "backup-1", made_by="CronJob")) in owns
    assert (Ref("DaemonSet", "default", "agent"), Ref("Pod", "default", "agent", made_by="DaemonSet")) in owns
    assert graph.nodes[Ref("Pod", "default", "agent", made_by="DaemonSet")].details == ("one per node",)
    assert graph.nodes[Ref("Job", "default", "backup", made_by="CronJob")].state is NodeState.DERIVED


def test_any_other_kind_is_drawn_with_a_generic_glyph_in_its_namespace(graph_of: GraphOf) -> None:
    odd = ("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n---\n"
           "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: shop}\nspec: {hard: {pods: '10'}}\n")
    diagram = build_view(graph_of(odd), "topology")
    boxes = {box.id: box for box in diagram.boxes}
    widget, quota = boxes["Widget/shop/w"], boxes["ResourceQuota/shop/q"]
    assert widget.group == quota.group == "ns/shop"
    assert widget.shape == quota.shape == "rounded" and widget.colour == "neutral"
    assert widget.badge == "widget"


def test_volume_reaches_its_class_and_a_claim_its_bound_volume(graph_of: GraphOf) -> None:
    storage = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  claimRef: {name: data, namespace: shop}
  nfs: {server: 10.0.0.5, path: /exports}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: kubernetes.io/no-provisioner
"""
    edges = {(s, t) for s, t, _ in _edges(graph_of(storage))}
    volume = Ref("PersistentVolume", None, "pv-1")
    assert (Ref("PersistentVolumeClaim", "shop", "data"), volume) in edges
    assert (volume, Ref("StorageClass", None, "fast")) in edges
