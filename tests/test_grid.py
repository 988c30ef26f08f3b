"""Grid reconstruction: merged cells and the rules a scan lost between them."""
from __future__ import annotations

from pipeline.document import Page, Segment, Word
from pipeline.grid import find_fragments


def _header_page(middle: list[Word]) -> Page:
    """Table 四's litigation header at 150 DPI (page 4 of seed 1145's hard gen_0010): 行政诉讼 over
    ten columns, two names over five each, the column names below; the column rule between the
    two blocks is printed in the lowest tier only (its piece in the middle tier was lost)."""
    xs = [461 + 57 * k for k in range(11)]
    segments = [Segment(461, y, 1031, y) for y in (181, 216, 312, 347)] + [Segment(461, 252, 1031, 252)]
    segments += [Segment(x, 181, x, 347) for x in (461, 1031)]
    segments += [Segment(x, 252, x, 347) for x in xs[1:-1]]
    words = [Word("行政诉讼", 705, 189, 786, 211), *middle]
    words += [Word(n, x + 8, 265, x + 49, 300) for x, n in zip(xs, ["结果维持", "结果纠正", "其他结果", "未审结", "总计"] * 2)]
    return Page(number=4, width=1241, height=1754, words=words, segments=segments, unit="px", dpi=150)


def _texts_of_row(page: Page, row: int) -> list[str]:
    (fragment,) = find_fragments(page)
    return [c.text for c in fragment.rows()[row]]


def test_names_each_centred_over_their_own_columns_are_two_cells() -> None:
    page = _header_page([Word("直接起诉", 564, 224, 643, 246), Word("复议后起诉", 838, 224, 938, 246)])
    assert _texts_of_row(page, 1) == ["直接起诉", "复议后起诉"]


def test_a_name_off_the_middle_of_its_columns_keeps_its_cell_whole() -> None:
    # One name set in two words, the gap over the column rule below by chance: not two names.
    page = _header_page([Word("直接起诉", 480, 224, 560, 246), Word("复议后起诉", 760, 224, 860, 246)])
    assert _texts_of_row(page, 1) == ["直接起诉 复议后起诉"]


def test_names_of_different_heights_side_by_side_under_a_seal_are_two_cells() -> None:
    # 未审/结 (two lines) beside 总计 (one line, level with their middle) in table 四 of a
    # 150-DPI scan: a seal's trace took the column rule between them in the header. The box of
    # 未审 (read 未神) took in the trace and reaches 3 px over the rule below.
    xs = [467 + 65 * k for k in range(6)]
    segments = [Segment(467, y, 792, y) for y in (202, 268, 338, 368)]
    segments += [Segment(x, 202, x, 368) for x in (467, 792)]
    segments += [Segment(x, 268, x, 368) for x in xs[1:-2]] + [Segment(xs[4], 338, xs[4], 368)]
    words = [Word("未经复议直接起诉", 540, 220, 720, 244)]
    words += [Word(n, x + 10, 277, x + 55, 326) for x, n in zip(xs, ["结果维持", "结果纠正", "其他结果"])]
    words += [Word("未神", 676, 277, 730, 301), Word("总计", 742, 293, 780, 314), Word("结", 685, 306, 705, 326)]
    page = Page(number=3, width=1241, height=1754, words=words, segments=segments, unit="px", dpi=150)
    assert _texts_of_row(page, 1) == ["结果维持", "结果纠正", "其他结果", "未神结", "总计"]


def test_values_one_above_the_other_in_rows_ruled_beside_them_are_two_cells() -> None:
    # The 总计 column of table 三 on a 150-DPI scan: a seal's trace took the rule between two
    # rows there only; their two 0 made one cell, and one row lost its total.
    xs = [120, 630, 685, 740, 1020, 1075]
    ys = [590, 629, 670, 710, 750]
    segments = [Segment(xs[0], y, xs[-1], y) for y in ys if y != 670] + [Segment(xs[0], 670, xs[-2], 670)]
    segments += [Segment(x, ys[0], x, ys[-1]) for x in xs]
    words = [Word(t, 130, y + 8, 400, y + 31) for t, y in zip(("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益"), ys)]
    words += [Word("0", x + 22, y + 9, x + 35, y + 32) for x in xs[1:-1] for y in ys[:-1]]
    page = Page(number=2, width=1241, height=1754, words=words, segments=segments, unit="px", dpi=150)
    (fragment,) = find_fragments(page)
    assert [[c.text for c in row] for row in fragment.rows()] == [
        [label, "0", "0", "0", "0"] for label in ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益")]
