"""Inputs that are not plain manifests: kustomize directories (rendered by `kubectl kustomize`) and Helm charts
(rendered by `helm template` when helm is installed)."""

from __future__ import annotations

import html
import shutil
import stat
from pathlib import Path

import pytest

from gen.cache import FigureCache
from gen.figures import FigureSpec
from gen.graph import Graph, Relation
from gen.inputs import HELM_MISSING, rendered_inputs
from gen.loading import load
from gen.model import Ref, Severity
from gen.pipeline import analyse, render_figure
from gen.redact import redact_manifest
from gen.rules import derive
from gen.site import SiteLayout, render_site_figure

needs_kustomize = pytest.mark.skipif(shutil.which("kubectl") is None and shutil.which("kustomize") is None,
                                     reason="neither kubectl nor kustomize is on PATH")


@pytest.fixture
def kustomize(fixtures_dir: Path) -> Path:
    return fixtures_dir / "kustomize"


def test_a_walked_directory_names_each_kustomization_once_and_none_of_its_files(kustomize: Path) -> None:
    paths, problems = rendered_inputs([str(kustomize)])
    assert problems == []
    assert paths == [str(kustomize / "base"), str(kustomize / "overlay")]


def test_a_kustomization_file_named_on_its_own_stays_a_file(kustomize: Path) -> None:
    named = str(kustomize / "overlay" / "service-patch.yaml")
    assert rendered_inputs([named]) == ([named], [])


@needs_kustomize
def test_an_overlay_is_rendered_not_its_patches(kustomize: Path) -> None:
    loaded = load([str(kustomize / "overlay")])
    assert not loaded.failed, [str(d) for d in loaded.diagnostics]
    service = next(r for r in loaded.resources if r.kind == "Service")
    # The patch alone has no ports; the rendered Service has the base's ports and the patch's annotation.
    assert service.ref == Ref("Service", "shop", "web")
    assert service.spec["ports"][0]["name"] == "http"
    assert service.metadata["annotations"] == {"team": "storefront"}  # our origin annotation is removed
    graph = derive(loaded.inventory())
    assert [f.check for f in graph.findings] == []  # no false dangling-ingress, no missing generated objects


@needs_kustomize
def test_generated_config_maps_and_secrets_exist_and_are_referenced(kustomize: Path) -> None:
    _, graph = analyse([str(kustomize / "overlay")])
    generated = {ref.kind: ref for ref in graph.nodes if ref.kind in ("ConfigMap", "Secret")}
    assert generated["ConfigMap"].name.startswith("web-config-")
    assert generated["Secret"].name.startswith("web-credentials-")
    targets = {e.target for e in graph.edges if e.relation is Relation.ENV}
    assert set(generated.values()) <= targets


@needs_kustomize
def test_resources_keep_the_file_they_came_from(kustomize: Path) -> None:
    overlay = kustomize / "overlay"
    loaded = load([str(overlay)])
    sources = {r.ref.kind: r.source.path for r in loaded.resources}
    assert sources["Deployment"] == str(kustomize / "base" / "deployment.yaml")
    assert sources["Service"] == str(kustomize / "base" / "service.yaml")
    assert sources["Ingress"] == str(overlay / "ingress.yaml")
    assert sources["ConfigMap"] == sources["Secret"] == str(overlay / "kustomization.yaml")
    lines = {r.ref.kind: r.source.line for r in loaded.resources}
    assert lines["Deployment"] == lines["Service"] == lines["Ingress"] == 1


@needs_kustomize
def test_sources_are_relative_to_the_site_root(kustomize: Path, root: Path) -> None:
    loaded = load([str(kustomize / "overlay")], relative_to=root)
    sources = {r.ref.kind: r.source.path for r in loaded.resources}
    assert sources["Deployment"] == "tests/fixtures/kustomize/base/deployment.yaml"


@needs_kustomize
@pytest.mark.exe
def test_generated_secret_values_never_reach_the_figure(kustomize: Path) -> None:
    figure = render_figure([str(kustomize / "overlay")], output_format="svg")
    svg = html.unescape(figure.output.decode())
    assert "<title>Secret/shop/web-credentials-" in svg
    assert "not-a-real-token" not in svg and "bm90LWEtcmVhbC10b2tlbg" not in svg


@needs_kustomize
def test_a_broken_kustomization_is_an_error_at_its_file(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [missing.yaml]\n")
    loaded = load([str(tmp_path)])
    assert loaded.failed
    [error] = loaded.diagnostics
    assert error.source.path == str(tmp_path / "kustomization.yaml")
    assert error.message.startswith("kustomize failed: ")
    assert "missing.yaml" in error.message and "run.go" not in error.message and "\n" not in str(error)


def test_without_kubectl_or_kustomize_the_message_says_what_to_install(
        kustomize: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    loaded = load([str(kustomize / "overlay")])
    [error] = loaded.diagnostics
    assert error.severity is Severity.ERROR and "install kubectl" in error.message


def test_without_helm_a_chart_is_an_error_naming_helm(fixtures_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    chart = fixtures_dir / "chart"
    loaded = load([str(chart)])
    [error] = loaded.diagnostics
    assert error.severity is Severity.ERROR
    assert error.source.path == str(chart / "Chart.yaml")
    assert HELM_MISSING in error.message and "https://helm.sh" in error.message
    assert loaded.resources == []  # its templates are not loaded as manifests


def test_with_helm_a_chart_is_rendered_and_names_its_templates(fixtures_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for helm that prints what `helm template` prints: `# Source:` before each document.
    helm = tmp_path / "helm"
    helm.write_text("#!/bin/sh\ncat <<'EOF'\n---\n# Source: demo-chart/templates/deployment.yaml\n"
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: demo}\nspec:\n"
                    "  selector: {matchLabels: {app: demo}}\n  template:\n    metadata: {labels: {app: demo}}\n"
                    "    spec: {containers: [{name: demo, image: nginx}]}\n---\n"
                    "# Source: demo-chart/templates/service.yaml\napiVersion: v1\nkind: Service\n"
                    "metadata: {name: demo}\nspec: {selector: {app: demo}, ports: [{port: 80}]}\nEOF\n")
    helm.chmod(helm.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    chart = fixtures_dir / "chart"
    loaded = load([str(chart)])
    assert not loaded.failed, [str(d) for d in loaded.diagnostics]
    sources = {r.ref: r.source.path for r in loaded.resources}
    assert sources == {Ref("Deployment", "default", "demo"): str(chart / "templates" / "deployment.yaml"),
                       Ref("Service", "default", "demo"): str(chart / "templates" / "service.yaml")}


@needs_kustomize
@pytest.mark.corpus
def test_argo_cd_kustomization_and_install_yaml_give_the_same_graph(corpus: Path) -> None:
    manifests = corpus / "argo-cd-manifests" / "manifests"
    _, from_kustomize = analyse([str(manifests / "cluster-install")])
    _, from_file = analyse([str(manifests / "install.yaml")])
    assert len(from_file.nodes) > 50
    assert set(from_kustomize.nodes) == set(from_file.nodes)

    assert _edges(from_kustomize) == _edges(from_file)


def _edges(graph: Graph) -> set[tuple[Ref, Ref, str, str]]:
    return {(e.source, e.target, e.relation.name, e.label) for e in graph.edges}


@needs_kustomize
@pytest.mark.exe
def test_a_page_figure_of_a_kustomization_renders_the_kustomization(kustomize: Path, root: Path,
                                                                     tmp_path: Path) -> None:
    layout = SiteLayout(root=root, docs_dir=tmp_path, manifests_dir=kustomize, cache_dir=tmp_path / "cache")
    figure = render_site_figure(FigureSpec(("overlay/",)), layout, FigureCache(tmp_path / "cache"))
    assert figure.svg is not None
    assert figure.diagnostics == []  # the patch is not a Service without ports: no dangling-ingress
    assert "web-config-" in html.unescape(figure.svg)
    assert "tests/fixtures/kustomize/overlay/service-patch.yaml" in figure.files  # shown and cached by its files


def test_generator_literals_are_redacted_in_the_shown_source(kustomize: Path) -> None:
    shown = redact_manifest((kustomize / "overlay" / "kustomization.yaml").read_text(encoding="utf-8"))
    assert "not-a-real-token" not in shown and "MODE=production" not in shown
    assert "secretGenerator:" in shown and "literals:" in shown  # the shape stays; every value is masked
    without_kind = redact_manifest("secretGenerator:\n  - name: s\n    literals: [PASSWORD=hunter2]\n")
    assert "hunter2" not in without_kind
