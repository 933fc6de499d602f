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
# A tag, with its attributes (a quoted value may hold `>`): text content is everything between tags. Linear: the
# alternatives start with different characters.
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_ATTRIBUTE = re.compile(r'(\s)([\w:.-]+)="([^"]*)"')
_URL_REFERENCE = re.compile(r"url\(#([^)]*)\)")
# Attributes whose value may be a url(#id) reference to another element of the figure (SVG's presentation
# attributes dot may write); a tooltip (xlink:title), a class or any text is never one.
_URL_ATTRIBUTES = frozenset({"fill", "stroke", "clip-path", "mask", "filter", "marker-start", "marker-mid",
                             "marker-end", "style"})


def clean_svg(svg: str) -> str:
    """Drop the DOCTYPE (an external DTD URL) and comments (dot's version banner); widen the font list."""
    svg = _DOCTYPE.sub("", svg)
    svg = _COMMENT.sub("", svg)
    return svg.replace(f'font-family="{FONT}"', f'font-family="{FONT_STACK}"')


def embeddable_svg(svg: str, id_prefix: str) -> str:
    """SVG for inlining in HTML: no XML declaration, every id (and reference to one) prefixed."""
    svg = _XML_DECL.sub("", svg)

    def attribute(match: re.Match[str]) -> str:
        space, name, value = match.groups()
        if name == "id":
            value = id_prefix + value
        elif name in ("href", "xlink:href") and value.startswith("#"):
            value = f"#{id_prefix}{value[1:]}"
        elif name in _URL_ATTRIBUTES:
            value = _URL_REFERENCE.sub(lambda m: f"url(#{id_prefix}{m.group(1)})", value)
        return f'{space}{name}="{value}"'

    # Only attributes of tags: a name such as `url(#x)` in a label or a tooltip is text, shown as written.
    return _TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag.group()), svg)
