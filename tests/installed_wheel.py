"""kubedocs as anyone installs it: a wheel built from this checkout, in a fresh virtual environment with its
dependencies from the package index. The session fixture `installed_wheel` (tests/site/conftest.py) makes it once:
building and installing takes about a minute."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def run_checked(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """A command that must succeed; its output in the message when it does not. No PYTHONPATH of the test run
    reaches it (a checkout on it would stand in for the installed package)."""
    inherited = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env = {**inherited, "NO_MKDOCS_2_WARNING": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", **options.pop("env", {})}
    result = subprocess.run(command, capture_output=True, text=True, timeout=options.pop("timeout", 600), env=env,
                            **options)
    assert result.returncode == 0, " ".join(command) + "\n" + result.stdout + result.stderr
    return result


@dataclass
class InstalledWheel:
    wheel: Path  # kubedocs-VERSION-py3-none-any.whl, built from the checkout
    python: Path  # the python of the fresh virtual environment it is installed in

    @property
    def bin(self) -> Path:
        return self.python.parent


def install_wheel(checkout: Path, into: Path) -> InstalledWheel:
    wheels = into / "dist"
    run_checked([sys.executable, "-m", "pip", "wheel", str(checkout), "--no-deps", "-q", "-w", str(wheels)])
    (wheel,) = wheels.glob("kubedocs-*.whl")
    environment = into / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    run_checked([str(python), "-m", "pip", "install", "-q", str(wheel)])
    return InstalledWheel(wheel, python)
