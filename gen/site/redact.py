"""Showing a manifest's YAML without anything that could be a secret.

The rule: a value is shown only where it is known to be safe; everything else is masked. Safe are names, kinds,
images, ports, paths and the label values of an object's own labels (and of its selectors), at the places the
Kubernetes API gives them (see SAFE_KEYS). Annotation values are all masked. Mapping keys are shown; every other
value, anywhere, in any file (drawn or not: a kustomization, Helm values, an OpenShift Template), is masked.
Comments are dropped: they are text nobody vetted. A command (a container's `command` and `args`, an exec
handler's `command`) is shown as the figures show it: the whole argv masked as one line (gen/masking.py's
command_text), each item then shown as that line has it, so that `--password x` masks `x` as the figure does.

Redaction works on the parser's nodes, the same ones the loader constructs its objects from, so that it sees what
the loader sees: both entries of a duplicated key, values merged in with `<<:` or reached through an alias, List
items without a kind, templates at any depth. Each node is judged by every path that reaches it and shown only if
all say it is safe. The text is then written back with masked values replaced, so the layout stays as written.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from enum import Enum

import yaml

from ..masking import command_text, mask_text
from ..safeyaml import Refused, inspected_nodes

REDACTED = "«redacted»"


class _Context(Enum):
    """What the entries of a mapping are, for the judgement of their values."""

    ROOT = "root"  # above a document
    OBJECT = "object"  # a Kubernetes object, a List item, a Pod or Job template, a volume claim template
    METADATA = "metadata"
    LABELS = "labels"  # label values: shown
    ANNOTATIONS = "annotations"  # masked
    SPEC = "spec"  # the structure of a spec: names, ports, paths… shown, the rest masked
    SELECTOR = "selector"  # label selectors: keys, operators and label values shown
    OPAQUE = "opaque"  # everything below is masked


# Keys whose value, a string or number, is safe inside a spec: names, kinds, images, ports, paths, hosts, and
# the few enumerations and counts the figures draw.
SAFE_KEYS = frozenset({
    "name", "kind", "apiVersion", "namespace", "image", "imagePullPolicy",
    "containerPort", "hostPort", "port", "targetPort", "nodePort", "protocol", "number", "appProtocol",
    "mountPath", "subPath", "path", "pathType", "readOnly", "host", "hosts", "medium",
    "secretName", "claimName", "serviceName", "servicePort", "serviceAccountName", "serviceAccount",
    "ingressClassName", "storageClassName", "volumeName", "externalName",
    "type", "replicas", "parallelism", "restartPolicy", "minReplicas", "maxReplicas", "optional",
    "scope", "plural", "singular", "listKind", "shortNames", "group",
    # the claim and the class a reader of a storage figure asks about: enumerations and quantities
    "accessModes", "volumeMode", "storage", "cpu", "memory", "controller",
    # the timings and gates the lifecycle figures draw: numbers and condition names
    "terminationGracePeriodSeconds", "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold",
    "successThreshold", "seconds", "conditionType",
})
# A `key:` names a key of a ConfigMap or Secret only below these.
KEY_HOLDERS = frozenset({"secretKeyRef", "configMapKeyRef", "items"})

# Keys of a spec whose mapping or list value is more spec structure.
SPEC_KEYS = frozenset({
    "spec", "containers", "initContainers", "ephemeralContainers", "ports", "volumeMounts", "volumes", "env",
    "envFrom", "valueFrom", "secretKeyRef", "configMapKeyRef", "configMapRef", "secretRef", "configMap", "secret",
    "persistentVolumeClaim", "projected", "sources", "items", "hostPath", "emptyDir", "livenessProbe",
    "readinessProbe", "startupProbe", "httpGet", "tcpSocket", "grpc", "rules", "http", "paths", "backend",
    "defaultBackend", "service", "port", "tls", "resource", "imagePullSecrets", "roleRef", "subjects",
    "scaleTargetRef", "clientConfig", "webhooks", "names", "ownerReferences", "ingress", "egress", "to", "from",
    "podSelector", "namespaceSelector", "parentRefs", "backendRefs", "listeners",
    "resources", "requests", "limits", "capacity",
    # a container's hooks and a Pod's readiness gates: their handlers' paths, ports and commands (COMMAND_KEYS)
    "lifecycle", "postStart", "preStop", "sleep", "readinessGates", "exec",
})
# Keys whose list is a command's argv (one line together, as a figure writes it), in a spec's mapping.
COMMAND_KEYS = ("command", "args")
OBJECT_KEYS = frozenset({"template", "jobTemplate", "volumeClaimTemplates"})  # {metadata, spec} again


def _enter(context: _Context, key: str) -> _Context:
    """The context of the entries of a mapping found under `key` in `context`."""
    if context is _Context.ROOT:
        return _Context.OBJECT
    if context is _Context.OBJECT:
        if key == "metadata":
            return _Context.METADATA
        if key == "items":  # a List's items are objects, with or without a kind
            return _Context.OBJECT
        if key in ("spec", "roleRef", "subjects", "webhooks"):
            return _Context.SPEC
        return _Context.OPAQUE
    if context is _Context.METADATA:
        return {"labels": _Context.LABELS, "annotations": _Context.ANNOTATIONS,
                "ownerReferences": _Context.SPEC}.get(key, _Context.OPAQUE)
    if context is _Context.SPEC:
        if key == "metadata":
            return _Context.METADATA
        if key in OBJECT_KEYS:
            return _Context.OBJECT
        if key in ("selector", "podSelector", "namespaceSelector"):
            return _Context.SELECTOR
        return _Context.SPEC if key in SPEC_KEYS else _Context.OPAQUE
    if context is _Context.SELECTOR:
        if key == "matchLabels":
            return _Context.LABELS
        return _Context.SELECTOR if key == "matchExpressions" else _Context.OPAQUE
    return _Context.OPAQUE  # LABELS, ANNOTATIONS, OPAQUE: nothing nests below a label value


def _safe(context: _Context, key: str, holder: str) -> bool:
    """Whether a scalar under `key`, in a mapping of `context` that sits under `holder`, may be shown."""
    if context is _Context.OBJECT:
        return key in ("apiVersion", "kind", "type")
    if context is _Context.METADATA:
        return key in ("name", "namespace", "generateName")
    if context is _Context.LABELS:
        return True
    if context is _Context.SELECTOR:
        return True  # a Service's label map, or matchExpressions' key, operator and values
    if context is _Context.SPEC:
        return key in SAFE_KEYS or (key == "key" and holder in KEY_HOLDERS)
    return False


_State = tuple[yaml.Node, _Context, str, str]  # node, context of its mapping, its key, that mapping's key


def _judge(root: yaml.Node) -> tuple[set[int], dict[int, str], list[yaml.ScalarNode]]:
    """Ids of the scalar nodes to mask, the text to show for command items the figures' masking changed, and
    every scalar node of the document. Iterative; each node is visited once per distinct way of reaching it
    (inspect() has bounded how many aliases there can be)."""
    masked: set[int] = set()
    shown_as: dict[int, str] = {}
    scalars: dict[int, yaml.ScalarNode] = {}
    visited: set[tuple[int, _Context, str, str]] = set()
    stack: list[_State] = [(root, _Context.ROOT, "", "")]
    while stack:
        node, context, key, holder = stack.pop()
        if context is _Context.OPAQUE:
            key = holder = ""  # below an opaque key every path judges alike: fewer states
        state = (id(node), context, key, holder)
        if state in visited:
            continue
        visited.add(state)
        if isinstance(node, yaml.ScalarNode):
            scalars[id(node)] = node
            if not _safe(context, key, holder) or node.style in ("|", ">"):
                masked.add(id(node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, context, key, holder) for item in node.value)  # items judged as their list
        elif isinstance(node, yaml.MappingNode):
            inner = _enter(context, key)
            argv = [value for child_key, value in node.value if inner is _Context.SPEC
                    and isinstance(child_key, yaml.ScalarNode) and child_key.tag != "tag:yaml.org,2002:merge"
                    and child_key.value in COMMAND_KEYS and isinstance(value, yaml.SequenceNode)]
            if argv:
                stack.extend(_judge_command(argv, masked, shown_as, scalars))
            for child_key, value in node.value:
                if any(value is items for items in argv):
                    scalars[id(child_key)] = child_key  # a plain key, checked above
                    continue
                if not isinstance(child_key, yaml.ScalarNode):
                    stack.append((child_key, _Context.OPAQUE, "", ""))  # a complex key is data
                    stack.append((value, _Context.OPAQUE, "", ""))
                    continue
                scalars[id(child_key)] = child_key  # keys are shown
                if child_key.tag == "tag:yaml.org,2002:merge":
                    stack.append((value, context, key, holder))  # merged entries are this mapping's own
                else:
                    stack.append((value, inner, str(child_key.value), key))
    return masked, shown_as, list(scalars.values())


def _judge_command(argv: list[yaml.SequenceNode], masked: set[int], shown_as: dict[int, str],
                   scalars: dict[int, yaml.ScalarNode]) -> list[_State]:
    """A command's items (`command` then `args`) judged together as the figures draw them: masked as one line,
    each item shown as the masked line has it. An item that is not a plain one-line scalar, or a line that no
    longer splits into as many items, masks every item. Returns what is left to judge (nested non-scalars)."""
    items = [item for sequence in argv for item in sequence.value]
    plain = [item for item in items if isinstance(item, yaml.ScalarNode)]
    for item in plain:
        scalars[id(item)] = item
    values = [str(item.value) for item in plain]
    try:
        parts = shlex.split(command_text(values))
    except ValueError:
        parts = []
    if len(plain) != len(items) or len(parts) != len(values) or any(
            item.style in ("|", ">") or "\n" in value for item, value in zip(plain, values, strict=True)):
        masked.update(id(item) for item in plain)
        return [(item, _Context.OPAQUE, "", "") for item in items if not isinstance(item, yaml.ScalarNode)]
    for item, value, part in zip(plain, values, parts, strict=True):
        if part != value:
            shown_as[id(item)] = part
    return []


def redact_manifest(text: str) -> str:
    """The text with every value not known to be safe masked and comments dropped; text that cannot be parsed
    (or is refused, such as an alias bomb) is withheld entirely."""
    spans: list[tuple[int, int, str | None]] = []  # start, end, REDACTED or what to show instead (None: the value)
    try:
        for node in inspected_nodes(text):
            masked, shown_as, scalars = _judge(node)
            spans.extend((s.start_mark.index, s.end_mark.index, REDACTED if id(s) in masked else shown_as.get(id(s)))
                         for s in scalars)
    except Refused as exc:
        return f"# (not shown: line {exc.line}: {exc.message})\n"
    except yaml.YAMLError:
        return "# (not shown: this file is not valid YAML)\n"
    return _rewrite(text, spans)


def _rewrite(text: str, spans: list[tuple[int, int, str | None]]) -> str:
    """The text with masked spans replaced and comments (outside every scalar) removed."""
    out: list[str] = []
    position = 0
    for start, end, instead in _one_per_place(spans):
        if start < position:
            continue  # a key and value that are one node (an alias), or nested spans: already written
        out.append(_without_comments(text[position:start], position == 0 or text[position - 1] == "\n"))
        value = text[start:end]
        if instead == REDACTED and start != end:
            out.append(REDACTED + ("\n" if "\n" in value else ""))  # a block scalar: the next key on its own line
        elif instead is not None and start != end:
            out.append(_quoted(instead))  # a command item as the figure's masked line has it
        else:
            out.append(_masked_scalar(value))
        position = end
    out.append(_without_comments(text[position:], position == 0 or text[position - 1] == "\n"))
    return _drop_emptied_lines("".join(out))


def _one_per_place(spans: list[tuple[int, int, str | None]]) -> list[tuple[int, int, str | None]]:
    """One span per place, sorted: where two judgements of one node differ, the stricter (REDACTED, then a
    masked command item, then the value)."""
    rank = {REDACTED: 0}
    chosen: dict[tuple[int, int], str | None] = {}
    for start, end, instead in spans:
        place = (start, end)
        if place not in chosen or _strictness(instead, rank) < _strictness(chosen[place], rank):
            chosen[place] = instead
    return [(start, end, chosen[(start, end)]) for start, end in sorted(chosen)]


def _strictness(instead: str | None, rank: dict[str, int]) -> int:
    return 2 if instead is None else rank.get(instead, 1)


def _quoted(value: str) -> str:
    """A scalar shown in place of another, single-quoted: valid YAML in a flow list or a block, whatever it holds."""
    return "'" + value.replace("'", "''") + "'"


def _masked_scalar(value: str) -> str:
    """A value shown as safe (a probe's path, a host) through the figures' own masking (gen/masking.py), so that
    what a figure masks (`/healthz?token=x`) the source view masks too. A plain scalar the mask makes start with
    `*` (an alias to YAML) or another indicator is quoted, so that the text stays the YAML it was."""
    masked = mask_text(value)
    if masked == value or value[:1] in ("'", '"'):
        return masked
    if masked[:1] in _INDICATORS or ": " in masked or " #" in masked:
        return "'" + masked.replace("'", "''") + "'"
    return masked


_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_COMMENT_MARK = "\0kubedocs-comment\0"


def _without_comments(gap: str, starts_line: bool) -> str:
    """Text between scalars: a `#` at a line's start or after a space begins a comment, to the end of the line."""
    if "#" not in gap:
        return gap
    lines = gap.split("\n")
    for index, line in enumerate(lines):
        at = _comment_start(line, at_line_start=index > 0 or starts_line)
        if at is not None:
            lines[index] = line[:at].rstrip(" \t") + _COMMENT_MARK
    return "\n".join(lines)


def _comment_start(line: str, at_line_start: bool) -> int | None:
    for index, char in enumerate(line):
        if char == "#" and ((index == 0 and at_line_start) or (index > 0 and line[index - 1] in " \t")):
            return index  # (a `#` right after a scalar, with no space, is not a comment in YAML)
    return None


def _drop_emptied_lines(text: str) -> str:
    """Lines that held only a comment go; a comment after content leaves the content."""
    return "".join(_lines_without_marks(text))


def _lines_without_marks(text: str) -> Iterator[str]:
    for line in text.splitlines(keepends=True):
        if _COMMENT_MARK not in line:
            yield line
            continue
        content = line.replace(_COMMENT_MARK, "")
        if content.strip():
            yield content
