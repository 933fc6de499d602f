"""Names Kubernetes would refuse: a finding at the resource's file and line.

The API server validates metadata.name by kind: a DNS-1123 subdomain for most kinds (custom resources too), a
DNS-1123 label for a Namespace, an RFC 1035 label for a Service, a path segment for RBAC roles and bindings
(`system:controller:x` is fine there); metadata.namespace is a DNS-1123 label. A name outside these is a mistake,
or an attempt to forge lines where it is printed (a newline and ``` in a pull-request summary, ESC on a terminal):
it is flagged here, and every place that prints a name escapes it (gen.model.printable).
"""

from __future__ import annotations

import re

from ..graph import Facts, PodInstance
from ..model import Diagnostic, Inventory, Resource, Severity, as_mapping, is_declared, printable

CHECK = "invalid-name"
# Anchored, no nested quantifier over overlapping text: linear on any name.
_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")
_RFC1035_LABEL = re.compile(r"[a-z](?:[-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
_PATH_SEGMENT_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
_LABEL_RULE = ("a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter "
               "or digit")
_RULES = {  # kind → (pattern, most characters, what it says)
    "Namespace": (_LABEL, 63, _LABEL_RULE),
    "Service": (_RFC1035_LABEL, 63, "an RFC 1035 label: at most 63 lowercase letters, digits and '-', starting "
                                    "with a letter and ending with a letter or digit"),
}
_SUBDOMAIN_RULE = (_SUBDOMAIN, 253, "a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', "
                                    "each part starting and ending with a letter or digit")


def check_names(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    """An `invalid-name` warning for each resource whose name or namespace the API server would refuse."""
    findings: list[Diagnostic] = []
    for resource in inventory:
        if is_declared(resource):
            continue  # a kubedocs diagram is no cluster object: gen/declarative.py checks its names
        for problem in _problems(resource):
            findings.append(Diagnostic(resource.source, Severity.WARNING,
                                       f"{printable(resource.ref.id, backticks=True)}: {problem}; Kubernetes "
                                       "refuses it", CHECK))
    return Facts(findings=findings)


def _problems(resource: Resource) -> list[str]:
    metadata = as_mapping(resource.metadata)
    problems: list[str] = []
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        # generateName is a prefix: the API server appends random characters, after a '-' or '.' as often as not.
        name = str(metadata.get("generateName") or "").rstrip("-.") or "x"
        field = "metadata.generateName"
    else:
        field = "metadata.name"
    if resource.kind in _PATH_SEGMENT_KINDS:
        if name in (".", "..") or "/" in name or "%" in name or not name.isprintable():
            problems.append(f"{field} is not a path segment: no '/', '%' or control characters, not '.' or '..'")
    else:
        pattern, most, rule = _RULES.get(resource.kind, _SUBDOMAIN_RULE)
        if len(name) > most or pattern.fullmatch(name) is None:
            problems.append(f"{field} is not {rule}")
    namespace = metadata.get("namespace")
    if namespace and (not isinstance(namespace, str) or len(namespace) > 63 or _LABEL.fullmatch(namespace) is None):
        problems.append(f"metadata.namespace is not {_LABEL_RULE}")
    return problems
