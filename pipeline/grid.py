"""Table grids from ruling segments: fragments, rows and columns, merged cells, words in cells."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from pipeline.document import BBox, Page, Segment, Word
from pipeline.disjoint import DisjointSets
from pipeline.lines import reading_text
from pipeline.values import parse_value

LINE_TOLERANCE = 2.0  # pt or px: rules closer than this are one rule (double borders, rounding)
COVERAGE = 0.5  # a boundary counts as ruled where a rule covers at least this share of it


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: BBox
    page: int
    words: list[Word] = field(default_factory=list)
    inferred: bool = False  # from a grid inferred from word positions
    spills: bool = False  # a word of it runs far into the next cell (a rule lost, rebuilt through the word)

    @cached_property
    def text(self) -> str:
        # Read only after assign_words has filled the cell; the cell is not changed afterwards.
        return reading_text(self.words)

    @property
    def confidence(self) -> float:
        return min((w.confidence for w in self.words), default=1.0)

    @property
    def x_center(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2


@dataclass
class Fragment:
    """One ruled table on one page (a table split over pages is several fragments)."""

    page: int
    bbox: BBox
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]
    inferred: bool = False  # grid inferred from word positions, not printed rules

    def rows(self) -> list[list[GridCell]]:
        """Cells covering each grid row, left to right; a cell spanning rows appears in each."""
        rows: list[list[GridCell]] = [[] for _ in range(len(self.ys) - 1)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                rows[r].append(cell)
        for row in rows:
            row.sort(key=lambda c: c.col)
        return rows


def cluster_runs(values: list[float], tolerance: float) -> list[list[float]]:
    """Sorted values in runs whose neighbours are at most `tolerance` apart."""
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= tolerance:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return clusters


def _cluster(values: list[float], tolerance: float) -> list[float]:
    return [sum(c) / len(c) for c in cluster_runs(values, tolerance)]


def _connected(segments: list[Segment], tolerance: float) -> list[list[Segment]]:
    """Groups of segments that touch or cross: each group is one table."""
    sets = DisjointSets(len(segments))

    boxes = [
        (min(s.x0, s.x1) - tolerance, min(s.y0, s.y1) - tolerance, max(s.x0, s.x1) + tolerance, max(s.y0, s.y1) + tolerance)
        for s in segments
    ]
    order = sorted(range(len(segments)), key=lambda i: boxes[i][0])
    for a_pos, a in enumerate(order):
        ax0, ay0, ax1, ay1 = boxes[a]
        for b in order[a_pos + 1 :]:
            bx0, by0, bx1, by1 = boxes[b]
            if bx0 > ax1:
                break
            if by0 <= ay1 and ay0 <= by1:
                sets.union(a, b)
    groups: dict[int, list[Segment]] = {}
    for i, seg in enumerate(segments):
        groups.setdefault(sets.find(i), []).append(seg)
    return list(groups.values())


def find_fragments(page: Page, tolerance: float = LINE_TOLERANCE) -> list[Fragment]:
    """Every ruled table on the page, top to bottom, with its words assigned to cells."""
    fragments = []
    for group in _connected(page.segments, tolerance):
        fragment = build_fragment(group, page.number, tolerance)
        if fragment is not None:
            fragments.append(fragment)
    fragments.sort(key=lambda f: f.bbox[1])
    assign_words(fragments, page.words)
    for fragment in fragments:
        fragment.cells = sorted((part for cell in fragment.cells for part in _split_at_lost_rule(cell, fragment)),
                                key=lambda c: (c.row, c.col))
    return fragments


# Share of its columns' width (rows' height) by which a name (a value) centred over them may
# stand off their middle (a scan's word box may take in a seal's trace beside it: 0.13 measured).
CENTRED = 0.15


def _split_at_lost_rule(cell: GridCell, fragment: Fragment) -> list[GridCell]:
    """``cell``, or its parts where it holds texts side by side (level with each other, on one
    line or more), each centred over its own columns, with a rule between those columns in the
    row above or below (the column boundary nearest the middle of the white between them): the
    rule between them was lost. Likewise values one above the other, each centred in its own
    rows, with a rule between those rows in the column beside. A header tier's rule, pale and
    broken on a scan, made 直接起诉 and 复议后起诉 one header cell, and one block of table 四 was
    lost; a seal's trace took the rule between 未审/结 and 总计 (one line, level with the middle
    of the two), and the rule between two rows' 0 in the 总计 column of table 三."""
    for axis in (0, 1):
        parts = _split_along(cell, fragment, axis)
        if parts:
            return [p for part in parts for p in _split_at_lost_rule(part, fragment)]
    return [cell]


def _split_along(cell: GridCell, fragment: Fragment, axis: int) -> list[GridCell] | None:
    """The two parts of ``cell`` cut at a lost column rule (axis 0) or row rule (axis 1), or None."""
    first, span = (cell.col, cell.colspan) if axis == 0 else (cell.row, cell.rowspan)
    if span < 2 or len(cell.words) < 2:
        return None
    if axis == 1 and any(parse_value(w.text).value is None for w in cell.words):
        return None  # only values: a label merged over rows (a group label set vertically) is printed so
    edges = fragment.xs if axis == 0 else fragment.ys

    def lo(box) -> float:
        return box[axis]

    def hi(box) -> float:
        return box[axis + 2]

    def beside(other: GridCell) -> bool:  # in the row above or below (the column before or after)
        if axis == 0:
            return any(other.row <= n < other.row + other.rowspan for n in (cell.row - 1, cell.row + cell.rowspan))
        return any(other.col <= n < other.col + other.colspan for n in (cell.col - 1, cell.col + cell.colspan))

    # The boundaries ruled beside the cell: where the cells beside it start.
    ruled = {(other.col if axis == 0 else other.row) for other in fragment.cells if beside(other)}
    a, b = edges[first], edges[first + span]
    for k in range(first + 1, first + span):
        at = edges[k]
        # By centre: a scan's word box, its side bearings added, may reach over the boundary.
        before = [w for w in cell.words if (lo(w.bbox) + hi(w.bbox)) / 2 < at]
        after = [w for w in cell.words if (lo(w.bbox) + hi(w.bbox)) / 2 > at]
        if (k not in ruled or not before or not after or len(before) + len(after) < len(cell.words)
                or max(hi(w.bbox) for w in before) >= min(lo(w.bbox) for w in after)
                or not _level(before, after, 1 - axis)):
            continue
        gap = (max(hi(w.bbox) for w in before) + min(lo(w.bbox) for w in after)) / 2
        nearest = min(edges[first + 1:first + span], key=lambda e: abs(e - gap))
        if at != nearest or not _centred(before, a, at, axis) or not _centred(after, at, b, axis):
            continue
        return [_part(cell, axis, first, k, edges, before), _part(cell, axis, k, first + span, edges, after)]
    return None


def _part(cell: GridCell, axis: int, start: int, end: int, edges: list[float], words: list[Word]) -> GridCell:
    """The part of ``cell`` over grid columns (axis 0) or rows (axis 1) ``start`` to ``end``."""
    box = list(cell.bbox)
    box[axis], box[axis + 2] = edges[start], edges[end]
    span = {"col": start, "colspan": end - start} if axis == 0 else {"row": start, "rowspan": end - start}
    return replace(cell, bbox=tuple(box), words=words, **span)


def _level(one: list[Word], other: list[Word], axis: int) -> bool:
    """Whether two groups of words overlap along ``axis`` (0: x, 1: y)."""
    return (max(min(w.bbox[axis] for w in one), min(w.bbox[axis] for w in other))
            < min(max(w.bbox[axis + 2] for w in one), max(w.bbox[axis + 2] for w in other)))


def _centred(words: list[Word], lo: float, hi: float, axis: int) -> bool:
    middle = (min(w.bbox[axis] for w in words) + max(w.bbox[axis + 2] for w in words)) / 2
    return abs(middle - (lo + hi) / 2) <= CENTRED * (hi - lo)


def build_fragment(segments: list[Segment], page: int, tolerance: float = LINE_TOLERANCE) -> Fragment | None:
    horizontals = [s for s in segments if s.horizontal]
    verticals = [s for s in segments if not s.horizontal]
    if len(horizontals) < 2:
        return None
    x0 = min(min(s.x0, s.x1) for s in segments)
    x1 = max(max(s.x0, s.x1) for s in segments)
    top = min(min(s.y0, s.y1) for s in segments)
    bottom = max(max(s.y0, s.y1) for s in segments)
    if x1 - x0 < 20 or bottom - top < 10:
        return None
    ys = _cluster([(s.y0 + s.y1) / 2 for s in horizontals] + [top, bottom], tolerance)
    xs = _cluster([(s.x0 + s.x1) / 2 for s in verticals] + [x0, x1], tolerance)
    if len(ys) < 2 or len(xs) < 2:
        return None
    h_cover = _coverage(horizontals, ys, tolerance, horizontal=True)
    v_cover = _coverage(verticals, xs, tolerance, horizontal=False)
    # The outline closes the grid even where the page cut the table off or a rule is missing.
    h_cover[0].append((x0, x1))
    h_cover[len(ys) - 1].append((x0, x1))
    v_cover[0].append((top, bottom))
    v_cover[len(xs) - 1].append((top, bottom))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    sets = DisjointSets(n_rows * n_cols)

    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols and not _ruled(v_cover[c + 1], ys[r], ys[r + 1]):
                sets.union(here, here + 1)
            if r + 1 < n_rows and not _ruled(h_cover[r + 1], xs[c], xs[c + 1]):
                sets.union(here, here + n_cols)
    slots: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            slots.setdefault(sets.find(r * n_cols + c), []).append((r, c))
    cells = []
    for members in slots.values():
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members)
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members)
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]), page))
    cells.sort(key=lambda c: (c.row, c.col))
    return Fragment(page=page, bbox=(x0, top, x1, bottom), xs=xs, ys=ys, cells=cells)


def _coverage(segments: list[Segment], positions: list[float], tolerance: float, horizontal: bool) -> list[list[tuple[float, float]]]:
    cover: list[list[tuple[float, float]]] = [[] for _ in positions]
    for seg in segments:
        at = (seg.y0 + seg.y1) / 2 if horizontal else (seg.x0 + seg.x1) / 2
        lo, hi = (min(seg.x0, seg.x1), max(seg.x0, seg.x1)) if horizontal else (min(seg.y0, seg.y1), max(seg.y0, seg.y1))
        for i, pos in enumerate(positions):
            if abs(pos - at) <= tolerance:
                cover[i].append((lo, hi))
                break
    return cover


def _ruled(intervals: list[tuple[float, float]], lo: float, hi: float) -> bool:
    span = hi - lo
    if span <= 0:
        return True
    covered = 0.0
    cursor = lo
    for a, b in sorted(intervals):
        a, b = max(a, cursor), min(b, hi)
        if b > a:
            covered += b - a
            cursor = b
    return covered >= COVERAGE * span


SPILL = 0.25  # share of a word's width beyond its cell's side from which it runs into the next cell


def assign_words(fragments: list[Fragment], words: list[Word]) -> None:
    """Put each word into the cell that holds its centre. A word a quarter of whose width lies
    beyond a side of its cell marks the cell ``spills``: on a scan, a rule lost under a seal and
    rebuilt from the rows around it can cut through the text of a merged region (本年废止数量
    现行有效数量 read as one word), which then stands in one cell for two."""
    for word in words:
        for fragment in fragments:
            fx0, ftop, fx1, fbottom = fragment.bbox
            if not (fx0 <= word.cx <= fx1 and ftop <= word.cy <= fbottom):
                continue
            for cell in fragment.cells:
                x0, top, x1, bottom = cell.bbox
                if x0 <= word.cx <= x1 and top <= word.cy <= bottom:
                    cell.words.append(word)
                    beyond = max(x0 - word.x0, word.x1 - x1, 0.0)
                    cell.spills = cell.spills or beyond > SPILL * (word.x1 - word.x0)
                    break
            break
