"""Kubernetes accessors: what rules and views read of a manifest. A workload's Pod template, spec, labels and
replica count (a custom kind's through the paths its relationship rule names: `CustomPodTemplate`); containers and
their roles, volumes and mounts, probes and hooks, restart policy and grace period; images, env references and
arguments; Nodes, taints and tolerations; status details; what counts as a usable name. Most reading of manifests
goes through these; a few rules and views still walk a template's `spec` themselves (gen/rules/storage.py,
gen/rules/workloads.py, gen/views/cluster.py).

The kinds themselves (which make Pods, through which object) are facts of the one table, gen/kinds.py: the lists
here (`CONTROLLER_KINDS`, `MIDDLE_KIND`, `SELECTOR_KINDS`) are derived from it, so a new workload kind is one line
there, and the rules pick it up.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, TypeGuard

from .kinds import KINDS, kinds_where
from .model import Resource, as_list, as_mapping, string_map
from .records import record

# Built-in kinds that create Pods from a template, directly or through a middle object.
CONTROLLER_KINDS: tuple[str, ...] = kinds_where(builtin=True, makes_pods=True)
# The object a controller creates between itself and its Pods.
MIDDLE_KIND: dict[str, str] = {f.kind: f.middle for f in KINDS if f.builtin and f.middle}
# Controllers whose `spec.selector` must match their template's labels (Jobs and RCs may default it).
SELECTOR_KINDS: tuple[str, ...] = kinds_where(builtin=True, spec_selector=True)

ContainerRole = Literal["init", "sidecar", "container", "ephemeral"]


def usable_name(value: object) -> TypeGuard[str]:
    """A usable name: a non-empty string (a template rendered with an empty value leaves `name: ""`)."""
    return isinstance(value, str) and bool(value.strip())


def workload_spec(resource: Resource) -> Mapping[str, Any]:
    """The spec that holds the Pod template: a CronJob's is inside its jobTemplate."""
    spec = resource.spec
    if resource.kind == "CronJob" or "jobTemplate" in spec:
        return as_mapping(as_mapping(spec.get("jobTemplate")).get("spec"))
    return spec


def pod_template(resource: Resource) -> Mapping[str, Any] | None:
    """The Pod template (`metadata` + `spec`) a controller creates Pods from, or None."""
    template = workload_spec(resource).get("template")
    return template if isinstance(template, Mapping) else None


def template_labels(template: Mapping[str, Any] | None) -> dict[str, str]:
    """The labels a template gives its Pods."""
    return string_map(as_mapping(as_mapping(template).get("metadata")).get("labels"))


def pod_spec_of(resource: Resource) -> Mapping[str, Any]:
    """The Pod spec a resource runs: a Pod's own spec or its controller's template spec (empty if neither)."""
    if resource.kind == "Pod":
        return resource.spec
    return as_mapping(as_mapping(pod_template(resource)).get("spec"))


def replica_count(resource: Resource) -> int:
    """How many Pods a controller runs at once (a DaemonSet: one, drawn for every node)."""
    if resource.kind == "DaemonSet":
        return 1
    spec = workload_spec(resource)
    value = spec.get("parallelism", 1) if resource.kind in ("Job", "CronJob") else spec.get("replicas", 1)
    return value if isinstance(value, int) and value >= 0 else 1


@record(frozen=True)
class Container:
    """A container of a Pod spec with its role: init (run once, in order), sidecar (a native sidecar: an init
    container with restartPolicy Always), container (main) or ephemeral (debug)."""

    spec: Mapping[str, Any]
    role: ContainerRole

    @property
    def name(self) -> str:
        return str(self.spec.get("name", "?"))

    @property
    def ports(self) -> list[Mapping[str, Any]]:
        return [as_mapping(p) for p in as_list(self.spec.get("ports"))]


def containers(spec: Mapping[str, Any], ephemeral: bool = True) -> Iterator[Container]:
    """Every container of a Pod spec in start order: init containers (native sidecars marked), the main ones,
    then ephemeral ones."""
    for container in map(as_mapping, as_list(spec.get("initContainers"))):
        yield Container(container, "sidecar" if container.get("restartPolicy") == "Always" else "init")
    for container in map(as_mapping, as_list(spec.get("containers"))):
        yield Container(container, "container")
    if ephemeral:
        for container in map(as_mapping, as_list(spec.get("ephemeralContainers"))):
            yield Container(container, "ephemeral")


def serving_containers(spec: Mapping[str, Any]) -> Iterator[Container]:
    """Containers that run for the Pod's whole life and may serve traffic: main ones and native sidecars."""
    return (c for c in containers(spec, ephemeral=False) if c.role in ("container", "sidecar"))


def volumes(spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """A Pod spec's volumes by name."""
    return {v["name"]: v for v in map(as_mapping, as_list(spec.get("volumes"))) if usable_name(v.get("name"))}


# --- A Pod's life: restart policy, grace period, readiness gates, lifecycle hooks and probes ---------------------

RestartPolicy = Literal["Always", "OnFailure", "Never"]
RESTART_POLICIES: tuple[RestartPolicy, ...] = ("Always", "OnFailure", "Never")
DEFAULT_GRACE_SECONDS = 30


def restart_policy(spec: Mapping[str, Any]) -> tuple[RestartPolicy, bool]:
    """The Pod's restartPolicy and whether the spec writes it (Always when it does not, or writes nonsense)."""
    value = spec.get("restartPolicy")
    for policy in RESTART_POLICIES:
        if value == policy:
            return policy, True
    return "Always", False


def grace_period(spec: Mapping[str, Any]) -> tuple[int, bool]:
    """terminationGracePeriodSeconds and whether the spec writes it (30 when it does not)."""
    value = spec.get("terminationGracePeriodSeconds")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, True
    return DEFAULT_GRACE_SECONDS, False


def active_deadline(spec: Mapping[str, Any]) -> int | None:
    """activeDeadlineSeconds: how long the Pod may be active before it is failed, if the spec limits it."""
    value = spec.get("activeDeadlineSeconds")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def readiness_gates(spec: Mapping[str, Any]) -> list[str]:
    """The condition types a Pod's readinessGates add to its readiness."""
    gates = (as_mapping(gate).get("conditionType") for gate in as_list(spec.get("readinessGates")))
    return [gate for gate in gates if usable_name(gate)]


HandlerKind = Literal["exec", "httpGet", "tcpSocket", "grpc", "sleep"]
HANDLER_KINDS: tuple[HandlerKind, ...] = ("exec", "httpGet", "tcpSocket", "grpc", "sleep")


@record(frozen=True)
class Handler:
    """What a hook or probe does: run a command, GET a path, open a TCP or gRPC connection, or sleep. Values are
    as written (an exec command is unmasked here: views mask it before drawing)."""

    kind: HandlerKind
    command: tuple[str, ...] = ()  # exec
    path: str = ""  # httpGet
    port: str = ""  # httpGet, tcpSocket, grpc: a number or a port name
    host: str = ""  # httpGet, tcpSocket, when not the Pod's IP
    scheme: str = ""  # httpGet: HTTP (default) or HTTPS
    seconds: int | None = None  # sleep


def handler_of(value: object) -> Handler | None:
    """The handler a hook or probe mapping holds (its first known action), or None."""
    mapping = as_mapping(value)
    for kind in HANDLER_KINDS:
        action = mapping.get(kind)
        if not isinstance(action, Mapping):
            continue
        port = action.get("port")
        port_text = "" if port is None or isinstance(port, Mapping | list) else str(port)
        if kind == "exec":
            return Handler(kind, command=tuple(str(a) for a in as_list(action.get("command"))))
        if kind == "sleep":
            seconds = action.get("seconds")
            return Handler(kind, seconds=seconds if isinstance(seconds, int) else None)
        return Handler(kind, path=str(action.get("path") or ""), port=port_text, host=str(action.get("host") or ""),
                       scheme=str(action.get("scheme") or ""))
    return None


HookKind = Literal["postStart", "preStop"]


def hook(container: Container, kind: HookKind) -> Handler | None:
    """A container's postStart or preStop hook."""
    return handler_of(as_mapping(container.spec.get("lifecycle")).get(kind))


ProbeKind = Literal["startup", "liveness", "readiness"]
PROBE_KINDS: tuple[ProbeKind, ...] = ("startup", "liveness", "readiness")  # the startup probe gates the others
# Kubernetes' defaults for a probe's timings.
PROBE_DEFAULTS: dict[str, int] = {"initialDelaySeconds": 0, "periodSeconds": 10, "timeoutSeconds": 1,
                                  "failureThreshold": 3, "successThreshold": 1}


@record(frozen=True)
class Probe:
    kind: ProbeKind
    handler: Handler | None
    timings: Mapping[str, int]  # every field of PROBE_DEFAULTS: the written value, else the default
    written: frozenset[str]  # the timing fields the spec writes


def probes(container: Container) -> list[Probe]:
    """A container's probes, startup first (it gates the others), then liveness, readiness."""
    found = []
    for kind in PROBE_KINDS:
        spec = container.spec.get(f"{kind}Probe")
        if not isinstance(spec, Mapping):
            continue
        written = {key for key in PROBE_DEFAULTS
                   if isinstance(spec.get(key), int) and not isinstance(spec.get(key), bool)}
        timings = {key: spec[key] if key in written else default for key, default in PROBE_DEFAULTS.items()}
        found.append(Probe(kind, handler_of(spec), timings, frozenset(written)))
    return found


def mounts(container: Container) -> list[Mapping[str, Any]]:
    """A container's volumeMounts that name a volume."""
    return [m for m in map(as_mapping, as_list(container.spec.get("volumeMounts"))) if usable_name(m.get("name"))]


def volume_type(volume: Mapping[str, Any]) -> str:
    """The source a volume reads from: emptyDir, hostPath, configMap, secret, persistentVolumeClaim… (the first key
    besides its name), or "emptyDir" when it names none (the API's default)."""
    return next((key for key in volume if key != "name"), "emptyDir")


# What identifies each in-tree volume source, shown beside its type (`nfs 10.0.0.5:/exports`).
_VOLUME_DETAIL_KEYS: dict[str, tuple[str, ...]] = {
    "hostPath": ("path",), "nfs": ("server", "path"), "csi": ("driver",), "iscsi": ("targetPortal", "iqn"),
    "awsElasticBlockStore": ("volumeID",), "gcePersistentDisk": ("pdName",), "azureDisk": ("diskName",),
    "azureFile": ("shareName",), "cephfs": ("path",), "rbd": ("pool", "image"), "cinder": ("volumeID",),
    "glusterfs": ("endpoints", "path"), "fc": ("wwids",), "flexVolume": ("driver",), "image": ("reference",),
    "vsphereVolume": ("volumePath",), "portworxVolume": ("volumeID",), "quobyte": ("registry", "volume"),
    "scaleIO": ("gateway", "volumeName"), "storageos": ("volumeName",), "gitRepo": ("repository",),
    "photonPersistentDisk": ("pdID",), "flocker": ("datasetName",),
}


def volume_detail(volume: Mapping[str, Any]) -> str:
    """A volume's type and what identifies its source: `hostPath /var/log`, `nfs 10.0.0.5 /exports`, `csi
    secrets-store.csi.k8s.io`; the type alone when it names nothing more."""
    kind = volume_type(volume)
    source = as_mapping(volume.get(kind))
    values = [str(source[key]) for key in _VOLUME_DETAIL_KEYS.get(kind, ()) if isinstance(source.get(key), str | int)]
    return " ".join([kind, *values])


def volume_secret_names(volume: Mapping[str, Any]) -> list[str]:
    """Secrets a volume plugin reads its credentials from: `secretRef` (cephfs, rbd, iscsi, flexVolume, scaleIO,
    storageos, cinder), `secretName` (azureFile) and the CSI driver's `nodePublishSecretRef`. A `secret` volume's
    own Secret is what it mounts, not a credential, and is not listed."""
    kind = volume_type(volume)
    if kind == "secret":
        return []
    source = as_mapping(volume.get(kind))
    names = [as_mapping(source.get(key)).get("name") for key in ("secretRef", "nodePublishSecretRef")]
    names.append(source.get("secretName"))
    return [name for name in names if usable_name(name)]


# Image references (the grammar of distribution/reference): [host[:port]/]path[:tag][@digest]. The host is the
# first component when it holds a "." or ":" or is "localhost"; otherwise the image is on Docker Hub, whose
# one-component names are official images under "library/".
DEFAULT_REGISTRY = "docker.io"
DEFAULT_TAG = "latest"
_HUB_ALIASES = ("index.docker.io", "registry-1.docker.io")


@record(frozen=True)
class ImageRef:
    """An image reference with the implicit parts made explicit: registry (docker.io), the `library/` namespace of
    Docker Hub's official images, and the tag `latest` when neither a tag nor a digest is given."""

    registry: str  # host, with its port when it has one
    repository: str  # the path inside the registry
    tag: str | None  # None when only a digest pins the image
    digest: str | None  # algorithm:hex; when present it wins over the tag
    original: str  # as written in the manifest

    @property
    def version(self) -> str:
        """What is pulled: the tag, the digest, or both (the digest decides)."""
        digest = _short_digest(self.digest) if self.digest else ""
        if self.tag and digest:
            return f"{self.tag}@{digest}"
        return self.tag or digest

    @property
    def full_name(self) -> str:
        tag = f":{self.tag}" if self.tag else ""
        digest = f"@{self.digest}" if self.digest else ""
        return f"{self.registry}/{self.repository}{tag}{digest}"


def _short_digest(digest: str) -> str:
    algorithm, _, value = digest.partition(":")
    return f"{algorithm}:{value[:12]}…" if len(value) > 12 else digest


def parse_image(reference: object) -> ImageRef | None:
    """Parse an image reference; None for what no runtime could pull (empty, spaces, a template left unrendered)."""
    if not usable_name(reference):
        return None
    text = reference.strip()
    if any(c.isspace() for c in text) or "{{" in text:
        return None
    name, _, digest = text.partition("@")
    if "@" in text and ":" not in digest:
        return None
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, rest
    else:
        registry, path = DEFAULT_REGISTRY, name
    if registry in _HUB_ALIASES:
        registry = DEFAULT_REGISTRY
    # A tag is a colon in the last path component (a colon before it belongs to the host's port).
    last = path.rsplit("/", 1)[-1]
    tag: str | None = None
    if ":" in last:
        path, _, tag = path.rpartition(":")
    if not path or not path.strip("/") or tag == "":
        return None
    if registry == DEFAULT_REGISTRY and "/" not in path:
        path = f"library/{path}"
    if tag is None and not digest:
        tag = DEFAULT_TAG
    return ImageRef(registry, path, tag, digest or None, text)


def pod_metadata(resource: Resource) -> Mapping[str, Any]:
    """The metadata a resource's Pods carry: a Pod's own, or its controller's template metadata."""
    if resource.kind == "Pod":
        return resource.metadata
    return as_mapping(as_mapping(pod_template(resource)).get("metadata"))


# kubectl's annotation naming the container `kubectl logs/exec` default to: the Pod's primary container.
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


# --- What a container is told to reach: env values, ConfigMaps it reads, flags ----------------------------------

def env_literals(container: Container) -> Iterator[tuple[str, str]]:
    """A container's env entries written as literal values: (name, value). Values may be secret: callers never
    print them."""
    for env in map(as_mapping, as_list(container.spec.get("env"))):
        name, value = env.get("name"), env.get("value")
        if usable_name(name) and isinstance(value, str | int) and not isinstance(value, bool):
            yield name, str(value)


def env_config_map_keys(container: Container) -> Iterator[tuple[str, str, str]]:
    """Env entries read from one ConfigMap key: (env name, ConfigMap name, key)."""
    for env in map(as_mapping, as_list(container.spec.get("env"))):
        ref = as_mapping(as_mapping(env.get("valueFrom")).get("configMapKeyRef"))
        if usable_name(env.get("name")) and usable_name(ref.get("name")) and usable_name(ref.get("key")):
            yield env["name"], ref["name"], ref["key"]


def env_from_config_maps(container: Container) -> Iterator[tuple[str, str]]:
    """ConfigMaps a container takes every key of as env (envFrom): (ConfigMap name, prefix)."""
    for env_from in map(as_mapping, as_list(container.spec.get("envFrom"))):
        ref = as_mapping(env_from.get("configMapRef"))
        if usable_name(ref.get("name")):
            yield ref["name"], str(env_from.get("prefix") or "")


def config_map_volumes(spec: Mapping[str, Any]) -> Iterator[tuple[str, tuple[str, ...] | None]]:
    """ConfigMaps a Pod mounts (directly or projected): (name, the keys it lists, or None for every key)."""
    sources = [as_mapping(v.get("configMap")) for v in volumes(spec).values()]
    for volume in volumes(spec).values():
        for source in map(as_mapping, as_list(as_mapping(volume.get("projected")).get("sources"))):
            sources.append(as_mapping(source.get("configMap")))
    for source in sources:
        if usable_name(source.get("name")):
            items = [as_mapping(i).get("key") for i in as_list(source.get("items"))]
            keys = tuple(k for k in items if usable_name(k))
            yield source["name"], keys or None


def arguments(container: Container) -> list[str]:
    """A container's command and args, in order, as strings."""
    return [str(a) for a in as_list(container.spec.get("command")) + as_list(container.spec.get("args"))
            if isinstance(a, str | int | float) and not isinstance(a, bool)]


def flag_values(args: list[str]) -> Iterator[tuple[str, str]]:
    """`--flag=value` and `--flag value` pairs of a command line (single-dash flags too)."""
    for index, arg in enumerate(args):
        if not arg.startswith("-") or arg in ("-", "--") or any(c.isspace() for c in arg):
            continue
        flag, equals, value = arg.partition("=")
        if equals:
            yield flag, value
        elif index + 1 < len(args) and not args[index + 1].startswith("-"):
            yield flag, args[index + 1]


# --- The cluster itself: control-plane components, Nodes, where Pods run -----------------------------------------

# kubeadm's static Pods label themselves `component: NAME` and are named NAME-<node> once mirrored by a kubelet.
CONTROL_PLANE_COMPONENTS: tuple[str, ...] = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")


def control_plane_component(name: str, labels: Mapping[str, str]) -> str | None:
    """Which control-plane component a Pod is (by its `component` label, else its name), or None."""
    label = labels.get("component")
    if label in CONTROL_PLANE_COMPONENTS:
        return label
    for component in CONTROL_PLANE_COMPONENTS:
        if name == component or name.startswith(f"{component}-"):
            return component
    return None


def node_roles(labels: Mapping[str, str]) -> list[str]:
    """A Node's roles as kubectl prints them: from `node-role.kubernetes.io/ROLE` labels."""
    prefix = "node-role.kubernetes.io/"
    return sorted(key[len(prefix):] for key in labels if key.startswith(prefix) and key[len(prefix):])


def node_info(node: Resource) -> dict[str, str]:
    """A Node's status.nodeInfo (kubeletVersion, containerRuntimeVersion, osImage…) as strings."""
    return string_map(as_mapping(node.body.get("status")).get("nodeInfo"))


def tolerates(spec: Mapping[str, Any], taints: list[Mapping[str, Any]]) -> bool:
    """Whether a Pod spec tolerates every NoSchedule / NoExecute taint of a Node."""
    tolerations = [as_mapping(t) for t in as_list(spec.get("tolerations"))]
    for taint in taints:
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(_tolerates(toleration, taint) for toleration in tolerations):
            return False
    return True


def _tolerates(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    if toleration.get("effect") not in (None, "", taint.get("effect")):
        return False
    key = toleration.get("key")
    if toleration.get("operator") == "Exists":
        return key in (None, "") or key == taint.get("key")
    return key == taint.get("key") and str(toleration.get("value") or "") == str(taint.get("value") or "")


def runs_on(spec: Mapping[str, Any], node: Resource) -> bool:
    """Whether a Pod spec may run on a Node: its nodeSelector matches the Node's labels and it tolerates the
    Node's taints (node affinity is not read)."""
    selector = string_map(spec.get("nodeSelector"))
    if any(node.labels.get(key) != value for key, value in selector.items()):
        return False
    return tolerates(spec, [as_mapping(t) for t in as_list(node.spec.get("taints"))])


# --- Custom kinds: field paths, and Pod templates named by relationship rules (gen/rules/custom/) --------------


class FieldPathError(ValueError):
    """A field path that cannot be read: what is wrong and at which character (from 1)."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (at character {column})")
        self.message, self.column = message, column


@record(frozen=True)
class FieldStep:
    """One step of a field path: a key, and whether it visits every item of the list found there (`[]`)."""

    key: str
    each: bool = False


_PLAIN_KEY = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


@functools.lru_cache(maxsize=1024)
def parse_field_path(path: str) -> tuple[FieldStep, ...]:
    """The steps of a field path: dotted keys (`spec.secretName`), `[]` after a step for every item of a list
    (`spec.endpoints[].port`), and a quoted key for one that holds `.` or `/` (`metadata.annotations["dapr.io/app-id"]`,
    or in single quotes). A quoted key holds any character but its own quote, and is never empty. Raises
    FieldPathError naming what is wrong and where."""
    steps: list[FieldStep] = []
    position = 0
    while True:
        if path.startswith(("[\"", "['"), position):  # a quoted key: ["a.b/c"]
            quote = path[position + 1]
            end = path.find(quote, position + 2)
            if end < 0:
                raise FieldPathError(f"the quote {quote} opened here is never closed", position + 2)
            if not path.startswith("]", end + 1):
                raise FieldPathError(f"a quoted key must end with {quote}]", end + 2)
            key = path[position + 2:end]
            if not key:
                raise FieldPathError("an empty quoted key", position + 1)
            position = end + 2
        else:
            start = position
            while position < len(path) and path[position] in _PLAIN_KEY:
                position += 1
            key = path[start:position]
            if not key:
                raise FieldPathError(_missing_key(path, position), position + 1)
        each = path.startswith("[]", position)
        position += 2 if each else 0
        steps.append(FieldStep(key, each))
        if position == len(path):
            return tuple(steps)
        if path.startswith(".", position):
            position += 1
            if position == len(path):
                raise FieldPathError("a key is missing after the last '.'", position)
        elif path[position] not in _PLAIN_KEY and path[position] != "[":
            raise FieldPathError(_missing_key(path, position), position + 1)
        elif not path.startswith("[", position) or path.startswith("[]", position):
            raise FieldPathError("a key must be followed by '.', '[]' or a quoted key ([\"…\"])", position + 1)


def _missing_key(path: str, position: int) -> str:
    """Why no key begins at `position` of a path."""
    if position == len(path) or path[position] == ".":
        return "a key is missing"
    if path[position] == "[":
        return "'[' opens a quoted key ([\"dapr.io/app-id\"]) or is '[]' after a key (every item of a list)"
    return "a character that may only be in a quoted key (metadata.annotations[\"dapr.io/app-id\"])"


def field_path_text(steps: Iterable[FieldStep]) -> str:
    """A field path written back: plain keys dotted, any other key quoted (parse_field_path reads it again)."""
    text = ""
    for step in steps:
        if step.key and set(step.key) <= _PLAIN_KEY:
            text += f"{'.' if text else ''}{step.key}"
        else:
            text += f"['{step.key}']" if '"' in step.key else f'["{step.key}"]'
        text += "[]" if step.each else ""
    return text


def field_values(value: object, path: str) -> list[Any]:
    """The values at a field path (parse_field_path): `spec.secretName`; `spec.endpoints[].port` visits every item
    of a list; `metadata.annotations["dapr.io/app-id"]` reads a key with dots. A step that is missing or null gives
    nothing (manifests are often partial); so does a path that cannot be read (the rule reader refuses those)."""
    try:
        steps = parse_field_path(path)
    except FieldPathError:
        return []
    current: list[Any] = [value]
    for step in steps:
        found: list[Any] = []
        for item in current:
            child = item.get(step.key) if isinstance(item, Mapping) else None
            if child is None:
                continue
            if step.each:
                found.extend(c for c in as_list(child) if c is not None)
            else:
                found.append(child)
        current = found
    return current


# Placeholders a rule's podName and labels may hold: the resource's name, the group's and the Pod's index.
POD_PLACEHOLDERS: tuple[str, ...] = ("{name}", "{group}", "{index}")


@record(frozen=True)
class CustomPodTemplate:
    """Where a custom workload kind keeps a Pod template, as a relationship rule says: its Pods are derived like a
    Deployment's (an Argo Rollout's spec.template, a LeaderWorkerSet's leaderWorkerTemplate.workerTemplate).

    Pods may come in `groups` (a LeaderWorkerSet's spec.replicas), each of `replicas` Pods indexed from
    `first_index` up to replicas − 1 (its workers: 1 … size − 1, index 0 being the leader, made by another
    template). `pod_name` and `labels` say what the controller names and labels each Pod, with POD_PLACEHOLDERS;
    without a pod_name the Pods are drawn as a Deployment's, `x-1`, `x-2`…"""

    group: str
    kind: str
    template: str  # field path of the template (metadata + spec)
    replicas: tuple[str, ...] = ()  # field paths whose numbers multiply into the Pod count (per group); 1 where absent
    name: str = ""  # tells a second template of one resource apart (a LeaderWorkerSet's leader): Pods `x-NAME-1`
    through: str | None = None  # the object the controller creates between itself and its Pods (ReplicaSet)
    fallbacks: tuple[str, ...] = ()  # paths of the template to use when `template` is absent, in order
    groups: str | None = None  # field path of the number of groups
    first_index: int = 0
    pod_name: str = ""
    labels: tuple[tuple[str, str], ...] = ()  # label → value, with placeholders

    def template_of(self, resource: Resource) -> Mapping[str, Any] | None:
        for path in (self.template, *self.fallbacks):
            found = field_values(resource.body, path)
            if found:
                return found[0] if len(found) == 1 and isinstance(found[0], Mapping) else None
        return None

    def count_of(self, resource: Resource) -> int:
        """How many Pods the template makes: groups × (replicas − first_index)."""
        return self.group_count(resource) * self._per_group(resource)

    def _per_group(self, resource: Resource) -> int:
        count = 1
        for path in self.replicas:
            count *= _count_at(resource, path)
        return max(count - self.first_index, 0)

    def group_count(self, resource: Resource) -> int:
        return _count_at(resource, self.groups) if self.groups else 1

    def pod_at(self, resource: Resource, ordinal: int) -> tuple[str, dict[str, str]]:
        """The name and the labels the controller gives the template's `ordinal`-th Pod (from 0, group by group)."""
        group, offset = divmod(ordinal, max(self._per_group(resource), 1))
        values = {"{name}": resource.name, "{group}": str(group), "{index}": str(self.first_index + offset)}
        return _fill(self.pod_name, values), {key: _fill(value, values) for key, value in self.labels}

    def shared_labels(self, resource: Resource) -> dict[str, str]:
        """The labels every Pod of the template gets alike: those of a node that stands for several Pods."""
        return {key: _fill(value, {"{name}": resource.name}) for key, value in self.labels
                if "{group}" not in value and "{index}" not in value}


def _count_at(resource: Resource, path: str) -> int:
    values = field_values(resource.body, path)
    value = values[0] if len(values) == 1 else 1
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 1


def _fill(pattern: str, values: Mapping[str, str]) -> str:
    for placeholder, value in values.items():  # plain replacement: a rule file is data, never a format string
        pattern = pattern.replace(placeholder, value)
    return pattern


# --- Status, as a dump of a live cluster (`kubectl get … -o yaml`) carries it ------------------------------------


def status_details(resource: Resource) -> tuple[str, ...]:
    """What a resource's status says, as short node details: a Pod's phase (or the reason its container waits),
    `1/1 ready` and `restarts 3`; a controller's `1/2 ready`. Empty when the input has no status (a manifest)."""
    status = as_mapping(resource.body.get("status"))
    if not status:
        return ()
    if resource.kind == "Pod":
        statuses = [as_mapping(s) for s in as_list(status.get("containerStatuses"))]
        waiting = [str(as_mapping(as_mapping(s.get("state")).get("waiting")).get("reason") or "") for s in statuses]
        phase = next((reason for reason in waiting if reason), str(status.get("phase") or ""))
        details = [phase] if phase else []
        if statuses:
            ready = sum(1 for s in statuses if s.get("ready") is True)
            details.append(f"{ready}/{len(statuses)} ready")
            restarts = sum(int(s["restartCount"]) for s in statuses if isinstance(s.get("restartCount"), int))
            if restarts:
                details.append(f"restarts {restarts}")
        return tuple(details)
    if resource.kind in CONTROLLER_KINDS and resource.kind not in ("Job", "CronJob"):
        wanted = status.get("desiredNumberScheduled") if resource.kind == "DaemonSet" else status.get("replicas")
        done = status.get("numberReady") if resource.kind == "DaemonSet" else status.get("readyReplicas", 0)
        if wanted == 0:
            return ("scaled to 0",)  # an old ReplicaSet a rollout left behind
        if isinstance(wanted, int) and isinstance(done, int):
            return (f"{done}/{wanted} ready",)
    if resource.kind == "Job":
        counts = [f"{status[key]} {key}" for key in ("active", "succeeded", "failed") if status.get(key)]
        return (", ".join(counts),) if counts else ()
    if resource.kind in ("PersistentVolumeClaim", "PersistentVolume") and usable_name(status.get("phase")):
        return (str(status["phase"]),)  # Bound, Pending, Released…
    return ()
