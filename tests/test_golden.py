"""Golden figures: the DOT source of known inputs, byte for byte.

The DOT source is what kubedocs decides (nodes, names, groups, styles, order); the SVG also depends on the
Graphviz version, so only its determinism is checked here. The files are compared, and regenerated after an
intended change, by tests/golden_files.py (KUBEDOCS_UPDATE_GOLDEN=1, refused when CI is set).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from golden_files import GOLDEN, compare_with_golden

from gen.diagram import Diagram
from gen.loading import load
from gen.render import diagram_to_dot, render_diagram
from gen.rules import derive
from gen.views import build_view


def _diagram(base: Path, relative: str, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    # Sources in tooltips name files as given; load from `base` so that they do not depend on the checkout.
    monkeypatch.chdir(base)
    loaded = load([relative])
    assert not loaded.failed, [str(d) for d in loaded.diagnostics]
    return build_view(derive(loaded.inventory()), "topology")


@pytest.fixture
def sample_app(root: Path, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    return _diagram(root, "manifests/sample-app", monkeypatch)


@pytest.fixture
def microservices_demo(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    return _diagram(corpus, "microservices-demo-release/release/kubernetes-manifests.yaml", monkeypatch)


def test_sample_app_dot(sample_app: Diagram) -> None:
    compare_with_golden("sample-app.dot", diagram_to_dot(sample_app))


@pytest.mark.corpus
def test_microservices_demo_dot(microservices_demo: Diagram) -> None:
    compare_with_golden("microservices-demo.dot", diagram_to_dot(microservices_demo))


def test_golden_files_are_plain_dot() -> None:
    for path in sorted(GOLDEN.glob("*.dot")):
        text = path.read_bytes()
        assert text.startswith(b"digraph kubedocs {\n"), path
        assert b"\r" not in text and text.endswith(b"}\n"), path


def _gen_render(cwd: Path, *inputs: str, hash_seed: str) -> bytes:
    """`gen render` in a fresh interpreter with its own hash seed: set and dict order cannot carry over."""
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    done = subprocess.run([sys.executable, "-m", "gen.cli", "render", *inputs], cwd=cwd, env=env,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout


@pytest.mark.exe
def test_sample_app_svg_is_deterministic(sample_app: Diagram, root: Path) -> None:
    # The files in reverse order, in another process with another hash seed: the same bytes as drawn here.
    files = sorted((root / "manifests" / "sample-app").glob("*.yaml"), reverse=True)
    assert len(files) > 1
    relative = [path.relative_to(root).as_posix() for path in files]
    here = render_diagram(sample_app, "svg")
    assert b"<title>Deployment/shop/web</title>" in here
    assert _gen_render(root, *relative, hash_seed="1") == here
    assert _gen_render(root, *relative, hash_seed="2") == here


@pytest.mark.exe
@pytest.mark.corpus
def test_microservices_demo_svg_is_deterministic(microservices_demo: Diagram, corpus: Path) -> None:
    here = render_diagram(microservices_demo, "svg")
    assert b"<title>Deployment/default/frontend</title>" in here
    relative = "microservices-demo-release/release/kubernetes-manifests.yaml"
    assert _gen_render(corpus, relative, hash_seed="3") == here
