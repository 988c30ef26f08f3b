"""Readers: each turns one kind of input into the shared page model (pipeline.document)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.document import Document, Page
from pipeline.errors import InputError

# Magic numbers: extensions lie on government websites.
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
MIN_PAGE_CHARS = 10  # fewer characters than this on a page: a scanned page, read by OCR
MAX_GARBAGE = 0.1  # share of unmapped or private-use glyphs above which the text layer is unusable
MIN_CJK = 0.2  # a report page is Chinese; a text layer that is not is a font without a Unicode map


@dataclass(frozen=True)
class ReadOptions:
    """How pixels are read (text layers ignore them).

    ocr_engine: rapid (PP-OCR on onnxruntime, built in) or paddle (the optional extra).
    structure: rules (the grid from ruling lines; tables printed without rules are rebuilt from
    word positions downstream) or tatr (the optional Table Transformer draws their grid).
    prose: skim (running text read only as far as needed to find the section headings) or full.
    """

    ocr_engine: str = "rapid"
    structure: str = "rules"
    prose: str = "skim"


def sniff_kind(path: Path) -> str:
    """What the file is, from its first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be opened ({exc.strerror})") from None
    if not head:
        raise InputError(f"{path}: empty file")
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(IMAGE_MAGIC):
        return "image"
    raise InputError(f"{path}: not a supported report file (expected a PDF or a PNG, JPEG or TIFF image)")


def text_layer_usable(page: Page) -> bool:
    """Whether the page's text layer can be trusted, or the page must be read from its pixels."""
    text = "".join(w.text for w in page.words)
    if len(text) < MIN_PAGE_CHARS:
        return False
    garbage = sum(1 for ch in text if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc"))
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return garbage <= MAX_GARBAGE * len(text) and cjk >= MIN_CJK * len(text)


def read_document(path: Path, options: ReadOptions = ReadOptions()) -> Document:
    """The page model of any supported input; PDF pages without a usable text layer are OCR'd."""
    kind = sniff_kind(path)
    if kind == "image":
        from pipeline.read.scan import read_image_file

        return read_image_file(path, options)
    from pipeline.read.pdf import read_pdf

    document = read_pdf(path)
    unusable = [page.number for page in document.pages if page.geometry_loaded and not text_layer_usable(page)]
    if not unusable:
        return document
    from pipeline.read.scan import UnreadableInput, read_pdf_scan

    all_scanned = len(unusable) == len(document.pages)
    try:
        scanned = read_pdf_scan(path, unusable, options=options)
    except UnreadableInput:
        if all_scanned:
            raise
        # Blank or picture-only pages beside a usable text layer: nothing to read there.
        document.warnings.append(f"pages {unusable}: no text layer and no text found by OCR")
        return document
    by_number = {page.number: page for page in scanned.pages}
    document.pages = [by_number.get(page.number, page) for page in document.pages]
    document.kind = "pdf-scan" if all_scanned else "pdf-mixed"
    document.warnings.extend(scanned.warnings)
    return document
