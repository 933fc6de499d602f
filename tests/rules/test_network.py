"""Traffic rules: Service → Pods with port mapping, Ingress → Service (v1 and legacy), dangling references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shop_manifests import deployment

from gen.graph import Facts, Graph, GraphEdge, NodeState, Relation
from gen.model import Inventory, Ref, Severity, Source
from gen.rules.network import derive_ingress_edges, derive_service_edges, derive_service_nodes
from gen.rules.workloads import derive_workload_chain

InventoryOf = Callable[..., Inventory]

def _web(**container: Any) -> str:
    """Deployment web in shop, Pods {app: web, tier: front}: container nginx with three named ports, and `container`."""
    ports = [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090},
             {"name": "dns", "containerPort": 5353, "protocol": "UDP"}]
    return deployment(pod_labels={"app": "web", "tier": "front"},
                      containers=[{"name": "nginx", "image": "nginx", "ports": ports, **container}])


WEB = _web()


def _service(name: str, selector: str, ports: str, extra: str = "") -> str:
    return (f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: shop}}\n"
            f"spec: {{selector: {selector}, ports: {ports}{extra}}}\n")


def _run(inventory_of: InventoryOf, text: str, rule: Callable[..., Facts]) -> Facts:
    inventory = inventory_of(text)
    return rule(inventory, derive_workload_chain(inventory).pods)


def _edges(facts: Facts, relation: Relation) -> dict[tuple[str, str], str]:
    """Edges as the graph keeps them: one per endpoints and relation, labels merged one per line."""
    graph = Graph()
    graph.add(facts)
    return {(e.source.id, e.target.id): e.label for e in graph.edges if e.relation is relation}


def _line(text: str, needle: str) -> int:
    """The 1-based line on which `needle` starts."""
    return text[: text.index(needle)].count("\n") + 1


def _checks(facts: Facts) -> list[str]:
    return [f.check for f in facts.findings]


# --- Service nodes ---------------------------------------------------------------------------------------------


def test_service_nodes_show_their_type(inventory_of: InventoryOf) -> None:
    text = (
        _service("a", "{app: web}", "[{port: 80}]")
        + _service("b", "{app: web}", "[{port: 80}]", ", type: LoadBalancer")
        + _service("c", "{app: web}", "[{port: 80}]", ", clusterIP: None")
        + _service("e", "{app: web}", "[{port: 80, nodePort: 30080}]", ", type: NodePort")
        + "---\napiVersion: v1\nkind: Service\nmetadata: {name: d, namespace: shop}\n"
          "spec: {type: ExternalName, externalName: db.example.com}\n"
    )
    facts = _run(inventory_of, text, derive_service_nodes)
    details = {n.ref.name: n.details for n in facts.nodes}
    assert details == {"a": ("ClusterIP",), "b": ("LoadBalancer",), "c": ("headless",), "e": ("NodePort :30080",),
                       "d": ("ExternalName",), "db.example.com": ("DNS name",)}
    assert all(n.state is NodeState.REAL for n in facts.nodes)
    # an ExternalName Service leads out of the cluster to its DNS name
    assert _edges(facts, Relation.ROUTES) == {("Service/shop/d", "External/db.example.com"): "CNAME"}


# --- Service → Pods --------------------------------------------------------------------------------------------


def test_service_selects_each_pod_with_port_mapping(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, WEB + _service("web", "{app: web}", "[{port: 80, targetPort: 8080}]"),
                 derive_service_edges)
    assert _edges(facts, Relation.SELECTS) == {
        ("Service/shop/web", "Pod/shop/web-1"): "80→8080/TCP",
        ("Service/shop/web", "Pod/shop/web-2"): "80→8080/TCP",
    }
    assert facts.findings == []


def test_named_target_port_is_resolved(inventory_of: InventoryOf) -> None:
    ports = ("[{port: 80, targetPort: http}, {port: 9090, targetPort: metrics},"
             " {port: 53, targetPort: dns, protocol: UDP}]")
    facts = _run(inventory_of, WEB + _service("web", "{app: web}", ports), derive_service_edges)
    labels = _edges(facts, Relation.SELECTS)
    assert labels[("Service/shop/web", "Pod/shop/web-1")].split("\n") == [
        "80→http(8080)/TCP", "9090→metrics(9090)/TCP", "53→dns(5353)/UDP"]
    assert facts.findings == []


def test_target_port_defaults_to_port(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, WEB + _service("web", "{app: web}", "[{port: 8080}]"), derive_service_edges)
    assert set(_edges(facts, Relation.SELECTS).values()) == {"8080→8080/TCP"}
    assert facts.findings == []


def test_selector_must_match_every_label(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, WEB + _service("web", "{app: web, tier: front}", "[{port: 80, targetPort: 8080}]"),
                 derive_service_edges)
    assert len(_edges(facts, Relation.SELECTS)) == 2


def test_service_does_not_select_pods_of_another_namespace(inventory_of: InventoryOf) -> None:
    text = WEB + ("---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: other}\n"
                  "spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n")
    facts = _run(inventory_of, text, derive_service_edges)
    assert _checks(facts) == ["dangling-service"]


def test_named_target_port_no_container_has(inventory_of: InventoryOf) -> None:
    text = WEB + _service("web", "{app: web}", "[{port: 80, targetPort: https}]")
    facts = _run(inventory_of, text, derive_service_edges)
    assert set(_edges(facts, Relation.SELECTS).values()) == {"80→https/TCP"}  # still drawn
    (finding,) = facts.findings  # once per Service, not once per Pod
    assert finding.check == "invalid-target-ports"
    assert finding.severity is Severity.WARNING
    assert "'https'" in finding.message and "Deployment web" in finding.message
    assert finding.source == Source("<stdin>", _line(text, "apiVersion: v1\nkind: Service"))


def test_numeric_target_port_no_container_declares_is_only_a_note(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, WEB + _service("web", "{app: web}", "[{port: 80, targetPort: 8443}]"),
                 derive_service_edges)
    assert _checks(facts) == ["invalid-target-ports"]
    assert [f.severity for f in facts.findings] == [Severity.NOTE]  # Kubernetes does not require declaring it


def test_numeric_target_port_given_by_a_flag_or_env_is_no_finding(inventory_of: InventoryOf) -> None:
    for where in ({"args": ["--metrics-bind-address=:8443"]}, {"command": ["app", "--port", "8443"]},
                  {"env": [{"name": "PORT", "value": "8443"}]}):
        text = _web(**where)
        facts = _run(inventory_of, text + _service("web", "{app: web}", "[{port: 80, targetPort: 8443}]"),
                     derive_service_edges)
        assert facts.findings == [], where
    # A longer number that merely contains it is not a mention.
    text = _web(args=["--port=18443"])
    facts = _run(inventory_of, text + _service("web", "{app: web}", "[{port: 80, targetPort: 8443}]"),
                 derive_service_edges)
    assert _checks(facts) == ["invalid-target-ports"]


def test_numeric_target_port_when_no_container_declares_ports(inventory_of: InventoryOf) -> None:
    # Declaring container ports is optional: without any there is nothing to compare with.
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\n"
            "spec: {containers: [{name: c, image: x}]}\n" + _service("p", "{app: p}", "[{port: 80, targetPort: 8080}]"))
    text = text.replace("namespace: shop", "namespace: default")
    facts = _run(inventory_of, text, derive_service_edges)
    assert _edges(facts, Relation.SELECTS) == {("Service/default/p", "Pod/default/p"): "80→8080/TCP"}
    assert facts.findings == []


def test_native_sidecar_ports_serve_traffic(inventory_of: InventoryOf) -> None:
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, labels: {app: p}}\n"
            "spec:\n  initContainers: [{name: proxy, image: x, restartPolicy: Always,"
            " ports: [{name: proxy, containerPort: 15001}]}]\n  containers: [{name: c, image: x}]\n"
            + _service("p", "{app: p}", "[{port: 80, targetPort: proxy}]"))
    facts = _run(inventory_of, text, derive_service_edges)
    assert set(_edges(facts, Relation.SELECTS).values()) == {"80→proxy(15001)/TCP"}
    assert facts.findings == []


def test_a_service_selecting_a_jobs_pods_by_the_controllers_labels(inventory_of: InventoryOf) -> None:
    job = ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: train, namespace: shop, uid: 1234-abcd}\n"
           "spec: {completions: 2, parallelism: 2, template: {spec: {restartPolicy: Never, "
           "containers: [{name: w, image: trainer}]}}}\n")
    for selector in ("{job-name: train}", "{batch.kubernetes.io/job-name: train}", "{controller-uid: 1234-abcd}",
                     "{batch.kubernetes.io/controller-uid: 1234-abcd}"):
        facts = _run(inventory_of, job + _service("workers", selector, "[{port: 29500}]", ", clusterIP: None"),
                     derive_service_edges)
        assert _checks(facts) == [], selector
        assert set(_edges(facts, Relation.SELECTS)) == {("Service/shop/workers", "Pod/shop/train-1"),
                                                        ("Service/shop/workers", "Pod/shop/train-2")}, selector


def test_dangling_service_gets_a_missing_pod(inventory_of: InventoryOf) -> None:
    text = WEB + _service("lost", "{app: nobody}", "[{port: 80}]")
    facts = _run(inventory_of, text, derive_service_edges)
    (finding,) = facts.findings
    assert finding.check == "dangling-service"
    assert finding.source == Source("<stdin>", _line(text, "apiVersion: v1\nkind: Service"))
    assert "app=nobody" in finding.message
    (missing,) = facts.nodes
    assert missing.state is NodeState.MISSING
    assert missing.ref.kind == "Pod" and missing.ref.namespace == "shop"
    assert facts.edges == [GraphEdge(Ref("Service", "shop", "lost"), missing.ref, Relation.SELECTS)]


def test_services_without_selector_are_not_dangling(inventory_of: InventoryOf) -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: external}\n"
        "spec: {type: ExternalName, externalName: db.example.com, selector: {app: nothing}}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: manual}\nspec: {ports: [{port: 5432}]}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec: {selector: {}, ports: [{port: 1}]}\n"
    )
    facts = _run(inventory_of, text, derive_service_edges)
    assert facts == Facts()


def test_malformed_selector_is_no_selector(inventory_of: InventoryOf) -> None:
    # A list where a map belongs selects nothing; it is not a Pod named "" that is missing.
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: odd}\nspec: {selector: [app, web], ports: [{port: 1}]}\n"
    facts = _run(inventory_of, text, derive_service_edges)
    assert facts == Facts()


# --- Ingress → Service -----------------------------------------------------------------------------------------

BACKENDS = (
    _service("web", "{app: web}", "[{name: http, port: 80, targetPort: http}]")
    + _service("api", "{app: web}", "[{name: grpc, port: 9000, targetPort: 8080}]")
)


def _ingress(spec: str, api: str = "networking.k8s.io/v1", annotations: str = "{}") -> str:
    return (f"---\napiVersion: {api}\nkind: Ingress\n"
            f"metadata: {{name: shop, namespace: shop, annotations: {annotations}}}\nspec:\n{spec}")


V1_RULES = """\
  ingressClassName: nginx
  defaultBackend: {service: {name: web, port: {number: 80}}}
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
          - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: grpc}}}}
    - http:
        paths:
          - {pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
"""

INGRESS_CLASS = "---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\n" \
                "spec: {controller: k8s.io/ingress-nginx}\n"
TLS_SECRET = "---\napiVersion: v1\nkind: Secret\nmetadata: {name: shop-tls, namespace: shop}\ntype: kubernetes.io/tls\n"


def test_ingress_v1_routes_with_host_and_path_on_the_edge(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, BACKENDS + TLS_SECRET + _ingress(V1_RULES), derive_ingress_edges)
    assert _edges(facts, Relation.ROUTES) == {
        ("Ingress/shop/shop", "Service/shop/web"): "default backend :80\nshop.example.com/ :80\n*/ :http",
        ("Ingress/shop/shop", "Service/shop/api"): "shop.example.com/api :grpc",
    }
    assert facts.findings == []


def test_ingress_tls_secret_edge(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, BACKENDS + TLS_SECRET + _ingress(V1_RULES), derive_ingress_edges)
    assert _edges(facts, Relation.USES)[("Ingress/shop/shop", "Secret/shop/shop-tls")] == "tls"


def test_ingress_missing_tls_secret(inventory_of: InventoryOf) -> None:
    facts = _run(inventory_of, BACKENDS + _ingress(V1_RULES), derive_ingress_edges)
    assert _checks(facts) == ["dangling-ingress"]
    assert "shop-tls" in facts.findings[0].message
    missing = [n for n in facts.nodes if n.state is NodeState.MISSING]
    assert [n.ref for n in missing] == [Ref("Secret", "shop", "shop-tls")]


def test_ingress_class_edge_only_when_the_class_is_in_the_input(inventory_of: InventoryOf) -> None:
    text = BACKENDS + TLS_SECRET + _ingress(V1_RULES)
    without = _run(inventory_of, text, derive_ingress_edges)
    assert ("Ingress/shop/shop", "IngressClass/nginx") not in _edges(without, Relation.USES)
    assert without.findings == []  # a class installed with the controller is not a finding
    with_class = _run(inventory_of, text + INGRESS_CLASS, derive_ingress_edges)
    assert _edges(with_class, Relation.USES)[("Ingress/shop/shop", "IngressClass/nginx")] == "class"
    ingress = next(n for n in with_class.nodes if n.ref.kind == "Ingress")
    assert ingress.details == ("class nginx",)


def test_ingress_class_annotation(inventory_of: InventoryOf) -> None:
    spec = "  rules: [{http: {paths: [{path: /, backend: {service: {name: web, port: {number: 80}}}}]}}]\n"
    text = BACKENDS + INGRESS_CLASS + _ingress(spec, annotations="{kubernetes.io/ingress.class: nginx}")
    facts = _run(inventory_of, text, derive_ingress_edges)
    assert ("Ingress/shop/shop", "IngressClass/nginx") in _edges(facts, Relation.USES)


def test_legacy_ingress_backends(inventory_of: InventoryOf) -> None:
    spec = """\
  backend: {serviceName: web, servicePort: 80}
  rules:
    - host: legacy.example.com
      http:
        paths:
          - {path: /api, backend: {serviceName: api, servicePort: grpc}}
"""
    for api in ("extensions/v1beta1", "networking.k8s.io/v1beta1"):
        facts = _run(inventory_of, BACKENDS + _ingress(spec, api=api), derive_ingress_edges)
        assert _edges(facts, Relation.ROUTES) == {
            ("Ingress/shop/shop", "Service/shop/web"): "default backend :80",
            ("Ingress/shop/shop", "Service/shop/api"): "legacy.example.com/api :grpc",
        }, api
        assert facts.findings == []


def test_dangling_ingress_missing_service(inventory_of: InventoryOf) -> None:
    spec = ("  rules: [{host: a.example.com, http: {paths:"
            " [{path: /x, backend: {service: {name: gone, port: {number: 80}}}}]}}]\n")
    text = BACKENDS + _ingress(spec)
    facts = _run(inventory_of, text, derive_ingress_edges)
    (finding,) = facts.findings
    assert finding.check == "dangling-ingress"
    assert "gone" in finding.message and "a.example.com/x" in finding.message
    assert finding.source == Source("<stdin>", _line(text, "apiVersion: networking.k8s.io/v1\nkind: Ingress"))
    missing = [n for n in facts.nodes if n.state is NodeState.MISSING]
    assert [n.ref for n in missing] == [Ref("Service", "shop", "gone")]
    assert ("Ingress/shop/shop", "Service/shop/gone") in _edges(facts, Relation.ROUTES)


def test_dangling_ingress_missing_port(inventory_of: InventoryOf) -> None:
    spec = ("  rules: [{http: {paths: [{path: /a, backend: {service: {name: web, port: {number: 8080}}}},"
            " {path: /b, backend: {service: {name: api, port: {name: http}}}}]}}]\n")
    facts = _run(inventory_of, BACKENDS + _ingress(spec), derive_ingress_edges)
    assert _checks(facts) == ["dangling-ingress", "dangling-ingress"]
    assert "port 8080" in facts.findings[0].message and "port http" in facts.findings[1].message
    assert all(n.state is not NodeState.MISSING for n in facts.nodes)  # the Services exist


def test_dangling_legacy_ingress_missing_port(inventory_of: InventoryOf) -> None:
    spec = "  backend: {serviceName: web, servicePort: 8081}\n"
    facts = _run(inventory_of, BACKENDS + _ingress(spec, api="extensions/v1beta1"), derive_ingress_edges)
    assert _checks(facts) == ["dangling-ingress"]


def test_ingress_resource_backend(inventory_of: InventoryOf) -> None:
    spec = "  defaultBackend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}}\n"
    facts = _run(inventory_of, _ingress(spec), derive_ingress_edges)
    assert _edges(facts, Relation.ROUTES) == {("Ingress/shop/shop", "StorageBucket/shop/static"): "default backend"}
    assert facts.findings == []


def test_ingress_tls_without_secret_name(inventory_of: InventoryOf) -> None:
    # TLS with the controller's default certificate names no Secret; an empty name is none either.
    spec = ("  tls: [{hosts: [a.example.com]}, {hosts: [b.example.com], secretName: ''}]\n"
            "  defaultBackend: {service: {name: web, port: {number: 80}}}\n")
    facts = _run(inventory_of, BACKENDS + _ingress(spec), derive_ingress_edges)
    assert facts.findings == []
    assert _edges(facts, Relation.USES) == {}
    assert all(node.ref.name for node in facts.nodes)


def test_cert_manager_tls_secret_is_derived_not_dangling(inventory_of: InventoryOf) -> None:
    text = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n"
            "    cert-manager.io/cluster-issuer: letsencrypt\n"
            "spec:\n  tls: [{hosts: [a.example], secretName: web-tls}]\n")
    facts = _run(inventory_of, text, derive_ingress_edges)
    assert facts.findings == []
    (node,) = [n for n in facts.nodes if n.ref.kind == "Secret"]
    assert node.state is NodeState.DERIVED


def test_ingress_to_external_name_service_without_ports(inventory_of: InventoryOf) -> None:
    text = ("apiVersion: v1\nkind: Service\nmetadata: {name: ext}\n"
            "spec: {type: ExternalName, externalName: x.example}\n"
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n"
            "  rules: [{http: {paths: [{path: /, pathType: Prefix,\n"
            "    backend: {service: {name: ext, port: {number: 443}}}}]}}]\n")
    facts = _run(inventory_of, text, derive_ingress_edges)
    assert facts.findings == []
