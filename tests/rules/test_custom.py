"""Custom kinds' relationships written as data (kind RelationshipRules): the shipped rules, a project's own, the
loader's messages, custom workloads whose Pods Services select, and CRDs linked to their resources."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shop_manifests import deployment
from shop_manifests import service as shop_service
from svg_shapes import nodes

from gen.graph import Graph, NodeState, Relation
from gen.loading import load
from gen.model import Inventory, Ref, Severity
from gen.rules import derive
from gen.rules.custom import CHECK, DEFINES, MONITORS, RuleBook, parse_rules, read_rule_files, shipped_rules

InventoryOf = Callable[..., Inventory]
GraphOf = Callable[..., Graph]
MONITORING = "monitoring.coreos.com"


def _edges(graph: Graph, relation: Relation) -> set[tuple[str, str]]:
    return {(e.source.id, e.target.id) for e in graph.edges if e.relation is relation}


def _checks(graph: Graph) -> list[str]:
    return [d.check for d in graph.findings]


# --- Shipped rules ----------------------------------------------------------------------------------------------


def test_shipped_rule_files_load_without_problems() -> None:
    book = shipped_rules()
    assert book.problems == ()
    kinds = {(rule.group, rule.kind) for rule in book.rules}
    assert {(MONITORING, "Prometheus"), (MONITORING, "ServiceMonitor"), (MONITORING, "PodMonitor"),
            (MONITORING, "Alertmanager"), ("cert-manager.io", "Certificate"), ("argoproj.io", "Rollout"),
            ("leaderworkerset.x-k8s.io", "LeaderWorkerSet")} <= kinds
    assert {(t.kind, t.template) for t in book.pod_templates} >= {
        ("Rollout", "spec.template"), ("LeaderWorkerSet", "spec.leaderWorkerTemplate.workerTemplate")}


def test_a_shipped_rule_file_is_read_only_for_an_input_with_a_kind_it_names() -> None:
    from gen.rules.custom import _parsed_file, _shipped_files

    # The filter is sound: every rule of a file is of a kind the file names, so a file skipped has none to apply.
    for name, _text, named in _shipped_files():
        rules, _problems = _parsed_file(name)
        assert rules and {rule.kind for rule in rules} <= named, name
    assert shipped_rules(frozenset({"Deployment", "Service", "ConfigMap"})).rules == ()
    ingress = shipped_rules(frozenset({"Ingress"}))  # cert-manager's ingress-shim rule
    assert {rule.kind for rule in ingress.rules} == {"Ingress", "Certificate", "CertificateRequest"}
    everything = shipped_rules(frozenset(rule.kind for rule in shipped_rules().rules))
    assert everything.rules == shipped_rules().rules


APP = (deployment(containers=[{"name": "web", "image": "web:1", "ports": [{"name": "metrics", "containerPort": 8080}]}])
       + shop_service(labels={"app": "web"}, ports=[{"name": "metrics", "port": 8080, "targetPort": "metrics"}]))


def _prometheus(namespace_selector: str = "", selector: str = "serviceMonitorSelector: {matchLabels: {team: a}}"
                ) -> str:
    return (f"---\napiVersion: {MONITORING}/v1\nkind: Prometheus\nmetadata: {{name: main, namespace: monitoring}}\n"
            f"spec:\n  {selector}\n" + (f"  {namespace_selector}\n" if namespace_selector else ""))


def _service_monitor(name: str, namespace: str, labels: str = "{team: a}", namespaces: str = "") -> str:
    return (f"---\napiVersion: {MONITORING}/v1\nkind: ServiceMonitor\n"
            f"metadata: {{name: {name}, namespace: {namespace}, labels: {labels}}}\n"
            f"spec:\n  selector: {{matchLabels: {{app: web}}}}\n  endpoints: [{{port: metrics}}]\n"
            + (f"  namespaceSelector: {namespaces}\n" if namespaces else ""))


def test_prometheus_selects_service_monitors_by_label_in_its_own_namespace_by_default(graph_of: GraphOf) -> None:
    graph = graph_of(APP + _prometheus() + _service_monitor("here", "monitoring")
                     + _service_monitor("elsewhere", "shop") + _service_monitor("other", "monitoring", "{team: b}"))
    assert {t for s, t in _edges(graph, MONITORS) if s.startswith("Prometheus/")} == {
        "ServiceMonitor/monitoring/here"}


@pytest.mark.parametrize(("namespace_selector", "expected"), [
    ("serviceMonitorNamespaceSelector: {}", {"here", "elsewhere"}),  # empty: every namespace
    ("serviceMonitorNamespaceSelector: {matchLabels: {watched: 'yes'}}", {"elsewhere"}),  # the Namespace objects
])
def test_prometheus_namespace_selector(graph_of: GraphOf, namespace_selector: str, expected: set[str]) -> None:
    namespaces = ("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {watched: 'yes'}}\n"
                  "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: monitoring}\n")
    graph = graph_of(namespaces + APP + _prometheus(namespace_selector) + _service_monitor("here", "monitoring")
                     + _service_monitor("elsewhere", "shop"))
    assert {t.rsplit("/", 1)[1] for s, t in _edges(graph, MONITORS) if s.startswith("Prometheus/")} == expected


def test_absent_selector_selects_nothing_and_empty_selects_everything(graph_of: GraphOf) -> None:
    monitors = _service_monitor("one", "monitoring") + _service_monitor("two", "monitoring", "{team: b}")
    none = graph_of(_prometheus(selector="replicas: 1") + monitors)
    every = graph_of(_prometheus(selector="serviceMonitorSelector: {}") + monitors)
    assert not _edges(none, MONITORS)
    assert {t for _, t in _edges(every, MONITORS)} == {"ServiceMonitor/monitoring/one", "ServiceMonitor/monitoring/two"}


@pytest.mark.parametrize(("namespaces", "selected"), [
    ("", False),  # absent: the ServiceMonitor's own namespace
    ("{}", False),  # prometheus-operator's NamespaceSelector: neither any nor matchNames is its own namespace
    ("{matchNames: [shop]}", True),
    ("{any: true}", True),
])
def test_service_monitor_selects_services_by_selector_and_namespace_selector(
        graph_of: GraphOf, namespaces: str, selected: bool) -> None:
    graph = graph_of(APP + _service_monitor("web", "monitoring", namespaces=namespaces))
    edges = [e for e in graph.edges if e.relation is MONITORS]
    assert bool(edges) is selected
    if selected:
        assert (edges[0].target, edges[0].label) == (Ref("Service", "shop", "web"), "port metrics")


def test_pod_monitor_monitors_the_derived_pods(graph_of: GraphOf) -> None:
    graph = graph_of(APP + f"---\napiVersion: {MONITORING}/v1\nkind: PodMonitor\nmetadata: {{name: web, "
                     "namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n"
                     "  podMetricsEndpoints: [{port: metrics}]\n")
    assert _edges(graph, MONITORS) == {("PodMonitor/shop/web", "Pod/shop/web-1"),
                                       ("PodMonitor/shop/web", "Pod/shop/web-2")}


def test_prometheus_alertmanagers_pair_each_name_with_its_own_namespace(graph_of: GraphOf) -> None:
    services = "".join(f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {n}, namespace: {ns}}}\n"
                       for n, ns in (("am", "alerts"), ("am", "monitoring"), ("other", "ops")))
    prometheus = _prometheus(selector="alerting: {alertmanagers: [{name: am, namespace: alerts, port: web}, "
                                      "{name: other, namespace: ops, port: web}]}")
    graph = graph_of(services + prometheus)
    assert _edges(graph, Relation.ROUTES) == {("Prometheus/monitoring/main", "Service/alerts/am"),
                                              ("Prometheus/monitoring/main", "Service/ops/other")}


def test_missing_name_target_is_drawn_missing_and_reported(graph_of: GraphOf) -> None:
    graph = graph_of(_prometheus(selector="serviceAccountName: prometheus"))
    assert graph.nodes[Ref("ServiceAccount", "monitoring", "prometheus")].state is NodeState.MISSING
    assert _checks(graph) == ["dangling-custom-reference"]
    assert "Prometheus main: spec.serviceAccountName names ServiceAccount prometheus" in graph.findings[0].message


# --- cert-manager ---------------------------------------------------------------------------------------------

CERTIFICATE = """\
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: shop}
spec:
  secretName: web-tls
  dnsNames: [shop.example.com]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer, group: cert-manager.io}
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt}
spec: {selfSigned: {}}
"""


def test_certificate_creates_its_secret_and_uses_its_cluster_issuer(graph_of: GraphOf) -> None:
    graph = graph_of(CERTIFICATE)
    secret = Ref("Secret", "shop", "web-tls")
    assert graph.nodes[secret].state is NodeState.DERIVED  # made by cert-manager: not dangling
    assert ("Certificate/shop/web", "Secret/shop/web-tls") in _edges(graph, Relation.CREATES)
    assert ("Certificate/shop/web", "ClusterIssuer/letsencrypt") in _edges(graph, Relation.USES)  # no namespace
    assert not graph.findings


@pytest.mark.parametrize(("annotation", "created"), [("kubernetes.io/tls-acme: 'true'", True),
                                                     ("kubernetes.io/tls-acme: 'false'", False)])
def test_tls_acme_ingress_gets_a_certificate_and_its_secret_is_not_dangling(
        graph_of: GraphOf, annotation: str, created: bool) -> None:
    ingress = (f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  namespace: shop\n"
               f"  annotations: {{{annotation}}}\n"
               "spec:\n  tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n")
    graph = graph_of(ingress)
    certificate = Ref("Certificate", "shop", "shop-tls", "cert-manager.io")
    assert (certificate in graph.nodes) is created
    assert ("dangling-ingress" in _checks(graph)) is not created
    if created:
        assert graph.nodes[certificate].state is NodeState.DERIVED
        assert graph.nodes[Ref("Secret", "shop", "shop-tls")].state is NodeState.DERIVED


# --- Custom workloads -----------------------------------------------------------------------------------------

ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: checkout, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec: {containers: [{name: app, image: checkout:1, ports: [{name: http, containerPort: 8080}]}]}
  strategy: {canary: {stableService: checkout, steps: [{setWeight: 20}]}}
---
apiVersion: v1
kind: Service
metadata: {name: checkout, namespace: shop}
spec: {selector: {app: checkout}, ports: [{port: 80, targetPort: http}]}
"""


def test_rollout_pods_are_derived_through_a_replica_set_and_its_service_is_not_dangling(graph_of: GraphOf) -> None:
    graph = graph_of(ROLLOUT)
    rollout = Ref("Rollout", "shop", "checkout", "argoproj.io")
    replica_set = Ref("ReplicaSet", "shop", "checkout", made_by="argoproj.io/Rollout")
    pods = {p.ref.name for p in graph.pods}
    assert pods == {"checkout-1", "checkout-2", "checkout-3"}
    assert ("Rollout/shop/checkout", "ReplicaSet/shop/checkout") in _edges(graph, Relation.OWNS)
    assert graph.nodes[replica_set].state is NodeState.DERIVED
    assert {t for s, t in _edges(graph, Relation.SELECTS)} == {f"Pod/shop/{p}" for p in pods}
    assert "dangling-service" not in _checks(graph)
    assert "invalid-target-ports" not in _checks(graph)  # the named port is found in the template
    assert all(p.workload == rollout for p in graph.pods)
    assert ("Rollout/shop/checkout", "Service/shop/checkout") in _edges(graph, Relation.USES)  # stableService


def test_without_the_rule_the_same_service_would_be_dangling(inventory_of: InventoryOf) -> None:
    """The test above fails for the right reason: it is the rule's pod template that makes the Pods."""
    graph = derive(inventory_of(ROLLOUT), rule_book=RuleBook())  # no rules at all
    assert "dangling-service" in _checks(graph)


def test_rollout_with_real_replica_sets_in_the_input_derives_none(graph_of: GraphOf) -> None:
    child = ("---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: checkout-6d4f\n  namespace: shop\n"
             "  ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: checkout, uid: u1}]\n"
             "spec:\n  replicas: 1\n  selector: {matchLabels: {app: checkout}}\n"
             "  template: {metadata: {labels: {app: checkout}}, spec: {containers: [{name: app, image: c:1}]}}\n")
    graph = graph_of(ROLLOUT + child)
    assert ("Rollout/shop/checkout", "ReplicaSet/shop/checkout-6d4f") in _edges(graph, Relation.OWNS)
    assert {p.ref.name for p in graph.pods} == {"checkout-6d4f-1"}


LWS = """\
apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: llm, namespace: ai}
spec:
  replicas: 2
  leaderWorkerTemplate:
    size: 2
    leaderTemplate:
      metadata: {labels: {app: llm, role: leader}}
      spec: {containers: [{name: server, image: vllm:1, ports: [{containerPort: 8000}]}]}
    workerTemplate:
      metadata: {labels: {app: llm, role: worker}}
      spec: {containers: [{name: worker, image: vllm:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: llm-leader, namespace: ai}
spec: {selector: {app: llm, role: leader}, ports: [{port: 8080, targetPort: 8000}]}
"""


def test_leader_worker_set_derives_each_group_s_leader_and_workers_with_their_names(graph_of: GraphOf) -> None:
    graph = graph_of(LWS)
    # 2 groups of size 2: per group G a leader `llm-G` (leaderTemplate) and one worker `llm-G-1` (workerTemplate).
    assert sorted(p.ref.name for p in graph.pods) == ["llm-0", "llm-0-1", "llm-1", "llm-1-1"]
    labels = {p.ref.name: p.labels for p in graph.pods}
    assert labels["llm-1"] == {"app": "llm", "role": "leader", "leaderworkerset.sigs.k8s.io/name": "llm",
                               "leaderworkerset.sigs.k8s.io/group-index": "1",
                               "leaderworkerset.sigs.k8s.io/worker-index": "0"}
    assert labels["llm-0-1"] == {"app": "llm", "role": "worker", "leaderworkerset.sigs.k8s.io/name": "llm",
                                 "leaderworkerset.sigs.k8s.io/group-index": "0",
                                 "leaderworkerset.sigs.k8s.io/worker-index": "1"}
    assert {t for _, t in _edges(graph, Relation.SELECTS)} == {"Pod/ai/llm-0", "Pod/ai/llm-1"}
    assert "dangling-service" not in _checks(graph)


def test_leader_worker_set_service_selecting_the_controller_s_label_is_not_dangling(fixtures_dir: Path) -> None:
    """kubernetes-engine-samples ai-ml/llm-multihost-gpus: `vllm-leader` selects leaderworkerset.sigs.k8s.io/name
    and role=leader. One group of size 2 is the leader `vllm-0` (selected) and the worker `vllm-0-1`."""
    loaded = load([str(fixtures_dir / "custom-workloads" / "leaderworkerset.yaml")])
    graph = derive(loaded.inventory())
    assert sorted(p.ref.name for p in graph.pods) == ["vllm-0", "vllm-0-1"]
    assert _edges(graph, Relation.SELECTS) == {("Service/serving/vllm-leader", "Pod/serving/vllm-0")}
    assert not graph.findings, [str(f) for f in graph.findings]


def test_leader_worker_set_without_a_leader_template_runs_the_worker_template_as_leader(graph_of: GraphOf) -> None:
    text = LWS.split("---")[0].replace("""    leaderTemplate:
      metadata: {labels: {app: llm, role: leader}}
      spec: {containers: [{name: server, image: vllm:1, ports: [{containerPort: 8000}]}]}
""", "").replace("replicas: 2", "replicas: 1").replace("size: 2", "size: 3")
    graph = graph_of(text)
    pods = {p.ref.name: p for p in graph.pods}
    assert sorted(pods) == ["llm-0", "llm-0-1", "llm-0-2"]  # size 3: the leader and two workers
    assert all(p.labels["role"] == "worker" for p in pods.values())
    assert [pods[n].labels["leaderworkerset.sigs.k8s.io/worker-index"] for n in sorted(pods)] == ["0", "1", "2"]


def test_many_leader_worker_groups_collapse_as_many_replicas_do(graph_of: GraphOf) -> None:
    """replicas × size Pods: 8 groups of 4 are 8 leaders and 24 workers, each template one `×N` node (as a
    Deployment's many replicas), named by the range of its Pods and labelled with what all of them share."""
    graph = graph_of(LWS.replace("replicas: 2", "replicas: 8").replace("size: 2", "size: 4"))
    made_by = "leaderworkerset.x-k8s.io/LeaderWorkerSet"
    leaders = graph.nodes[Ref("Pod", "ai", "llm-leader", made_by=made_by)]
    workers = graph.nodes[Ref("Pod", "ai", "llm-worker", made_by=made_by)]
    assert (leaders.count, leaders.details) == (8, ("llm-0 … llm-7",))
    assert (workers.count, workers.details) == (24, ("llm-0-1 … llm-7-3",))
    assert {p.ref.name: p.labels.get("leaderworkerset.sigs.k8s.io/name") for p in graph.pods} == {
        "llm-leader": "llm", "llm-worker": "llm"}
    assert all("leaderworkerset.sigs.k8s.io/group-index" not in p.labels for p in graph.pods)
    assert {t for _, t in _edges(graph, Relation.SELECTS)} == {"Pod/ai/llm-leader"}


# --- CRDs -----------------------------------------------------------------------------------------------------


def test_crd_defines_its_resources_with_kind_and_scope(graph_of: GraphOf, root: Path) -> None:
    text = "\n---\n".join(p.read_text(encoding="utf-8")
                          for p in sorted((root / "manifests/prometheus").glob("*.yaml")))
    graph = graph_of(text)
    assert _edges(graph, DEFINES) == {
        ("CustomResourceDefinition/prometheuses.monitoring.coreos.com", "Prometheus/monitoring/main"),
        ("CustomResourceDefinition/servicemonitors.monitoring.coreos.com", "ServiceMonitor/monitoring/web")}
    crd = graph.nodes[Ref("CustomResourceDefinition", None, "servicemonitors.monitoring.coreos.com")]
    assert crd.details == ("kind ServiceMonitor", "Namespaced")
    assert not graph.findings


# --- A project's own rules and the loader -----------------------------------------------------------------------

OWN_RULES = """\
apiVersion: kubedocs.dev/v1
kind: RelationshipRules
metadata: {name: shop}
spec:
  rules:
    - group: shop.example.com
      kind: Storefront
      references:
        - {field: spec.databaseSecret, to: {kind: Secret}, relation: uses, label: database}
        - {selector: spec.backends, to: {kind: Service}, relation: routes}
        - {podTemplate: spec.pod, replicas: spec.size}
"""

STOREFRONT = """\
apiVersion: shop.example.com/v1
kind: Storefront
metadata: {name: front, namespace: shop}
spec:
  databaseSecret: db
  size: 2
  backends: {matchLabels: {tier: api}}
  pod:
    metadata: {labels: {app: front}}
    spec: {containers: [{name: front, image: front:1}]}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop, labels: {tier: api}}
spec: {selector: {app: front}}
"""


def test_a_projects_own_rules_add_relationships_and_workloads(inventory_of: InventoryOf, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(OWN_RULES, encoding="utf-8")
    inventory = inventory_of(STOREFRONT)
    graph = derive(inventory, rule_book=read_rule_files([str(rules)]))
    front = "Storefront/shop/front"
    assert (front, "Secret/shop/db") in _edges(graph, Relation.USES)
    assert (front, "Service/shop/api") in _edges(graph, Relation.ROUTES)
    assert {p.ref.name for p in graph.pods} == {"front-1", "front-2"}
    assert "dangling-service" not in _checks(graph)
    plain = derive(inventory)  # only the shipped rules: the Storefront is a box and nothing more
    assert not [e for e in plain.edges if e.source.kind == "Storefront"]


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules:\n    - group: a.io\n      kind: X\n"
     "      references:\n        - {field: spec.a, to: {kind: Secret}, relaton: uses}\n",
     8, 47, "unknown key 'relaton'"),
    ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules:\n    - group: a.io\n      kind: X\n"
     "      references:\n        - {field: spec.a, to: {kind: Secret}, relation: summons}\n",
     8, 57, "references[0].relation: unknown relation; allowed: "),
    ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules:\n    - group: a.io\n      kind: X\n"
     "      references:\n        - {field: [spec], to: {kind: Secret}}\n",
     8, 19, "references[0].field: must be a non-empty string, not a list"),
    ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules:\n    - group: a.io\n      kind: X\n"
     "      references:\n        - {field: 'spec..a', to: {kind: Secret}}\n",
     8, 19, "is not a field path"),
    ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules:\n    - kind: Widget\n"
     "      references: []\n", 5, 13, "kind: is not a built-in kind, so its API group is required"),
    ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules: {}\n", 4, 10, "must be a list"),
    ("apiVersion: kubedocs.dev/v1\nkind: Diagram\nspec: {rules: []}\n", 2, 7, "kind: must be RelationshipRules"),
    ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules:\n    - &r {kind: Secret, references: []}\n"
     "    - *r\n", 5, 7, "anchors and aliases are not allowed"),
    ("spec: [\n", 2, 1, "not valid YAML"),
    ("spec: a\x01kdS3cret\n", 1, 0, "not valid YAML: a character YAML does not allow (U+0001"),  # one line
])
def test_bad_rule_files_are_errors_at_their_line_never_tracebacks(
        text: str, line: int, column: int, message: str) -> None:
    rules, problems = parse_rules(text, "rules.yaml")
    assert problems, "a bad rule file must say what is wrong"
    first = problems[0]
    assert (first.source.path, first.source.line, first.source.column) == ("rules.yaml", line, column), str(first)
    assert message in first.message
    assert first.severity is Severity.ERROR and first.check == CHECK
    assert rules == [] or all(rule.kind != "X" for rule in rules)  # a rule with a problem is dropped whole


def test_every_problem_of_a_rule_file_is_reported_at_its_line_and_column_never_quoting_a_value() -> None:
    text = """\
apiVersion: kubedocs.dev/v1
kind: RelationshipRules
spec:
  rules:
    - group: a.io
      kind: X
      colour: kdS3cret
      references:
        - {field: spec.a, to: {kind: Secret}, relation: kdS3cret}
        - {field: spec..kdS3cret, to: {kind: Secret}}
        - {podTemplate: spec.pod, firstIndex: -1, podName: "{kdS3cret}"}
"""
    rules, problems = parse_rules(text, "rules.yaml")
    assert rules == []
    assert [(p.source.line, p.source.column, p.message.split(";")[0]) for p in problems] == [
        (7, 7, "rule file: spec.rules[0]: unknown key 'colour'"),
        (9, 57, "rule file: spec.rules[0].references[0].relation: unknown relation"),
        (10, 19, "rule file: spec.rules[0].references[1].field: is not a field path (spec.endpoints[].port, a key "
                 "with dots or slashes quoted: metadata.annotations[\"dapr.io/app-id\"]): a key is missing (at "
                 "character 6)"),
        (11, 47, "rule file: spec.rules[0].references[2].firstIndex: must be a whole number (0 or more)"),
        (11, 60, "rule file: spec.rules[0].references[2].podName: an unknown placeholder (known: {name}, {group}, "
                 "{index})"),
    ]
    assert "kdS3cret" not in " ".join(str(p) for p in problems)


NOT_RULE_FILES = {  # files a rules option may name by mistake or malice: none of their text may be shown
    "shadow": "root:$6$kdcanary-hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
    "a mapping": "DB_PASSWORD_kdcanary: hunter2-kdcanary\n",
    "a Secret": "apiVersion: v1\nkind: Secret\nmetadata: {name: kdcanary}\nstringData: {kdcanary: kdcanary}\n",
    "a bad tag": "password: !kdcanary!x y\n",
    "a bad flow": "token: [kdcanary, {kdcanary\n",
    "a bad escape": 'token: "kdcanary\\q"\n',
    "a directive": "%kdcanary x\n---\n",
}


@pytest.mark.parametrize("name", sorted(NOT_RULE_FILES))
def test_a_file_that_is_not_a_rule_file_is_refused_without_quoting_it(name: str) -> None:
    rules, problems = parse_rules(NOT_RULE_FILES[name], "not-rules.yaml")
    assert not rules and problems
    for problem in problems:
        assert problem.source.path == "not-rules.yaml" and problem.source.line >= 1, str(problem)
        assert "kdcanary" not in str(problem) and "hunter2" not in str(problem), str(problem)


def test_a_rule_file_outside_the_site_is_refused_unread(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (outside / "rules.yaml").write_text(OWN_RULES, encoding="utf-8")
    (project / "link.yaml").symlink_to(outside / "rules.yaml")
    (project / "own.yaml").write_text(OWN_RULES, encoding="utf-8")
    book = read_rule_files([str(project / "../outside/rules.yaml"), str(project / "link.yaml"),
                            str(project / "own.yaml")], roots=[project], relative_to=project)
    assert [(d.source.path, "refused" in d.message) for d in book.problems] == [
        ("../outside/rules.yaml", True), ("link.yaml", True)]
    assert [rule.source.path for rule in book.rules if rule.kind == "Storefront"] == ["own.yaml"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_the_loader_never_raises(text: str) -> None:
    parse_rules(text, "fuzz.yaml")


# --- The command line and the site ------------------------------------------------------------------------------


def _gen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gen.cli", *args], cwd=root, capture_output=True, text=True,
                          timeout=120, check=False)


def test_check_with_rules_option_and_a_bad_rule_file(root: Path, tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(STOREFRONT, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(OWN_RULES, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(OWN_RULES.replace("relation: routes", "relation: summons"), encoding="utf-8")
    without = _gen(root, "check", str(tmp_path / "app.yaml"))
    assert without.returncode == 1 and "dangling-service" in without.stderr  # no rule: the Service selects nothing
    good = _gen(root, "check", str(tmp_path / "app.yaml"), "--rules", str(tmp_path / "rules.yaml"))
    assert good.returncode == 0, good.stderr
    bad = _gen(root, "check", str(tmp_path / "app.yaml"), "--rules", str(tmp_path / "bad.yaml"))
    assert bad.returncode == 1
    assert re.search(rf"{re.escape(str(tmp_path / 'bad.yaml'))}:10:68: error: .*relation: unknown relation; allowed: ",
                     bad.stderr), bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.exe
def test_render_with_rules_draws_the_custom_workload(root: Path, tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(STOREFRONT, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(OWN_RULES, encoding="utf-8")
    result = _gen(root, "render", str(tmp_path / "app.yaml"), "--rules", str(tmp_path / "rules.yaml"),
                  "-o", str(tmp_path / "out.svg"))
    assert result.returncode == 0, result.stderr
    titles = {html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", (tmp_path / "out.svg").read_text())}
    assert {"Pod/shop/front-1", "Storefront/shop/front->Service/shop/api"} <= titles
    missing = _gen(root, "render", str(tmp_path / "app.yaml"), "--rules", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1 and "cannot read it" in missing.stderr


def test_plugin_rules_option_reaches_the_figures(tmp_path: Path) -> None:
    from gen.site.blocks import parse_spec
    from gen.site.cache import FigureCache
    from gen.site.config import read_layout
    from gen.site.figures import render_site_figure

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# x\n", encoding="utf-8")
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests/app.yaml").write_text(STOREFRONT, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(OWN_RULES, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - kubedocs:\n      rules: [rules.yaml]\n",
                                         encoding="utf-8")
    layout = read_layout(str(tmp_path / "mkdocs.yml"))
    assert layout.rule_files == (tmp_path / "rules.yaml",)
    spec = parse_spec("manifests: [app.yaml]\nview: topology\n")
    cache = FigureCache(tmp_path / "cache")
    figure = render_site_figure(spec, layout, cache)
    assert figure.svg is not None and "<title>Pod/shop/front&#45;1</title>" in figure.svg and not figure.findings
    # Editing the rule file is a change of the figure's input: not served from the cache.
    (tmp_path / "rules.yaml").write_text(OWN_RULES.replace("relation: routes", "relation: summons"), encoding="utf-8")
    again = render_site_figure(spec, layout, cache)
    assert not again.cached and again.svg is None and "unknown relation" in again.errors[0].message


# --- Rules never draw a value that may be secret (issue 20, point 9) ------------------------------------------

VALUE_RULES = """\
apiVersion: kubedocs.dev/v1
kind: RelationshipRules
spec:
  rules:
    - kind: Secret
      references:
        - {field: metadata.name, to: {kind: ServiceAccount}, labelField: stringData.password}
        - {field: data.token, to: {kind: Service}}
    - kind: Deployment
      references:
        - {field: spec.template.spec.serviceAccountName, to: {kind: ServiceAccount},
           labelField: "spec.template.spec.containers[].env[].value"}
        - {field: metadata.name, to: {kind: ConfigMap}, labelField: metadata.annotations.token}
    - group: shop.example.com
      kind: Vault
      references:
        - {field: spec.target.template.stringData.url, to: {kind: Service}, kindField: spec.data.kind}
"""
VALUE_LINES = {"labelField: stringData.password": 7, "field: data.token": 8, "env[].value": 12,
               "metadata.annotations.token": 13, "template.stringData.url": 17, "spec.data.kind": 17}

SECRET_APP = """\
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: kdcanary-pw-OLD}
data: {token: a2RjYW5hcnktdG9rZW4tT0xE}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: db, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, annotations: {token: kdcanary-note-OLD}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      serviceAccountName: db
      containers: [{name: api, image: api:1, env: [{name: PASSWORD, value: kdcanary-env-OLD}]}]
---
apiVersion: shop.example.com/v1
kind: Vault
metadata: {name: v, namespace: shop}
spec: {target: {template: {stringData: {url: kdcanary-url-OLD}}}}
"""


def test_a_rule_that_reads_secret_values_is_refused_at_its_line() -> None:
    rules, problems = parse_rules(VALUE_RULES, "values.yaml")
    assert not [r for r in rules if r.references]  # every rule read a value somewhere: each is dropped whole
    lines = {d.source.line for d in problems}
    assert set(VALUE_LINES.values()) <= lines, [str(d) for d in problems]
    assert all(d.severity is Severity.ERROR and d.check == CHECK and "may be secret" in d.message
               for d in problems), [str(d) for d in problems]


def test_a_rule_built_otherwise_still_reads_no_value(inventory_of: InventoryOf) -> None:
    from gen.model import Source
    from gen.rules.custom import CustomRule, NameReference, Target

    reads = [NameReference("metadata.name", Target("ServiceAccount"), Relation.USES, label_field="stringData.password"),
             NameReference("data.token", Target("Service"), Relation.USES)]
    book = RuleBook((CustomRule("", "Secret", tuple(reads), (), Source("x.yaml")),))
    graph = derive(inventory_of(SECRET_APP), rule_book=book)
    shown = " ".join([*(f"{e.source.id} {e.target.id} {e.label}" for e in graph.edges),
                      *(str(d) for d in graph.findings), *(n.id for n in graph.nodes)])
    assert "kdcanary" not in shown and "a2RjYW5hcnk" not in shown


@pytest.mark.exe
@pytest.mark.parametrize("output", ["svg", "dot"])
def test_rules_draw_no_secret_value_as_label_or_name(root: Path, tmp_path: Path, output: str) -> None:
    (tmp_path / "app.yaml").write_text(SECRET_APP, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(VALUE_RULES, encoding="utf-8")
    rendered = _gen(root, "render", str(tmp_path / "app.yaml"), "--rules", str(tmp_path / "rules.yaml"),
                    "-o", str(tmp_path / f"out.{output}"))
    checked = _gen(root, "check", str(tmp_path / "app.yaml"), "--rules", str(tmp_path / "rules.yaml"))
    figure = (tmp_path / f"out.{output}").read_text(encoding="utf-8")
    for text in (figure, rendered.stderr, checked.stderr, checked.stdout):
        assert "kdcanary" not in text and "a2RjYW5hcnk" not in text
    for line in set(VALUE_LINES.values()):
        assert f"rules.yaml:{line}:" in checked.stderr, checked.stderr
    assert rendered.returncode == 1 and "Traceback" not in rendered.stderr + checked.stderr


def test_gen_diff_with_rules_prints_no_secret_value(root: Path, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "app.yaml").write_text(SECRET_APP, encoding="utf-8")
    (tmp_path / "new" / "app.yaml").write_text(SECRET_APP.replace("OLD", "NEW").replace("T0xE", "TkVX"),
                                               encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(VALUE_RULES, encoding="utf-8")
    done = _gen(root, "diff", str(tmp_path / "old"), str(tmp_path / "new"), "--rules", str(tmp_path / "rules.yaml"))
    assert "Traceback" not in done.stderr
    for text in (done.stdout, done.stderr):
        assert "kdcanary" not in text and "a2RjYW5hcnk" not in text, text
    assert "may be secret" in done.stderr


# --- Figure 16 and the corpus ---------------------------------------------------------------------------------------


@pytest.mark.exe
def test_figure_16_reads_prometheus_to_service_monitor_to_service_to_pods(root: Path, tmp_path: Path) -> None:
    result = _gen(root, "render", "manifests/prometheus", "--kind", "CustomResourceDefinition", "--kind",
                  "Prometheus", "--kind", "ServiceMonitor", "--kind", "Service", "--kind", "Pod",
                  "-o", str(tmp_path / "f.svg"))
    assert result.returncode == 0, result.stderr
    drawn = nodes((tmp_path / "f.svg").read_text(encoding="utf-8"))
    x = {title: element.bounds.centre[0] for title, element in drawn.items()}
    chain = ["CustomResourceDefinition/prometheuses.monitoring.coreos.com", "Prometheus/monitoring/main",
             "ServiceMonitor/monitoring/web", "Service/storefront/web", "Pod/storefront/web-1"]
    assert all(name in x for name in chain), sorted(x)
    assert [x[name] for name in chain] == sorted(x[name] for name in chain)  # left to right, in that order
    assert "ServiceAccount/monitoring/prometheus" not in x  # the figure's kinds leave it out


@pytest.mark.corpus
def test_corpus_service_monitors_select_their_services(corpus: Path) -> None:
    from gen.pipeline import analyse

    example = corpus / "prometheus-operator-example/example"
    for folder, monitor, service, port in (
        ("user-guides/getting-started", "example-app", "example-app", "port web"),
        ("admission-webhook", "prometheus-operator-admission-webhook", "prometheus-operator-admission-webhook",
         "port https"),
        ("rbac/prometheus-operator", "prometheus-operator", "prometheus-operator", "port http"),
    ):
        _, graph = analyse([str(example / folder)])
        edges = {(e.source, e.target, e.label) for e in graph.edges if e.relation is MONITORS}
        source = Ref("ServiceMonitor", "default", monitor, MONITORING)
        assert (source, Ref("Service", "default", service), port) in edges, (folder, edges)
    _, whole = analyse([str(example)])
    assert (Ref("Prometheus", "default", "prometheus", MONITORING),
            Ref("ServiceMonitor", "default", "example-app", MONITORING)) in {
        (e.source, e.target) for e in whole.edges if e.relation is MONITORS}
    assert not [d for d in whole.findings if d.check == CHECK]


def test_the_readme_example_is_a_valid_rule_file(root: Path) -> None:
    readme = (root / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```yaml\n(apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\n.*?)```", readme, re.S)
    assert found, "the README documents the rule format with an example"
    rules, problems = parse_rules(found.group(1), "README.md")
    assert not problems and len(rules) == 1 and len(rules[0].references) == 3 and len(rules[0].templates) == 2


def test_a_pod_name_or_label_with_an_unknown_placeholder_or_a_bad_first_index_is_an_error() -> None:
    text = """\
apiVersion: kubedocs.dev/v1
kind: RelationshipRules
spec:
  rules:
    - group: shop.example.com
      kind: Storefront
      references:
        - {podTemplate: spec.pod, podName: "{name}-{replica}"}
        - {podTemplate: spec.pod, labels: {a: "{name.__class__}"}}
        - {podTemplate: spec.pod, firstIndex: -1}
        - {podTemplate: [spec.a, spec.b], groups: spec.n, firstIndex: 1, podName: "{name}-{group}-{index}"}
"""
    rules, problems = parse_rules(text, "rules.yaml")
    assert rules == []  # a rule with any problem is dropped whole
    assert [(p.source.line, p.message) for p in problems] == [
        (8, "rule file: spec.rules[0].references[0].podName: an unknown placeholder (known: {name}, {group}, "
            "{index})"),
        (9, "rule file: spec.rules[0].references[1].labels.a: an unknown placeholder (known: {name}, {group}, "
            "{index})"),
        (10, "rule file: spec.rules[0].references[2].firstIndex: must be a whole number (0 or more)")]


def test_rules_that_would_find_a_million_links_stop_at_their_bound_and_say_so(
        inventory_of: Callable[..., Inventory]) -> None:
    """1,000 rules × 1,000 ConfigMaps took 35 s and 1.09 GB deriving a million links no figure can show."""
    import gen.rules.custom

    header = "apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nmetadata: {name: bomb}\nspec:\n  rules:\n"
    rules_text = header + "".join(
        f"    - kind: ConfigMap\n      references:\n        - {{field: metadata.name, to: {{kind: ConfigMap}}, "
        f"relation: uses, label: r{i}}}\n" for i in range(1000))
    rules, problems = parse_rules(rules_text, "bomb.yaml")
    assert problems == []
    manifests = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(1000))
    facts = RuleBook(tuple(rules)).derive(inventory_of(manifests), [])
    assert len(facts.edges) == gen.rules.custom.MAX_RULE_LINKS
    [bound] = [f for f in facts.findings if f.check == "rule-bound"]
    assert bound.severity is Severity.ERROR and bound.source.path == "bomb.yaml" and bound.source.line == 6
    assert "more than 20,000 links" in bound.message


# --- Quoted keys: a rule that reads one named annotation (dapr) -----------------------------------------------

DAPR = Path(__file__).parent.parent / "fixtures" / "dapr"


def test_a_quoted_key_reads_an_annotation_whose_name_has_dots_and_a_slash(inventory_of: InventoryOf) -> None:
    book = read_rule_files([str(DAPR / "rules.yaml")])
    assert book.problems == (), [str(p) for p in book.problems]
    graph = derive(inventory_of((DAPR / "app.yaml").read_text(encoding="utf-8")), rule_book=book)
    links = {(e.source.id, e.target.id, e.label) for e in graph.edges if e.source.kind == "Deployment"
             and e.relation is Relation.USES}
    assert {("Deployment/shop/nodeapp", "Configuration/shop/tracing", "dapr config"),
            ("Deployment/shop/nodeapp", "Secret/shop/dapr-api-token", "dapr api token")} <= links
    assert not [d for d in graph.findings if d.check == "dangling-custom-reference"]
    shown = " ".join([*(f"{e.label}" for e in graph.edges), *(str(d) for d in graph.findings)])
    assert "kdcanary" not in shown


def _rule_with_field(field: str, key: str = "field") -> str:
    return ("apiVersion: kubedocs.dev/v1\nkind: RelationshipRules\nspec:\n  rules:\n    - kind: Deployment\n"
            f"      references:\n        - {{{key}: {field}, to: {{kind: Secret}}}}\n")


@pytest.mark.parametrize(("field", "message"), [
    ("'spec.template.metadata.annotations[\"dapr.io/config'", "the quote \" opened here is never closed (at "
                                                               "character 36)"),
    ("\"metadata.annotations['dapr.io/config\"", "the quote ' opened here is never closed (at character 22)"),
    ("'metadata.annotations[\"a\"'", "a quoted key must end with \"] (at character 25)"),
    ("'metadata.annotations[\"\"]'", "an empty quoted key (at character 21)"),
    ("metadata.annotations.dapr.io/config", "a character that may only be in a quoted key"),
    ("'spec.template[0]'", "'[' opens a quoted key"),
])
def test_a_malformed_quoted_key_is_an_error_at_its_line_saying_what_is_wrong(field: str, message: str) -> None:
    rules, problems = parse_rules(_rule_with_field(field), "dapr.yaml")
    assert rules == [] and len(problems) == 1
    problem = problems[0]
    assert (problem.source.path, problem.source.line, problem.source.column) == ("dapr.yaml", 7, 19)
    assert "references[0].field: is not a field path" in problem.message and message in problem.message, problem


@pytest.mark.parametrize(("field", "key"), [
    ("metadata.annotations", "field"),  # every annotation
    ("'metadata.annotations[\"kubectl.kubernetes.io/last-applied-configuration\"]'", "field"),  # the whole object
    ("'metadata.annotations[\"dapr.io/config\"].x'", "field"),  # into an annotation
    ("'metadata.annotations[\"dapr.io/config\"]'", "labelField"),  # a named annotation, but as a label
    ("'metadata.annotations[\"dapr.io/config\"]'", "namespaceField"),
])
def test_only_a_name_field_may_read_one_named_annotation(field: str, key: str) -> None:
    text = _rule_with_field(field) if key == "field" else _rule_with_field(f"metadata.name, {key}: {field}")
    rules, problems = parse_rules(text, "dapr.yaml")
    assert rules == [] and problems and all("annotation values, which may be secret" in p.message for p in problems)
