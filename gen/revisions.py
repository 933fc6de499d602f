"""Revisions for `gen diff`: a path as it is, or git's `REF:PATH` written out to a temporary directory.

Only what the diff reads is written out: PATH, and the kustomization bases and components that its kustomizations
name elsewhere in the repository (`../base`), found as they are written out. Regular files only (no symlink, no
submodule, nothing outside the directory), and no more than MAX_REVISION_BYTES: a pull request cannot make the
step that diffs it fill the disk.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .inputs import KUSTOMIZATION_FILES, root_entries
from .tools import Deadline, ToolStopped, run_tool

MAX_REVISION_BYTES = 128 * 1024 * 1024
GIT_TIMEOUT_SECONDS = 60


class RevisionError(Exception):
    """A REF:PATH argument names a revision or path git does not know, or one too large to write out. `said`: git's
    own last line, when git said something."""

    def __init__(self, message: str, said: str = "") -> None:
        super().__init__(message)
        self.said = said


def is_revision(argument: str) -> bool:
    """`REF:PATH` (git's own notation) for an argument that is not an existing path."""
    return ":" in argument and not os.path.exists(argument) and not argument.startswith(("-", ":"))


def materialise_revision(argument: str, into: str) -> str:
    """Write PATH at the revision, and what its kustomizations reach, under `into`; return PATH's place there."""
    revision, _, path = argument.partition(":")
    deadline = Deadline(GIT_TIMEOUT_SECONDS)
    outside = f"{argument}: REF:PATH reads a git revision, and the current directory is in no git repository"
    prefix = _git(["rev-parse", "--show-prefix"], deadline, outside).strip()
    top = _git(["rev-parse", "--show-toplevel"], deadline, outside).strip()
    wanted = os.path.normpath(os.path.join(prefix, path or "."))
    if wanted.startswith(".."):
        raise RevisionError(f"{argument}: the path is outside the repository")
    wanted = "" if wanted == "." else wanted
    try:
        _git(["-C", top, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{tree}}"], deadline)
    except RevisionError as exc:
        raise RevisionError(unknown_revision(revision, f"git: {exc.said}" if exc.said else str(exc))) from None
    if wanted and not _exists(top, revision, wanted, deadline):
        raise RevisionError(f"{argument}: no file at {wanted} in revision {revision}")
    written: list[str] = []  # paths in the repository written out so far
    pending = [wanted]
    budget = [MAX_REVISION_BYTES]
    while pending:
        batch = sorted(set(pending))
        pending = []
        for part in batch:
            _extract(top, revision, part, into, budget, deadline, argument)
            written.append(part)
        for part in batch:
            pending += [base for base in _bases_named(into, part)
                        if not any(_within(base, done) for done in written) and _exists(top, revision, base, deadline)]
    return os.path.join(into, wanted) if wanted else into


def unknown_revision(revision: str, said: str) -> str:
    """What to say of a revision git does not know: which one, and what usually makes it known (a shallow clone
    holds only the commits it fetched; a pull request's base branch is fetched by name)."""
    return (f"{revision} is not a revision of this repository ({said}): fetch it first (git fetch origin BRANCH, "
            "or check out with enough history: actions/checkout's fetch-depth: 2 for HEAD^1), or name a commit, "
            "branch or tag that exists")


def _within(path: str, directory: str) -> bool:
    return not directory or path == directory or path.startswith(f"{directory}/")


def _bases_named(into: str, part: str) -> list[str]:
    """Repository paths of the bases and components that kustomizations under `part` name (not remote ones)."""
    found: list[str] = []
    top = Path(into, part)
    if not top.is_dir():
        return found
    for name in KUSTOMIZATION_FILES:
        for marker in sorted(top.rglob(name)):
            relative = os.path.relpath(marker.parent, into)
            for entry, _line in root_entries(marker):
                target = os.path.normpath(os.path.join(relative, entry))
                if not target.startswith("..") and not os.path.isabs(target) and "://" not in entry:
                    found.append(target)
    return found


def _exists(top: str, revision: str, path: str, deadline: Deadline) -> bool:
    try:
        _git(["-C", top, "cat-file", "-e", f"{revision}:{path}"], deadline)
    except RevisionError:
        return False
    return True


def _extract(top: str, revision: str, part: str, into: str, budget: list[int], deadline: Deadline,
             argument: str) -> None:
    import tarfile

    command = ["-C", top, "archive", "--format=tar", revision]
    if part:
        command += ["--", part]
    archive = _git_bytes(command, deadline, argument, max_output=budget[0] + 1024 * 1024)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            name = os.path.normpath(member.name)
            if not member.isfile() or os.path.isabs(name) or name.split(os.sep)[0] == "..":
                continue
            budget[0] -= member.size
            if budget[0] < 0:
                raise RevisionError(f"{argument}: more than {MAX_REVISION_BYTES // (1024 * 1024)} MiB of files to "
                                    "write out; diff a smaller path")
            tar.extract(member, into, filter="data")


def _git(arguments: list[str], deadline: Deadline, what: str = "") -> str:
    return _git_bytes(arguments, deadline, what).decode("utf-8", "replace")


def _git_bytes(arguments: list[str], deadline: Deadline, what: str = "", max_output: int | None = None) -> bytes:
    label = what or f"git {arguments[0]}"
    try:
        if max_output is None:
            done = run_tool(["git", *arguments], deadline)
        else:
            done = run_tool(["git", *arguments], deadline, max_output=max_output)
    except ToolStopped as exc:
        raise RevisionError(f"{label}: git {exc}") from exc
    except OSError as exc:
        raise RevisionError(f"{label}: cannot run git: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        if said:
            raise RevisionError(f"{label} (git: {said[0]})", said[0])
        raise RevisionError(f"{label} (git stopped with status {done.returncode}, saying nothing)")
    return done.stdout


def revision_inputs(arguments: Sequence[str], scratch: str) -> list[tuple[str, str | None]]:
    """Each argument as a path to read and the root its files are named from: a path as given (no root), REF:PATH
    materialised under `scratch` and named from there (`manifests/web.yaml`, not the temporary directory)."""
    paths: list[tuple[str, str | None]] = []
    for index, argument in enumerate(arguments):
        if is_revision(argument):
            into = tempfile.mkdtemp(prefix=f"rev{index}-", dir=scratch)
            paths.append((materialise_revision(argument, into), into))
        else:
            paths.append((argument, None))
    return paths
