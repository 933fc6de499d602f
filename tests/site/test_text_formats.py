"""A page block may say `format: mermaid` (or `d2`): the page then carries the figure's text in a fenced block for a
site that renders it (Material's Mermaid fences, a D2 plugin); SVG stays the default."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gen.site.blocks import SpecError, parse_spec

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.exe
CONFIG = """site_name: formats
theme: {name: material}
plugins: [search, kubedocs]
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""


def test_the_format_key_takes_mermaid_or_d2_and_nothing_else() -> None:
    assert parse_spec("manifests: [a/]\nformat: mermaid").format == "mermaid"
    assert parse_spec("manifests: [a/]\nformat: d2").format == "d2"
    assert parse_spec("manifests: [a/]").format == ""
    with pytest.raises(SpecError) as refused:
        parse_spec("manifests: [a/]\nformat: visio")
    assert "d2, mermaid" in str(refused.value.problems)
    with pytest.raises(SpecError) as split:
        parse_spec("manifests: [a/]\nformat: mermaid\nsplit: app")
    assert "leave out `format` or `split`" in str(split.value.problems)


def _build(tmp_path: Path, page: str) -> subprocess.CompletedProcess[str]:
    shutil.copytree(ROOT / "manifests" / "sample-app", tmp_path / "manifests" / "sample-app")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)})


def test_a_page_carries_mermaid_and_d2_text_and_svg_stays_the_default(tmp_path: Path) -> None:
    page = ("# Formats\n\n```kubedocs\nmanifests: [sample-app/]\ncaption: 샘플 <앱>\nformat: mermaid\n```\n\n"
            "```kubedocs\nmanifests: [sample-app/]\nview: network\nformat: d2\n```\n\n"
            "```kubedocs\nmanifests: [sample-app/]\ncaption: SVG\n```\n")
    done = _build(tmp_path, page)
    assert done.returncode == 0, done.stderr
    built = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    mermaid = built.split('<pre class="mermaid"><code>', 1)[1].split("</code></pre>", 1)[0]
    assert html.unescape(mermaid).startswith("flowchart ") and "web-config" in mermaid
    assert "direction: right" in built  # the D2 text, as a code block here (a D2 plugin would draw it)
    assert built.count('class="kubedocs-figure"') == 1  # the third block, drawn as SVG
    assert '<p class="kubedocs-caption">샘플 &lt;앱&gt;</p>' in built


def test_an_unknown_format_fails_a_strict_build_at_its_line(tmp_path: Path) -> None:
    done = _build(tmp_path, "# F\n\n```kubedocs\nmanifests: [sample-app/]\nformat: png\n```\n")
    assert done.returncode != 0
    assert "index.md:5" in done.stderr and "format" in done.stderr
