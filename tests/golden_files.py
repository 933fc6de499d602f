"""The one comparator of golden files (tests/golden/): output compared with its file byte for byte.

After an intended change, regenerate with

    KUBEDOCS_UPDATE_GOLDEN=1 pytest tests/test_golden.py tests/views/test_declarative.py

and review the diff of tests/golden/ like any other change. Updating is refused when `CI` is set (to anything but
the empty string): a CI run that rewrote the golden files would compare each file with itself and pass whatever the
code now draws.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_VARIABLE = "KUBEDOCS_UPDATE_GOLDEN"


def update_requested() -> bool:
    """KUBEDOCS_UPDATE_GOLDEN=1 outside CI; read at each comparison (so that a test can set it). Fails the test
    when both are set: under CI a golden file is only ever compared."""
    if os.environ.get(UPDATE_VARIABLE) != "1":
        return False
    if os.environ.get("CI"):
        pytest.fail(f"{UPDATE_VARIABLE}=1 is refused when CI is set: golden files are regenerated on a developer's "
                    "machine and the diff of tests/golden/ is reviewed, never rewritten by CI", pytrace=False)
    return True


def compare_with_golden(name: str, actual: str, directory: Path = GOLDEN) -> None:
    """Fail with a unified diff unless `actual` is the text of `directory/name` (written with `\\n` line ends)."""
    path = directory / name
    if update_requested():
        directory.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return  # comparing the file just written with `actual` could not fail
    if not path.exists():
        pytest.fail(f"{path} is missing: generate it with {UPDATE_VARIABLE}=1 and review it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"golden/{name}", "now", n=1))
        pytest.fail(f"{name} differs from its golden file ({UPDATE_VARIABLE}=1 to accept):\n{diff[:6000]}")
