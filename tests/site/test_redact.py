"""The source view (gen/site/redact.py): a value is shown only where it is known to be safe; comments are dropped."""

from __future__ import annotations

import html
import re
import shlex
from pathlib import Path

import pytest
import yaml
from canary_places import PLACES, canary, text_of

from gen.loading import load
from gen.site.blocks import FigureSpec
from gen.site.cache import FigureCache
from gen.site.config import SiteLayout
from gen.site.figures import render_site_figure
from gen.site.html import figure_html
from gen.site.redact import REDACTED, redact_manifest


@pytest.mark.parametrize("place", sorted(PLACES))
def test_no_value_of_any_place_reaches_the_source_view(place: str) -> None:
    text = text_of(place)
    assert canary(place) in text
    shown = redact_manifest(text)
    assert canary(place) not in shown, shown
    assert "kdleak" not in shown
    assert not shown.startswith("# (not shown"), "valid YAML is shown, masked"


def test_the_loader_sees_what_the_redactor_masks() -> None:
    # the duplicate key and the merge key: the loaded objects hold the canary; the view does not
    for place in ("duplicate key, the loader keeps the last", "merge key"):
        (resource,) = load(["-"], stdin_text=text_of(place)).resources
        assert canary(place) in str(resource.body["stringData"])


def test_what_is_known_to_be_safe_is_shown() -> None:
    shown = redact_manifest(text_of("pod template annotation") + "---\n" + text_of("probe header and hook command")
                            + "---\n" + text_of("alias into an env value"))
    for safe in ("name: web", "namespace: shop", "image: example/web:1", "containerPort: 8080", "app: shop",
                 "path: /healthz", "port: 8080", "kind: Deployment", "apiVersion: apps/v1", "name: A"):
        assert safe in shown, safe
    assert f"value: {REDACTED}" in shown and "vault.example.com/token: " + REDACTED in shown
    assert "kind: Deployment" in shown and "image: example/web:1" in shown
    assert yaml.safe_load_all(shown) is not None


def test_comments_are_dropped_and_the_layout_kept() -> None:
    shown = redact_manifest(text_of("comments"))
    assert "#" not in shown
    assert shown == ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: commented, namespace: shop}\n"
                     f"data:\n  mode: {REDACTED}\n")


def test_a_hash_inside_a_value_is_not_a_comment() -> None:
    shown = redact_manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: 'a # b'}\nspec:\n  containers:\n"
                            "    - {name: c, image: 'img#1'}\n")
    assert "name: 'a # b'" in shown and "image: 'img#1'" in shown


def test_every_annotation_value_is_masked() -> None:
    shown = redact_manifest("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n"
                            "  annotations:\n    kubernetes.io/ingress.class: nginx\n    other: value\n")
    assert f"kubernetes.io/ingress.class: {REDACTED}" in shown and f"other: {REDACTED}" in shown


def test_unparseable_or_refused_text_is_withheld() -> None:
    assert redact_manifest("a: [b\n").startswith("# (not shown")
    assert redact_manifest("a: &x {b: *x}\n").startswith("# (not shown: line 1:")


def test_a_claims_modes_and_size_and_a_classes_controller_are_shown() -> None:
    text = ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n"
            "  accessModes: [ReadWriteOnce]\n  volumeMode: Filesystem\n"
            "  resources:\n    requests: {storage: 1Gi}\n---\n"
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\n"
            "spec:\n  controller: k8s.io/ingress-nginx\n  parameters: {name: secret-ish}\n")
    shown = redact_manifest(text)
    for value in ("ReadWriteOnce", "Filesystem", "storage: 1Gi", "controller: k8s.io/ingress-nginx"):
        assert value in shown, shown
    assert "secret-ish" not in shown  # parameters stay opaque


PROBED = """\
apiVersion: v1
kind: Pod
metadata: {name: probed, namespace: shop}
spec:
  containers:
    - name: web
      image: example/web:1
      livenessProbe:
        httpGet:
          path: /healthz?token=Tok3nValue9
          port: 8080
      readinessProbe:
        httpGet:
          path: "/ready?sig=Sig4Value7&page=2"
          host: 'user:Pw5Value3@probe.example'
          port: 8080
"""


@pytest.mark.exe
def test_what_the_figure_masks_the_source_view_masks_too(tmp_path: Path) -> None:
    """One masking (gen/masking.py) for the lifecycle figure and the source view beside it: a probe path's
    `?token=` once reached the page in the source view while the figure masked it."""
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "probed.yaml").write_text(PROBED, encoding="utf-8")
    layout = SiteLayout(root=tmp_path, docs_dir=tmp_path / "docs", manifests_dir=tmp_path / "manifests",
                        cache_dir=tmp_path / "cache")
    figure = render_site_figure(FigureSpec(("probed.yaml",), "lifecycle"), layout, FigureCache(tmp_path / "cache"))
    assert figure.svg is not None
    page = figure_html(figure, "f0", layout, show_source=True)
    source = page[page.index('class="kubedocs-source'):]
    svg = html.unescape(figure.svg)
    assert "token=***" in svg and "sig=***" in svg  # the figure masks them...
    for secret in ("Tok3nValue9", "Sig4Value7", "Pw5Value3"):
        assert secret not in page, secret  # ...and so does the source view, and nothing else shows them
    shown = html.unescape(source)
    assert "/healthz?token=***" in shown and "page=2" in shown and "probe.example" in shown
    assert yaml.safe_load(redact_manifest(PROBED))["spec"]["containers"][0]["livenessProbe"]["httpGet"] == {
        "path": "/healthz?token=***", "port": 8080}  # still YAML, the masked path quoted where it must be


def test_the_source_view_shows_the_timings_and_gates_the_lifecycle_figure_draws(root: Path) -> None:
    """Figure 15 prints the grace period, probe timings, the preStop path and port and the readiness gate's type;
    the source view beside it showed them «redacted». Known-safe numbers and names are shown, and commands as the
    figure shows them; a probe's headers stay masked."""
    shown = redact_manifest((root / "manifests" / "lifecycle" / "web.yaml").read_text(encoding="utf-8"))
    assert "terminationGracePeriodSeconds: 45" in shown
    assert re.search(r"periodSeconds: \d+", shown) and re.search(r"initialDelaySeconds: \d+", shown)
    assert "conditionType: example.com/load-balancer-ready" in shown
    assert "path: /drain" in shown and "port: http" in shown
    assert "cp /app/static" in shown  # a hook's command, as the figure prints it
    hidden = redact_manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
                             "    readinessProbe:\n      httpGet:\n        path: /ready\n        httpHeaders:\n"
                             "        - {name: Authorization, value: Bearer kdS3cret}\n      periodSeconds: 5\n")
    assert "kdS3cret" not in hidden and "periodSeconds: 5" in hidden and "path: /ready" in hidden


@pytest.mark.parametrize(("argv", "shown", "hidden"), [
    ('command: [sh, -c, "login --token Tk9x && run"]', "login --token *** && run", "Tk9x"),
    ('command: [app]\n    args: ["--password", "Pw7q", "--port=80"]', "'***'", "Pw7q"),  # across command and args
    ("command:\n    - psql\n    - postgres://admin:Pw3z@db/app", "postgres://admin:***@db/app", "Pw3z"),
    ("args: [--api-key=Ak2v, --verbose]", "--api-key=***", "Ak2v"),
])
def test_a_command_is_shown_masked_as_the_figure_masks_it(argv: str, shown: str, hidden: str) -> None:
    """A container's command and args, and an exec handler's command, are one line to the figures' masking (a
    flag's value is the next item): the source view shows each item as that masked line has it, still YAML."""
    text = f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    {argv}\n"
    redacted = redact_manifest(text)
    assert hidden not in redacted and shown in redacted, redacted
    container = yaml.safe_load(redacted)["spec"]["containers"][0]
    from gen.masking import command_text
    original = yaml.safe_load(text)["spec"]["containers"][0]
    assert [*container.get("command", []), *container.get("args", [])] == shlex.split(command_text(
        [*original.get("command", []), *original.get("args", [])]))  # the figure's line, item for item


def test_a_command_item_reached_another_way_stays_masked() -> None:
    """An alias makes one list both a command and an env value (opaque): the stricter judgement wins; a command
    item that is not a one-line scalar masks the whole command."""
    aliased = redact_manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                              "  - name: c\n    command: &argv [echo, Se4cret]\n"
                              "    env: [{name: X, value: *argv}]\n")
    assert "Se4cret" not in aliased and "echo" not in aliased
    nested = redact_manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                             "  - name: c\n    command: [run, {x: Se5cret}, |\n        multi Se6cret\n      ]\n")
    assert "Se5cret" not in nested and "Se6cret" not in nested and "run" not in nested
