"""How each Kubernetes kind looks in a figure: its short name, outline, colour family and column.

To show a new kind differently, add one line to KIND_STYLES. Shapes and colours are the neutral diagram's words
(gen/diagram.py); the renderer decides what they become.
"""

from __future__ import annotations

from ..diagram import Colour, Shape
from ..records import record


@record(frozen=True)
class KindStyle:
    short: str  # the short name kubectl prints
    shape: Shape
    colour: Colour
    column: int  # position in traffic order, left to right
    category: str  # the word stylesheets see (an SVG class)


KIND_STYLES: dict[str, KindStyle] = {
    "Ingress": KindStyle("ing", "arrow", "blue", 0, "network"),
    "Gateway": KindStyle("gtw", "arrow", "blue", 0, "network"),
    "HTTPRoute": KindStyle("httproute", "arrow", "blue", 0, "network"),
    "IngressClass": KindStyle("ingressclass", "tab", "blue", 1, "network"),
    "External": KindStyle("external", "rounded", "neutral", 2, "other"),  # a host outside the cluster
    "Service": KindStyle("svc", "ellipse", "blue", 1, "network"),
    "Deployment": KindStyle("deploy", "stack", "green", 2, "workload"),
    "StatefulSet": KindStyle("sts", "stack", "green", 2, "workload"),
    "DaemonSet": KindStyle("ds", "stack", "green", 2, "workload"),
    "CronJob": KindStyle("cj", "stack", "green", 2, "workload"),
    "ReplicationController": KindStyle("rc", "stack", "green", 2, "workload"),
    "HorizontalPodAutoscaler": KindStyle("hpa", "rounded", "green", 1, "workload"),
    "ReplicaSet": KindStyle("rs", "rounded", "mint", 3, "controller"),
    "Job": KindStyle("job", "rounded", "mint", 3, "controller"),
    "Pod": KindStyle("po", "table", "yellow", 4, "pod"),
    "Volume": KindStyle("vol", "folder", "brown", 5, "volume"),
    "ConfigMap": KindStyle("cm", "document", "purple", 5, "config"),
    "Secret": KindStyle("secret", "document", "orange", 5, "secret"),
    "PersistentVolumeClaim": KindStyle("pvc", "cylinder", "teal", 5, "storage"),
    "ServiceAccount": KindStyle("sa", "component", "grey", 5, "identity"),
    "ValidatingWebhookConfiguration": KindStyle("webhook", "arrow", "blue", 0, "network"),
    "MutatingWebhookConfiguration": KindStyle("webhook", "arrow", "blue", 0, "network"),
    "APIService": KindStyle("apiservice", "arrow", "blue", 0, "network"),
    "PersistentVolume": KindStyle("pv", "cylinder", "teal", 6, "storage"),
    "StorageClass": KindStyle("sc", "tab", "teal", 7, "storage"),
    "RoleBinding": KindStyle("rolebinding", "rounded", "grey", 6, "identity"),
    "ClusterRoleBinding": KindStyle("clusterrolebinding", "rounded", "grey", 6, "identity"),
    "Role": KindStyle("role", "rounded", "grey", 7, "identity"),
    "ClusterRole": KindStyle("clusterrole", "rounded", "grey", 7, "identity"),
    "NetworkPolicy": KindStyle("netpol", "rounded", "blue", 1, "network"),
    "PodDisruptionBudget": KindStyle("pdb", "rounded", "green", 3, "workload"),
    "CustomResourceDefinition": KindStyle("crd", "rounded", "neutral", 7, "other"),
    # Custom kinds with shipped relationship rules (gen/rules/custom/): monitoring, certificates, workloads.
    "Prometheus": KindStyle("prom", "component", "orange", 0, "monitoring"),
    "PrometheusAgent": KindStyle("promagent", "component", "orange", 0, "monitoring"),
    "Alertmanager": KindStyle("am", "component", "orange", 0, "monitoring"),
    "ThanosRuler": KindStyle("thanosruler", "component", "orange", 0, "monitoring"),
    "ServiceMonitor": KindStyle("smon", "tab", "orange", 0, "monitoring"),
    "PodMonitor": KindStyle("pmon", "tab", "orange", 1, "monitoring"),
    "Probe": KindStyle("probe", "tab", "orange", 0, "monitoring"),
    "PrometheusRule": KindStyle("promrule", "tab", "orange", 1, "monitoring"),
    "AlertmanagerConfig": KindStyle("amcfg", "tab", "orange", 1, "monitoring"),
    "Certificate": KindStyle("cert", "document", "orange", 4, "secret"),
    "Issuer": KindStyle("issuer", "component", "orange", 5, "secret"),
    "ClusterIssuer": KindStyle("clusterissuer", "component", "orange", 5, "secret"),
    "Rollout": KindStyle("rollout", "stack", "green", 2, "workload"),
    "LeaderWorkerSet": KindStyle("lws", "stack", "green", 2, "workload"),
    "GatewayClass": KindStyle("gatewayclass", "tab", "blue", 1, "network"),
    "GRPCRoute": KindStyle("grpcroute", "arrow", "blue", 0, "network"),
    "TCPRoute": KindStyle("tcproute", "arrow", "blue", 0, "network"),
    "TLSRoute": KindStyle("tlsroute", "arrow", "blue", 0, "network"),
    "UDPRoute": KindStyle("udproute", "arrow", "blue", 0, "network"),
    "EndpointSlice": KindStyle("endpointslice", "rounded", "blue", 2, "network"),
    "Endpoints": KindStyle("ep", "rounded", "blue", 2, "network"),
}
# Namespace objects are drawn as the group that holds their resources, never as a box.
NOT_DRAWN = frozenset({"Namespace"})


def kind_style(kind: str) -> KindStyle:
    return KIND_STYLES.get(kind, KindStyle(kind.lower(), "rounded", "neutral", 6, "other"))
