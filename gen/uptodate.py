"""`gen` with nothing changed: answered from a record of the last complete build, without MkDocs or any stage.

A build that rendered every figure leaves a record of everything its result depends on: the bytes of the MkDocs
config and of its `INHERIT` parents, the values of the environment variables its `!ENV` tags name, every Markdown
page under docs_dir, every file under the manifests directory (and any input or rule file elsewhere), gen's own
source files, the `dot` binary, and the cache entries the figures are read from. The next `gen` reads each of
those once; when all are as recorded it prints the build's summary again and stops. Anything else (a new, changed
or removed file, another Graphviz, an edited gen, a cache entry gone) runs the whole build, which is always right.

This module imports only what the interpreter has already loaded (os, sys, marshal) and a hash: it is the whole
cost of an unchanged `gen`. The record lives in the user's cache directory, holds hashes and paths only (never a
manifest's bytes) and is refused unless it is exactly what `write_record` writes. `!ENV` values may be secrets
(a token a config reads from CI): the record keeps a keyed hash of each (a per-user random key, so that a short
value cannot be found by hashing guesses), and the record, the key and their directories are the user's alone
(modes 0600 and 0700).
"""

from __future__ import annotations

import marshal
import os
import sys

from .ignore import walk
from .userdirs import cache_home

TYPE_CHECKING = False  # typing itself costs 3 ms at start: only the type checker reads these
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

RECORD_FORMAT = 3  # 3: trees walked as manifests are, with what they leave out; 2: !ENV values as keyed hashes
_MAX_INHERIT_DEPTH = 10  # deeper INHERIT chains are not followed: such a site is always built in full


def _digest(data: bytes, key: bytes = b"") -> bytes:
    try:
        from _blake2 import blake2b  # the C hash hashlib itself wraps, without importing OpenSSL (3 ms)
    except ImportError:  # an interpreter built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=20, key=key).digest()


_KEY_BYTES = 32


def private_directory(path: str) -> None:
    """Make `path` (and its parents) and keep it the user's alone: a record or cache entry says what was built."""
    import contextlib  # only when writing: replaying an unchanged build imports nothing new

    os.makedirs(path, mode=0o700, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)  # one an older gen made with the umask's mode


def user_key(create: bool = False) -> bytes | None:
    """The per-user random key of `!ENV` hashes (made on first use, mode 0600); None when there is none."""
    path = os.path.join(cache_home(), "key")
    try:
        with open(path, "rb") as stream:
            key = stream.read(_KEY_BYTES + 1)
        return key if len(key) == _KEY_BYTES else None
    except OSError:
        if not create:
            return None
    try:
        private_directory(cache_home())
        temporary = f"{path}.{os.getpid()}.tmp"
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(os.urandom(_KEY_BYTES))
        try:
            os.link(temporary, path)  # never replaces a key another build made meanwhile: that one is kept
        finally:
            os.unlink(temporary)
    except FileExistsError:
        pass
    except OSError:
        return None
    return user_key()


def _env_digest(value: str | None, key: bytes) -> bytes | None:
    """A keyed hash of an environment variable's value (None: unset), never the value itself."""
    return None if value is None else _digest(value.encode("utf-8", "surrogateescape"), key)


def record_path(config_file: str) -> str:
    """One record per config file (by its real path) and interpreter (marshal's format is the interpreter's)."""
    name = _digest(f"{sys.version}|{os.path.realpath(config_file)}".encode("utf-8", "surrogateescape")).hex()
    return os.path.join(cache_home(), "builds", f"{name[:24]}.marshal")


def code_signature() -> bytes:
    """gen's own source by name, size and mtime: an edited or upgraded gen never replays an old build."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts: list[str] = []
    for directory, subdirectories, names in os.walk(package):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".yaml", ".css", ".js")):
                stat = os.stat(os.path.join(directory, name))
                parts.append(f"{os.path.relpath(os.path.join(directory, name), package)}:{stat.st_size}:"
                             f"{stat.st_mtime_ns}")
    return _digest("\n".join(parts).encode("utf-8", "surrogateescape"))


def dot_identity() -> str:
    """The `dot` on PATH by real path, size and mtime ("" when there is none), as the cached version is keyed."""
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(directory or ".", "dot")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            real = os.path.realpath(candidate)
            stat = os.stat(real)
            return f"{real}:{stat.st_size}:{stat.st_mtime_ns}"
    return ""


def tree_listing(root: str, suffix: str = "", excluded: Sequence[str] = ()) -> list[str]:
    """Every file under `root` (ending in `suffix` when given), relative and sorted, walked as manifests are found
    (gen/ignore.py: no dot entries, nothing .gitignore ignores, not the `excluded` directories such as the site's
    build): a project whose manifests are `.` is not its virtual environment. Links to directories are followed
    once each; a link is listed with its target, so that relinking it is a change."""
    found: list[str] = []
    for directory, names in walk(root, excluded):
        for name in names:
            if name.endswith(suffix):
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, root)
                found.append(f"{relative} -> {os.readlink(path)}" if os.path.islink(path) else relative)
    return sorted(found)


def _file_digest(path: str) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return _digest(stream.read())
    except OSError:
        return None


def _entry_stat(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def config_dependencies(config_file: str) -> tuple[list[str], list[str]] | None:
    """The config file and its INHERIT parents, and the environment variables its `!ENV` tags name; None when
    they cannot be told for sure (such a site is always built in full)."""
    import re

    files: list[str] = []
    variables: set[str] = set()
    current = os.path.abspath(config_file)
    for _level in range(_MAX_INHERIT_DEPTH):
        try:
            with open(current, encoding="utf-8-sig") as stream:
                text = stream.read()
        except (OSError, UnicodeDecodeError):
            return None
        files.append(current)
        # Comments dropped (a `#` at a line's start or after a blank), then every `!ENV` and `INHERIT` left must
        # be one these patterns read, else the config is not understood well enough to be replayed.
        text = re.sub(r"(?m)(?:^|[ \t])#.*$", "", text)
        tags = re.findall(r"!ENV[ \t]+(\[[^\]\n]*\]|[^\s#,\]}]+)", text)
        if len(tags) != text.count("!ENV"):
            return None
        for tag in tags:
            variables.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", tag))
        parents = re.findall(r"^INHERIT:[ \t]*['\"]?([^'\"\n]+?)['\"]?[ \t]*$", text, re.MULTILINE)
        if len(parents) != text.count("INHERIT"):
            return None
        if not parents:
            return files, sorted(variables)
        current = os.path.normpath(os.path.join(os.path.dirname(current), parents[0]))
    return None


def write_record(config_file: str, docs_dir: str, manifests_dir: str, other_files: Iterable[str],
                 cache_entries: Iterable[str], figures: int, messages: Sequence[str],
                 excluded: Sequence[str] = ()) -> None:
    """After a build in which every figure was drawn: what it read, and what it printed besides its summary."""
    dependencies = config_dependencies(config_file)
    if dependencies is None:
        return
    config_files, variables = dependencies
    key = user_key(create=True)
    if key is None:
        return  # nowhere to keep a key: no record, and the next `gen` builds in full
    files = [*config_files, *sorted(set(other_files))]
    excluded = sorted(excluded)
    manifests = tree_listing(manifests_dir, "", excluded)
    files += [os.path.join(docs_dir, name) for name in tree_listing(docs_dir, ".md")]
    files += [os.path.join(manifests_dir, name) for name in manifests if " -> " not in name]
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "code": code_signature(),
        "dot": dot_identity(),
        "env": {name: _env_digest(os.environ.get(name), key) for name in variables},
        "trees": [(docs_dir, ".md", [], tree_listing(docs_dir, ".md")), (manifests_dir, "", excluded, manifests)],
        "files": [(path, _file_digest(path)) for path in dict.fromkeys(files)],
        "entries": [(path, _entry_stat(path)) for path in sorted(set(cache_entries))],
        "figures": figures,
        "messages": list(messages),
    }
    target = record_path(config_file)
    try:
        private_directory(os.path.dirname(target))
        temporary = f"{target}.{os.getpid()}.tmp"
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as stream:
            marshal.dump(record, stream)
        os.replace(temporary, target)
    except OSError:
        pass  # no record: the next `gen` builds in full, which is only slower


def forget_record(config_file: str) -> None:
    """Before a full build: a build that fails halfway must not leave the previous one's record behind."""
    import contextlib

    with contextlib.suppress(OSError):
        os.unlink(record_path(config_file))


def replay_unchanged_build(config_file: str) -> int | None:
    """When nothing the last complete build read has changed: print what it printed, return its exit code (0).
    None means "build": no record, a record of another shape, or anything changed."""
    try:
        with open(record_path(config_file), "rb") as stream:
            record = marshal.load(stream)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not _well_formed(record) or not _unchanged(record):
        return None
    figures, messages = record["figures"], record["messages"]
    for message in messages:
        print(message, file=sys.stderr)
    print(f"gen: 0 rendered, {figures} unchanged, 0 failed")
    return 0


def _well_formed(record: object) -> bool:
    """Exactly the shape write_record writes: anything else (another version, a damaged or planted file) builds.
    A path that is not a string must never reach open(): an integer there would read a file descriptor."""
    def strings(*values: object) -> bool:
        return all(isinstance(value, str) for value in values)

    if not isinstance(record, dict) or set(record) != {"format", "code", "dot", "env", "trees", "files", "entries",
                                                       "figures", "messages"}:
        return False
    env, trees, files, entries = record["env"], record["trees"], record["files"], record["entries"]
    return (record["format"] == RECORD_FORMAT and isinstance(record["code"], bytes) and strings(record["dot"])
            and isinstance(env, dict)
            and all(strings(k) and (v is None or isinstance(v, bytes)) for k, v in env.items())
            and isinstance(trees, list) and all(
                isinstance(t, tuple) and len(t) == 4 and strings(t[0], t[1]) and isinstance(t[2], list)
                and isinstance(t[3], list) and all(strings(name) for name in (*t[2], *t[3])) for t in trees)
            and isinstance(files, list) and all(
                isinstance(f, tuple) and len(f) == 2 and strings(f[0]) and isinstance(f[1], bytes) for f in files)
            and isinstance(entries, list) and all(
                isinstance(e, tuple) and len(e) == 2 and strings(e[0]) and isinstance(e[1], tuple) and len(e[1]) == 2
                and all(type(n) is int for n in e[1]) for e in entries)
            and type(record["figures"]) is int and isinstance(record["messages"], list)
            and all(strings(m) for m in record["messages"]))


def _unchanged(record: dict[str, Any]) -> bool:
    if record["code"] != code_signature() or record["dot"] != dot_identity():
        return False
    key = user_key()
    if key is None or any(_env_digest(os.environ.get(name), key) != digest for name, digest in record["env"].items()):
        return False
    if any(tree_listing(root, suffix, excluded) != listing for root, suffix, excluded, listing in record["trees"]):
        return False
    if any(_entry_stat(path) != stat for path, stat in record["entries"]):
        return False
    return all(_file_digest(path) == digest for path, digest in record["files"])
