"""How a function's time grows with its input, to assert linearity without asserting a wall-clock time.

`growth(work, make, n)` times `work(make(n))` and `work(make(FACTOR * n))`, each the fastest of a few runs (load on
a busy machine only ever adds time, so the minimum is the least disturbed), and returns the ratio. Linear work
grows by about FACTOR (16), quadratic by FACTOR² (256), cubic by 4096: `LINEAR_BOUND` (64) sits four times above the
first and four times below the second, so neither a slow machine nor constant costs make it flake. Used by
tests/test_masking.py, tests/rules/test_calls.py and tests/site/test_blocks_hostile.py (used as a module, like
canary_places.py)."""

from __future__ import annotations

import time
from collections.abc import Callable

FACTOR = 16
LINEAR_BOUND = 64.0


def _fastest(work: Callable[[str], object], text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work(text)
        best = min(best, time.perf_counter() - start)
    return best


def growth(work: Callable[[str], object], make: Callable[[int], str], n: int, runs: int = 3) -> float:
    """time(work(make(FACTOR·n))) / time(work(make(n))), each the fastest of `runs` (the small one of 5·runs)."""
    small, large = make(n), make(FACTOR * n)
    return _fastest(work, large, runs) / max(_fastest(work, small, 5 * runs), 1e-9)
