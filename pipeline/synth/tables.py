"""Build the grids of tables 二, 三 and 四 from gold-like data and a variant.

`data` is a gold-like dict (cells, units, row_labels); `v` is the variant dict
(labels, breaks, layouts, value style; see variants.py).  Every builder records
what it printed for each gold cell in `printed`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import taxo
from .layout import Cell, Grid
from .values import format_value


@dataclass
class Built:
    grids: list[tuple[str | None, Grid]]  # (caption printed above, grid)
    printed: dict[str, str] = field(default_factory=dict)


class _Base:
    def __init__(self, data: dict, v: dict, width: float, size: float):
        self.data, self.v, self.width, self.size = data, v, width, size
        self.cells: dict = data["cells"]
        self.printed: dict[str, str] = {}

    # ----- labels ------------------------------------------------------------------
    def label(self, name: str, default: str) -> str:
        """A non-gold label (header, group, item) as chosen by the variant, with its line breaks."""
        return self._broken(name, self.v.get("labels", {}).get(name, default))

    def row_label(self, key: str, default: str) -> str:
        return self._broken(key, self.data.get("row_labels", {}).get(key, default))

    def _broken(self, name: str, text: str) -> str:
        for pos in sorted(self.v.get("breaks", {}).get(name, []), reverse=True):
            if 0 < pos < len(text):
                text = text[:pos] + "\n" + text[pos:]
        return text

    # ----- values --------------------------------------------------------------------
    def value(self, key: str, is_amount: bool = False, cell_unit: str | None = None) -> str:
        text = format_value(key, self.cells[key], is_amount, self.v.get("values", {}), cell_unit)
        self.printed[key] = text
        return text


# =============================================================================== table 二
class S2(_Base):
    def build(self) -> Built:
        fmt = taxo.formats_of(self.cells)["s2"]
        items = taxo.s2_items(fmt)
        per_item = self.v.get("s2_layout") == "per_item"
        grids: list[tuple[str | None, Grid]] = []
        rows: list[list[Cell]] = []
        for it in items:
            block = self._block(it)
            if per_item:
                caption = None
                if self.v.get("s2_item_caption"):
                    caption = self.label(f"s2.item.{it['item']}", it["label"])
                    block = block[1:]
                grids.append((caption, self._grid(block, header_rows=0)))
            else:
                rows.extend(block)
        if not per_item:
            grids.append((None, self._grid(rows, header_rows=0)))
        return Built(grids, self.printed)

    def _grid(self, rows: list[list[Cell]], header_rows: int) -> Grid:
        cells = []
        for r, row in enumerate(rows):
            for c in row:
                c.row = r
                cells.append(c)
        label_w = self.width * self.v.get("s2_label_frac", 0.34)
        val_w = (self.width - label_w) / 3
        return Grid([label_w, val_w, val_w, val_w], len(rows), cells, header_rows=header_rows,
                    min_row_height=self.size * self.v.get("s2_row_h", 2.2))

    def _spans(self, n_values: int) -> list[int]:
        if n_values == 3:
            return [1, 1, 1]
        if n_values == 2:
            return [2, 1] if self.v.get("s2_wide_first") else [1, 2]
        return [3]

    def _block(self, it: dict) -> list[list[Cell]]:
        cols = it["columns"]
        spans = self._spans(len(cols))
        item_label = self.label(f"s2.item.{it['item']}", it["label"])
        out = [[Cell(item_label, 0, 0, colspan=4, align=self.v.get("s2_item_align", "center"))]]
        header = [Cell(self.label("s2.header", "信息内容"), 0, 0)]
        x = 1
        for col, span in zip(cols, spans):
            header.append(Cell(self._broken(f"s2.col.{col}", self._col_text(it, col)), 0, x, colspan=span))
            x += span
        out.append(header)
        for row in it["rows"]:
            out.append(self._data_row(f"s2.{row}", cols, spans, it))
            out.extend(self._extra_rows(f"s2.{row}", spans))
        return out

    def _amount_unit(self, it: dict, col: str) -> tuple[str | None, bool]:
        """(unit, printed in the cell?) for an amount column."""
        info = taxo.s2_col(col)
        if info["kind"] != "amount":
            return None, False
        row = it["rows"][0]
        unit = self.data.get("units", {}).get(f"s2.{row}.{col}", info.get("unit", "万元"))
        in_cell = self.v.get("values", {}).get("amount_unit") == "cell"
        return unit, in_cell

    def _unit_text(self, unit: str) -> str:
        return self.v.get("labels", {}).get(f"unit.{unit}", unit)

    def _col_text(self, it: dict, col: str) -> str:
        """The printed header of a value column, with the unit when the unit goes in the header."""
        text = self.v.get("labels", {}).get(f"s2.col.{col}", taxo.s2_col(col)["label"])
        unit, in_cell = self._amount_unit(it, col)
        if unit is None:
            return text
        has_wan = "万元" in text or "萬元" in text
        if unit != "万元" and has_wan:  # amounts printed in 元: drop the 万元 of the label
            text = re.sub(r"[（(](单位：|單位：)?(万|萬)元[）)]", "", text)
            has_wan = False
        if in_cell or (unit == "万元" and has_wan):
            return text
        unit = self._unit_text(unit)
        return text + (f"（{unit}）" if self.v.get("fullwidth_brackets", True) else f"({unit})")

    def _data_row(self, rkey: str, cols: list[str], spans: list[int], it: dict) -> list[Cell]:
        row_id = rkey.split(".", 1)[1]
        align = self.v.get("s2_label_align", "center")
        out = [Cell(self.row_label(rkey, taxo.s2_row_label(row_id)), 0, 0, align=align)]
        x = 1
        for col, span in zip(cols, spans):
            unit, in_cell = self._amount_unit(it, col)
            cell_unit = self._unit_text(unit) if unit and in_cell else None
            text = self.value(f"{rkey}.{col}", is_amount=unit is not None, cell_unit=cell_unit)
            out.append(Cell(text, 0, x, colspan=span, nowrap=True))
            x += span
        return out

    def _extra_rows(self, after: str, spans: list[int]) -> list[list[Cell]]:
        out = []
        for extra in self.v.get("extra_rows", []):
            if extra["after"] != after:
                continue
            row = [Cell(extra["label"], 0, 0, align=self.v.get("s2_label_align", "center"))]
            x = 1
            for text, span in zip(extra["values"], spans):
                row.append(Cell(str(text), 0, x, colspan=span))
                x += span
            out.append(row)
        return out


# =============================================================================== table 三
class S3(_Base):
    """Table 三: a header block over the seven applicant columns, then the rows with up to three
    label columns (merged result label | group label | sub-row label)."""

    def build(self) -> Built:
        split = taxo.formats_of(self.cells)["s3_split"]
        self.n_label = self.v.get("s3_label_cols", 3)
        self.rows = taxo.s3_rows(split)
        cells: list[Cell] = []
        header = self._header(cells)
        r = self._body(cells, header)
        grid = Grid(self._widths(), r, cells, header_rows=header,
                    repeat_header=self.v.get("s3_repeat_header", False),
                    break_before=self._break_row(header),
                    min_row_height=self.size * self.v.get("s3_row_h", 1.9))
        return Built([(None, grid)], self.printed)

    # ----- geometry ----------------------------------------------------------------
    def _widths(self) -> list[float]:
        size = self.size
        need = self._widest_value() + 2 * self.v.get("cell_pad", 4) + 2
        val_w = max(self.v.get("s3_value_w", 2.9) * size, need)
        label_total = max(self.width - 7 * val_w, self.width * (0.42 if self.n_label < 3 else 0.48))
        val_w = max((self.width - label_total) / 7, need)
        if self.n_label == 3:
            w0 = size * (1.7 if self.v.get("s3_result_vertical", True) else 3.3)
            w1 = min(self.v.get("s3_group_w", 4.4) * size, label_total * 0.3)
            return [w0, w1, max(label_total - w0 - w1, 5 * size)] + [val_w] * 7
        if self.n_label == 2:
            w0 = size * (1.7 if self.v.get("s3_result_vertical", True) else 4.6)
            return [w0, max(label_total - w0, 5 * size)] + [val_w] * 7
        return [label_total] + [val_w] * 7

    def _widest_value(self) -> float:
        from .layout import text_width

        font = self.v.get("font", "SimSun")
        return max((text_width(t, font, self.size) for t in self.printed.values()), default=0)

    def _break_row(self, header: int) -> int | None:
        at = self.v.get("s3_break_at")
        if at is None:
            return None
        return header + self._row_index.get(at, 0)

    # ----- header --------------------------------------------------------------------
    def _col_label(self, cid: str) -> str:
        return self.label(f"s3.col.{cid}", taxo.s3_col_label(cid))

    def _header(self, cells: list[Cell]) -> int:
        L = self.n_label
        style = self.v.get("s3_header", "two_level")
        note = self.label("s3.note", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）") \
            if self.v.get("s3_note", True) else ""
        applicant = self.label("s3.applicant", "申请人情况")
        small = self.size * self.v.get("s3_note_scale", 0.85)
        if style == "flat":
            cells.append(Cell(note, 0, 0, rowspan=2, colspan=L, size=small))
            cells.append(Cell(applicant, 0, L, colspan=7))
            for i, cid in enumerate(taxo.S3_COLS):
                cells.append(Cell(self._col_label(cid), 1, L + i))
            return 2
        cells.append(Cell(note, 0, 0, rowspan=3, colspan=L, size=small))
        cells.append(Cell(applicant, 0, L, colspan=7))
        cells.append(Cell(self._col_label("natural"), 1, L, rowspan=2))
        cells.append(Cell(self.label("s3.org_parent", "法人或其他组织"), 1, L + 1, colspan=5))
        cells.append(Cell(self._col_label("total"), 1, L + 6, rowspan=2))
        for i, cid in enumerate(taxo.S3_COLS[1:6]):
            cells.append(Cell(self._col_label(cid), 2, L + 1 + i))
        return 3

    # ----- body ----------------------------------------------------------------------------
    def _body(self, cells: list[Cell], r: int) -> int:
        L = self.n_label
        self._row_index: dict[str, int] = {}
        result_start = None
        group_start: dict[str, int] = {}
        group_rows = L < 3 or self.v.get("s3_group_rows", False)  # group label on its own row
        i0 = r
        for rid in self.rows:
            key = f"s3.{rid}"
            group = taxo.s3_group_of(rid)
            if taxo.in_result(rid) and result_start is None:
                result_start = r
                if L == 1:
                    r = self._label_only_row(cells, r, self.label("s3.group.result", "三、本年度办理结果"))
                    result_start = r
            if group and group not in group_start:
                group_start[group] = r
                if group_rows:
                    r = self._label_only_row(cells, r, self.label(f"s3.group.{group}", taxo.s3_group_label(group)),
                                             first_col=1 if L >= 2 else 0)
                    group_start[group] = r
            self._row_index[rid] = r - i0
            self._label_cells(cells, r, rid, group, group_rows)
            self._value_cells(cells, r, key)
            r += 1
            for extra in self.v.get("extra_rows", []):
                if extra["after"] == key:
                    first = 1 if taxo.in_result(rid) and L >= 2 else 0
                    if group and not group_rows and L == 3:
                        first = 2
                    cells.append(Cell(extra["label"], r, first, colspan=L - first, align=self._align()))
                    for i, text in enumerate(extra["values"]):
                        cells.append(Cell(str(text), r, L + i))
                    r += 1
            if group and not group_rows and self._last_of_group(rid, group):
                n = r - group_start[group]
                cells.append(Cell(self.label(f"s3.group.{group}", taxo.s3_group_label(group)),
                                  group_start[group], 1, rowspan=n, align=self.v.get("s3_group_align", "center")))
            if rid == "total" and L >= 2:
                cells.append(Cell(self._result_label(), result_start, 0, rowspan=r - result_start))
        return r

    def _align(self) -> str:
        return self.v.get("s3_label_align", "left")

    def _result_label(self) -> str:
        text = self.v.get("labels", {}).get("s3.group.result", "三、本年度办理结果")
        if self.v.get("s3_result_vertical", True):
            return "\n".join(ch for ch in text)
        return self._broken("s3.group.result", text)

    def _last_of_group(self, rid: str, group: str) -> bool:
        idx = self.rows.index(rid)
        return idx + 1 >= len(self.rows) or taxo.s3_group_of(self.rows[idx + 1]) != group

    def _label_only_row(self, cells: list[Cell], r: int, text: str, first_col: int = 0) -> int:
        L = self.n_label
        if self.v.get("s3_label_row_span_values", False):
            cells.append(Cell(text, r, first_col, colspan=L - first_col + 7, align=self._align()))
        else:
            cells.append(Cell(text, r, first_col, colspan=L - first_col, align=self._align()))
            for i in range(7):
                cells.append(Cell("", r, L + i))
        return r + 1

    def _label_cells(self, cells: list[Cell], r: int, rid: str, group: str | None, group_rows: bool) -> None:
        L = self.n_label
        text = self.row_label(f"s3.{rid}", taxo.s3_row(rid)["label"])
        if not taxo.in_result(rid) or L == 1:
            cells.append(Cell(text, r, 0, colspan=L, align=self._align()))
        elif L == 2 or (group and group_rows):
            cells.append(Cell(text, r, 1, colspan=L - 1, align=self._align()))
        elif group:
            cells.append(Cell(text, r, 2, align=self._align()))
        else:
            cells.append(Cell(text, r, 1, colspan=2, align=self._align()))

    def _value_cells(self, cells: list[Cell], r: int, key: str) -> None:
        for i, cid in enumerate(taxo.S3_COLS):
            cells.append(Cell(self.value(f"{key}.{cid}"), r, self.n_label + i, nowrap=True))


# =============================================================================== table 四
class S4(_Base):
    def build(self) -> Built:
        layout = self.v.get("s4_layout", "three_level")
        grid = {"three_level": self._three_level, "two_level": self._two_level, "rows": self._rows}[layout]()
        return Built([(None, grid)], self.printed)

    def _glabel(self, gid: str) -> str:
        return self.label(f"s4.group.{gid}", taxo.s4_group_label(gid))

    def _clabel(self, cid: str, gid: str) -> str:
        name = f"s4.col.{cid}"
        text = self.v.get("labels", {}).get(name, taxo.s4_col_label(cid))
        return self._broken(name, text)

    def _grid(self, n_cols: int, cells: list[Cell], n_rows: int, header: int, label_w: float = 0) -> Grid:
        w = (self.width - label_w) / n_cols
        widths = ([label_w] if label_w else []) + [w] * n_cols
        return Grid(widths, n_rows, cells, header_rows=header, keep_together=self.v.get("s4_keep", True),
                    min_row_height=self.size * self.v.get("s4_row_h", 2.0))

    def _data(self, cells: list[Cell], r: int, x0: int) -> None:
        x = x0
        for g in taxo.S4_GROUPS:
            for c in taxo.S4_COLS:
                cells.append(Cell(self.value(f"s4.{g}.{c}"), r, x, nowrap=True))
                x += 1

    def _three_level(self) -> Grid:
        suit = self.label("s4.parent", "行政诉讼")
        cells = [Cell(self._glabel("review"), 0, 0, colspan=5), Cell(suit, 0, 5, colspan=10)]
        for i, c in enumerate(taxo.S4_COLS):
            cells.append(Cell(self._clabel(c, "review"), 1, i, rowspan=2))
        cells.append(Cell(self._glabel("suit_direct"), 1, 5, colspan=5))
        cells.append(Cell(self._glabel("suit_after_review"), 1, 10, colspan=5))
        for j, g in enumerate(taxo.S4_GROUPS[1:]):
            for i, c in enumerate(taxo.S4_COLS):
                cells.append(Cell(self._clabel(c, g), 2, 5 + 5 * j + i))
        self._data(cells, 3, 0)
        return self._grid(15, cells, 4, 3)

    def _two_level(self) -> Grid:
        cells = []
        for j, g in enumerate(taxo.S4_GROUPS):
            text = self._glabel(g)
            if g != "review" and self.v.get("s4_prefix_parent"):
                text = self.label("s4.parent", "行政诉讼") + "（" + text + "）"
            cells.append(Cell(text, 0, 5 * j, colspan=5))
            for i, c in enumerate(taxo.S4_COLS):
                cells.append(Cell(self._clabel(c, g), 1, 5 * j + i))
        self._data(cells, 2, 0)
        return self._grid(15, cells, 3, 2)

    def _rows(self) -> Grid:
        """One row per group: a label column, the five result columns."""
        cells = [Cell(self.label("s4.corner", "类别"), 0, 0)]
        for i, c in enumerate(taxo.S4_COLS):
            cells.append(Cell(self._clabel(c, ""), 0, 1 + i))
        for j, g in enumerate(taxo.S4_GROUPS):
            text = self._glabel(g)
            if g != "review":
                text = self.label("s4.parent", "行政诉讼") + "（" + text + "）"
            cells.append(Cell(text, 1 + j, 0, align=self.v.get("s4_label_align", "center")))
            for i, c in enumerate(taxo.S4_COLS):
                cells.append(Cell(self.value(f"s4.{g}.{c}"), 1 + j, 1 + i, nowrap=True))
        return self._grid(5, cells, 4, 1, label_w=self.width * 0.34)


def build_tables(data: dict, v: dict, width: float, size: float) -> dict[str, Built]:
    """The tables the data has (per `data['tables']`), keyed s2/s3/s4."""
    builders = {"s2": S2, "s3": S3, "s4": S4}
    return {t: builders[t](data, v, width, size).build() for t in data.get("tables", ["s2", "s3", "s4"])}
