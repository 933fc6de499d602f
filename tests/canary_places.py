"""Every place a secret value can sit in a manifest, each with its own canary (a distinctive string that must never be
published). Used by tests/site/test_redact.py (the source view) and tests/test_canaries.py (every output)."""

from __future__ import annotations

# place → (file name, text). `{c}` is replaced by the place's canary.
PLACES: dict[str, tuple[str, str]] = {
    "secret data": ("secret.yaml", """\
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
data: {password: {c}}
stringData: {token: {c}}
"""),
    "configmap data": ("configmap.yaml", """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data:
  app.conf: |
    secret = {c}
binaryData: {blob: {c}}
"""),
    "duplicate key, the loader keeps the last": ("duplicate.yaml", """\
apiVersion: v1
kind: Secret
metadata: {name: dup, namespace: shop}
stringData: {password: harmless}
stringData: {password: {c}}
"""),
    "duplicate kind": ("duplicate-kind.yaml", """\
apiVersion: v1
kind: ConfigMap
metadata: {name: two-kinds, namespace: shop}
kind: Secret
stringData: {password: {c}}
"""),
    "merge key": ("merge.yaml", """\
apiVersion: v1
kind: Secret
metadata: {name: merged, namespace: shop}
base: &base {password: {c}}
stringData:
  <<: *base
  user: admin
"""),
    "alias into an env value": ("alias.yaml", """\
apiVersion: v1
kind: Pod
metadata: {name: aliased, namespace: shop, labels: {app: shop}}
spec:
  containers:
    - name: main
      image: example/main:1
      env:
        - {name: A, value: &token {c}}
        - {name: B, value: *token}
"""),
    "List items without kind": ("list.yaml", """\
apiVersion: v1
kind: SecretList
items:
  - metadata: {name: listed, namespace: shop}
    data: {password: {c}}
"""),
    "pod template annotation": ("template-annotation.yaml", """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: shop}}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata:
      labels: {app: shop}
      annotations: {vault.example.com/token: {c}}
    spec:
      containers: [{name: web, image: example/web:1, ports: [{containerPort: 8080}]}]
"""),
    "jobTemplate annotation and command": ("cronjob.yaml", """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    metadata:
      annotations: {token: {c}}
    spec:
      template:
        spec:
          containers:
            - name: backup
              image: example/backup:1
              command: [sh, -c, "pg_dump --password={c}"]
"""),
    "volumeClaimTemplates annotation": ("statefulset.yaml", """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: example/db:1}]
  volumeClaimTemplates:
    - metadata:
        name: data
        annotations: {backup.example.com/key: {c}}
      spec: {accessModes: [ReadWriteOnce]}
"""),
    "args": ("args.yaml", """\
apiVersion: v1
kind: Pod
metadata: {name: args, namespace: shop}
spec:
  containers:
    - name: main
      image: example/main:1
      args: ["--api-key={c}"]
"""),
    "probe header and hook command": ("probe.yaml", """\
apiVersion: v1
kind: Pod
metadata: {name: probed, namespace: shop}
spec:
  containers:
    - name: main
      image: example/main:1
      livenessProbe:
        httpGet:
          path: /healthz
          port: 8080
          httpHeaders: [{name: Authorization, value: "Bearer {c}"}]
      lifecycle:
        # Figures show hook commands as written (the lifecycle view), masking values named like secrets; a bare
        # word cannot be told from prose, so the canary sits where a secret is written: behind a secret's flag.
        postStart: {exec: {command: [sh, -c, "login --token {c}"]}}
"""),
    # In a folder of its own: a folder that holds a kustomization is built by kustomize as a whole.
    "kustomization secretGenerator": ("kustomize/kustomization.yaml", """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
secretGenerator:
  - name: generated
    literals: ["password={c}"]
"""),
    "Helm values": ("values.yaml", """\
replicaCount: 1
auth:
  rootPassword: {c}
name: shop
"""),
    "OpenShift Template": ("template.yaml", """\
apiVersion: template.openshift.io/v1
kind: Template
metadata: {name: shop-template}
objects:
  - apiVersion: v1
    kind: Secret
    metadata: {name: templated}
    stringData: {password: {c}}
parameters:
  - {name: PASSWORD, value: {c}}
"""),
    "comments": ("commented.yaml", """\
# password: {c}
apiVersion: v1
kind: ConfigMap
metadata: {name: commented, namespace: shop}  # token {c}
data:
  #   value: {c}
  mode: fast
"""),
    "ingress class annotation that is not a name": ("ingress.yaml", """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations: {kubernetes.io/ingress.class: "Bearer {c}"}
spec:
  defaultBackend: {service: {name: shop, port: {number: 80}}}
"""),
    "annotation value": ("annotated.yaml", """\
apiVersion: v1
kind: Service
metadata:
  name: shop
  namespace: shop
  annotations: {cloud.example.com/secret-header: {c}}
spec:
  selector: {app: shop}
  ports: [{port: 80, targetPort: 8080}]
"""),
    # Inferred calls (gen/rules/calls.py) read these for the host alone: the call is labelled by the variable's or
    # key's name and the port, never the value around the host.
    "connection strings and label-collected datasources": ("connections.yaml", """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: datasources
  namespace: shop
  labels: {grafana_datasource: "1"}
data:
  datasource.yaml: |
    datasources:
      - {name: shop, url: "http://shop:80", basicAuthPassword: "{c}"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: shop}
spec:
  selector: {matchLabels: {app: grafana}}
  template:
    metadata: {labels: {app: grafana}}
    spec:
      containers:
        - name: api
          image: example/api:1
          env:
            - {name: ConnectionStrings__Shop, value: "Host=shop;Port=5432;Username=api;Password={c}"}
            - {name: DATASOURCE_URL, value: "jdbc:postgresql://shop:5432/app?user=api&password={c}"}
            - {name: LIBPQ, value: "host=shop port=5432 dbname=app password={c}"}
        - name: sidecar
          image: quay.io/kiwigrid/k8s-sidecar:1.27.1
          env: [{name: LABEL, value: grafana_datasource}, {name: FOLDER, value: /tmp/datasources}]
"""),
}


def canary(place: str) -> str:
    """A distinctive string per place, safe in YAML flow and block context alike."""
    return "kdleak-" + "".join(c if c.isalnum() else "-" for c in place.lower())


def text_of(place: str) -> str:
    _name, template = PLACES[place]
    return template.replace("{c}", canary(place))
