"""Every rule written is run: each `derive_*` function of gen/rules/ is listed in RULES (gen/rules/__init__.py).
A rule left out of the table is silently never drawn."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable
from types import FunctionType, ModuleType

import gen.rules
from gen.graph import Facts
from gen.model import Inventory
from gen.rules import RULES

# derive() calls these itself rather than through the table: the chain's Pods are every rule's input.
CALLED_BY_DERIVE = frozenset({"derive_workload_chain"})


def _rule_modules() -> list[ModuleType]:
    names = [m.name for m in pkgutil.walk_packages(gen.rules.__path__, "gen.rules.")]  # packages too (custom/)
    return [gen.rules, *(importlib.import_module(name) for name in names)]


def unregistered_rules(modules: Iterable[ModuleType]) -> list[str]:
    """The `derive_*` functions the modules define (not import) that are neither in RULES nor run by derive()."""
    registered = {(rule.__module__, rule.__name__) for rule in RULES}
    return sorted(f"{module.__name__}.{name}" for module in modules
                  for name, function in inspect.getmembers(module, inspect.isfunction)
                  if name.startswith("derive_") and function.__module__ == module.__name__
                  and name not in CALLED_BY_DERIVE and (module.__name__, name) not in registered)


def test_every_derive_function_in_gen_rules_is_in_rules() -> None:
    modules = _rule_modules()
    assert len(modules) > 10  # every module of the package was found
    assert unregistered_rules(modules) == []


def test_a_rule_written_and_not_listed_is_found() -> None:
    planted = ModuleType("gen.rules.planted")

    def derive_forgotten_edges(inventory: Inventory, pods: list[object]) -> Facts:
        return Facts()

    derive_forgotten_edges.__module__ = planted.__name__
    planted.derive_forgotten_edges = derive_forgotten_edges  # type: ignore[attr-defined]
    assert isinstance(derive_forgotten_edges, FunctionType)
    assert unregistered_rules([*_rule_modules(), planted]) == ["gen.rules.planted.derive_forgotten_edges"]
