"""Header and body rows of a section's table fragments: which cells are labels, which are values."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from rapidfuzz import fuzz

from pipeline.document import split_words
from pipeline.grid import Fragment, GridCell
from pipeline.lines import reading_text
from pipeline.taxonomy import Label
from pipeline.text import label_key, normalize, strip_enumerator
from pipeline.values import parse_value

COLUMN_SCORE = 70  # a header cell names a column from this similarity on
PLACE_SURE = 0.5  # a column named by its place in the form is flagged when its header reads less like it


@dataclass(frozen=True)
class Column:
    id: str
    x0: float
    x1: float
    header: tuple[str, ...]  # printed header texts, top level first
    score: float
    contested: bool = False  # another header cell was read as the same column
    by_place: bool = False  # named by its place among the named columns of a fixed form, not by its header
    spilled: bool = False  # its header text runs into the next column (GridCell.spills)

    def holds(self, cell: GridCell) -> bool:
        return self.x0 - 1 <= cell.x_center <= self.x1 + 1


@dataclass
class BodyRow:
    page: int
    label_cells: list[GridCell]  # left of the values, outermost (widest span) first
    values: dict[str, GridCell] = field(default_factory=dict)  # column id -> cell
    columns: dict[str, Column] = field(default_factory=dict)  # column id -> its header

    @property
    def own_label(self) -> str:
        """The row's own label: the innermost label cell (fewest rows spanned, rightmost)."""
        own = self._own()
        return own.text if own else ""

    @property
    def whole_label(self) -> str:
        """The label cells that span no more rows than the own label, read as one text: a label
        that a label-column bound cut in two (（二）部分公開 | （區分處理的…) read whole."""
        own = self._own()
        if own is None:
            return ""
        return reading_text([w for c in self.label_cells if c.rowspan <= own.rowspan for w in c.words])

    @property
    def parent_labels(self) -> list[str]:
        own = self._own()
        return [c.text for c in self.label_cells if c is not own and c.text]

    def _own(self) -> GridCell | None:
        cells = [c for c in self.label_cells if c.text]
        if not cells:
            return None
        return min(cells, key=lambda c: (c.rowspan, -c.col))

    @property
    def label_shared(self) -> bool:
        """Whether the row's own label cell spans more grid rows than a value cell of it: the
        label stands for the row below too (the rule between the two lost in the label column
        under a seal, and in a value column or two), and cannot tell which of them it names."""
        own = self._own()
        if own is None or own.rowspan < 2 or not self.values:
            return False
        return min(c.rowspan for c in self.values.values()) < own.rowspan

    @property
    def has_values(self) -> bool:
        return any(c.text.strip() for c in self.values.values())


@lru_cache(maxsize=1 << 16)
def similarity(text: str, keys: tuple[str, ...], whole: bool = False) -> float:
    """0..1: how well a printed label matches the best of a form label's wordings.

    The printed text is compared without its enumerator, with and without a trailing note in
    parentheses (also one whose closing bracket was lost, to the page edge or the recogniser),
    and as the note alone (the note may be the label: 行政诉讼（直接起诉）). A long text is
    also compared part for part (a label printed with more words), unless ``whole``.
    """
    full = strip_enumerator(normalize(text))
    note = re.search(r"\(([^()]+)\)$", full)
    unclosed = re.sub(r"\([^()]*$", "", full)
    forms = {label_key(text), full, unclosed, note.group(1) if note else ""} - {""}
    best = 0.0
    for form in forms:
        for candidate in keys:
            score = fuzz.ratio(form, candidate)
            if min(len(form), len(candidate)) >= 5 and not whole:
                score = max(score, 0.9 * fuzz.partial_ratio(form, candidate))
            best = max(best, score)
    return best / 100


def best_label(text: str, labels: list[Label]) -> tuple[Label | None, float]:
    """The label that matches best; a tie goes to the better match of whole wordings (复议疗起诉,
    a misread 复议后起诉, matches 未经复议起诉 as well part for part)."""
    best, best_score = None, (0.0, 0.0)
    for label in labels:
        score = similarity(text, label.keys)
        if score >= best_score[0] and score > 0:
            score_pair = (score, similarity(text, label.keys, whole=True))
            if score_pair > best_score:
                best, best_score = label, score_pair
    return best, best_score[0]


def is_numeric(cell: GridCell) -> bool:
    text = cell.text.strip()
    return bool(text) and parse_value(text).value is not None and any(ch.isdigit() for ch in text)


def distinct(cells: list[GridCell]) -> list[GridCell]:
    seen: dict[int, GridCell] = {}
    for cell in cells:
        seen.setdefault(id(cell), cell)
    return list(seen.values())


ColumnNamer = Callable[[str, tuple[str, ...]], tuple[str, float] | None]


def namer_for(labels: list[Label]) -> ColumnNamer:
    """Name a column by its lowest header cell alone."""

    def name(leaf: str, path: tuple[str, ...]) -> tuple[str, float] | None:
        label, score = best_label(leaf, labels)
        return (label.id, score) if label is not None else None

    return name


@dataclass(frozen=True)
class ColumnOrder:
    """A form's column ids left to right, by which header cells that name nothing are named
    (_by_place); "" stands between blocks whose columns never stand side by side (table 二)."""

    ids: tuple[str, ...]
    # A leaf beside a named leaf on one side only is named from it: in 三 the three headers left
    # of 法律服务机构 lost under one seal. Not in 二, whose label column stands left of a block's
    # only value column and would be named the column before it in another block.
    one_sided: bool = True
    # A repeated header keeps the earlier columns it fails to name (三 and 四, continued); each
    # block of 二 has its own.
    keeps_earlier: bool = True


def columns_from_header(header_rows: list[list[GridCell]], name_column: ColumnNamer,
                        order: ColumnOrder | None = None, edges: list[float] | None = None) -> list[Column]:
    """Leaf header cells (the lowest header cell over each grid column), named from their header
    path; in a table of fixed columns (``order``), a leaf whose header names nothing, or names
    a column another leaf names better (本年磨件数, a misread 本年废止件数, is nearest 本年制发件数),
    is named by its place (_by_place). A leaf over several grid columns (``edges``: the grid's
    column edges) may be names side by side whose rule was lost (_split_spanning)."""
    if not header_rows:
        return []
    all_header = sorted(distinct([c for row in header_rows for c in row]), key=lambda c: c.row)
    leaves = sorted(distinct(header_rows[-1]), key=lambda c: c.bbox[0])
    if edges:
        parts = {id(leaf): _split_spanning(leaf, edges, all_header, name_column) for leaf in leaves}
        leaves = [part for leaf in leaves for part in parts[id(leaf)]]
        all_header = [part for cell in all_header for part in parts.get(id(cell), [cell])]
    matched: dict[str, Column] = {}
    claimed_by: dict[str, int] = {}  # column id -> the leaf whose claim to it stands
    names: list[Column | None] = []
    for k, leaf in enumerate(leaves):
        path = _header_path(leaf, all_header)
        named = name_column(leaf.text, path)
        if named is None or named[1] * 100 < COLUMN_SCORE:
            names.append(None)
            continue
        column = Column(named[0], leaf.bbox[0], leaf.bbox[2], path, named[1], spilled=leaf.spills)
        names.append(column)
        rival = matched.get(column.id)
        wins = rival is None or column.score > rival.score
        if rival is not None:
            winner = column if wins else rival
            if order:
                # The weaker claim is no name: its leaf is named by its place below.
                names[claimed_by[column.id] if wins else k] = None
            column = Column(winner.id, winner.x0, winner.x1, winner.header, winner.score, contested=True,
                            spilled=winner.spilled)
        if wins:
            claimed_by[column.id] = k
        matched[column.id] = column
    if order:
        for column in _by_place(leaves, names, order, all_header, name_column):
            matched.setdefault(column.id, column)
    return sorted(matched.values(), key=lambda c: c.x0)


def _split_spanning(leaf: GridCell, edges: list[float], all_header: list[GridCell],
                    name_column: ColumnNamer) -> list[GridCell]:
    """A leaf over several grid columns cut at their edges, where each part names a column of
    its own better than the whole names one. A seal lifts the rule between two column names
    (商业企业 | 科研机构 read as one cell 商业科研 / 企业机构) while the rule below it stands."""
    if leaf.colspan < 2 or len(edges) < leaf.col + leaf.colspan + 1:
        return [leaf]
    parts = split_words(leaf.words, edges[leaf.col + 1 : leaf.col + leaf.colspan])
    if not all(parts):
        return [leaf]
    cells = [GridCell(leaf.row, leaf.col + k, leaf.rowspan, 1,
                      (edges[leaf.col + k], leaf.bbox[1], edges[leaf.col + k + 1], leaf.bbox[3]), leaf.page, words)
             for k, words in enumerate(parts)]
    named = [name_column(cell.text, _header_path(cell, [cell if c is leaf else c for c in all_header])) for cell in cells]
    whole = name_column(leaf.text, _header_path(leaf, all_header))
    if (any(n is None or n[1] * 100 < COLUMN_SCORE for n in named) or len({n[0] for n in named}) < len(named)
            or (whole is not None and whole[1] >= min(n[1] for n in named))):
        return [leaf]
    return cells


def _header_path(leaf: GridCell, all_header: list[GridCell]) -> tuple[str, ...]:
    """The printed header texts over a leaf header cell, top level first."""
    return tuple(c.text for c in all_header if c.bbox[0] - 1 <= leaf.x_center <= c.bbox[2] + 1 and c.text)


def _by_place(leaves: list[GridCell], names: list[Column | None], order: ColumnOrder,
              all_header: list[GridCell], name_column: ColumnNamer) -> list[Column]:
    """Unnamed leaves of a fixed form named by their place: the column the form has just before
    the named leaf to the right, or just after the named leaf to the left (both, where both
    stand beside it, must agree). A header read wrong (目然人 for 自然人: one character in
    three) or lost under a seal would otherwise leave its values to the label column. A leaf
    much wider than the named ones (the label column's header) is never a value column."""
    widths = sorted(c.x1 - c.x0 for c in names if c is not None)
    if not widths:
        return []
    widest = 2.0 * widths[len(widths) // 2]
    taken = {c.id for c in names if c is not None}

    def neighbour(column: Column | None, step: int) -> str | None:
        if column is None:
            return None
        group, _, local = column.id.rpartition(".")
        if local not in order.ids:
            return ""
        k = order.ids.index(local) + step
        if not 0 <= k < len(order.ids) or not order.ids[k]:
            return ""
        return f"{group}.{order.ids[k]}" if group else order.ids[k]

    found: list[Column] = []
    names = list(names)
    # Leaf by leaf from the named ones: three headers in a row lost under a seal (自然人 商业企业
    # 科研机构) are named one after the other.
    while True:
        before = len(found)
        for k, leaf in enumerate(leaves):
            if names[k] is not None or leaf.bbox[2] - leaf.bbox[0] > widest:
                continue
            left = neighbour(names[k - 1], +1) if k > 0 else None
            right = neighbour(names[k + 1], -1) if k + 1 < len(leaves) else None
            guesses = {g for g in (left, right) if g is not None}
            if order.one_sided and len(guesses) > 1:
                # The first column of the next group beside it (table 四's 结果维持 right of a
                # misread 总计) only says a group ends there.
                guesses.discard("")
            if len(guesses) != 1 or "" in guesses or (not order.one_sided and (left is None or right is None)):
                continue
            column_id = guesses.pop()
            if column_id in taken:
                continue
            path = _header_path(leaf, all_header)
            named = name_column(leaf.text, path)
            score = named[1] if named is not None and named[0] == column_id else 0.0
            names[k] = Column(column_id, leaf.bbox[0], leaf.bbox[2], path, score, by_place=True)
            found.append(names[k])
            taken.add(column_id)
        if len(found) == before:
            return found


def body_row(cells: list[GridCell], columns: list[Column], page: int, row_index: int) -> BodyRow | None:
    """Split one grid row into label cells and value cells; None where the row holds nothing new."""
    if not columns:
        return None
    value_left = min(c.x0 for c in columns)
    # Left of the values, or a group title spanning several value columns (（三）不予公开 drawn
    # across the whole row): both are labels.
    labels = [c for c in cells if c.x_center < value_left - 1 or _columns_spanned(c, columns) >= 2]
    label_ids = {id(c) for c in labels}
    values: dict[str, GridCell] = {}
    for column in columns:
        for cell in cells:
            if id(cell) in label_ids:
                continue
            if column.holds(cell):
                # A value cell spanning several grid rows belongs to the first of them.
                if cell.row == row_index:
                    values[column.id] = cell
                break
    if not values and not any(c.row == row_index for c in labels):
        return None
    labels.sort(key=lambda c: (-c.rowspan, c.col))
    return BodyRow(page=page, label_cells=labels, values=values, columns={c.id: c for c in columns})


def _columns_spanned(cell: GridCell, columns: list[Column]) -> int:
    def overlap(column: Column) -> float:
        return min(cell.bbox[2], column.x1) - max(cell.bbox[0], column.x0)

    return sum(1 for column in columns if overlap(column) > 0.5 * (column.x1 - column.x0))


def _run_end(rows: list[list[GridCell]], start: int, is_header_row: Callable[[list[GridCell]], bool]) -> int:
    """The last row of the run of header rows that starts at `start`."""
    end = start
    while end + 1 < len(rows) and rows[end + 1] and is_header_row(rows[end + 1]):
        end += 1
    return end


def rows_with_header(
    fragments: list[Fragment],
    name_column: ColumnNamer,
    is_header_row: Callable[[list[GridCell]], bool],
    columns: list[Column] | None = None,
    order: ColumnOrder | None = None,
) -> tuple[list[BodyRow], list[Column]]:
    """Body rows of all fragments in order.

    A fragment's header is everything down to the last of its first run of header rows (so the
    group titles above the column names belong to it); a fragment without one (a table continued
    on the next page) keeps the columns of the fragment before. In a table of fixed columns
    (``order``), a header cell that names nothing is named by its place, and a repeated header
    keeps the earlier columns it fails to name (a seal over a word), where the order says so.
    """
    body: list[BodyRow] = []
    columns = columns or []

    def renew(found: list[Column]) -> list[Column]:
        if not order or not order.keeps_earlier or not found:
            return found or columns
        named = {c.id for c in found}
        kept = [c for c in columns if c.id not in named and not any(c.x0 < f.x1 and f.x0 < c.x1 for f in found)]
        return sorted(found + kept, key=lambda c: c.x0)

    for fragment in fragments:
        rows = fragment.rows()
        start = 0
        first = next((i for i, cells in enumerate(rows) if cells and is_header_row(cells)), None)
        if first is not None:
            end = _run_end(rows, first, is_header_row)
            found = columns_from_header([r for r in rows[: end + 1] if r], name_column, order, fragment.xs)
            if found:
                columns, start = renew(found), end + 1
        index = start
        while index < len(rows):
            if rows[index] and is_header_row(rows[index]):
                # A later header (a repeated one, or the next block of table 二) sets new columns.
                end = _run_end(rows, index, is_header_row)
                columns = renew(columns_from_header(rows[index : end + 1], name_column, order, fragment.xs))
                index = end + 1
                continue
            row = body_row(rows[index], columns, fragment.page, index)
            if row is not None:
                body.append(row)
            index += 1
    return body, columns
