"""When dot rejects a whole figure: find the resources it cannot draw, and draw the rest.

Quoting makes this rare (gen/render/quoting.py), but a figure must never be lost to one value, and the message must
name the input and line. The search halves the resources and renders each half, so a single culprit among n
resources costs about 2·log2(n) runs of dot; it gives up after MAX_RUNS.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import Diagnostic, Resource, Severity
from .render import RenderError, RenderTimeout

MAX_RUNS = 40


def draw_without_culprits(resources: list[Resource], draw: Callable[[list[Resource]], bytes],
                          error: RenderError) -> tuple[bytes, list[Diagnostic]]:
    """The figure of every resource dot can draw, and a warning at each one it cannot. `draw` draws a subset as the
    whole was to be drawn (the pipeline's: same rules, view and options). Raises `error` when the culprits cannot
    be told apart (dot fails on a combination, or the search takes too many runs)."""
    runs = 0

    def fails(subset: list[Resource]) -> bool:
        nonlocal runs
        runs += 1
        if runs > MAX_RUNS:
            raise error
        try:
            draw(subset)
        except RenderTimeout:
            raise error from None
        except RenderError:
            return True
        return False

    culprits = _culprits(resources, fails)
    if not culprits:
        raise error
    kept = [r for r in resources if r not in culprits]
    try:
        output = draw(kept)
    except RenderError:
        raise error from None
    reason = str(error).splitlines()[0]
    return output, [Diagnostic(r.source, Severity.WARNING, f"{r.ref.id} is not drawn: dot rejects it ({reason})",
                               "not-drawn") for r in culprits]


def _culprits(resources: list[Resource], fails: Callable[[list[Resource]], bool]) -> list[Resource]:
    """Single resources that make dot fail on their own, found by halving (iteratively)."""
    found: list[Resource] = []
    pending = [resources]
    while pending:
        group = pending.pop()
        if len(group) == 1:
            if fails(group):
                found.append(group[0])
            continue
        middle = len(group) // 2
        for half in (group[:middle], group[middle:]):
            if fails(half):
                pending.append(half)
    return found
