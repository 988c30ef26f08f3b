"""Table 二: once the table tells its form, every cell of the form is in the output."""
from __future__ import annotations

from conftest import ruled_fragment

from pipeline.grid import Fragment
from pipeline.labels import map_s2


def _fragment(rows: list[list[str]]) -> Fragment:
    """A ruled grid with one word per cell, all cells one row and one column."""
    return ruled_fragment(rows, [0.0, 200.0, 300.0, 400.0, 500.0])


def test_cells_of_the_form_the_table_does_not_give_are_missing() -> None:
    # A 2019 table 二 of which only the 规章 row could be read (the other rows lost to a scan).
    result = map_s2([_fragment([
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数"],
        ["规章", "1", "2", "3"],
    ])])
    assert result.format == "2019"
    by_key = {m.key: m for m in result.cells}
    assert [by_key[f"s2.rules.{c}"].cell.text for c in ("new_made", "new_published", "total_published")] == ["1", "2", "3"]
    missing = {k for k, m in by_key.items() if m.cell is None}
    assert {"s2.normative_docs.new_made", "s2.licensing.decisions", "s2.procurement.amount"} <= missing
    assert not any(k.startswith("s2.rules.") for k in missing)
    # Only the 2019 form's cells: no 2021 column appears.
    assert "s2.rules.made" not in by_key


def test_a_breakdown_row_never_takes_the_place_of_its_main_row() -> None:
    # The 规范性文件 row lost on a hard scan: 其中：党内规范性文件 below it reads much like it, but
    # is a breakdown, a local row; the form's cells stay missing rather than silently wrong.
    result = map_s2([_fragment([
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数"],
        ["规章", "1", "2", "3"],
        ["其中：党内规范性文件", "4", "5", "6"],
    ])])
    by_key = {m.key: m for m in result.cells}
    assert by_key["s2.normative_docs.new_made"].cell is None
    assert [u["printed_label"] for u in result.unmapped] == ["其中：党内规范性文件"]


def test_a_header_read_across_a_rebuilt_column_rule_flags_its_column() -> None:
    # A 150-DPI scan: the rule between 本年废止数量 and 现行有效数量 lost under a seal in the
    # header row and rebuilt from the rows below, but the two names were read as one word across
    # it. The word stands in one cell, whose column took the 13 of 现行有效数量 for 本年废止数量,
    # with nothing to tell: a cell whose words run far into the next cell is flagged.
    from pipeline.document import Page, Segment, Word
    from pipeline.grid import find_fragments

    xs, ys = [0.0, 200.0, 300.0, 400.0, 500.0], [0.0, 20.0, 40.0, 60.0]
    segments = [Segment(xs[0], y, xs[-1], y) for y in ys] + [Segment(x, ys[0], x, ys[-1]) for x in xs]
    words = [Word("信息内容", 5, 5, 53, 15), Word("本年制发件数", 205, 5, 277, 15),
             Word("本年废止数量现行有效数量", 330, 5, 474, 15),
             Word("规章", 5, 25, 29, 35), Word("0", 205, 25, 211, 35), Word("0", 405, 25, 411, 35),
             Word("行政规范性文件", 5, 45, 89, 55), Word("0", 205, 45, 211, 55), Word("13", 405, 45, 417, 55)]
    (fragment,) = find_fragments(Page(1, 600, 800, words=words, segments=segments))
    result = map_s2([fragment])
    by_key = {m.key: m for m in result.cells}
    spilled = [m for m in result.cells if m.cell is not None and m.cell.text == "13"]
    assert len(spilled) == 1 and any("runs into the next column" in n for n in spilled[0].notes)
    assert not any("runs into" in n for n in by_key["s2.normative_docs.made"].notes)


def test_a_misread_column_name_is_named_by_its_place_between_its_neighbours() -> None:
    # 本年废止件数 read 本年磨件数 on a hard scan: nearest 本年制发件数 (0.73), which the first
    # column names better; its 78 had been lost. Between 本年制发件数 and 现行有效件数 only
    # 本年废止件数 stands. The label column of the next block, left of its only value column, is
    # named nothing by place (a neighbour on one side only is not enough in 二).
    result = map_s2([
        _fragment([
            ["第二十条第（一）项"],
            ["信息内容", "本年制发件数", "本年磨件数", "现行有效件数"],
            ["规章", "0", "0", "0"],
            ["规范性文件", "27", "78", "47"],
        ]),
        ruled_fragment([
            ["第二十条第（五）项"],
            ["信息内容", "本年处理决定数量"],
            ["行政许可", "17028"],
        ], [0.0, 200.0, 500.0]),
    ])
    by_key = {m.key: m for m in result.cells}
    assert [by_key[f"s2.normative_docs.{c}"].cell.text for c in ("made", "repealed", "in_force")] == ["27", "78", "47"]
    assert by_key["s2.licensing.decisions"].cell.text == "17028"
    assert not result.unmapped
