"""Where kubedocs keeps what outlives a build on this machine. Imports nothing: `gen` with nothing changed
(gen/uptodate.py) and the renderer both ask it."""

from __future__ import annotations

import os


def cache_home() -> str:
    """The user's cache directory for kubedocs: $XDG_CACHE_HOME/kubedocs, else ~/.cache/kubedocs."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kubedocs")
