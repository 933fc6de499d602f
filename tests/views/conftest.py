"""Shared by the view tests: where dot placed each node of an SVG."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest

_GROUP = re.compile(r'<g id="(?:node|clust)\d+" class="[^"]*">\s*<title>(?P<title>[^<]*)</title>(?P<body>.*?)</g>',
                    re.DOTALL)
_POINTS = re.compile(r'(?:points="|d="M)(?P<points>[-0-9., C]+)')
_ELLIPSE = re.compile(r'<ellipse[^>]*cx="(?P<cx>[-0-9.]+)"[^>]*cy="(?P<cy>[-0-9.]+)"[^>]*rx="(?P<rx>[-0-9.]+)"')


def positions(svg: str) -> dict[str, tuple[float, float, float]]:
    """title → (left x, top y, centre x) of the first outline drawn for it (SVG y grows downwards)."""
    found: dict[str, tuple[float, float, float]] = {}
    for match in _GROUP.finditer(svg):
        body = match.group("body")
        ellipse = _ELLIPSE.search(body)
        points = _POINTS.search(body)
        if points is not None:
            numbers = [float(n) for n in re.findall(r"-?[0-9.]+", points.group("points"))]
            xs, ys = numbers[0::2], numbers[1::2]
            found[html.unescape(match.group("title"))] = (min(xs), min(ys), (min(xs) + max(xs)) / 2)
        elif ellipse is not None:
            cx, cy, rx = (float(ellipse.group(key)) for key in ("cx", "cy", "rx"))
            found[html.unescape(match.group("title"))] = (cx - rx, cy, cx)
    return found


@pytest.fixture
def svg_positions() -> Callable[[str], dict[str, tuple[float, float, float]]]:
    return positions
