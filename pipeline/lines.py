"""Words grouped into visual text lines."""
from __future__ import annotations

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
    return "".join(w.text for line in group_lines(words) for w in line)
