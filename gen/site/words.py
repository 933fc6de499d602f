"""The site's words in each language: every figure word (gen/words.py) and each relation's legend words
(gen/relations.py), in one table per language."""

from __future__ import annotations

from .. import words as figure_words
from ..relations import link_words

# The site's words, in its `theme.language` (English when the language has no table: gen/words.py).
WORDS: dict[str, dict[str, str]] = {language: {**table, **link_words(language)}
                                    for language, table in figure_words.WORDS.items()}
# Words the script in the page needs (the tooltip's field names, the line saying a figure pans).
SCRIPT_WORDS = ("kind", "namespace", "name", "source", "open", "pans")


def words_for(language: str | None) -> dict[str, str]:
    """The site's words for a site language such as `ko`, `en` or `pt-BR`; English when there are none."""
    return WORDS[figure_words.language_of(language)]
