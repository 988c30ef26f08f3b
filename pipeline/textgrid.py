"""Tables printed without (full) ruling: a grid inferred from word positions and the rules there are.

What real unruled tables look like (HTML printed to PDF, WPS/Word exports with the borders off,
horizontal-only tables, 三线表) and how each part of the grid is inferred:

- extent: between the first and the last horizontal rule when the table has any; otherwise the
  text between the section headings without the prose paragraphs, notes (注：…) and page numbers
  around it;
- header: lines without values whose words stand over the value columns (several column names,
  or a column name beside the label column's header), with the title lines above them (申请人情况,
  行政复议 / 行政诉讼) and the label-column notes beside them. Words stacked in one column (商业 /
  企业, one character per line) are one header cell; a cell with another below it is a title, and
  titles are spread over the leaf columns so that each title is centred over its span (a centred
  title over 5 of 15 columns). Each header starts its own column set: blocks of table 二 with 3, 1
  or 2 value columns in one section each get their own columns;
- columns: the leaf header cells (split where two columns' words ran together: two clusters of
  values under one header cell), or the clusters of value words where a page has no header (a
  table continued from the page before keeps the columns found there);
- label columns: left of the values, the x positions where few label words cross and words stand on
  both sides (the vertical 三、本年度办理结果 one character per line, group labels （三）不予公开 beside
  their sub-rows); words left of the innermost label column are parent labels spanning the rows
  they stand beside;
- rows: the own labels and values, top to bottom; a line closer to the one above than a row gap is
  the same row (a wrapped label, values centred beside a two-line label), and rules always separate
  rows; a line without values is its own row (blank-for-zero rows, group titles);
- words that ran together across cells (no rule splits them in the reader, and the gap between
  two cells' text can be smaller than a word break): a vertical character with the label beside
  it, two column names, a label with the value beside it. A word with gaps inside it (wider than
  its characters set solid) is cut at the label-column bounds, at the gaps between value columns,
  or into equal parts at the column pitch; a label ending in a number is cut where the other rows'
  values stand;
- evidence: a value cell is marked `inferred` (placed from word positions: the extractor flags
  it) unless its row is one clean text line with its own label, every value word sits wholly
  inside one column with no other value in that column, and the columns came straight from the
  header (not split by the heuristics above, not guessed from values alone). Blank cells of such
  a row, and clean one-line rows with nothing printed (blank for zero), count as placed
  (BLANKS_OK, BLANK_ROWS_OK).
"""
from __future__ import annotations

import bisect
import re
import statistics
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Callable

from pipeline.document import Boxed, Page, Word, split_words
from pipeline.disjoint import DisjointSets
from pipeline.grid import Fragment, GridCell, cluster_runs
from pipeline.labels import is_item_line
from pipeline.lines import group_lines, join_pieces
from pipeline.text import normalize, solid_width, strip_enumerator
from pipeline.values import parse_value

MIN_VALUE_WORDS = 4  # a region with fewer values and no header is not a table
MAX_PITCHES = 3.5  # column pitches between the nearest value columns a run-together header is cut at (_split_even)
WRAP_GAP = 0.45  # line heights: lines of one cell are closer than this, rows are further apart
STACK_GAP = 0.8  # line heights: lines of one header or parent-label cell
TITLE_REACH = 0.1  # a word over two words below, reaching this share of the narrower, is a title over both
RULE_MIN_LENGTH = 10.0
# Evidence for an `ok` cell (see _build): a blank cell beside values placed cleanly in their
# columns, and a clean one-line row with nothing printed at all (blank for zero).
BLANKS_OK = True
BLANK_ROWS_OK = True
RULE_TOLERANCE = 2.0
PROSE_SPAN = 0.8  # share of the rules' width from which a line without values is prose
_PAGE_NUMBER = re.compile(r"^[-—–－_\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d+)?[-—–－_\s]*$")
_NOTE = re.compile(r"^(?:注|说明|备注|附注)\d*[:：.、]")
_NUMERALS = "一二三四五六七八九十"
_ITEM = re.compile(r"第二十条|^第[(（][一二三四五六七八九十]+[)）]项")  # table 二's item lines (see _is_item)
_UNITS = {"元", "万元", "件", "项", "个", "次", "条", "%"}
_DASHES = set("-—–－/／\\")
_DIGIT_LOOKALIKES = set("IlO|o")  # letters a recogniser reads for 1 and 0
UNSURE_MARK = 0.5  # a one-character reading below this score, narrower than a character, may be a misread mark
_DIGITS = re.compile(r"[0-9][0-9,]*")  # a number's digits alone, as a wrapped number's lines are
WRAP_PITCH = 1.4  # word heights: the most between the tops of a wrapped number's two lines


@dataclass
class TextTable:
    """What one section's unruled table keeps from page to page (a table continued without header)."""

    value_left: float | None = None
    label_bounds: list[float] = field(default_factory=list)
    columns: list[tuple[float, float]] = field(default_factory=list)
    columns_sure: bool = False


@dataclass
class _Band:
    """One body row: the words that define it and its vertical extent."""

    words: list[Word] = field(default_factory=list)
    parents: list["_Block"] = field(default_factory=list)
    columns: list[tuple[float, float]] = field(default_factory=list)
    columns_sure: bool = False
    empty: bool = False  # a row with nothing printed (only a header above it)
    top: float = 0.0
    bottom: float = 0.0

    def extend(self, word: Word) -> None:
        if not self.words:
            self.top, self.bottom = word.top, word.bottom
        self.words.append(word)
        self.top, self.bottom = min(self.top, word.top), max(self.bottom, word.bottom)


@dataclass
class _Block(Boxed):
    """Words stacked in one column over one or more lines: a header cell or a parent label."""

    words: list[Word]

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    def n_lines(self) -> int:
        return len(group_lines(self.words))


@dataclass
class _Header:
    lines: list[list[Word]]
    label_words: list[Word]  # the label column's header (信息内容, the s3 note, 类别)
    leaves: list[_Block]
    titles: list[list[tuple[_Block, int, int]]]  # per tier: (title, first leaf, last leaf)
    columns: list[tuple[float, float]]
    sure: bool

    @property
    def top(self) -> float:
        return min(w.top for line in self.lines for w in line)

    @property
    def bottom(self) -> float:
        return max(w.bottom for line in self.lines for w in line)


def _is_item(text: str) -> bool:
    """An item line of table 二, also as a scan misreads it (第二 | 二十条第九项: a faint 二 read
    in both words of a line cut at it; the line had become column names)."""
    return bool(_ITEM.search(text)) or is_item_line(text)


def _is_value(word: Word) -> bool:
    text = word.text.strip()
    if not text or len(text) > 16:
        return False
    if parse_value(text).value is None:
        return _misread_number(word)
    return any(ch.isdigit() for ch in text) or set(text) <= _DASHES or text in ("无", "〇", "空")


def _misread_number(word: Word) -> bool:
    """A scan's number read with letters for digits (1 as I, 00 as OO) whose recogniser's own
    next reading is a number, or a mark narrower than a character read unsure (a faint - read
    二 at 0.08, then = and -) whose next readings include a dash: it stands where a value
    stands. Taken for label text, the I of a column's first row moved the end of the
    labels past that column, and the column was lost (its cell keeps the reading and is
    flagged)."""
    text = word.text.strip()
    if len(text) > 4:
        return False
    if set(text) & _DIGIT_LOOKALIKES and set(text) <= _DIGIT_LOOKALIKES | set("0123456789"):
        return any(parse_value(alt).value is not None and any(ch.isdigit() for ch in alt) for alt, _ in word.alternatives)
    unsure_mark = (len(text) == 1 and word.confidence < UNSURE_MARK
                   and word.x1 - word.x0 <= 0.6 * (word.bottom - word.top))
    # Dashes only: a speck beside a vertical label read 。 at 0.19, then 9, is no value.
    return unsure_mark and any(alt.strip() and set(alt.strip()) <= _DASHES for alt, _ in word.alternatives)


def _line_values(line: list[Word], h: float) -> list[Word]:
    """The value words of a line; a number directly followed by label text starts that label."""
    values = []
    for i, word in enumerate(line):
        if not _is_value(word):
            continue
        nxt = line[i + 1] if i + 1 < len(line) else None
        if nxt is not None and not _is_value(nxt) and normalize(nxt.text) not in _UNITS and nxt.x0 - word.x1 < 1.5 * h:
            continue
        values.append(word)
    return values


def _piece_of_another(word: Word, words: list[Word]) -> bool:
    """Whether ``word`` is a one-character value (a mark) lying half inside the box of a word of
    text or more: a piece of it read on its own. The top stroke of 量, a wrapped column name's
    last character, read as — beside it, made the column names a row with a value, and table
    二 was lost."""
    if len(word.text.strip()) > 1 or not _is_value(word):
        return False
    area = 0.5 * (word.x1 - word.x0) * (word.bottom - word.top)
    for other in words:
        w = min(word.x1, other.x1) - max(word.x0, other.x0)
        t = min(word.bottom, other.bottom) - max(word.top, other.top)
        if other is not word and w > 0 and t > 0 and w * t >= area and not _is_value(other):
            return True
    return False


def _in_vertical_label(word: Word, words: list[Word], h: float) -> bool:
    """Whether a short value word stands between single characters set one above the other (a
    vertical label, 三、本年度办理结果): the 、 read as 1 on a scan. Taken for a value, it had
    made a column of its own in a table printed blank for zero, and the table fell apart. Or
    whether it stands at the end of such a stack among the end characters of others beside it
    (the column names of table 三 set vertically, their 总 read as 8: a value in the header, and
    the table was lost)."""
    if len(word.text.strip()) > 1 or not word.text.strip().isdigit():
        return False

    def single(w: Word) -> bool:
        return len(w.text.strip()) == 1 and unicodedata.category(w.text.strip()) == "Lo" and not _is_value(w)

    def stacked(w: Word, above: bool) -> bool:
        gap = word.top - w.bottom if above else w.top - word.bottom
        # Where it stands first: the text tests, for every word of the page, cost more.
        return -0.2 * h <= gap <= 0.8 * h and min(w.x1, word.x1) > max(w.x0, word.x0) and single(w)

    above, below = any(stacked(w, True) for w in words), any(stacked(w, False) for w in words)
    if above and below:
        return True
    if not (above or below):
        return False
    beside = sum(1 for w in words if w is not word and abs((w.top + w.bottom) - (word.top + word.bottom)) <= h and single(w))
    return beside >= 2


def _rule_rows(page: Page, top: float, bottom: float) -> list[tuple[float, float, float]]:
    """Horizontal rules between two heights, one (y, x0, x1) per height."""
    found: list[list[float]] = []
    for seg in sorted((s for s in page.segments if s.horizontal), key=lambda s: (s.y0 + s.y1) / 2):
        y = (seg.y0 + seg.y1) / 2
        x0, x1 = min(seg.x0, seg.x1), max(seg.x0, seg.x1)
        if not top - 1 <= y <= bottom + 1 or x1 - x0 < RULE_MIN_LENGTH:
            continue
        if found and y - found[-1][0] <= RULE_TOLERANCE:
            found[-1][1] = min(found[-1][1], x0)
            found[-1][2] = max(found[-1][2], x1)
        else:
            found.append([y, x0, x1])
    if not found:
        return []
    widest = max(r[2] - r[1] for r in found)
    return [(r[0], r[1], r[2]) for r in found if r[2] - r[1] >= 0.5 * widest]


def _ruled_bottom(words: list[Word], rules: list[tuple[float, float, float]], h: float) -> float:
    """The lowest height of a table with horizontal rules: its last rule, or below it the last
    line with values in the rules' span. A 三线表 continued on the next page has only its top
    rule and the rule under its repeated header there; its rows run on below them. Prose (a
    line as wide as the rules, without values) ends the rows."""
    low = rules[-1][0] + 0.5 * h
    x0, x1 = min(r[1] for r in rules), max(r[2] for r in rules)
    for line in group_lines([w for w in words if w.cy > low]):
        if sum(1 for w in line if _is_value(w) and x0 <= w.cx <= x1) >= 2:
            low = max(w.bottom for w in line) + h  # the second line of a wrapped label with it
        elif max(w.x1 for w in line) - min(w.x0 for w in line) >= PROSE_SPAN * (x1 - x0):
            break
    return low


def _line_text(line: list[Word]) -> str:
    return normalize("".join(w.text for w in line))


def _trim(lines: list[list[Word]], page: Page, h: float, ruled: bool) -> list[list[Word]]:
    """Drop what surrounds the table: the page number, notes below it, prose paragraphs above and below."""
    lines = list(lines)
    if lines:
        last = lines[-1]
        above = lines[-2] if len(lines) > 1 else None
        centre = (min(w.x0 for w in last) + max(w.x1 for w in last)) / 2
        if (
            _PAGE_NUMBER.match("".join(w.text for w in last))
            and abs(centre - page.width / 2) < 0.06 * page.width
            and (above is None or min(w.top for w in last) - max(w.bottom for w in above) > 1.5 * h)
        ):
            lines.pop()
    for i, line in enumerate(lines):
        if _NOTE.match(_line_text(line)):
            lines = lines[:i]
            break
    if ruled or not lines:
        return lines
    xs0 = [w.x0 for w in page.words]
    xs1 = [w.x1 for w in page.words]
    width = max(max(xs1) - min(xs0), 0.65 * page.width)

    def prose(line: list[Word]) -> bool:
        # One run of text across the page: no value in it, no gap in it. A scan's reader read
        # only the start of such a line (clipped): its word is short, but its line is not.
        if any(w.clipped for w in line):
            return True
        text = _line_text(line)
        if len(text) < 12 or any(_is_value(w) for w in line):
            return False
        if any(b.x0 - a.x1 > 2 * h for a, b in zip(line, line[1:])):
            return False
        return max(w.x1 for w in line) - min(w.x0 for w in line) >= 0.8 * width

    def paragraph_end(line: list[Word]) -> bool:
        return len(line) == 1 and _line_text(line)[-1:] in ("。", ";", "；", "：", ":")

    start = 0
    while start < len(lines) and prose(lines[start]):
        start += 1
        while start < len(lines) and prose(lines[start]):
            start += 1
        if start < len(lines) and paragraph_end(lines[start]):
            start += 1
    end = len(lines)
    while end > start and (prose(lines[end - 1]) or (paragraph_end(lines[end - 1]) and end - 2 >= start and prose(lines[end - 2]))):
        end -= 1
    return lines[start:end]


def _stack(words: list[Word], h: float, overlap: float = 0.3, gap: float = STACK_GAP, exclusive: bool = False) -> list[_Block]:
    """Words that overlap horizontally and follow each other closely: one cell's text.

    `exclusive`: only a word with no other word beside it above or below joins (a title over
    several column names stays apart from them: 复议后起诉 over five names of two characters
    reaches a fifth of the way over the names beside the one under its middle)."""
    words = sorted(words, key=lambda w: (w.top, w.x0))
    sets = DisjointSets(len(words))

    def shares(a: Word, b: Word, least: float = overlap) -> bool:
        return min(a.x1, b.x1) - max(a.x0, b.x0) >= least * min(a.x1 - a.x0, b.x1 - b.x0)

    def near(a: Word, b: Word) -> bool:
        return a is not b and -0.5 * h < b.top - a.bottom <= gap * h and shares(a, b, TITLE_REACH)

    for i, a in enumerate(words):
        for j in range(i + 1, len(words)):
            b = words[j]
            if b.top - a.bottom > gap * h:
                break
            if b.top - a.bottom < -0.5 * h and b.top < a.top + 0.5 * h:
                # beside each other on one line: one cell only when they overlap
                if shares(a, b) and not exclusive:
                    sets.union(i, j)
                continue
            if not shares(a, b):
                continue
            if exclusive and (sum(near(a, c) for c in words) > 1 or sum(near(c, b) for c in words) > 1):
                continue
            sets.union(i, j)
    groups: dict[int, list[Word]] = {}
    for i, word in enumerate(words):
        groups.setdefault(sets.find(i), []).append(word)
    return sorted((_Block(g) for g in groups.values()), key=lambda b: (b.top, b.x0))


def _excess(word: Word, h: float) -> float:
    """How much wider a word is than its characters set solid: the gaps inside it."""
    return (word.x1 - word.x0) - h * solid_width(word.text)


def _split_merged(words: list[Word], cuts: list[float], h: float, height: float | None = None) -> list[Word]:
    """Words that ran together across cells (no rule between them, a gap smaller than a word
    break) cut at the given cell boundaries: only words with gaps inside them, the gaps put at
    the cuts."""
    out: list[Word] = []
    for word in words:
        inside = [c for c in cuts if word.x0 + 0.4 * h < c < word.x1 - 0.4 * h]
        excess = _excess(word, h)
        if not inside or excess < 0.25 * h or len(word.text) < 2:
            out.append(word)
            continue
        gap = excess / len(inside)
        widths = [h * solid_width(ch) for ch in word.text]
        pieces: list[Word] = []
        start, x = 0, word.x0
        for cut in inside:
            end, right = start, x
            while end < len(widths) and right + widths[end] <= cut + 0.3 * h:
                right += widths[end]
                end += 1
            if end > start:
                pieces.append(Word(word.text[start:end], x, word.top, right, word.bottom, word.confidence))
            start, x = end, right + gap
        if start < len(word.text):
            pieces.append(Word(word.text[start:], x, word.top, word.x1, word.bottom, word.confidence))
        if height is not None and word.bottom - word.top > 1.15 * height:
            # Characters of two lines ran together too: each piece gets one line's height.
            pieces = [Word(p.text, p.x0, p.top, p.x1, p.top + height, p.confidence) for p in pieces]
        out.extend(pieces or [word])
    return out


def _split_even(word: Word, steps: list[float], em: float, centres: list[float]) -> list[Word]:
    """A header word that ran together over several equal columns with no value below to cut it
    at (结果结果其他尚未 over four columns): cut into equal parts at a column pitch that the
    distances between value columns (`steps`) are whole multiples of. Into single characters
    only where as many value columns (`centres`) stand under it: 组织机构 over two columns, cut
    at a guessed pitch into four characters, made the table eleven columns."""
    n = len(word.text)
    under = sum(word.x0 <= c <= word.x1 for c in centres)
    excess = _excess(word, em)
    if n < 2 or excess < 0.25 * em:
        return [word]

    def misfit(step: float) -> float:
        # The nearest value columns are a few pitches apart at most: against one distance of
        # 315 px, any pitch near a seventh of it fits (采购项目数量 on a scan, its box a tenth
        # wider than its characters, was cut in three).
        if not all(s / step >= 0.8 for s in steps) or min(steps) / step > MAX_PITCHES:
            return 1.0
        return max(abs(s / step - round(s / step)) for s in steps)
    best = None
    for k in range(2, n + 1):
        if n % k or (n == k and under < k):  # single characters only over as many value columns
            continue
        step = (word.x1 - word.x0 + excess / (k - 1)) / k
        if excess / (k - 1) < 0.3 * em or excess < 0.1 * (word.x1 - word.x0 - excess):
            continue  # gaps this small are the noise of the width estimate, not cell borders
        if misfit(step) <= 0.15 and (best is None or misfit(step) < misfit(best[1])):
            best = (k, step)
    if best is None:
        return [word]
    k, step = best
    size = n // k
    width = (word.x1 - word.x0 - excess) / k
    return [
        Word(word.text[i * size : (i + 1) * size], word.x0 + i * step, word.top, word.x0 + i * step + width, word.bottom, word.confidence)
        for i in range(k)
    ]


_TRAILING_NUMBER = re.compile(r"^(.*[^\d０-９,，.．])([\d０-９][\d０-９,，.．]{0,11})$")


def _split_trailing_values(lines: list[list[Word]], values: list[Word], em: float) -> list[list[Word]]:
    """A label that fills its cell runs together with the value beside it ((二)部分公开…情形）０): the
    number at its end is cut off where the values of the other rows stand."""
    out = []
    for line in lines:
        new_line = []
        for word in line:
            match = _TRAILING_NUMBER.match(word.text)
            if match and not _is_value(word):
                prefix, number = match.groups()
                width = em * solid_width(number)
                x0 = word.x1 - width
                if any(v.x0 - 0.3 * em <= x0 and word.x1 <= v.x1 + 0.3 * em for v in values):
                    new_line.append(Word(prefix, word.x0, word.top, x0 - 0.01, word.bottom, word.confidence))
                    new_line.append(Word(number, x0, word.top, word.x1, word.bottom, word.confidence))
                    continue
            new_line.append(word)
        out.append(new_line)
    return out


def _em(words: list[Word], h: float) -> float:
    """The width of one full-width character in the table's font (most words are set solid)."""
    widths = [
        (w.x1 - w.x0) / len(w.text) for w in words if len(w.text) >= 2 and solid_width(w.text) == len(w.text)
    ]
    if len(widths) < 3:
        return h
    widths.sort()
    return widths[len(widths) // 4]  # words that ran together are wider, never narrower


def _value_cuts(values: list[Word], h: float) -> list[float]:
    """Boundaries between the clusters of value words (where one value column ends and the next begins)."""
    groups: list[list[Word]] = []
    for word in sorted(values, key=lambda w: w.cx):
        if groups and word.cx - groups[-1][-1].cx <= 1.2 * h:
            groups[-1].append(word)
        else:
            groups.append([word])
    cuts = []
    for a, b in zip(groups, groups[1:]):
        right, left = max(w.x1 for w in a), min(w.x0 for w in b)
        cuts.append((right + left) / 2 if right < left else (statistics.mean(w.cx for w in a) + statistics.mean(w.cx for w in b)) / 2)
    return cuts



def _label_bounds(words: list[Word], h: float, own: set[int]) -> list[float]:
    """Boundaries between label columns: few words cross them, words stand on both sides, most
    of those left of it hold words and not only enumerators, and no row with values has its
    own label (ids ``own``: the last label word of each line with values) left of one unless
    another has it right of it. Group labels centred on lines of their own ((三)不予公开 right
    of the items below it) line up like a column, but a bound at their left edge cut the long
    labels of the rows with values (一、本年新收…申请数 | 量). Rows blank for zero have no values:
    their labels right of a bound keep it. The brackets of （一） read apart from a faint 一 (C,
    ( and -) on a hard scan) and enumerators read apart (6.) line up like a column too: taken for
    one, it cut the label column, and table 三 lost its value columns from the row after."""
    if len(words) < 6:
        return []
    found: list[tuple[float, int]] = []
    for edge in sorted({round(w.x1, 1) for w in words}):
        x = edge + 0.5
        left_words = [w for w in words if w.x1 <= x]
        left = len(left_words)
        right = [w for w in words if w.x0 >= x]
        cross = sum(1 for w in words if w.x0 < x < w.x1)
        if left < 2 or len(right) < 3 or cross > 0.45 * len(words) or cross > left + len(right):
            continue
        if any(id(w) in own and w.x1 <= x for w in words) and not any(id(w) in own for w in right):
            continue
        if 2 * sum(1 for w in left_words if _has_words(w)) < left:
            continue
        gap = min(w.x0 for w in right) - edge
        if gap < 0.3 * h:
            continue
        found.append(((edge + min(w.x0 for w in right)) / 2, cross, gap))
    # Nearby candidates are one gap seen from several edges: keep the one fewest words cross.
    groups: list[list[tuple[float, int, float]]] = []
    for candidate in found:
        if groups and candidate[0] - groups[-1][-1][0] < 1.5 * h:
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
    return [min(group, key=lambda c: (c[1], -c[2]))[0] for group in groups]


def _has_words(word: Word) -> bool:
    """Whether ``word`` holds a Chinese character other than a numeral: more than an enumerator."""
    return any(unicodedata.category(ch) == "Lo" and ch not in _NUMERALS for ch in word.text)


def _tile(titles: list[_Block], centres: list[float], edges: list[float], lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans [first, last] of leaf columns lo..hi for titles left to right, each centred over its span."""
    k, n = len(titles), hi - lo + 1
    if k == 0 or n < k:
        return []
    inf = float("inf")
    # best[i][j]: cost of placing the first i titles on the first j columns (all used)
    best = [[inf] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for i in range(1, k + 1):
        for j in range(i, n + 1):
            for s in range(i - 1, j):
                if best[i - 1][s] == inf:
                    continue
                centre = (edges[lo + s] + edges[lo + j]) / 2
                cost = best[i - 1][s] + abs(centre - titles[i - 1].cx)
                if cost < best[i][j]:
                    best[i][j], back[i][j] = cost, s
    spans = []
    j = n
    for i in range(k, 0, -1):
        s = back[i][j]
        spans.append((lo + s, lo + j - 1))
        j = s
    return list(reversed(spans))


def _last_labels(lines: list[list[Word]], rows: list[int], line_values: list[list[Word]],
                 is_label: Callable[[Word], bool]) -> list[Word]:
    """The label word reaching furthest right on each of the lines ``rows`` that has values:
    the row's own label."""
    out = []
    for k in rows:
        labels = [w for w in lines[k] if is_label(w)]
        if line_values[k] and labels:
            out.append(max(labels, key=lambda w: w.x1))
    return out


def _title_over_names(word: Word, words: list[Word], h: float) -> bool:
    """Whether ``word`` stands over header words a tier below (further than the lines of one
    wrapped name): a title over its columns, not column names that ran together. A title
    spans value columns; on a scan, its box a few per cent wider than its characters set
    solid (未经复议直接起诉 over five columns), it was cut up at them."""
    below = [u for u in words if u is not word and u.top > word.top + 0.5 * h
             and min(u.x1, word.x1) - max(u.x0, word.x0) > 0]
    if not below:
        return False
    wrapped = [u for u in below if u.top - word.bottom <= WRAP_GAP * h]
    if not wrapped:
        return True
    # A title wrapped onto a second line (行政诉讼（未经复议直接起 / 诉）): a title where its
    # last line stands over names.
    return any(_title_over_names(u, words, h) for u in wrapped)


def _header(
    lines: list[list[Word]], boundary: float | None, left: float, right: float, body_values: list[Word], h: float, em: float
) -> _Header | None:
    words = [w for line in lines for w in line]
    label_words = [w for w in words if boundary is not None and w.x1 <= boundary]
    cuts = _value_cuts(body_values, h) + ([boundary] if boundary is not None else [])
    value_side = [w for w in words if boundary is None or w.x1 > boundary]
    centres = sorted(statistics.mean(c) for c in cluster_runs([w.cx for w in body_values], 1.2 * h))
    steps = [b - a for a, b in zip(centres, centres[1:]) if b - a > 1.5 * h]
    if steps:
        value_side = [p for w in value_side for p in _split_even(w, steps, em, centres)]
    titles = {id(w) for w in value_side if _title_over_names(w, words, h)}
    value_side = [w for w in value_side if id(w) in titles] + _split_merged(
        [w for w in value_side if id(w) not in titles], cuts, em)
    words = label_words + value_side
    blocks = _stack([w for w in words if boundary is None or w.x1 > boundary], h, gap=WRAP_GAP, exclusive=True)
    if not blocks:
        return None
    leaves, titles = [], []
    for block in blocks:
        below = any(
            other is not block
            and other.top >= block.bottom - 0.3 * h
            and min(other.x1, block.x1) - max(other.x0, block.x0) > 0
            for other in blocks
        )
        (titles if below else leaves).append(block)
    leaves.sort(key=lambda b: b.cx)
    sure = True
    # Two columns whose header words ran together: split at the values below, or by the pitch.
    centres = [statistics.mean(c) for c in cluster_runs([w.cx for w in body_values], 1.2 * h)]
    pitch = statistics.median([b.cx - a.cx for a, b in zip(leaves, leaves[1:])]) if len(leaves) >= 3 else None
    split: list[_Block] = []
    for leaf in leaves:
        inside = [c for c in centres if leaf.x0 <= c <= leaf.x1]
        cuts: list[float] = []
        if len(inside) >= 2:
            cuts = [(a + b) / 2 for a, b in zip(inside, inside[1:])]
        elif pitch and leaf.x1 - leaf.x0 > 1.6 * pitch and leaf.n_lines() <= 3:
            k = round((leaf.x1 - leaf.x0) / pitch)
            cuts = [leaf.x0 + (leaf.x1 - leaf.x0) * i / k for i in range(1, k)]
        if not cuts:
            split.append(leaf)
            continue
        sure = False
        split.extend(_Block(p) for p in split_words(leaf.words, cuts) if p)
    leaves = sorted(split, key=lambda b: b.cx)
    edges = [boundary if boundary is not None else left]
    for a, b in zip(leaves, leaves[1:]):
        edges.append((a.x1 + b.x0) / 2 if a.x1 <= b.x0 else (a.cx + b.cx) / 2)
    edges.append(max(right, leaves[-1].x1 + 1))
    columns = list(zip(edges, edges[1:]))
    # Titles, top tier first: each tier's titles under one parent tile the parent's span.
    tiers: list[list[_Block]] = []
    for title in sorted(titles, key=lambda b: b.cy):
        if tiers and abs(title.cy - statistics.mean(t.cy for t in tiers[-1])) < 0.8 * h:
            tiers[-1].append(title)
        else:
            tiers.append([title])
    placed: list[list[tuple[_Block, int, int]]] = []
    parents = [(None, 0, len(leaves) - 1)]
    for tier in tiers:
        tier.sort(key=lambda b: b.cx)
        spans: list[tuple[_Block, int, int]] = []
        for _, lo, hi in parents:
            mine = [t for t in tier if edges[lo] - 1 <= t.cx <= edges[hi + 1] + 1]
            for title, (a, b) in zip(mine, _tile(mine, [], edges, lo, hi)):
                spans.append((title, a, b))
        if spans:
            placed.append(spans)
            parents = [(t, a, b) for t, a, b in spans]
    return _Header(lines, label_words, leaves, placed, columns, sure)


def _value_columns(values: list[Word], boundary: float | None, left: float, right: float, h: float) -> list[tuple[float, float]]:
    """Columns from value words alone (a page without header and nothing carried)."""
    clusters = cluster_runs([w.cx for w in values], 1.5 * h)
    spans = [(min(w.x0 for w in values if w.cx in c), max(w.x1 for w in values if w.cx in c)) for c in map(set, clusters)]
    spans.sort()
    edges = [boundary if boundary is not None else left]
    for (_, a1), (b0, _) in zip(spans, spans[1:]):
        edges.append((a1 + b0) / 2)
    edges.append(right)
    return list(zip(edges, edges[1:]))


def _blank_label_right(lines: list[list[Word]]) -> float | None:
    """Where the labels end in a table with no value printed at all (blank for zero everywhere):
    the right edge of the words below the column names that do not stand under a column name
    with nothing below it."""
    if not lines:
        return None
    leaf_index = max(range(len(lines)), key=lambda k: len(lines[k]))
    if len(lines[leaf_index]) < 3:
        return None
    # Words stacked under the column names (a name written one character per line) are header.
    header = list(lines[leaf_index])
    below = []
    for line in lines[leaf_index + 1 :]:
        if _is_item(_line_text(line)):
            continue  # an item line of table 二 spans the table
        if sum(any(min(w.x1, u.x1) > max(w.x0, u.x0) for u in lines[leaf_index]) for w in line) >= 2:
            # The column names' next characters, or the next block's column names: header, and
            # what stacks under them too (人 of a vertical 自然人 set higher than its
            # neighbours, a line of its own under 然).
            header.extend(line)
            continue
        for w in line:
            if any(0 <= w.top - u.bottom <= WRAP_GAP * (u.bottom - u.top) and min(w.x1, u.x1) > max(w.x0, u.x0) for u in header):
                header.append(w)
            else:
                below.append(w)
    empty = [w for w in lines[leaf_index] if not any(min(w.x1, b.x1) - max(w.x0, b.x0) > 0 for b in below)]
    if not below or not empty:
        return None
    first_empty = min(w.x0 for w in empty)
    ends = [w.x1 for w in below if w.x0 < first_empty and w.x1 <= first_empty + 1]
    return max(ends) if ends else None


def _same_row(band: _Band, line: list[Word], value_ids: set[int], rule_ys: list[float], h: float) -> bool:
    """Whether a line continues the row above: close below it, no rule between, and not a second
    line of values; a label line joins a row that has values only where that keeps the values
    centred beside the label (a value printed beside a two-line label sits between its lines)."""
    top = min(w.top for w in line)
    if top - band.bottom > WRAP_GAP * h or any(band.bottom - 1 < y < top + 1 for y in rule_ys):
        return False
    if any(abs(a - b) <= h for a in _numbered(line, value_ids) for b in _numbered(band.words, value_ids)):
        return False  # a line opening with its own number under another's: rows of their own
    band_values = [w for w in band.words if id(w) in value_ids]
    if not band_values:
        return True
    if any(id(w) in value_ids for w in line):
        return False
    labels = [w for w in band.words if id(w) not in value_ids]
    if not labels:
        return True
    centre = statistics.mean(w.cy for w in band_values)
    before = abs((min(w.top for w in labels) + max(w.bottom for w in labels)) / 2 - centre)
    after = abs((min(w.top for w in labels) + max(w.bottom for w in line)) / 2 - centre)
    return after <= before + 0.15 * h


def _numbered(words: list[Word], value_ids: set[int]) -> list[float]:
    """Where the label words opening with an enumerator ((4), 2., 三、) start: each starts a
    row. Two such labels one under the other at the same place are two rows: rows blank for
    zero, set close on a 150-DPI scan, ran into one another, （3）危及… and （4）保护… one row,
    and both were lost. (A group label's first line beside an item's, (四)无 beside
    (1)本机关…, stands elsewhere.)"""
    return [w.x0 for w in words if id(w) not in value_ids and strip_enumerator(t := normalize(w.text)) != t]


def _join_wrapped_numbers(words: list[Word], h: float) -> list[Word]:
    """A number wrapped onto two lines of a narrow column (２０ over ２ for 202), its row's label
    level with the middle of the two: one word, as the text layer of a wider cell would have it.
    Two digit words one line apart, the lower starting under the upper, with a word beside them
    whose middle lies between theirs and no value between; numbers of two rows stand further
    apart, their labels each level with one of them."""
    digits = sorted((w for w in words if _DIGITS.fullmatch(unicodedata.normalize("NFKC", w.text).strip())),
                    key=lambda w: w.top)
    if len(digits) < 2:
        return words
    values = [w for w in words if _is_value(w)]
    value_ids = {id(w) for w in values}
    labels = [w for w in words if id(w) not in value_ids]
    joined: dict[int, Word] = {}
    gone: set[int] = set()
    for upper in digits:
        if id(upper) in gone:
            continue
        below = [w for w in digits if w is not upper and id(w) not in gone and 0 < w.top - upper.top <= WRAP_PITCH * h
                 and upper.x0 - 0.5 * h <= w.x0 <= upper.x1 and w.x1 <= upper.x1 + 0.5 * h]
        if len(below) != 1:
            continue
        lower = below[0]
        mid, half = (upper.cy + lower.cy) / 2, (lower.cy - upper.cy) / 2
        left = [w for w in labels if w.x1 < upper.x0 - h]
        # The row's label level with the middle, none level with either line; no value between.
        if (not any(abs(w.cy - mid) <= 0.5 * half for w in left)
                or any(abs(w.cy - upper.cy) < 0.3 * h or abs(w.cy - lower.cy) < 0.3 * h for w in left)
                or any(abs(w.cx - upper.cx) < h and upper.cy < w.cy < lower.cy for w in values)):
            continue
        joined[id(upper)] = Word(upper.text + lower.text, min(upper.x0, lower.x0), upper.top, max(upper.x1, lower.x1),
                                 lower.bottom, min(upper.confidence, lower.confidence))
        gone.add(id(lower))
    return [joined.get(id(w), w) for w in words if id(w) not in gone]


def _font_height(words: list[Word]) -> list[Word]:
    """Words read from pixels, each as high as the font's size measured from their widths.

    A text layer's word box is the font size high, and rows, wrapped lines and stacked header
    cells are told apart by gaps measured against it. A scan's reader can only guess the size
    from the height of the ink, which depends on the characters (traditional ones fill more of
    their box): a few pixels off, two lines of one header cell stood as far apart as two rows,
    or a two-line note chained into the column names below it. Long Chinese words, set solid,
    are as wide as the font size per character: the upper quartile of those near the median,
    as a scanned word may lose a faint stroke at an end (never gain one), and words that ran
    together are far wider."""
    sizes = [
        (w.x1 - w.x0) / len(w.text)
        for w in words
        if len(w.text) >= 4 and solid_width(w.text) == len(w.text)
    ]
    if len(sizes) < 3:
        return words
    median = statistics.median_low(sizes)  # one of the sizes: never an empty neighbourhood
    near = sorted(s for s in sizes if abs(s - median) <= 0.1 * median)
    scale = near[3 * len(near) // 4] / statistics.median(w.bottom - w.top for w in words)
    return [
        replace(w, top=w.cy - scale * (w.bottom - w.top) / 2, bottom=w.cy + scale * (w.bottom - w.top) / 2)
        for w in words
    ]


def text_fragment(page: Page, top: float, bottom: float, table: TextTable | None = None) -> Fragment | None:
    """The table between two heights of a page, from its words and its horizontal rules."""
    table = table if table is not None else TextTable()
    words = join_pieces([w for w in page.words if top <= w.cy <= bottom and w.text.strip()])
    if not words:
        return None
    if page.unit == "px":
        words = _font_height(words)
    h = statistics.median(w.bottom - w.top for w in words)
    words = _join_wrapped_numbers(words, h)
    words = [w for w in words if not _piece_of_another(w, words)]
    rules = _rule_rows(page, top, bottom)
    ruled = len(rules) >= 2
    em = _em(words, h)
    if ruled:
        low = _ruled_bottom(words, rules, h)
        words = [w for w in words if rules[0][0] - 0.5 * h <= w.cy <= low]
    lines = _trim(group_lines(words), page, h, ruled)
    words = [w for line in lines for w in line]
    if not words:
        return None
    line_values = [_line_values(line, h) for line in lines]
    lines = _split_trailing_values(lines, [w for vs in line_values for w in vs], em)
    line_values = [[w for w in vs if not _in_vertical_label(w, words, h)] for vs in (_line_values(line, h) for line in lines)]
    values = [w for vs in line_values for w in vs]
    value_ids = {id(w) for w in values}
    left = min([w.x0 for w in words] + ([min(r[1] for r in rules)] if ruled else [])) - 1
    right = max([w.x1 for w in words] + ([max(r[2] for r in rules)] if ruled else [])) + 1

    # Where the labels end: the label words of the lines that carry values.
    label_right = None
    for line, vs in zip(lines, line_values):
        if vs:
            first = min(w.x0 for w in vs)
            ends = [w.x1 for w in line if id(w) not in value_ids and w.x1 <= first + 1]
            if ends:
                label_right = max([label_right or ends[0]] + ends)
    if label_right is None and values:
        # Values printed only between the lines of two-line labels: the labels beside them.
        vmin = min(w.x0 for w in values)
        ends = [
            w.x1 for w in words
            if id(w) not in value_ids and w.x1 < vmin and any(abs(w.cy - v.cy) <= 0.8 * h for v in values)
        ]
        label_right = max(ends, default=None)
    if label_right is None and not values:
        label_right = _blank_label_right(lines)
    if label_right is None and table.value_left is not None:
        label_right = table.value_left
    if label_right is not None:
        # Label-column text wider than the row labels (the note beside the header) ends before
        # the first value starts, and starts inside the label column or just after it (the
        # last character of a wrapped label's line, read as a word of its own: 不 of …只计这一
        # 情形，不). A number inside the label column is no value column (a scan's reading of
        # a vertical label's lone 、 as 1).
        limit = min((w.x0 for w in values if w.x0 > label_right), default=None)
        if limit is None:
            limit = min((w.x0 for line in lines for w in line if w.x0 > label_right), default=label_right)

        def beyond(w: Word, edge: float) -> bool:
            return (id(w) not in value_ids and edge < w.x1 < limit - 0.3 * h
                    and not _is_item(normalize(w.text)))

        grown = [w for w in words if w.x0 < label_right + 0.5 * h and beyond(w, label_right)]
        label_right = max([label_right] + [w.x1 for w in grown])
        # A wrapped label's line read in pieces where a faint 一 left gaps (…只计这 | 情形， |
        # 不计其他) reaches on, piece by piece along its line, to its last piece.
        while more := [w for w in words if beyond(w, label_right) and any(
                0 <= w.x0 - u.x1 < 0.5 * h and min(w.bottom, u.bottom) - max(w.top, u.top) > 0.5 * h
                for u in grown)]:
            grown += more
            label_right = max(w.x1 for w in more)

    # Line kinds: H header line, T title line over the values, L label only, B body.
    # A word ending well before the first value is label text however far right it reaches
    # (the 不 that ends the first line of a wrapped label, past the other labels' ends).
    values_from = min(w.x0 for w in values) - h if values else None
    kinds = []
    for line, vs in zip(lines, line_values):
        if vs:
            kinds.append("B")
            continue
        value_side = [w for w in line if label_right is None or (
            w.cx > label_right and w.x0 > label_right - h and (values_from is None or w.x1 > values_from))]
        label_side = [w for w in line if label_right is not None and (
            (w.cx <= label_right and w.x1 < label_right + h) or (values_from is not None and w.x1 <= values_from))]
        if len(value_side) + len(label_side) < len(line):
            kinds.append("B")  # a line across labels and values: an item line, a group title
        elif value_side and _is_item(_line_text(line)):
            kinds.append("B")  # table 二's item line over the values, in one word or read in two
        elif value_side and _numbered(value_side[:1], value_ids):
            # A group title centred over the values ((五)不予处理, or (三) | 不予公开 read in two
            # words), beside a character of a vertical label or not: taken for column names,
            # it cut the value columns of the rows below into its own.
            kinds.append("B")
        elif len(value_side) >= 2 or (value_side and label_side):
            kinds.append("H")
        elif value_side:
            kinds.append("T")
        else:
            kinds.append("L")
    units: list[tuple[str, int, int]] = []  # ("header", first line, last line) / ("body", i, i)
    i = 0
    while i < len(lines):
        if kinds[i] in "HT":
            j = i
            seen_h = kinds[i] == "H"
            low = max(w.bottom for w in lines[i])
            while j + 1 < len(lines) and kinds[j + 1] in "HTL":
                nxt = lines[j + 1]
                if kinds[j + 1] == "L" and seen_h and min(w.top for w in nxt) > low + 0.3 * h:
                    break  # a label row below the header: the body begins
                j += 1
                if kinds[j] in "HT":
                    seen_h = seen_h or kinds[j] == "H"
                    low = max([low] + [w.bottom for w in nxt])
            run = range(i, j + 1)
            if any(kinds[k] == "H" for k in run):
                last = max(k for k in run if kinds[k] in "HT")
                low = max(w.bottom for k in run if kinds[k] in "HT" for w in lines[k])
                while last + 1 <= j and min(w.top for w in lines[last + 1]) < low:
                    last += 1
                units.append(("header", i, last))
                i = last + 1
                continue
        units.append(("body", i, i))
        i += 1

    header_lines = {k for kind, a, b in units if kind == "header" for k in range(a, b + 1)}
    body_values = [w for k, vs in enumerate(line_values) if k not in header_lines for w in vs]
    if not any(kind == "header" for kind, _, _ in units) and len(body_values) < MIN_VALUE_WORDS and not table.columns:
        return None

    # The boundary between labels and values.
    boundary: float | None = None
    if label_right is not None:
        starts = [w.x0 for w in body_values if w.x0 > label_right]
        for kind, a, b in units:
            if kind == "header":
                starts += [w.x0 for k in range(a, b + 1) for w in lines[k] if w.x0 >= label_right - 1]
        boundary = (label_right + min(starts)) / 2 if starts else label_right + 0.5
        if table.value_left is not None and not starts:
            boundary = table.value_left
        elif table.value_left is not None and boundary < table.value_left < min(starts) - 0.3 * h:
            boundary = table.value_left  # the page before saw longer labels of the same table

    # Headers and the body values below each (for splitting header cells that ran together).
    headers: dict[int, _Header] = {}
    header_units = [u for u in units if u[0] == "header"]
    for n, (kind, a, b) in enumerate(header_units):
        end = header_units[n + 1][1] if n + 1 < len(header_units) else len(lines)
        below = [w for k in range(b + 1, end) for w in line_values[k]]
        header = _header(lines[a : b + 1], boundary, left, right, below, h, em)
        if header is not None:
            headers[a] = header

    # Body words: values, words across the boundary, label words (own or parent).
    body_lines = [k for kind, a, _ in units if kind == "body" for k in [a]]
    def is_label(w: Word) -> bool:
        return id(w) not in value_ids and boundary is not None and w.x1 <= boundary + 1

    label_words = [w for k in body_lines for w in lines[k] if is_label(w)]
    bounds = _label_bounds(label_words, h, {id(w) for w in _last_labels(lines, body_lines, line_values, is_label)})
    learned = not bounds and bool(table.label_bounds) and any(w.x1 < table.label_bounds[-1] for w in label_words)
    if learned:
        bounds = list(table.label_bounds)  # too few words on this page to see the label columns
    if bounds and page.unit != "px":
        # A vertical character run together with the label beside it (三属于行政执法案卷). Not
        # on a scan: its reader cuts words at gaps of 0.6 character already, and its word
        # boxes, up to a tenth wider than their characters set solid, made long labels look
        # run together (结转下年度继续办理 across the label columns, cut into four parents).
        pieces = {id(w): _split_merged([w], bounds, em, h) for w in label_words}
        if any(len(p) > 1 for p in pieces.values()):
            for k in body_lines:
                lines[k] = sorted((p for w in lines[k] for p in pieces.get(id(w), [w])), key=lambda w: w.x0)
            label_words = [p for w in label_words for p in pieces[id(w)]]
    last_bound = bounds[-1] if bounds else None
    # A parent label's line may end past the bound, short of where the own labels start (不予公
    # of a (三)不予公开 wrapped in a narrow column reached 6 px past it at 150 DPI, where the own
    # label 其他处理 began left of the others; (五)不予 13 px).
    own_start = statistics.median([w.x0 for w in label_words if last_bound is not None and w.x0 > last_bound] or [0.0])
    parent_words = [w for w in label_words if last_bound is not None and (
        w.x1 <= last_bound + 0.5 or (w.cx < last_bound - 0.5 * h and w.x1 < own_start - 0.1 * h))]
    if parent_words and boundary is not None:
        # The wrapped end of a label that fills the label columns (（二）部分公开…情 / 形）) is its own
        # row's text, not a parent label.
        candidates = {id(w) for w in parent_words}
        own_words = [w for w in label_words if id(w) not in candidates]
        for word in sorted(parent_words, key=lambda w: w.top):
            above = [
                o for o in own_words
                if 0 <= word.top - o.bottom <= WRAP_GAP * h and abs(o.x0 - word.x0) < 0.5 * h and o.x1 > boundary - 3 * h
            ]
            if above:
                own_words.append(word)
        if learned:
            # Bounds from another page: a row here whose values stand beside it and whose label is
            # all left of the innermost label column (labels centred in a wide column, the last
            # rows of 三 on a page of their own) has that label as its own; stacked as a parent,
            # three such rows ran into one.
            own_words += [w for w in _last_labels(lines, body_lines, line_values, is_label) if w.x1 <= last_bound + 0.5]
        own_ids = {id(w) for w in own_words}
        parent_words = [w for w in parent_words if id(w) not in own_ids]
    parent_ids = {id(w) for w in parent_words}
    rule_ys = [r[0] for r in rules]

    # Rows: header units and bands of body words, in page order.
    rows: list[_Header | _Band] = []
    columns = list(table.columns)
    sure = table.columns_sure
    if columns and any(v.cx < columns[0][0] - h or v.cx > columns[-1][1] + h for v in body_values):
        columns = []  # the page before had other geometry (another page size or table)
    band: _Band | None = None
    for kind, a, b in units:
        if kind == "header":
            header = headers.get(a)
            if header is not None:
                rows.append(header)
                columns, sure = header.columns, header.sure
                band = None
            continue
        line = [w for w in lines[a] if id(w) not in parent_ids]
        if not line:
            continue
        if band is not None and band.words and not _same_row(band, line, value_ids, rule_ys, h):
            band = None
        if band is None:
            band = _Band(columns=columns, columns_sure=sure)
            rows.append(band)
        for word in line:
            band.extend(word)
    if not columns:
        if len(body_values) < (1 if table.columns else MIN_VALUE_WORDS):
            return None
        columns = _value_columns(body_values, boundary, left, right, h)
        for row in rows:
            if isinstance(row, _Band):
                row.columns, row.columns_sure = columns, False
    for row in rows:
        if isinstance(row, _Band) and not row.columns:
            row.columns, row.columns_sure = columns, False
    # A header with no row below it has one row with nothing printed (all blank).
    for n, row in enumerate(rows):
        if isinstance(row, _Header) and (n + 1 == len(rows) or isinstance(rows[n + 1], _Header)):
            empty = _Band(columns=row.columns, columns_sure=False, empty=True)
            low = [y for y in rule_ys if y > row.bottom + 0.5 * h]
            empty.top = row.bottom + 1
            empty.bottom = low[0] - 1 if low else row.bottom + 2 * h
            rows.insert(n + 1, empty)
    bands = [r for r in rows if isinstance(r, _Band)]
    if not bands:
        return None

    # Parent labels: blocks left of the innermost label column, beside the rows they overlap.
    blocks = _stack(parent_words, h, overlap=0.1)
    for block in blocks:
        hits = [r for r in bands if not r.empty and r.top < block.bottom and block.top < r.bottom]
        if not hits and block.n_lines() == 1:
            above = [r for r in bands if not r.empty and r.bottom <= block.top]
            below = [r for r in bands if not r.empty and r.top >= block.bottom]
            if (not above or block.top - max(r.bottom for r in above) > WRAP_GAP * h) and (
                not below or min(r.top for r in below) - block.bottom > WRAP_GAP * h
            ):
                # A row of its own (a blank row whose short label starts in the parent columns).
                row = _Band(columns=(above[-1] if above else below[0]).columns)
                for word in block.words:
                    row.extend(word)
                at = next((n for n, r in enumerate(rows) if r.top > block.top), len(rows))
                rows.insert(at, row)
                bands = [r for r in rows if isinstance(r, _Band)]
                continue
        if not hits:
            near = min(bands, key=lambda r: abs((r.top + r.bottom) / 2 - block.cy))
            if abs((near.top + near.bottom) / 2 - block.cy) > 2 * h:
                continue
            hits = [near]
        own = [r for r in hits if any(w.x1 > (last_bound or 0) and id(w) not in value_ids for w in r.words)]
        if len(hits) == 1 and not own and block.n_lines() == 1:
            for word in block.words:
                hits[0].extend(word)  # a short own label inside the parent columns
            continue
        for r in hits:
            r.parents.append(block)
    table.value_left = boundary
    table.label_bounds = bounds or table.label_bounds
    table.columns, table.columns_sure = columns, sure
    return _build(page, rows, bounds, boundary, left, right, h, value_ids, rule_ys)


def _build(
    page: Page,
    rows: list,
    bounds: list[float],
    boundary: float | None,
    left: float,
    right: float,
    h: float,
    value_ids: set[int],
    rule_ys: list[float],
) -> Fragment:
    spans_x = [x for row in rows for pair in row.columns for x in pair]
    left, right = min([left] + spans_x), max([right] + spans_x)  # columns carried from the page before
    xs = [left] + [b for b in bounds if left < b < (boundary or right)]
    if boundary is not None and boundary - xs[-1] > 1:
        xs.append(boundary)
    for row in rows:
        for x0, x1 in row.columns:
            xs.extend([x0, x1])
    xs.append(right)
    xs = [x for x in sorted(xs) if left - 0.5 <= x <= right + 0.5]
    merged: list[float] = []
    for x in xs:
        if not merged or x - merged[-1] > 1.0:
            merged.append(x)
    xs = merged

    def col(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

    label_cols = col(boundary) if boundary is not None else 0
    # Grid rows: a header takes one row per title tier plus its leaf row.
    spans: list[tuple[float, float]] = []
    for row in rows:
        if isinstance(row, _Header):
            tiers = len(row.titles)
            tops = [row.top] + [max(b.bottom for b, _, _ in tier) + 0.1 for tier in row.titles]
            for t in range(tiers + 1):
                spans.append((tops[t], tops[t + 1] if t < tiers else row.bottom))
        else:
            spans.append((row.top, row.bottom))
    ys = [min(spans[0][0], spans[0][1]) - 0.4 * h]
    for (a_top, a_bottom), (b_top, _) in zip(spans, spans[1:]):
        between = [y for y in rule_ys if a_bottom - 1 <= y <= b_top + 1]
        ys.append(between[0] if between else max(a_bottom, (a_bottom + b_top) / 2))
    ys.append(spans[-1][1] + 0.4 * h)
    for k in range(1, len(ys)):
        ys[k] = max(ys[k], ys[k - 1] + 0.1)
    cells: list[GridCell] = []

    def add(r: int, rowspan: int, c0: int, c1: int, words: list[Word], inferred: bool = True) -> GridCell:
        c0 = min(c0, len(xs) - 2)
        c1 = min(max(c1, c0 + 1), len(xs) - 1)
        cell = GridCell(r, c0, rowspan, c1 - c0, (xs[c0], ys[r], xs[c1], ys[r + rowspan]), page.number, sorted(words, key=lambda w: (w.top, w.x0)))
        cell.inferred = inferred
        cells.append(cell)
        return cell

    r = 0
    parent_cells: dict[int, GridCell] = {}
    for row in rows:
        if isinstance(row, _Header):
            n = len(row.titles) + 1
            if row.label_words and label_cols > 0:
                add(r, n, 0, label_cols, row.label_words)
            leaf_tier = [0] * len(row.leaves)
            for t, tier in enumerate(row.titles):
                for block, a, b in tier:
                    add(r + t, 1, col(row.columns[a][0]), col(row.columns[b][1]), block.words)
                    for k in range(a, b + 1):
                        leaf_tier[k] = t + 1
            for k, leaf in enumerate(row.leaves):
                add(r + leaf_tier[k], n - leaf_tier[k], col(row.columns[k][0]), col(row.columns[k][1]), leaf.words)
            r += n
            continue
        band: _Band = row
        own = [w for w in band.words if id(w) not in value_ids and (boundary is None or w.x0 < boundary)]
        across = [w for w in own if boundary is not None and w.x1 > boundary + 1.5 * h and w.x0 < boundary - 1]
        if across and not any(id(w) in value_ids for w in band.words):
            add(r, 1, 0, len(xs) - 1, band.words)  # a title across the whole table
            r += 1
            continue
        first_free = 0
        for block in band.parents:
            key = id(block)
            if key in parent_cells:
                cell = parent_cells[key]
                cell.rowspan = r - cell.row + 1
            else:
                c0 = max(0, min(bisect.bisect_right(xs, block.cx) - 1, label_cols - 1))
                parent_cells[key] = add(r, 1, c0, c0 + 1, block.words)
            first_free = max(first_free, parent_cells[key].col + parent_cells[key].colspan)
        if label_cols > 0:
            start = first_free
            if own:
                at = max(0, bisect.bisect_right(xs, min(w.x0 for w in own)) - 1)
                start = max(first_free, min(at, label_cols - 1))
            if start < label_cols:
                add(r, 1, start, label_cols, own)
        else:
            own = []
        # Value cells: every column of the row's column set.
        own_ids = {id(w) for w in own}
        value_words = [w for w in band.words if id(w) not in own_ids]
        lines = group_lines(band.words) if band.words else []
        placed: dict[int, list[Word]] = {k: [] for k in range(len(band.columns))}
        clean = bool(band.columns_sure and own and len(lines) == 1 and (value_words or BLANK_ROWS_OK))
        for word in value_words:
            k = next((i for i, (x0, x1) in enumerate(band.columns) if x0 <= word.cx <= x1), None)
            if k is None:
                clean = False
                continue
            x0, x1 = band.columns[k]
            if word.x0 < x0 - 0.5 or word.x1 > x1 + 0.5 or id(word) not in value_ids:
                clean = False
            placed[k].append(word)
        if any(len(ws) > 1 for ws in placed.values()) or (not BLANKS_OK and any(not ws for ws in placed.values())):
            clean = False
        for k, (x0, x1) in enumerate(band.columns):
            add(r, 1, col(x0), col(x1), placed[k], inferred=not clean)
        r += 1
    # Parent cells spanning rows were sized while the rows were laid out.
    for cell in parent_cells.values():
        cell.bbox = (xs[cell.col], ys[cell.row], xs[cell.col + cell.colspan], ys[cell.row + cell.rowspan])
    cells.sort(key=lambda c: (c.row, c.col))
    fragment = Fragment(page=page.number, bbox=(xs[0], ys[0], xs[-1], ys[-1]), xs=xs, ys=ys, cells=cells, inferred=True)
    return fragment
