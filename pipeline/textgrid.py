"""Tables drawn without (full) ruling: a grid inferred from word positions.

Columns come from the x positions of the value words (numbers, dashes), rows from the text
lines that carry values; a label line without values is its own row when it starts like a
label (an enumerator), and otherwise the wrapped continuation of the nearest row. The inferred
rules are handed to the same grid builder as printed rules, so that everything after is one path.
"""
from __future__ import annotations

import re
import statistics

from pipeline.document import Page, Segment, Word
from pipeline.grid import Fragment, assign_words, build_fragment
from pipeline.lines import group_lines
from pipeline.text import normalize
from pipeline.values import parse_value

MIN_VALUE_WORDS = 4
_STARTS_LABEL = re.compile(r"^[(（]?[0-9一二三四五六七八九十]+[)）、.．]|^第二十条")


def _is_value(word: Word) -> bool:
    text = word.text.strip()
    return parse_value(text).value is not None and len(text) <= 16


def text_fragment(page: Page, top: float, bottom: float) -> Fragment | None:
    """The table between two heights of a page, from its words alone."""
    words = [w for w in page.words if top <= w.cy <= bottom]
    values = [w for w in words if _is_value(w)]
    if len(values) < MIN_VALUE_WORDS:
        return None
    height = statistics.median(w.bottom - w.top for w in words)
    # Value columns: clusters of value-word centres.
    centres = sorted(w.cx for w in values)
    clusters: list[list[float]] = [[centres[0]]]
    for x in centres[1:]:
        if x - clusters[-1][-1] > 1.5 * height:
            clusters.append([])
        clusters[-1].append(x)
    value_left = min(w.x0 for w in values if w.cx <= max(clusters[0])) - 0.3 * height
    labels_right = max((w.x1 for w in words if w.x1 < value_left), default=value_left)
    left = min(w.x0 for w in words) - 1
    right = max(w.x1 for w in words) + 1
    xs = [left, (labels_right + value_left) / 2 if labels_right < value_left else value_left]
    xs += [(max(a) + min(b)) / 2 for a, b in zip(clusters, clusters[1:])]
    xs.append(right)
    ys = _row_boundaries(words, xs[1], height)
    if len(ys) < 3:
        return None
    segments = [Segment(xs[0], y, xs[-1], y) for y in ys] + [Segment(x, ys[0], x, ys[-1]) for x in xs]
    fragment = build_fragment(segments, page.number)
    if fragment is not None:
        fragment.inferred = True
        for cell in fragment.cells:
            cell.inferred = True
        assign_words([fragment], words)
    return fragment


def _row_boundaries(words: list[Word], value_left: float, height: float) -> list[float]:
    lines = group_lines(words)
    rows: list[list[Word]] = []
    for line in lines:
        has_values = any(_is_value(w) and w.cx > value_left for w in line)
        label = normalize("".join(w.text for w in line if w.cx <= value_left))
        if has_values or not rows or _STARTS_LABEL.match(label):
            rows.append(list(line))
            continue
        rows[-1].extend(line)  # the wrapped continuation of the label above
    ys = [min(w.top for w in words) - 0.4 * height]
    for above, below in zip(rows, rows[1:]):
        ys.append((max(w.bottom for w in above) + min(w.top for w in below)) / 2)
    ys.append(max(w.bottom for w in words) + 0.4 * height)
    return ys
