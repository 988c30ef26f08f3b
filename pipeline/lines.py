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
    single digits set a full-width pitch apart (１１ in a wide font, each digit its own word
    on a scan): one number."""
    parts = []
    for line in group_lines(words):
        for prev, word in zip([None, *line], line):
            height = word.bottom - word.top
            if prev is not None and word.x0 - prev.x1 > 0.25 * height and not (
                    _digit(prev) and _digit(word) and word.cx - prev.cx <= FULL_WIDTH_PITCH * height):
                parts.append(" ")
            parts.append(word.text)
    return "".join(parts)


FULL_WIDTH_PITCH = 1.15  # word heights: the most between the centres of two full-width digits of one number


def _digit(word: Word) -> bool:
    text = word.text.strip()
    return len(text) == 1 and unicodedata.normalize("NFKC", text).isdigit()
