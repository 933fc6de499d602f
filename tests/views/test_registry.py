"""The view registry names each view's module instead of importing it: every name in VIEWS must be drawn by its
module's VIEW_BUILDERS, and every builder a module offers must be registered."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import gen.views
from gen.model import Inventory
from gen.rules import derive
from gen.views import VIEWS, build_view


def test_every_registered_view_has_its_builder() -> None:
    for name, spec in VIEWS.items():
        assert spec.name == name
        assert callable(spec.build), name


def test_every_builder_is_registered_under_its_module() -> None:
    offered = {}
    for module in pkgutil.iter_modules(gen.views.__path__):
        builders = getattr(importlib.import_module(f"gen.views.{module.name}"), "VIEW_BUILDERS", {})
        offered.update({name: module.name for name in builders})
    assert offered == {name: spec.module for name, spec in VIEWS.items()}


def test_drawing_one_view_imports_no_other_view_module() -> None:
    code = ("import sys; from gen.views import build_view; from gen.graph import Graph; "
            "build_view(Graph(), 'topology'); print(sorted(m for m in sys.modules if m.startswith('gen.views.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = set(ast.literal_eval(done.stdout))
    assert "gen.views.selection" in imported
    assert not {"gen.views.lifecycle", "gen.views.pod", "gen.views.cluster", "gen.views.states"} & imported


def test_the_policy_view_without_network_policies_says_so() -> None:
    """Pods alone (what the topology view of these inputs draws) would pass for Pods that no policy lets talk."""
    from pathlib import Path

    from gen.pipeline import analyse
    from gen.views import build_view

    _loaded, graph = analyse([str(Path(__file__).resolve().parents[2] / "manifests" / "lifecycle")])
    assert any(ref.kind == "Pod" for ref in graph.nodes)
    diagram = build_view(graph, "policy")
    assert not diagram.boxes and diagram.empty_message.startswith("no NetworkPolicy in the inputs")


def test_the_views_the_readme_promises_are_registered_and_listed(root: Path) -> None:
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| view | shows |"):]
    rows = [row.split("|")[1] for row in table[:table.index("\n\n")].splitlines()[2:]]
    documented = [name for row in rows for name in re.findall(r"`([\w-]+)`", row)]
    assert documented[:3] == ["topology", "network", "storage"]
    assert sorted(documented) == sorted(VIEWS)  # every registered view is documented, and nothing else
    listed = subprocess.run([sys.executable, "-m", "gen.cli", "views"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(VIEWS)
    assert all(len(line.split(maxsplit=1)) == 2 for line in listed.stdout.splitlines())  # each with what it shows


def test_an_unknown_view_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        build_view(derive(Inventory([])), "sideways")
