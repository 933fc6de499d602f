"""The workload chain: what each controller creates, derived unless the input holds the real children."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from shop_manifests import deployment

from gen.graph import Facts, Graph, GraphNode, NodeState, Part, Relation
from gen.model import Inventory, Ref, Source
from gen.rules.workloads import WorkloadChain, derive_workload_chain

InventoryOf = Callable[..., Inventory]


def _deployment(replicas: int | None, name: str = "web", kind: str = "Deployment") -> str:
    replicas_line = f"  replicas: {replicas}\n" if replicas is not None else ""
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: shop\n"
        f"spec:\n{replicas_line}"
        f"  selector:\n    matchLabels: {{app: {name}}}\n"
        f"  template:\n    metadata:\n      labels: {{app: {name}, tier: front}}\n"
        "    spec:\n      containers:\n        - name: main\n          image: example/app:1\n"
        "          ports: [{containerPort: 8080, name: http}]\n"
    )


def _nodes(facts: Facts) -> dict[Ref, GraphNode]:
    return {node.ref: node for node in facts.nodes}


def _owns(facts: Facts) -> set[tuple[str, str]]:
    return {(e.source.id, e.target.id) for e in facts.edges if e.relation is Relation.OWNS}


def _chain(inventory_of: InventoryOf, text: str) -> WorkloadChain:
    return derive_workload_chain(inventory_of(text))


def test_deployment_replicaset_pod_with_default_one_replica(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, _deployment(None))
    nodes = _nodes(chain.facts)
    assert set(nodes) == {Ref("ReplicaSet", "shop", "web", made_by="Deployment"),
                          Ref("Pod", "shop", "web-1", made_by="Deployment")}
    assert _owns(chain.facts) == {
        ("Deployment/shop/web", "ReplicaSet/shop/web"),
        ("ReplicaSet/shop/web", "Pod/shop/web-1"),
    }
    assert all(node.state is NodeState.DERIVED for node in nodes.values())
    assert [p.ref for p in chain.pods] == [Ref("Pod", "shop", "web-1", made_by="Deployment")]


@pytest.mark.parametrize("replicas", [2, 3])
def test_two_or_three_replicas_are_separate_pods(inventory_of: InventoryOf, replicas: int) -> None:
    chain = _chain(inventory_of, _deployment(replicas))
    pods = [ref for ref in _nodes(chain.facts) if ref.kind == "Pod"]
    assert pods == [Ref("Pod", "shop", f"web-{i}", made_by="Deployment") for i in range(1, replicas + 1)]
    assert all(_nodes(chain.facts)[ref].count == 1 for ref in pods)
    assert {e.source for e in chain.facts.edges if e.target in pods} == {
        Ref("ReplicaSet", "shop", "web", made_by="Deployment")}
    assert len(chain.pods) == replicas


@pytest.mark.parametrize("replicas", [4, 5, 50])
def test_four_or_more_replicas_collapse_into_one_node(inventory_of: InventoryOf, replicas: int) -> None:
    chain = _chain(inventory_of, _deployment(replicas))
    pods = [node for node in chain.facts.nodes if node.ref.kind == "Pod"]
    assert len(pods) == 1
    (pod,) = pods
    assert pod.ref == Ref("Pod", "shop", "web", made_by="Deployment")
    assert pod.count == replicas
    assert pod.state is NodeState.DERIVED
    assert [p.ref for p in chain.pods] == [pod.ref]


def test_zero_replicas_give_no_pods(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, _deployment(0))
    assert set(_nodes(chain.facts)) == {Ref("ReplicaSet", "shop", "web", made_by="Deployment")}
    assert chain.pods == []


def test_derived_pod_carries_template_spec_labels_and_source(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, _deployment(1))
    (pod,) = chain.pods
    assert pod.labels == {"app": "web", "tier": "front"}
    assert pod.spec["containers"][0]["name"] == "main"
    assert pod.workload == Ref("Deployment", "shop", "web")
    assert pod.source == Source("<stdin>", 1)
    assert pod.app == "web"
    node = _nodes(chain.facts)[pod.ref]
    assert node.parts == (Part("main", "main :8080", "container"),)
    assert node.source == Source("<stdin>", 1)


def test_statefulset_pods_are_numbered_from_zero(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, _deployment(3, "db", kind="StatefulSet"))
    refs = [ref for ref in _nodes(chain.facts)]
    assert refs == [Ref("Pod", "shop", f"db-{i}", made_by="StatefulSet") for i in range(3)]
    assert _owns(chain.facts) == {("StatefulSet/shop/db", f"Pod/shop/db-{i}") for i in range(3)}


def test_statefulset_pods_have_the_pod_name_label(inventory_of: InventoryOf) -> None:
    # A per-Pod Service selects `statefulset.kubernetes.io/pod-name: db-1`, which the controller sets.
    chain = _chain(inventory_of, _deployment(2, "db", kind="StatefulSet"))
    assert [p.labels.get("statefulset.kubernetes.io/pod-name") for p in chain.pods] == ["db-0", "db-1"]
    assert all(p.labels["app"] == "db" for p in chain.pods)


def test_collapsed_statefulset_shows_its_name_range(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, _deployment(5, "db", kind="StatefulSet"))
    (pod,) = chain.facts.nodes
    assert pod.ref == Ref("Pod", "shop", "db", made_by="StatefulSet")
    assert pod.count == 5
    assert pod.details == ("db-0 … db-4",)


def test_daemonset_is_one_pod(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, _deployment(7, "agent", kind="DaemonSet"))
    (pod,) = chain.facts.nodes
    assert pod.ref == Ref("Pod", "shop", "agent", made_by="DaemonSet")
    assert pod.count == 1
    assert pod.details == ("one per node",)
    assert _owns(chain.facts) == {("DaemonSet/shop/agent", "Pod/shop/agent")}


def test_replicaset_on_its_own(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, _deployment(2, "rs", kind="ReplicaSet"))
    assert _owns(chain.facts) == {("ReplicaSet/shop/rs", "Pod/shop/rs-1"), ("ReplicaSet/shop/rs", "Pod/shop/rs-2")}


def test_replication_controller(inventory_of: InventoryOf) -> None:
    chain = _chain(
        inventory_of,
        """
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: redis}
        spec:
          replicas: 2
          selector: {app: redis}
          template:
            metadata: {labels: {app: redis}}
            spec: {containers: [{name: redis, image: redis}]}
        """,
    )
    assert _owns(chain.facts) == {
        ("ReplicationController/default/redis", "Pod/default/redis-1"),
        ("ReplicationController/default/redis", "Pod/default/redis-2"),
    }
    assert all(p.labels == {"app": "redis"} for p in chain.pods)


CRONJOB = """
apiVersion: {api}
kind: CronJob
metadata: {{name: backup, namespace: ops}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata: {{labels: {{app: backup}}}}
        spec:
          restartPolicy: OnFailure
          containers: [{{name: dump, image: example/dump}}]
"""


@pytest.mark.parametrize("api", ["batch/v1", "batch/v1beta1"])
def test_cronjob_job_pod(inventory_of: InventoryOf, api: str) -> None:
    chain = _chain(inventory_of, CRONJOB.format(api=api))
    nodes = _nodes(chain.facts)
    assert set(nodes) == {Ref("Job", "ops", "backup", made_by="CronJob"), Ref("Pod", "ops", "backup-1",
                                                                           made_by="CronJob")}
    assert all(node.state is NodeState.DERIVED for node in nodes.values())
    assert _owns(chain.facts) == {("CronJob/ops/backup", "Job/ops/backup"), ("Job/ops/backup", "Pod/ops/backup-1")}
    (pod,) = chain.pods
    assert pod.workload == Ref("CronJob", "ops", "backup")
    assert pod.labels == {"app": "backup"}


def test_job_parallelism(inventory_of: InventoryOf) -> None:
    chain = _chain(
        inventory_of,
        """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate}
        spec:
          parallelism: 2
          template: {spec: {restartPolicy: Never, containers: [{name: m, image: x}]}}
        """,
    )
    assert _owns(chain.facts) == {("Job/default/migrate", "Pod/default/migrate-1"),
                                  ("Job/default/migrate", "Pod/default/migrate-2")}


REAL_CHILDREN = deployment(labels={"app": "web"}, containers=[{"name": "main", "image": "example/app:1"}]) + """\
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d4f8
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: "1"}]
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: main, image: example/app:1}]}
"""

REAL_POD = """
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d4f8-x7k2p
  namespace: shop
  labels: {app: web, pod-template-hash: 5d4f8}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d4f8, uid: "2"}]
spec:
  containers: [{name: main, image: example/app:1}, {name: proxy, image: example/proxy:1}]
"""


def test_real_replicaset_and_pods_replace_derived_ones(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, REAL_CHILDREN + REAL_POD)
    assert _owns(chain.facts) == {
        ("Deployment/shop/web", "ReplicaSet/shop/web-5d4f8"),
        ("ReplicaSet/shop/web-5d4f8", "Pod/shop/web-5d4f8-x7k2p"),
    }
    # Nothing derived: the only node the chain makes is the real Pod, with its own containers.
    (pod_node,) = chain.facts.nodes
    assert pod_node.ref == Ref("Pod", "shop", "web-5d4f8-x7k2p")
    assert pod_node.state is NodeState.REAL
    assert [part.id for part in pod_node.parts] == ["main", "proxy"]
    (pod,) = chain.pods
    assert pod.workload == Ref("Deployment", "shop", "web")  # findings name the top controller
    assert pod.labels["pod-template-hash"] == "5d4f8"
    assert pod.app == "web"


def test_real_replicaset_without_pods_derives_its_pods(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, REAL_CHILDREN)
    assert _owns(chain.facts) == {
        ("Deployment/shop/web", "ReplicaSet/shop/web-5d4f8"),
        ("ReplicaSet/shop/web-5d4f8", "Pod/shop/web-5d4f8-1"),
        ("ReplicaSet/shop/web-5d4f8", "Pod/shop/web-5d4f8-2"),
    }
    assert Ref("ReplicaSet", "shop", "web", made_by="Deployment") not in _nodes(chain.facts)
    assert {p.workload for p in chain.pods} == {Ref("Deployment", "shop", "web")}


def test_pod_whose_owner_is_not_in_the_input(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, REAL_POD)
    assert _owns(chain.facts) == set()
    (pod,) = chain.pods
    assert pod.workload == pod.ref


def test_containers_in_start_order_with_roles(inventory_of: InventoryOf) -> None:
    chain = _chain(
        inventory_of,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - {name: migrate, image: x}
            - {name: logs, image: x, restartPolicy: Always, ports: [{containerPort: 9000}]}
          containers:
            - {name: app, image: x, ports: [{containerPort: 80}, {containerPort: 443}]}
        """,
    )
    (node,) = chain.facts.nodes
    assert node.parts == (
        Part("migrate", "migrate", "init"),
        Part("logs", "logs :9000", "sidecar"),
        Part("app", "app :80,443", "container"),
    )


def test_controller_without_template_derives_nothing(inventory_of: InventoryOf) -> None:
    chain = _chain(inventory_of, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bare}\nspec: {}\n")
    assert chain.facts.nodes == [] and chain.pods == []


# --- Two workloads of one name ----------------------------------------------------------------------------------



def test_pods_of_two_workloads_of_one_name_stay_apart(graph_of: Callable[..., Graph], fixtures_dir: Path) -> None:
    """A Deployment's and a StatefulSet's Pod `web-1` are two Pods (so the Deployment mounts no claim of the
    StatefulSet's), and a ReplicationController's 100 Pods do not vanish into a DaemonSet's Pod of their name."""
    graph = graph_of((fixtures_dir / "shared-names.yaml").read_text(encoding="utf-8"))
    web_1 = [ref for ref in graph.nodes if ref.id == "Pod/shop/web-1"]
    assert sorted(ref.made_by for ref in web_1) == ["Deployment", "StatefulSet"]
    assert {ref.name for ref in graph.nodes if ref.made_by == "Deployment" and ref.kind == "Pod"} == {"web-1",
                                                                                                     "web-2"}
    claims_mounted_by = {e.source.made_by for e in graph.edges
                         if e.relation is Relation.MOUNTS and e.target.kind == "PersistentVolumeClaim"}
    assert claims_mounted_by == {"StatefulSet"}
    # each Pod `web-1` has its own emptyDir
    caches = [ref for ref in graph.nodes if ref.id == "Volume/shop/web-1/cache"]
    assert sorted(ref.made_by for ref in caches) == ["Deployment", "StatefulSet"]
    agents = {ref.made_by: graph.nodes[ref] for ref in graph.nodes if ref.id == "Pod/shop/agent"}
    assert agents["ReplicationController"].count == 100
    assert agents["DaemonSet"].details == ("one per node",)
    assert {e.source.kind for e in graph.edges
            if e.relation is Relation.OWNS and e.target.id == "Pod/shop/agent"} == {"ReplicationController",
                                                                                    "DaemonSet"}


def test_a_derived_replica_set_is_not_a_real_one_of_its_name(graph_of: Callable[..., Graph]) -> None:
    real = ("---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web, namespace: shop}\n"
            "spec:\n  replicas: 1\n  selector: {matchLabels: {app: other}}\n"
            "  template: {metadata: {labels: {app: other}}, spec: {containers: [{name: o, image: o:1}]}}\n")
    graph = graph_of(_deployment(2) + real)
    replica_sets = {ref: graph.nodes[ref].state for ref in graph.nodes if ref.id == "ReplicaSet/shop/web"}
    assert replica_sets == {Ref("ReplicaSet", "shop", "web"): NodeState.REAL,
                            Ref("ReplicaSet", "shop", "web", made_by="Deployment"): NodeState.DERIVED}
    assert len([ref for ref in graph.nodes if ref.id == "Pod/shop/web-1"]) == 2
