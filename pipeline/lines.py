"""Words grouped into visual text lines."""
from __future__ import annotations

import re
import unicodedata

from pipeline.document import Word
from pipeline.text import CLOSING, OPENING


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
    the pieces of one word (join_pieces: １０１ in a wide font, read as 10 and 1 on a scan, is
    one number)."""
    parts = []
    for line in group_lines(join_pieces(words)):
        for prev, word in zip([None, *line], line):
            if prev is not None and word.x0 - prev.x1 > 0.25 * (word.bottom - word.top):
                parts.append(" ")
            parts.append(word.text)
    return "".join(parts)


TOUCHING = 0.1  # word heights: the most white between two word boxes of one word


def join_pieces(words: list[Word]) -> list[Word]:
    """Pieces of one word on a line joined, as a text layer gives them: digits set a full-width
    pitch apart (a scan's reader cuts ６２, narrow glyphs in wide advances, into 6 and 2), and
    words whose boxes touch across a full-width bracket or mark (采购总金额 and （元）: the white
    cut between them was the advance of the bracket). A table without rules would take each
    piece for a cell."""
    out: list[Word] = []
    for line in group_lines(words):
        joined = [line[0]]
        for word in line[1:]:
            prev = joined[-1]
            touching = word.x0 - prev.x1 <= TOUCHING * (word.bottom - word.top) and (
                word.text.strip()[:1] in OPENING or prev.text.strip()[-1:] in CLOSING)
            pieces = not touching and _full_width_pitch(prev, word)
            if touching or pieces:
                alternatives = tuple((a + word.text, s) for a, s in prev.alternatives) + tuple(
                    (prev.text + a, s) for a, s in word.alternatives)
                text = "".join((prev.text + word.text).split()) if pieces else prev.text + word.text
                joined[-1] = Word(text, prev.x0, min(prev.top, word.top), word.x1,
                                  max(prev.bottom, word.bottom), min(prev.confidence, word.confidence),
                                  alternatives)
            else:
                joined.append(word)
        out += joined
    return out


# Word heights: the most between the centres of two full-width characters of one number (1.2
# beside a full-width point, whose ink sits off its advance's centre; ４ and １． of ４１．４５ in
# SimSun, 12 pt at 200 DPI, 1.44 as guessed from their boxes).
FULL_WIDTH_PITCH = 1.5
FULL_WIDTH_LEAST = 0.6  # word heights: the least pitch of the digits within a word of full-width digits (measured 0.7-1.0; half-width 0.3-0.45)
DIGIT_HALF_INK = 0.25  # word heights: half the ink width of a digit (from a word's edge to its digit's centre)
# Word heights: how much further the next digit stands from a full-width point ending a piece:
# its ink sits at the left of its advance (1.3 em from its ink to the next digit's centre, 1.56
# heights), and its place within its piece is guessed from even spacing (measured 1.72).
POINT_OFFSET = 0.5


def _full_width_pitch(prev: Word, word: Word) -> bool:
    """Whether ``prev`` and ``word`` (words of digits only; ``word`` may end in its unit,
    ９．５ and ３万元) are pieces of one number in full-width digits: their nearest digits stand
    no more than a full-width pitch apart, and the digits within each word (where it has
    several) at least nearly as far. Half-width digits half a character apart (12 and 3) are
    two numbers."""
    height = word.bottom - word.top
    centres = [_digit_centres(prev), _digit_centres(word, unit=True)]
    if not all(centres):
        return False
    for c in centres:
        if len(c) > 1 and (c[-1] - c[0]) / (len(c) - 1) < FULL_WIDTH_LEAST * height:
            return False
    # A full-width point ending the first piece has its ink at the left of its advance: the
    # digit after it stands further off (３．７ read as 3. and 7 at 150 DPI).
    after_point = POINT_OFFSET * height if unicodedata.normalize("NFKC", prev.text).strip().endswith(".") else 0.0
    return centres[1][0] - centres[0][-1] <= FULL_WIDTH_PITCH * height + after_point


_NUMBER = re.compile(r"[0-9,.]*[0-9][0-9,.]*")  # .38 of １５５．３８ too
_NUMBER_UNIT = re.compile(r"[0-9,.]*[0-9][0-9,.]*[\u4e00-\u9fff]{0,2}")  # 3万元


def _digit_centres(word: Word, unit: bool = False) -> list[float]:
    """The centres of the characters of ``word``, evenly spaced, where it is a number (digits,
    and the separators that a full-width number sets at the same pitch: ２８，２７１), followed by
    a unit of one or two Chinese characters if ``unit``; else []."""
    # The recogniser may write a space beside a full-width point (４９６．１１ read 496 / . 1 / 1).
    text = "".join(unicodedata.normalize("NFKC", word.text).split())
    if not (_NUMBER_UNIT if unit else _NUMBER).fullmatch(text):
        return []
    n = len(text)
    inset = min(DIGIT_HALF_INK * (word.bottom - word.top), (word.x1 - word.x0) / 2)
    first, last = word.x0 + inset, word.x1 - inset
    return [first + k * (last - first) / max(n - 1, 1) for k in range(n)]
