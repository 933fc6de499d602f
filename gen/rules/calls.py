"""Inferred calls: traffic the manifests reveal without declaring it.

A workload that is told where another one listens calls it. Three places say so:
- env values, args and the data of ConfigMaps the Pod uses (env, envFrom, volumes) that name a Service: `svc`,
  `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local` (and `pod.svc.ns.svc…` of a headless Service), with or
  without a port, bare or inside a URL, matched against the Services of the input (`svc` means the caller's
  namespace);
- the flags of control-plane components: kube-apiserver's `--etcd-servers` reaches etcd, and `--kubeconfig` /
  `--master` of the others reach kube-apiserver (static Pods on one node talk over 127.0.0.1, so the component is
  found by what it is, not by the host).

The caller is the Pod's workload (its top controller, or the Pod itself): replicas of one template make one call.
Edges are labelled with what told the caller (the env var's or flag's name, the ConfigMap key) and the port, never
with the value, which may hold a password. A Service that selects the caller's own Pods is not a call (an env
value naming the application itself; a StatefulSet's per-replica Services).

What counts as an address: a URL (sub-schemes too: `jdbc:postgresql://`), `host:port`, the host field of a
connection string (`Host=db;Port=5432`, libpq's `host=db port=5432`) and a `svc.ns.svc` name count anywhere; free
text (a shell script, a config file) is read for those alone. A bare name (`db`, `db.data`) counts only where the
name of what holds it says it is an address (`*_HOST`, `*_ADDR`, `--backend`…) and not that it is a name, a type
or a mode (`POSTGRES_DB`, `OTEL_SERVICE_NAME`, `METRICS_STORAGE_TYPE`): names_an_address.

Where the Pod's configuration is: its env, args and the ConfigMaps it names (env, envFrom, volumes), and those a
sidecar of it collects by label (the k8s-sidecar pattern beside Grafana: collected_config_maps).

Call or configured (issue 21): an address the workload names itself is a call (relation `calls`); one only offered
to it among others (a ConfigMap of several Services' addresses that several workloads take whole by envFrom, a
variable a chart sets alike on every component) is `configured`: it may read it or not (see Offers). When both
reach one Service, the call wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..graph import Facts, Graph, GraphEdge, PodInstance, Relation
from ..kube import (
    Container,
    arguments,
    config_map_volumes,
    containers,
    control_plane_component,
    env_config_map_keys,
    env_from_config_maps,
    env_literals,
    flag_values,
    parse_image,
)
from ..model import Diagnostic, Inventory, Ref, Resource, Severity, as_mapping
from ..records import record
from ..selectors import parse_map_selector

CHECK = "inferred-call"
# Flags whose value reaches a control-plane component whatever its host says.
COMPONENT_FLAGS: dict[str, str] = {"--etcd-servers": "etcd", "--kubeconfig": "kube-apiserver",
                                   "--master": "kube-apiserver"}
# Flags whose value names the hosts a program makes a certificate for, not hosts it reaches, by image (the last
# part of its repository): ingress-nginx's admission Jobs run `kube-webhook-certgen create --host=<the webhook's
# Service>`, which signs a certificate for that Service and never calls it.
CERTIFICATE_HOST_FLAGS: dict[str, frozenset[str]] = {"kube-webhook-certgen": frozenset({"--host"})}

# Host names are ASCII (RFC 1123): matching them without Unicode case folding also compiles these patterns in 0.6 ms
# instead of 4 (at every start of gen).
_HOST_FLAGS = re.IGNORECASE | re.ASCII
# These run on free text of any size (a 1 MB ConfigMap value), so each is linear: every repetition is bounded by
# what the thing it matches can be (a DNS label is at most 63 characters, a name 127 labels, a scheme short), and each
# pattern can start only where its first part starts (a lookbehind), never at every offset of a long word only to
# fail at its end. Retrying at every offset made a 160 KB value take 85 s.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_NAME = rf"{_LABEL}(?:\.{_LABEL}){{0,126}}"
# A scheme may hold sub-schemes (`jdbc:postgresql://`, `r2dbc:pool:mysql://`) and Oracle's thin form writes
# `jdbc:oracle:thin:@//host`: at most four parts, each as short as a scheme.
_SCHEME = r"[a-z][a-z0-9+.-]{0,31}(?::[a-z][a-z0-9+.-]{0,31}){0,3}:@?//"
_URL = re.compile(rf"(?<![a-z0-9+.-]){_SCHEME}(?:[^@/\s]{{0,256}}@)?"
                  rf"(?P<host>{_NAME}(?![a-z0-9-])|\[[0-9a-f:.]{{2,45}}\])(?::(?P<port>\d{{1,5}}))?", _HOST_FLAGS)
_TOKEN = re.compile(rf"(?P<host>{_NAME})(?::(?P<port>\d{{1,5}}))?(?:/\S*)?", _HOST_FLAGS)
_HOST_PORT_IN_TEXT = re.compile(rf"(?<![\w./@:$-])(?P<host>{_NAME}):(?P<port>\d{{1,5}})\b", _HOST_FLAGS)
_QUALIFIED_IN_TEXT = re.compile(rf"(?<![\w./@:$-])(?P<host>{_NAME}\.svc(?:\.cluster\.local)?)\b", _HOST_FLAGS)
# The text a value is read for: the API's limit on a whole ConfigMap (1 MiB), so no real value is cut, and hostile
# input (a generated file far larger) costs a bounded time. A word longer than an address can be is none.
MAX_SCANNED = 1 << 20
MAX_ADDRESS = 2048
MAX_NAME = 253  # what a name is read for its words: a ConfigMap key's limit
_SEPARATORS = re.compile(r"[,;\s]+")
# What may label a call: names, never values. A long flag (`--backend`), a lone short flag (`-b`: `-pPASS`,
# `-uadmin:PASS` and `-HX-Api-Key:KEY` are a short flag with its value glued on), an env var's name, a ConfigMap's
# name and key (the API's own alphabets).
_FLAG_NAME = re.compile(r"--[A-Za-z0-9][A-Za-z0-9_.-]*|-[A-Za-z0-9]", re.ASCII)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*", re.ASCII)  # C identifiers, and the dotted keys envFrom makes
_KEY_NAME = re.compile(r"[A-Za-z0-9._-]{1,253}", re.ASCII)
_PROSE = re.compile(r"[^,;\s]\s+[^,;\s]")  # words apart by spaces alone: a sentence or script, not a list
# Connection strings written as fields (ADO.NET and Npgsql `Host=db;Port=5432`, SQL Server `Server=tcp:db,1433`,
# `Data Source=db`, libpq `host=db port=5432 dbname=app`): the host is the field its key names, the port its own
# field or glued on. A field starts a value, a line or follows `;`, a space or a quote (the lookbehind), so the
# pattern is tried only there.
_FIELD_START = r"(?<![^\s;\"'])"
_HOST_FIELD = re.compile(rf"{_FIELD_START}(?:host|hostname|hostaddr|server|data ?source|address|addr)[ \t]{{0,8}}="
                         rf"[ \t]{{0,8}}(?:tcp:)?(?P<host>{_NAME})(?:[,:](?P<port>\d{{1,5}}))?(?![\w.-])", _HOST_FLAGS)
_PORT_FIELD = re.compile(rf"{_FIELD_START}port[ \t]{{0,8}}=[ \t]{{0,8}}(?P<port>\d{{1,5}})\b", _HOST_FLAGS)
# What a value is called says whether a bare name in it is an address (issue 18): a word of the name says so
# (`WORDPRESS_DB_HOST`, `--prometheus-url`, `redisHost`), unless its last word says it is a name, a type or a mode
# (`POSTGRES_DB`, `OTEL_SERVICE_NAME`, `METRICS_STORAGE_TYPE`). `-h` is the host of psql, mysql, redis-cli, mongo.
_NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", re.ASCII)
ADDRESS_WORDS = frozenset({
    "HOST", "HOSTS", "HOSTNAME", "HOSTADDR", "ADDR", "ADDRS", "ADDRESS", "ADDRESSES", "URL", "URLS", "URI", "URIS",
    "ENDPOINT", "ENDPOINTS", "SERVER", "SERVERS", "SERVICE", "SERVICES", "SVC", "UPSTREAM", "UPSTREAMS", "BACKEND",
    "BACKENDS", "TARGET", "TARGETS", "MASTER", "BROKER", "BROKERS", "PEER", "PEERS", "DSN", "PROXY", "GATEWAY",
    "REMOTE", "SEED", "SEEDS", "COLLECTOR", "AGENT", "SINK",
})
NOT_ADDRESS_WORDS = frozenset({
    "DB", "DATABASE", "DBNAME", "NAME", "NAMES", "TYPE", "TYPES", "MODE", "KIND", "DRIVER", "DIALECT", "SCHEMA",
    "TABLE", "KEYSPACE", "USER", "USERNAME", "ID", "NAMESPACE", "PREFIX", "LABEL", "VERSION",
})
ADDRESS_SHORT_FLAGS = frozenset({"-h"})


def names_an_address(name: str) -> bool:
    """Whether a value called `name` (an env var, a flag, a ConfigMap key) is an address when it is a bare name."""
    if name in ADDRESS_SHORT_FLAGS:
        return True
    words = [word.upper() for word in _NAME_WORDS.findall(name[:MAX_NAME])]
    if words[-2:] == ["HOST", "NAME"]:  # HOST_NAME is a host name, not a name
        return True
    if not words or words[-1] in NOT_ADDRESS_WORDS:
        return False
    return any(word in ADDRESS_WORDS for word in words)


@record(frozen=True)
class Address:
    host: str
    port: str  # "" when none is written
    # A name alone (`db`, `db.data`): no scheme, port, key or `.svc` says it is an address; only the name of what
    # holds it can (names_an_address).
    bare: bool = False


@record(frozen=True)
class Told:
    """One value a container is given: what told it (`via`) and the text."""

    via: str
    text: str
    whole: bool  # a value in itself (env, flag): a bare name counts; else free text: only URLs and host:port
    flag: str = ""
    name: str = ""  # what the value is called (an env var, a flag, a key): says whether a bare name is an address
    # Offered to many, not chosen by this workload: a ConfigMap several workloads take by envFrom. What it names
    # is a configured call, not a call.
    offered: bool = False
    literal: bool = False  # an env value written in the manifest (a chart may set it alike on every component)


def addresses(text: str, whole: bool) -> list[Address]:
    """The hosts (and ports) a value names: the host fields of a connection string (`Host=db;Port=5432`), every
    token of a value or list of values (`a:1,b:2`), or the URLs and host:port of free text (words apart by spaces
    alone)."""
    text = text[:MAX_SCANNED]
    found = _connection_string_hosts(text)
    if whole and not found and not _PROSE.search(text.strip()):
        for token in filter(None, _SEPARATORS.split(text.strip())):
            if len(token) > MAX_ADDRESS:
                continue
            url = _URL.match(token)
            match = url or _TOKEN.fullmatch(token)
            if match is not None:
                host, port = match.group("host").lower().strip("[]"), match.group("port") or ""
                bare = url is None and not port and not host.endswith((".svc", ".svc.cluster.local"))
                found.append(Address(host, port, bare))
        return found
    for pattern in (_URL, _HOST_PORT_IN_TEXT, _QUALIFIED_IN_TEXT):
        for match in pattern.finditer(text):
            port = match.groupdict().get("port") or ""
            found.append(Address(match.group("host").lower().strip("[]"), port))
    return list(dict.fromkeys(found))  # a connection string's `Host=db:5432` is a host:port of the text too


def _connection_string_hosts(text: str) -> list[Address]:
    """The hosts of the connection strings in a text, each with the port field of its line (or the one glued on)."""
    found: list[Address] = []
    if "=" not in text:
        return found
    for line in text.splitlines():
        hosts = list(_HOST_FIELD.finditer(line))
        if not hosts:
            continue
        port_field = _PORT_FIELD.search(line)
        line_port = port_field.group("port") if port_field else ""
        found.extend(Address(m.group("host").lower(), m.group("port") or line_port) for m in hosts)
    return found


def service_named(host: str, namespace: str | None, inventory: Inventory) -> Ref | None:
    """The Service of the input a host name stands for, if any."""
    host = host.rstrip(".")
    if host.endswith(".svc.cluster.local"):
        host = host[: -len(".cluster.local")]
    parts = host.split(".")
    if len(parts) == 1:
        name, where = parts[0], namespace
    elif len(parts) == 2:
        name, where = parts
    elif len(parts) == 3 and parts[2] == "svc":
        name, where = parts[0], parts[1]
    elif len(parts) == 4 and parts[3] == "svc":  # a headless Service's Pod: pod.svc.ns.svc
        name, where = parts[1], parts[2]
    else:
        return None
    ref = Ref("Service", where, name)
    return ref if ref in inventory else None


def derive_calls(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """Workload → Service (or control-plane component) it is told to reach: a call when the workload names the
    address itself, configured when the address is only offered to it among many (see `Offers`)."""
    facts = Facts()
    components = _components(pods)
    own_services = _own_services(pods, inventory)
    offers = Offers.of(pods, inventory)
    # (caller, target) → its labels, each with whether it was only offered; in the order first found
    found: dict[tuple[Ref, Ref], list[tuple[str, bool]]] = {}
    for pod in pods:
        own = own_services.get(pod.workload, set())
        for told in _told(pod, inventory, offers):
            reached = False
            for address in addresses(told.text, told.whole):
                if address.bare and not names_an_address(told.name):
                    continue
                target = service_named(address.host, pod.ref.namespace, inventory)
                if target is None or target in own:
                    continue
                reached = True
                offered = told.offered or offers.alike(pod, told, target, own_services)
                found.setdefault((pod.workload, target), []).append((_label(told.via, address.port), offered))
            component = COMPONENT_FLAGS.get(told.flag)
            if reached or component is None:
                continue
            for target in _nearest(components.get(component, []), pod.ref.namespace):
                if target != pod.workload:
                    ports = [a.port for a in addresses(told.text, True) if a.port]
                    found.setdefault((pod.workload, target), []).append(
                        (_label(told.via, ports[0] if ports else ""), False))
    for (caller, target), labels in found.items():
        # What the workload names itself makes a call, whatever else offers the same address.
        chosen = [label for label, offered in labels if not offered]
        relation = Relation.CALLS if chosen else Relation.CONFIGURED
        for label in chosen or [label for label, _ in labels]:
            facts.edges.append(GraphEdge(caller, target, relation, label))
    return facts


# A ConfigMap that this many workloads take whole by envFrom and that names this many Services offers its addresses
# to each (a list of every API's address; one database's settings, shared by the database and its clients, is not
# such a list), and a variable a chart sets alike on this many of its components (and on every other one but
# those the address leads to) is offered too.
SHARED_BY = 2
SHARED_SERVICES = 2
ALIKE_ON = 3
# The labels that say which chart release (or application) a component belongs to, first found wins.
CHART_LABELS: tuple[str, ...] = ("app.kubernetes.io/instance", "release", "app.kubernetes.io/part-of")


@record(frozen=True)
class Offers:
    """What is given to many workloads alike rather than chosen by one (issue 21): the ConfigMaps of addresses taken
    by envFrom by several workloads, and the env variables (name and value) each chart sets on its components."""

    shared_config_maps: frozenset[tuple[str | None, str]]  # (namespace, name)
    chart_of: dict[Ref, tuple[str | None, str]]  # workload → (namespace, release) when a chart label names one
    components: dict[tuple[str | None, str], frozenset[Ref]]  # (namespace, release) → its workloads
    holders: dict[tuple[str | None, str, str, str], frozenset[Ref]]  # (namespace, release, name, value) → workloads

    @staticmethod
    def of(pods: list[PodInstance], inventory: Inventory) -> Offers:
        takers: dict[tuple[str | None, str], set[Ref]] = {}
        chart_of: dict[Ref, tuple[str | None, str]] = {}
        components: dict[tuple[str | None, str], set[Ref]] = {}
        holders: dict[tuple[str | None, str, str, str], set[Ref]] = {}
        for pod in pods:
            namespace = pod.ref.namespace
            for container in containers(pod.spec):
                for config_map, _prefix in env_from_config_maps(container):
                    takers.setdefault((namespace, config_map), set()).add(pod.workload)
            release = _release(pod, inventory)
            if release is None:
                continue
            chart = chart_of[pod.workload] = (namespace, release)
            components.setdefault(chart, set()).add(pod.workload)
            for container in containers(pod.spec):
                for name, value in env_literals(container):
                    holders.setdefault((*chart, name, value), set()).add(pod.workload)
        shared = frozenset(key for key, workloads in takers.items()
                           if len(workloads) >= SHARED_BY and len(_services_listed(*key, inventory)) >= SHARED_SERVICES)
        return Offers(shared, chart_of, {chart: frozenset(workloads) for chart, workloads in components.items()},
                      {key: frozenset(workloads) for key, workloads in holders.items()})

    def shared(self, namespace: str | None, config_map: str) -> bool:
        return (namespace, config_map) in self.shared_config_maps

    def alike(self, pod: PodInstance, told: Told, target: Ref, own_services: dict[Ref, set[Ref]]) -> bool:
        """Whether an env variable is one the pod's chart sets alike on `ALIKE_ON` components or more and on every
        other one but those `target` selects (the collector's address, given to every component but the
        collector, even to a database that runs no telemetry)."""
        chart = self.chart_of.get(pod.workload)
        if chart is None or not told.literal:
            return False
        holding = self.holders.get((*chart, told.name, told.text), frozenset())
        if len(holding) < ALIKE_ON:
            return False
        return all(target in own_services.get(other, set()) for other in self.components[chart] - holding)


def _services_listed(namespace: str | None, config_map: str, inventory: Inventory) -> set[Ref]:
    """The Services a ConfigMap's keys name, each key read as an env variable of that name."""
    found: set[Ref] = set()
    for key, value in _data(inventory.get(Ref("ConfigMap", namespace, config_map))).items():
        for address in addresses(value, True):
            if not address.bare or names_an_address(key):
                target = service_named(address.host, namespace, inventory)
                if target is not None:
                    found.add(target)
    return found


def _release(pod: PodInstance, inventory: Inventory) -> str | None:
    """The chart release (or application) a Pod's workload is part of, by its labels or its Pod template's."""
    workload = inventory.get(pod.workload)
    for labels in (workload.labels if workload is not None else {}, pod.labels):
        for key in CHART_LABELS:
            if labels.get(key):
                return labels[key]
    return None


def _label(via: str, port: str) -> str:
    return f"{via} :{port}" if port else via


def _told(pod: PodInstance, inventory: Inventory, offers: Offers) -> Iterator[Told]:
    """Every value the Pod's containers are given, with what gave it; ConfigMap data only of ConfigMaps it uses
    (or that its sidecar collects by label)."""
    namespace = pod.ref.namespace
    for container in containers(pod.spec):
        for name, value in env_literals(container):
            yield Told(_named(name, _ENV_NAME, "env"), value, True, name=name, literal=True)
        for name, config_map, key in env_config_map_keys(container):
            data = _data(inventory.get(Ref("ConfigMap", namespace, config_map)))
            if key in data:
                yield Told(_named(name, _ENV_NAME, "env"), data[key], True, name=name)
        for config_map, prefix in env_from_config_maps(container):
            shared = offers.shared(namespace, config_map)
            for key, value in _data(inventory.get(Ref("ConfigMap", namespace, config_map))).items():
                name = f"{prefix}{key}"
                yield Told(_named(name, _ENV_NAME, "env"), value, True, name=name, offered=shared)
        yield from _told_by_arguments(container)
    mounted = [(inventory.get(Ref("ConfigMap", namespace, name)), keys) for name, keys in config_map_volumes(pod.spec)]
    collected = [(resource, None) for resource in collected_config_maps(pod, inventory)]
    for resource, keys in [*mounted, *collected]:
        for key, value in _data(resource).items():
            if keys is None or key in keys:
                name = resource.name if resource is not None else ""
                via = f"{name}/{key}" if _KEY_NAME.fullmatch(name) and _KEY_NAME.fullmatch(key) else "configMap"
                yield Told(via, value, "\n" not in value.strip(), name=key)


# The k8s-sidecar pattern (kiwigrid/k8s-sidecar, run beside Grafana by its chart): a container told by env which
# label to watch (`LABEL`, and `LABEL_VALUE` if set), in which namespaces (`NAMESPACE`: its own by default, `ALL`
# or a list) and which kinds (`RESOURCE`: configmap by default, secret or both) copies the data of every matching
# object into a folder (`FOLDER`) the application reads: Grafana's datasources and dashboards.
SIDECAR_IMAGES = frozenset({"k8s-sidecar"})


def collected_config_maps(pod: PodInstance, inventory: Inventory) -> list[Resource]:
    """The ConfigMaps a sidecar of the Pod collects by label: the Pod's configuration though it names none."""
    found: dict[Ref, Resource] = {}
    for container in containers(pod.spec):
        env = dict(env_literals(container))
        image = parse_image(container.spec.get("image"))
        by_image = image is not None and image.repository.rsplit("/", 1)[-1] in SIDECAR_IMAGES
        if not env.get("LABEL") or not (by_image or "FOLDER" in env):
            continue
        if env.get("RESOURCE", "configmap").strip().lower() not in ("configmap", "both"):
            continue
        label, value = env["LABEL"], env.get("LABEL_VALUE")
        scope = env.get("NAMESPACE", "").strip()
        listed: set[str | None] = {n.strip() for n in scope.split(",") if n.strip()}
        namespaces = None if scope.upper() == "ALL" else listed or {pod.ref.namespace}
        for config_map in inventory.of_kind("ConfigMap"):
            if namespaces is None or config_map.namespace in namespaces:
                labels = config_map.labels
                if label in labels and (value is None or labels[label] == value):
                    found.setdefault(config_map.ref, config_map)
    return [found[ref] for ref in sorted(found)]


def _named(name: str, pattern: re.Pattern[str], otherwise: str) -> str:
    """`name` when it is one by `pattern`; else `otherwise`: what is not a name may be a value (`-pPASS`)."""
    return name if pattern.fullmatch(name) else otherwise


def _told_by_arguments(container: Container) -> Iterator[Told]:
    args = arguments(container)
    values_of_flags: set[int] = set()
    image = parse_image(container.spec.get("image"))
    not_addresses = CERTIFICATE_HOST_FLAGS.get(image.repository.rsplit("/", 1)[-1], frozenset()) if image else ()
    for flag, value in flag_values(args):
        if flag in not_addresses:
            continue
        if _PROSE.search(value.strip()):  # `sh -c SCRIPT`: the flag names no address
            yield Told("script", value, False)
        else:
            yield Told(_named(flag, _FLAG_NAME, "args"), value, True, flag, name=_named(flag, _FLAG_NAME, ""))
    for index, arg in enumerate(args):
        if "=" in arg and arg.startswith("-"):
            values_of_flags.add(index)
        elif arg.startswith("-") and index + 1 < len(args) and not args[index + 1].startswith("-"):
            values_of_flags.add(index + 1)
    for index, arg in enumerate(args):
        if index in values_of_flags or arg.startswith("-"):
            continue
        # A lone argument is a value of its own; one with spaces is a script, read for URLs and host:port only.
        prose = bool(_PROSE.search(arg.strip()))
        yield Told("script" if prose else "args", arg, not prose)


def _data(config_map: Resource | None) -> dict[str, str]:
    if config_map is None:
        return {}
    return {str(k): v for k, v in as_mapping(config_map.body.get("data")).items() if isinstance(v, str)}


def _own_services(pods: list[PodInstance], inventory: Inventory) -> dict[Ref, set[Ref]]:
    """The Services that select any Pod of each workload: its own (a StatefulSet's per-replica Services too)."""
    own: dict[Ref, set[Ref]] = {}
    services = [(s, parse_map_selector(s.spec.get("selector"))) for s in inventory.of_kind("Service")]
    for pod in pods:
        for service, selector in services:
            if service.namespace == pod.ref.namespace and selector.matches(pod.labels):
                own.setdefault(pod.workload, set()).add(service.ref)
    return own


def _components(pods: list[PodInstance]) -> dict[str, list[Ref]]:
    """The Pods (by workload) that are each control-plane component."""
    found: dict[str, list[Ref]] = {}
    for pod in pods:
        component = control_plane_component(pod.ref.name, pod.labels)
        if component is not None and pod.workload not in found.get(component, []):
            found.setdefault(component, []).append(pod.workload)
    return found


def _nearest(targets: list[Ref], namespace: str | None) -> list[Ref]:
    """The component in the caller's namespace if there is one there, else every one of the input."""
    here = [t for t in targets if t.namespace == namespace]
    return here or targets


def inferred_calls(graph: Graph) -> list[Diagnostic]:
    """Each inferred call as a note naming the caller's file and line, what it calls and what said so; sorted. A
    configured call (an address offered, not named) says so after what said it."""
    notes: set[Diagnostic] = set()
    for edge in graph.edges:
        if edge.relation not in (Relation.CALLS, Relation.CONFIGURED):
            continue
        node = graph.nodes.get(edge.source)
        source = node.source if node is not None and node.source is not None else None
        kind = "; configured" if edge.relation is Relation.CONFIGURED else ""
        for line in edge.label.split("\n"):
            via = line.rpartition(" :")[0] or line
            message = f"{edge.source} → {edge.target} ({via}{kind})"
            if source is not None:
                notes.add(Diagnostic(source, Severity.NOTE, message, CHECK))
    return sorted(notes)
