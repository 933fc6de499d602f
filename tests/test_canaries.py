"""Canary suite: every place a value can sit (tests/canary_places.py) against every output — DOT, SVG, PNG,
Mermaid, D2, draw.io and JSON of every view and of `gen diff -o`, the messages of `gen render` and `gen check`, the
source view, and a real MkDocs site (pages, search index, standalone SVGs, figures as Mermaid and D2 text) with its
figure cache. No canary may appear anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from canary_places import PLACES, canary, text_of

from gen.site.redact import redact_manifest
from gen.views import VIEWS

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.exe, pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")]


def _leaks(data: bytes) -> list[str]:
    return [place for place in PLACES if canary(place).encode() in data]


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("canaries") / "manifests" / "all"
    directory.mkdir(parents=True)
    for place, (name, _template) in PLACES.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text_of(place))
    written = b"".join(f.read_bytes() for f in sorted(directory.rglob("*")) if f.is_file())
    assert all(canary(p).encode() in written for p in PLACES)
    return directory


def _gen(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "gen.cli", *args], cwd=ROOT, capture_output=True, timeout=300)


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("suffix", ["svg", "dot", "png", "mmd", "d2", "drawio", "json"])
def test_no_canary_in_any_figure_or_message(manifests: Path, tmp_path: Path, view: str, suffix: str) -> None:
    output = tmp_path / f"figure.{suffix}"
    done = _gen("render", str(manifests), "--view", view, "-o", str(output))
    assert output.stat().st_size > 0, done.stderr
    assert _leaks(output.read_bytes() + done.stdout + done.stderr) == []


@pytest.mark.parametrize("suffix", ["svg", "mmd", "d2", "drawio", "json"])
def test_no_canary_in_a_diff_figure(manifests: Path, tmp_path: Path, suffix: str) -> None:
    empty = tmp_path / "before"
    empty.mkdir()
    (empty / "other.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: shop}\n")
    output = tmp_path / f"diff.{suffix}"
    done = _gen("diff", str(empty), str(manifests), "-o", str(output))
    assert output.stat().st_size > 0, done.stderr
    assert _leaks(output.read_bytes() + done.stdout + done.stderr) == []


def test_the_figures_draw_the_objects(manifests: Path, tmp_path: Path) -> None:
    done = _gen("render", str(manifests), "-o", str(tmp_path / "f.dot"))
    source = (tmp_path / "f.dot").read_text()
    for node in ("Secret/shop/db", "Deployment/shop/web", "CronJob/shop/backup", "StatefulSet/shop/db",
                 "Secret/shop/listed", "Pod/shop/probed"):
        assert node in source, (node, done.stderr)


def test_no_canary_from_gen_check(manifests: Path) -> None:
    done = _gen("check", str(manifests))
    assert _leaks(done.stdout + done.stderr) == []
    # the inferred calls are listed by what told them, the values around their hosts never
    listed = _gen("check", "--calls", str(manifests))
    assert b"(ConnectionStrings__Shop)" in listed.stdout and b"(datasources/datasource.yaml)" in listed.stdout
    assert _leaks(listed.stdout + listed.stderr) == []


def test_no_canary_in_the_source_view(manifests: Path) -> None:
    shown = "".join(redact_manifest(path.read_text()) for path in sorted(manifests.rglob("*")) if path.is_file())
    assert _leaks(shown.encode()) == []


def test_no_canary_anywhere_in_a_built_site(manifests: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(manifests.parent, site / "manifests")
    (site / "docs").mkdir()
    figures = "\n\n".join(f"```kubedocs\nmanifests: [all/]\nview: {view}\ncaption: {view}\n```" for view in VIEWS)
    figures += "\n\n" + "\n\n".join(f"```kubedocs\nmanifests: [all/]\nview: {view}\nformat: {text_format}\n```"
                                      for view in VIEWS for text_format in ("mermaid", "d2"))
    (site / "docs" / "index.md").write_text(f"# Canaries\n\n{figures}\n")
    (site / "mkdocs.yml").write_text("site_name: canaries\ntheme: {name: material}\n"
                                     "plugins: [search, kubedocs]\nmarkdown_extensions: [pymdownx.superfences]\n")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(site / "mkdocs.yml"), "-d",
                            str(site / "out")], cwd=site, capture_output=True, text=True, timeout=300,
                           env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert build.returncode == 0, build.stderr
    assert (site / "out" / "search" / "search_index.json").is_file()
    page = (site / "out" / "index.html").read_text()
    # every view drawn (one that is too wide to read also draws a figure per application below it)
    assert page.count('class="kubedocs-figure"') - page.count('class="kubedocs-split"') == len(VIEWS)
    assert "kubedocs-source" in page
    assert page.count("flowchart ") >= len(VIEWS) and page.count("direction: ") >= len(VIEWS)  # the text figures
    published = [p for p in (site / "out").rglob("*") if p.is_file()]
    cached = list((site / ".cache").rglob("*.json"))
    assert cached
    leaks = {str(p.relative_to(site)): _leaks(p.read_bytes()) for p in published + cached}
    assert {k: v for k, v in leaks.items() if v} == {}
    assert _leaks((build.stdout + build.stderr).encode()) == []
