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
