"""The package's import graph: no circle, and no module imports one of a later stage of the pipeline. Every
import counts, function-local ones too (they hid two circles before); only those under `if TYPE_CHECKING:` are
left out, as they never run."""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Mapping
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "gen"

# The stages, earliest first. A module may import its own stage's modules and earlier stages' only.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("gen", "gen.records", "gen.words", "gen.userdirs", "gen.kinds", "gen.diagram", "gen.relations",
                    "gen.model", "gen.selectors", "gen.masking", "gen.safeyaml", "gen.schema", "gen.uptodate",
                    "gen.tools", "gen.ignore")),
    ("load", ("gen.paths", "gen.documents", "gen.inputs", "gen.loading", "gen.declarative")),
    ("graph", ("gen.kube", "gen.graph")),
    ("derive", ("gen.rules", "gen.rules.*")),
    ("view", ("gen.views", "gen.views.*")),
    ("render", ("gen.render", "gen.render.*")),
    ("compose", ("gen.diff", "gen.findings", "gen.isolate", "gen.request", "gen.pipeline", "gen.revisions")),
    ("site", ("gen.site", "gen.site.*")),
    ("command", ("gen.cli",)),
)


def module_names(package: Path = PACKAGE) -> dict[str, Path]:
    names = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package → the modules of the package it imports."""
    modules = module_names(package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                     and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
                     for node in ast.walk(block)}
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                wanted = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
            else:
                continue
            for target in wanted:
                while target not in modules and "." in target:
                    target = target.rpartition(".")[0]
                if target in modules and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def stage_of(module: str) -> int:
    for index, (_name, patterns) in enumerate(STAGES):
        if any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns):
            return index
    raise AssertionError(f"{module} is in no stage: add it to STAGES")


def later_stage_imports(graph: Mapping[str, set[str]]) -> list[str]:
    return sorted(f"{module} ({STAGES[stage_of(module)][0]}) imports {target} ({STAGES[stage_of(target)][0]})"
                  for module, targets in graph.items() for target in targets if stage_of(target) > stage_of(module))


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every import circle, each once (found by depth-first search from each module, iteratively)."""
    found: set[tuple[str, ...]] = set()
    for start in sorted(graph):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            module, path = stack.pop()
            for target in sorted(graph.get(module, ())):
                if target == start:
                    smallest = path.index(min(path))
                    found.add(tuple(path[smallest:] + path[:smallest]))
                elif target not in path and target > start:  # each circle from its smallest module only
                    stack.append((target, [*path, target]))
    return [list(circle) for circle in sorted(found)]


def test_every_module_is_in_a_stage() -> None:
    for module in module_names():
        stage_of(module)


def test_no_module_imports_a_later_stage() -> None:
    assert later_stage_imports(import_graph()) == []


def test_the_package_has_no_import_circle() -> None:
    assert circles(import_graph()) == []


def test_a_planted_circle_or_later_import_is_found(tmp_path: Path) -> None:
    """The checks see what they are for: a function-local import planted in a copy of the package."""
    import shutil

    copy = tmp_path / "gen"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    paths = copy / "paths.py"
    paths.write_text(paths.read_text(encoding="utf-8") + "\n\ndef _planted() -> None:\n"
                     "    from .loading import load  # noqa: F401\n    from .site import plugin  # noqa: F401\n",
                     encoding="utf-8")
    graph = import_graph(copy)
    assert ["gen.loading", "gen.paths"] in circles(graph)
    assert later_stage_imports(graph) == ["gen.paths (load) imports gen.site.plugin (site)"]
