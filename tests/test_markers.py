"""The markers the inner loop leaves out (`-m "not corpus and not browser"`, README "Set up") are given by the
fixtures a test uses (tests/conftest.py), not only by a mark someone remembered to write; and a marker that is not
declared in pyproject.toml is an error (`--strict-markers`), not a silently empty selection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _collected(*arguments: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode in (0, 5), done.stdout + done.stderr  # 5: nothing selected
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_a_test_using_the_corpus_fixture_is_marked_corpus_without_writing_the_mark() -> None:
    # These use the `corpus` fixture and carry no mark of their own.
    unmarked = "tests/views/test_cluster.py::test_kubeadm_corpus_control_plane_view_links_api_server_to_etcd"
    source = (ROOT / "tests" / "views" / "test_cluster.py").read_text(encoding="utf-8")
    above = source[:source.index("def test_kubeadm_corpus_control_plane_view_links_api_server_to_etcd")]
    assert "mark.corpus" not in "".join(above.splitlines()[-3:])  # the hook, not a written mark, selects it
    assert unmarked in _collected("-m", "corpus", "tests/views/test_cluster.py")
    assert unmarked not in _collected("-m", "not corpus", "tests/views/test_cluster.py")


def test_every_test_of_the_browser_modules_is_marked_browser() -> None:
    browser = _collected("-m", "browser", "tests/site/test_browser.py", "tests/site/test_serve.py")
    assert browser and all(line.startswith(("tests/site/test_browser.py", "tests/site/test_serve.py"))
                           for line in browser)
    assert _collected("-m", "not browser", "tests/site/test_browser.py", "tests/site/test_serve.py") == []


def test_an_undeclared_marker_is_an_error(tmp_path: Path) -> None:
    test = tmp_path / "test_typo.py"
    test.write_text("import pytest\n\n\n@pytest.mark.corpsu\ndef test_typo() -> None:\n    pass\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(test)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0 and "'corpsu' not found in `markers` configuration option" in done.stdout
