"""`gen check` without paths checks what the pages use: their figure declarations and the manifests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def _check(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gen.cli", "check"], cwd=site, capture_output=True, text=True,
                          timeout=120)


def test_figure_declaration_errors_fail_the_check_at_their_page_and_line(fixture_site: Callable[[str], Path]) -> None:
    done = _check(fixture_site("spec-errors"))
    assert done.returncode == 1
    assert "docs/unknown-view.md:5:7: error: kubedocs figure: view: unknown view; allowed: " in done.stderr
    assert "docs/no-manifests.md:4:1: error: kubedocs figure: the block: `manifests` is required" in done.stderr
    assert "sideways" not in done.stderr  # what was written is never quoted
    assert "no-such-view" not in done.stderr  # the example inside a 4-backtick fence is not a figure
    assert "Traceback" not in done.stderr


def test_broken_manifests_fail_the_check_naming_file_line_and_column(fixture_site: Callable[[str], Path]) -> None:
    done = _check(fixture_site("broken"))
    assert done.returncode == 1
    assert "manifests/broken/bad.yaml:11:6: error: invalid YAML" in done.stderr  # relative to the site


def test_a_good_site_passes(fixture_site: Callable[[str], Path]) -> None:
    done = _check(fixture_site("good"))
    assert done.returncode == 0, done.stderr
    assert "0 problems" in done.stderr


def _two_app_repository(root: Path) -> Path:
    """A fresh repository as a user has it: two unrelated applications that leave the namespace unset (one
    Deployment named `web` each), each on its page, a built site/ and a virtual environment with a manifest-like
    file, and `manifests: .` (the whole repository)."""
    (root / ".git").mkdir(parents=True)
    (root / ".gitignore").write_text("site/\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: two\ntheme: {name: material, font: false}\n"
                                     "plugins: [{kubedocs: {manifests: .}}]\n", encoding="utf-8")
    (root / "docs").mkdir()
    for app in ("shop", "blog"):
        (root / app).mkdir()
        (root / app / "web.yaml").write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {a: b}}\n"
            "  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: web, image: nginx}]}\n",
            encoding="utf-8")
        (root / "docs" / f"{app}.md").write_text(f"# {app}\n\n```kubedocs\nmanifests: {app}/\n```\n", encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Two apps\n", encoding="utf-8")
    for planted in ("site/search/search_index.yaml", ".venv/lib/python3/site-packages/chart/values.yaml"):
        (root / planted).parent.mkdir(parents=True, exist_ok=True)
        (root / planted).write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n: : bad\n",
                                    encoding="utf-8")
    return root


def test_check_without_paths_checks_each_figure_as_the_site_draws_it(tmp_path: Path) -> None:
    """Two unrelated apps in `default` on two pages are two figures, not one cluster with a duplicate Deployment;
    the build output, .venv and mkdocs.yml are not read."""
    root = _two_app_repository(tmp_path / "repo")
    done = _check(root)
    assert done.returncode == 0, done.stderr
    assert "duplicate" not in done.stderr and "site/" not in done.stderr and ".venv" not in done.stderr
    assert "2 resources in 2 files, 0 problems" in done.stderr
    named = subprocess.run([sys.executable, "-m", "gen.cli", "check", "shop", "blog"], cwd=root,
                           capture_output=True, text=True, timeout=120)
    assert named.returncode == 1 and "duplicate" in named.stderr  # named together, they are one cluster, as before


def test_a_no_change_build_of_the_whole_repository_does_not_read_the_venv(tmp_path: Path) -> None:
    """`manifests: .`: the up-to-date record lists the project's files, not .venv's or site/'s, so a change there
    is no change, and the second `gen` replays the first."""
    root = _two_app_repository(tmp_path / "repo")
    gen = [sys.executable, "-m", "gen.cli"]
    first = subprocess.run(gen, cwd=root, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    (root / ".venv" / "lib" / "python3" / "new.yaml").write_text("x: 1\n", encoding="utf-8")
    (root / "site" / "new.yaml").write_text("x: 1\n", encoding="utf-8")
    second = subprocess.run(gen, cwd=root, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and "0 rendered, 2 unchanged" in second.stdout, second.stdout + second.stderr
    from gen.uptodate import record_path
    record = Path(record_path(str(root / "mkdocs.yml"))).read_bytes()
    assert b".venv" not in record and b"search_index" not in record


def test_a_missing_manifest_is_reported_at_the_line_that_names_it(tmp_path: Path) -> None:
    """Not at the fence: the block's third line names the file that is not there."""
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    (root / "manifests").mkdir()
    (root / "mkdocs.yml").write_text("site_name: s\nplugins: [kubedocs]\n", encoding="utf-8")
    (root / "docs" / "index.md").write_text(
        "# S\n\n```kubedocs\nview: topology\ncaption: x\nmanifests: [gone.yaml]\n```\n", encoding="utf-8")
    done = _check(root)
    assert done.returncode == 1
    assert "docs/index.md:6: error: kubedocs figure: manifests/gone.yaml" in done.stderr, done.stderr
