"""Storage beyond a Pod spec's volumes: StatefulSet claim templates, the governing Service, every in-tree volume
type, and the Secrets volume plugins read."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gen.graph import Graph, NodeState, Relation
from gen.model import Ref

GraphOf = Callable[..., Graph]


def _statefulset(replicas: int, namespace: str = "data") -> str:
    return f"""
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db, namespace: {namespace}}}
spec:
  serviceName: db
  replicas: {replicas}
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers:
        - name: postgres
          image: postgres:16
          volumeMounts: [{{name: data, mountPath: /var/lib/postgresql/data}}]
  volumeClaimTemplates:
    - metadata: {{name: data}}
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: fast
        resources: {{requests: {{storage: 10Gi}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: db, namespace: {namespace}}}
spec: {{clusterIP: None, selector: {{app: db}}, ports: [{{port: 5432}}]}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {{name: fast}}
provisioner: kubernetes.io/no-provisioner
"""


def test_each_replica_gets_its_own_claim_in_the_statefulsets_namespace(graph_of: GraphOf) -> None:
    graph = graph_of(_statefulset(2), namespace="elsewhere")
    claims = sorted(ref for ref in graph.nodes if ref.kind == "PersistentVolumeClaim")
    assert claims == [Ref("PersistentVolumeClaim", "data", "data-db-0"),
                      Ref("PersistentVolumeClaim", "data", "data-db-1")]
    node = graph.nodes[claims[0]]
    assert node.state is NodeState.DERIVED and node.details == ("10Gi ReadWriteOnce",)
    mounts = {(e.source, e.target, e.label, e.source_part) for e in graph.edges if e.relation is Relation.MOUNTS}
    db_0, db_1 = (Ref("Pod", "data", f"db-{i}", made_by="StatefulSet") for i in (0, 1))
    assert (db_0, claims[0], "/var/lib/postgresql/data", "postgres") in mounts
    assert (db_1, claims[1], "/var/lib/postgresql/data", "postgres") in mounts
    assert (db_0, claims[1], "/var/lib/postgresql/data", "postgres") not in mounts
    assert (claims[0], Ref("StorageClass", None, "fast")) in {(e.source, e.target) for e in graph.edges}
    assert graph.findings == []


def test_a_collapsed_statefulset_has_one_claim_node_for_all_replicas(graph_of: GraphOf) -> None:
    graph = graph_of(_statefulset(5))
    [claim] = [node for ref, node in graph.nodes.items() if ref.kind == "PersistentVolumeClaim"]
    assert claim.ref == Ref("PersistentVolumeClaim", "data", "data-db") and claim.count == 5
    assert "data-db-0 … data-db-4" in claim.details


def test_statefulset_names_its_governing_service(graph_of: GraphOf) -> None:
    graph = graph_of(_statefulset(1))
    assert any(e.source == Ref("StatefulSet", "data", "db") and e.target == Ref("Service", "data", "db")
               and e.label == "serviceName" for e in graph.edges)
    lone = graph_of(_statefulset(1).split("---")[0])
    assert Ref("Service", "data", "db") not in lone.nodes and lone.findings == []


POD_WITH = """
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers: [{{name: c, image: busybox, volumeMounts: [{{name: v, mountPath: /mnt}}]}}]
  volumes:
    - name: v
      {source}
"""


@pytest.mark.parametrize(("source", "detail"), [
    ("nfs: {server: 10.0.0.5, path: /exports}", "nfs 10.0.0.5 /exports"),
    ("iscsi: {targetPortal: '10.0.0.6:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0}",
     "iscsi 10.0.0.6:3260 iqn.2001-04.com.example:storage"),
    ("cephfs: {monitors: ['10.0.0.7:6789'], path: /shared}", "cephfs /shared"),
    ("rbd: {monitors: ['10.0.0.7:6789'], pool: kube, image: disk1}", "rbd kube disk1"),
    ("azureFile: {secretName: azure, shareName: share1}", "azureFile share1"),
    ("gcePersistentDisk: {pdName: disk-1, fsType: ext4}", "gcePersistentDisk disk-1"),
    ("awsElasticBlockStore: {volumeID: vol-0abc}", "awsElasticBlockStore vol-0abc"),
    ("csi: {driver: secrets-store.csi.k8s.io}", "csi secrets-store.csi.k8s.io"),
    ("downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}", "downwardAPI"),
    ("projected: {sources: [{serviceAccountToken: {path: token}}]}", "projected serviceAccountToken"),
    ("glusterfs: {endpoints: glusterfs-cluster, path: vol}", "glusterfs glusterfs-cluster vol"),
    ("fc: {lun: 0}", "fc"),
])
def test_every_in_tree_volume_type_is_drawn_with_its_type(graph_of: GraphOf, source: str, detail: str) -> None:
    graph = graph_of(POD_WITH.format(source=source))
    volume = graph.nodes[Ref("Volume", "default", "p/v")]
    assert volume.details == (detail,) and volume.owner == Ref("Pod", "default", "p")
    assert any(e.target == volume.ref and e.label == "/mnt" and e.source_part == "c" for e in graph.edges)


@pytest.mark.parametrize("source", [
    "cephfs: {monitors: ['10.0.0.7:6789'], secretRef: {name: creds}}",
    "rbd: {monitors: ['10.0.0.7:6789'], image: disk1, secretRef: {name: creds}}",
    "iscsi: {targetPortal: '10.0.0.6:3260', iqn: 'iqn.2001-04.com.example:x', lun: 0, secretRef: {name: creds}}",
    "azureFile: {secretName: creds, shareName: share1}",
    "csi: {driver: example.csi.k8s.io, nodePublishSecretRef: {name: creds}}",
    "flexVolume: {driver: example/cifs, secretRef: {name: creds}}",
    "scaleIO: {gateway: 'https://sio', system: s, volumeName: v1, secretRef: {name: creds}}",
    "storageos: {volumeName: v1, secretRef: {name: creds}}",
])
def test_volume_plugins_reference_their_secrets(graph_of: GraphOf, source: str) -> None:
    secret = "---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds}\n"
    graph = graph_of(POD_WITH.format(source=source) + secret)
    assert (Ref("Volume", "default", "p/v"), Ref("Secret", "default", "creds"), "secretRef") in {
        (e.source, e.target, e.label) for e in graph.edges}
    assert graph.findings == []
    missing = graph_of(POD_WITH.format(source=source))
    assert missing.nodes[Ref("Secret", "default", "creds")].state is NodeState.MISSING
    [finding] = missing.findings
    assert finding.check == "dangling-volume" and "credentials from Secret creds" in finding.message
