"""Which pages of a text PDF hold the tables, from pdfium's fast text extraction.

pdfplumber's layout parse is the expensive part of reading a digital report; only the pages
from section 二's heading to the last page of table 四 need it (words with exact boxes, ruling lines).
The other pages are read by pdfium: the title page for the agency and year, the rest skipped.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from pipeline.document import Page, Word
from pipeline.locate import CONTENT_MARKERS, find_headings
from pipeline.text import normalize

TITLE_CHARS = 400  # the title is in the first characters of page 1


def plan(path: Path) -> tuple[set[int] | None, dict[int, Page]]:
    """Pages (1-based) that need the full read (None: all of them), and pdfium pages for the rest.

    Anything unexpected (pdfium cannot open the file, no heading found, a page whose text looks
    unusable) answers None: the full read then decides, and reports errors its own way.
    """
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None, {}
    try:
        texts = [_page_text(pdf, i) for i in range(len(pdf))]
        lines = [
            Page(number=i + 1, width=1.0, height=1.0, words=[Word(line, 0, n, 1, n + 1) for n, line in enumerate(text.splitlines()) if line.strip()], geometry_loaded=False)
            for i, text in enumerate(texts)
        ]
        headings = find_headings(lines)
        if "s2" not in headings:
            return None, {}
        first = headings["s2"].page
        # Table 四 is the last table: its column names mark the last page to read. (Not the 五
        # heading: a contents list at the top of the report names every section on page 1.)
        marked = [i + 1 for i, text in enumerate(texts) if any(m in normalize(text) for m in CONTENT_MARKERS["s4"])]
        last = max(marked) if marked and max(marked) >= first else len(pdf)
        needed = set(range(first, last + 1))
        light = {}
        if 1 not in needed:
            light[1] = _title_page(pdf)
        return needed, light
    finally:
        pdf.close()


def _page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    page = pdf[index]
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range()
    finally:
        textpage.close()
        page.close()


def _title_page(pdf: pdfium.PdfDocument) -> Page:
    """Page 1's first characters as words with boxes (origin top-left, points)."""
    from pipeline.read.pdf import group_chars

    page = pdf[0]
    width, height = page.get_size()
    textpage = page.get_textpage()
    chars = []
    try:
        for i in range(min(textpage.count_chars(), TITLE_CHARS)):
            text = textpage.get_text_range(i, 1)
            left, bottom, right, top = textpage.get_charbox(i)
            if text.strip():
                chars.append({"text": text, "x0": left, "x1": right, "top": height - top, "bottom": height - bottom, "size": top - bottom})
    finally:
        textpage.close()
        page.close()
    return Page(number=1, width=width, height=height, words=group_chars(chars, []), geometry_loaded=False)
