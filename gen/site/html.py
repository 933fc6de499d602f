"""A drawn figure as HTML: the inline drawing with its controls, legend and text alternative, the redacted source
view, the error box, and the links to a split figure's details."""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
from pathlib import Path

from ..render.dot import SVG_DASHES, SVG_OPACITIES, SVG_WIDTHS
from ..request import code_fingerprint
from .cache import Drawn
from .config import SiteLayout
from .figures import FigureResult, RenderedFigure
from .redact import redact_manifest
from .words import SCRIPT_WORDS, WORDS


def figure_id_prefix(page: str, index: int) -> str:
    return f"kd{hashlib.sha1(page.encode('utf-8')).hexdigest()[:6]}-{index}-"


def full_size_name(svg: str) -> str:
    """Where a figure's standalone SVG is published in the site, named by its content."""
    return f"kubedocs/{hashlib.sha256(svg.encode('utf-8')).hexdigest()[:16]}.svg"


_NODE = re.compile(r'(<g id="[^"]*" class="node[^"]*">\s*<title>([^<]*)</title>\s*<g id="[^"]*"><a)'
                   r'(?: xlink:href="[^"]*")? xlink:title="([^"]*)"')
_WHERE = re.compile(r" — (\S+):(\d+)$", re.M)
_SEPARATOR = re.compile(r"^---(?:\s|$)")


def _document_index(text: str, line: int) -> int:
    """Which YAML document of a file holds a 1-based line: the number of `---` separators above it."""
    return sum(1 for number, row in enumerate(text.split("\n"), 1) if number < line and _SEPARATOR.match(row))


def manifest_anchor(id_prefix: str, file_index: int, document: int) -> str:
    return f"{id_prefix}m{file_index}-{document}"


def _link_nodes(svg: str, id_prefix: str, files: list[str], layout: SiteLayout) -> str:
    """Each box whose tooltip names `file:line` of one of the figure's manifests links to that resource's lines
    in the figure's source block."""
    texts: dict[str, str] = {}

    def link(match: re.Match[str]) -> str:
        opening, tooltip = match.group(1), match.group(3)
        where = _WHERE.search(html.unescape(tooltip).split("\n")[0])
        if where is None or where.group(1) not in files:
            return match.group(0)
        name = where.group(1)
        if name not in texts:
            texts[name] = (layout.root / name).read_bytes().decode("utf-8-sig", "replace")
        anchor = manifest_anchor(id_prefix, files.index(name), _document_index(texts[name], int(where.group(2))))
        return f'{opening} xlink:href="#{anchor}" xlink:title="{tooltip}"'

    return _NODE.sub(link, svg)


def legend_html(drawn: Drawn, words: dict[str, str]) -> str:
    """One entry per look of line the figure draws (its colour and dash), each drawn as the figure draws it and
    named by every kind of link drawn so: a reader tells links apart by how they look."""
    looks: dict[tuple[str, str], list[str]] = {}
    for link in drawn.links:
        names = looks.setdefault((link.colour, link.style), [])
        # A declared link's kind is its author's: its label says what it is ("push", "pull"), where the word
        # for every declared link would be the same ("link").
        word = link.label.split("\n")[0] if link.category in DECLARED and link.label else _kind_word(link.category,
                                                                                                    words)
        if word not in names and len(names) < MAX_LEGEND_NAMES:
            names.append(word)
    if not looks and not drawn.badges:
        return ""
    items = []
    for (colour, style), names in looks.items():
        dash = f' stroke-dasharray="{SVG_DASHES[style]}"' if style in SVG_DASHES else ""
        width = SVG_WIDTHS.get(style, "1.6")
        opacity = f' stroke-opacity="{SVG_OPACITIES[style]}"' if style in SVG_OPACITIES else ""
        items.append(f'<li><svg width="32" height="10" aria-hidden="true"><line x1="1" y1="5" x2="31" y2="5" '
                     f'fill="none" stroke="{html.escape(colour)}" stroke-width="{width}"{dash}{opacity}/></svg> '
                     f"{html.escape(' / '.join(names))}</li>")
    # The kind badges above the boxes are kubectl's short names (what a reader types: `kubectl get po`), kept
    # short so that boxes stay narrow; the legend spells out each one drawn.
    badges = " · ".join(f"{badge} = {kind}" for badge, kind in drawn.badges)
    spelled = (f'<p class="kubedocs-legend-badges">{html.escape(words["badges"])}: {html.escape(badges)}</p>'
               if badges else "")
    looks_html = f"<ul>{''.join(items)}</ul>" if items else ""
    return (f'<div class="kubedocs-legend"><span class="kubedocs-legend-title">{html.escape(words["legend"])}'
            f"</span>{looks_html}{spelled}</div>")


DECLARED = ("declared", "")  # the links of declarative diagrams (and of any view that gives no kind)
MAX_LEGEND_NAMES = 4  # names of one look in the legend: the rest are the figure's to show


def _kind_word(category: str, words: dict[str, str]) -> str:
    # A category is an internal word (a stylesheet's class): one without words of its own is named as a link.
    return words.get(category, words["links"]) if category else words["links"]


def text_alternative_html(drawn: Drawn, element_id: str, words: dict[str, str]) -> str:
    """The figure for screen readers: every box as a reader names it, and every link between boxes named by its
    ends, with its kind and label, as lists."""
    links = []
    for link in drawn.links:
        extra = ", ".join(dict.fromkeys(filter(None, [_kind_word(link.category, words), link.label])))
        links.append(f"{link.source} → {link.target}" + (f" ({extra})" if extra else ""))
    boxes_html = "".join(f"<li>{html.escape(box)}</li>" for box in drawn.boxes)
    links_html = "".join(f"<li>{html.escape(text)}</li>" for text in links)
    return (f'<div class="kubedocs-text" id="{element_id}" data-search-exclude><p>{html.escape(words["as_text"])}</p>'
            f'<p>{html.escape(words["boxes"])}</p><ul>{boxes_html}</ul>'
            f'<p>{html.escape(words["links"])}</p><ul>{links_html}</ul></div>')


def _controls_html(words: dict[str, str]) -> str:
    buttons = [("zoom-in", "+", words["zoom_in"]), ("zoom-out", "−", words["zoom_out"]),
               ("fit", "↔", words["fit"]), ("reset", "1:1", words["reset"])]
    return (f'<div class="kubedocs-controls" role="toolbar" aria-label="{html.escape(words["controls"])}" hidden>'
            + "".join(f'<button type="button" data-kd-action="{action}" title="{html.escape(label)}" '
                      f'aria-label="{html.escape(label)}">{text}</button>' for action, text, label in buttons)
            + "</div>")


def figure_html(figure: RenderedFigure, id_prefix: str, layout: SiteLayout, show_source: bool = True,
                full_size_href: str | None = None, words: dict[str, str] | None = None) -> str:
    from ..render import embeddable_svg

    words = words or WORDS["en"]
    spec = figure.spec
    # The zoom link and the text alternative are for readers of the figure, not for search (Material's search skips
    # an element marked data-search-exclude; screen readers still read both).
    zoom = (f'<a class="kubedocs-zoom" href="{html.escape(full_size_href)}" target="_blank" data-search-exclude>'
            f"{html.escape(words['full_size'])}</a>" if full_size_href else "")
    caption = f"<figcaption>{html.escape(spec.caption)}</figcaption>" if spec.caption else ""
    sources = html.escape(" ".join(spec.manifests))
    if figure.svg is None:
        items = "".join(f"<li><code>{html.escape(str(d.source))}</code>: {html.escape(d.message)}</li>"
                        for d in figure.errors)
        return (f'<div class="kubedocs-error" role="alert" data-source="{sources}">'
                f"<p><strong>{html.escape(words['cannot_draw'])}</strong>"
                f"{': ' + html.escape(spec.caption) if spec.caption else ''}</p><ul>{items}</ul></div>")
    svg = embeddable_svg(figure.svg, id_prefix)
    if show_source:
        svg = _link_nodes(svg, id_prefix, figure.files, layout)
    # The script names a link its pointer is on by its kind's word (the legend's), keyed by the link's class.
    kinds = {link.category: _kind_word(link.category, words) for link in figure.drawn.links if link.category}
    script_words = html.escape(json.dumps({**{k: words[k] for k in SCRIPT_WORDS}, "kinds": dict(sorted(kinds.items()))},
                                          ensure_ascii=False))
    text_id = f"{id_prefix}text"
    parts = [f'<figure class="kubedocs-figure" data-view="{spec.view}" data-source="{sources}" '
             f'data-kd-words="{script_words}">',
             _controls_html(words),
             f'<div class="kubedocs-svg" role="group" aria-label="{html.escape(spec.caption or spec.view)}" '
             f'aria-describedby="{text_id}" data-search-exclude>{svg}</div>',
             legend_html(figure.drawn, words), caption, zoom,
             text_alternative_html(figure.drawn, text_id, words), "</figure>"]
    if show_source:
        parts.append(source_html(figure.files, layout, id_prefix, words))
    return "\n".join(part for part in parts if part)


def redacted_source(content: bytes, cache_dir: Path) -> str:
    """A manifest's text as the source view shows it: redacted once per file content and kept beside the figures
    (redaction walks every node; a site rebuilt unchanged should not walk them again)."""
    from ..uptodate import private_directory

    key = hashlib.sha256(b"source\0" + code_fingerprint().encode() + b"\0" + content).hexdigest()
    kept = cache_dir / f"source-{key}.txt"
    try:
        return kept.read_text(encoding="utf-8")
    except (OSError, ValueError):
        pass  # absent or unreadable: redact again
    text = redact_manifest(content.decode("utf-8-sig", "replace"))
    with contextlib.suppress(OSError):
        private_directory(str(cache_dir))
        temporary = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                       encoding="utf-8") as stream:  # the user's alone, as every cache file
            stream.write(text)
        os.replace(temporary, kept)
    return text


def source_html(files: list[str], layout: SiteLayout, id_prefix: str = "", words: dict[str, str] | None = None
                ) -> str:
    """The figure's manifests, one click away, with every value that could be secret redacted. Each YAML
    document is an element of its own (`manifest_anchor`), so that a box can link to its resource's lines."""
    words = words or WORDS["en"]
    blocks = []
    for file_index, name in enumerate(files):
        text = redacted_source((layout.root / name).read_bytes(), layout.cache_dir)
        documents: list[list[str]] = [[]]
        separators: list[str] = []
        for row in text.split("\n"):
            if _SEPARATOR.match(row):
                separators.append(row)
                documents.append([])
            else:
                documents[-1].append(row)
        pieces = []
        for index, rows in enumerate(documents):
            if index:
                pieces.append(html.escape(separators[index - 1]) + "\n")
            body = "\n".join(rows) + ("\n" if index < len(documents) - 1 else "")
            pieces.append(f'<span class="kubedocs-manifest" id="{manifest_anchor(id_prefix, file_index, index)}">'
                          f"{html.escape(body)}</span>")
        blocks.append(f"<p><code>{html.escape(name)}</code></p>"
                      f'<pre><code class="language-yaml">{"".join(pieces)}</code></pre>')
    summary = f"{words['manifests']} ({words['files'].format(n=len(files))})"
    return (f'<details class="kubedocs-source" data-search-exclude><summary>{html.escape(summary)}'
            f"</summary>{''.join(blocks)}</details>")


def error_box(message: str, where: str, words: dict[str, str] | None = None) -> str:
    words = words or WORDS["en"]
    return (f'<div class="kubedocs-error" role="alert"><p><strong>{html.escape(words["declaration_error"])}'
            f"</strong></p><ul><li><code>{html.escape(where)}</code>: {html.escape(message)}</li></ul></div>")


def split_html(details: list[tuple[str, RenderedFigure]], id_prefix: str, layout: SiteLayout,
               words: dict[str, str]) -> str:
    """Below a split figure: links to each namespace's (application's) figure, and each figure in a block of its
    own that opens."""
    if not details:
        return ""
    anchors = [f"{id_prefix}ns-{index}" for index in range(len(details))]
    links = " · ".join(f'<a href="#{anchor}">{html.escape(namespace)}</a>'
                       for anchor, (namespace, _figure) in zip(anchors, details, strict=True))
    by_app = bool(details[0][1].spec.apps)
    index_words = words["per_app"] if by_app else words["per_namespace"]
    blocks = [f'<p class="kubedocs-split-index">{html.escape(index_words)}: {links}</p>']
    for index, (anchor, (namespace, figure)) in enumerate(zip(anchors, details, strict=True)):
        inner = figure_html(figure, f"{id_prefix}d{index}-", layout, show_source=False, words=words)
        summary = html.escape(words["app_figure" if by_app else "namespace_figure"].format(name=namespace))
        blocks.append(f'<details class="kubedocs-split" id="{anchor}"><summary>{summary}</summary>{inner}</details>')
    return "\n".join(blocks)


def text_figure(result: FigureResult) -> list[str] | None:
    """A `format: mermaid` (or d2) figure as the lines of the page's Markdown that carry it: a fenced block of its
    text (the fence longer than any run of backticks in it), then its caption; None for an SVG figure or one that
    could not be drawn (an error box)."""
    figure = result.figure
    if figure is None or not figure.spec.format or figure.svg is None:
        return None
    text = figure.svg.rstrip("\n")
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    lines = [f"{fence}{figure.spec.format}", *text.split("\n"), fence]
    if figure.spec.caption:
        lines += ["", f'<p class="kubedocs-caption">{html.escape(figure.spec.caption)}</p>']
    return lines
