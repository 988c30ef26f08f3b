"""Map each section's rows and columns onto the canonical taxonomy.

Rows of table 三 are aligned as a sequence against the form (dynamic programming), so that
order carries a typo'd, unnumbered or reworded label to its place, an inserted local row
stays unmapped, and the 2019 single （六）其他处理 row and the 2021 sub-rows are both handled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipeline.grid import Fragment, GridCell
from pipeline.structure import (PLACE_SURE, BodyRow, Column, ColumnOrder, best_label, namer_for, rows_with_header,
                                similarity)
from pipeline.taxonomy import Label, load
from pipeline.text import normalize, strip_enumerator

WEAK_LABEL = 0.6  # a row label matched below this similarity is mapped, but flagged uncertain
MIN_LABEL = 0.35  # below this a label is no evidence for a form row at all
GAP_PENALTY = 0.1
_ITEM = re.compile(r"第二十条第?[(（]?([一二三四五六七八九十]+)[)）]?项")


@dataclass
class MappedCell:
    key: str
    cell: GridCell | None  # None: the form has the cell but the table does not
    printed_label: str
    kind: str = "count"
    unit: str | None = None  # unit stated by the column header
    notes: list[str] = field(default_factory=list)


@dataclass
class SectionResult:
    cells: list[MappedCell] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    format: str | None = None  # "2019", "2021" or None when the section does not tell
    warnings: list[str] = field(default_factory=list)


def _unmapped(section: str, row: BodyRow) -> dict:
    return {
        "section": section,
        "printed_label": row.own_label,
        "parents": row.parent_labels,
        "page": row.page,
        "values": {col: cell.text for col, cell in row.values.items()},
    }


def _row_notes(row: BodyRow) -> list[str]:
    if row.label_shared:
        return [f"the label cell {row.own_label!r} spans this row and the one below: which it names is unsure"]
    return []


def _column_notes(column: Column | None) -> list[str]:
    notes = []
    if column is not None and column.contested:
        notes.append(f"two header cells read as the same column {column.id!r}; kept {' / '.join(column.header)!r}")
    if column is not None and column.spilled:
        notes.append(f"the header of column {column.id!r} runs into the next column: "
                     f"{' / '.join(column.header)!r} (a rule lost, or two headers read as one)")
    if column is not None and column.by_place and column.score < PLACE_SURE:
        notes.append(f"column {column.id!r} named by its place in the form; its header reads {' / '.join(column.header)!r}")
    return notes


def _header_unit(column: Column) -> str | None:
    header = normalize("".join(column.header))
    for unit in ("万元", "元"):
        if unit in header:
            return unit
    return None


# ---------------------------------------------------------------- table 三


def _s3_is_header(cells: list[GridCell]) -> bool:
    tax = load()
    hits = sum(1 for cell in {id(c): c for c in cells}.values() if best_label(cell.text, list(tax.s3_columns))[1] >= 0.8)
    return hits >= 3


def map_s3(fragments: list[Fragment]) -> SectionResult:
    tax = load()
    result = SectionResult()
    rows, columns = rows_with_header(fragments, namer_for(list(tax.s3_columns)), _s3_is_header,
                                     order=ColumnOrder(tuple(c.id for c in tax.s3_columns)))
    if not columns:
        result.warnings.append("s3: table header (自然人 / 法人或其他组织 / 总计) not found")
        return result
    rows = [r for r in rows if r.own_label or r.has_values]
    best = None
    for fmt in ("2021", "2019"):
        form = [r for r in tax.s3_rows if fmt in r.formats]
        score, pairs = _align(rows, form)
        if best is None or score > best[0] + 1e-9:
            best = (score, pairs, fmt)
    _, pairs, fmt = best
    result.format = fmt
    by_form = {form_row.id: (row, sim) for row, form_row, sim in pairs if form_row is not None and row is not None}
    for form_row in tax.s3_rows:
        if fmt not in form_row.formats:
            continue
        row, sim = by_form.get(form_row.id, (None, 0.0))
        for column in tax.s3_columns:
            key = f"s3.{form_row.id}.{column.id}"
            mapped = MappedCell(key, None, row.own_label if row else "")
            # The columns of the row's own header: a header misread on a later page must not
            # take a column away from the rows of the pages before.
            if row is not None and column.id in row.columns:
                mapped.cell = row.values.get(column.id)
                mapped.notes.extend(_row_notes(row) + _column_notes(row.columns.get(column.id)))
                if mapped.cell is None:
                    mapped.notes.append("no cell under this column in the row")
                if sim < WEAK_LABEL:
                    mapped.notes.append(f"row label {row.own_label!r} matched {form_row.label!r} weakly ({sim:.2f})")
            result.cells.append(mapped)
    for row, form_row, _ in pairs:
        if form_row is None and row is not None and not _is_group_header(row):
            result.unmapped.append(_unmapped("s3", row))
    return result


def _group_header_score(row: BodyRow) -> float:
    """How well a row without values names a group (（三）不予公开 on its own line); 0 with values."""
    if row.has_values:
        return 0.0
    return best_label(row.own_label, list(load().s3_groups.values()))[1]


def _is_group_header(row: BodyRow) -> bool:
    return _group_header_score(row) >= 0.8


def is_breakdown(label: str) -> bool:
    """A printed row that breaks down the row above it (其中：…): never one of the form's rows."""
    text = strip_enumerator(normalize(label))
    return any(text.startswith(prefix) for prefix in load().breakdown_prefixes)


def _row_similarity(row: BodyRow, form_row: Label) -> float:
    if is_breakdown(row.own_label):
        return 0.0
    sim = similarity(row.own_label, form_row.keys)
    whole = row.whole_label
    if whole != row.own_label:
        sim = max(sim, similarity(whole, form_row.keys))
    if form_row.group and form_row.group != "result" and row.parent_labels:
        group = load().s3_groups[form_row.group]
        parents = max(similarity(p, group.keys) for p in row.parent_labels)
        other_groups = [g for gid, g in load().s3_groups.items() if gid not in (form_row.group, "result")]
        elsewhere = max(max(similarity(p, g.keys) for g in other_groups) for p in row.parent_labels)
        if parents >= 0.8:
            sim = min(1.0, sim + 0.1)
        elif elsewhere >= 0.8:
            sim -= 0.3
    return sim


def _align(rows: list[BodyRow], form: list[Label]) -> tuple[float, list[tuple[BodyRow | None, Label | None, float]]]:
    """Best order-preserving alignment of printed rows to form rows (Needleman–Wunsch)."""
    n, m = len(rows), len(form)
    sims = [[_row_similarity(r, f) for f in form] for r in rows]
    # A group's name is not a worse wording of one of its rows: 不予公开 must not become 予以公开
    # when the 予以公开 row itself was not read. A row worded exactly as a group (the 2019
    # form's single （六）其他处理 row, blank for zero) may still be that row.
    group_scores = [_group_header_score(r) for r in rows]
    for i, g in enumerate(group_scores):
        if g >= 0.8:
            sims[i] = [s if s >= g else 0.0 for s in sims[i]]
    skip_row = [0.0 if g >= 0.8 else -GAP_PENALTY for g in group_scores]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        score[i][0], move[i][0] = score[i - 1][0] + skip_row[i - 1], "row"
    for j in range(1, m + 1):
        score[0][j], move[0][j] = score[0][j - 1] - GAP_PENALTY, "form"
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = [
                (score[i - 1][j] + skip_row[i - 1], "row"),
                (score[i][j - 1] - GAP_PENALTY, "form"),
            ]
            sim = sims[i - 1][j - 1]
            if sim >= MIN_LABEL or (not rows[i - 1].own_label and rows[i - 1].has_values):
                options.append((score[i - 1][j - 1] + max(sim, 0.4) - 0.5, "match"))
            score[i][j], move[i][j] = max(options)
    pairs: list[tuple[BodyRow | None, Label | None, float]] = []
    i, j = n, m
    while i > 0 or j > 0:
        step = move[i][j]
        if step == "match":
            pairs.append((rows[i - 1], form[j - 1], sims[i - 1][j - 1]))
            i, j = i - 1, j - 1
        elif step == "row":
            pairs.append((rows[i - 1], None, 0.0))
            i -= 1
        else:
            pairs.append((None, form[j - 1], 0.0))
            j -= 1
    pairs.reverse()
    return score[n][m], pairs


# ---------------------------------------------------------------- table 二


def map_s2(fragments: list[Fragment]) -> SectionResult:
    """Blocks per Article 20 item: an item line, a header (信息内容 + columns), data rows."""
    tax = load()
    result = SectionResult()
    column_labels = list(tax.s2_columns.values())
    row_labels = list(tax.s2_rows.values())
    formats_seen: set[str] = set()
    seen_rows: set[str] = set()

    def is_header(cells: list[GridCell]) -> bool:
        texts = [c.text for c in cells]
        if any("信息内容" in normalize(t) for t in texts):
            return True
        as_column = [best_label(t, column_labels)[1] for t in texts]
        as_row = [best_label(t, row_labels)[1] for t in texts]
        hits = sum(1 for c, r in zip(as_column, as_row) if c >= 0.8 and c > r)
        return hits >= 1 and not any(r >= 0.8 and r > c for c, r in zip(as_column, as_row))

    body: list[BodyRow] = []
    columns: list[Column] = []
    for fragment in fragments:
        # Item lines (第二十条第（X）项) are rows of their own: each block has its own header.
        for block in _split_items(fragment):
            rows, columns = rows_with_header([block], namer_for(column_labels), is_header, columns,
                                             order=ColumnOrder(tax.s2_column_order(), one_sided=False,
                                                               keeps_earlier=False))
            body.extend(rows)
    for row in body:
        if not row.own_label and not row.has_values:
            continue
        label, sim = best_label(row.own_label, row_labels)
        if label is None or sim < WEAK_LABEL or label.id in seen_rows or is_breakdown(row.own_label):
            if is_item_line(normalize(row.own_label)):
                continue
            result.unmapped.append(_unmapped("s2", row))
            continue
        seen_rows.add(label.id)
        for column_id, cell in row.values.items():
            column = tax.s2_columns[column_id]
            formats_seen.update(_telling_formats(column_id))
            unit = (_header_unit(row.columns[column_id]) or column.unit) if column.kind == "amount" else None
            mapped = MappedCell(f"s2.{label.id}.{column_id}", cell, row.own_label, kind=column.kind, unit=unit)
            mapped.notes.extend(_row_notes(row) + _column_notes(row.columns[column_id]))
            if column_id not in _form_columns(label.id):
                mapped.notes.append(f"column {column_id!r} is not on the form for {label.label}: header misread?")
            result.cells.append(mapped)
    if "procurement" in seen_rows or "other_mgmt_services" in seen_rows:
        formats_seen.add("2019")
    result.format = formats_seen.pop() if len(formats_seen) == 1 else None
    if result.format is not None:
        # The table told its form: the form's cells it did not give are missing, as in 三 and 四,
        # not absent from the output.
        given = {m.key for m in result.cells}
        for item in tax.s2_items:
            for row in item.rows.get(result.format, ()):
                for column_id in item.columns.get(result.format, ()):
                    if f"s2.{row}.{column_id}" not in given:
                        result.cells.append(MappedCell(f"s2.{row}.{column_id}", None, "", kind=tax.s2_columns[column_id].kind))
    return result


def is_item_line(text: str) -> bool:
    """第二十条第（X）项, also when misread (第二子条第（八) by OCR."""
    if _ITEM.search(text) and len(text) <= 14:
        return True
    items = [normalize(item.label) for item in load().s2_items]
    return 5 <= len(text) <= 14 and max(fuzz.ratio(text, item) for item in items) >= 70


def _split_items(fragment: Fragment) -> list[Fragment]:
    """The fragment cut at its item lines, each block keeping the grid."""
    blocks: list[list[int]] = [[]]
    for index, cells in enumerate(fragment.rows()):
        text = normalize("".join(c.text for c in {id(c): c for c in cells}.values()))
        if is_item_line(text):
            blocks.append([])
        else:
            blocks[-1].append(index)
    parts: list[Fragment] = []
    for indexes in blocks:
        if indexes:
            keep = set(indexes)
            cells = [c for c in fragment.cells if any(r in keep for r in range(c.row, c.row + c.rowspan))]
            parts.append(_SubFragment(fragment, keep, cells))
    return parts


class _SubFragment(Fragment):
    """The rows of a fragment that belong to one item block (same grid, fewer rows)."""

    def __init__(self, whole: Fragment, keep: set[int], cells: list[GridCell]):
        super().__init__(whole.page, whole.bbox, whole.xs, whole.ys, cells)
        self._keep = keep

    def rows(self) -> list[list[GridCell]]:
        rows = super().rows()
        return [row if index in self._keep else [] for index, row in enumerate(rows)]


def _form_columns(row_id: str) -> set[str]:
    """Columns the forms (either format) give a row of table 二."""
    return {
        column
        for item in load().s2_items
        if any(row_id in rows for rows in item.rows.values())
        for columns in item.columns.values()
        for column in columns
    }


def _telling_formats(column_id: str) -> set[str]:
    """The format a column of table 二 belongs to; none where both forms have it (处理决定数量)."""
    formats = {f for item in load().s2_items for f, cols in item.columns.items() if column_id in cols}
    return formats if len(formats) == 1 else set()


# ---------------------------------------------------------------- table 四


def map_s4(fragments: list[Fragment]) -> SectionResult:
    tax = load()
    result = SectionResult()
    column_labels = list(tax.s4_columns)

    def is_header(cells: list[GridCell]) -> bool:
        hits = sum(1 for cell in {id(c): c for c in cells}.values() if best_label(cell.text, column_labels)[1] >= 0.8)
        return hits >= 3

    def name_column(leaf: str, path: tuple[str, ...]) -> tuple[str, float] | None:
        label, score = best_label(leaf, column_labels)
        if label is None:
            return None
        group = _s4_group(list(path[:-1]))
        # Without a group in the header (one row per group), the row label gives it.
        return (f"{group}.{label.id}" if group else label.id), score

    rows, _ = rows_with_header(fragments, name_column, is_header, order=ColumnOrder(tuple(c.id for c in column_labels)))
    found: dict[str, MappedCell] = {}
    for row in rows:
        for column_id, cell in row.values.items():
            group, _, column = column_id.rpartition(".")
            group = group or _s4_group(row.parent_labels + [row.own_label])
            if group is None:
                continue
            key = f"s4.{group}.{column}"
            if key not in found:
                label = " / ".join(t for t in (*row.columns[column_id].header, row.own_label) if t)
                found[key] = MappedCell(key, cell, label, notes=_row_notes(row) + _column_notes(row.columns[column_id]))
    for group in tax.s4_groups:
        for column in tax.s4_columns:
            key = f"s4.{group.id}.{column.id}"
            result.cells.append(found.get(key) or MappedCell(key, None, ""))
    if not found:
        result.warnings.append("s4: no cell of the table could be placed under 行政复议 / 行政诉讼")
    return result


def _s4_group(texts: list[str]) -> str | None:
    """The group named by the most specific text (header path top-down, then row labels)."""
    groups = list(load().s4_groups)
    named = None
    for text in texts:
        if not text:
            continue
        label, score = best_label(text, groups)
        if label is not None and score >= 0.8:
            named = label.id  # a deeper text (未经复议直接起诉 under 行政诉讼) overrides
    return named
