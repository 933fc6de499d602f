"""The one road (gen/pipeline.py): every figure of the same request is drawn from the same inputs and rules, however
it is drawn — whole, split by namespace, or again without what dot rejects."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from gen.pipeline import render_figure
from gen.site.blocks import FigureSpec
from gen.site.cache import FigureCache
from gen.site.config import SiteLayout
from gen.site.figures import render_site_figure, split_figures

pytestmark = pytest.mark.exe
needs_kustomize = pytest.mark.skipif(shutil.which("kubectl") is None and shutil.which("kustomize") is None,
                                     reason="neither kubectl nor kustomize is on PATH")

# A project's own rule: each Service `uses` the Deployment of its name, labelled so that it is found in the SVG.
RULE = """\
apiVersion: kubedocs.dev/v1
kind: RelationshipRules
metadata: {name: project}
spec:
  rules:
    - kind: Service
      references:
        - {field: metadata.name, to: {kind: Deployment}, relation: uses, label: by-project-rule}
"""


def _titles(svg: str) -> str:
    return html.unescape(svg)


@needs_kustomize
def test_a_split_figure_of_a_kustomization_draws_per_namespace_what_the_figure_draws(
        fixtures_dir: Path, tmp_path: Path) -> None:
    """Each namespace's figure read the overlay's raw files (namespace `default`, a false dangling-ingress) and no
    rule file; now it is the figure's own request, narrowed."""
    project = tmp_path / "project"
    shutil.copytree(fixtures_dir / "kustomize", project / "manifests")
    (project / "rules.yaml").write_text(RULE, encoding="utf-8")
    layout = SiteLayout(root=project, docs_dir=project / "docs", manifests_dir=project / "manifests",
                        cache_dir=tmp_path / "cache", rule_files=(project / "rules.yaml",))
    cache = FigureCache(tmp_path / "cache")
    spec = FigureSpec(("overlay/",), split="namespace")
    figure = render_site_figure(spec, layout, cache)
    assert figure.svg is not None and "by-project-rule" in _titles(figure.svg)
    details = split_figures(figure, layout, cache)
    assert [namespace for namespace, _ in details] == ["shop"]
    [(_, detail)] = details
    assert detail.svg is not None and detail.diagnostics == []
    assert "by-project-rule" in _titles(detail.svg)
    assert "Ingress/shop/web" in _titles(detail.svg) and "/default/" not in _titles(detail.svg)


def test_a_figure_drawn_without_what_dot_rejects_keeps_the_rule_file_edges(picky_dot: Path, tmp_path: Path) -> None:
    """isolate.py derived the rest again with no rule book: every rule-file edge was lost."""
    (tmp_path / "rules.yaml").write_text(RULE, encoding="utf-8")
    (tmp_path / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {a: w}}\n"
        "  template:\n    metadata: {labels: {a: w}}\n    spec: {containers: [{name: w, image: nginx}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {a: x}, ports: [{port: 80}]}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: poison}\n", encoding="utf-8")
    figure = render_figure([str(tmp_path / "app.yaml")], rule_files=[str(tmp_path / "rules.yaml")])
    svg = _titles(figure.output.decode())
    assert "ConfigMap/default/poison" not in svg and "Service/default/web" in svg
    assert [d.check for d in figure.diagnostics if d.check == "not-drawn"] == ["not-drawn"]
    assert "by-project-rule" in svg
