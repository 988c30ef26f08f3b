"""A label cell that spans two rows of values (the rule between them lost under a seal) cannot
tell which row it names: the rows' cells are flagged, never given to one group silently."""
from __future__ import annotations

from conftest import ruled_fragment

from pipeline.labels import map_s4

XS = [0.0, 300.0, 360.0, 420.0, 480.0, 540.0, 600.0]
HEADER = ["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _merge_down(fragment, col: int) -> None:
    """The cells of column ``col`` in rows 2 and 3 read as one, spanning both rows."""
    first, second = (c for c in fragment.cells if c.col == col and c.row in (2, 3))
    first.words += second.words
    first.rowspan = 2
    first.bbox = (first.bbox[0], first.bbox[1], first.bbox[2], second.bbox[3])
    fragment.cells.remove(second)


def _table(merged: bool, merged_values: tuple[int, ...] = ()):
    rows = [HEADER, ["行政复议", "4", "10", "0", "0", "14"],
            ["行政诉讼（未经复议直接起诉）", "18", "7", "0", "0", "25"],
            ["行政诉讼（复议后起诉）", "0", "0", "1", "6", "7"]]
    fragment = ruled_fragment(rows, XS, char_width=10.0)
    for col in ((0,) if merged else ()) + merged_values:
        _merge_down(fragment, col)  # the label cells of the last rows read as one
    return {m.key: m for m in map_s4([fragment]).cells}


def test_rows_under_one_label_cell_are_flagged():
    cells = _table(merged=True)
    placed = [m for m in cells.values() if m.key.startswith("s4.suit") and m.cell is not None]
    assert placed  # the values the merged label named
    assert all(any("spans this row and the one below" in n for n in m.notes) for m in placed)
    assert not cells["s4.review.total"].notes


def test_rows_under_one_label_cell_are_flagged_where_a_value_column_merged_too():
    # The rule lost across the label and the 总计 column: 25 and 7 read as one cell.
    cells = _table(merged=True, merged_values=(5,))
    placed = [m for m in cells.values() if m.key.startswith("s4.suit") and m.cell is not None]
    assert placed and all(any("spans this row and the one below" in n for n in m.notes) for m in placed)


def test_rows_with_their_own_labels_are_not_flagged():
    cells = _table(merged=False)
    assert cells["s4.suit_direct.total"].cell.text == "25" and not cells["s4.suit_direct.total"].notes
    assert cells["s4.suit_after_review.pending"].cell.text == "6"
