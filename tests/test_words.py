"""The figures' words: one table per language (gen/words.py), each with every word and the same fields, and no
fixed word of a figure written anywhere else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from gen.words import FALLBACK, LANGUAGES, WORDS, FigureWords, fields_of, language_of

PACKAGE = Path(__file__).resolve().parents[1] / "gen"
HANGUL = re.compile("[\uac00-\ud7a3]")
# Where words of a language may be written: the tables, and each relation's legend words beside it.
WORD_MODULES = {"words.py", "relations.py"}


def test_english_and_korean_are_shipped_and_english_is_the_fallback() -> None:
    assert set(LANGUAGES) == {"en", "ko"} and FALLBACK == "en"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_word_with_the_same_fields(language: str) -> None:
    english = WORDS["en"]
    assert set(WORDS[language]) == set(english)
    assert {key: fields_of(word) for key, word in WORDS[language].items()} == {
        key: fields_of(word) for key, word in english.items()}


def test_the_english_words_hold_no_hangul() -> None:
    assert not {key: word for key, word in WORDS["en"].items() if HANGUL.search(word)}


@pytest.mark.parametrize(("name", "expected"), [("ko", "ko"), ("en", "en"), ("ko-KR", "ko"), ("ko_KR", "ko"),
                                                ("EN-gb", "en"), ("pt_BR", "en"), ("fr", "en"), (None, "en"),
                                                ("", "en")])
def test_a_site_language_is_read_as_its_base_with_english_for_the_rest(name: str | None, expected: str) -> None:
    assert language_of(name) == expected
    assert FigureWords(name).language == expected


def test_words_are_filled_in_and_split_into_lines() -> None:
    assert FigureWords("ko")("lifecycle.grace", seconds=30) == "30초까지 대기"
    assert FigureWords("en")("lifecycle.grace", seconds=30) == "wait up to 30 s"
    assert FigureWords("en").lines("states.pending") == ("some container is", "not ready to run yet")
    assert FigureWords("ko").defaulted(False) == " (기본값)" and FigureWords("en").defaulted(True) == ""


def _word_literals(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that are not docstrings: what it may draw or print."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_module_but_the_tables_writes_a_word_of_a_language() -> None:
    """A view, the renderer or the site that wrote its own Korean words would draw them in an English site."""
    written = {f"{path.relative_to(PACKAGE)}:{line}": text
               for path in sorted(PACKAGE.rglob("*.py")) if path.name not in WORD_MODULES or path.parent != PACKAGE
               for line, text in _word_literals(path) if HANGUL.search(text)}
    assert not written


def test_the_check_of_literals_sees_a_planted_word(tmp_path: Path) -> None:
    planted = tmp_path / "view.py"
    planted.write_text('"""예시 docstring."""\nLABEL = "끝"\n', encoding="utf-8")
    assert _word_literals(planted) == [(2, "끝")]
