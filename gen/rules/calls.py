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
value naming the application itself, such as OTEL_SERVICE_NAME; a StatefulSet's per-replica Services). Free text
(a shell script, a config file) is read for URLs and `host:port` only: a bare word in prose is not an address.
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
_URL = re.compile(rf"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{{0,31}}://(?:[^@/\s]{{0,256}}@)?"
                  rf"(?P<host>{_NAME}(?![a-z0-9-])|\[[0-9a-f:.]{{2,45}}\])(?::(?P<port>\d{{1,5}}))?", _HOST_FLAGS)
_TOKEN = re.compile(rf"(?P<host>{_NAME})(?::(?P<port>\d{{1,5}}))?(?:/\S*)?", _HOST_FLAGS)
_HOST_PORT_IN_TEXT = re.compile(rf"(?<![\w./@:$-])(?P<host>{_NAME}):(?P<port>\d{{1,5}})\b", _HOST_FLAGS)
_QUALIFIED_IN_TEXT = re.compile(rf"(?<![\w./@:$-])(?P<host>{_NAME}\.svc(?:\.cluster\.local)?)\b", _HOST_FLAGS)
# The text a value is read for: the API's limit on a whole ConfigMap (1 MiB), so no real value is cut, and hostile
# input (a generated file far larger) costs a bounded time. A word longer than an address can be is none.
MAX_SCANNED = 1 << 20
MAX_ADDRESS = 2048
_SEPARATORS = re.compile(r"[,;\s]+")
# What may label a call: names, never values. A long flag (`--backend`), a lone short flag (`-b`: `-pPASS`,
# `-uadmin:PASS` and `-HX-Api-Key:KEY` are a short flag with its value glued on), an env var's name, a ConfigMap's
# name and key (the API's own alphabets).
_FLAG_NAME = re.compile(r"--[A-Za-z0-9][A-Za-z0-9_.-]*|-[A-Za-z0-9]", re.ASCII)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*", re.ASCII)  # C identifiers, and the dotted keys envFrom makes
_KEY_NAME = re.compile(r"[A-Za-z0-9._-]{1,253}", re.ASCII)
_PROSE = re.compile(r"[^,;\s]\s+[^,;\s]")  # words apart by spaces alone: a sentence or script, not a list


@record(frozen=True)
class Address:
    host: str
    port: str  # "" when none is written


@record(frozen=True)
class Told:
    """One value a container is given: what told it (`via`) and the text."""

    via: str
    text: str
    whole: bool  # a value in itself (env, flag): a bare name counts; else free text: only URLs and host:port
    flag: str = ""


def addresses(text: str, whole: bool) -> list[Address]:
    """The hosts (and ports) a value names: every token of a value or list of values (`a:1,b:2`), or the URLs and
    host:port of free text (words apart by spaces alone)."""
    found: list[Address] = []
    text = text[:MAX_SCANNED]
    if whole and not _PROSE.search(text.strip()):
        for token in filter(None, _SEPARATORS.split(text.strip())):
            if len(token) > MAX_ADDRESS:
                continue
            match = _URL.match(token) or _TOKEN.fullmatch(token)
            if match is not None:
                found.append(Address(match.group("host").lower().strip("[]"), match.group("port") or ""))
        return found
    for pattern in (_URL, _HOST_PORT_IN_TEXT, _QUALIFIED_IN_TEXT):
        for match in pattern.finditer(text):
            port = match.groupdict().get("port") or ""
            found.append(Address(match.group("host").lower().strip("[]"), port))
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
    """Workload → Service (or control-plane component) it is told to reach."""
    facts = Facts()
    components = _components(pods)
    own_services = _own_services(pods, inventory)
    for pod in pods:
        own = own_services.get(pod.workload, set())
        for told in _told(pod, inventory):
            reached = False
            for address in addresses(told.text, told.whole):
                target = service_named(address.host, pod.ref.namespace, inventory)
                if target is None or target in own:
                    continue
                reached = True
                facts.edges.append(GraphEdge(pod.workload, target, Relation.CALLS, _label(told.via, address.port)))
            component = COMPONENT_FLAGS.get(told.flag)
            if reached or component is None:
                continue
            for target in _nearest(components.get(component, []), pod.ref.namespace):
                if target != pod.workload:
                    ports = [a.port for a in addresses(told.text, True) if a.port]
                    facts.edges.append(GraphEdge(pod.workload, target, Relation.CALLS,
                                                 _label(told.via, ports[0] if ports else "")))
    return facts


def _label(via: str, port: str) -> str:
    return f"{via} :{port}" if port else via


def _told(pod: PodInstance, inventory: Inventory) -> Iterator[Told]:
    """Every value the Pod's containers are given, with what gave it; ConfigMap data only of ConfigMaps it uses."""
    namespace = pod.ref.namespace
    for container in containers(pod.spec):
        for name, value in env_literals(container):
            yield Told(_named(name, _ENV_NAME, "env"), value, True)
        for name, config_map, key in env_config_map_keys(container):
            data = _data(inventory.get(Ref("ConfigMap", namespace, config_map)))
            if key in data:
                yield Told(_named(name, _ENV_NAME, "env"), data[key], True)
        for config_map, prefix in env_from_config_maps(container):
            for key, value in _data(inventory.get(Ref("ConfigMap", namespace, config_map))).items():
                yield Told(_named(f"{prefix}{key}", _ENV_NAME, "env"), value, True)
        yield from _told_by_arguments(container)
    for config_map, keys in config_map_volumes(pod.spec):
        for key, value in _data(inventory.get(Ref("ConfigMap", namespace, config_map))).items():
            if keys is None or key in keys:
                via = (f"{config_map}/{key}" if _KEY_NAME.fullmatch(config_map) and _KEY_NAME.fullmatch(key)
                       else "configMap")
                yield Told(via, value, "\n" not in value.strip())


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
            yield Told(_named(flag, _FLAG_NAME, "args"), value, True, flag)
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
    """Each inferred call as a note naming the caller's file and line, what it calls and what said so; sorted."""
    notes: set[Diagnostic] = set()
    for edge in graph.edges:
        if edge.relation is not Relation.CALLS:
            continue
        node = graph.nodes.get(edge.source)
        source = node.source if node is not None and node.source is not None else None
        for line in edge.label.split("\n"):
            via = line.rpartition(" :")[0] or line
            message = f"{edge.source} → {edge.target} ({via})"
            if source is not None:
                notes.add(Diagnostic(source, Severity.NOTE, message, CHECK))
    return sorted(notes)
