"""Inferred calls, scored (issue 21): addresses in forms the rule now reads (sub-schemes, connection strings,
ConfigMaps a sidecar collects by label), names that are not addresses, and calls offered to many (`configured`)
apart from calls a workload names itself."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from linearity import LINEAR_BOUND, growth

from gen.graph import Graph, Relation
from gen.pipeline import analyse
from gen.render import diagram_to_dot
from gen.rules.calls import (
    ADDRESS_WORDS,
    NOT_ADDRESS_WORDS,
    addresses,
    inferred_calls,
    names_an_address,
)
from gen.site.cache import drawn_of
from gen.site.html import legend_html, text_alternative_html
from gen.site.words import words_for
from gen.views import build_view

GraphOf = Callable[..., Graph]
BANK = Path(__file__).resolve().parents[1] / "fixtures" / "calls" / "bank.yaml"


def _service(name: str, namespace: str = "shop") -> str:
    return (f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
            f"spec: {{selector: {{app: {name}}}, ports: [{{port: 80}}]}}\n")


def _deployment(name: str, containers: str, namespace: str = "shop", labels: str = "", volumes: str = "") -> str:
    metadata_labels = f", labels: {{{labels}}}" if labels else ""
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}{metadata_labels}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: {containers}
{volumes}"""


def _env(name: str, value: str) -> str:
    return f"[{{name: c, image: x, env: [{{name: {name}, value: '{value}'}}]}}]"


def _edges(graph: Graph, relation: Relation = Relation.CALLS) -> list[tuple[str, str, str]]:
    return sorted((e.source.id, e.target.id, e.label) for e in graph.edges if e.relation is relation)


SERVICES = _service("api") + _service("db", "data") + _service("cache") + _service("web")


# --- Addresses written in forms the rule did not read -----------------------------------------------------------

@pytest.mark.parametrize(("value", "target", "port"), [
    ("jdbc:postgresql://db.data:5432/app?user=app&password=pw-canary", "Service/data/db", "5432"),
    ("jdbc:mysql://db.data.svc.cluster.local:3306/app", "Service/data/db", "3306"),
    ("jdbc:mysql:replication://db.data:3306/app", "Service/data/db", "3306"),
    ("jdbc:sqlserver://db.data:1433;databaseName=app;password=pw-canary", "Service/data/db", "1433"),
    ("jdbc:oracle:thin:@//db.data:1521/XEPDB1", "Service/data/db", "1521"),
    ("r2dbc:postgresql://app:pw-canary@db.data:5432/app", "Service/data/db", "5432"),
    ("r2dbc:pool:mysql://db.data/app", "Service/data/db", ""),
    ("mongodb+srv://app:pw-canary@db.data/app?retryWrites=true", "Service/data/db", ""),
    ("mongodb+srv://api", "Service/shop/api", ""),
])
def test_urls_with_sub_schemes_name_their_host(graph_of: GraphOf, value: str, target: str, port: str) -> None:
    graph = graph_of(SERVICES + _deployment("web", _env("DATASOURCE", value)))
    assert _edges(graph) == [("Deployment/shop/web", target, f"DATASOURCE :{port}" if port else "DATASOURCE")]
    shown = diagram_to_dot(build_view(graph, "topology")) + "".join(map(str, inferred_calls(graph)))
    assert "pw-canary" not in shown and "app:" not in shown


@pytest.mark.parametrize(("value", "port"), [
    ("Host=db.data;Port=5432;Database=app;Username=app;Password=pw-canary", "5432"),  # Npgsql
    ("Server=tcp:db.data,1433;Initial Catalog=app;User ID=sa;Password=pw-canary;", "1433"),  # SQL Server
    ("Data Source=db.data;Initial Catalog=app;Integrated Security=true", ""),  # ADO.NET
    ("host=db.data port=5432 dbname=app user=app password=pw-canary sslmode=disable", "5432"),  # libpq
    ("Server=db.data;Port=3306;Database=app;Uid=app;Pwd=pw-canary;", "3306"),  # MySQL Connector/NET
])
def test_connection_string_fields_name_their_host(graph_of: GraphOf, value: str, port: str) -> None:
    graph = graph_of(SERVICES + _deployment("web", _env("ConnectionStrings__Default", value)))
    label = f"ConnectionStrings__Default :{port}" if port else "ConnectionStrings__Default"
    assert _edges(graph) == [("Deployment/shop/web", "Service/data/db", label)]
    assert "pw-canary" not in diagram_to_dot(build_view(graph, "topology"))


def test_a_connection_string_in_a_mounted_file_is_read_too(graph_of: GraphOf) -> None:
    config = """---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data:
  appsettings.json: |
    {"ConnectionStrings": {"Default": "Host=db.data;Port=5432;Database=api;Password=pw-canary"},
     "Logging": {"LogLevel": {"Default": "Information"}}}
"""
    volumes = "      volumes: [{name: conf, configMap: {name: settings}}]\n"
    graph = graph_of(SERVICES + config + _deployment("web", "[{name: c, image: x}]", volumes=volumes))
    assert _edges(graph) == [("Deployment/shop/web", "Service/data/db", "settings/appsettings.json :5432")]


@pytest.mark.parametrize("value", [
    "Database=api;Username=cache;Password=db",  # no host field: the Services' names are other fields
    "Host=;Port=5432", "Hostess=api", "ghost=api", "server_name=api",
])
def test_only_a_host_field_of_a_connection_string_is_a_host(graph_of: GraphOf, value: str) -> None:
    assert _edges(graph_of(SERVICES + _deployment("web", _env("CONNECTION", value)))) == []


# --- Names that are not addresses --------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "called"), [
    ("POSTGRES_DB", "api", False), ("MYSQL_DATABASE", "api", False), ("DB_NAME", "api", False),
    ("OTEL_SERVICE_NAME", "api", False), ("METRICS_STORAGE_TYPE", "api", False), ("CACHE_MODE", "cache", False),
    ("GREETING", "api", False), ("SPRING_PROFILES_ACTIVE", "cache", False), ("LOG_LEVEL", "db.data", False),
    ("API_HOST", "api", True), ("redisHost", "cache", True), ("BACKEND_SERVICE", "api", True),
    ("UPSTREAM", "db.data", True), ("DB_HOST_NAME", "db.data", True), ("KAFKA_BROKERS", "api,cache", True),
    # URLs, host:port and a Service's qualified name count whatever the variable is called
    ("GREETING", "api:80", True), ("CACHE_TYPE", "redis://cache", True), ("POSTGRES_DB", "db.data.svc", True),
])
def test_a_bare_name_is_an_address_only_where_its_variable_says_so(
        graph_of: GraphOf, name: str, value: str, called: bool) -> None:
    graph = graph_of(SERVICES + _deployment("web", _env(name, value)))
    assert bool(_edges(graph)) is called, _edges(graph)


def test_a_database_name_equal_to_its_services_name_adds_no_second_label(graph_of: GraphOf) -> None:
    """The database-name variable beside the URL of the same database: one call, labelled by the URL alone."""
    config = """---
apiVersion: v1
kind: ConfigMap
metadata: {name: accounts, namespace: shop}
data: {POSTGRES_DB: db.data, POSTGRES_DATABASE: api, ACCOUNTS_DB_URI: 'postgresql://db.data:5432/accounts'}
"""
    containers = "[{name: c, image: x, envFrom: [{configMapRef: {name: accounts}}]}]"
    graph = graph_of(SERVICES + config + _deployment("web", containers))
    assert _edges(graph) == [("Deployment/shop/web", "Service/data/db", "ACCOUNTS_DB_URI :5432")]
    assert _edges(graph, Relation.CONFIGURED) == []


@given(st.lists(st.sampled_from(sorted(ADDRESS_WORDS | NOT_ADDRESS_WORDS | {"APP", "REDIS", "X"})), min_size=1,
                max_size=4), st.sampled_from(sorted(NOT_ADDRESS_WORDS - {"NAME"})))
def test_a_name_ending_in_a_name_type_or_mode_word_is_never_an_address(words: list[str], last: str) -> None:
    name = "_".join([*words, last])
    assert not names_an_address(name) and not names_an_address(name.lower())
    assert names_an_address("_".join([*words, "HOST"]))


# --- Configuration a sidecar collects by label --------------------------------------------------------------------

def _grafana(env: str, image: str = "quay.io/kiwigrid/k8s-sidecar:1.27.1", namespace: str = "shop") -> str:
    containers = (f"[{{name: grafana, image: grafana/grafana:11.0.0}}, "
                  f"{{name: sc-datasources, image: '{image}', env: [{env}]}}]")
    return _deployment("grafana", containers, namespace=namespace)


def _datasource(name: str, namespace: str, labels: str, url: str) -> str:
    return f"""---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}, namespace: {namespace}, labels: {{{labels}}}}}
data:
  datasource.yaml: |
    apiVersion: 1
    datasources:
      - {{name: {name}, type: prometheus, url: '{url}', access: proxy}}
"""


DATASOURCES = (_datasource("metrics", "shop", "grafana_datasource: '1'", "http://api:9090")
               + _datasource("logs", "data", "grafana_datasource: '1'", "http://db.data:3100")
               + _datasource("disabled", "shop", "grafana_datasource: '0'", "http://cache:6379")
               + _datasource("other", "shop", "team: web", "http://web:80"))
LABEL = "{name: LABEL, value: grafana_datasource}, {name: LABEL_VALUE, value: '1'}"


@pytest.mark.parametrize(("env", "image", "expected"), [
    (LABEL, "quay.io/kiwigrid/k8s-sidecar:1.27.1", {"Service/shop/api": "metrics/datasource.yaml :9090"}),
    # another namespace when told; any value of the label when none is given
    (f"{LABEL}, {{name: NAMESPACE, value: ALL}}", "kiwigrid/k8s-sidecar:1.27.1",
     {"Service/shop/api": "metrics/datasource.yaml :9090", "Service/data/db": "logs/datasource.yaml :3100"}),
    ("{name: LABEL, value: grafana_datasource}, {name: NAMESPACE, value: 'data, shop'}", "k8s-sidecar",
     {"Service/shop/api": "metrics/datasource.yaml :9090", "Service/data/db": "logs/datasource.yaml :3100",
      "Service/shop/cache": "disabled/datasource.yaml :6379"}),
    # the same contract in another image, known by its FOLDER
    (f"{LABEL}, {{name: FOLDER, value: /etc/grafana/provisioning/datasources}}", "ghcr.io/acme/collector:1",
     {"Service/shop/api": "metrics/datasource.yaml :9090"}),
    (f"{LABEL}, {{name: RESOURCE, value: secret}}", "k8s-sidecar", {}),  # it collects Secrets only
    (LABEL, "ghcr.io/acme/collector:1", {}),  # a variable LABEL alone says nothing
])
def test_a_sidecar_collecting_config_maps_by_label_makes_them_its_pods_configuration(
        graph_of: GraphOf, env: str, image: str, expected: dict[str, str]) -> None:
    graph = graph_of(SERVICES + DATASOURCES + _grafana(env, image))
    assert {target: label for _, target, label in _edges(graph)} == expected
    assert all(source == "Deployment/shop/grafana" for source, _, _ in _edges(graph))


# --- Calls offered to many: configured ---------------------------------------------------------------------------

def test_a_shared_env_from_config_map_offers_and_a_workloads_own_variable_calls() -> None:
    """tests/fixtures/calls/bank.yaml: the API-address ConfigMap that frontend and ledger both take gives configured
    calls, but frontend's own USERS_API_ADDR is a call; the chart's collector address, set alike on every component
    but the collector, is configured even on the database; one database's settings shared with its client are a
    call; Grafana's label-collected datasource is a call."""
    _, graph = analyse([str(BANK)])
    assert _edges(graph) == [
        ("Deployment/bank/frontend", "Service/bank/users", "USERS_API_ADDR :8080"),
        ("Deployment/bank/grafana", "Service/monitoring/prometheus", "grafana-datasources/datasources.yaml :9090"),
        ("Deployment/bank/users", "Service/bank/accounts-db", "ACCOUNTS_DB_URI :5432"),
    ]
    otel = "OTEL_EXPORTER_OTLP_ENDPOINT :4317"
    assert _edges(graph, Relation.CONFIGURED) == [
        ("Deployment/bank/frontend", "Service/bank/collector", otel),
        ("Deployment/bank/frontend", "Service/bank/ledger", "LEDGER_API_ADDR :8080"),
        ("Deployment/bank/ledger", "Service/bank/collector", otel),
        ("Deployment/bank/ledger", "Service/bank/users", "USERS_API_ADDR :8080"),
        ("Deployment/bank/users", "Service/bank/collector", otel),
        ("StatefulSet/bank/accounts-db", "Service/bank/collector", otel),
    ]


CHART = "app.kubernetes.io/instance: shop"


def _component(name: str, env: str) -> str:
    return _deployment(name, f"[{{name: c, image: x, env: [{env}]}}]", labels=CHART)


OTEL = "{name: OTEL_ENDPOINT, value: 'http://web:4317'}"


@pytest.mark.parametrize(("components", "configured"), [
    # on every component but the collector the address leads to: offered
    ([("api", OTEL), ("cache", OTEL), ("db", OTEL), ("web", "{name: X, value: y}")], True),
    # one component goes without it: chosen by those that have it
    ([("api", OTEL), ("cache", OTEL), ("db", OTEL), ("worker", "{name: X, value: y}"),
      ("web", "{name: X, value: y}")], False),
    # two components alike are too few to tell a chart's habit from two choices
    ([("api", OTEL), ("cache", OTEL), ("web", "{name: X, value: y}")], False),
])
def test_a_variable_a_chart_sets_alike_on_every_component_is_configured(
        graph_of: GraphOf, components: list[tuple[str, str]], configured: bool) -> None:
    graph = graph_of(SERVICES + "".join(_component(name, env) for name, env in components))
    callers = [name for name, env in components if env == OTEL]
    expected = [(f"Deployment/shop/{name}", "Service/shop/web", "OTEL_ENDPOINT :4317") for name in sorted(callers)]
    assert _edges(graph, Relation.CONFIGURED if configured else Relation.CALLS) == expected
    assert _edges(graph, Relation.CALLS if configured else Relation.CONFIGURED) == []


def test_the_same_variable_without_a_chart_label_is_a_call(graph_of: GraphOf) -> None:
    text = SERVICES + "".join(_deployment(name, f"[{{name: c, image: x, env: [{OTEL}]}}]")
                              for name in ("api", "cache", "db"))
    assert len(_edges(graph_of(text))) == 3 and _edges(graph_of(text), Relation.CONFIGURED) == []


def test_configured_calls_are_drawn_faint_and_worded_apart_from_calls(root: Path) -> None:
    _, graph = analyse([str(BANK)])
    diagram = build_view(graph, "network")
    dot = diagram_to_dot(diagram)
    configured = [line for line in dot.splitlines() if 'class="configured"' in line]
    calls = [line for line in dot.splitlines() if 'class="calls"' in line]
    assert len(configured) == 6 and len(calls) == 3
    assert all('color="#bf39898c"' in line and "penwidth=0.8" in line for line in configured)
    assert all('color="#bf3989"' in line and "penwidth" not in line for line in calls)
    # the hover names the ends, then what told it (the page puts the kind's word, its class's, before it)
    assert all(re.search(r'tooltip="[^"]* → [^"]*\\n\S', line) for line in configured + calls), configured
    for language, call, offered in (("en", "inferred call", "configured address (offered, maybe not called)"),
                                    ("ko", "추론된 호출", "설정으로 받은 주소 (호출은 불확실)")):
        soup = BeautifulSoup(legend_html(drawn_of(diagram), words_for(language)), "html.parser")
        items = {item.get_text(strip=True): item for item in soup.select("li")}
        assert call in items and offered in items  # two looks, two entries
        assert items[offered].line is not None and items[offered].line.get("stroke-opacity") == "0.55"
        assert items[call].line is not None and items[call].line.get("stroke-opacity") is None
        text = text_alternative_html(drawn_of(diagram), "t", words_for(language))
        assert f"{offered}, LEDGER_API_ADDR :8080" in text
    listed = subprocess.run([sys.executable, "-m", "gen.cli", "check", "--calls", str(BANK)], cwd=root,
                            capture_output=True, text=True, check=False)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert sum(line.endswith("; configured) [inferred-call]") for line in lines) == 6
    assert any(line.endswith("→ Service/bank/users (USERS_API_ADDR) [inferred-call]") for line in lines)
    assert "accounts-pwd-canary" not in listed.stdout + dot


# --- Linear on hostile text --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("shape", "make"), [
    ("sub-schemes never ending", lambda n: "a:" * (n // 2) + "\nend"),
    ("host fields without values", lambda n: "host=;" * (n // 6) + "\nend"),
    ("host fields on one line", lambda n: "Host=a;" * (n // 7) + "Port=1\nend"),
    ("keys spaced from their equals", lambda n: " server   " * (n // 10) + "\nend"),
])
def test_reading_new_forms_is_linear(shape: str, make: Callable[[int], str]) -> None:
    for whole in (False, True):
        ratio = growth(lambda text, whole=whole: addresses(text, whole), make, 4000)
        assert ratio < LINEAR_BOUND, f"{shape} (whole={whole}): 16× the text took {ratio:.0f}× the time"


# --- The corpus ---------------------------------------------------------------------------------------------------

def _corpus_apps() -> list[str]:
    from conftest import CORPUS

    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else ["(none)"]


@pytest.mark.parametrize("app", _corpus_apps())
def test_no_corpus_app_calls_by_a_name_or_type_variable(corpus: Path, app: str) -> None:
    _, graph = analyse([str(corpus / app)])
    for edge in graph.edges:
        if edge.relation in (Relation.CALLS, Relation.CONFIGURED):
            for line in edge.label.split("\n"):
                name = line.rpartition(" :")[0] or line
                words = name.replace("-", "_").replace(".", "_").upper().split("_")
                assert words[-1] not in NOT_ADDRESS_WORDS, f"{edge.source} → {edge.target} by {name}"
