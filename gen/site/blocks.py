"""Figures declared in pages: ```kubedocs (or ~~~kubedocs) fenced blocks whose body is YAML naming manifests, a
view and a caption; finding them in a page, reading them (every problem at its line and column, gen/schema.py), and
the markers that stand for a page's figures between the plugin's markdown and HTML steps.

    ```kubedocs
    manifests: [sample-app/]     # paths under the site's manifests directory (option `manifests`), a list or one string
    view: topology               # any view `gen views` lists (default topology)
    caption: 샘플 애플리케이션
    namespace: shop              # optional filters: namespace, kinds, names (a string or a list)
    split: namespace             # optional: one detail figure per namespace below this one (or `app`: an overview
                                 # of the applications, and one detail figure per application)
    layout: top-to-bottom        # optional: a left-to-right view laid out top to bottom (narrower)
    ```
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import yaml

from ..records import record
from ..safeyaml import Refused, Unreadable, describe_error
from ..schema import FLOAT, INT, STR, Problem, Reader, child, compose_one, is_null, kind_of

if TYPE_CHECKING:
    from ..views.base import Filters

# An opening fence and its info string (spaces around it stripped by the caller: a pattern that strips them itself
# can split a run of spaces between prefix, info and suffix in cubically many ways before failing).
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
# The CLI's options under the CLI's names: `namespace` is the namespace of objects that name none (`gen -n`),
# `only_namespace` draws only these namespaces (`--only-namespace`), `kinds` and `names` as `--kind` and `--name`.
KEYS = ("manifests", "view", "caption", "namespace", "only_namespace", "kinds", "names", "split", "layout", "format")
# `format: mermaid` (or d2): the page carries the figure as that format's text in a fenced block, for a site that
# renders it (Material's Mermaid fences, a D2 plugin); SVG is the default. The format of each, by its name.
TEXT_FORMATS: dict[str, str] = {"mermaid": "mmd", "d2": "d2"}
# `split: namespace`: the figure, then one detail figure per namespace; `split: app`: an overview with one box per
# application, then one detail figure per application.
SPLITS = ("namespace", "app")
# `layout: top-to-bottom`: a view drawn left to right (traffic order) laid out top to bottom instead, for a figure
# too wide to read in the text column; views with a direction of their own keep it.
LAYOUTS: dict[str, str] = {"top-to-bottom": "TB"}


@record(frozen=True)
class FigureBlock:
    """A ```kubedocs block as written: where it is and its body."""

    start: int  # index of the opening fence line (0-based)
    end: int  # index of the closing fence line
    line: int  # 1-based line of the opening fence, for messages
    indent: str
    body: str


@record(frozen=True)
class FigureSpec:
    manifests: tuple[str, ...]
    view: str = "topology"
    caption: str = ""
    namespaces: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    split: str = ""  # "" or one of SPLITS
    apps: tuple[str, ...] = ()  # a detail figure of `split: app`: these applications only
    direction: str = ""  # "TB" for a figure laid out top to bottom (`layout:`, or a split's detail too wide to read)
    namespace: str = ""  # the namespace of objects that name none ("": the CLI's default, `default`)
    format: str = ""  # "" (SVG) or one of TEXT_FORMATS

    def filters(self) -> Filters:
        from ..views.base import Filters  # gen.views imports every view: only a figure that is drawn needs it

        return Filters(set(self.namespaces), set(self.kinds), set(self.names), set(self.apps),
                       overview=self.split == "app")



class SpecError(ValueError):
    """The block's body is not a valid figure declaration: every problem found, each saying what is wrong and
    where (`line` and `column` 1-based in the body, 0 when the block as a whole is to blame: the page's line is
    the fence's plus that). `line` is the first problem's line, or None."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.line, p.column)))  # in reading order
        super().__init__("; ".join(map(str, self.problems)))
        self.line = next((p.line for p in self.problems if p.line), None)

    def on_page(self, block: FigureBlock) -> list[tuple[int, int, str]]:
        """Each problem as (line, column, message) in the page that holds the block (column 0: unknown)."""
        return [(block.line + p.line, len(block.indent) + p.column if p.column else 0, str(p))
                for p in self.problems]

    def describe(self, block: FigureBlock) -> str:
        """One text for every problem: the problem alone, or each with its line and column in the page."""
        if len(self.problems) == 1:
            return str(self)
        return "; ".join(f"line {line}:{column}: {message}" if column else f"line {line}: {message}"
                         for line, column, message in self.on_page(block))


def find_blocks(markdown: str) -> Iterator[FigureBlock]:
    """Every top-level ```kubedocs block; blocks inside another fence or in an indented code block (an example in
    the docs) are left alone. One pass over the lines, each line looked at a bounded number of times: a page of
    any size or shape is scanned in time linear in its length."""
    lines = markdown.split("\n")
    outer = _LessIndentedAbove()
    opened: tuple[int, re.Match[str]] | None = None  # the fence we are inside: its line and match
    for index, line in enumerate(lines):
        if opened is not None:
            start, match = opened
            if _closes(line, match.group("fence")):
                opened = None
                if match.group("info").strip().split(" ")[0] == "kubedocs":
                    indent = match.group("indent")
                    body = "\n".join(text[len(indent):] if text.startswith(indent) else text
                                     for text in lines[start + 1:index])
                    yield FigureBlock(start, index, start + 1, indent, body)
        else:
            opening = _FENCE_OPEN.match(line)
            width = _width(opening.group("indent")) if opening else 0
            if opening and not _in_indented_code(outer.nearest(width), width):
                opened = (index, opening)
        outer.push(line)  # every line, in a fence or not, is "above" the lines after it
    # A fence never closed runs to the end of the page: nothing after it is a figure.


_CONTAINER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+][ \t]+|\d{1,9}[.)][ \t]+|(?:!!!|\?\?\?\+?|===)[ \t]+)")
# A closing fence: only the fence's character, at least as many as opened it, and spaces.
_FENCE_CLOSE = re.compile(r"^[ \t]*(?P<fence>`+|~+)[ \t]*$")


def _closes(line: str, fence: str) -> bool:
    match = _FENCE_CLOSE.match(line)
    return match is not None and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence)


def _width(indent: str) -> int:
    return len(indent.expandtabs(4))


def _line_indent(line: str) -> int:
    return _width(line[:len(line) - len(line.lstrip())])


class _LessIndentedAbove:
    """The nearest non-blank line above, less indented than a given width, for every line of a page in one pass: a
    stack of the lines above whose indents strictly increase (a line hides every line above it at least as deep).
    Each line is pushed once and popped at most once, so a whole page costs time linear in its length."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []  # (indent width, line), indents strictly increasing

    def nearest(self, indent: int) -> str | None:
        """The nearest line above indented by less than `indent` columns, or None (the page holds it)."""
        # The entries passed over are as deep as the line asking, so its push() pops them: linear overall.
        for width, above in reversed(self._stack):
            if width < indent:
                return above
        return None

    def push(self, line: str) -> None:
        if not line.strip():
            return  # blank lines hold nothing
        indent = _line_indent(line)
        while self._stack and self._stack[-1][0] >= indent:
            self._stack.pop()
        self._stack.append((indent, line))


def _in_indented_code(above: str | None, indent: int) -> bool:
    """Whether a line indented by `indent` columns is in an indented code block: four columns or more past the
    content of what holds it (`above`, the nearest less indented line above: a list item, an admonition, or None
    for the page)."""
    if indent < 4:
        return False
    if above is None:
        return True
    line_indent = _line_indent(above)
    container = _CONTAINER.match(above)
    base = _width(container.group("indent") + container.group("marker")) if container else line_indent
    if container and container.group("marker")[0] in "!?=":
        base = line_indent + 4  # admonitions and tabs hold content indented by four
    return indent >= base + 4


def parse_spec(body: str) -> FigureSpec:
    """The figure a block's body declares; SpecError with every problem of the body otherwise."""
    try:
        root = compose_one(body) if body.strip() else None
    except Unreadable as exc:
        raise SpecError([Problem("", f"the block is not valid YAML: {exc.message}", exc.line, exc.column)]) from None
    except Refused as exc:
        raise SpecError([Problem("", f"the block is refused: {exc.message}", exc.line, exc.column)]) from None
    except yaml.YAMLError as exc:
        line, column, message = describe_error(exc, body)
        raise SpecError([Problem("", f"the block is not valid YAML: {message}", line, column)]) from None
    if not isinstance(root, yaml.MappingNode):
        raise SpecError([Problem("", "the block must be a YAML mapping with at least `manifests:`")])
    reader = Reader("the block")
    found = reader.mapping(root, "", KEYS) or {}
    manifests = _strings(reader, found.get("manifests"), "manifests")
    if "manifests" not in found or (not manifests and not reader.problems_within(found["manifests"])):
        reader.problem(root, "", "`manifests` is required: paths under manifests/ (a string or a list)")
    _check_manifest_paths(reader, found.get("manifests"))
    view = _view(reader, found.get("view"))
    caption = _caption(reader, found["caption"]) if "caption" in found else ""
    split = found.get("split")
    if split is not None and _text(split) != "":
        reader.choice(split, "split", SPLITS, "split")
    layout = reader.choice(found["layout"], "layout", sorted(LAYOUTS), "layout") if "layout" in found else None
    text_format = (reader.choice(found["format"], "format", sorted(TEXT_FORMATS), "format") if "format" in found
                   else None)
    if text_format and split is not None and _text(split):
        reader.problem(found["format"], "format", "a figure split into parts is drawn as SVG: leave out `format` or "
                       "`split`")
    spec = FigureSpec(manifests, view, caption, _strings(reader, found.get("only_namespace"), "only_namespace"),
                      _strings(reader, found.get("kinds"), "kinds"), _strings(reader, found.get("names"), "names"),
                      _text(split) or "" if split is not None else "", direction=LAYOUTS.get(layout or "", ""),
                      format=text_format or "",
                      namespace=_default_namespace(reader, found.get("namespace")))
    if reader.problems:
        raise SpecError(reader.problems)
    return spec


def _text(node: yaml.Node) -> str | None:
    """A scalar as the text it names: a string, or a whole number YAML read as one (a directory `2024`)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == STR:
        return str(node.value)
    if isinstance(node, yaml.ScalarNode) and node.tag == INT:
        number = Reader().integer(node, "")
        return None if number is None else str(number)
    return None


def _strings(reader: Reader, node: yaml.Node | None, key: str) -> tuple[str, ...]:
    """One string or a list of strings; every other value is a problem at its place."""
    if is_null(node):
        return ()
    assert node is not None
    # A YAML boolean (`yes`, `on`, `true`) would become the text "True", which names nothing.
    hint = " (quote yes, no, on, off, true and false)"
    if not isinstance(node, yaml.SequenceNode):
        text = _text(node)
        if text is None:
            reader.problem(node, key, f"must be a string or a list of strings, not {kind_of(node)}"
                                      f"{hint if kind_of(node) == 'a boolean' else ''}")
            return ()
        return (text,)
    values: list[str] = []
    for index, item in enumerate(node.value):
        text = _text(item)
        if text is None:
            reader.problem(item, child(key, index), f"must be a string, not {kind_of(item)}"
                                                    f"{hint if kind_of(item) == 'a boolean' else ''}")
        else:
            values.append(text)
    return tuple(values)


def _default_namespace(reader: Reader, node: yaml.Node | None) -> str:
    """`namespace:`, the namespace of objects that name none, as on the command line. A list is the key's old
    meaning (draw only these namespaces), which is `only_namespace` now: refused, naming it."""
    if is_null(node):
        return ""
    assert node is not None
    if isinstance(node, yaml.SequenceNode):
        reader.problem(node, "namespace", "is the namespace of objects that name none (as `gen -n`), one name; "
                                          "to draw only some namespaces, use `only_namespace:`")
        return ""
    text = _text(node)
    if text is None or not _NAMESPACE_NAME.fullmatch(text):
        reader.problem(node, "namespace", "must be a namespace's name (lower-case letters, digits and '-'), not "
                                          + (repr(text) if text is not None else kind_of(node)))
        return ""
    return text


_NAMESPACE_NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")  # a DNS label (RFC 1123)


def _check_manifest_paths(reader: Reader, node: yaml.Node | None) -> None:
    """Each path must name something under manifests/: not blank, not absolute, no `..` step."""
    items = list(enumerate(node.value)) if isinstance(node, yaml.SequenceNode) else [(None, node)]
    for index, item in items:
        path = _text(item) if item is not None else None
        where = "manifests" if index is None else child("manifests", index)
        if path is None:
            continue  # not text: said by _strings
        if not path.strip():
            reader.problem(item, where, "a manifest path is blank: name a file or directory under manifests/")
        elif path.startswith("/") or ".." in path.split("/"):
            reader.problem(item, where, "a manifest path must stay under manifests/ (no leading / and no ..)")


def _view(reader: Reader, node: yaml.Node | None) -> str:
    from ..views import VIEWS  # here, not at import: a cached rebuild never builds a view

    if node is None:
        return "topology"
    return reader.choice(node, "view", sorted(VIEWS), "view") or "topology"


def _caption(reader: Reader, node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode) and node.tag == STR:
        return str(node.value)
    number = Reader().number(node, "") if isinstance(node, yaml.ScalarNode) and node.tag in (INT, FLOAT) else None
    if number is None:
        reader.problem(node, "caption", f"must be text, not {kind_of(node)}")
        return ""
    integer = Reader().integer(node, "") if node.tag == INT else None
    return str(integer if integer is not None else number)


def timeout_option(value: object) -> float | None:
    """The `dot_timeout` option of mkdocs.yml as seconds; None (the default) when absent or not a positive number."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < float("inf"):
        return float(value)
    return None


# What of a figure's HTML is drawing or controls, not text to search: its SVG (dot's output; never nested, and
# text inside is escaped), the zoom buttons and the legend (no <div> inside either).
_SET_ASIDE = re.compile(r'<svg\b.*?</svg>|<div class="kubedocs-(?:controls|legend)"[^>]*>.*?</div>', re.S)


class Placeholders:
    """Markers that stand for a page's figures between the plugin's markdown and HTML steps. Each build draws a new
    random token, so that text a page holds itself (a copy of a marker, the plugin's own docs) is never one."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self._pattern = re.compile(rf"(?:<p>)?<!-- kubedocs-figure-{self.token}-(\d+) -->(?:</p>)?")

    def marker(self, index: int) -> str:
        return f"<!-- kubedocs-figure-{self.token}-{index} -->"

    def replace(self, html: str, figures: list[str]) -> str:
        def figure(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return figures[index] if index < len(figures) else ""

        return self._pattern.sub(figure, html)

    def set_aside_drawing(self, html: str, kept: list[str]) -> str:
        """Every `<svg>…</svg>`, the zoom buttons and the legend of a figure's HTML replaced by a marker, their
        markup appended to `kept`: the search plugin and any other that reads a page's content then skip thousands
        of drawing elements, and search results do not quote buttons (the index gets the figure's caption and its
        text alternative). `put_back_drawing` restores them in the final page."""
        def keep(match: re.Match[str]) -> str:
            kept.append(match.group(0))
            return f"<!-- kubedocs-drawing-{self.token}-{len(kept) - 1} -->"

        return _SET_ASIDE.sub(keep, html)

    def put_back_drawing(self, html: str, kept: list[str]) -> str:
        return re.sub(rf"<!-- kubedocs-drawing-{self.token}-(\d+) -->", lambda m: kept[int(m.group(1))], html)
