"""Text-layer PDF reader: words with boxes and ruling segments per page, via pdfplumber."""
from __future__ import annotations

import bisect
import hashlib
import re
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.document import Document, Page, Segment, Word
from pipeline.errors import InputError
from pipeline.read.triage import plan

DUPLICATE_OFFSET = 1.0  # pt; the same glyph again within this is a fake-bold copy
MIN_SEGMENT = 2.0  # pt; shorter edges are the ends of thin filled rectangles, not rules
_CID = re.compile(r"\(cid:\d+\)")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_pdf(path: Path) -> Document:
    """Every page; the words and rules only of the pages that hold the tables (see triage)."""
    needed, light = plan(path)
    try:
        with pdfplumber.open(path) as pdf:
            pages = [
                _read_page(page) if needed is None or page.page_number in needed else light.get(page.page_number) or _skipped(page)
                for page in pdf.pages
            ]
    except Exception as exc:  # pdfminer raises many kinds, often wrapped; all mean "unreadable"
        raise InputError(_unreadable_message(path, exc)) from None
    if not pages:
        raise InputError(f"{path}: PDF has no pages")
    return Document(path=str(path), sha256=file_sha256(path), kind="pdf-text", pages=pages)


def _unreadable_message(path: Path, exc: Exception) -> str:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return f"{path}: encrypted PDF (a password is needed to read it)"
    detail = str(cause).strip() or type(cause).__name__
    return f"{path}: corrupt or truncated PDF ({detail})"


def _skipped(page: "pdfplumber.page.Page") -> Page:
    return Page(number=page.page_number, width=float(page.width), height=float(page.height), geometry_loaded=False)


def _read_page(page: "pdfplumber.page.Page") -> Page:
    segments = [
        Segment(float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"]))
        for e in page.edges
        if max(float(e["x1"]) - float(e["x0"]), float(e["bottom"]) - float(e["top"])) >= MIN_SEGMENT
    ]
    words = group_chars(page.chars, segments)
    return Page(number=page.page_number, width=float(page.width), height=float(page.height), words=words, segments=segments)


def group_chars(chars: list[dict], segments: list[Segment]) -> list[Word]:
    """Group characters into words, never across a vertical rule (adjacent cells can touch)."""
    verticals = sorted((s.x0, s.y0, s.y1) for s in segments if not s.horizontal)
    xs = [v[0] for v in verticals]
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (float(c["top"]), float(c["x0"]))):
        # Measured from the line's first character, so that lines at close heights in
        # neighbouring cells cannot chain into one.
        if lines and abs(float(lines[-1][0]["top"]) - float(char["top"])) < 0.5 * float(char["size"] or 1):
            lines[-1].append(char)
        elif char["text"].strip():
            lines.append([char])
    words: list[Word] = []
    for line in lines:
        line.sort(key=lambda c: float(c["x0"]))
        run: list[dict] = []
        for char in line:
            if not char["text"].strip():  # a printed space separates words whatever its width
                if run:
                    words.append(_word(run))
                run = []
                continue
            if run:
                prev = run[-1]
                if char["text"] == prev["text"] and abs(float(char["x0"]) - float(prev["x0"])) < DUPLICATE_OFFSET:
                    continue  # fake bold draws each glyph twice, a hair apart: "0" would read "00"
                gap = float(char["x0"]) - float(prev["x1"])
                if gap > 0.6 * float(char["size"] or 10) or _rule_between(prev, char, xs, verticals):
                    words.append(_word(run))
                    run = []
            run.append(char)
        if run:
            words.append(_word(run))
    return words


def _rule_between(left: dict, right: dict, xs: list[float], verticals: list[tuple[float, float, float]]) -> bool:
    lo, hi = float(left["x0"]) + 0.5 * (float(left["x1"]) - float(left["x0"])), float(right["x0"]) + 0.5 * (
        float(right["x1"]) - float(right["x0"])
    )
    mid = (float(left["top"]) + float(left["bottom"])) / 2
    for i in range(bisect.bisect_left(xs, lo), bisect.bisect_right(xs, hi)):
        _, y0, y1 = verticals[i]
        if y0 - 1 <= mid <= y1 + 1:
            return True
    return False


def _word(chars: list[dict]) -> Word:
    text = _CID.sub("\ufffd", "".join(c["text"] for c in chars))
    return Word(
        text=text,
        x0=min(float(c["x0"]) for c in chars),
        top=min(float(c["top"]) for c in chars),
        x1=max(float(c["x1"]) for c in chars),
        bottom=max(float(c["bottom"]) for c in chars),
    )
