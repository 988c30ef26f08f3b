"""The scanned-document reader: page images (scans, photos, image-only PDF pages) to the page
model, so that grid reconstruction, label mapping and checks run unchanged after it.

Per page: upright + deskew + seal suppression (raster.prepare), ruling lines by morphology
(raster.find_rulings) -> Segments, then the ink is cut into tight text-line crops, one set per
table cell (cells are the regions the rules enclose) plus the lines outside the tables
(headings, title, prose), and all crops are recognised in width-sorted batches. Each crop
becomes one Word with its recogniser score and runner-up readings.

Recognising tight crops instead of running full-page detection is the design measured in
issue 3: same or better accuracy at a quarter of the time (tests/test_scan_read.py, and
``python -m pipeline.synth.scan bench SAMPLE.pdf --level mild``).

What the recogniser cannot be trusted with is settled before or after it:

* zero marks: a cell whose only ink is one flat bar (a dash) or one thin right-leaning stroke
  (a slash) is read from its shape (_zero_mark); alone the recogniser read 一/中 for a dash
  and 1 for a slash;
* seals: a reading whose box lies under a seal keeps at most SEAL_SCORE (the cell is flagged
  for review, never silently wrong); a blank-looking cell under a seal gets a second look
  for marks paler than the ink threshold (_faint_crop);
* specks above or below a line (JPEG noise, a seal's trace) are dropped (_without_specks);
  two stacked characters (总/计) are read as one line, like a vertical label.

Each Page keeps ``render``, a callable that re-creates its work image (the pixels the words,
segments and cell boxes are in) for the debug pictures (pipeline/debug.py), so that no page
image stays in memory.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import io
import itertools
import re
import unicodedata
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, Union

import cv2
import numpy as np

from pipeline.disjoint import DisjointSets
from pipeline.document import Document, Page, Word
from pipeline.errors import InputError
from pipeline.meta import TITLE_LINES, ends_title
from pipeline.read import ReadOptions, raster
from pipeline.read.ocr import DEFAULT_BATCH, Reading, get_recognizer
from pipeline.text import CLOSING, OPENING, solid_width

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
# An A4 page at 600 DPI is 35 Mpx; anything over this is not a page scan but a decompression
# bomb or a poster, and decoding it would cost gigabytes.
MAX_PIXELS = 80_000_000
A4_LONG_IN = 11.69
# Pages above this are downscaled first: crops are scaled to the recogniser's 48-px height
# anyway, and 300-DPI clean scans read the same at 200 (measured) in 0.8x the time.
WORK_DPI_MAX = 200


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


def iter_image_pages(path: str | Path, data: bytes | None = None) -> Iterator[tuple[np.ndarray, float, str | None]]:
    """Decode the pages of an image file (multi-page TIFF included) one at a time, as
    (BGR or grey array, dpi, note on the dpi): a 100-page TIFF never sits in memory whole."""
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    path = Path(path)
    if data is None:
        data = _read_bytes(path)
    with warnings.catch_warnings():
        # PIL only warns between MAX_IMAGE_PIXELS and twice that: make it an error, and check
        # each page's size from its header before any pixel is decoded. (MAX_IMAGE_PIXELS is
        # PIL's global; it is restored when the file is done.)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        old_max = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            with Image.open(io.BytesIO(data)) as im:
                is_jpeg = im.format == "JPEG"
                for k, frame in enumerate(ImageSequence.Iterator(im)):
                    w, h = frame.size
                    if w * h > MAX_PIXELS:
                        raise UnreadableInput(
                            f"{path}: page {k + 1} is {w}x{h} pixels, over the {MAX_PIXELS // 1_000_000} Mpx limit for a page scan")
                    if w < 32 or h < 32:
                        raise UnreadableInput(f"{path}: page {k + 1} is only {w}x{h} pixels")
                    dpi_info = frame.info.get("dpi")
                    # PNG stores pixels per metre: 150 DPI comes back as 150.0124.
                    declared = round(float(dpi_info[0]), 1) if dpi_info and dpi_info[0] else None
                    # Phone photos store their rotation in EXIF; apply it before anything else.
                    arr = _pil_to_array(ImageOps.exif_transpose(frame) if is_jpeg else frame)
                    dpi, note = _guess_dpi(arr.shape, declared)
                    yield arr, dpi, (f"page {k + 1}: {note}" if note else None)
        except UnreadableInput:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnreadableInput(
                f"{path}: image over the {MAX_PIXELS // 1_000_000} Mpx limit for a page scan (decompression bomb?)") from exc
        except UnidentifiedImageError as exc:
            raise UnreadableInput(f"{path} is not a readable image") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise UnreadableInput(f"{path} is corrupt or truncated ({str(exc).splitlines()[0][:80]})") from exc
        finally:
            Image.MAX_IMAGE_PIXELS = old_max


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"cannot open {path}: {exc.strerror or exc}") from exc
    if not data:
        raise UnreadableInput(f"{path} is empty")
    return data


def _pil_to_array(frame) -> np.ndarray:
    mode = frame.mode
    if mode in ("1", "L", "I;16", "I;16B", "I;16L", "I", "F"):
        # As stored: raster.to_bgr scales 16-bit and float pages (PIL's convert("L") clips
        # 16-bit values above 255 to white).
        return np.asarray(frame)
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
            x0, _y0, x1, _y1 = obj.get_bounds()
        except pdfium.PdfiumError:  # a broken image object: ignore it, render at the default
            continue
        if x1 - x0 > 1 and (best is None or pw > best[0]):
            best = (pw, pw / ((x1 - x0) / 72.0))
    return best[1] if best else None


def iter_pdf_pages(path: str | Path, page_numbers: Sequence[int] | None = None,
                   dpi: float | None = None) -> Iterator[tuple[np.ndarray, float]]:
    """Render PDF pages (1-based numbers; default all) for OCR one at a time, as (BGR, dpi).

    With ``dpi`` None each page is rendered at the resolution of its own scan image, kept
    within 150-300 DPI (below 150 digits get too small for the recogniser, above 300 only
    time grows); pages without images at 200."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise UnreadableInput(f"{path} is not a readable PDF ({exc})") from exc
    try:
        numbers = list(page_numbers) if page_numbers else list(range(1, len(pdf) + 1))
        for n in numbers:
            if not 1 <= n <= len(pdf):
                raise UnreadableInput(f"{path} has no page {n}")
            page = pdf[n - 1]
            d = dpi
            if d is None:
                nd = native_dpi(page)
                d = float(min(300.0, max(150.0, round(nd)))) if nd else 200.0
            w, h = page.get_size()
            if (w * d / 72) * (h * d / 72) > MAX_PIXELS:
                raise UnreadableInput(f"{path}: page {n} would be over {MAX_PIXELS // 1_000_000} Mpx at {d:.0f} DPI")
            arr = page.render(scale=d / 72.0).to_numpy()  # BGR(x), pdfium's native order
            yield np.ascontiguousarray(arr[..., :3]), d
    finally:
        pdf.close()


def render_pdf_pages(path: str | Path, page_numbers: Sequence[int] | None = None,
                     dpi: float | None = None) -> list[tuple[np.ndarray, float]]:
    """All requested pages at once (see iter_pdf_pages; prefer it for long documents)."""
    return list(iter_pdf_pages(path, page_numbers, dpi))


# --------------------------------------------------------------------------- ink to text lines

@dataclass
class Crop:
    """One text line (or stacked vertical label) to recognise, and where it sits."""

    image: np.ndarray
    box: tuple[int, int, int, int]  # x0, top, x1, bottom of the ink, page pixels
    # Given this crop's reading, the crop to read instead (None: keep the reading): a skimmed
    # prose line that starts like a heading, a squeezed line that turned out to hold digits.
    redo: Callable[[Reading], "Crop | None"] | None = None
    skimmed: bool = False
    fixed: Reading | None = None  # known from its shape alone (a dash): not recognised
    faint: bool = False  # marks paler than ink in a blank cell under a seal (_faint_crop)
    # A bar before the number that may be a minus: pale, just left of the ink (_faint_bar_before),
    # or in the ink but touching the digit (_minus_first).
    maybe_minus: bool = False
    minus: bool = False  # the line's ink starts with a minus sign's bar standing apart (_minus_first)
    # A zero mark its ink's shape draws under a seal (_grown_zero_mark): taken unless the
    # recogniser reads a number and is sure of it (the seal may hide the rest of a digit).
    mark: Reading | None = None
    em: float = 0.0  # the character height of its text (set by page_crops)
    title: bool = False  # a line among the first of the first page, where the title may stand
    # A skimmed prose line among those: the whole line, read where the title may run on into it.
    whole: "Crop | None" = None


# A prose line is read in full when its first characters look like a section heading: 一、 二．
# （三） 4、 第五部分, or a numeral set off by a space (四 因政府信息公开…: the space may not be
# read, so any line starting with a numeral) ... (the locate stage needs 二、主动公开政府信息情况
# and its siblings).
HEADING_RE = re.compile(r"^\s*(第?[一二三四五六七八九十]{1,3}|[（(][一二三四五六七八九十0-9]{1,3}[)）]|"
                        r"[0-9]{1,2}\s*[、．]|第[一二三四五六七八九十]{1,3}[部分章节条])")
SKIM_CHARS = 10  # characters read from the start of other prose lines
HEADING_START = 4  # characters of a heading's words that tell it from numbered prose


@functools.cache
def _heading_chars() -> frozenset[str]:
    from pipeline.taxonomy import load

    return frozenset(ch for variants in load().section_headings.values() for v in variants for ch in v)


def _may_be_heading(prefix: str) -> bool:
    """A skimmed prose line worth reading in full: numbered like a heading, and its first
    words made of the characters of the section headings. Numbered prose (（三）监督保障。…,
    half a page in many reports) is not read twice; one misread character of
    二、主动公开政府信息情况 still passes."""
    m = HEADING_RE.match(prefix)
    if not m:
        return False
    words = [ch for ch in prefix[m.end():] if unicodedata.category(ch) == "Lo"][:HEADING_START]
    return sum(ch in _heading_chars() for ch in words) >= len(words) - 1
PROSE_WIDTH = 0.6  # share of the text block's width from which a one-word line is running text
PROSE_GAP = 2.5  # character heights: the widest gap inside a line of running text
PROSE_RUN = 0.6  # share of a line of running text in its longest word
TITLE_HEIGHT = 1.4  # characters this much taller than the page's are a title's: read in full
DIGIT_PAIR = re.compile(r"[0-9][0-9,.]*[0-9]")
FAINT = 35  # grey levels above the ink threshold down to which a stroke is grown (text_ink)
PAPER = 235  # grey levels at or above this in a crop are paper (flattened page)
SQUEEZE = 0.5  # measured: same character error rate as unsqueezed on mild and hard labels; 0.4 loses
SQUEEZED_FILL = 0.7  # share of its line's ink a squeezed reading set solid must fill (measured: 0.86 and up on read labels)
SQUEEZED_SURE = 0.5  # a squeezed reading whose weakest character is less sure is read again unsqueezed
MINUS_FUSED = 0.3  # the digits' heights: a minus fused with its digit (measured 0.44 and 0.5; a 4's crossbar 0.2 at most)
# Character heights: how far before its number a pale minus is looked for (a full-width －,
# its ink in the middle of a full-width advance, ends 0.6 before its digit at 150 DPI; 0.9 had
# missed it, and -5 came out a sure 5).
MINUS_REACH = 1.6
MINUS_APART = 0.1  # the digits' heights: white between a minus and its number (measured 0.13 and up; a 4's crossbar 0-0.06)


@dataclass
class Ink:
    """The text ink of a page as connected components (rules removed, specks dropped)."""

    labels: np.ndarray  # component label image
    boxes: np.ndarray  # (N, 4) x0, y0, x1, y1 (exclusive) per component id (row 0 unused)
    keep: np.ndarray  # bool per component id: real text ink
    cx: np.ndarray
    cy: np.ndarray

    def pixels_of(self, ids: Sequence[int], y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """Where components ``ids`` are in a window of the page (bool), by a table per id:
        np.isin sorted the window for every crop, 3% of a page's time."""
        mine = np.zeros(len(self.boxes), dtype=bool)
        mine[np.asarray(ids, dtype=np.intp)] = True
        return mine[self.labels[y0:y1, x0:x1]]


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


GLYPH_GAP = 0.3  # character heights: the most white between stacked pieces of one character
GLYPH_HEIGHT = 1.3  # character heights: the most a character of stacked pieces may span
GLYPH_BODY = 0.45  # character heights: the least height of the larger of two pieces joined
TINY_ROW = 0.35  # character heights: a row of components no higher is a stroke or a dot of a line beside it


def _glyphs(ids: np.ndarray, boxes: np.ndarray, H: float) -> list[list[int]]:
    """Components -> characters: pieces stacked one over the other with little white between
    them (量's 日 over its 里, 然's 灬) are one character, as long as the whole is no higher
    than a character. Nearest pieces are joined first, so a stroke joins its own character
    before it could join one of the next line, and one of two joined is a character's body
    (at least GLYPH_BODY high) or both are strokes as wide (the strokes of 三): two specks, a
    comma over the dot of the next line's 计, are no character, and chained the two lines of
    a wrapped label into one."""
    heights = boxes[ids, 3] - boxes[ids, 1]
    if len(ids) < 2 or heights.min() >= 0.8 * H:
        return [[int(i)] for i in ids]  # most cells: one number, no pieces
    b = boxes[ids].astype(np.float64)
    sets = DisjointSets(len(ids))
    small = np.flatnonzero(b[:, 3] - b[:, 1] < 0.8 * H)
    by_top = np.argsort(b[:, 1], kind="stable")
    tops = b[by_top, 1]
    pairs_i, pairs_j, gaps = [], [], []
    for start in range(0, len(small), 64):
        # Only components whose tops lie within a character of the pieces can join them.
        chunk = small[start:start + 64]
        lo = np.searchsorted(tops, b[chunk, 1].min() - GLYPH_HEIGHT * H)
        hi = np.searchsorted(tops, b[chunk, 3].max() + GLYPH_GAP * H, side="right")
        near = np.sort(by_top[lo:hi])
        p, c = b[chunk][:, None, :], b[near][None, :, :]
        overlap = np.minimum(p[..., 2], c[..., 2]) - np.maximum(p[..., 0], c[..., 0])
        narrower = np.minimum(p[..., 2] - p[..., 0], c[..., 2] - c[..., 0])
        gap = np.maximum(p[..., 1], c[..., 1]) - np.minimum(p[..., 3], c[..., 3])
        span = np.maximum(p[..., 3], c[..., 3]) - np.minimum(p[..., 1], c[..., 1])
        body = (np.maximum(p[..., 3] - p[..., 1], c[..., 3] - c[..., 1]) >= GLYPH_BODY * H) | (
            np.minimum(p[..., 2] - p[..., 0], c[..., 2] - c[..., 0]) >= GLYPH_BODY * H)
        ok = (overlap >= 0.5 * narrower) & (gap <= GLYPH_GAP * H) & (span <= GLYPH_HEIGHT * H) & body
        ok &= chunk[:, None] != near[None, :]
        pi, pj = np.nonzero(ok)
        pairs_i.append(chunk[pi])
        pairs_j.append(near[pj])
        gaps.append(gap[pi, pj])
    pi, j, gap = (np.concatenate(x) for x in (pairs_i, pairs_j, gaps))
    top = b[:, 1].copy()
    bottom = b[:, 3].copy()
    for k in np.argsort(gap, kind="stable"):
        r1, r2 = sets.find(int(pi[k])), sets.find(int(j[k]))
        if r1 == r2:
            continue
        t, u = min(top[r1], top[r2]), max(bottom[r1], bottom[r2])
        if u - t > GLYPH_HEIGHT * H:
            continue
        sets.union(r1, r2)
        r = sets.find(r1)
        top[r], bottom[r] = t, u
    groups: dict[int, list[int]] = {}
    for k, i in enumerate(ids):
        groups.setdefault(sets.find(k), []).append(int(i))
    return list(groups.values())


def _row_runs(ids: Sequence[int], boxes: np.ndarray, H: float) -> list[list[int]]:
    """Components -> rows: union of overlapping row intervals of characters (_glyphs),
    re-joining the strokes of a lone character split by white rows (三, 二 in a vertical label)."""
    ids = np.asarray(ids)
    if not len(ids):
        return []
    glyphs = _glyphs(ids, boxes, H)
    g_top = np.array([boxes[g, 1].min() for g in glyphs])
    g_bottom = np.array([boxes[g, 3].max() for g in glyphs])
    runs: list[list[int]] = []
    tops: list[int] = []
    bots: list[int] = []
    for k in np.argsort(g_top, kind="stable"):
        y0, y1 = int(g_top[k]), int(g_bottom[k])
        if runs and y0 < bots[-1] - 1:
            runs[-1].extend(glyphs[k])
            bots[-1] = max(bots[-1], y1)
        else:
            runs.append(list(glyphs[k]))
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
    # A row no higher than a stroke or a dot (the dot of 六 over a line that starts lower than
    # the one before ends) is part of the nearer line beside it, not a line of its own: alone,
    # the dot was read as a dash, a zero in the label column.
    k = 0
    while k < len(merged) and len(merged) > 1:
        if mb[k] - mt[k] > TINY_ROW * H:
            k += 1
            continue
        above = mt[k] - mb[k - 1] if k > 0 else float("inf")
        below = mt[k + 1] - mb[k] if k + 1 < len(merged) else float("inf")
        if min(above, below) > 0.5 * H:
            k += 1
            continue
        j = k - 1 if above <= below else k + 1
        merged[j] += merged[k]
        mt[j], mb[j] = min(mt[j], mt[k]), max(mb[j], mb[k])
        del merged[k], mt[k], mb[k]
    return merged


def _split_at_gaps(ids: Sequence[int], boxes: np.ndarray, gap: float, H: float,
                   narrow_gap: float | None = None, faint: np.ndarray | None = None,
                   narrow_h: float | None = None) -> list[list[int]]:
    """Components of one row, left to right, cut where the white between them is wider than
    ``gap``, or than ``narrow_gap`` beside a narrow component, unless the ``faint`` ink mask
    (pixels paler than ink, darker than paper) runs across it (_bridged).

    A mark of punctuation stands at the left of a full character's width (、，。．）): the white
    after it is part of its character, not a gap, or 一、本年新收… would be cut after 一、 and
    ９．５３ after ９．. Narrow components (digits, a bracket, whose advance is wider than their
    ink: 1 1 in SimSun are 0.4 characters apart) are cut from their neighbours only at
    ``narrow_gap``; narrow is NARROW of ``narrow_h`` (default ``H``)."""
    narrow_gap = gap if narrow_gap is None else narrow_gap
    narrow_w = NARROW * (H if narrow_h is None else narrow_h)
    # Plain lists: this loop runs over every component of the page, and numpy's per-element
    # indexing cost a tenth of a page's time.
    order = [int(i) for i in sorted(ids, key=lambda i: boxes[i, 0])]
    box = boxes[order].tolist() if order else []
    starts = [b[0] for b in box]
    pieces = _side_by_side_pieces(order, boxes, H)
    stacked = _stacked_pieces(order, boxes, H, narrow_w)
    parts: list[list[int]] = [[]]
    right, right_narrow = 0.0, False
    rows = (0, 0)  # the rows of the part so far
    for k, i in enumerate(order):
        x0, y0, x1, y1 = box[k]
        narrow = x1 - x0 <= narrow_w and i not in pieces and i not in stacked
        # A stroke across the gap joins a component to the part before: it runs in rows they
        # share (the part's, not its last component's: the top stroke of a faint 二 after 第,
        # whose rightmost piece is low; nor the next component's alone, but its character's,
        # the pieces starting within half a character: the faint 一 between 上 and 年 runs
        # below 年's first piece).
        ahead = box[k:bisect.bisect_right(starts, x0 + 0.5 * H)]
        shared = (max(int(min(b[1] for b in ahead)), rows[0]), min(int(max(b[3] for b in ahead)), rows[1]))
        if (k and x0 - right > (narrow_gap if narrow or right_narrow else gap)
                and not _bridged(faint, int(right), int(x0), *shared, H)):
            parts.append([])
            rows = (int(y0), int(y1))
        parts[-1].append(i)
        rows = (min(rows[0], int(y0)), max(rows[1], int(y1))) if k else (int(y0), int(y1))
        # A small mark standing on its own (not a stroke within a character's span, like the
        # dots of 然) is punctuation; but not a piece at mid-height right beside another: the
        # end of 计's cross stroke, broken off by the blur of a 200-DPI JPEG (、 stands low).
        broken_stroke = i in pieces and (y0 + y1) / 2 < rows[0] + 0.6 * (rows[1] - rows[0])
        mark = x1 - x0 <= 0.5 * H and y1 - y0 <= 0.5 * H and (not k or x0 >= right) and not broken_stroke
        end = x0 + 0.9 * H if mark else x1
        if end >= right:
            right, right_narrow = end, narrow and not mark
    return parts


def _side_by_side_pieces(ids: Sequence[int], boxes: np.ndarray, H: float) -> set[int]:
    """The components with another beside them, in rows they share, no more than PIECE_GAP
    away (TALL_PIECE_GAP where both are as high as a character): pieces of one wider character
    (the 糸 of 組, the strokes of 公, 禾|斗 of 科), which are not narrow however narrow each is.
    Two digits 1 of one number stand further apart, and digits are lower than a character."""
    b = boxes[list(ids)].astype(np.float64)
    if len(b) < 2:
        return set()
    rows = np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1])
    white = np.maximum(b[:, None, 0], b[None, :, 0]) - np.minimum(b[:, None, 2], b[None, :, 2])
    tall = b[:, 3] - b[:, 1] >= TALL_PIECE * H
    near = (rows > 0) & ((white <= PIECE_GAP * H) | ((white <= TALL_PIECE_GAP * H) & tall[:, None] & tall[None, :]))
    np.fill_diagonal(near, False)
    return {int(ids[k]) for k in np.flatnonzero(near.any(axis=1))}


def _stacked_pieces(ids: Sequence[int], boxes: np.ndarray, H: float, narrow_w: float) -> set[int]:
    """The narrow components standing on or under a wider one, most of their width over it,
    no more than PIECE_GAP away: pieces of one wide character (the dots under 只 in 织), which
    are not narrow. Taken for a digit, the dot at the right edge of 组织 had kept the column
    name 法律服务机构, 0.7 characters away, in one block with 社会公益组织."""
    b = boxes[list(ids)].astype(np.float64)
    if len(b) < 2:
        return set()
    width = b[:, 2] - b[:, 0]
    over = np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0])
    white = np.maximum(b[:, None, 1], b[None, :, 1]) - np.minimum(b[:, None, 3], b[None, :, 3])
    near = (over >= 0.5 * width[:, None]) & (white <= PIECE_GAP * H) & (width[None, :] > narrow_w)
    near &= (width <= narrow_w)[:, None]
    np.fill_diagonal(near, False)
    return {int(ids[k]) for k in np.flatnonzero(near.any(axis=1))}


def _bridged(faint: np.ndarray | None, x0: int, x1: int, top: int, bottom: int, H: float) -> bool:
    """Whether faint ink runs across the white between ``x0`` and ``x1`` in rows ``top`` to
    ``bottom``: the thin horizontal strokes of 一 and 二 in SimSun, blurred on a scan, can be
    paler than the ink threshold, and 第二十条 then showed a word gap where 二 stands (read 第二 |
    二十条: both crops took in the faint stroke). The white between two cells is paper."""
    if faint is None or x1 <= x0 or bottom <= top:
        return False
    cols = faint[top:bottom, x0:x1].any(axis=0)
    if _longest_blank(cols) <= BRIDGE_WHITE * H:
        return True
    # A stroke is a run as long as a stroke: with the white of the characters' own spacing
    # on both sides of a faint 二 (6 px at 200 DPI, over a quarter of a character), its runs
    # still leave no white as wide as a third of one. JPEG ringing beside the ink of two
    # cells comes in runs of a few pixels and does not count.
    cols = _without_short_runs(cols, STROKE_RUN * H)
    return bool(cols.any()) and _longest_blank(cols) <= STROKE_WHITE * H


def _without_short_runs(cols: np.ndarray, min_run: float) -> np.ndarray:
    """``cols`` (bool, one per column) with its runs of True shorter than ``min_run`` cleared."""
    cols = cols.copy()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], cols.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a < min_run:
            cols[a:b] = False
    return cols


def _longest_blank(cols: np.ndarray) -> int:
    edges = np.flatnonzero(np.diff(np.concatenate([[1], cols.astype(np.int8), [1]])))
    return int((edges[1::2] - edges[::2]).max()) if len(edges) else 0


WORD_GAP = 0.6  # character heights: white between two words of a line (two cells of a table without rules)
CELL_GAP = 3.0  # character heights: white that cuts a line inside a ruled cell
NARROW_GAP = 0.8  # the same beside a narrow component (a digit, a bracket)
BLOCK_GAP = 0.45  # character heights: white between blocks whose lines stand at different heights (_block_cut; within a line of SimSun at most 0.3, YaHei 0.05)
NARROW = 0.45  # character heights: a component at most this wide is narrow
PIECE_GAP = 0.12  # character heights: the most white between side-by-side pieces of one character (糸|且 of 組)
# The same for two pieces each as high as a character (禾|斗 of 科, 3 px apart at 150 DPI: 0.16):
# neighbouring characters stand as close, but a stroke of 三 beside 工 of 项 is no such pair.
TALL_PIECE_GAP = 0.2
TALL_PIECE = 0.85  # character heights: a piece this high is as high as a character
LARGER_FONT = 1.3  # a line whose characters are this much higher than the page's is in a larger font (a heading)
BRIDGE_WHITE = 0.25  # character heights: the most paper a faint stroke across a gap may leave
STROKE_RUN = 0.25  # character heights: faint ink at least this long across a gap is a stroke
STROKE_WHITE = 0.35  # character heights: the most paper such strokes may leave


def column_lines(ids: Sequence[int], boxes: np.ndarray, H: float, faint: np.ndarray | None = None,
                 depth: int = 0, word_gap: float = WORD_GAP) -> list[list[list[int]]]:
    """Text outside ruled tables as lines of words (each a list of component ids).

    Row runs over the whole page width chain together when side-by-side blocks have their
    lines at different heights (the wrapped column names of a table printed without rules,
    two lines in one column beside three in the next): such a run, taller than a line, is cut
    at the white columns between its blocks (as wide as a word gap: column names stand close), and each block is split into lines again
    (recursive XY cut). A line's words are cut at WORD_GAP, like a PDF's text layer cuts them
    at spaces, so that the cells of a table without rules come out as separate words; a gap
    that ``faint`` ink (a mask of the page) runs across is no gap (_bridged). Inside a ruled
    cell words are cut only at ``word_gap`` = CELL_GAP."""
    out: list[list[list[int]]] = []
    for run in _row_runs(ids, boxes, H):
        b = boxes[run]
        # A heading in a larger font is one line of taller characters, not lines side by side:
        # cut into blocks, its 三 fell apart into stroke rows read 二 and 二.
        own = _run_char_height(b, H)
        h = own if own > LARGER_FONT * H else H
        # The column names of a table set smaller than the page's prose (24 px against 33)
        # stand as close as half a prose character: blocks are cut at the word gap of their
        # own type. So is a run of smaller type taller than its own line but not than the
        # prose's: two-line column names 13 px apart in 18-px type, or a row whose value
        # stands between the two lines of its label (22 px, a run of 56 px against 36: read
        # as one crop of two lines); its digits, 0.5 of its type's height wide and spaced
        # wider than its word gap, are narrow by the prose's height and stay one number.
        hb = own if own * LARGER_FONT < H else h
        height = b[:, 3].max() - b[:, 1].min()
        if height > 1.6 * hb and depth < 8:
            blocks = _block_cut(run, boxes, hb, faint, hb if height > 1.6 * h else h)
            if len(blocks) > 1:
                for block in blocks:
                    out += column_lines(block, boxes, H, faint, depth + 1, word_gap)
                continue
        out.append(_split_at_gaps(run, boxes, word_gap * h, h, max(word_gap, NARROW_GAP) * h, faint))
    return out


def _block_cut(run: Sequence[int], boxes: np.ndarray, h: float, faint: np.ndarray | None,
               narrow_h: float) -> list[list[int]]:
    """A run of several lines cut into side-by-side blocks at the white columns down it: at a
    word gap, and at a narrower one (BLOCK_GAP) where the blocks on its two sides have their
    lines at different heights (two-line column names beside three-line ones, set 0.6
    characters apart in a bold font). Blocks whose lines stand level are cut only at a word
    gap: the lines of a long wrapped label, chained by a little skew, have white columns as
    wide as that between some of their characters. Narrow components are narrow by ``narrow_h``."""
    blocks = _split_at_gaps(run, boxes, BLOCK_GAP * h, h, NARROW_GAP * h, faint, narrow_h)
    joined = [blocks[0]]
    for block in blocks[1:]:
        left = joined[-1]
        white = boxes[block, 0].min() - boxes[left, 2].max()
        if white <= WORD_GAP * h and _level_lines(left, block, boxes, h):
            left += block
        else:
            joined.append(block)
    return joined


def _level_lines(a: Sequence[int], b: Sequence[int], boxes: np.ndarray, h: float) -> bool:
    """Whether two blocks have as many lines as each other, each at the same height; or
    either has no line of characters at all (the two strokes of 二, which are no two lines)."""
    rows = [_char_rows(a, boxes, h), _char_rows(b, boxes, h)]
    return not all(rows) or len(rows[0]) == len(rows[1]) and all(
        abs(p[0] - q[0]) <= 0.3 * h and abs(p[1] - q[1]) <= 0.3 * h for p, q in zip(*rows))


def _char_rows(ids: Sequence[int], boxes: np.ndarray, h: float) -> list[tuple[int, int]]:
    """The rows (top, bottom) of ``ids`` at least half a character high: its lines of
    characters, not the strokes of 二 or 三."""
    return [(y0, y1) for r in _row_runs(ids, boxes, h)
            for y0, y1 in [(int(boxes[r, 1].min()), int(boxes[r, 3].max()))] if y1 - y0 >= 0.5 * h]


def _run_char_height(b: np.ndarray, H: float) -> float:
    """The height of the characters in a row run (boxes ``b``): the upper quartile of the
    heights of its components of at least half ``H`` (digits, lower than Chinese characters,
    and the pieces of characters pulled the median of a row of a label and four numbers down
    to 0.65 of the type's height, and its numbers, taken for smaller type, were cut apart
    at half their gap). Where it is over LARGER_FONT times ``H`` (a larger font) the gaps
    between column names are measured in it: with the page's ``H``, a few per cent more, the
    column names of table 四 stayed in one block."""
    heights = b[:, 3] - b[:, 1]
    tall = heights[heights >= 0.5 * H]
    return float(np.percentile(tall, 75)) if len(tall) else H


def _faint_level(prep: raster.Prepared) -> float:
    """The grey level below which a pixel is faint ink: FAINT levels above the ink threshold,
    and never paler than 225."""
    return min(225.0, prep.threshold + FAINT)


def faint_ink(prep: raster.Prepared) -> np.ndarray:
    """Pixels darker than paper down to FAINT levels above the ink threshold, not under a seal
    (its suppressed traces are pale too): where a thin stroke may stand that the ink lost."""
    faint = prep.grey < _faint_level(prep)
    if prep.seal is not None:
        faint &= ~prep.seal
    return faint


def _bbox(ids: Sequence[int], boxes: np.ndarray) -> tuple[int, int, int, int]:
    b = boxes[list(ids)]
    return int(b[:, 0].min()), int(b[:, 1].min()), int(b[:, 2].max()), int(b[:, 3].max())


def cut(prep: raster.Prepared, ink: Ink, ids: Sequence[int], H: float,
        clip: tuple[int, int, int, int] | None, rules: np.ndarray | None, squeeze: float = 1.0) -> np.ndarray:
    """A tight crop of one text line: its ink box plus a margin of a fifth of the character
    height, other components and rules in the window whitened, never crossing ``clip`` (the
    cell). A whole cell given to the recogniser shrinks the text and 0 comes back as 。."""
    x0, y0, x1, y1 = _bbox(ids, ink.boxes)
    cx0, cy0, cx1, cy1 = clip if clip else (0, 0, prep.grey.shape[1], prep.grey.shape[0])
    x0, x1 = _extend_faint(prep, x0, y0, x1, y1, cx0, cx1, H)
    my = max(2, int(round(0.2 * H)))
    mx = max(2, int(round(0.25 * H)))
    # The window must not be lower than a character: a lone - or 一 needs its white context.
    need = int(0.9 * H) - (y1 - y0)
    if need > 0:
        my += need // 2
    wx0, wy0, wx1, wy1 = x0 - mx, y0 - my, x1 + mx, y1 + my
    ax0, ay0, ax1, ay1 = max(wx0, cx0), max(wy0, cy0), min(wx1, cx1), min(wy1, cy1)
    win = prep.grey[ay0:ay1, ax0:ax1].copy()
    lab = ink.labels[ay0:ay1, ax0:ax1]
    mine = ink.pixels_of(ids, ay0, ay1, ax0, ax1)
    win[(lab > 0) & ~mine] = 255
    if rules is not None:
        win[rules[ay0:ay1, ax0:ax1]] = 255
    # Paper is paper: the pale remains of a suppressed seal, JPEG ringing and lighting left
    # over are not drawn for the recogniser (a dash crossed by a seal's pale trace read 十).
    # Faint strokes of the text itself are darker than this (see _extend_faint).
    win[win >= PAPER] = 255
    if prep.seal is not None:
        win[prep.seal[ay0:ay1, ax0:ax1] & (win >= max(205.0, _faint_level(prep)))] = 255
    win = cv2.copyMakeBorder(win, ay0 - wy0, wy1 - ay1, ax0 - wx0, wx1 - ax1, cv2.BORDER_CONSTANT, value=255)
    h, w = win.shape
    if squeeze < 1.0:
        return cv2.resize(win, (max(1, int(w * squeeze)), h), interpolation=cv2.INTER_AREA)
    if w < 1.3 * h:
        # A lone narrow digit, centred in white a little wider than high: alone in a tight
        # square, 0 came back as the letter O on 0.4% of mild-scan cells, at 1.3 on none.
        tw = int(1.3 * h)
        pad = (tw - w) // 2
        win = cv2.copyMakeBorder(win, 0, 0, pad, tw - w - pad, cv2.BORDER_CONSTANT, value=255)
    return win


def make_crop(prep: raster.Prepared, ink: Ink, ids: Sequence[int], H: float,
              clip: tuple[int, int, int, int] | None, rules: np.ndarray | None,
              squeeze: bool = True, line: Sequence[int] | None = None, digits: bool = True) -> Crop:
    """A crop with its second chances.

    Long lines are squeezed horizontally: recognition time grows with crop width, and PP-OCR
    reads Chinese squeezed to 0.5 as well as unsqueezed (same character error rate on the
    labels of mild and hard scans at half the time; 0.4 starts to lose characters; PaddleOCR
    itself squeezes long lines into its 320-px input). Digits are narrower: a CTC frame is 8 px and a squeezed 00 may
    have no room for the blank between the zeros, so a squeezed reading with two digits in a
    row is read again unsqueezed, unless ``digits`` is False (a prose line read for its words).
    So is a squeezed reading the recogniser doubts (weakest character under SQUEEZED_SURE):
    squeezed, the 合计 of （七）合计 ran together into 命; and one whose characters, set solid,
    fill too little of the line (SQUEEZED_FILL): a pale label of twelve characters, squeezed,
    read 公 at 0.96, and 七、合计 read 七、 at 0.98. The height is the line's own where it is
    taller than the page's type (a title).
    ``line`` makes this a skimmed prefix of a prose line.
    """
    x0, y0, x1, y1 = _bbox(ids, ink.boxes)
    if _ring_zero(ink, ids, H) and (prep.seal is None or not prep.seal[y0:y1, x0:x1].any()):
        return Crop(np.zeros((1, 1), np.uint8), (x0, y0, x1, y1), fixed=Reading("0", 1.0))
    sq = SQUEEZE if squeeze and x1 - x0 > 3 * H else 1.0
    img = cut(prep, ink, ids, H, clip, rules, sq)
    lead = _minus_first(ink.boxes[list(ids)], H) if digits else None
    bar = digits and (lead == "touching" or _minus_fused(ink, ids)
                      or _faint_bar_before(prep, (x0, y0, x1, y1), clip[0] if clip else 0, H))
    minus = lead == "apart"

    def redo(reading: Reading) -> Crop | None:
        if line is not None and _may_be_heading(reading.text):
            # Read for its words: its digits, if any, need no second, unsqueezed reading.
            return make_crop(prep, ink, line, H, clip, rules, squeeze, digits=False)
        filled = solid_width(reading.text.strip()) * EM_PER_INK * max(H, y1 - y0)
        if digits and sq < 1.0 and (DIGIT_PAIR.search(reading.text) or reading.score < SQUEEZED_SURE
                                    or filled < SQUEEZED_FILL * (x1 - x0)):
            return make_crop(prep, ink, ids, H, clip, rules, False, line)
        return None

    return Crop(img, (x0, y0, x1, y1), redo, skimmed=line is not None, maybe_minus=bar, minus=minus)


def _minus_first(boxes: np.ndarray, H: float) -> str | None:
    """Whether a line's leftmost component is a short flat bar at mid-height with more ink to its
    right: a minus, "apart" from the digits or "touching" them (None: no bar). A hyphen-minus at
    150 DPI was 4x2 pixels of ink beside an 8x15 digit, 2 px from it, and the recogniser read -8
    as 8, sure of it. The crossbar of a 4 whose diagonal is paler than ink is such a bar too, but
    0 or 1 px from the upright (three 4s of 40 hard scans; every minus seen stood 2 px or more
    away, a tenth of the digits' height): touching, it is only a maybe."""
    if len(boxes) < 2:
        return None
    k = int(np.argmin(boxes[:, 0]))
    first = boxes[k]
    w, h = first[2] - first[0], first[3] - first[1]
    top, bottom = boxes[:, 1].min(), boxes[:, 3].max()
    high = bottom - top  # the digits' height
    mid = (first[1] + first[3]) / 2 - top
    if not (w >= 1.5 * h and w >= 3 and h <= 0.3 * high and 0.2 * high <= w <= 0.8 * H
            and 0.3 * high <= mid <= 0.7 * high):
        return None
    white = np.delete(boxes, k, axis=0)[:, 0].min() - first[2]
    return "apart" if white >= MINUS_APART * high else "touching"


def _minus_fused(ink: Ink, ids: Sequence[int]) -> bool:
    """Whether a line's leftmost component opens with a flat bar at mid-height, MINUS_FUSED of
    the digits' height long, before a body, and is wider than a digit: a minus blurred into its
    digit. -4 at 150 DPI came out one component 14 px wide and high, its first 7 columns a bar
    3 px high, and the recogniser read 4, sure of it. A 4's own crossbar juts out 1-3 px (0.2 of
    the height at most, measured on every number of 60 scans); a 5 in a sans font 5 px, but it
    is narrower than a digit is high."""
    boxes = ink.boxes[list(ids)]
    k = int(ids[int(np.argmin(boxes[:, 0]))])
    x0, _, x1, _ = (int(v) for v in ink.boxes[k])
    top, bottom = int(boxes[:, 1].min()), int(boxes[:, 3].max())
    high = bottom - top
    if x1 - x0 < 0.8 * high:
        return False
    pixels = ink.labels[top:bottom, x0:x1] == k
    bar = 0
    for column in pixels.T:
        rows = np.flatnonzero(column)
        flat = len(rows) and rows[-1] - rows[0] + 1 <= 0.3 * high
        if not (flat and 0.3 * high <= (rows[0] + rows[-1]) / 2 <= 0.75 * high):
            break
        bar += 1
    return MINUS_FUSED * high <= bar < x1 - x0


def _faint_bar_before(prep: raster.Prepared, box: tuple[int, int, int, int], lo: int, H: float) -> bool:
    """Whether pale ink (FAINT levels above the ink threshold) lies just left of a line's ink as
    a bar at its mid-height: the minus of -2 at 150 DPI under JPEG 30 kept two pixels of ink,
    and the recogniser, shown the pale rest, read 2 at 0.96."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    a = max(lo, x0 - int(MINUS_REACH * H))
    pale = prep.grey[y0:y1, a:max(a, x0 - 2)] < _faint_level(prep)
    if not pale.any():
        return False
    ys, xs = np.nonzero(pale)
    mid = (ys.min() + ys.max()) / 2
    return bool(xs.max() - xs.min() + 1 >= 0.25 * H and ys.max() - ys.min() + 1 <= 0.35 * h
                and 0.3 * h <= mid <= 0.7 * h)


def _extend_faint(prep: raster.Prepared, x0: int, y0: int, x1: int, y1: int, lo: int, hi: int,
                  H: float) -> tuple[int, int]:
    """Widen a line's box over faint ink next to it, in its own band. A thin horizontal stroke
    (一, the top of 二/三 in SimSun) can be lighter than the ink threshold on a blurred
    150-DPI scan; the tight box then cut 一、本年新收… down to 、本年新收…"""
    weak = _faint_level(prep)
    reach = max(2, int(0.5 * H))
    a, b = max(lo, x0 - 2 * reach), min(hi, x1 + 2 * reach)
    cols = (prep.grey[y0:y1, a:b] < weak).any(axis=0)
    # Only runs as long as a stroke count: JPEG specks beside a digit made 8 read as "8.".
    cols = _without_short_runs(cols, max(3, int(0.25 * H)))
    left, x = x0, x0 - 1
    while x >= a and left - x <= reach:
        if cols[x - a]:
            left = x
        x -= 1
    right, x = x1, x1
    while x < b and x - right <= reach:
        if cols[x - a]:
            right = x + 1
        x += 1
    return left, right


def stitch(crops: Sequence[np.ndarray]) -> np.ndarray:
    """Stack-of-characters (a vertical merged label) laid out as one horizontal line, so the
    recogniser reads it with context instead of one character at a time."""
    h = max(c.shape[0] for c in crops)
    parts = []
    for c in crops:
        top = (h - c.shape[0]) // 2
        parts.append(cv2.copyMakeBorder(c, top, h - c.shape[0] - top, 0, 0, cv2.BORDER_CONSTANT, value=255))
    return np.hstack(parts)


def blob_crops(prep: raster.Prepared, box: tuple[int, int, int, int], H: float) -> list[Crop]:
    """Text lines inside a region by PP-OCR detection (axis-aligned crops of the deskewed page)."""
    from pipeline.read.ocr import detect_text

    x0, y0, x1, y1 = box
    m = int(0.3 * H)
    gx0, gy0 = max(0, x0 - m), max(0, y0 - m)
    region = prep.grey[gy0:y1 + m, gx0:x1 + m]
    out = []
    for a, b, c, d in detect_text(region):
        bx = (gx0 + int(a), gy0 + int(b), gx0 + int(np.ceil(c)), gy0 + int(np.ceil(d)))
        if bx[3] - bx[1] < 0.4 * H or bx[2] - bx[0] < 0.3 * H:
            continue
        out.append(Crop(prep.grey[bx[1]:bx[3], bx[0]:bx[2]].copy(), bx))
    return out


def _is_speck(ids: Sequence[int], boxes: np.ndarray, H: float) -> bool:
    """A lone dot or short scratch in a cell (seal residue, dirt): smaller than a third of a
    character both ways. A dash (0 written as -) is wider and stays; a decimal point sits in
    a line with its digits and is never alone."""
    x0, y0, x1, y1 = _bbox(ids, boxes)
    return x1 - x0 < 0.35 * H and y1 - y0 < 0.35 * H


def _faint_crop(prep: raster.Prepared, clip: tuple[int, int, int, int], rules: np.ndarray | None,
                H: float) -> Crop | None:
    """A second look at a blank cell under a seal. A digit printed on the seal's solid parts
    (its star, its characters) keeps little contrast after a JPEG scan, and can come out
    paler than the ink threshold: the cell looks blank and would read as a silent 0. Here
    the cell is searched for marks down to FAINT levels above the threshold; when they have
    the size of a character, they are read, and the reading (if it is a number) is kept
    with a low score so that the cell is flagged."""
    cx0, cy0, cx1, cy1 = clip
    if cx1 - cx0 < 0.5 * H or cy1 - cy0 < 0.5 * H or prep.seal is None or not prep.seal[cy0:cy1, cx0:cx1].any():
        return None
    m = int(max(2, 0.1 * H))
    a, b, c, d = cx0 + m, cy0 + m, cx1 - m, cy1 - m
    if c <= a or d <= b:
        return None
    win = prep.grey[b:d, a:c]
    mask = win < min(235.0, prep.threshold + FAINT)
    if rules is not None:
        mask &= ~rules[b:d, a:c]
    n, _lab, stats, _c = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    big = [i for i in range(1, n) if max(stats[i, 2], stats[i, 3]) >= 0.25 * H]
    if not big:
        return None
    xs0 = min(stats[i, 0] for i in big)
    ys0 = min(stats[i, 1] for i in big)
    xs1 = max(stats[i, 0] + stats[i, 2] for i in big)
    ys1 = max(stats[i, 1] + stats[i, 3] for i in big)
    if ys1 - ys0 < 0.4 * H or ys1 - ys0 > 1.6 * H or xs1 - xs0 > 6 * H:
        return None
    box = (a + xs0, b + ys0, a + xs1, b + ys1)
    if len(big) <= 3:
        # A zero mark has its shape even when faint.
        one = Ink(labels=_lab, boxes=np.array([[0, 0, 0, 0]] + [[s_[0], s_[1], s_[0] + s_[2], s_[1] + s_[3]] for s_ in stats[1:]]),
                  keep=np.ones(n, bool), cx=np.zeros(n), cy=np.zeros(n))
        mark = _zero_mark(one, big, H, prep.ink[b:d, a:c], sealed=True)
        if mark is not None:
            return Crop(np.zeros((1, 1), np.uint8), box, fixed=Reading(mark.text, FAINT_SCORE))
    mx = int(0.25 * H)
    img = prep.grey[max(cy0, box[1] - mx):min(cy1, box[3] + mx), max(cx0, box[0] - mx):min(cx1, box[2] + mx)].copy()
    if img.size == 0:
        return None
    img[img >= PAPER] = 255
    return Crop(img, box, faint=True)


SEALED_NUMBER_SURE = 0.9  # a number read this surely where a slash under a seal may be stands (slashes read 1 at 0.65, i at 0.17)
SLASH_THIN = 0.2  # a slash's ink is at most this thick for its length (measured 0.06-0.09; 2 and 7: 0.45, a blurred 2 less)
SLASH_THIN_SEALED = 0.3  # the same for a slash grown into its blur under a seal, a flagged reading (measured 0.22)
FAINT_NUMBER = re.compile(r"^[0-9][0-9,.]*$")
FAINT_SCORE = 0.5  # the score a reading of faint marks keeps at most: the cell is flagged
FAINT_MIN = 0.5  # below this the faint marks are taken for a seal's trace and the cell for blank


def _without_specks(ids: list[int], boxes: np.ndarray, H: float) -> list[int]:
    """A line without the specks above or below its characters (JPEG noise, a seal's trace):
    they made a dash with two dots over it read 1 at 0.93. A decimal point sits on the line,
    within the band of its digits, and stays."""
    b = boxes[ids]
    size = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])
    main = size >= 0.3 * H
    if not main.any() or main.all():
        return ids
    top, bottom = b[main, 1].min() - 0.1 * H, b[main, 3].max() + 0.1 * H
    cy = (b[:, 1] + b[:, 3]) / 2
    return [i for i, m, c in zip(ids, main, cy) if m or top <= c <= bottom]


def _is_rule_residue(ids: Sequence[int], boxes: np.ndarray, H: float, clip: tuple[int, int, int, int]) -> bool:
    """A thin horizontal or vertical stroke hugging the cell's edge: a piece of a rule the
    morphology missed (faint, broken under a seal), which reads as 一 or 1. A dash written
    for zero sits in the middle of its cell and stays."""
    x0, y0, x1, y1 = _bbox(ids, boxes)
    w, h = x1 - x0, y1 - y0
    near = 0.3 * H
    if h <= 0.2 * H and w >= 3 * h:
        return y0 - clip[1] <= near or clip[3] - y1 <= near
    if w <= 0.2 * H and h >= 3 * w:
        return x0 - clip[0] <= near or clip[2] - x1 <= near
    return False


def _grown_zero_mark(prep: raster.Prepared, ink: Ink, ids: Sequence[int], clip: tuple[int, int, int, int],
                     rules: np.ndarray | None, H: float) -> Reading | None:
    """_zero_mark on the line's ink grown into the paler pixels connected to it (down to FAINT
    levels above the ink threshold): a thin slash on a blurred scan is ink only in its
    middle third, which read P or 1; grown, it has the slash's shape. Only for the zero-mark
    test: grown ink elsewhere made blurred dashes merge with noise. Under a seal the pale
    pixels of the seal's own strokes are left out (its dark ones stay: the top bar of a 7 under
    the seal, left out, made the 7 a slash), and a mark found so is flagged (score
    FAINT_SCORE): slashes paled by a seal's suppression had read 1, 7 and i."""
    cx0, cy0, cx1, cy1 = clip
    if cx1 <= cx0 or cy1 <= cy0:
        return None
    weak = prep.grey[cy0:cy1, cx0:cx1] < _faint_level(prep)
    sealed = prep.seal is not None and bool(prep.seal[cy0:cy1, cx0:cx1].any())
    if sealed:
        weak &= ~(prep.seal[cy0:cy1, cx0:cx1] & ~prep.ink[cy0:cy1, cx0:cx1])
    if rules is not None:
        weak &= ~rules[cy0:cy1, cx0:cx1]
    n, lab, stats, _c = cv2.connectedComponentsWithStats(weak.astype(np.uint8), connectivity=8)
    strong = ink.pixels_of(ids, cy0, cy1, cx0, cx1)
    grown = [int(i) for i in np.unique(lab[strong]) if i]
    if not grown or len(grown) > 3:
        return None
    boxes = np.zeros((n, 4), dtype=np.int64)
    boxes[:, 0], boxes[:, 1] = stats[:, 0], stats[:, 1]
    boxes[:, 2], boxes[:, 3] = stats[:, 0] + stats[:, 2], stats[:, 1] + stats[:, 3]
    mini = Ink(labels=lab, boxes=boxes, keep=np.ones(n, bool), cx=np.zeros(n), cy=np.zeros(n))
    mark = _zero_mark(mini, grown, H, prep.ink[cy0:cy1, cx0:cx1], sealed, SLASH_THIN_SEALED if sealed else SLASH_THIN)
    return Reading(mark.text, FAINT_SCORE) if mark is not None and sealed else mark


def _mark_crop(mark: Reading, crop: Callable[[], Crop], box: tuple[int, int, int, int]) -> Crop:
    """The crop of a line whose shape draws a zero mark: not recognised where the mark is sure;
    under a seal (score below 1) recognised, the mark kept for _checked."""
    if mark.score >= 1.0:
        return Crop(np.zeros((1, 1), np.uint8), box, fixed=mark)
    return replace(crop(), mark=mark)


def _shape_mark(prep: raster.Prepared, ink: Ink, ids: Sequence[int], clip: tuple[int, int, int, int],
                rules: np.ndarray | None, H: float, sealed: bool = False) -> Reading | None:
    """The zero mark a line of ink draws (_zero_mark), or failing that the one its ink grown into
    its paler pixels draws (_grown_zero_mark); None if it is no mark."""
    mark = _zero_mark(ink, ids, H, sealed=sealed)
    return mark if mark is not None else _grown_zero_mark(prep, ink, ids, clip, rules, H)


def _zero_mark(ink: Ink, ids: Sequence[int], H: float, core: np.ndarray | None = None,
               sealed: bool = False, thin: float = SLASH_THIN) -> Reading | None:
    """A cell whose only ink is one dash or one slash holds a zero mark (0, nothing to report).

    Alone, without context, the recogniser hesitates between 一, -, — and _ for a dash
    (scores as low as 0.4 on mild scans; 中 or 十 where a seal's pale trace crosses it) and
    reads a slash as 1 with confidence: a zero turned into a one. In a table cell the shape
    settles it. A dash: one flat bar, a hyphen when shorter than 0.6 of a character, else an
    em dash. A slash: one thin stroke leaning right, 12-50 degrees off vertical; a 1 stands
    within 7 degrees of vertical, and a 7 or a 2 is not thin (measured on SimSun and YaHei at
    150-200 DPI: slash 26-27 degrees and thinness 0.06-0.09, grown into its blur under a seal
    0.22 (``thin`` is wider there, the reading flagged); 1 at 0-7 degrees; 2 and 7 at thinness
    0.45, a blurred 2 at 150 DPI less: at 0.3 it was taken for a slash). The black ink of a digit under a seal
    survives the seal suppression (raster.seal_suppressed_grey), so a seal does not turn a
    digit into a bar."""
    boxes = ink.boxes
    x0, y0, x1, y1 = _bbox(ids, boxes)
    w, h = x1 - x0, y1 - y0
    cw, ch = w, h
    if core is not None:
        # The dash's proportions on its dark core too: grown by its blur (text_ink), a hyphen
        # at 150 DPI is 8x5 pixels, its core 8x3 (and a faint dash's core may be 2 pixels).
        mine = ink.pixels_of(ids, y0, y1, x0, x1) & core[y0:y1, x0:x1]
        if mine.any():
            ys_, xs_ = np.nonzero(mine)
            cw, ch = int(xs_.max() - xs_.min() + 1), int(ys_.max() - ys_.min() + 1)
    # Under a seal a short hairline is the trace of the seal's edge, not a dash.
    flat = w >= 2.5 * h or cw >= 1.8 * ch or (h <= 0.3 * H and w >= 1.5 * h and w >= 0.25 * H)
    if (h >= 2 or w >= 0.5 * H or not sealed) and h <= max(0.4 * H, 3) and flat and 0.2 * H <= w <= 2.2 * H:
        # (The last flatness test: a hyphen at 150 DPI is a 7x4 blob. Taken for a speck, the
        # cell would read blank, the same zero, but a column of blanks looks like no column.)
        return Reading("—" if w >= 0.6 * H else "-", 1.0)
    if len(ids) <= 3 and 0.4 * H <= h <= 1.6 * H and w <= h:
        # All the pixels together: a faint slash can come in two or three pieces.
        ys, xs = np.nonzero(ink.pixels_of(ids, y0, y1, x0, x1))
        if len(xs) >= 5:
            cov = np.cov(xs.astype(np.float64), ys.astype(np.float64))
            lo, hi = np.linalg.eigvalsh(cov)
            angle = 0.5 * np.degrees(np.arctan2(2 * cov[0, 1], cov[0, 0] - cov[1, 1]))
            if hi > 0 and -78 <= angle <= -40 and np.sqrt(max(lo, 0.0) / hi) <= thin:
                return Reading("/", 1.0)
    return None


# A 0's hole, measured on the committed scans and 20 simulated ones (1,153 zeros, 150-300 DPI):
# 0.53-0.88 of its height, 0.17-0.39 of its box, its centre within 0.06 of the middle. The
# one-hole digits: 4 at most 0.39 and 0.11 (SimSun at 200 DPI, unscanned: 0.50 and 0.16), 6
# and 9 at most 0.50 and 0.22, their centre 0.14-0.21 off the middle.
ZERO_HOLE = 0.55  # the least height of a 0's hole, over the glyph's
ZERO_HOLE_AREA = 0.17  # the least area of a 0's hole, over the glyph's box
ZERO_CENTRED = 0.08  # the most a 0's hole's centre sits off the glyph's middle, over its height


def _ring_zero(ink: Ink, ids: Sequence[int], H: float) -> bool:
    """Whether a line is one glyph drawn as a ring: a 0, read from its shape. Zeros are most
    of a report's cells and a third of the recogniser's work on its table pages. A 0 is one
    component, a digit high and narrower than high, with a single hole, tall, large and in
    its middle: a 6 or a 9 has its hole low or high and shorter, a 4 a small one, an 8 two,
    口 is square. On 120 simulated scans (clean, mild, hard) and the committed ones, every
    line found so was read 0 by the recogniser too, but for two it misread as O and Q. A 0
    whose ring is broken or closed up, or that stands beside anything, is left to the
    recogniser."""
    if len(ids) != 1:
        return False
    x0, y0, x1, y1 = (int(v) for v in ink.boxes[ids[0]])
    w, h = x1 - x0, y1 - y0
    if not (0.5 * H <= h <= 1.1 * H and 0.4 * h <= w <= 0.8 * h):
        return False
    paper = (ink.labels[y0:y1, x0:x1] != ids[0]).astype(np.uint8)
    n, _lab, stats, centres = cv2.connectedComponentsWithStats(paper, connectivity=4)
    holes = [k for k in range(1, n) if stats[k, 0] > 0 and stats[k, 1] > 0
             and stats[k, 0] + stats[k, 2] < w and stats[k, 1] + stats[k, 3] < h]
    if len(holes) != 1:
        return False
    hw, hh, area = stats[holes[0], 2:5]
    cx, cy = centres[holes[0]]
    return bool(hh >= ZERO_HOLE * h and area >= ZERO_HOLE_AREA * w * h and hw >= 0.25 * w
                and abs(cy - (h - 1) / 2) <= ZERO_CENTRED * h and abs(cx - (w - 1) / 2) <= 0.12 * w)


def _is_vertical_stack(lines: list[list[int]], boxes: np.ndarray, H: float) -> bool:
    """Characters stacked one per line (a vertical label, a narrow header cell like 总/计):
    read together, stitched into one line. Alone, a CJK character without context read as
    a look-alike (总 as 白) at 150 DPI."""
    if len(lines) < 2:
        return False
    for ids in lines:
        x0, y0, x1, y1 = _bbox(ids, boxes)
        if x1 - x0 > 1.5 * H or y1 - y0 > 1.5 * H:
            return False
    xs = [(_bbox(ids, boxes)[0] + _bbox(ids, boxes)[2]) / 2 for ids in lines]
    return max(xs) - min(xs) <= 1.0 * H


def _is_running_text(words: list[list[int]], boxes: np.ndarray, H: float) -> bool:
    """A line of prose, not a row of cells: one long run of text, any other pieces close to
    it. At 150 DPI a lost comma or the parts of an enumerator （一） leave gaps of a character
    or two in running text; a row of a table without rules has wide white between its cells
    and no cell nearly as wide as the row."""
    spans = [_bbox(w, boxes) for w in words]
    gaps = [b[0] - a[2] for a, b in zip(spans, spans[1:])]
    longest = max(b[2] - b[0] for b in spans)
    return all(g <= PROSE_GAP * H for g in gaps) and longest >= PROSE_RUN * (spans[-1][2] - spans[0][0])


def page_crops(prep: raster.Prepared, rul: raster.Rulings, prose: str = "skim",
               unruled: Sequence[tuple[float, float, float, float]] = (),
               ink: Ink | None = None, full_lines: int = 0,
               outside_lines: list[list[list[int]]] | None = None) -> tuple[list[Crop], list[str], Ink]:
    """Every text line of the page as a tight crop: per table cell, then outside the tables.

    With ``prose="skim"`` a long prose line outside the tables is cut to its first
    SKIM_CHARS characters: enough to tell a section heading (read in full afterwards) from
    running text, which the table extraction does not need and which would otherwise cost as
    much recognition time as a whole table. Titles (larger characters), short lines, the
    lines just above a table (table titles, 单位：件) and lines inside ``unruled`` (table
    regions without ruling lines, from the layout model) are always read in full.
    ``ink`` is the page's text_ink when the caller has it already; the first ``full_lines``
    lines outside the tables are read in full (the title lines of a report's first page);
    ``outside_lines`` are the page's page_lines when the caller has them (no tables)."""
    ink = text_ink(prep, rul) if ink is None else ink
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
        read_cells = set(np.unique(cell_of).tolist())
        if prep.seal is not None:
            for cell in range(1, len(cell_boxes)):
                if cell not in read_cells:
                    bx0, by0, bx1, by1 = (int(v) for v in cell_boxes[cell])
                    faint = _faint_crop(prep, (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1), rules, H_tab)
                    if faint is not None:
                        crops.append(faint)
        for cell in np.unique(cell_of):
            if cell == 0:
                continue  # ink on a rule, not in a cell
            ids = sel[cell_of == cell]
            bx0, by0, bx1, by1 = (int(v) for v in cell_boxes[cell])
            clip = (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1)
            # Lines of the cell's text, a cell's white inside a line not cut (合  计); a cell
            # merged over two columns by a lost rule holds two names side by side whose lines
            # stand at different heights (未审/结 beside 总计): cut apart like the blocks of
            # column names outside rules, they are two names and not one line 未君总计.
            raw = [word for line in column_lines(ids, ink.boxes, H_tab, word_gap=CELL_GAP) for word in line]
            lines = [_without_specks(l, ink.boxes, H_tab) for l in raw]
            lines = [l for l in lines
                     if not _is_speck(l, ink.boxes, H_tab) and not _is_rule_residue(l, ink.boxes, H_tab, clip)]
            sealed = prep.seal is not None and bool(prep.seal[clip[1]:clip[3], clip[0]:clip[2]].any())
            every = [i for l in raw for i in l]
            if 1 <= len(every) <= 3 and (mark := _zero_mark(ink, every, H_tab, sealed=sealed)) is not None:
                # A small hyphen (150 DPI) is no bigger than a speck, and a thin slash may come
                # in pieces (taken for two lines, or for a speck and a stroke): the cell's
                # whole ink has the mark's shape.
                crops.append(Crop(np.zeros((1, 1), np.uint8), _bbox(every, ink.boxes), fixed=mark))
                continue
            if not lines:
                continue
            if _is_vertical_stack(lines, ink.boxes, H_tab):
                img = stitch([cut(prep, ink, l, H_tab, clip, rules) for l in lines])
                crops.append(Crop(img, _bbox([i for l in lines for i in l], ink.boxes)))
                continue
            if len(lines) == 1 and (mark := _shape_mark(prep, ink, lines[0], clip, rules, H_tab, sealed)) is not None:
                crops.append(_mark_crop(mark, lambda: make_crop(prep, ink, lines[0], H_tab, clip, rules),
                                        _bbox(lines[0], ink.boxes)))
                continue
            for l in lines:
                crops.append(make_crop(prep, ink, l, H_tab, clip, rules))
    n_in_tables = len(crops)
    outside = kept[~in_table[kept]]
    H_txt = H_tab
    if len(outside):
        H_txt = char_height(ink.boxes[outside], prep.dpi)
        tops = [t.bbox[1] for t in rul.tables]
        ob = ink.boxes[outside]
        text_width = int(ob[:, 2].max() - ob[:, 0].min())
        lines_out = outside_lines if outside_lines is not None else column_lines(outside, ink.boxes, H_txt, faint_ink(prep))
        # The title's lines cannot be told from prose by their height at 150 DPI (a bold
        # title's strokes merge): the first lines of the first page are read in full.
        by_top = sorted(range(len(lines_out)), key=lambda k: _bbox([i for w in lines_out[k] for i in w], ink.boxes)[1])
        title = set(by_top[:full_lines])
        for n, words in enumerate(lines_out):
            line = [i for w in words for i in w]
            x0, y0, x1, y1 = _bbox(line, ink.boxes)
            first = len(crops)
            # Running text (not in a table region) is read for its words only; its digits
            # matter nowhere. Only running text nearly as wide as the text block is skimmed: a
            # long label of a table without rules, alone on its line when its row is blank, is
            # narrower and is read in full, and so are table titles.
            running = (prose == "skim" and _is_running_text(words, ink.boxes, H_txt)
                       and char_height(ink.boxes[line], prep.dpi) < TITLE_HEIGHT * H_txt
                       and not any(a <= (x0 + x1) / 2 <= c and b <= (y0 + y1) / 2 <= d for a, b, c, d in unruled))
            skim = (running and x1 - x0 > 1.4 * SKIM_CHARS * H_txt and x1 - x0 >= PROSE_WIDTH * text_width
                    and not any(0 <= t - y1 <= 4 * H_txt for t in tops))
            if skim:
                head = [i for i in line if ink.boxes[i, 2] <= x0 + SKIM_CHARS * H_txt] or line[:1]
                crops.append(make_crop(prep, ink, head, H_txt, None, rules, line=line, digits=False))
                if n in title:
                    # Among the title lines, a line of prose after the title (the opening
                    # paragraph, a tenth of a first page's reading) is read in full only
                    # where no line above it ends the title (_title_runs_on).
                    crops[-1].title = True
                    crops[-1].whole = make_crop(prep, ink, line, H_txt, None, rules)
                continue
            if running and len(words) == 1 and n not in title and len(line) > 3:
                # (A line of three components or fewer is a cell's mark maybe, a slash alone on
                # its line beside a two-line label: read below, by its shape first.)
                crops.append(make_crop(prep, ink, line, H_txt, None, rules, digits=False))
                continue
            for word in words:
                wx0, wy0, wx1, wy1 = _bbox(word, ink.boxes)
                if len(word) <= 3:
                    # A dash or slash beside a label, or alone on its line (beside a two-line
                    # label, cut off by the recursive cut): a zero mark of a table without rules
                    # (the same test as in the cells above, in a cell-sized window around it).
                    # Down to the line's height above and below: a faint slash's ink may be
                    # only its middle third, and the rest of its stroke is grown from it.
                    m, mh = int(0.5 * H_txt), int(H_txt)
                    around = (max(0, wx0 - m), max(0, wy0 - mh), wx1 + m, wy1 + mh)
                    if (mark := _shape_mark(prep, ink, word, around, rules, H_txt)) is not None:
                        crops.append(_mark_crop(mark, lambda: make_crop(prep, ink, word, H_txt, None, rules),
                                                (wx0, wy0, wx1, wy1)))
                        continue
                if wy1 - wy0 > 3 * H_txt:
                    # Text stuck to a picture, a grey seal or a scan border: find its lines with
                    # PP-OCR detection inside the blob instead of the row projection.
                    crops += blob_crops(prep, (wx0, wy0, wx1, wy1), H_txt)
                    notes.append(f"text detection inside a non-text blob at ({wx0},{wy0})-({wx1},{wy1})")
                    continue
                crops.append(make_crop(prep, ink, word, H_txt, None, rules))
            for c in crops[first:] if n in title else ():
                c.title = True
    for k, c in enumerate(crops):
        c.em = H_tab if k < n_in_tables else H_txt
    return crops, notes, ink


_CJK = re.compile(r"[\u3400-\u9fff]")
_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", "?": "？", "!": "！"})
_AMBIGUOUS = "():;?!,"  # the recogniser writes these for both the half- and the full-width mark
_COMMA = re.compile(r"(?<![0-9]),|,(?![0-9])")
_SPACE = re.compile(r"\s+")
_SPACED_DIGITS = re.compile(r"^(?=.*\s)[+-]?\s*\d[\d.,]*(?:\s+[\d.,]*\d[\d.,]*)*$")
EM_PER_INK = 1.13  # a Chinese character's advance over the height of its ink (SimSun, YaHei: 1.08-1.18)


def cjk_text(text: str, ink_width: float, H: float) -> str:
    """A reading of Chinese text as a text layer would have it. The recogniser writes a space
    for white that belongs to a full-width bracket ("(一) 予以公开"), and writes "(" for both
    （ and (: the width of the ink tells which was printed (（一）予以公开 is seven characters
    wide, (一)予以公开 six). The text-grid stage counts character widths to tell a word from two
    words that ran together, and the printed label is reported as printed. Text without
    Chinese characters is left as read, but for digits set apart inside one word (full-width
    digits, letter spacing: "2 5 8" over the width of three full-width digits), which a text
    layer gives as one number; groups of digits further apart than a full-width pitch stay
    apart."""
    if not _CJK.search(text):
        if _SPACED_DIGITS.match(text):
            solid = _SPACE.sub("", text)
            # Digits set apart one by one (a number spread over a wide cell: 1 9 5 5. 1 7) are
            # one number however far apart; groups of several digits only within full width.
            groups = text.split()
            one_by_one = len(groups) >= 3 and all(len(g.strip(".,")) == 1 for g in groups)
            if one_by_one or ink_width <= len(solid) * EM_PER_INK * H:
                return solid
        return text
    text = _SPACE.sub("", text)
    marks = [ch for ch in text if ch in _AMBIGUOUS and not (ch == "," and _COMMA.search(text) is None)]
    if not marks:
        return text
    em = EM_PER_INK * H
    half = solid_width(text) * em
    full = half + 0.5 * em * len(marks)
    # The ink is narrower than the advances by the white at the ends (about a third of a
    # character beside a bracket, a tenth beside a character).
    if abs(full - 0.35 * em - ink_width) < abs(half - 0.2 * em - ink_width):
        return _COMMA.sub("，", text.translate(_FULL_WIDTH))
    return text


SIZE_PER_INK = 1.2  # the font size over the height of a Chinese character's ink (SimSun at 200 DPI: 1.19-1.21; 1.12 for traditional characters)
BEARING = 0.06  # character heights: white on each side of a Chinese character's ink in its advance box
MARK_WHITE = 0.65  # character heights: white beside the ink of a full-width bracket or mark


def word_box(box: tuple[int, int, int, int], text: str, H: float) -> tuple[float, float, float, float]:
    """A word's box as a text layer gives it (the characters' advance boxes), from the box of
    its ink: at least as high as the font size (the ink of 0 or 、 is lower than a line,
    and a text layer's box is the font size, taller than the ink of 自: with ink boxes, two
    stacked lines of a header cell stood further apart than the lines of one cell may), the
    side bearings of Chinese characters added at both ends, and over the whole width of a
    full-width bracket or mark at either end, whose ink fills only one side of its character
    (起诉） would look narrower than three characters set solid). The text-grid stage
    measures rows, gaps and character widths against these boxes."""
    x0, y0, x1, y1 = (float(v) for v in box)
    size = SIZE_PER_INK * H
    if y1 - y0 < size:
        cy = (y0 + y1) / 2
        y0, y1 = cy - size / 2, cy + size / 2
    text = text.strip()
    if _CJK.search(text):
        x0 -= BEARING * H
        x1 += BEARING * H
    if len(text) >= 2:
        if text[-1] in CLOSING:
            x1 += MARK_WHITE * H
        if text[0] in OPENING:
            x0 -= MARK_WHITE * H
    return x0, y0, x1, y1


# --------------------------------------------------------------------------- pages and documents

@dataclass
class PageResult:
    page: Page
    prepared: raster.Prepared
    rulings: raster.Rulings
    notes: list[str]


THIN_SHARE = 0.15  # share of strokes 1-2 px high at which a page's type is thin (SimSun 0.5-0.7 at 300 DPI, bold 0.02-0.05)


def _thin_strokes(img: np.ndarray, dpi: float) -> bool:
    """Whether the ink of a high-resolution page has many strokes one or two pixels high: the
    vertical runs of ink (every fourth column) up to a twentieth of an inch, their share of
    one or two pixels."""
    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    ink = (grey[:, ::4] < raster.ink_threshold(grey)).T.astype(np.int8)
    edges = np.diff(np.pad(ink, ((0, 0), (1, 1))), axis=1)
    lengths = np.flatnonzero(edges.ravel() == -1) - np.flatnonzero(edges.ravel() == 1)
    strokes = lengths[lengths < 0.05 * dpi]
    return bool(len(strokes)) and float((strokes <= 2).mean()) >= THIN_SHARE


def work_image(img: np.ndarray, dpi: float, detect_orientation: bool = True) -> raster.Prepared:
    """The page as the reader works on it: at most WORK_DPI_MAX, upright, deskewed, seal
    suppressed. Deterministic, so that a debug picture can re-create it (Page.render)."""
    scale = np.eye(3)
    if dpi > WORK_DPI_MAX * 1.1:
        f = WORK_DPI_MAX / dpi
        # Averaging alone turns a 1-px stroke (the top of 二, the base of 上 in SimSun at 300
        # DPI) into grey paler than the ink threshold: where strokes that thin are common, the
        # darker of each two rows is kept first. Only up and down (thickened sideways too, the
        # strokes of a bold font closed the white between its characters, and a line of them
        # passed for a rule), and not on a page in a bold font (its digits, thickened, were
        # read with less confidence).
        if _thin_strokes(img, dpi):
            img = cv2.erode(img, np.ones((2, 1), np.uint8))
        img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        dpi = float(WORK_DPI_MAX)
        scale = np.diag([f, f, 1.0])
    prep = raster.prepare(img, dpi, detect_orientation=detect_orientation)
    prep.matrix = prep.matrix @ scale  # input pixels -> page pixels, the downscale included
    return prep


def _structure_grid(prep: raster.Prepared, box: tuple[float, float, float, float]) -> raster.TableGrid | None:
    """The grid of a table printed without rules, from the optional Table Transformer."""
    from pipeline.read.tatr import table_grid

    return table_grid(prep.grey, (int(box[0]), int(box[1]), int(box[2]), int(box[3])), prep.dpi)


MIN_TABLE_LINES = 3  # lines of words in columns from which a page without rules may hold a table
COLUMN_ALIGN = 1.0  # character heights: the most apart the centres of two words of one column stand


def page_lines(prep: raster.Prepared, ink: Ink, H: float) -> list[list[list[int]]]:
    """The text lines of a page without ruled tables (character height ``H``), as words
    (column_lines): what page_crops reads, and what tells whether the page may hold a table
    drawn without rules."""
    return column_lines(np.nonzero(ink.keep)[0], ink.boxes, H, faint_ink(prep))


def _column_rows(lines: list[list[list[int]]], boxes: np.ndarray, H: float) -> int:
    """The lines with a word after their first that stands in a column with such a word of
    another line (left edges or centres within COLUMN_ALIGN): the rows of a table. A word gap
    alone is no table: prose pages have a few (a signature beside its date, a line set wide),
    and their lines end level at the margin, so right edges are no column."""
    spans = [np.array([_bbox(w, boxes)[0:3:2] for w in words[1:]], dtype=float) for words in lines if len(words) > 1]
    edges = [np.column_stack([s[:, 0], s.mean(axis=1)]) for s in spans]  # left, centre

    def aligned(k: int) -> bool:
        return any((np.abs(edges[k][:, None, :] - other[None, :, :]) <= COLUMN_ALIGN * H).any()
                   for j, other in enumerate(edges) if j != k)

    return sum(1 for k in range(len(edges)) if aligned(k))


def _checked(crop: Crop, r: Reading) -> Reading:
    """A crop's reading checked against what its ink shows, each change flagged (score at most
    FAINT_SCORE): faint marks read as a number or as nothing; a minus bar in the ink that the
    recogniser passed over is added; a pale bar before a number, or a bar touching it, offers
    the negative."""
    text = r.text.strip()
    if crop.faint:
        sure = FAINT_NUMBER.match(text) and r.score >= FAINT_MIN
        return Reading(text, min(r.score, FAINT_SCORE), r.alternatives) if sure else Reading("", 0.0)
    if crop.mark is not None and not (FAINT_NUMBER.match(text) and r.score >= SEALED_NUMBER_SURE):
        # A slash under a seal, not read as a number the recogniser is sure of.
        return Reading(crop.mark.text, crop.mark.score, ((text, r.score), *r.alternatives) if text else r.alternatives)
    if crop.minus and FAINT_NUMBER.match(text):
        # A minus in the ink: the number is negative.
        return Reading("-" + text, min(r.score, FAINT_SCORE), ((text, FAINT_SCORE), *r.alternatives))
    if crop.maybe_minus and FAINT_NUMBER.match(text):
        # A pale bar, or one touching the digit, before the number: a minus sign maybe (本年增/减),
        # never dropped silently.
        return Reading(text, min(r.score, FAINT_SCORE), (("-" + text, FAINT_SCORE), *r.alternatives))
    return r


def read_page(img: np.ndarray, number: int, dpi: float, options: ReadOptions = ReadOptions(),
              batch_size: int = DEFAULT_BATCH, detect_orientation: bool = True,
              title_lines: int = 0) -> PageResult:
    """One page image -> Page (words + segments in the upright, deskewed page's pixels);
    its first ``title_lines`` lines are read in full (the report's title)."""
    prep = work_image(img, dpi, detect_orientation)
    dpi = prep.dpi
    rul = raster.find_rulings(prep.ink, dpi, prep.seal, prep.grey < _faint_level(prep))
    unruled: list[tuple[float, float, float, float]] = []
    layout_notes: list[str] = []
    ink = text_ink(prep, rul)
    H = char_height(ink.boxes[ink.keep], dpi)  # the page's character height: its lines and columns, where it has no rules
    lines = None if rul.tables else page_lines(prep, ink, H)
    if lines is not None and _column_rows(lines, ink.boxes, H) >= MIN_TABLE_LINES:
        # No ruling grid but words in columns: ask the layout model whether the page holds a
        # table anyway (drawn without rules, or a picture of one); its lines are then read in
        # full, and the caller is told that no grid could be built here. A page of prose
        # skips the model: a fifth of such a page's time.
        from pipeline.read.ocr import layout_regions

        for cls, score, (a, b, c, d) in layout_regions(prep.grey, ("table",)):
            unruled.append((a, b, c, d))
            where = f"a table without ruling lines at ({a:.0f},{b:.0f})-({c:.0f},{d:.0f}) (layout {cls} {score:.2f})"
            grid = _structure_grid(prep, (a, b, c, d)) if options.structure == "tatr" else None
            if grid is None:
                layout_notes.append(f"{where}: its text is read as lines, no grid")
            else:
                rul.tables.append(grid)
                lines = None  # the grid's text is no longer outside the tables
                layout_notes.append(f"{where}: {len(grid.h) - 1} rows and {len(grid.v) - 1} columns "
                                    f"from the Table Transformer")
    crops, notes, _ink = page_crops(prep, rul, options.prose, unruled, ink, title_lines, lines)
    notes = layout_notes + notes
    rec = get_recognizer(options.ocr_engine)
    todo = [k for k, c in enumerate(crops) if c.fixed is None]
    readings: list[Reading] = [c.fixed or Reading("", 0.0) for c in crops]
    for k, r in zip(todo, rec.recognize([crops[k].image for k in todo], batch_size) if todo else []):
        readings[k] = r
    whole = _title_runs_on(crops, readings)
    for k, r in zip(whole, rec.recognize([crops[k].whole.image for k in whole], batch_size) if whole else []):
        crops[k], readings[k] = replace(crops[k].whole, em=crops[k].em), r
    pending = list(range(len(crops)))
    for _ in range(3):  # heading found in a skimmed line -> full line -> unsqueezed if digits
        redo = [(k, crops[k].redo(readings[k])) for k in pending if crops[k].redo is not None]
        redo = [(k, c) for k, c in redo if c is not None]
        if not redo:
            break
        for (k, c), r in zip(redo, rec.recognize([c.image for _, c in redo], batch_size)):
            # The line read again keeps its character height (word boxes, spaced digits).
            crops[k], readings[k] = replace(c, em=crops[k].em), r
        pending = [k for k, _ in redo]
    readings = [_checked(c, r) for c, r in zip(crops, readings)]
    skimmed = sum(1 for c in crops if c.skimmed)
    if skimmed:
        notes.append(f"{skimmed} prose lines read only in their first {SKIM_CHARS} characters (prose='skim')")
    words = [
        Word(text, *word_box(c.box, text, c.em), confidence=_seal_capped(prep, c.box, r.score),
             alternatives=tuple((cjk_text(a, c.box[2] - c.box[0], c.em), p) for a, p in r.alternatives),
             clipped=c.skimmed)
        for c, r in zip(crops, readings) if r.text.strip()
        for text in [cjk_text(r.text, c.box[2] - c.box[0], c.em)]
    ]
    words.sort(key=lambda w: (w.top, w.x0))
    h, w = prep.grey.shape
    page = Page(number=number, width=float(w), height=float(h), words=words, segments=rul.segments(),
                unit="px", dpi=dpi)
    notes = [f"page {number}: {n}" for n in prep.notes + notes]
    if prep.rotation:
        notes.append(f"page {number}: turned {prep.rotation} degrees to stand upright")
    return PageResult(page, prep, rul, notes)


def _title_runs_on(crops: Sequence[Crop], readings: Sequence[Reading]) -> list[int]:
    """The skimmed title lines (Crop.whole) to read in full: those down to the first line
    where the title lines read so far, joined top to bottom, hold the title's tail (all of
    them where none does)."""
    lines = sorted((k for k, c in enumerate(crops) if c.title), key=lambda k: (crops[k].box[1], crops[k].box[0]))
    text = ""
    for n, k in enumerate(lines):
        text += readings[k].text
        if ends_title(text):
            lines = lines[:n + 1]
            break
    return [k for k in lines if crops[k].whole is not None]


SEAL_SCORE = 0.8  # the most a reading under a seal is trusted: its cell is flagged for review


def _seal_capped(prep: raster.Prepared, box: tuple[int, int, int, int], score: float) -> float:
    """The score of a reading, capped where a seal lies over the text. Taking the seal out
    cannot always leave the ink under it whole: on a 150-DPI JPEG the ring took the left
    half of a 4 (448 read as 148 at 0.97) and left a stroke that read as a 1 beside a 0. The
    recogniser is sure of what it sees; what it sees is not the page. So no reading under a
    seal is trusted blindly."""
    if prep.seal is None:
        return score
    x0, y0, x1, y1 = (int(v) for v in box)
    m = max(2, int(0.02 * prep.dpi))
    zone = prep.seal[max(0, y0 - m):y1 + m, max(0, x0 - m):x1 + m]
    if zone.size and float(zone.mean()) > 0.02:
        return min(score, SEAL_SCORE)
    return score


def read_images(images: Iterable[ImageInput], path: str | Path, kind: str = "image",
                numbers: Sequence[int] | None = None, sha256: str | None = None,
                reload: Callable[[int], tuple[np.ndarray, float]] | None = None,
                options: ReadOptions = ReadOptions()) -> Document:
    """Read page images (arrays, or (array, dpi) pairs; DPI guessed from an A4 page otherwise)
    into a Document. Raises UnreadableInput when no page has any text.

    ``reload(k)`` gives the k-th (0-based) input image again: with it each Page gets a
    ``render`` that re-creates its work image on demand (debug pictures), so no page image
    is kept in memory."""
    pages: list[Page] = []
    warns: list[str] = []
    h = hashlib.sha256()
    for k, item in enumerate(images):
        img, dpi = item if isinstance(item, tuple) else (item, None)
        if img is None or getattr(img, "size", 0) == 0:
            raise UnreadableInput(f"{path}: page {k + 1} has no pixels")
        if dpi is None:
            dpi, note = _guess_dpi(img.shape, None)
            warns.append(f"page {k + 1}: {note}")
        if sha256 is None:
            h.update(np.ascontiguousarray(img))
        number = numbers[k] if numbers else k + 1
        res = read_page(img, number, float(dpi), options, title_lines=TITLE_LINES if k == 0 else 0)
        if reload is not None:
            res.page.render = functools.partial(_rerender, reload, k, float(dpi))
        pages.append(res.page)
        warns += res.notes
        if not res.page.words:
            warns.append(f"page {number}: no text found")
    if not pages:
        raise UnreadableInput(f"{path} has no pages")
    if not any(p.words for p in pages):
        raise UnreadableInput(f"{path}: no text on any page (blank or not a document)")
    return Document(path=str(path), sha256=sha256 or h.hexdigest(), kind=kind, pages=pages, warnings=warns)


def read_image_file(path: str | Path, options: ReadOptions = ReadOptions()) -> Document:
    """Read a .png/.jpg/.jpeg/.tif/.tiff file (every TIFF page) into a Document of kind "image"."""
    path = Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise UnreadableInput(f"{path}: not an image file ({', '.join(IMAGE_SUFFIXES)})")
    data = _read_bytes(path)
    notes: list[str] = []

    def pages() -> Iterator[tuple[np.ndarray, float]]:
        for arr, dpi, note in iter_image_pages(path, data):
            if note:
                notes.append(note)
            yield arr, dpi

    def reload(k: int) -> tuple[np.ndarray, float]:
        arr, dpi, _note = next(itertools.islice(iter_image_pages(path), k, None))
        return arr, dpi

    doc = read_images(pages(), path, kind="image", sha256=_sha256_bytes(data), reload=reload, options=options)
    doc.warnings[:0] = notes
    return doc


def read_pdf_scan(path: str | Path, page_numbers: Sequence[int] | None = None, dpi: float | None = None,
                  kind: str = "pdf-scan", options: ReadOptions = ReadOptions()) -> Document:
    """OCR the given pages of a PDF (1-based; all by default), e.g. an image-only scan."""
    import pypdfium2 as pdfium

    path = Path(path)
    data = _read_bytes(path)
    if not page_numbers:
        try:
            page_numbers = list(range(1, len(pdfium.PdfDocument(data)) + 1))
        except pdfium.PdfiumError as exc:
            raise UnreadableInput(f"{path} is not a readable PDF ({exc})") from exc
    numbers = list(page_numbers)

    def reload(k: int) -> tuple[np.ndarray, float]:
        return next(iter_pdf_pages(path, [numbers[k]], dpi))

    return read_images(iter_pdf_pages(path, numbers, dpi), path, kind=kind, numbers=numbers,
                       sha256=_sha256_bytes(data), reload=reload, options=options)


def _rerender(reload: Callable[[int], tuple[np.ndarray, float]], k: int, dpi: float) -> np.ndarray:
    img, _dpi = reload(k)
    return work_image(img, dpi).grey
