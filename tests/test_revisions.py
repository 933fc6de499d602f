"""`gen diff`'s git revisions: REF:PATH written out, only as much as the diff reads."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import gen.revisions
from gen.revisions import RevisionError, materialise_revision

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _repository(root: Path) -> Path:
    """An overlay whose base and a component are elsewhere in the repository, beside 2 MB it does not need."""
    files = {
        "apps/shop/overlay/kustomization.yaml": "resources: [../../../bases/web]\ncomponents: [../../../comp]\n",
        "bases/web/kustomization.yaml": "resources: [web.yaml, ../common]\n",
        "bases/web/web.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
        "bases/common/kustomization.yaml": "resources: [ns.yaml]\n",
        "bases/common/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
        "unrelated/big.bin": "x" * 2_000_000,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "one"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, timeout=60)
    return root


def test_only_the_path_and_the_bases_it_reaches_are_written_out(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole revision was extracted: 4.1 GB of temporary files for a 9 MB repository."""
    repo = _repository(tmp_path / "repo")
    into = tmp_path / "into"
    into.mkdir()
    monkeypatch.chdir(repo)
    path = materialise_revision("HEAD:apps/shop/overlay", str(into))
    assert Path(path) == into / "apps" / "shop" / "overlay"
    written = sorted(p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file())
    assert written == ["apps/shop/overlay/kustomization.yaml", "bases/common/kustomization.yaml",
                       "bases/common/ns.yaml", "bases/web/kustomization.yaml", "bases/web/web.yaml",
                       "comp/kustomization.yaml"]


def test_a_revision_too_large_to_write_out_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repository(tmp_path / "repo")
    monkeypatch.chdir(repo)
    monkeypatch.setattr(gen.revisions, "MAX_REVISION_BYTES", 1024 * 1024)
    (tmp_path / "into").mkdir()
    with pytest.raises(RevisionError, match=r"HEAD:unrelated: more than 1 MiB of files to write out"):
        materialise_revision("HEAD:unrelated", str(tmp_path / "into"))
    assert not (tmp_path / "into" / "unrelated" / "big.bin").exists()


@pytest.mark.parametrize("revision", ["origin/main", "HEAD^1"])
def test_an_unknown_revision_is_named_with_what_to_do(tmp_path: Path, revision: str) -> None:
    """It said `HEAD^1:manifests: unknown revision: exit 1`: neither which part is unknown nor what to do."""
    import sys

    repo = _repository(tmp_path / "repo")
    done = subprocess.run([sys.executable, "-m", "gen.cli", "diff", f"{revision}:bases", "bases"], cwd=repo,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"gen diff: {revision} is not a revision of this repository (git: "), done.stderr
    assert "fetch it first" in done.stderr and "fetch-depth: 2" in done.stderr
    assert "exit 1" not in done.stderr and done.stderr.count("\n") == 1


def test_revision_outside_a_repository_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # a repository above tmp is not this one
    with pytest.raises(RevisionError, match=r"^HEAD:manifests: REF:PATH reads a git revision, and the current "
                                            r"directory is in no git repository \(git: fatal: not a git repository"):
        materialise_revision("HEAD:manifests", str(tmp_path))
