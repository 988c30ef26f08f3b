"""A small page-flow engine on top of reportlab: paragraphs and ruled grid tables.

It lays text out the way a Word/WPS export does: A4 pages, CJK text wrapped
character by character, tables with merged cells drawn as real PDF lines or thin
rectangles, text in a real text layer.  Coordinates inside this module are
top-based (y grows downwards) and converted when drawing.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

_SITE = Path(__import__("reportlab").__file__).resolve().parent.parent
FONT_FILES = {
    "SimSun": _SITE / "mksci_font" / "data" / "SimSun.ttf",
    "YaHei": _SITE / "font_msyh" / "files" / "msyh.ttf",
}
CID_FONTS = {"STSong": "STSong-Light"}


@functools.lru_cache(maxsize=None)
def font_name(font: str) -> str:
    """Register `font` (SimSun, YaHei: embedded TrueType subsets; STSong: built-in CID font) once."""
    if font in CID_FONTS:
        name = CID_FONTS[font]
        pdfmetrics.registerFont(UnicodeCIDFont(name))
        return name
    pdfmetrics.registerFont(TTFont(font, str(FONT_FILES[font])))
    return font


@functools.lru_cache(maxsize=None)
def _glyph_set(font: str) -> frozenset[int] | None:
    if font in CID_FONTS:
        return None
    from fontTools.ttLib import TTFont as FT

    return frozenset(FT(str(FONT_FILES[font]), lazy=True).getBestCmap())


def has_glyphs(font: str, text: str) -> bool:
    glyphs = _glyph_set(font)
    return glyphs is None or all(ord(ch) in glyphs for ch in text if not ch.isspace())


def text_width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font_name(font), size)


NO_LINE_START = set("，。、）》”’；：！？,.;:)!?」』")


def _is_word_char(ch: str) -> bool:
    """Characters that stay together when wrapping (ASCII letters, digits, number punctuation)."""
    return ch.isascii() and (ch.isalnum() or ch in ".,%-/:") or ch in "０１２３４５６７８９，．"


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for ch in text:
        if out and _is_word_char(ch) and _is_word_char(out[-1][-1]):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Wrap text to `width`; '\\n' forces a break; CJK breaks anywhere, number runs stay whole
    unless they do not fit on a line of their own."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for tok in _tokens(para):
            if text_width(line + tok, font, size) <= width or not line:
                if text_width(tok, font, size) > width and not line:
                    # a token wider than the cell: break it by character
                    for ch in tok:
                        if line and text_width(line + ch, font, size) > width:
                            lines.append(line)
                            line = ""
                        line += ch
                else:
                    line += tok
            elif tok in NO_LINE_START and len(line) > 1:
                # kinsoku: closing punctuation may not start a line, and a cell has no margin to
                # hang it in: the last character goes down with it, as Word does
                lines.append(line[:-1])
                line = line[-1] + tok
            else:
                lines.append(line)
                line = tok.lstrip(" ") if tok != " " else ""
        lines.append(line)
    return lines


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    align: str = "center"  # left | center | right
    size: float | None = None  # font size override
    nowrap: bool = False  # a value: shrink the font rather than wrap it


@dataclass
class Grid:
    """A table: column widths (points), a row count, and cells placed on the grid."""

    col_widths: list[float]
    n_rows: int
    cells: list[Cell]
    header_rows: int = 0  # rows repeated after a page break when repeat_header is set
    repeat_header: bool = False
    break_before: int | None = None  # force a page break before this row (if still on the page)
    min_row_height: float = 0.0
    keep_together: bool = False  # start on a new page rather than split (if it fits on one)


@dataclass
class Style:
    font: str = "SimSun"
    size: float = 10.5  # body text
    table_size: float = 10.5
    leading: float = 1.5  # line height / font size for prose
    table_leading: float = 1.25
    margins: tuple[float, float, float, float] = (72.0, 72.0, 90.0, 90.0)  # top, bottom, left, right
    ruling: str = "full"  # full | horizontal | three_line | none
    rule_style: str = "line"  # line (stroked paths) | rect (thin filled rectangles)
    rule_width: float = 0.5
    cell_pad: float = 4.0
    page_numbers: str | None = "dash"  # dash ("- 1 -") | plain | None
    heading_font: str | None = None


@dataclass
class _Placed:
    cell: Cell
    lines: list[str]
    size: float


class Flow:
    """Top-to-bottom page flow writing into one PDF file."""

    def __init__(self, path: Path, style: Style, title: str = "", author: str = ""):
        self.style = style
        self.canvas = Canvas(str(path), pagesize=A4, pageCompression=1, invariant=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("Microsoft® Word 2016")
        self.page_w, self.page_h = A4
        top, bottom, left, right = style.margins
        self.x0, self.x1 = left, self.page_w - right
        self.y_top, self.y_bottom = top, self.page_h - bottom
        self.y = self.y_top
        self.page_no = 1
        self.table_breaks: list[list[int]] = []  # per table drawn: rows that start a new page

    # ----- pages -------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def _footer(self) -> None:
        mode = self.style.page_numbers
        if not mode:
            return
        text = f"- {self.page_no} -" if mode == "dash" else str(self.page_no)
        self._text(text, self.page_w / 2 - text_width(text, self.style.font, 9) / 2,
                   self.page_h - self.style.margins[1] / 2, self.style.font, 9)

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page_no += 1
        self.y = self.y_top

    def space(self, pts: float) -> None:
        self.y = min(self.y + pts, self.y_bottom)

    def finish(self) -> None:
        self._footer()
        self.canvas.save()

    # ----- drawing primitives ---------------------------------------------------
    def _text(self, text: str, x: float, baseline_top: float, font: str, size: float) -> None:
        self.canvas.setFont(font_name(font), size)
        self.canvas.drawString(x, self.page_h - baseline_top, text)

    def _hline(self, x0: float, x1: float, y: float, width: float) -> None:
        self._rule(x0, y, x1, y, width)

    def _vline(self, x: float, y0: float, y1: float, width: float) -> None:
        self._rule(x, y0, x, y1, width)

    def _rule(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None:
        c = self.canvas
        if self.style.rule_style == "rect":
            c.setFillGray(0)
            if y0 == y1:
                c.rect(x0 - width / 2, self.page_h - y0 - width / 2, x1 - x0 + width, width, stroke=0, fill=1)
            else:
                c.rect(x0 - width / 2, self.page_h - y1 - width / 2, width, y1 - y0 + width, stroke=0, fill=1)
        else:
            c.setLineWidth(width)
            c.line(x0, self.page_h - y0, x1, self.page_h - y1)

    # ----- paragraphs -------------------------------------------------------------
    def paragraph(self, text: str, size: float | None = None, align: str = "left", indent: float = 2,
                  font: str | None = None, space_before: float = 0, space_after: float = 0,
                  leading: float | None = None) -> None:
        """A paragraph; `indent` is the first-line indent in characters."""
        font = font or self.style.font
        size = size or self.style.size
        lh = size * (leading or self.style.leading)
        self.space(space_before)
        first_indent = indent * size
        lines = wrap(text, self.width - first_indent, font, size)
        if len(lines) > 1:  # re-wrap the rest at full width
            rest = wrap(text[len(lines[0]):].lstrip("\n"), self.width, font, size)
            lines = [lines[0]] + rest
        for i, line in enumerate(lines):
            if self.y + lh > self.y_bottom:
                self.new_page()
            x = self.x0 + (first_indent if i == 0 else 0)
            w = text_width(line, font, size)
            if align == "center":
                x = self.x0 + (self.width - w) / 2
            elif align == "right":
                x = self.x1 - w
            self._text(line, x, self.y + (lh + size) / 2 - size * 0.12, font, size)
            self.y += lh
        self.y += space_after

    # ----- tables -----------------------------------------------------------------------
    def table(self, grid: Grid, space_after: float = 8) -> None:
        st = self.style
        scale = self.width / sum(grid.col_widths) if sum(grid.col_widths) > self.width else 1.0
        widths = [w * scale for w in grid.col_widths]
        table_w = sum(widths)
        left = self.x0 + (self.width - table_w) / 2
        xs = [left]
        for w in widths:
            xs.append(xs[-1] + w)
        placed = self._place_cells(grid, xs)
        heights = self._row_heights(grid, placed)

        if grid.keep_together and sum(heights) > self.y_bottom - self.y \
                and sum(heights) <= self.y_bottom - self.y_top and self.y > self.y_top + 1:
            self.new_page()
        breaks: list[int] = []
        row = 0
        while row < grid.n_rows:
            start = row
            repeat = start > 0 and grid.repeat_header and grid.header_rows and start >= grid.header_rows
            # A repeated header takes its share of the page: the rows below it must still fit.
            avail = self.y_bottom - self.y - (sum(heights[:grid.header_rows]) if repeat else 0.0)
            used = 0.0
            end = row
            while end < grid.n_rows and used + heights[end] <= avail + 0.01:
                if grid.break_before is not None and end == grid.break_before and end > start:
                    break
                used += heights[end]
                end += 1
            if start == 0 and end <= grid.header_rows:
                end = 0  # never leave the header alone at a page bottom
            if end == start:
                if self.y > self.y_top + 1:  # nothing fits: next page
                    self.new_page()
                    continue
                end = start + 1  # a row taller than a page: draw it anyway
                used = heights[start]
            ranges = [(start, end)]
            if repeat:
                ranges.insert(0, (0, grid.header_rows))
            self._draw_slice(grid, placed, xs, heights, ranges)
            row = end
            if row < grid.n_rows:
                breaks.append(row)
                self.new_page()
                if grid.break_before == row:
                    grid = _without_break(grid)
        self.y += space_after
        self.table_breaks.append(breaks)

    def _place_cells(self, grid: Grid, xs: list[float]) -> list[_Placed]:
        st = self.style
        out = []
        for c in grid.cells:
            size = c.size or st.table_size
            inner = xs[c.col + c.colspan] - xs[c.col] - 2 * st.cell_pad
            if c.nowrap and c.text and text_width(c.text, st.font, size) > inner:
                size = max(4.0, size * inner / text_width(c.text, st.font, size))
            out.append(_Placed(c, wrap(c.text, max(inner, size), st.font, size) if c.text else [], size))
        return out

    def _row_heights(self, grid: Grid, placed: list[_Placed]) -> list[float]:
        st = self.style
        base = max(grid.min_row_height, st.table_size * st.table_leading + 2 * st.cell_pad)
        heights = [base] * grid.n_rows
        for p in sorted(placed, key=lambda p: p.cell.rowspan):
            need = len(p.lines) * p.size * st.table_leading + 2 * st.cell_pad
            rows = range(p.cell.row, p.cell.row + p.cell.rowspan)
            have = sum(heights[r] for r in rows)
            if need > have:
                extra = (need - have) / p.cell.rowspan
                for r in rows:
                    heights[r] += extra
        return heights

    def _draw_slice(self, grid: Grid, placed: list[_Placed], xs: list[float], heights: list[float],
                    ranges: list[tuple[int, int]]) -> None:
        """Draw the rows of `ranges` (header rows, then body rows) starting at self.y."""
        ys: dict[int, float] = {}
        y = self.y
        order: list[int] = []
        for a, b in ranges:
            order.extend(range(a, b))
        for r in order:
            ys[r] = y
            y += heights[r]
        shown = set(order)
        segments: list[tuple] = []
        for p in placed:
            c = p.cell
            rows = [r for r in range(c.row, c.row + c.rowspan) if r in shown]
            if not rows:
                continue
            top = ys[rows[0]]
            bottom = ys[rows[-1]] + heights[rows[-1]]
            x0, x1 = xs[c.col], xs[c.col + c.colspan]
            segments += [("h", x0, x1, top), ("h", x0, x1, bottom), ("v", x0, top, bottom), ("v", x1, top, bottom)]
            self._cell_text(p, rows, x0, x1, top, bottom, heights)
        self._draw_rules(segments, ranges, ys, heights, xs, grid)
        self.y = y

    def _cell_text(self, p: _Placed, rows: list[int], x0: float, x1: float, top: float, bottom: float,
                   heights: list[float]) -> None:
        """Draw the lines of a cell; a merged cell split by a page break continues on the next page."""
        st = self.style
        c = p.cell
        lh = p.size * st.table_leading
        lines = p.lines
        if len(rows) < c.rowspan:  # split merged cell: lines flow across the fragments
            all_rows = list(range(c.row, c.row + c.rowspan))
            frag_h = bottom - top
            total_h = sum(heights[r] for r in all_rows)
            before = sum(heights[r] for r in all_rows if r < rows[0])
            n = len(lines)
            first = int(round(n * before / total_h))
            last = int(round(n * (before + frag_h) / total_h))
            lines = lines[first:last]
        block = len(lines) * lh
        y = top + max((bottom - top - block) / 2, st.cell_pad)
        for line in lines:
            w = text_width(line, st.font, p.size)
            if c.align == "left":
                x = x0 + st.cell_pad
            elif c.align == "right":
                x = x1 - st.cell_pad - w
            else:
                x = (x0 + x1 - w) / 2
            self._text(line, x, y + (lh + p.size) / 2 - p.size * 0.12, st.font, p.size)
            y += lh

    def _draw_rules(self, segments, ranges, ys, heights, xs, grid: Grid) -> None:
        st = self.style
        if st.ruling == "none":
            return
        w = st.rule_width
        top = ys[ranges[0][0]]
        last = ranges[-1][1] - 1
        bottom = ys[last] + heights[last]
        if st.ruling == "three_line":
            self._hline(xs[0], xs[-1], top, w * 2.5)
            self._hline(xs[0], xs[-1], bottom, w * 2.5)
            if ranges[0][0] == 0 and grid.header_rows:
                hr = grid.header_rows - 1
                if hr in ys:
                    self._hline(xs[0], xs[-1], ys[hr] + heights[hr], w)
            return
        seen = set()
        for seg in segments:
            key = tuple(round(v, 2) for v in seg[1:]) + (seg[0],)
            if key in seen:
                continue
            seen.add(key)
            if seg[0] == "h":
                self._hline(seg[1], seg[2], seg[3], w)
            elif st.ruling == "full":
                self._vline(seg[1], seg[2], seg[3], w)


def _without_break(grid: Grid) -> Grid:
    from dataclasses import replace

    return replace(grid, break_before=None)
