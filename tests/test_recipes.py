"""The README's recipes, each done once: a new kind, a new relationship, a new view, written into a copy of `gen/`
as a newcomer would write them, touching exactly the files the README's table of recipes names, and then drawn by
the copy in a fresh interpreter."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_recipes() -> dict[str, tuple[int, list[str]]]:
    """The README's table of recipes: what is added → (how many files, the files or folders it names)."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Recipes", 1)[1]
    rows: dict[str, tuple[int, list[str]]] = {}
    for line in section.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        count, colon, files = cells[1].partition(":")
        if colon and count.isdigit():
            rows[cells[0]] = (int(count), re.findall(r"`([^`]+)`", files))
    return rows


class GenCopy:
    """A copy of the package to write a recipe into, and run."""

    def __init__(self, where: Path) -> None:
        self.root = where
        shutil.copytree(ROOT / "gen", where / "gen", ignore=shutil.ignore_patterns("__pycache__"))

    def insert(self, path: str, anchor: str, text: str, before: bool = False) -> None:
        """Write `text` right after (or before) the one place `anchor` is written in `path`."""
        file = self.root / path
        content = file.read_text(encoding="utf-8")
        assert content.count(anchor) == 1, f"{anchor!r} is not written once in {path}"
        content = content.replace(anchor, text + anchor if before else anchor + text)
        file.write_text(content, encoding="utf-8")

    def create(self, path: str, text: str) -> None:
        assert not (self.root / path).exists()
        (self.root / path).write_text(text, encoding="utf-8")

    def touched(self) -> list[str]:
        """The files of the copy that differ from the package, or that it alone holds."""
        found = []
        for file in sorted((self.root / "gen").rglob("*")):
            relative = file.relative_to(self.root).as_posix()
            if file.is_file() and "__pycache__" not in relative and not (
                    (ROOT / relative).is_file() and filecmp.cmp(file, ROOT / relative, shallow=False)):
                found.append(relative)
        return found

    def run(self, code: str, stdin: str = "") -> dict[str, object]:
        """Run `code` with the copy imported as gen (what it prints last is JSON)."""
        env = {**os.environ, "PYTHONPATH": str(self.root), "PYTHONDONTWRITEBYTECODE": "1"}
        done = subprocess.run([sys.executable, "-c", code], cwd=self.root, env=env, input=stdin, capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def assert_as_the_readme_says(recipe: str, copy: GenCopy) -> None:
    count, named = readme_recipes()[recipe]
    touched = copy.touched()
    assert len(touched) == count == len(named), (recipe, touched, named)
    for path in named:  # a folder stands for a new module in it
        matches = [t for t in touched if t == path or (path.endswith("/") and t.startswith(path)
                                                       and t.count("/") == path.count("/")
                                                       and not (ROOT / t).exists())]
        assert len(matches) == 1, (recipe, path, touched)


WIDGET = """\
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: shop}
spec: {ports: [{port: 80}]}
"""

DRAW_NETWORK = """
import json, sys
from gen.loading import load
from gen.rules import derive
from gen.views import build_view
loaded = load(["-"], stdin_text=sys.stdin.read())
boxes = build_view(derive(loaded.inventory()), "network").boxes
print(json.dumps({"refs": [r.ref.id for r in loaded.resources], "notes": [str(d) for d in loaded.diagnostics],
                  "boxes": {b.id: [b.badge, b.shape, b.category] for b in boxes}}))
"""


@pytest.mark.parametrize("recipe", ["a kind", "… with a look of its own"])
def test_a_new_kind_is_loaded_categorised_and_drawn(recipe: str, tmp_path: Path) -> None:
    copy = GenCopy(tmp_path)
    before = copy.run(DRAW_NETWORK, WIDGET)
    assert "Widget/w" not in before["boxes"]  # type: ignore[operator]  # a custom kind of unknown scope, in no view
    copy.insert("gen/kinds.py", "    # The cluster itself.\n",
                '    _custom("Widget", "example.com", CLUSTER, "network", "wdg"),\n', before=True)
    if recipe != "a kind":
        copy.insert("gen/views/kinds.py", "LOOKS: dict[str, Look] = {\n",
                    '    "Widget": Look("hexagon", "blue", 1, "network"),\n')
    assert_as_the_readme_says(recipe, copy)
    drawn = copy.run(DRAW_NETWORK, WIDGET)
    assert drawn["refs"] == ["Widget/w", "Service/shop/front"]  # cluster-scoped: its namespace is dropped
    assert drawn["notes"] == []  # its scope is known
    look = ["wdg", "rounded", "other"] if recipe == "a kind" else ["wdg", "hexagon", "network"]
    assert drawn["boxes"]["Widget/w"] == look  # type: ignore[index]  # the network view shows network kinds


CLIENT = """\
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: shop}
spec: {ports: [{port: 80}]}
"""

DRAW_LEGEND = """
import json, sys
from gen.loading import load
from gen.render import render_diagram
from gen.rules import derive
from gen.site.cache import drawn_of
from gen.site.html import legend_html
from gen.site.words import words_for
from gen.views import build_view
loaded = load(["-"], stdin_text=sys.stdin.read())
diagram = build_view(derive(loaded.inventory()), "topology")
render_diagram(diagram, "svg")  # drawn, as the site draws it
drawn = drawn_of(diagram)
print(json.dumps({"ko": legend_html(drawn, words_for("ko")), "en": legend_html(drawn, words_for("en"))}))
"""


@pytest.mark.exe
@pytest.mark.parametrize("recipe", ["a relationship", "… of a new kind"])
def test_a_new_relationship_is_drawn_with_its_legend_words(recipe: str, tmp_path: Path) -> None:
    copy = GenCopy(tmp_path)
    new_kind = recipe != "a relationship"
    relation = "WATCHES" if new_kind else "Relation.CALLS"
    copy.create("gen/rules/watches.py", f'''"""Pods watch the Services of their namespace (the recipe test's rule)."""

from __future__ import annotations

from ..graph import Facts, GraphEdge, PodInstance
from ..model import Inventory
from ..relations import {relation.split(".")[0]}


def derive_watches(inventory: Inventory, pods: list[PodInstance]) -> Facts:
    services = inventory.of_kind("Service")
    return Facts(edges=[GraphEdge(pod.ref, service.ref, {relation}) for pod in pods for service in services
                        if service.namespace == pod.ref.namespace])
''')
    copy.insert("gen/rules/__init__.py", "from .workloads import derive_workload_chain\n",
                "from .watches import derive_watches\n")
    copy.insert("gen/rules/__init__.py", "    derive_resource_nodes,\n)", "    derive_watches,\n", before=True)
    if new_kind:
        copy.insert("gen/relations.py", "RELATIONS: tuple[Relation, ...] = (",
                    'WATCHES = Relation("watches", "call", "purple", "dotted", "Pod → the Services it watches",\n'
                    '                   words={"en": "watches", "ko": "감시"})\n', before=True)
        copy.insert("gen/relations.py", "Relation.MONITORS, Relation.DEFINES", ", WATCHES")
    assert_as_the_readme_says(recipe, copy)
    legends = copy.run(DRAW_LEGEND, CLIENT)
    words = ("감시", "watches") if new_kind else ("추론된 호출", "inferred call")
    assert f"> {words[0]}</li>" in str(legends["ko"]) and f"> {words[1]}</li>" in str(legends["en"])


DRAW_CENSUS = """
import contextlib, io, json, sys
from gen.cli import main
from gen.site.blocks import parse_spec
listed = io.StringIO()
with contextlib.redirect_stdout(listed):
    main(["views"])
main(["render", "-", "--view", "census", "-o", "census.dot"])
print(json.dumps({"listed": listed.getvalue(), "dot": open("census.dot").read(),
                  "block": parse_spec("manifests: [x.yaml]\\nview: census\\n").view}))
"""


@pytest.mark.exe
def test_a_new_view_is_listed_drawn_and_declared_in_a_page(tmp_path: Path) -> None:
    copy = GenCopy(tmp_path)
    copy.create("gen/views/census.py", '''"""One box per kind with how many the inputs hold (the recipe test's view)."""

from __future__ import annotations

from collections import Counter

from ..diagram import Box, Diagram
from ..graph import Graph
from .base import Filters, ViewBuilder


def build_census(graph: Graph, filters: Filters) -> Diagram:
    counts = Counter(ref.kind for ref in graph.nodes if filters.keeps(ref))
    return Diagram(boxes=[Box(kind, f"{kind} ×{n}") for kind, n in sorted(counts.items())])


VIEW_BUILDERS: dict[str, ViewBuilder] = {"census": build_census}
''')
    copy.insert("gen/views/__init__.py", "    )\n}\n",
                '        ViewSpec("census", "one box per kind, counted", "census"),\n', before=True)
    assert_as_the_readme_says("a view", copy)
    result = copy.run(DRAW_CENSUS, CLIENT)
    assert re.search(r"^\s*census\s+one box per kind, counted$", str(result["listed"]), re.M)
    assert "Pod ×1" in str(result["dot"]) and "Service ×1" in str(result["dot"])
    assert result["block"] == "census"
