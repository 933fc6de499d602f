"""The MkDocs plugin `kubedocs`: each ```kubedocs block in a page becomes an inline SVG figure built at build time."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..ignore import watched_directories
from ..model import Severity
from .blocks import Placeholders
from .cache import FigureCache
from .config import KubedocsConfig, SiteLayout
from .figures import FigureResult, page_figures
from .html import error_box, figure_html, figure_id_prefix, full_size_name, split_html, text_figure
from .words import words_for

log = get_plugin_logger("kubedocs")  # "mkdocs.plugins.kubedocs"; its warnings fail `mkdocs build --strict`

# The plugin's own stylesheet and script (package data), published into every site that lists the plugin.
ASSETS_DIR = "assets/kubedocs"
STYLESHEET = f"{ASSETS_DIR}/kubedocs.css"
SCRIPT = f"{ASSETS_DIR}/kubedocs.js"
# The web font figures are drawn with (a renamed subset of NanumBarunGothic, the font dot lays labels out with;
# .ci/subset-font), its licence beside it: whatever fonts a reader has, a label is as wide as dot made its box.
FONTS = (f"{ASSETS_DIR}/kubedocs-hangul.woff2", f"{ASSETS_DIR}/kubedocs-hangul-bold.woff2",
         f"{ASSETS_DIR}/kubedocs-hangul.OFL.txt")


class KubedocsPlugin(BasePlugin[KubedocsConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.layout: SiteLayout | None = None
        self.cache: FigureCache | None = None
        self.figures: dict[str, list[str]] = {}  # page → HTML of each figure, in order
        self.full_size: dict[str, str] = {}  # site path → standalone SVG, for "view full size"
        self.drawings: dict[str, list[str]] = {}  # page → its figures' drawing markup, set aside from page.content
        self.placeholders = Placeholders()
        self.words = words_for("en")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.layout = SiteLayout.of(config, self.config)
        self.cache = FigureCache(self.layout.cache_dir)
        self.words = words_for(self.layout.language)  # the figures' own words are drawn in it too
        # The site gets the plugin's styles and script without listing them in extra_css / extra_javascript.
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if SCRIPT not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(SCRIPT)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for name in (STYLESHEET, SCRIPT, *FONTS):
            if files.get_file_from_path(name) is None:  # a site may ship its own copy instead
                content = resources.files("gen").joinpath("assets", Path(name).name).read_bytes()
                files.append(File.generated(config, name, content=content))
        return files

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.figures.clear()  # `mkdocs serve` rebuilds with the same plugin: start each build afresh
        self.full_size.clear()
        self.drawings.clear()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.layout is not None and self.layout.manifests_dir.is_dir():
            # Editing a manifest rebuilds and reloads the page. Each directory a walk for manifests enters is watched
            # on its own (not recursively), so that `manifests: .` does not watch .venv or the site being built.
            for directory in watched_directories(self.layout.manifests_dir, self.layout.walk_excluded):
                server.watch(str(directory), recursive=False)
        return server

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.layout is not None and self.cache is not None
        results = list(page_figures(page.file.src_uri, markdown, self.layout, self.cache))
        self.figures[page.file.src_uri] = [self._figure_html(page, result) for result in results]
        lines = markdown.split("\n")
        for result in reversed(results):  # from the end, so earlier indexes stay valid
            block = result.block
            text = text_figure(result)
            if text is not None:  # `format: mermaid`: the text itself, for the site's own renderer of it
                lines[block.start:block.end + 1] = ["", *(f"{block.indent}{line}" for line in text), ""]
                continue
            lines[block.start:block.end + 1] = ["", f"{block.indent}{self.placeholders.marker(result.index)}", ""]
        return "\n".join(lines)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        figures = self.figures.pop(page.file.src_uri, [])
        if not figures:
            return html
        kept = self.drawings.setdefault(page.file.src_uri, [])
        return self.placeholders.replace(html, [self.placeholders.set_aside_drawing(f, kept) for f in figures])

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        kept = self.drawings.pop(page.file.src_uri, [])
        return self.placeholders.put_back_drawing(output, kept) if kept else output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for name, svg in self.full_size.items():
            target = Path(config.site_dir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(svg, encoding="utf-8")

    def _figure_html(self, page: Page, result: FigureResult) -> str:
        assert self.layout is not None
        if result.figure is None:
            shown = result.where.rsplit(":", 1)[0]
            for line, column, message in result.error.on_page(result.block) if result.error else []:
                log.warning(f"{shown}:{line}{f':{column}' if column else ''}: kubedocs figure: {message}")
            message = result.error.describe(result.block) if result.error else "the figure could not be drawn"
            return error_box(message, result.where, self.words)
        figure, spec = result.figure, result.figure.spec
        for diagnostic in figure.diagnostics:
            # Errors and findings are warnings, so `mkdocs build --strict` fails; notes are informational.
            level = log.info if diagnostic.severity is Severity.NOTE else log.warning
            level(f"{result.where}: figure '{spec.caption or spec.manifests[0]}': {diagnostic}")
        if text_figure(result) is not None:
            return ""  # in the page as a fenced block
        href = None
        if figure.svg is not None:
            name = full_size_name(figure.svg)
            self.full_size[name] = figure.svg
            href = get_relative_url(name, page.url)
        prefix = figure_id_prefix(page.file.src_uri, result.index)
        return (figure_html(figure, prefix, self.layout, self.config.show_source, href, self.words)
                + split_html(result.details, prefix, self.layout, self.words))
