"""How each kind looks in a figure: its outline, colour family, column and the class stylesheets see. Its short
name (badge) and category are facts of the one table of kinds, gen/kinds.py.

To show a kind differently, add one line to LOOKS; a kind without one is drawn as a neutral rounded box. Shapes and
colours are the neutral diagram's words (gen/diagram.py); the renderer decides what they become.
"""

from __future__ import annotations

from ..diagram import Colour, Shape
from ..kinds import BY_NAME, KINDS, Category, facts_of
from ..records import record


@record(frozen=True)
class Look:
    shape: Shape
    colour: Colour
    column: int  # position in traffic order, left to right
    svg_class: str  # the word stylesheets see (an SVG class)


@record(frozen=True)
class KindStyle:
    short: str  # the badge: the short name kubectl prints
    shape: Shape
    colour: Colour
    column: int
    svg_class: str


LOOKS: dict[str, Look] = {
    "Ingress": Look("arrow", "blue", 0, "network"),
    "Gateway": Look("arrow", "blue", 0, "network"),
    "HTTPRoute": Look("arrow", "blue", 0, "network"),
    "IngressClass": Look("tab", "blue", 1, "network"),
    "External": Look("rounded", "neutral", 2, "other"),  # a host outside the cluster
    "Service": Look("ellipse", "blue", 1, "network"),
    "Deployment": Look("stack", "green", 2, "workload"),
    "StatefulSet": Look("stack", "green", 2, "workload"),
    "DaemonSet": Look("stack", "green", 2, "workload"),
    "CronJob": Look("stack", "green", 2, "workload"),
    "ReplicationController": Look("stack", "green", 2, "workload"),
    "HorizontalPodAutoscaler": Look("rounded", "green", 1, "workload"),
    "ReplicaSet": Look("rounded", "mint", 3, "controller"),
    "Job": Look("rounded", "mint", 3, "controller"),
    "Pod": Look("table", "yellow", 4, "pod"),
    "Volume": Look("folder", "brown", 5, "volume"),
    "ConfigMap": Look("document", "purple", 5, "config"),
    "Secret": Look("document", "orange", 5, "secret"),
    "PersistentVolumeClaim": Look("cylinder", "teal", 5, "storage"),
    "ServiceAccount": Look("component", "grey", 5, "identity"),
    "ValidatingWebhookConfiguration": Look("arrow", "blue", 0, "network"),
    "MutatingWebhookConfiguration": Look("arrow", "blue", 0, "network"),
    "APIService": Look("arrow", "blue", 0, "network"),
    "PersistentVolume": Look("cylinder", "teal", 6, "storage"),
    "StorageClass": Look("tab", "teal", 7, "storage"),
    "RoleBinding": Look("rounded", "grey", 6, "identity"),
    "ClusterRoleBinding": Look("rounded", "grey", 6, "identity"),
    "Role": Look("rounded", "grey", 7, "identity"),
    "ClusterRole": Look("rounded", "grey", 7, "identity"),
    "NetworkPolicy": Look("rounded", "blue", 1, "network"),
    "PodDisruptionBudget": Look("rounded", "green", 3, "workload"),
    "CustomResourceDefinition": Look("rounded", "neutral", 7, "other"),
    # Custom kinds with shipped relationship rules (gen/rules/custom/): monitoring, certificates, workloads.
    "Prometheus": Look("component", "orange", 0, "monitoring"),
    "PrometheusAgent": Look("component", "orange", 0, "monitoring"),
    "Alertmanager": Look("component", "orange", 0, "monitoring"),
    "ThanosRuler": Look("component", "orange", 0, "monitoring"),
    "ServiceMonitor": Look("tab", "orange", 0, "monitoring"),
    "PodMonitor": Look("tab", "orange", 1, "monitoring"),
    "Probe": Look("tab", "orange", 0, "monitoring"),
    "PrometheusRule": Look("tab", "orange", 1, "monitoring"),
    "AlertmanagerConfig": Look("tab", "orange", 1, "monitoring"),
    "Certificate": Look("document", "orange", 4, "secret"),
    "Issuer": Look("component", "orange", 5, "secret"),
    "ClusterIssuer": Look("component", "orange", 5, "secret"),
    "Rollout": Look("stack", "green", 2, "workload"),
    "LeaderWorkerSet": Look("stack", "green", 2, "workload"),
    "GatewayClass": Look("tab", "blue", 1, "network"),
    "GRPCRoute": Look("arrow", "blue", 0, "network"),
    "TCPRoute": Look("arrow", "blue", 0, "network"),
    "TLSRoute": Look("arrow", "blue", 0, "network"),
    "UDPRoute": Look("arrow", "blue", 0, "network"),
    "EndpointSlice": Look("rounded", "blue", 2, "network"),
    "Endpoints": Look("rounded", "blue", 2, "network"),
}
DEFAULT_LOOK = Look("rounded", "neutral", 6, "other")
# Kinds the graph draws that no API server serves: a Pod's own volume, a host outside the cluster.
GRAPH_KINDS: dict[str, tuple[str, Category]] = {"Volume": ("vol", "storage"), "External": ("external", "network")}
# Namespace objects are drawn as the group that holds their resources, never as a box.
NOT_DRAWN = frozenset({"Namespace"})


def kind_style(kind: str) -> KindStyle:
    """How a kind's boxes look: its badge (gen/kinds.py) and its look (LOOKS, else the default one)."""
    facts = BY_NAME.get(kind)
    short = facts.short if facts is not None else GRAPH_KINDS[kind][0] if kind in GRAPH_KINDS else kind.lower()
    look = LOOKS.get(kind, DEFAULT_LOOK)
    return KindStyle(short, look.shape, look.colour, look.column, look.svg_class)


def category_of(group: str, kind: str) -> Category | None:
    """A kind's category, as a Ref names it (group "" for a built-in kind); None for a kind the table lacks."""
    facts = facts_of(group, kind)
    if facts is not None:
        return facts.category
    return GRAPH_KINDS[kind][1] if kind in GRAPH_KINDS and not group else None


KIND_STYLES: dict[str, KindStyle] = {kind: kind_style(kind) for kind in LOOKS}


def badge_meanings() -> dict[str, str]:
    """What each short badge stands for (`po` → Pod, `webhook` → both webhook configurations): the kinds whose
    badge is not simply their name in lower case, for a legend that spells the badges out."""
    meanings: dict[str, list[str]] = {}
    named = [(facts.short, facts.kind) for facts in KINDS] + [(short, kind) for kind, (short, _) in GRAPH_KINDS.items()]
    for short, kind in named:
        if short != kind.lower() and kind not in meanings.setdefault(short, []):
            meanings[short].append(kind)
    return {short: " / ".join(kinds) for short, kinds in meanings.items()}
