"""tests/golden_files.py: the one golden comparator rewrites a golden file only when asked and never under CI, and
fails with the diff on any difference."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_files import compare_with_golden


def test_update_is_refused_when_ci_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.dot").write_text("digraph kubedocs {\n}\n", encoding="utf-8")
    monkeypatch.setenv("KUBEDOCS_UPDATE_GOLDEN", "1")
    for ci in ("true", "1", "yes"):
        monkeypatch.setenv("CI", ci)
        with pytest.raises(pytest.fail.Exception, match="refused when CI is set"):
            compare_with_golden("x.dot", "digraph kubedocs {\n  changed;\n}\n", directory=tmp_path)
        with pytest.raises(pytest.fail.Exception, match="refused when CI is set"):
            compare_with_golden("new.dot", "digraph kubedocs {\n}\n", directory=tmp_path)
    assert (tmp_path / "x.dot").read_text(encoding="utf-8") == "digraph kubedocs {\n}\n"  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.dot"]  # and nothing new written


@pytest.mark.parametrize("ci", [None, ""])
def test_update_rewrites_the_file_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None) -> None:
    (tmp_path / "x.dot").write_text("digraph kubedocs {\n}\n", encoding="utf-8")
    monkeypatch.setenv("KUBEDOCS_UPDATE_GOLDEN", "1")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)  # set but empty: not a CI run
    compare_with_golden("x.dot", "digraph kubedocs {\r\n  changed;\n}\n", directory=tmp_path)
    assert (tmp_path / "x.dot").read_bytes() == b"digraph kubedocs {\r\n  changed;\n}\n"


def test_without_update_a_difference_fails_with_the_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBEDOCS_UPDATE_GOLDEN", raising=False)
    monkeypatch.setenv("CI", "true")  # comparing is what CI does
    (tmp_path / "x.dot").write_text("digraph kubedocs {\n  a;\n}\n", encoding="utf-8")
    compare_with_golden("x.dot", "digraph kubedocs {\n  a;\n}\n", directory=tmp_path)  # equal: passes
    with pytest.raises(pytest.fail.Exception, match=r"(?s)x\.dot differs from its golden file.*-  a;\n\+  b;"):
        compare_with_golden("x.dot", "digraph kubedocs {\n  b;\n}\n", directory=tmp_path)
    with pytest.raises(pytest.fail.Exception, match="missing: generate it"):
        compare_with_golden("absent.dot", "digraph kubedocs {\n}\n", directory=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.dot"]


def test_no_other_test_reads_the_update_switch_itself() -> None:
    # A comparator of its own is how a golden file came to be rewritten under CI (tests/views/test_declarative.py).
    tests = Path(__file__).resolve().parent
    readers = sorted(path.relative_to(tests).as_posix() for path in tests.rglob("*.py")
                     if '"KUBEDOCS_UPDATE_GOLDEN"' in path.read_text(encoding="utf-8")  # the variable read, not named
                     and path.name not in ("golden_files.py", "test_golden_files.py"))
    assert readers == []
