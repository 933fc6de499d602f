"""Finding the files an input stands for: files, directories (recursively), globs and `-`, confined.

Symbolic links are followed, never out of where they were found (or out of the project's roots), and never around a
loop; what leads elsewhere is refused with a message that names the link, never its target.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .ignore import WalkRules
from .model import Diagnostic, Severity, Source

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"

def expand_inputs(inputs: Iterable[str], roots: Sequence[Path] | None = None,
                  excluded: Sequence[Path] = ()) -> tuple[list[str], list[Diagnostic]]:
    """Files, directories (recursively, manifest suffixes only), globs and `-`, sorted: the result is a function of
    the set of inputs, never of their order, and names each real file once (however many links lead to it).

    Symbolic links are followed, but what a directory or a pattern finds must resolve inside that directory (the
    pattern's fixed part); with `roots`, everything, files named outright included, must resolve inside one of
    them. What leads elsewhere is refused with a message that names the link, never its target.

    A walk leaves out dot entries, the `excluded` directories (a site's build directory) and what the
    repository's .gitignore files ignore (gen/ignore.py); a file named outright is read whatever they say."""
    problems: list[Diagnostic] = []
    rules = WalkRules(excluded)
    named: dict[Path, str] = {}  # real path → how it was named (the smallest spelling, for a stable result)
    stdin = False
    confine = tuple(real_path(r) for r in roots) if roots is not None else None

    def add(path: str, boundary: tuple[Path, ...] | None) -> None:
        real = real_path(Path(path))
        if boundary is not None and not is_inside(real, boundary):
            problems.append(_error(Source(path), "refused: a symbolic link that leads outside the project"))
            return
        if real not in named or path < named[real]:
            named[real] = path

    for item in inputs:
        if item == STDIN:
            stdin = True
            continue
        path = Path(item)
        if path.is_dir():
            if confine is not None and not is_inside(real_path(path), confine):
                problems.append(_error(Source(item), "refused: a symbolic link that leads outside the project"))
                continue
            found = _walk(path, confine or (real_path(path),), problems, rules=rules)
            if not found:
                problems.append(Diagnostic(Source(item), Severity.WARNING,
                                           "no manifest file (*.yaml, *.yml, *.json) in this directory"))
            for file in found:
                add(str(file), None)
        elif path.is_file():
            add(item, confine)
        elif glob.has_magic(item):
            # Like a directory, a pattern stands for the manifests it matches: README.md in `dir/*` is not one.
            matches = _glob(item, confine, problems, rules)
            if not matches:
                problems.append(_error(Source(item), "no manifest file matches this pattern"))
            for match in matches:
                add(str(match), None)
        elif path.is_symlink():
            problems.append(_error(Source(item), "a symbolic link that leads nowhere (or to itself)"))
        else:
            problems.append(_error(Source(item), "no such file or directory"))
    paths = sorted(named.values())
    return ([STDIN] if stdin else []) + paths, problems


def inside_roots(path: Path, roots: Sequence[Path]) -> bool:
    """Whether `path`, every symbolic link resolved, lies inside one of `roots` (as a site confines its inputs)."""
    return is_inside(real_path(path), tuple(real_path(r) for r in roots))


def real_path(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop on Python < 3.13
        return path.absolute()


def is_inside(real: Path, boundary: tuple[Path, ...]) -> bool:
    return any(real == root or real.is_relative_to(root) for root in boundary)


def _walk(directory: Path, boundary: tuple[Path, ...], problems: list[Diagnostic],
          max_depth: int | None = None, with_dirs: bool = False, rules: WalkRules | None = None) -> list[Path]:
    """Manifest files below `directory`, iteratively, without what `rules` leave out (dot entries, ignored ones).
    Symbolic links are followed, but never out of `boundary` and never into a directory already visited: a link
    loop ends, instead of walking (and loading the same files) until the path is too long."""
    found: list[Path] = []
    walk_rules = rules or WalkRules()
    seen = {real_path(directory)}
    stack: list[tuple[Path, int]] = [(directory, 0)]
    while stack:
        current, depth = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue  # unreadable or gone: nothing to load from it
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(current, entry.name)
            real = real_path(path)
            if entry.is_symlink() and not is_inside(real, boundary):
                problems.append(_error(Source(str(path)), "refused: a symbolic link that leads outside the project"))
                continue
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:
                continue
            if walk_rules.skips(current, entry.name, is_dir):
                continue
            if is_dir:
                if real in seen:
                    continue
                seen.add(real)
                if with_dirs:
                    found.append(path)
                if max_depth is None or depth + 1 < max_depth:
                    stack.append((path, depth + 1))
            elif is_file and (with_dirs or path.suffix.lower() in MANIFEST_SUFFIXES):
                found.append(path)
    return sorted(found)


def _glob(pattern: str, confine: tuple[Path, ...] | None, problems: list[Diagnostic],
          rules: WalkRules | None = None) -> list[Path]:
    """What `glob.glob(pattern, recursive=True)` finds, but through `_walk`: loop-safe and confined to the pattern's
    fixed part. A matching directory stands for its manifests."""
    found: list[Path] = []
    for path, boundary in _pattern_matches(pattern, confine, problems, rules):
        if path.is_dir():
            found.extend(_walk(path, boundary, problems, rules=rules))
        elif path.suffix.lower() in MANIFEST_SUFFIXES:
            found.append(path)
    return found


def matching_directories(pattern: str, confine: Sequence[Path] | None = None) -> list[Path]:
    """The directories a pattern matches, found as `_glob` finds files: a link loop ends, and no link leads out of
    the pattern's fixed part (or `confine`). The refusals are said by `expand_inputs`, which walks the same way."""
    boundary = tuple(real_path(root) for root in confine) if confine is not None else None
    return [path for path, _ in _pattern_matches(pattern, boundary, []) if path.is_dir()]


def _pattern_matches(pattern: str, confine: tuple[Path, ...] | None, problems: list[Diagnostic],
                     rules: WalkRules | None = None) -> list[tuple[Path, tuple[Path, ...]]]:
    """Every file and directory the pattern matches, each with the boundary links must stay in."""
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    base = Path(*parts[:fixed]) if fixed else Path()
    wanted = parts[fixed:]
    if not base.is_dir():
        return []
    boundary = confine or (real_path(base),)
    max_depth = None if "**" in wanted else len(wanted)
    return [(path, boundary) for path in _walk(base, boundary, problems, max_depth, with_dirs=True, rules=rules)
            if _matches(wanted, path.relative_to(base).parts)]


def _matches(pattern: Sequence[str], parts: Sequence[str]) -> bool:
    """Path components against glob components; `**` stands for any number of them (iterative, no recursion)."""
    states = {0}
    for part in parts:
        following: set[int] = set()
        for state in _closure(states, pattern):
            if state < len(pattern):
                if pattern[state] == "**":
                    following.add(state)
                elif fnmatch.fnmatchcase(part, pattern[state]):
                    following.add(state + 1)
        states = following
        if not states:
            return False
    return len(pattern) in _closure(states, pattern)


def _closure(states: set[int], pattern: Sequence[str]) -> set[int]:
    result = set(states)
    for state in sorted(states):
        while state < len(pattern) and pattern[state] == "**":
            state += 1
            result.add(state)
    return result


def relative_path(path: str, root: Path | None) -> str:
    """`path` relative to `root` in POSIX form (symbolic links not resolved: a link is named where it is), with
    `..` when it lies outside; never an absolute path of the build machine. Unchanged without a root."""
    if root is None:
        return path
    return Path(os.path.relpath(Path(path).absolute(), root.absolute())).as_posix()



def _error(source: Source, message: str) -> Diagnostic:
    return Diagnostic(source, Severity.ERROR, message)
