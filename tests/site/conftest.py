"""Real MkDocs builds of small fixture sites (good/, broken/, spec-errors/) and of the project's own site.

Every build copies its site into a temporary directory first, so each one has its own figure cache
(`cache_dir: .cache/kubedocs` is relative to the copied mkdocs.yml) and nothing leaks between tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from installed_wheel import InstalledWheel, install_wheel

SITES = Path(__file__).resolve().parent
REPO = SITES.parents[1]

def build_env(extra_path: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")
    if extra_path is not None:
        env["PATH"] = f"{extra_path}{os.pathsep}{env.get('PATH', '')}"
    return env


@dataclass
class Build:
    site: Path  # the directory holding mkdocs.yml
    out: Path  # the built site
    result: subprocess.CompletedProcess[str]

    @property
    def returncode(self) -> int:
        return self.result.returncode

    @property
    def log(self) -> str:
        return self.result.stdout + self.result.stderr

    def page(self, name: str = "") -> BeautifulSoup:
        """The built page for a source page name without `.md` ("" is the home page)."""
        path = self.out / name / "index.html" if name else self.out / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def mkdocs_build(site: Path, out: Path, strict: bool = True, extra_path: Path | None = None) -> Build:
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(site / "mkdocs.yml"), "-d", str(out)]
    if strict:
        command.append("--strict")
    result = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=300,
                            env=build_env(extra_path))
    return Build(site, out, result)


def copy_site(name: str, destination: Path) -> Path:
    """A fresh copy of the fixture site `tests/site/NAME` (without any cache it may have had)."""
    target = destination / name
    shutil.copytree(SITES / name, target, ignore=shutil.ignore_patterns(".cache", "site", "__pycache__"))
    return target


class Sites:
    """What the tests use: copy a fixture site, build it, read its pages."""

    repo = REPO
    copy = staticmethod(copy_site)
    build = staticmethod(mkdocs_build)


@pytest.fixture(scope="session")
def sites() -> type[Sites]:
    return Sites


@pytest.fixture
def fixture_site(tmp_path: Path) -> Callable[[str], Path]:
    """A fresh copy of a fixture site in this test's tmp_path."""
    return lambda name: copy_site(name, tmp_path)


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    """kubedocs as anyone installs it (tests/installed_wheel.py); built and installed once per session."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not on PATH")
    return install_wheel(REPO, tmp_path_factory.mktemp("wheel"))

