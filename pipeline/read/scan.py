"""The scanned-document reader: page images (scans, photos, image-only PDF pages) to the page
model, so that grid reconstruction, label mapping and checks run unchanged after it.

Per page: upright + deskew + seal suppression (raster.prepare), ruling lines by morphology
(raster.find_rulings) -> Segments, then the ink is cut into tight text-line crops, one set per
table cell (cells are the regions the rules enclose) plus the lines outside the tables
(headings, title, prose), and all crops are recognised in width-sorted batches. Each crop
becomes one Word with its recogniser score and runner-up readings.

Recognising tight crops instead of running full-page detection is the design measured in
issue 3: same or better accuracy at a fraction of the time (see tests/test_scan_read.py and
``python -m pipeline.read.scan --bench``).
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, Union

import cv2
import numpy as np

from pipeline.document import Document, Page, Word
from pipeline.errors import InputError
from pipeline.read import raster
from pipeline.read.ocr import DEFAULT_BATCH, Reading, get_recognizer

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
# An A4 page at 600 DPI is 35 Mpx; anything over this is not a page scan but a decompression
# bomb or a poster, and decoding it would cost gigabytes.
MAX_PIXELS = 80_000_000
A4_LONG_IN = 11.69
WORK_DPI_MAX = 300  # above this, pages are downscaled: OCR gains nothing, time grows


class UnreadableInput(InputError):
    """An image input that cannot be read: corrupt, too large, blank, no pages. One-line message."""


ImageInput = Union[np.ndarray, tuple[np.ndarray, float]]


# --------------------------------------------------------------------------- loading

def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _guess_dpi(shape: tuple[int, ...], declared: float | None) -> tuple[float, str | None]:
    """The page's DPI: the declared one if it fits an A4-ish page, else from the page size.

    Photos and many scans declare 72 or 96 DPI whatever their resolution; reports are A4, so
    the long side gives a better figure (a wrong DPI only scales our size thresholds)."""
    long_px = max(shape[:2])
    from_size = long_px / A4_LONG_IN
    if declared and 60 <= declared <= 1200 and 0.6 <= (long_px / declared) / A4_LONG_IN <= 1.6:
        return float(declared), None
    return round(from_size, 1), f"DPI taken from the page size ({from_size:.0f}, assuming A4)"


def load_image_pages(path: str | Path) -> tuple[list[tuple[np.ndarray, float]], list[str], bytes]:
    """Decode every page of an image file (multi-page TIFF included) as (BGR/grey, dpi)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"cannot open {path.name}: {exc.strerror or exc}") from exc
    if not data:
        raise UnreadableInput(f"{path.name} is empty")
    notes: list[str] = []
    pages: list[tuple[np.ndarray, float]] = []
    with warnings.catch_warnings():
        # PIL only warns between MAX_IMAGE_PIXELS and twice that: make it an error, and check
        # the header's size ourselves before any pixel is decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        old_max = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            with Image.open(io.BytesIO(data)) as im:
                for k, frame in enumerate(ImageSequence.Iterator(im)):
                    w, h = frame.size
                    if w * h > MAX_PIXELS:
                        raise UnreadableInput(
                            f"{path.name}: page {k + 1} is {w}x{h} pixels, over the {MAX_PIXELS // 1_000_000} Mpx limit for a page scan")
                    if w < 32 or h < 32:
                        raise UnreadableInput(f"{path.name}: page {k + 1} is only {w}x{h} pixels")
                    dpi_info = frame.info.get("dpi")
                    declared = float(dpi_info[0]) if dpi_info and dpi_info[0] else None
                    arr = _pil_to_array(frame)
                    dpi, note = _guess_dpi(arr.shape, declared)
                    if note:
                        notes.append(f"page {k + 1}: {note}")
                    pages.append((arr, dpi))
        except UnreadableInput:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnreadableInput(f"{path.name} is not a readable image ({type(exc).__name__})") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise UnreadableInput(f"{path.name} is corrupt or truncated ({str(exc).splitlines()[0][:80]})") from exc
        finally:
            Image.MAX_IMAGE_PIXELS = old_max
    if not pages:
        raise UnreadableInput(f"{path.name} has no pages")
    return pages, notes, data


def _pil_to_array(frame) -> np.ndarray:
    mode = frame.mode
    if mode in ("1", "L", "I;16", "I;16B", "I", "F"):
        arr = np.asarray(frame.convert("L"))
        return arr
    rgb = np.asarray(frame.convert("RGBA" if "A" in mode or mode == "P" else "RGB"))
    if rgb.shape[2] == 4:
        return cv2.cvtColor(rgb, cv2.COLOR_RGBA2BGRA)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def native_dpi(pdf_page) -> float | None:
    """Resolution of the largest image on an image-only PDF page (pixels per inch as placed)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    best = None
    for obj in pdf_page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        if not isinstance(obj, pdfium.PdfImage):
            continue
        try:
            pw, _ph = obj.get_px_size()
            x0, _y0, x1, _y1 = obj.get_pos()
        except Exception:  # a broken image object: ignore it, render at the default
            continue
        if x1 - x0 > 1 and (best is None or pw > best[0]):
            best = (pw, pw / ((x1 - x0) / 72.0))
    return best[1] if best else None


def render_pdf_pages(path: str | Path, page_numbers: Sequence[int] | None = None,
                     dpi: float | None = None) -> list[tuple[np.ndarray, float]]:
    """Render PDF pages (1-based numbers; default all) for OCR, as (BGR image, dpi).

    With ``dpi`` None each page is rendered at the resolution of its own scan image, kept
    within 150-300 DPI (below 150 digits get too small for the recogniser, above 300 only
    time grows); pages without images at 200."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise UnreadableInput(f"{Path(path).name} is not a readable PDF ({exc})") from exc
    try:
        numbers = list(page_numbers) if page_numbers else list(range(1, len(pdf) + 1))
        out = []
        for n in numbers:
            page = pdf[n - 1]
            d = dpi
            if d is None:
                nd = native_dpi(page)
                d = float(min(300.0, max(150.0, round(nd)))) if nd else 200.0
            w, h = page.get_size()
            if (w * d / 72) * (h * d / 72) > MAX_PIXELS:
                raise UnreadableInput(f"{Path(path).name}: page {n} would be over {MAX_PIXELS // 1_000_000} Mpx at {d:.0f} DPI")
            arr = page.render(scale=d / 72.0).to_numpy()
            out.append((np.ascontiguousarray(arr[..., :3]), d))
        return out
    finally:
        pdf.close()


# --------------------------------------------------------------------------- ink to text lines

@dataclass
class Crop:
    """One text line (or stacked vertical label) to recognise, and where it sits."""

    image: np.ndarray
    box: tuple[int, int, int, int]  # x0, top, x1, bottom of the ink, page pixels


@dataclass
class Ink:
    """The text ink of a page as connected components (rules removed, specks dropped)."""

    labels: np.ndarray  # component label image
    boxes: np.ndarray  # (N, 4) x0, y0, x1, y1 (exclusive) per component id (row 0 unused)
    keep: np.ndarray  # bool per component id: real text ink
    cx: np.ndarray
    cy: np.ndarray


def text_ink(prep: raster.Prepared, rul: raster.Rulings) -> Ink:
    ink = prep.ink.copy()
    if rul.line_mask.any():
        # One pixel around a rule is its anti-aliased edge, not text.
        ink &= ~cv2.dilate(rul.line_mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    n, labels, stats, cent = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    x, y, w, h, area = (stats[:, i] for i in range(5))
    min_area = max(2.0, (prep.dpi / 100.0) ** 2 * 1.5)  # a decimal point survives, JPEG specks not
    keep = (area >= min_area) & (np.maximum(w, h) >= max(2, prep.dpi / 100))
    keep[0] = False
    boxes = np.stack([x, y, x + w, y + h], axis=1)
    return Ink(labels=labels, boxes=boxes, keep=keep, cx=cent[:, 0], cy=cent[:, 1])


def char_height(boxes: np.ndarray, dpi: float) -> float:
    """Typical CJK character height among ``boxes``: square-ish components of text size."""
    if len(boxes):
        w = boxes[:, 2] - boxes[:, 0]
        h = boxes[:, 3] - boxes[:, 1]
        ok = (h >= 0.05 * dpi) & (h <= 0.5 * dpi) & (w >= 0.6 * h) & (w <= 1.6 * h)
        if ok.sum() >= 3:
            return float(np.median(h[ok]))
    return 0.14 * dpi  # 10.5 pt


def group_lines(ids: np.ndarray, boxes: np.ndarray, H: float, split_gap: float) -> list[list[int]]:
    """Components -> text lines: union of overlapping row intervals, re-joining the strokes of a
    lone character split by white rows (三, 二 in a vertical label), then split at wide gaps."""
    if not len(ids):
        return []
    order = ids[np.argsort(boxes[ids, 1])]
    runs: list[list[int]] = []
    tops: list[int] = []
    bots: list[int] = []
    for i in order:
        y0, y1 = int(boxes[i, 1]), int(boxes[i, 3])
        if runs and y0 < bots[-1] - 1:
            runs[-1].append(int(i))
            bots[-1] = max(bots[-1], y1)
        else:
            runs.append([int(i)])
            tops.append(y0)
            bots.append(y1)
    merged: list[list[int]] = []
    mt: list[int] = []
    mb: list[int] = []
    for run, t, b in zip(runs, tops, bots):
        if merged and b - mt[-1] <= 1.2 * H and t - mb[-1] <= 0.5 * H:
            merged[-1] += run
            mb[-1] = max(mb[-1], b)
        else:
            merged.append(run)
            mt.append(t)
            mb.append(b)
    lines: list[list[int]] = []
    for run in merged:
        run.sort(key=lambda i: boxes[i, 0])
        cur = [run[0]]
        right = boxes[run[0], 2]
        for i in run[1:]:
            if boxes[i, 0] - right > split_gap * H:
                lines.append(cur)
                cur = []
            cur.append(i)
            right = max(right, boxes[i, 2])
        lines.append(cur)
    return lines


def _bbox(ids: Sequence[int], boxes: np.ndarray) -> tuple[int, int, int, int]:
    b = boxes[list(ids)]
    return int(b[:, 0].min()), int(b[:, 1].min()), int(b[:, 2].max()), int(b[:, 3].max())


def cut(prep: raster.Prepared, ink: Ink, ids: Sequence[int], H: float,
        clip: tuple[int, int, int, int] | None, rules: np.ndarray | None) -> np.ndarray:
    """A tight crop of one text line: its ink box plus a margin of a fifth of the character
    height, other components and rules in the window whitened, never crossing ``clip`` (the
    cell). A whole cell given to the recogniser shrinks the text and 0 comes back as 。."""
    x0, y0, x1, y1 = _bbox(ids, ink.boxes)
    my = max(2, int(round(0.2 * H)))
    mx = max(2, int(round(0.25 * H)))
    # The window must not be lower than a character: a lone - or 一 needs its white context.
    need = int(0.9 * H) - (y1 - y0)
    if need > 0:
        my += need // 2
    wx0, wy0, wx1, wy1 = x0 - mx, y0 - my, x1 + mx, y1 + my
    cx0, cy0, cx1, cy1 = clip if clip else (0, 0, prep.grey.shape[1], prep.grey.shape[0])
    ax0, ay0, ax1, ay1 = max(wx0, cx0), max(wy0, cy0), min(wx1, cx1), min(wy1, cy1)
    win = prep.grey[ay0:ay1, ax0:ax1].copy()
    lab = ink.labels[ay0:ay1, ax0:ax1]
    mine = np.isin(lab, np.asarray(ids))
    win[(lab > 0) & ~mine] = 255
    if rules is not None:
        win[rules[ay0:ay1, ax0:ax1]] = 255
    win = cv2.copyMakeBorder(win, ay0 - wy0, wy1 - ay1, ax0 - wx0, wx1 - ax1, cv2.BORDER_CONSTANT, value=255)
    h, w = win.shape
    if w < h:  # a lone narrow digit: give it the width of a character, centred
        pad = (h - w) // 2
        win = cv2.copyMakeBorder(win, 0, 0, pad, h - w - pad, cv2.BORDER_CONSTANT, value=255)
    return win


def stitch(crops: Sequence[np.ndarray]) -> np.ndarray:
    """Stack-of-characters (a vertical merged label) laid out as one horizontal line, so the
    recogniser reads it with context instead of one character at a time."""
    h = max(c.shape[0] for c in crops)
    parts = []
    for c in crops:
        top = (h - c.shape[0]) // 2
        parts.append(cv2.copyMakeBorder(c, top, h - c.shape[0] - top, 0, 0, cv2.BORDER_CONSTANT, value=255))
    return np.hstack(parts)


def _is_speck(ids: Sequence[int], boxes: np.ndarray, H: float) -> bool:
    """A lone dot or short scratch in a cell (seal residue, dirt): smaller than a third of a
    character both ways. A dash (0 written as -) is wider and stays; a decimal point sits in
    a line with its digits and is never alone."""
    x0, y0, x1, y1 = _bbox(ids, boxes)
    return x1 - x0 < 0.35 * H and y1 - y0 < 0.35 * H


def _is_vertical_stack(lines: list[list[int]], boxes: np.ndarray, H: float) -> bool:
    if len(lines) < 3:
        return False
    for ids in lines:
        x0, y0, x1, y1 = _bbox(ids, boxes)
        if x1 - x0 > 1.5 * H or y1 - y0 > 1.5 * H:
            return False
    xs = [(_bbox(ids, boxes)[0] + _bbox(ids, boxes)[2]) / 2 for ids in lines]
    return max(xs) - min(xs) <= 1.0 * H


def page_crops(prep: raster.Prepared, rul: raster.Rulings) -> tuple[list[Crop], list[str]]:
    """Every text line of the page as a tight crop: per table cell, then outside the tables."""
    ink = text_ink(prep, rul)
    notes: list[str] = []
    kept = np.nonzero(ink.keep)[0]
    in_table = np.zeros(len(ink.keep), dtype=bool)
    rules = cv2.dilate(rul.line_mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) if rul.line_mask.any() else None
    crops: list[Crop] = []
    selections = []
    for t in rul.tables:
        x0, y0, x1, y1 = t.bbox
        sel = kept[(ink.cx[kept] >= x0) & (ink.cx[kept] < x1) & (ink.cy[kept] >= y0) & (ink.cy[kept] < y1)]
        in_table[sel] = True
        selections.append(sel)
    H_tab = char_height(ink.boxes[in_table], prep.dpi) if in_table.any() else char_height(ink.boxes[kept], prep.dpi)
    for t, sel in zip(rul.tables, selections):
        if not len(sel):
            continue
        labels, cell_boxes = raster.cell_labels(t, rul.line_mask, prep.dpi)
        x0, y0, x1, y1 = t.bbox
        cell_of = labels[(ink.cy[sel] - y0).astype(int).clip(0, y1 - y0 - 1), (ink.cx[sel] - x0).astype(int).clip(0, x1 - x0 - 1)]
        for cell in np.unique(cell_of):
            if cell == 0:
                continue  # ink on a rule, not in a cell
            ids = sel[cell_of == cell]
            bx0, by0, bx1, by1 = (int(v) for v in cell_boxes[cell])
            clip = (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1)
            lines = [l for l in group_lines(ids, ink.boxes, H_tab, split_gap=3.0) if not _is_speck(l, ink.boxes, H_tab)]
            if not lines:
                continue
            if _is_vertical_stack(lines, ink.boxes, H_tab):
                img = stitch([cut(prep, ink, l, H_tab, clip, rules) for l in lines])
                crops.append(Crop(img, _bbox([i for l in lines for i in l], ink.boxes)))
                continue
            for l in lines:
                crops.append(Crop(cut(prep, ink, l, H_tab, clip, rules), _bbox(l, ink.boxes)))
    outside = kept[~in_table[kept]]
    if len(outside):
        H_txt = char_height(ink.boxes[outside], prep.dpi)
        for l in group_lines(outside, ink.boxes, H_txt, split_gap=2.0):
            x0, y0, x1, y1 = _bbox(l, ink.boxes)
            if y1 - y0 > 3 * H_txt:
                notes.append(f"skipped a non-text blob at ({x0},{y0})-({x1},{y1})")  # picture, seal, scan border
                continue
            crops.append(Crop(cut(prep, ink, l, H_txt, None, None), (x0, y0, x1, y1)))
    return crops, notes


# --------------------------------------------------------------------------- pages and documents

@dataclass
class PageResult:
    page: Page
    prepared: raster.Prepared
    rulings: raster.Rulings
    notes: list[str]


def read_page(img: np.ndarray, number: int, dpi: float, engine: str = "rapid",
              batch_size: int = DEFAULT_BATCH, detect_orientation: bool = True) -> PageResult:
    """One page image -> Page (words + segments in the upright, deskewed page's pixels)."""
    if dpi > WORK_DPI_MAX * 1.1:
        f = WORK_DPI_MAX / dpi
        img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        dpi = float(WORK_DPI_MAX)
    prep = raster.prepare(img, dpi, detect_orientation=detect_orientation)
    rul = raster.find_rulings(prep.ink, dpi, prep.seal)
    crops, notes = page_crops(prep, rul)
    readings: list[Reading] = get_recognizer(engine).recognize([c.image for c in crops], batch_size) if crops else []
    words = [
        Word(text=r.text, x0=float(c.box[0]), top=float(c.box[1]), x1=float(c.box[2]), bottom=float(c.box[3]),
             confidence=r.score, alternatives=r.alternatives)
        for c, r in zip(crops, readings) if r.text.strip()
    ]
    words.sort(key=lambda w: (w.top, w.x0))
    h, w = prep.grey.shape
    page = Page(number=number, width=float(w), height=float(h), words=words, segments=rul.segments(),
                unit="px", dpi=dpi)
    notes = [f"page {number}: {n}" for n in prep.notes + notes]
    if prep.rotation:
        notes.append(f"page {number}: turned {prep.rotation} degrees to stand upright")
    return PageResult(page, prep, rul, notes)


def read_images(images: Sequence[ImageInput], path: str | Path, kind: str = "image",
                numbers: Sequence[int] | None = None, engine: str = "rapid",
                sha256: str | None = None) -> Document:
    """Read page images (arrays, or (array, dpi) pairs; DPI guessed from an A4 page otherwise)
    into a Document. Raises UnreadableInput when no page has any text."""
    pages: list[Page] = []
    warns: list[str] = []
    h = hashlib.sha256()
    for k, item in enumerate(images):
        img, dpi = item if isinstance(item, tuple) else (item, None)
        if img is None or getattr(img, "size", 0) == 0:
            raise UnreadableInput(f"{Path(path).name}: page {k + 1} has no pixels")
        if dpi is None:
            dpi, note = _guess_dpi(img.shape, None)
            warns.append(f"page {k + 1}: {note}")
        if sha256 is None:
            h.update(np.ascontiguousarray(img).tobytes()[:1 << 20])
        number = numbers[k] if numbers else k + 1
        res = read_page(img, number, float(dpi), engine=engine)
        pages.append(res.page)
        warns += res.notes
        if not res.page.words:
            warns.append(f"page {number}: no text found")
    if not pages:
        raise UnreadableInput(f"{Path(path).name} has no pages")
    if not any(p.words for p in pages):
        raise UnreadableInput(f"{Path(path).name}: no text on any page (blank or not a document)")
    return Document(path=str(path), sha256=sha256 or h.hexdigest(), kind=kind, pages=pages, warnings=warns)


def read_image_file(path: str | Path, engine: str = "rapid") -> Document:
    """Read a .png/.jpg/.jpeg/.tif/.tiff file (every TIFF page) into a Document of kind "image"."""
    path = Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise UnreadableInput(f"{path.name}: not an image file ({', '.join(IMAGE_SUFFIXES)})")
    pages, notes, data = load_image_pages(path)
    doc = read_images(pages, path, kind="image", engine=engine, sha256=_sha256_bytes(data))
    doc.warnings[:0] = notes
    return doc


def read_pdf_scan(path: str | Path, page_numbers: Sequence[int] | None = None, dpi: float | None = None,
                  engine: str = "rapid", kind: str = "pdf-scan") -> Document:
    """OCR the given pages of a PDF (all by default), e.g. an image-only scan."""
    path = Path(path)
    rendered = render_pdf_pages(path, page_numbers, dpi)
    numbers = list(page_numbers) if page_numbers else list(range(1, len(rendered) + 1))
    return read_images(rendered, path, kind=kind, numbers=numbers, engine=engine,
                       sha256=_sha256_bytes(path.read_bytes()))
