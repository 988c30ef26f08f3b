"""Words grouped into visual text lines."""
from __future__ import annotations

import unicodedata

from pipeline.document import Word


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Lines top to bottom, each left to right: words overlapping vertically by half a height share a line."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            line = lines[-1]
            top = min(w.top for w in line)
            bottom = max(w.bottom for w in line)
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap >= 0.5 * min(bottom - top, word.bottom - word.top):
                line.append(word)
                continue
        lines.append([word])
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def reading_text(words: list[Word]) -> str:
    """Lines joined directly (a wrapped label is one label); a visible gap inside a line becomes a
    space, so that two numbers side by side in one cell do not read as one number, but for
    digits set a full-width pitch apart (１０１ in a wide font, read as 10 and 1 on a scan):
    one number."""
    parts = []
    for line in group_lines(words):
        for prev, word in zip([None, *line], line):
            height = word.bottom - word.top
            if prev is not None and word.x0 - prev.x1 > 0.25 * height and not _full_width_pitch(prev, word):
                parts.append(" ")
            parts.append(word.text)
    return "".join(parts)


FULL_WIDTH_PITCH = 1.15  # word heights: the most between the centres of two full-width digits of one number
FULL_WIDTH_LEAST = 0.8  # word heights: the least pitch of the digits within a word of full-width digits
DIGIT_HALF_INK = 0.25  # word heights: half the ink width of a digit (from a word's edge to its digit's centre)


def _full_width_pitch(prev: Word, word: Word) -> bool:
    """Whether ``prev`` and ``word`` (words of digits only) are pieces of one number in
    full-width digits: their nearest digits stand no more than a full-width pitch apart, and
    the digits within each word (where it has several) at least nearly as far. Half-width
    digits half a character apart (12 and 3) are two numbers."""
    height = word.bottom - word.top
    centres = [_digit_centres(w) for w in (prev, word)]
    if not all(centres):
        return False
    for c in centres:
        if len(c) > 1 and (c[-1] - c[0]) / (len(c) - 1) < FULL_WIDTH_LEAST * height:
            return False
    return centres[1][0] - centres[0][-1] <= FULL_WIDTH_PITCH * height


def _digit_centres(word: Word) -> list[float]:
    """The centres of the digits of ``word``, evenly spaced, where it is all digits; else []."""
    text = unicodedata.normalize("NFKC", word.text.strip())
    if not text.isdigit():
        return []
    n = len(text)
    inset = min(DIGIT_HALF_INK * (word.bottom - word.top), (word.x1 - word.x0) / 2)
    first, last = word.x0 + inset, word.x1 - inset
    return [first + k * (last - first) / max(n - 1, 1) for k in range(n)]
