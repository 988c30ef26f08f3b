"""The page model every reader fills, and the table model the later stages share.

Coordinates are in the page's own units (PDF points for text-layer PDFs, pixels
for scans and images), origin top-left, y growing downwards.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


class Boxed:
    """The box and centre of anything with x0, top, x1 and bottom (a word, a block of words)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Word(Boxed):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float = 1.0  # recogniser score for OCR words; 1.0 for a text layer
    alternatives: tuple[tuple[str, float], ...] = ()  # other readings the recogniser produced
    clipped: bool = False  # only the start of a longer line was read (a skimmed prose line)


def split_word(word: Word, cuts: list[float]) -> list[Word]:
    """A word cut at the given x positions, its characters spread evenly over its width."""
    text = word.text
    n = len(text)
    if n < 2:
        return [word]
    step = (word.x1 - word.x0) / n
    pieces: list[Word] = []
    start = 0
    for cut in sorted(cuts) + [float("inf")]:
        end = n if cut == float("inf") else max(start, min(n, round((cut - word.x0) / step)))
        if end > start:
            pieces.append(Word(text[start:end], word.x0 + start * step, word.top, word.x0 + end * step, word.bottom, word.confidence))
        start = end
    return pieces or [word]


def split_words(words: list[Word], cuts: list[float]) -> list[list[Word]]:
    """``words`` cut at the sorted x positions ``cuts`` (split_word), their pieces sorted into the
    len(cuts) + 1 spans between them by their centres."""
    parts: list[list[Word]] = [[] for _ in range(len(cuts) + 1)]
    for word in words:
        for piece in split_word(word, [x for x in cuts if word.x0 < x < word.x1]):
            parts[bisect.bisect(cuts, piece.cx)].append(piece)
    return parts


@dataclass(frozen=True)
class Segment:
    """A ruling line, horizontal (y0 == y1) or vertical (x0 == x1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    unit: Literal["pt", "px"] = "pt"
    dpi: float | None = None  # set for pages read from pixels
    geometry_loaded: bool = True  # False while only the text has been read (lazy readers)
    # Pages read from pixels: re-creates the work image (uint8 grey, upright and deskewed) whose
    # pixels the words, segments and cell boxes are in, for debug pictures. A callable rather
    # than the image so that a long document does not hold every page image in memory.
    render: Callable[[], Any] | None = field(default=None, repr=False, compare=False)


@dataclass
class Document:
    path: str
    sha256: str
    kind: str  # pdf-text, pdf-scan, pdf-mixed, image, docx, html
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)
