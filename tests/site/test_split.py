"""`split: namespace`: a figure, then one detail figure per namespace of its inputs, linked from an index under it,
each in a block that opens; a real strict MkDocs build."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import Sites

SHOP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {ns}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: nginx, image: nginx}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: {ns}}}
spec: {{selector: {{app: web}}, ports: [{{port: 80}}]}}
"""


def _split_site(tmp_path: Path) -> Path:
    site = tmp_path / "split"
    (site / "docs").mkdir(parents=True)
    (site / "manifests").mkdir()
    (site / "manifests" / "shops.yaml").write_text(
        "---\n".join(SHOP.format(ns=ns) for ns in ("blue", "green", "red")), encoding="utf-8")
    (site / "mkdocs.yml").write_text("site_name: split\nplugins: [kubedocs]\n", encoding="utf-8")
    (site / "docs" / "index.md").write_text(textwrap.dedent("""\
        # 가게들

        ```kubedocs
        manifests: [shops.yaml]
        view: network
        caption: 세 가게
        split: namespace
        ```
        """), encoding="utf-8")
    return site


@pytest.mark.exe
def test_split_by_namespace_renders_one_linked_figure_per_namespace(tmp_path: Path, sites: type[Sites]) -> None:
    site = _split_site(tmp_path)
    build = sites.build(site, tmp_path / "out")
    assert build.returncode == 0, build.log
    page = build.page()
    figures = page.select("figure.kubedocs-figure")
    assert len(figures) == 4  # the overview and one per namespace
    blocks = page.select("details.kubedocs-split")
    assert [block.summary.get_text() for block in blocks] == ["namespace blue", "namespace green", "namespace red"]
    links = page.select("p.kubedocs-split-index a")
    assert [link["href"].lstrip("#") for link in links] == [block["id"] for block in blocks]
    for block, namespace in zip(blocks, ("blue", "green", "red"), strict=True):
        titles = {title.get_text() for title in block.select("svg title")}
        assert f"Deployment/{namespace}/web" in titles and f"Pod/{namespace}/web-2" in titles
        assert not any(other in title for title in titles for other in {"blue", "green", "red"} - {namespace})
        assert block.select_one("figcaption").get_text() == f"세 가게 — namespace {namespace}"
    ids = [element["id"] for element in page.select("svg [id]")]
    assert len(ids) == len(set(ids))  # every figure's ids prefixed apart

    again = sites.build(site, tmp_path / "out2")  # from the cache: the same page
    assert again.page().select("details.kubedocs-split") == blocks


def test_split_takes_namespace_or_app() -> None:
    from gen.site.blocks import SpecError, parse_spec

    assert parse_spec("manifests: [a.yaml]\nsplit: namespace").split == "namespace"
    assert parse_spec("manifests: [a.yaml]\nsplit: app").split == "app"
    assert parse_spec("manifests: [a.yaml]").split == ""
    with pytest.raises(SpecError, match="split"):
        parse_spec("manifests: [a.yaml]\nsplit: kind")


@pytest.mark.exe
def test_a_warm_build_does_not_list_the_namespaces_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The namespace list costs loading and deriving every input: it is cached by their bytes, and a warm build
    (two real MkDocs builds in this process) computes it no more."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import gen.site.figures

    site = _split_site(tmp_path)
    calls: list[list[str]] = []
    listed = gen.site.figures.split_namespaces

    def counted(*args: Any) -> list[str]:
        calls.append(listed(*args))
        return calls[-1]

    monkeypatch.setattr(gen.site.figures, "split_namespaces", counted)
    pages = []
    for round_ in ("cold", "warm"):
        build(load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / round_)))
        pages.append((tmp_path / round_ / "index.html").read_text(encoding="utf-8").rsplit("<!--", 1)[0])  # no date
    assert calls == [["blue", "green", "red"]]  # the cold build only
    assert pages[0] == pages[1] and pages[1].count('class="kubedocs-split"') == 3
    (site / "manifests" / "shops.yaml").write_text(SHOP.format(ns="teal"), encoding="utf-8")
    build(load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "changed")))
    assert calls[-1] == ["teal"]  # keyed on the inputs' bytes: a change lists them again


# Four applications: a frontend behind an Ingress calling three backends by their Services' addresses.
APPS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: frontend, port: {number: 80}}}}]}}]
""" + "".join(f"""\
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {app}, labels: {{app: {app}}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {app}}}}}
  template:
    metadata: {{labels: {{app: {app}}}}}
    spec:
      containers:
      - name: server
        image: registry.example.com/shop/{app}:1.0
        ports: [{{containerPort: 8080}}]
        env: {env}
        volumeMounts: [{{name: settings, mountPath: /etc/{app}}}]
      volumes: [{{name: settings, configMap: {{name: {app}-settings}}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {app}-settings, labels: {{app: {app}}}}}
data: {{MODE: production}}
---
apiVersion: v1
kind: Service
metadata: {{name: {app}, labels: {{app: {app}}}}}
spec: {{selector: {{app: {app}}}, ports: [{{port: 80, targetPort: 8080}}]}}
""" for app, env in (
    ("frontend", "[" + ", ".join(f"{{name: {b.upper()}_ADDR, value: '{b}:80'}}"
                                 for b in ("cart", "catalog", "checkout")) + "]"),
    ("cart", "[]"), ("catalog", "[]"), ("checkout", "[]")))


@pytest.mark.exe
@pytest.mark.parametrize("declared", ["split: app\n", ""])
def test_split_by_app_is_an_overview_and_a_figure_per_application(tmp_path: Path, sites: type[Sites],
                                                                   declared: str) -> None:
    """A plain English Material site with one figure of four applications: drawn whole it is far wider than the
    text column shows readably; `split: app` draws one box per application and a figure per application below,
    each laid out top to bottom when that is narrower — and so does a figure that leaves its layout to gen, with a
    note saying so."""
    from gen.pipeline import render_figure
    from gen.site.figures import READABLE_WIDTH_PT, natural_width

    site = tmp_path / "apps"
    (site / "docs").mkdir(parents=True)
    (site / "manifests").mkdir()
    (site / "manifests" / "shop.yaml").write_text(APPS, encoding="utf-8")
    whole = render_figure([str(site / "manifests" / "shop.yaml")]).output.decode()
    assert natural_width(whole) > READABLE_WIDTH_PT
    (site / "mkdocs.yml").write_text("site_name: apps\ntheme: {name: material}\nplugins: [kubedocs]\n",
                                     encoding="utf-8")
    (site / "docs" / "index.md").write_text(
        f"# Shop\n\n```kubedocs\nmanifests: [shop.yaml]\ncaption: The shop\n{declared}```\n", encoding="utf-8")
    build = sites.build(site, tmp_path / "out", strict=False)
    assert build.returncode == 0, build.log
    page = build.page()
    overview = page.select_one("figure.kubedocs-figure")
    titles = {title.get_text() for title in overview.select("svg title")}
    assert not any(title.startswith("Pod/") for title in titles)  # one box per application, not their Pods
    assert "An overview: one box per application" in overview.get_text(" ")
    blocks = page.select("details.kubedocs-split")
    assert [block.summary.get_text() for block in blocks] == [f"application {app}" for app in
                                                              ("cart", "catalog", "checkout", "frontend")]
    frontend = {title.get_text() for title in blocks[3].select("svg title")}
    assert {"Deployment/default/frontend", "Service/default/cart", "Ingress/default/shop"} <= frontend
    assert "Deployment/default/cart" not in frontend  # another application's workload is its own figure's
    for block in blocks:  # each application's figure is narrower than the whole
        assert natural_width(str(block.select_one("svg"))) < natural_width(whole)
    assert ("drawn as an overview of its applications" in build.log) == (not declared)
