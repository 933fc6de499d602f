"""A site's configuration: MkDocs' own loader (so `!ENV`, `INHERIT` and defaults agree with `mkdocs build`) and the
kubedocs plugin's options, validated as MkDocs validates every option."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig

from ..records import record
from ..words import FALLBACK, language_of
from .blocks import timeout_option


class Seconds(c.Type):  # type: ignore[type-arg]
    """A number of seconds greater than zero (`dot_timeout: -5` is a configuration error, not 120 s)."""

    def __init__(self, default: float) -> None:
        super().__init__((int, float), default=default)

    def run_validation(self, value: object) -> Any:
        seconds = super().run_validation(value)
        if isinstance(seconds, bool) or not seconds > 0:
            raise ValidationError(f"expected a number of seconds greater than 0, got {seconds!r}")
        return seconds


class KubedocsConfig(base.Config):  # type: ignore[no-untyped-call]
    manifests = c.Type(str, default="manifests")  # figures name paths under this directory
    cache_dir = c.Type(str, default=".cache/kubedocs")
    show_source = c.Type(bool, default=True)  # a collapsible, redacted copy of each figure's manifests
    dot_timeout = Seconds(default=120)  # seconds dot may take per figure
    rules = c.ListOfItems(c.Type(str), default=[])  # the project's relationship rule files for custom kinds


@record(frozen=True)
class SiteLayout:
    root: Path
    docs_dir: Path
    manifests_dir: Path
    cache_dir: Path
    dot_timeout: float | None = None  # seconds per figure; None: DEFAULT_TIMEOUT
    rule_files: tuple[Path, ...] = ()  # the project's relationship rules for custom kinds (plugin option `rules`)
    site_dir: Path | None = None  # the build's output (mkdocs.yml `site_dir`): never walked for manifests
    language: str = FALLBACK  # the language of every figure word: the theme's (gen/words.py)

    @classmethod
    def of(cls, config: MkDocsConfig, options: KubedocsConfig) -> SiteLayout:
        """The layout of a validated MkDocs configuration and the plugin's validated options."""
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        return cls(root, Path(config.docs_dir), root / options.manifests, root / options.cache_dir,
                   timeout_option(options.dot_timeout), tuple(root / name for name in options.rules),
                   Path(config.site_dir), theme_language(config))


    @property
    def walk_excluded(self) -> tuple[Path, ...]:
        """What a walk of the site's manifests leaves out besides dot and ignored entries: the build's output."""
        return (self.site_dir,) if self.site_dir is not None else ()

    @property
    def input_roots(self) -> tuple[Path, Path]:
        """Where a site's inputs (manifests and rule files) must lie, every symbolic link resolved."""
        return self.root, self.manifests_dir


def theme_language(config: MkDocsConfig) -> str:
    """The site's language, as a key of gen/words.py: Material's `theme.language` (MkDocs' own themes say
    `locale`), English when it names none or one with no words of ours."""
    theme = config.theme
    return language_of(str(theme.get("language") or theme.get("locale") or FALLBACK))


class ConfigError(Exception):
    """mkdocs.yml is missing or invalid; the message says which and why."""


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage())


def read_layout(config_file: str) -> SiteLayout:
    """The site's layout as `mkdocs build` sees it: MkDocs' own loader (so `!ENV`, `INHERIT` and defaults agree)
    and the kubedocs plugin's validated options (its defaults when the site does not list the plugin)."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    if not Path(config_file).is_file():
        raise ConfigError(f"no {config_file} here")
    # MkDocs logs what is wrong and raises a bare "Aborted": keep its words for our message instead.
    problems = _LogCollector()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(problems)
    propagate, logger.propagate = logger.propagate, False
    try:
        config = load_config(config_file)
    except (exceptions.ConfigurationError, exceptions.Abort, OSError) as exc:
        raise ConfigError(f"{config_file}: {'; '.join(problems.messages) or exc}") from exc
    finally:
        logger.removeHandler(problems)
        logger.propagate = propagate
    options = getattr(config.plugins.get("kubedocs"), "config", None)
    if not isinstance(options, KubedocsConfig):  # the site does not list the plugin: its defaults
        options = KubedocsConfig()
        options.load_dict({})
        options.validate()
    return SiteLayout.of(config, options)
