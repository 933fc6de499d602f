"""The pre-commit hook the repository offers runs `gen check` when manifests, pages or mkdocs.yml change."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_hook_runs_gen_check_on_manifest_and_page_changes() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "kubedocs-check"]
    assert hook["entry"] == "gen check"
    assert hook["language"] == "python"  # pre-commit installs this package, which provides `gen`
    assert hook["pass_filenames"] is False  # gen check without paths checks what the pages use
    # Any site's layout: no folder named (a site may keep its manifests in deploy/ and its pages elsewhere), and
    # mkdocs.yml's changes count too. The real hook runs from a fresh repository: tests/site/test_your_repository.py.
    assert "files" not in hook
    assert hook["types_or"] == ["yaml", "markdown", "json"]


def test_the_hook_entry_is_an_installed_console_script() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'gen = "gen.cli:run"' in pyproject
    assert shutil.which("gen") is not None, "pip install -e . provides the `gen` command"
