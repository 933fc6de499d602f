"""What a walk of a user's repository leaves out (gen/ignore.py): dot entries, the site's build directory and what
.gitignore ignores — for finding manifests, for the up-to-date record and for `mkdocs serve`'s watch alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from gen.ignore import WalkRules, watched_directories
from gen.inputs import rendered_inputs
from gen.paths import expand_inputs
from gen.uptodate import tree_listing

DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: NAME}\n"


def _repository(root: Path) -> Path:
    """A repository with manifests where a user keeps them, and the things a walk must not enter."""
    (root / ".git").mkdir(parents=True)
    (root / ".gitignore").write_text("/build/\n*.generated.yaml\nvendor/\n!vendor/keep.yaml\n", encoding="utf-8")
    for path in ("app/web.yaml", "app/nested/api.yaml", ".venv/lib/chart.yaml", "site/search/index.yaml",
                 "build/out.yaml", "app/secret.generated.yaml", "vendor/lib.yaml", "app/.hidden.yaml"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(DEPLOYMENT.replace("NAME", Path(path).stem.split(".")[0]), encoding="utf-8")
    (root / "app" / ".gitignore").write_text("nested/\n", encoding="utf-8")
    return root


def test_a_walk_leaves_out_dot_entries_the_build_and_what_gitignore_ignores(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    files, problems = expand_inputs([str(root)], excluded=[root / "site"])
    assert problems == []
    assert [Path(f).relative_to(root).as_posix() for f in files] == ["app/web.yaml"]
    everything, _ = expand_inputs([str(root)])  # without the build excluded, it is walked like any folder
    assert "site/search/index.yaml" in [Path(f).relative_to(root).as_posix() for f in everything]


def test_a_file_named_outright_is_read_whatever_gitignore_says(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    named = str(root / "build" / "out.yaml")
    assert expand_inputs([named])[0] == [named]


def test_a_parents_gitignore_applies_only_inside_its_repository(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("app/\n", encoding="utf-8")  # not a repository: nobody's ignore file
    (tmp_path / "project" / "app").mkdir(parents=True)
    (tmp_path / "project" / "app" / "web.yaml").write_text(DEPLOYMENT.replace("NAME", "web"), encoding="utf-8")
    assert len(expand_inputs([str(tmp_path / "project")])[0]) == 1
    (tmp_path / ".git").mkdir()  # now it is the repository's top: its .gitignore applies below it
    assert expand_inputs([str(tmp_path / "project")])[0] == []


def test_the_up_to_date_record_and_the_watch_walk_as_the_manifests_are_found(tmp_path: Path) -> None:
    """`manifests: .` in a project with a virtual environment: the record lists the project's files, not the 20,000
    of .venv, and `mkdocs serve` watches the folders the manifests are found in."""
    root = _repository(tmp_path / "repo")
    listed = tree_listing(str(root), "", [str(root / "site")])
    assert not any(name.startswith((".venv", "site/", "build/", "vendor/lib")) for name in listed), listed
    assert "app/web.yaml" in listed and "app/secret.generated.yaml" not in listed
    watched = [d.relative_to(root).as_posix() for d in watched_directories(root, [root / "site"])]
    assert watched == [".", "app"]


def test_a_kustomization_another_one_uses_is_not_an_application_of_its_own(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for folder, text in (("base", "resources: [web.yaml]\n"), ("overlays/prod", "resources: [../../base]\n"),
                         ("other", "resources: [web.yaml]\n")):
        (root / folder).mkdir(parents=True)
        (root / folder / "kustomization.yaml").write_text(text, encoding="utf-8")
    for folder in ("base", "other"):
        (root / folder / "web.yaml").write_text(DEPLOYMENT.replace("NAME", folder), encoding="utf-8")
    paths, problems = rendered_inputs([str(root)])
    assert problems == []
    assert [Path(p).relative_to(root).as_posix() for p in paths] == ["other", "overlays/prod"]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\x00\xff garbage [\n"])
def test_an_empty_or_odd_gitignore_ignores_nothing_and_never_fails(tmp_path: Path, text: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text(text, encoding="utf-8", errors="surrogateescape")
    assert not WalkRules().skips(tmp_path, "web.yaml", False)


def test_a_pattern_git_cannot_take_is_skipped_and_the_others_still_apply(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("**/[z-a]\nweb.yaml\n\\\n", encoding="utf-8")
    rules = WalkRules()
    assert rules.skips(tmp_path, "web.yaml", False) and not rules.skips(tmp_path, "api.yaml", False)
