"""The real-world corpus (../shared/corpus): everything loads, skips are explained, known-good apps are clean and
draw what they are."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gen.inputs import rendered_directories
from gen.loading import LoadResult, load
from gen.model import Severity
from gen.paths import MANIFEST_SUFFIXES
from gen.pipeline import analyse
from gen.render import render_diagram
from gen.views import build_view

pytestmark = pytest.mark.corpus

MICROSERVICES_DEMO = "microservices-demo-release/release/kubernetes-manifests.yaml"
KNOWN_GOOD = [
    MICROSERVICES_DEMO,
    "k8s-examples-guestbook/web/guestbook/all-in-one/guestbook-all-in-one.yaml",
    "istio-bookinfo/samples/bookinfo/platform/kube/bookinfo.yaml",
    "ingress-nginx-static/deploy/static/provider/cloud/deploy.yaml",
]
MICROSERVICES = [
    "adservice", "cartservice", "checkoutservice", "currencyservice", "emailservice", "frontend", "loadgenerator",
    "paymentservice", "productcatalogservice", "recommendationservice", "redis-cart", "shippingservice",
]


@pytest.fixture(scope="module")
def loaded_files(corpus: Path) -> dict[Path, LoadResult]:
    """Every file of the corpus, each loaded on its own (named explicitly, so whatever its extension)."""
    return {path: load([str(path)]) for path in sorted(p for p in corpus.rglob("*") if p.is_file())}


def _has_content(path: Path) -> bool:
    """Anything but blank lines, comments and document markers."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        return True
    return any(line.strip() and not line.lstrip().startswith("#") and line.strip() not in ("---", "...")
               for line in text.splitlines())


def test_every_file_loads_without_an_exception(loaded_files: dict[Path, LoadResult]) -> None:
    # The fixture itself is the test: load() raised for no file. Make sure it saw the corpus.
    assert len(loaded_files) > 700
    resources = sum(len(result.resources) for result in loaded_files.values())
    assert resources > 1500


def test_every_diagnostic_names_its_file(loaded_files: dict[Path, LoadResult]) -> None:
    for path, result in loaded_files.items():
        for diagnostic in result.diagnostics:
            assert diagnostic.source.path == str(path), diagnostic
            assert "\n" not in str(diagnostic), diagnostic


def test_every_skipped_manifest_file_is_reported_with_a_reason(loaded_files: dict[Path, LoadResult]) -> None:
    unexplained = []
    for path, result in loaded_files.items():
        if path.suffix.lower() not in MANIFEST_SUFFIXES or result.resources:
            continue
        if not result.diagnostics and _has_content(path):
            unexplained.append(path)
        for note in (d for d in result.diagnostics if d.severity is Severity.NOTE):
            reason = note.message.removeprefix("skipped: ")
            assert note.message.startswith("skipped: ") and len(reason) > 10, note
    assert unexplained == []


def test_known_skips_have_their_reasons(corpus: Path, loaded_files: dict[Path, LoadResult]) -> None:
    def reasons(relative: str) -> list[str]:
        return [d.message for d in loaded_files[corpus / relative].diagnostics if d.severity is Severity.NOTE]

    assert any("Helm template" in r for r in reasons("helm-examples-hello-world/charts/hello-world/templates/"
                                                     "deployment.yaml"))
    assert any("no apiVersion or kind" in r for r in reasons("helm-examples-hello-world/charts/hello-world/"
                                                             "Chart.yaml"))
    assert any("no apiVersion and kind" in r for r in reasons("helm-examples-hello-world/charts/hello-world/"
                                                              "values.yaml"))


def test_equals_enum_crd_loads(corpus: Path, loaded_files: dict[Path, LoadResult]) -> None:
    matches = [p for p in loaded_files if p.name == "monitoring.coreos.com_alertmanagerconfigs.yaml"]
    assert matches
    for path in matches:
        result = loaded_files[path]
        assert not result.failed, [str(d) for d in result.diagnostics]
        assert [r.kind for r in result.resources] == ["CustomResourceDefinition"]


def test_list_kinds_are_unwrapped(loaded_files: dict[Path, LoadResult]) -> None:
    kinds = {r.kind for result in loaded_files.values() for r in result.resources}
    assert "ConfigMap" in kinds
    assert not any(kind.endswith("List") for kind in kinds)


@pytest.mark.parametrize("relative", KNOWN_GOOD)
def test_known_good_app_has_no_findings(corpus: Path, relative: str) -> None:
    loaded, graph = analyse([str(corpus / relative)])
    assert loaded.resources
    problems = [str(d) for d in [*loaded.diagnostics, *graph.findings] if d.severity is not Severity.NOTE]
    assert problems == []


@pytest.fixture(scope="module")
def microservices_svg(corpus: Path) -> str:
    _, graph = analyse([str(corpus / MICROSERVICES_DEMO)])
    return render_diagram(build_view(graph, "topology"), "svg").decode("utf-8")


def _titles(svg: str) -> set[str]:
    return {html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", svg)}


@pytest.mark.exe
def test_microservices_demo_topology(corpus: Path, microservices_svg: str) -> None:
    titles = _titles(microservices_svg)
    deployments = sorted(t.removeprefix("Deployment/default/") for t in titles
                         if t.startswith("Deployment/") and "->" not in t)
    assert deployments == MICROSERVICES  # all twelve, and nothing else drawn as a Deployment
    for name in MICROSERVICES:
        assert f"Deployment/default/{name}" in titles
        assert f"ReplicaSet/default/{name}" in titles
        assert f"Pod/default/{name}-1" in titles  # every Deployment has one replica
        assert f"Deployment/default/{name}->ReplicaSet/default/{name}" in titles
        assert f"ReplicaSet/default/{name}->Pod/default/{name}-1" in titles


@pytest.mark.exe
def test_microservices_demo_services_select_their_pods(corpus: Path, microservices_svg: str) -> None:
    titles = _titles(microservices_svg)
    services = sorted(t.split("/")[-1] for t in titles if t.startswith("Service/") and "->" not in t)
    assert len(services) == 12
    pods = {name: f"Pod/default/{name}-1" for name in MICROSERVICES}
    pods["frontend-external"] = "Pod/default/frontend-1"
    for service in services:
        assert f"Service/default/{service}->{pods[service]}" in titles, service
    assert "loadgenerator" not in services


@pytest.mark.exe
def test_microservices_demo_service_accounts(corpus: Path, microservices_svg: str) -> None:
    titles = _titles(microservices_svg)
    accounts = {t for t in titles if t.startswith("ServiceAccount/")}
    assert len(accounts) == 11  # redis-cart runs as the namespace's default account
    assert "ServiceAccount/default/redis-cart" not in accounts
    for account in accounts:
        name = account.rsplit("/", 1)[1]
        assert f"Pod/default/{name}-1->{account}" in titles


@pytest.mark.exe
@pytest.mark.parametrize("relative", KNOWN_GOOD)
def test_known_good_app_renders_identically_twice(corpus: Path, relative: str) -> None:
    _, first_graph = analyse([str(corpus / relative)])
    _, second_graph = analyse([str(corpus / relative)])
    first = render_diagram(build_view(first_graph, "topology"), "svg")
    second = render_diagram(build_view(second_graph, "topology"), "svg")
    assert first == second
    assert first.count(b'class="node ') > 5


@pytest.mark.exe
@pytest.mark.parametrize("relative", KNOWN_GOOD)
def test_known_good_app_draws_every_chain_and_every_service_edge(corpus: Path, relative: str) -> None:
    """For each app: every Deployment with its ReplicaSet and Pods, and every Service with a selector
    joined to Pods, as <title>s of the SVG (the node names `Kind/namespace/name`, edges `a->b`)."""
    loaded, graph = analyse([str(corpus / relative)])
    titles = _titles(render_diagram(build_view(graph, "topology"), "svg").decode("utf-8"))
    edges = [t.split("->") for t in titles if "->" in t]
    deployments = [r for r in loaded.resources if r.kind == "Deployment"]
    assert deployments
    for deployment in deployments:
        replica_set = f"ReplicaSet/{deployment.namespace}/{deployment.name}"
        assert f"{deployment.ref.id}->{replica_set}" in titles
        assert any(src == replica_set and dst.startswith("Pod/") for src, dst in edges), replica_set
    services = [r for r in loaded.resources if r.kind == "Service" and r.spec.get("selector")]
    for service in services:
        assert any(src == service.ref.id and dst.split(":")[0].startswith("Pod/") for src, dst in edges), service.ref.id


@pytest.mark.exe
def test_every_corpus_file_renders(corpus: Path) -> None:
    """Each corpus file on its own draws a topology figure: dot never rejects what the views produce."""
    files = sorted(p for p in corpus.rglob("*") if p.suffix in MANIFEST_SUFFIXES and p.is_file())
    drawn = 0
    for path in files:
        loaded, graph = analyse([str(path)])
        if loaded.resources:
            svg = render_diagram(build_view(graph, "topology"), "svg")
            assert b"<svg" in svg, path
            drawn += 1
    assert drawn > 400


@pytest.mark.exe
def test_gen_render_over_the_whole_corpus_glob(corpus: Path, loaded_files: dict[Path, LoadResult],
                                               tmp_path: Path) -> None:
    """`gen render 'corpus/**/*'` (Helm templates and all): no traceback, one figure, and every manifest file that
    gives nothing to draw is named in a message, unless a kustomization or chart directory holds it: that
    directory is rendered by its tool as a whole, and a failed build is named as the directory."""
    root = Path(__file__).resolve().parents[1]
    output = tmp_path / "corpus.svg"
    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", "corpus/**/*", "-o", str(output)],
                          cwd=corpus.parent, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    assert output.read_bytes().startswith(b"<?xml")
    named = {line.split(":")[0] for line in done.stderr.splitlines()}
    roots, bases = rendered_directories(corpus, ())
    rendered = roots + bases  # a base another kustomization here uses is rendered by that one
    assert len(roots) > 10  # kustomizations and charts of the corpus
    nothing_drawn = [path.relative_to(corpus.parent).as_posix() for path, loaded in loaded_files.items()
                     if path.suffix in MANIFEST_SUFFIXES and not loaded.resources and _has_content(path)
                     and not any(path.is_relative_to(root) for root in rendered)]
    assert len(nothing_drawn) >= 10  # values files, kubelet configs, scrape configs…
    assert [name for name in nothing_drawn if name not in named] == []


@pytest.mark.exe
def test_a_layout_hint_dot_rejects_is_dropped_not_the_figure(corpus: Path) -> None:
    """argo-cd's HA proxies link to each other: the view leaves their replicas unaligned, since dot 2.43 fails on
    such a rank. Aligned anyway, the renderer lays the figure out without its hints rather than fail."""
    from gen.render.dot import diagram_to_dot
    from gen.render.execute import RenderError, run_dot

    _loaded, graph = analyse([str(corpus / "argo-cd-manifests/manifests/ha/install.yaml")])
    diagram = build_view(graph, "topology")
    replicas: dict[str, list[str]] = {}
    for box in diagram.boxes:
        if box.group is not None and "/replicas/" in box.group:
            replicas.setdefault(box.group, []).append(box.id)
    groups = [set(ids) for ids in replicas.values()]
    assert len(replicas) > sum(1 for ids in diagram.aligned if set(ids) in groups)  # the view left some out
    diagram.aligned = [tuple(ids) for ids in replicas.values()]
    try:
        run_dot(diagram_to_dot(diagram), "svg")
    except RenderError:
        pass  # what dot 2.43 does: the hints are what it rejects
    else:
        pytest.skip("this Graphviz lays the hinted figure out: nothing to fall back from")
    svg = html.unescape(render_diagram(diagram, "svg").decode("utf-8"))  # dot writes - as &#45; in titles
    assert "Pod/default/argocd-redis-ha-haproxy-1" in svg and "Pod/default/argocd-redis-ha-haproxy-2" in svg
