"""Hangul in labels: dot must lay text out with a font that has Hangul, so boxes fit their Korean labels."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from gen.diagram import Box, Diagram
from gen.render import render_diagram
from gen.render.dot import FONT

pytestmark = pytest.mark.exe


def _box_width(svg: str, title: str) -> float:
    """Width in points of the node whose <title> is `title`, from its outline's x coordinates."""
    group = svg[svg.index(f"<title>{title}</title>"):]
    group = group[:group.index("</g>")]
    # the outline: a polygon's points or a rounded box's path, both "x,y" pairs
    xs = [float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", group)]
    return max(xs) - min(xs)


def test_the_layout_font_has_hangul() -> None:
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    families = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True).stdout
    assert FONT in families, f"{FONT} (fonts-nanum) is not installed: dot would size Hangul with another font"


def test_a_hangul_label_gets_a_box_as_wide_as_its_text() -> None:
    hangul = Box(id="ko", title="가나다라마바사아자차", shape="rounded")  # 10 full-width syllables
    latin = Box(id="en", title="abcdefghij", shape="rounded")  # 10 narrow letters
    svg = render_diagram(Diagram(boxes=[hangul, latin]), "svg").decode("utf-8")
    hangul_width, latin_width = _box_width(svg, "ko"), _box_width(svg, "en")
    # Hangul syllables are square: about one em each at 11 pt, well over the Latin line.
    assert hangul_width >= 10 * 11 * 0.85
    assert hangul_width > latin_width * 1.4
