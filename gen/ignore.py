"""What a walk of a user's repository leaves out: one rule for finding manifests, for the up-to-date record of
`gen` and for `mkdocs serve`'s watch.

Left out are entries whose name starts with a dot (`.git`, `.venv`, `.cache`), the directories given as excluded
(the site's build directory), and whatever the repository's `.gitignore` files ignore: the one of each directory
walked and those of its parents up to the repository's top (the directory holding `.git`). Patterns are read as git
reads them (pathspec's GitIgnoreSpec: `*`, `**`, `/` anchoring, a trailing `/` for directories, `!` negation within
one file); `.git/info/exclude` and the user's global excludes are not read. A file that cannot be read ignores
nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


GITIGNORE = ".gitignore"
# A .gitignore larger than this is not read (a planted file of gigabytes must not stall every walk).
MAX_GITIGNORE_BYTES = 1 << 20


class WalkRules:
    """Whether a walk leaves an entry out. One instance per walk: each directory's .gitignore is read once."""

    def __init__(self, excluded: Sequence[Path | str] = ()) -> None:
        self._excluded = frozenset(os.path.realpath(path) for path in excluded)
        self._specs: dict[str, tuple[tuple[str, GitIgnoreSpec], ...]] = {}

    def skips(self, directory: str | Path, name: str, is_dir: bool) -> bool:
        """Whether the entry `name` of `directory` is left out (and, for a directory, everything below it)."""
        if name.startswith("."):
            return True
        path = os.path.join(directory, name)
        if is_dir and os.path.realpath(path) in self._excluded:
            return True
        for base, spec in self._applying(os.path.realpath(directory)):
            relative = os.path.relpath(os.path.join(os.path.realpath(directory), name), base).replace(os.sep, "/")
            if spec.match_file(relative + "/" if is_dir else relative):
                return True
        return False

    def _applying(self, real_directory: str) -> tuple[tuple[str, GitIgnoreSpec], ...]:
        """The .gitignore files that apply in a directory: its own, and its parents' up to the repository's top
        when it is in one (outside a repository, a parent's .gitignore is nobody's)."""
        known = self._specs.get(real_directory)
        if known is not None:
            return known
        parent = os.path.dirname(real_directory)
        inherited: tuple[tuple[str, GitIgnoreSpec], ...] = ()
        if (parent != real_directory and not os.path.exists(os.path.join(real_directory, ".git"))
                and _in_repository(parent)):
            inherited = self._applying(parent)
        own = _read_gitignore(real_directory)
        specs = (*inherited, (real_directory, own)) if own is not None else inherited
        self._specs[real_directory] = specs
        return specs


def _in_repository(directory: str) -> bool:
    """Whether a directory is in a git work tree (it or a parent holds `.git`)."""
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return True
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent


def _read_gitignore(directory: str) -> GitIgnoreSpec | None:
    path = os.path.join(directory, GITIGNORE)
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_GITIGNORE_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as stream:
            lines = stream.read().splitlines()
    except OSError:
        return None
    if not lines:
        return None
    import pathspec  # here: most walks meet no .gitignore, and gen's start stays light (tests/test_records.py)

    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error):  # a pattern git would skip: read the file without the lines it cannot take
        return pathspec.GitIgnoreSpec.from_lines([line for line in lines if _readable_pattern(line)])


def _readable_pattern(line: str) -> bool:
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except (ValueError, re.error):
        return False
    return True


def walk(root: str | Path, excluded: Sequence[Path | str] = ()) -> Iterator[tuple[str, list[str]]]:
    """Each directory below `root` (itself first) that a walk for manifests enters, with the names of its files
    the walk keeps, in a stable order. Links to directories are followed once each: a loop of links ends."""
    rules = WalkRules(excluded)
    seen: set[str] = set()
    for directory, subdirectories, names in os.walk(root, followlinks=True):
        real = os.path.realpath(directory)
        if real in seen:  # a loop of links: walked already
            subdirectories[:] = []
            continue
        seen.add(real)
        subdirectories[:] = sorted(d for d in subdirectories if not rules.skips(directory, d, True))
        yield directory, sorted(name for name in names if not rules.skips(directory, name, False))


def watched_directories(root: Path, excluded: Sequence[Path | str] = ()) -> list[Path]:
    """`root` and every directory below it that a walk for manifests enters (what `mkdocs serve` watches), sorted."""
    return sorted(Path(directory) for directory, _names in walk(root, excluded))
