"""Section headings found on pages read from pixels, where prose lines are read only in part."""
from __future__ import annotations

from pipeline.document import Page, Word
from pipeline.locate import find_headings


def _page(clipped: bool) -> Page:
    # A page of a 150-DPI scan as read: the second line of the opening paragraph, which begins
    # 主动公开政府信息情况、收到和处理…, skimmed to its first characters, then the real heading.
    words = [
        Word("本年度报告根据《中华", 319, 374, 580, 406, clipped=True),
        Word("主动公开政府信息情", 261, 423, 532, 456, clipped=clipped),
        Word("二、主动公开政府信息情况", 319, 985, 671, 1018),
    ]
    return Page(number=1, width=1655, height=2339, words=words, unit="px", dpi=200)


def test_a_skimmed_prose_line_starting_with_a_heading_is_no_heading():
    assert find_headings([_page(clipped=True)])["s2"].top == 985


def test_the_same_words_read_whole_are_the_unnumbered_heading():
    assert find_headings([_page(clipped=False)])["s2"].top == 423
