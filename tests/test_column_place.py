"""Table 三's columns are fixed: a header cell read wrong, or lost, is named by its place."""
from __future__ import annotations

from conftest import ruled_fragment

from pipeline.document import Word
from pipeline.grid import Fragment, GridCell
from pipeline.labels import map_s3
from pipeline.structure import _split_spanning, namer_for
from pipeline.taxonomy import load

HEADER = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
NEW = ["一、本年新收政府信息公开申请数量", "7", "1", "2", "3", "4", "5", "22"]


def _fragment(rows: list[list[str]]) -> Fragment:
    """A ruled grid with one word per cell: a wide label column, then 60-unit value columns."""
    return ruled_fragment(rows, [0.0, 300.0] + [300.0 + 60.0 * k for k in range(1, len(rows[0]))], char_width=10.0)


def _new_row(header: list[str], extra: list[str] | None = None) -> dict:
    rows = [header, NEW] if extra is None else [header + extra[:1], NEW + extra[1:]]
    result = map_s3([_fragment(rows)])
    return {m.key: m for m in result.cells if m.key.startswith("s3.new.")}


def test_a_misread_column_name_is_named_by_its_place() -> None:
    # 自 read as 目 (its top stroke too pale): 目然人 is too far from 自然人 to name the column.
    cells = _new_row(["", "目然人", *HEADER[2:]])
    assert cells["s3.new.natural"].cell.text == "7"
    assert cells["s3.new.natural"].notes == []  # the header still reads like the column at its place
    assert [cells[f"s3.new.{c}"].cell.text for c in ("business", "total")] == ["1", "22"]


def test_a_column_whose_header_is_lost_is_named_by_its_place_and_flagged() -> None:
    cells = _new_row(["", "自然人", "商业企业", "", *HEADER[4:]])  # 科研机构 under a seal
    assert cells["s3.new.research"].cell.text == "2"
    assert "named by its place in the form" in cells["s3.new.research"].notes[0]
    assert cells["s3.new.natural"].notes == []


def test_three_headers_in_a_row_lost_are_named_one_after_the_other() -> None:
    # A seal over 自然人 商业企业 科研机构: none of them read. The one beside 社会公益组织 was
    # named by its place, the other two were left to the label column.
    cells = _new_row(["", "", "", "", *HEADER[4:]])
    assert [cells[f"s3.new.{c}"].cell.text for c in ("natural", "business", "research", "ngo")] == ["7", "1", "2", "3"]
    assert all("named by its place in the form" in " ".join(cells[f"s3.new.{c}"].notes)
               for c in ("natural", "business", "research"))


def test_a_column_beyond_the_form_is_not_named() -> None:
    # A local column after 总计 has no place in the form: it is not taken for any column.
    cells = _new_row(HEADER, ["备注", "x"])
    assert cells["s3.new.total"].cell.text == "22"
    assert len(cells) == 7


def test_a_label_whose_closing_bracket_was_lost_still_names_its_row() -> None:
    # A wrapped label whose second line lost its ）: the note is stripped all the same.
    rows = [HEADER, NEW, ["（二）部分公开（区分处理的，只计这一情形，不计其他情形", "1", "0", "0", "0", "0", "0", "1"]]
    cells = {m.key: m for m in map_s3([_fragment(rows)]).cells}
    assert cells["s3.partial.natural"].cell.text == "1"


def test_a_blank_2019_other_row_is_a_row_not_a_group_title() -> None:
    # The 2019 form's single （六）其他处理 row, printed blank for zero, reads exactly like the
    # 2021 form's group title 其他处理; its cells are the form's, not missing.
    blank = [""] * 7
    rows = [HEADER, NEW, ["二、上年结转政府信息公开申请数量", *blank], ["（一）予以公开", "7", "1", "2", "3", "4", "5", "22"],
            ["（六）其他处理", *blank], ["（七）总计", "7", "1", "2", "3", "4", "5", "22"]]
    result = map_s3([_fragment(rows)])
    cells = {m.key: m for m in result.cells}
    assert result.format == "2019"
    assert cells["s3.other.natural"].cell is not None and cells["s3.other.natural"].cell.text == ""
    assert cells["s3.total.total"].cell.text == "22"


def test_a_count_read_with_points_for_thousands_separators_is_taken_and_flagged() -> None:
    from pipeline.extract import _cell_output
    from pipeline.labels import MappedCell

    def out(text: str) -> dict:
        cell = _fragment([["行政许可", text]]).cells[1]
        return _cell_output(MappedCell("s2.licensing.decisions", cell, "行政许可", kind="count"))

    taken = out("27.172")
    assert taken["value"] == 27172 and taken["status"] == "uncertain" and "thousands" in taken["note"]
    assert out("27.17")["value"] == 27.17 and "a count cannot be" in out("27.17")["note"]


def test_a_full_width_minus_read_as_a_dash_is_the_sign_of_a_change_and_flagged() -> None:
    # －２ in a change column of a scan, the minus read as — apart from its digit (— 2): the
    # cell had no number at all. Only a signed column takes the dash for a sign.
    from pipeline.extract import _cell_output
    from pipeline.labels import MappedCell

    def out(text: str, key: str, kind: str) -> dict:
        cell = _fragment([["行政许可", text]]).cells[1]
        return _cell_output(MappedCell(key, cell, "行政许可", kind=kind))

    taken = out("— 2", "s2.licensing.change", "signed")
    assert (taken["value"], taken["status"]) == (-2, "uncertain")
    assert taken["note"] == "read '— 2': the dash before the number taken for a minus sign"
    assert out("—2", "s2.licensing.change", "signed")["value"] == -2
    assert out("— 2", "s2.licensing.decisions", "count")["value"] is None


def test_a_label_cut_in_two_by_a_label_column_bound_is_read_whole() -> None:
    # A scanned table 三 without rules: a label-column bound fell inside the long label of
    # （二）部分公开, its two halves became two cells of the row, and the row was lost.
    header = ["", "", *HEADER[1:]]
    rows = [header, ["", *NEW], ["（二）部分公开（区分处理", "的，只计这一情形，不计其他情形）", "3", "0", "0", "0", "0", "0", "3"]]
    xs = [0.0, 150.0, 300.0] + [300.0 + 60.0 * k for k in range(1, len(HEADER))]
    result = map_s3([ruled_fragment(rows, xs, char_width=10.0)])
    cells = {m.key: m for m in result.cells}
    assert cells["s3.partial.natural"].cell.text == "3" and cells["s3.partial.total"].cell.text == "3"


def test_a_header_misread_on_a_later_page_leaves_the_earlier_rows_their_columns() -> None:
    # Table 三 over two pages, its header repeated: on the second page two column names ran
    # into one read as 社会公益组织 alone (a scan without rules). The rows of the first page keep
    # 科研机构 and 法律服务机构.
    first = _fragment([HEADER, NEW])
    second = ruled_fragment([["", "自然人", "商业企业", "社会公益组织", "其他", "总计"], ["（1）属于国家秘密", "0", "0", "0", "0", "0"]],
                            [0.0, 300.0, 360.0, 420.0, 600.0, 660.0, 720.0], char_width=10.0)
    second.page = 2
    cells = {m.key: m for m in map_s3([first, second]).cells}
    assert [cells[f"s3.new.{c}"].cell.text for c in ("research", "ngo", "legal")] == ["2", "3", "4"]


def test_a_misread_group_title_of_table_4_names_its_own_group() -> None:
    from pipeline.labels import _s4_group

    # 复议后起诉 read as 复议疗起诉 matches 复议后起诉 as a whole and 未经复议起诉 part for part,
    # equally well: the tie had gone to the first group, and the five columns of 复议后起诉 had
    # been taken for those of 直接起诉 (its total, 15 for 3, kept as ok).
    assert _s4_group(["行政诉讼", "复议疗起诉"]) == "suit_after_review"
    assert _s4_group(["行政诉讼", "未经复议起诉"]) == "suit_direct"


def test_two_column_names_run_together_where_a_seal_lifted_their_rule_are_cut_at_the_rule_below() -> None:
    # Hard scan: the rule between 商业企业 and 科研机构 lost in the header row under a seal, not
    # below it. The header cell spans both columns and reads 商业科研 / 企业机构, its lines run
    # together; the 商业企业 column lost its 7 cells.
    fragment = _fragment([HEADER, NEW])
    merged = next(c for c in fragment.cells if c.row == 0 and c.col == 2)
    fragment.cells = [c for c in fragment.cells if not (c.row == 0 and c.col in (2, 3))]
    merged.colspan = 2
    merged.bbox = (360.0, 0.0, 480.0, 20.0)
    merged.words[:] = [Word("商业科研", 375.0, 2.0, 465.0, 9.0), Word("企业机构", 375.0, 11.0, 465.0, 18.0)]
    fragment.cells.append(merged)
    cells = {m.key: m for m in map_s3([fragment]).cells if m.key.startswith("s3.new.")}
    assert [cells[f"s3.new.{c}"].cell.text for c in ("natural", "business", "research", "ngo")] == ["7", "1", "2", "3"]
    assert cells["s3.new.business"].notes == cells["s3.new.research"].notes == []


def test_a_name_over_two_columns_whose_halves_name_nothing_is_not_cut() -> None:
    # 其他 printed once over two grid columns: 其 and 他 name nothing; the whole names 其他.
    leaf = GridCell(0, 6, 1, 2, (600.0, 0.0, 720.0, 20.0), 1, [Word("其他", 645.0, 5.0, 675.0, 15.0)])
    edges = [0.0, 300.0] + [300.0 + 60.0 * k for k in range(1, 8)]
    assert _split_spanning(leaf, edges, [leaf], namer_for(list(load().s3_columns))) == [leaf]
    leaf = GridCell(0, 6, 1, 2, (600.0, 0.0, 720.0, 20.0), 1, [Word("其他总计", 615.0, 5.0, 705.0, 15.0)])
    assert [c.text for c in _split_spanning(leaf, edges, [leaf], namer_for(list(load().s3_columns)))] == ["其他", "总计"]


def test_a_misread_total_of_table_4_is_named_by_the_column_before_it() -> None:
    # Hard scan: 总计 of 行政复议 read as 总a. Beside it on the right stands 结果维持 of the
    # next group, which says only that a group ends there: the column, named by the one before
    # it, had been lost.
    from pipeline.labels import map_s4

    names = ["结果维持", "结果纠正", "其他结果", "尚未审结"]
    xs = [60.0 * k for k in range(16)]
    cells: list[GridCell] = []

    def cell(row: int, col: int, rowspan: int, colspan: int, text: str) -> None:
        c = GridCell(row, col, rowspan, colspan, (xs[col], 20.0 * row, xs[col + colspan], 20.0 * (row + rowspan)), 1)
        if text:
            c.words.append(Word(text, xs[col] + 5, 20.0 * row + 5, xs[col] + 5 + 10 * len(text), 20.0 * row + 15))
        cells.append(c)

    cell(0, 0, 1, 5, "行政复议")
    cell(0, 5, 1, 10, "行政诉讼")
    for k, name in enumerate(names + ["总a"]):
        cell(1, k, 2, 1, name)
    cell(1, 5, 1, 5, "未经复议直接起诉")
    cell(1, 10, 1, 5, "复议后起诉")
    for k, name in enumerate((names + ["总计"]) * 2):
        cell(2, 5 + k, 1, 1, name)
    for k in range(15):
        cell(3, k, 1, 1, str(k + 1))
    fragment = Fragment(page=1, bbox=(0.0, 0.0, xs[-1], 80.0), xs=xs, ys=[0.0, 20.0, 40.0, 60.0, 80.0], cells=cells)
    found = {m.key: m.cell.text for m in map_s4([fragment]).cells if m.cell is not None}
    assert found["s4.review.total"] == "5" and found["s4.suit_direct.upheld"] == "6"
