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


# What dot's SVG and this module's post-processing hold, and nothing else: a cache entry is checked against this
# before it is shown (gen/site/cache.py), so that one written by anyone but gen (a poisoned CI cache) cannot put a
# script, an event handler or a link elsewhere into a page. Presentation attributes only; no `style` (CSS can
# fetch), no element that runs, embeds or animates anything.
_SVG = "{http://www.w3.org/2000/svg}"
_XML_PREFIXES = {"{http://www.w3.org/1999/xlink}": "xlink:"}
_ELEMENTS = frozenset({"svg", "g", "title", "a", "polygon", "polyline", "path", "ellipse", "circle", "rect", "line",
                       "text", "tspan", "defs", "linearGradient", "radialGradient", "stop"})
_ATTRIBUTES = frozenset({
    "width", "height", "viewBox", "id", "class", "transform", "points", "d", "cx", "cy", "rx", "ry", "r", "x", "y",
    "x1", "y1", "x2", "y2", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "font-family", "font-size", "font-weight",
    "font-style", "text-anchor", "text-decoration", "baseline-shift", "offset", "stop-color", "stop-opacity",
    "gradientUnits", "gradientTransform", "target", "href", "xlink:href", "xlink:title"})
_LINKS = ("href", "xlink:href")


def is_plain_drawing(svg: str) -> bool:
    """Whether `svg` is a drawing as gen writes it: an optional XML declaration and one <svg> element of the
    elements and attributes above, links only within the figure (`#id`), `url(#id)` only, and no comment, CDATA,
    DOCTYPE or processing instruction (which the HTML parser of a page would read otherwise than XML does)."""
    from xml.etree import ElementTree

    declaration = _XML_DECL.match(svg)
    body = svg[declaration.end():] if declaration else svg
    if "<!" in body or "<?" in body:
        return False
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, ValueError):
        return False
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.removeprefix(_SVG) not in _ELEMENTS:  # another namespace keeps its `{...}`: refused too
            return False
        for name, value in element.attrib.items():
            for uri, prefix in _XML_PREFIXES.items():
                name = name.replace(uri, prefix)
            if name not in _ATTRIBUTES or (name in _LINKS and not value.startswith("#")):
                return False
            if "url(" in value.replace("url(#", ""):
                return False
    return root.tag.removeprefix(_SVG) == "svg"


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
