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


def test_split_takes_only_namespace() -> None:
    from gen.site.blocks import SpecError, parse_spec

    assert parse_spec("manifests: [a.yaml]\nsplit: namespace").split == "namespace"
    assert parse_spec("manifests: [a.yaml]").split == ""
    with pytest.raises(SpecError, match="split"):
        parse_spec("manifests: [a.yaml]\nsplit: app")


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
