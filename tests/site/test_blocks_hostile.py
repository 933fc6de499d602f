"""Figure declarations in pages (gen/site/blocks.py) against hostile or tricky Markdown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from linearity import LINEAR_BOUND, growth

from gen.site.blocks import Placeholders, SpecError, find_blocks, parse_spec

FIGURE = "```kubedocs\nmanifests: [app/]\n```"


def _indented(text: str, by: str = "    ") -> str:
    return "\n".join(by + line for line in text.split("\n"))


def test_an_example_in_an_indented_code_block_is_not_a_figure() -> None:
    page = f"# Page\n\nDeclare a figure like this:\n\n{_indented(FIGURE)}\n\nThe end.\n"
    assert list(find_blocks(page)) == []
    assert list(find_blocks(f"{_indented(FIGURE, chr(9))}\n")) == []  # a tab is four columns


@pytest.mark.parametrize("container", ["- item", "1. item", "!!! note", '=== "Tab"'])
def test_a_figure_nested_in_a_list_or_admonition_is_one(container: str) -> None:
    page = f"Text.\n\n{container}\n\n{_indented(FIGURE)}\n"
    (block,) = find_blocks(page)
    assert block.indent == "    " and "app/" in block.body


def test_an_example_in_a_list_items_indented_code_is_not_a_figure() -> None:
    assert list(find_blocks(f"- item\n\n{_indented(FIGURE, ' ' * 6)}\n")) == []


def test_a_top_level_figure_is_still_one() -> None:
    assert len(list(find_blocks(f"Text.\n\n{FIGURE}\n"))) == 1


@pytest.mark.parametrize("depth", [990, 3000, 100_000])
def test_a_deeply_nested_declaration_is_an_error_not_a_crash(depth: int) -> None:
    with pytest.raises(SpecError, match="nested more than"):
        parse_spec("manifests:\n  " + "- " * depth + "x\n")
    with pytest.raises(SpecError, match="nested more than"):
        parse_spec("manifests: " + "[" * depth + "]" * depth)


def test_an_alias_bomb_in_a_declaration_is_an_error() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"b{i}: &b{i} [" + ", ".join([f"*{'a' if i == 0 else f'b{i - 1}'}"] * 9) + "]\n" for i in range(8))
    with pytest.raises(SpecError, match="alias"):
        parse_spec(bomb + "manifests: *b7\n")


def test_placeholders_are_never_text_a_page_could_hold() -> None:
    placeholders = Placeholders()
    page = "<p><!-- kubedocs-figure-0 --></p><p><!-- kubedocs-figure-7 --></p>"
    marked = page + f"<p>{placeholders.marker(0)}</p><p>{Placeholders().marker(0)}</p>"
    replaced = placeholders.replace(marked, ["<figure>one</figure>"])
    assert replaced.startswith(page) and replaced.count("<figure>one</figure>") == 1
    assert placeholders.replace(f"<p>{placeholders.marker(5)}</p>", ["only one"]) == ""


@pytest.mark.parametrize(("shape", "make", "n"), [
    # one line: a fence, a run of spaces, then a backtick an info string may not hold (was cubic in the line)
    ("fence then spaces", lambda n: "```" + " " * n + "`", 100),
    # indented fences, each needing what holds it (was a walk up the page, and a search down it, per fence)
    ("indented fences", lambda n: "    ```x\n" * n, 250),
    ("fences never closed", lambda n: "- item\n\n      ```\n" * n, 250),
    ("nested indentation", lambda n: "".join(" " * (i % 40) + "- a\n" + " " * (i % 40 + 6) + "```\n"
                                             for i in range(n)), 100),
])
def test_scanning_a_page_is_linear_in_its_size(shape: str, make: Callable[[int], str], n: int) -> None:
    # Structural, not a clock: the time of a 16× larger page over that of the small one (the fastest of a few runs
    # each) stays near 16 for linear work; quadratic work makes it 256, cubic 4096.
    ratio = growth(lambda page: list(find_blocks(page)), make, n)
    assert ratio < LINEAR_BOUND, f"{shape}: 16× the page took {ratio:.0f}× the time"
