"""Post-processing dot's SVG: self-contained, deterministic, embeddable."""

from __future__ import annotations

import re

from .dot import FONT

# Browsers without NanumGothic fall back to another Korean sans-serif font, never to a serif default.
FONT_STACK = (f"{FONT},'Nanum Barun Gothic','NanumGothic','Noto Sans CJK KR','Noto Sans KR','Apple SD Gothic Neo',"
              "'Malgun Gothic',sans-serif")

_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.S)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_XML_DECL = re.compile(r"<\?xml[^>]*\?>\s*")
_ID_ATTR = re.compile(r'\bid="([^"]*)"')
_ID_USE = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')


def clean_svg(svg: str) -> str:
    """Drop the DOCTYPE (an external DTD URL) and comments (dot's version banner); widen the font list."""
    svg = _DOCTYPE.sub("", svg)
    svg = _COMMENT.sub("", svg)
    return svg.replace(f'font-family="{FONT}"', f'font-family="{FONT_STACK}"')


def embeddable_svg(svg: str, id_prefix: str) -> str:
    """SVG for inlining in HTML: no XML declaration, every id (and reference to one) prefixed."""
    svg = _XML_DECL.sub("", svg)
    svg = _ID_ATTR.sub(lambda m: f'id="{id_prefix}{m.group(1)}"', svg)
    return _ID_USE.sub(lambda m: f"{m.group(1)}{id_prefix}{m.group(2)}", svg)
