"""The figure colours of the plugin's stylesheet (gen/assets/kubedocs.css) in both Material schemes: every colour the
renderer writes is mapped to a variable of each scheme, and text keeps WCAG AA contrast on every fill."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from gen.render import dot

CSS = resources.files("gen").joinpath("assets", "kubedocs.css").read_text(encoding="utf-8")
SCHEMES = {"default": r':root,\s*\[data-md-color-scheme="default"\]', "slate": r'\[data-md-color-scheme="slate"\]'}
AA = 4.5  # normal-size text


def _variables(scheme: str) -> dict[str, str]:
    block = re.search(SCHEMES[scheme] + r"\s*\{([^}]*)\}", CSS)
    assert block is not None, scheme
    return dict(re.findall(r"--(kd-[\w-]+):\s*(#[0-9a-f]{6})\s*;", block.group(1)))


# The renderer's colour (as written into the SVG) → the variable that restyles it.
MAPPED = dict(re.findall(r'\[fill="(#[0-9a-f]{6})"\]\s*\{\s*fill:\s*var\(--(kd-[\w-]+)\)', CSS))


def _renderer_colours() -> dict[str, set[str]]:
    """Every colour dot.py writes, by what it paints: text, fills, borders."""
    text = {dot.TEXT, dot.MUTED, dot.MISSING} | {p.badge for p in dot.PALETTES.values()}
    fills = {p.fill for p in dot.PALETTES.values()} | {fill for fill, _, _ in dot.GROUP_STYLES.values()}
    borders = {p.border for p in dot.PALETTES.values()} | {border for _, border, _ in dot.GROUP_STYLES.values()}
    return {"text": text, "fills": fills | {"#ffffff"}, "borders": borders}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_is_computed_as_wcag_says() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_every_renderer_colour_is_restyled_in_both_schemes() -> None:
    colours = set().union(*_renderer_colours().values())
    assert colours - MAPPED.keys() == set(), "a colour of gen/render/dot.py has no rule in kubedocs.css"
    for hex_colour, variable in MAPPED.items():
        assert re.search(rf'\[stroke="{hex_colour}"\]\s*\{{\s*stroke:\s*var\(--{variable}\)', CSS), hex_colour
        for scheme in SCHEMES:
            assert variable in _variables(scheme), f"--{variable} has no value in the {scheme} scheme"
    # the light scheme is the renderer's own palette; the dark one is another
    light, dark = _variables("default"), _variables("slate")
    assert all(light[variable] == hex_colour for hex_colour, variable in MAPPED.items())
    assert all(dark[variable] != hex_colour for hex_colour, variable in MAPPED.items())


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_text_on_every_fill_meets_wcag_aa(scheme: str) -> None:
    values = _variables(scheme)

    def value(hex_colour: str) -> str:
        return values[MAPPED[hex_colour]]

    colours = _renderer_colours()
    backgrounds = [value(fill) for fill in colours["fills"]] + [values["kd-page"]]
    # names, details and edge labels may sit on any fill or on the page
    failures = [(scheme, text, fill, round(contrast(value(text), fill), 2))
                for text in (dot.TEXT, dot.MUTED, dot.MISSING) for fill in backgrounds
                if contrast(value(text), fill) < AA]
    # a badge sits on its own palette's fill
    failures += [(scheme, name, round(contrast(value(p.badge), value(p.fill)), 2))
                 for name, p in dot.PALETTES.items() if contrast(value(p.badge), value(p.fill)) < AA]
    assert failures == []
