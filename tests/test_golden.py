"""Golden figures: the DOT source of known inputs, byte for byte.

The DOT source is what kubedocs decides (nodes, names, groups, styles, order); the SVG also depends on the
Graphviz version, so only its determinism is checked here. After an intended change, regenerate with

    KUBEDOCS_UPDATE_GOLDEN=1 pytest tests/test_golden.py

and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from gen.diagram import Diagram
from gen.loading import load
from gen.render import diagram_to_dot, render_diagram
from gen.rules import derive
from gen.views import build_view

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("KUBEDOCS_UPDATE_GOLDEN") == "1"


def _diagram(base: Path, relative: str, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    # Sources in tooltips name files as given; load from `base` so that they do not depend on the checkout.
    monkeypatch.chdir(base)
    loaded = load([relative])
    assert not loaded.failed, [str(d) for d in loaded.diagnostics]
    return build_view(derive(loaded.inventory()), "topology")


def _compare(name: str, source: str) -> None:
    path = GOLDEN / f"{name}.dot"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(source, encoding="utf-8", newline="\n")
    if not path.exists():
        pytest.fail(f"{path} is missing: generate it with KUBEDOCS_UPDATE_GOLDEN=1 pytest tests/test_golden.py")
    expected = path.read_text(encoding="utf-8")
    if source != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), source.splitlines(True),
                                            f"golden/{name}.dot", "now", n=1))
        pytest.fail(f"DOT differs from {path.name} (KUBEDOCS_UPDATE_GOLDEN=1 to accept):\n{diff[:6000]}")


@pytest.fixture
def sample_app(root: Path, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    return _diagram(root, "manifests/sample-app", monkeypatch)


@pytest.fixture
def microservices_demo(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Diagram:
    return _diagram(corpus, "microservices-demo-release/release/kubernetes-manifests.yaml", monkeypatch)


def test_sample_app_dot(sample_app: Diagram) -> None:
    _compare("sample-app", diagram_to_dot(sample_app))


@pytest.mark.corpus
def test_microservices_demo_dot(microservices_demo: Diagram) -> None:
    _compare("microservices-demo", diagram_to_dot(microservices_demo))


def test_golden_files_are_plain_dot() -> None:
    for path in sorted(GOLDEN.glob("*.dot")):
        text = path.read_bytes()
        assert text.startswith(b"digraph kubedocs {\n"), path
        assert b"\r" not in text and text.endswith(b"}\n"), path


@pytest.mark.exe
def test_sample_app_svg_is_deterministic(sample_app: Diagram) -> None:
    assert render_diagram(sample_app, "svg") == render_diagram(sample_app, "svg")


@pytest.mark.exe
@pytest.mark.corpus
def test_microservices_demo_svg_is_deterministic(microservices_demo: Diagram) -> None:
    assert render_diagram(microservices_demo, "svg") == render_diagram(microservices_demo, "svg")
