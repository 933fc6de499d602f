"""Page text that looks like the plugin's own: a copy of its placeholder comment, an example in indented code."""

from __future__ import annotations

import shutil

import pytest

pytestmark = [pytest.mark.exe, pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")]


def test_placeholder_text_and_indented_examples_in_a_page_build(sites, fixture_site, tmp_path):
    site = fixture_site("good")
    page = site / "docs" / "index.md"
    page.write_text(page.read_text() + "\n\n<!-- kubedocs-figure-0 -->\n\n<!-- kubedocs-figure-9 -->\n\n"
                    "An example:\n\n    ```kubedocs\n    manifests: [does-not-exist/]\n    ```\n")
    build = sites.build(site, tmp_path / "out")
    assert build.returncode == 0, build.log
    html = build.page()
    assert len(html.select("figure.kubedocs-figure")) == 1
    assert "does-not-exist/" in html.get_text() and not html.select(".kubedocs-error")
