"""Inferred calls: env values, args and the ConfigMaps a Pod uses that name a Service; control-plane flags."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from linearity import LINEAR_BOUND, growth

from gen.diff import diff_graphs
from gen.graph import Graph, GraphEdge, Relation
from gen.model import Inventory, Ref, Severity
from gen.pipeline import analyse
from gen.render import diagram_to_dot
from gen.rules.calls import MAX_ADDRESS, MAX_SCANNED, Address, addresses, inferred_calls, service_named
from gen.views import build_view

GraphOf = Callable[..., Graph]


def _service(name: str, namespace: str = "shop", app: str | None = None) -> str:
    selector = f"{{app: {app or name}}}"
    return (f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
            f"spec: {{selector: {selector}, ports: [{{port: 80}}]}}\n")


def _deployment(name: str, container: str, namespace: str = "shop", pod_extra: str = "") -> str:
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - {container}
{pod_extra}"""


def _calls(graph: Graph) -> list[tuple[str, str, str]]:
    return sorted((e.source.id, e.target.id, e.label) for e in graph.edges if e.relation is Relation.CALLS)


SERVICES = _service("api") + _service("db", "data") + _service("cache") + _service("web")


@pytest.mark.parametrize(("value", "target", "label"), [
    ("api", "Service/shop/api", "TARGET"),
    ("api:8080", "Service/shop/api", "TARGET :8080"),
    ("db.data", "Service/data/db", "TARGET"),
    ("db.data.svc:5432", "Service/data/db", "TARGET :5432"),
    ("db.data.svc.cluster.local", "Service/data/db", "TARGET"),
    ("http://api:8080/v1/items", "Service/shop/api", "TARGET :8080"),
    ("postgres://user:hunter2@db.data.svc.cluster.local:5432/app", "Service/data/db", "TARGET :5432"),
    ("redis://cache", "Service/shop/cache", "TARGET"),
    ("db-0.db.data.svc.cluster.local:5432", "Service/data/db", "TARGET :5432"),
])
def test_env_value_naming_a_service_is_a_call(graph_of: GraphOf, value: str, target: str, label: str) -> None:
    container = f"{{name: c, image: x, env: [{{name: TARGET, value: '{value}'}}]}}"
    graph = graph_of(SERVICES + _deployment("web", container))
    assert _calls(graph) == [("Deployment/shop/web", target, label)]


@pytest.mark.parametrize("value", [
    "apis", "api.other", "8080", "library/api", "/etc/api", "api.conf", "the api is down", "shop-api:80",
    "web:80",  # the caller's own Service: the application's own name, not a call
])
def test_values_that_name_no_service_of_the_input_are_no_call(graph_of: GraphOf, value: str) -> None:
    container = f"{{name: c, image: x, env: [{{name: TARGET, value: '{value}'}}]}}"
    graph = graph_of(SERVICES + _deployment("web", container))
    assert _calls(graph) == []


def test_the_label_holds_the_env_name_and_port_never_the_value(graph_of: GraphOf) -> None:
    container = ("{name: c, image: x, env: [{name: DATABASE_URL, "
                 "value: 'postgres://admin:s3cr3t-pass@db.data:5432/app'}]}")
    graph = graph_of(SERVICES + _deployment("web", container))
    assert _calls(graph) == [("Deployment/shop/web", "Service/data/db", "DATABASE_URL :5432")]
    dot = diagram_to_dot(build_view(graph, "topology"))
    assert "s3cr3t" not in dot and "admin" not in dot
    assert "s3cr3t" not in "".join(str(d) for d in inferred_calls(graph))


def test_args_flag_values_and_lone_arguments(graph_of: GraphOf) -> None:
    container = "{name: c, image: x, args: ['--backend=http://api:8080', '--cache', 'cache:6379', 'db.data.svc']}"
    graph = graph_of(SERVICES + _deployment("web", container))
    assert _calls(graph) == [("Deployment/shop/web", "Service/data/db", "args"),
                             ("Deployment/shop/web", "Service/shop/api", "--backend :8080"),
                             ("Deployment/shop/web", "Service/shop/cache", "--cache :6379")]
    # A lone bare name is no address: nothing names it one (`db.data` may as well be a file or a word).
    assert _calls(graph_of(SERVICES + _deployment("web", "{name: c, image: x, args: [serve, db.data, api]}"))) == []


@pytest.mark.parametrize("image", ["registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9",
                                   "docker.io/jettech/kube-webhook-certgen:v1.5.1"])
def test_the_hosts_a_certificate_is_made_for_are_no_call(graph_of: GraphOf, image: str) -> None:
    """ingress-nginx's admission Job: certgen signs a certificate for the webhook's Service, and calls nothing."""
    args = "[create, '--host=api,api.shop.svc', --namespace=shop, --secret-name=api-cert]"
    graph = graph_of(SERVICES + _deployment("web", f"{{name: c, image: '{image}', args: {args}}}"))
    assert _calls(graph) == []
    # The same flag of another program names the host it reaches.
    graph = graph_of(SERVICES + _deployment("web", f"{{name: c, image: 'busybox', args: {args}}}"))
    assert _calls(graph) == [("Deployment/shop/web", "Service/shop/api", "--host")]


def test_a_script_is_read_for_urls_and_host_ports_only(graph_of: GraphOf) -> None:
    script = "until wget -q http://api:8080/healthz; do echo waiting for cache and db; sleep 1; done"
    container = f"{{name: c, image: x, command: [sh, -c, '{script}']}}"
    graph = graph_of(SERVICES + _deployment("web", container))
    assert _calls(graph) == [("Deployment/shop/web", "Service/shop/api", "script :8080")]


CONFIG = """---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data:
  API_HOST: api:8080
  nginx.conf: |
    upstream backend { server cache:6379; }
    # the db is not used here
---
apiVersion: v1
kind: ConfigMap
metadata: {name: unused, namespace: shop}
data: {DB: db.data:5432}
"""


@pytest.mark.parametrize(("container", "pod_extra", "expected"), [
    ("{name: c, image: x, envFrom: [{configMapRef: {name: settings}}]}", "",
     [("Service/shop/api", "API_HOST :8080"), ("Service/shop/cache", "nginx.conf :6379")]),
    ("{name: c, image: x, env: [{name: UPSTREAM, valueFrom: {configMapKeyRef: {name: settings, key: API_HOST}}}]}",
     "", [("Service/shop/api", "UPSTREAM :8080")]),
    ("{name: c, image: x, volumeMounts: [{name: conf, mountPath: /etc/nginx}]}",
     "      volumes: [{name: conf, configMap: {name: settings}}]\n",
     [("Service/shop/api", "settings/API_HOST :8080"), ("Service/shop/cache", "settings/nginx.conf :6379")]),
    ("{name: c, image: x}", "", []),  # the ConfigMaps exist, but this Pod uses none
])
def test_config_map_data_only_through_config_maps_the_pod_uses(
        graph_of: GraphOf, container: str, pod_extra: str, expected: list[tuple[str, str]]) -> None:
    graph = graph_of(SERVICES + CONFIG + _deployment("web", container, pod_extra=pod_extra))
    assert _calls(graph) == [("Deployment/shop/web", target, label) for target, label in expected]


def test_replicas_of_one_template_make_one_call_from_the_workload(graph_of: GraphOf) -> None:
    container = "{name: c, image: x, env: [{name: API, value: api:80}]}"
    text = SERVICES + _deployment("web", container).replace("spec:\n  selector", "spec:\n  replicas: 3\n  selector")
    assert _calls(graph_of(text)) == [("Deployment/shop/web", "Service/shop/api", "API :80")]


STATIC_PODS = """---
apiVersion: v1
kind: Pod
metadata: {name: etcd-cp1, namespace: kube-system, labels: {component: etcd}}
spec: {hostNetwork: true, containers: [{name: etcd, image: etcd, command: [etcd, --listen-client-urls=https://127.0.0.1:2379]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-cp1, namespace: kube-system, labels: {component: kube-apiserver}}
spec: {hostNetwork: true, containers: [{name: a, image: a, command: [kube-apiserver, --etcd-servers=https://127.0.0.1:2379]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: kube-scheduler-cp1, namespace: kube-system, labels: {component: kube-scheduler}}
spec:
  hostNetwork: true
  containers: [{name: s, image: s, command: [kube-scheduler, --kubeconfig=/etc/kubernetes/scheduler.conf]}]
---
apiVersion: v1
kind: Pod
metadata: {name: kube-controller-manager-cp1, namespace: kube-system}
spec: {hostNetwork: true, containers: [{name: m, image: m, command: [kube-controller-manager, --master, 'https://10.0.0.1:6443']}]}
"""


def test_control_plane_flags_reach_their_components(graph_of: GraphOf) -> None:
    assert _calls(graph_of(STATIC_PODS)) == [
        ("Pod/kube-system/kube-apiserver-cp1", "Pod/kube-system/etcd-cp1", "--etcd-servers :2379"),
        ("Pod/kube-system/kube-controller-manager-cp1", "Pod/kube-system/kube-apiserver-cp1", "--master :6443"),
        ("Pod/kube-system/kube-scheduler-cp1", "Pod/kube-system/kube-apiserver-cp1", "--kubeconfig"),
    ]


def test_control_plane_flags_without_the_component_in_the_input_are_no_call(graph_of: GraphOf) -> None:
    only_scheduler = STATIC_PODS.split("---\n")[3]
    assert _calls(graph_of("---\n" + only_scheduler)) == []


def test_addresses_and_service_names() -> None:
    assert [(a.host, a.port) for a in addresses("a:1, http://b.ns:2/x;c", True)] == [("a", "1"), ("b.ns", "2"),
                                                                                       ("c", "")]
    assert [(a.host, a.port) for a in addresses("say hello to api\nproxy_pass http://web:80;", False)] == [
        ("web", "80")]
    assert service_named("x.y.z.w.v", "shop", Inventory([])) is None


def test_inferred_calls_are_sorted_notes(graph_of: GraphOf) -> None:
    graph = graph_of(STATIC_PODS)
    notes = inferred_calls(graph)
    assert notes == sorted(notes) and {n.severity for n in notes} == {Severity.NOTE}
    assert [str(n).split(": note: ")[1] for n in notes] == [
        "Pod/kube-system/kube-apiserver-cp1 → Pod/kube-system/etcd-cp1 (--etcd-servers) [inferred-call]",
        "Pod/kube-system/kube-scheduler-cp1 → Pod/kube-system/kube-apiserver-cp1 (--kubeconfig) [inferred-call]",
        "Pod/kube-system/kube-controller-manager-cp1 → Pod/kube-system/kube-apiserver-cp1 (--master) [inferred-call]",
    ]  # in file and line order
    # Two names on one edge are two lines.
    graph.edges.append(GraphEdge(Ref("Pod", "kube-system", "etcd-cp1"), Ref("Pod", "kube-system", "etcd-cp1"),
                                 Relation.CALLS, "A :1\nB"))
    assert sum("(A)" in str(n) or "(B)" in str(n) for n in inferred_calls(graph)) == 2


def test_gen_check_calls_prints_one_sorted_line_per_call(root: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "static.yaml"
    manifest.write_text(STATIC_PODS, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "gen.cli", "check", "--calls", str(manifest)], cwd=root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    line_numbers = [int(line.split(":")[1]) for line in lines]
    assert len(lines) == 3 and line_numbers == sorted(line_numbers)
    assert re.fullmatch(rf"{re.escape(str(manifest))}:\d+: note: Pod/kube-system/kube-apiserver-cp1 → "
                        r"Pod/kube-system/etcd-cp1 \(--etcd-servers\) \[inferred-call\]", lines[0])
    plain = subprocess.run([sys.executable, "-m", "gen.cli", "check", str(manifest)], cwd=root,
                           capture_output=True, text=True, check=False)
    assert plain.stdout == "" and "inferred-call" not in plain.stderr


MICROSERVICES_CALLS = {
    "frontend": {"productcatalogservice", "currencyservice", "cartservice", "recommendationservice",
                 "shippingservice", "checkoutservice", "adservice"},
    "checkoutservice": {"productcatalogservice", "shippingservice", "paymentservice", "emailservice",
                        "currencyservice", "cartservice"},
    "recommendationservice": {"productcatalogservice"},
    "cartservice": {"redis-cart"},
    "loadgenerator": {"frontend"},
}


def test_microservices_demo_has_exactly_its_sixteen_addr_calls(corpus: Path) -> None:
    _, graph = analyse([str(corpus / "microservices-demo-release")])
    found: dict[str, set[str]] = {}
    for edge in graph.edges:
        if edge.relation is Relation.CALLS:
            assert edge.source.kind == "Deployment" and edge.target.kind == "Service"
            assert edge.label.split(" :")[0].endswith("_ADDR")
            found.setdefault(edge.source.name, set()).add(edge.target.name)
    assert found == MICROSERVICES_CALLS
    assert sum(map(len, found.values())) == 16
    # every address is the workload's own variable: none is only offered
    assert [edge for edge in graph.edges if edge.relation is Relation.CONFIGURED] == []


def test_kubeadm_static_pods_apiserver_reaches_etcd(corpus: Path) -> None:
    _, graph = analyse([str(corpus / "kubeadm-static-pods-dolittle" / "manifests")])
    calls = {(e.source.name, e.target.name) for e in graph.edges if e.relation is Relation.CALLS}
    assert ("kube-apiserver", "etcd") in calls
    assert {target for source, target in calls if target == "etcd"} == {"etcd"}
    assert all(source == "kube-apiserver" for source, target in calls if target == "etcd")


@pytest.mark.parametrize(("args", "label"), [
    ("['-pPASSWD7', 'api:80']", "args :80"),  # mysql-style: the password glued to -p
    ("['-uadmin:PASSWD7', 'api:80']", "args :80"),  # curl -u user:password glued
    ("['-HX-Api-Key:PASSWD7', 'http://api:8080']", "args :8080"),  # a header glued to -H
    ("['-PASSWD7=api:80']", "args :80"),  # not a flag's name at all
    ("['--backend', 'api:80']", "--backend :80"),  # a long flag is a name
    ("['-b', 'api:80']", "-b :80"),  # so is a lone short flag
])
def test_a_call_is_labelled_with_a_flags_name_never_a_glued_value(
        graph_of: GraphOf, args: str, label: str) -> None:
    new = graph_of(SERVICES + _deployment("web", f"{{name: c, image: x, args: {args}}}"))
    assert _calls(new) == [("Deployment/shop/web", "Service/shop/api", label)]
    old = graph_of(SERVICES + _deployment("web", "{name: c, image: x, args: ['--backend', 'api:81']}"))
    # nowhere a call's label goes: `gen check --calls`, the drawn edge, `gen diff`'s old → new
    shown = ("\n".join(map(str, inferred_calls(new))) + diagram_to_dot(build_view(new, "topology"))
             + "\n".join(diff_graphs(old, new).lines()))
    assert "PASSWD7" not in shown and "admin" not in shown and "Api-Key" not in shown


@pytest.mark.parametrize(("env", "label"), [
    ("{name: API_URL, value: 'http://api:8080'}", "API_URL :8080"),
    ("{name: 'PASSWD7=x API_URL', value: 'http://api:8080'}", "env :8080"),  # no name (the API would refuse it)
])
def test_a_call_is_labelled_with_an_env_vars_name_only_when_it_is_one(
        graph_of: GraphOf, env: str, label: str) -> None:
    graph = graph_of(SERVICES + _deployment("web", f"{{name: c, image: x, env: [{env}]}}"))
    assert _calls(graph) == [("Deployment/shop/web", "Service/shop/api", label)]


@pytest.mark.parametrize(("shape", "make"), [
    ("one long word", lambda n: "a" * n + "\nend"),  # a scheme's letters, never followed by ://
    ("a dashed word", lambda n: "a-" * (n // 2) + "\nend"),
    ("a dotted word", lambda n: "a." * (n // 2) + "\nend"),
    ("schemes without hosts", lambda n: "a://" * (n // 4) + "\nend"),
    ("a long user part", lambda n: "x http://" + "u" * n + "\nend"),
    ("hosts without ports", lambda n: " a.b:" * (n // 5) + "\nend"),
    ("a bracketed host never closed", lambda n: "http://[" + "1:" * (n // 2) + "\nend"),
])
def test_reading_free_text_for_addresses_is_linear(shape: str, make: Callable[[int], str]) -> None:
    # Structural, not a clock: 16× the text takes about 16× the time (the fastest of a few runs each); a pattern
    # retried at every offset of a long word takes 256×.
    for whole in (False, True):
        ratio = growth(lambda text, whole=whole: addresses(text, whole), make, 4000)
        assert ratio < LINEAR_BOUND, f"{shape} (whole={whole}): 16× the text took {ratio:.0f}× the time"


def test_the_text_read_for_addresses_is_bounded() -> None:
    # a value is read up to the API's limit on a whole ConfigMap; a word longer than any address is none
    assert MAX_SCANNED == 1 << 20
    assert addresses("x " * (MAX_SCANNED // 2) + "http://api:80", False) == []
    assert addresses("http://api:80/" + "p" * MAX_ADDRESS, True) == []
    assert addresses("http://api:80/" + "p" * 100, True) == [Address("api", "80")]
