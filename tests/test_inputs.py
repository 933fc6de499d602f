"""Inputs that are not plain manifests: kustomize directories (rendered by `kubectl kustomize`) and Helm charts
(rendered by `helm template` when helm is installed)."""

from __future__ import annotations

import html
import shutil
import stat
from pathlib import Path

import pytest

from gen.graph import Graph, Relation
from gen.inputs import HELM_MISSING, rendered_inputs
from gen.loading import load
from gen.model import Ref, Severity
from gen.pipeline import analyse, render_figure
from gen.rules import derive
from gen.site.blocks import FigureSpec
from gen.site.cache import FigureCache
from gen.site.config import SiteLayout
from gen.site.figures import render_site_figure
from gen.site.redact import redact_manifest

needs_kustomize = pytest.mark.skipif(shutil.which("kubectl") is None and shutil.which("kustomize") is None,
                                     reason="neither kubectl nor kustomize is on PATH")


@pytest.fixture
def kustomize(fixtures_dir: Path) -> Path:
    return fixtures_dir / "kustomize"


def test_a_walked_directory_names_each_kustomization_once_and_none_of_its_files(kustomize: Path) -> None:
    """The overlay renders its base: the base, met in the same walk, is not drawn again as an application of its
    own (issue 18), nor are its files read as manifests."""
    paths, problems = rendered_inputs([str(kustomize)])
    assert problems == []
    assert paths == [str(kustomize / "overlay")]
    assert rendered_inputs([str(kustomize / "base")])[0] == [str(kustomize / "base")]  # named, it is drawn


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


# --- Issue 20: tools are given paths, never options; their failures in our words; nothing from outside ----------

def _stand_in(directory: Path, name: str, script: str) -> Path:
    """A stand-in program on PATH (helm is not installed here; kubectl's behaviour under a stall is the point)."""
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / name
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def test_a_chart_directory_named_like_an_option_is_never_an_option_to_helm(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`manifests/--post-renderer=sh/Chart.yaml` made `helm template --post-renderer=sh …`: code execution."""
    chart = tmp_path / "--post-renderer=sh"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 0.1.0\n", encoding="utf-8")
    argv = tmp_path / "argv"
    _stand_in(tmp_path / "bin", "helm", f'for a in "$@"; do echo "$a"; done > {argv}')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    load([str(chart)])
    arguments = argv.read_text().splitlines()
    assert arguments == ["template", "--namespace=default", "--", "post-renderer-sh", str(chart)]


@pytest.mark.parametrize(("directory", "release"), [("my-app", "my-app"), ("--post-renderer=sh", "post-renderer-sh"),
                                                     ("My_App.v2", "my-app.v2"), ("-", "release"), ("___", "release")])
def test_a_release_name_is_one_helm_accepts(tmp_path: Path, directory: str, release: str) -> None:
    from gen.inputs import release_name

    assert release_name(tmp_path / directory) == release


@needs_kustomize
def test_a_kustomization_directory_named_like_an_option_is_a_path(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A glob gives `--output=PWNED.yaml` as it is; when our overlay failed, the fallback ran `kubectl kustomize
    --output=PWNED.yaml`, which built the working directory into that file."""
    (tmp_path / "kustomization.yaml").write_text("resources: []\n", encoding="utf-8")
    odd = tmp_path / "--output=PWNED.yaml"
    odd.mkdir()
    (odd / "kustomization.yaml").write_text("resources: [missing.yaml]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    loaded = load(["*"])
    assert not list(tmp_path.rglob("PWNED.yaml"))
    assert [(d.source.path, d.message) for d in loaded.diagnostics if d.severity is Severity.ERROR] == [
        ("--output=PWNED.yaml/kustomization.yaml",
         "kustomize failed: a file or directory it names does not exist (missing.yaml)")]


CANARY = "S3cretCanary42"


@needs_kustomize
@pytest.mark.parametrize("kustomization", [
    f"secretGenerator:\n- name: s\n  literals:\n  - password:{CANARY}\n",
    f"helmCharts:\n- name: x\n  valuesInline:\n    password: {CANARY}\n",
    f"resources:\n- https://oauth2:{CANARY}@gitlab.invalid/x/y.git//base?ref=main&timeout=1s\n",
    "resources:\n- missing.yaml\n",
])
def test_a_tools_failure_is_said_in_our_words_quoting_no_value_and_no_absolute_path(
        tmp_path: Path, kustomization: str) -> None:
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "kustomization.yaml").write_text(kustomization, encoding="utf-8")
    loaded = load([str(project / "app")], relative_to=project)
    [error] = loaded.diagnostics
    assert error.source.path == "app/kustomization.yaml"
    assert error.message.startswith("kustomize failed: ")
    assert CANARY not in error.message and str(tmp_path) not in error.message and "/tmp" not in error.message
    assert "gitlab" not in error.message and "\n" not in error.message
    if "missing.yaml" in kustomization:
        assert error.message.endswith("a file or directory it names does not exist (missing.yaml)")


@needs_kustomize
def test_a_kustomize_base_outside_the_project_is_refused(kustomize: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`resources: [../../../outside]` drew a base from outside the project and named its file in the tooltip."""
    outside = tmp_path / "outside"
    shutil.copytree(kustomize / "base", outside)
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "kustomization.yaml").write_text("namespace: shop\nresources:\n- ../../outside\n",
                                                        encoding="utf-8")
    loaded = load([str(project / "app")], relative_to=project)
    assert loaded.resources == []
    [error] = loaded.diagnostics
    assert (error.source.path, error.source.line) == ("app/kustomization.yaml", 3)
    assert "outside the project" in error.message and "outside" not in error.message.replace("outside the", "")
    # From the command line, the working directory is the project.
    monkeypatch.chdir(project)
    assert load(["app"]).resources == []
    # A link that leads out is refused the same way.
    (project / "app" / "kustomization.yaml").write_text("resources: [linked]\n", encoding="utf-8")
    (project / "app" / "linked").symlink_to(outside)
    refusals = load(["app"]).diagnostics
    assert refusals and all(d.message.startswith("refused") for d in refusals)
    # A command line that names a directory elsewhere has no project to keep to: its own bases are read.
    monkeypatch.chdir(tmp_path / "outside")
    (project / "app" / "kustomization.yaml").write_text("resources: [../../outside]\n", encoding="utf-8")
    (project / "app" / "linked").unlink()
    assert load([str(project / "app")]).resources


@needs_kustomize
def test_a_stalled_kustomize_is_stopped_once_with_everything_it_started(
        kustomize: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A remote base that never answered cost two timeouts (our overlay, then the directory) and left two
    `git fetch` behind after every run."""
    import gen.inputs

    log = tmp_path / "calls"
    _stand_in(tmp_path / "bin", "kubectl", f"echo called >> {log}; sleep 300 & echo $! >> {log}.pids; sleep 300")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setattr(gen.inputs, "RENDER_TIMEOUT_SECONDS", 2)
    loaded = load([str(kustomize / "overlay")])
    [error] = loaded.diagnostics
    assert error.message == "kustomize did not finish within 2 s and was stopped"
    assert log.read_text().splitlines() == ["called"]  # the fallback is not tried on a spent deadline
    from test_tools import gone

    assert all(gone(int(pid)) for pid in Path(f"{log}.pids").read_text().split())


def test_a_glob_over_a_link_loop_ends_and_reaches_no_kustomization_outside(tmp_path: Path) -> None:
    import subprocess
    import sys

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kustomization.yaml").write_text("resources: []\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / "loop" / "a").mkdir(parents=True)
    (project / "loop" / "a" / "up").symlink_to("..")
    (project / "loop" / "a" / "out").symlink_to(outside)
    paths, _problems = rendered_inputs([str(project / "loop" / "**" / "*")])
    assert not any("out" in Path(p).parts for p in paths)
    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", "loop/**/*", "-o", "x.svg"], cwd=project,
                          capture_output=True, text=True, timeout=60, check=False,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "loop/a/out: error: refused: a symbolic link that leads outside the project" in done.stderr


def test_every_file_a_kustomization_or_chart_reads_keys_its_figure(tmp_path: Path) -> None:
    """Editing a generator's `.properties` or `.env`, a base elsewhere in the project, or a chart's `files/` and
    `.tpl` left the old figure."""
    from gen.inputs import files_read_by

    project = tmp_path / "project"
    app = project / "manifests" / "app"
    app.mkdir(parents=True)
    (app / "kustomization.yaml").write_text(
        "resources: [../../bases/web]\nconfigMapGenerator:\n- name: c\n  envs: [.env]\n  files: [app.properties]\n",
        encoding="utf-8")
    (app / ".env").write_text("A=1\n", encoding="utf-8")
    (app / "app.properties").write_text("b=2\n", encoding="utf-8")
    base = project / "bases" / "web"
    base.mkdir(parents=True)
    (base / "kustomization.yaml").write_text("resources: [web.yaml]\n", encoding="utf-8")
    (base / "web.yaml").write_text("kind: ConfigMap\n", encoding="utf-8")
    chart = project / "manifests" / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "files").mkdir()
    (chart / "Chart.yaml").write_text("name: c\n", encoding="utf-8")
    (chart / "templates" / "_helpers.tpl").write_text("{{/* */}}\n", encoding="utf-8")
    (chart / "files" / "config.toml").write_text("x = 1\n", encoding="utf-8")
    read = {p.relative_to(project).as_posix() for p in files_read_by([project / "manifests"])}
    assert read >= {"manifests/app/.env", "manifests/app/app.properties", "bases/web/web.yaml",
                    "bases/web/kustomization.yaml", "manifests/chart/templates/_helpers.tpl",
                    "manifests/chart/files/config.toml"}


@needs_kustomize
@pytest.mark.exe
def test_a_page_figure_is_redrawn_when_a_generators_file_changes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    app = project / "manifests" / "app"
    app.mkdir(parents=True)
    (app / "kustomization.yaml").write_text(
        "resources: [web.yaml]\nconfigMapGenerator:\n- name: settings\n  envs: [settings.env]\n", encoding="utf-8")
    (app / "settings.env").write_text("MODE=one\n", encoding="utf-8")
    (app / "web.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {a: w}}\n"
        "  template:\n    metadata: {labels: {a: w}}\n    spec:\n      containers:\n      - name: w\n"
        "        image: nginx\n        envFrom: [{configMapRef: {name: settings}}]\n", encoding="utf-8")
    layout = SiteLayout(root=project, docs_dir=project / "docs", manifests_dir=project / "manifests",
                        cache_dir=tmp_path / "cache")
    cache = FigureCache(tmp_path / "cache")
    first = render_site_figure(FigureSpec(("app/",)), layout, cache)
    assert first.svg is not None and not first.cached
    assert render_site_figure(FigureSpec(("app/",)), layout, cache).cached
    (app / "settings.env").write_text("MODE=two\n", encoding="utf-8")  # a new hash suffix of the ConfigMap
    second = render_site_figure(FigureSpec(("app/",)), layout, cache)
    assert not second.cached and second.svg != first.svg


def test_an_overlay_stands_for_its_bases_files_inside_the_project_and_no_file_outside(kustomize: Path,
                                                                                       tmp_path: Path) -> None:
    """The source view listed only an overlay's own files: no box drawn from its base `../base` linked anywhere."""
    from gen.request import FigureRequest, request_files

    outside = tmp_path / "outside"
    shutil.copytree(kustomize / "base", outside)
    project = tmp_path / "project"
    shutil.copytree(kustomize, project / "manifests")
    (project / "manifests" / "overlay" / "linked").symlink_to(outside)
    (project / "manifests" / "overlay" / "kustomization.yaml").write_text(
        "resources:\n- ../base\n- ../../../outside\n- linked\n- ingress.yaml\n", encoding="utf-8")
    site = FigureRequest((str(project / "manifests" / "overlay"),), roots=(project,), root=project)
    files, problems = request_files(site)
    assert files == ["manifests/overlay/ingress.yaml", "manifests/overlay/kustomization.yaml",
                     "manifests/overlay/service-patch.yaml", "manifests/base/deployment.yaml",
                     "manifests/base/kustomization.yaml", "manifests/base/service.yaml"]
    # The overlay's own link out is refused as before; the base outside is the render's to refuse, at its line.
    assert [(d.source.path, d.message) for d in problems] == [
        ("manifests/overlay/linked", "refused: a symbolic link that leads outside the project")]
    assert not [f for f in files if "outside" in f or "linked" in f]
