"""Scan simulator: turns a digital sample PDF into scanned variants whose gold is unchanged.

The degradations follow the physical order of a real scan: the seal is stamped on the paper,
the paper lies skewed (and, for a photographed page, in perspective) under the sensor, the
light is uneven, the optics blur, the sensor adds noise, the device converts to grey or to
bilevel (fax), the file is JPEG-compressed, and some pages end up rotated by 90/180 degrees.
Everything is drawn from one ``numpy`` generator seeded per (seed, page): same seed, same
bytes.

    python -m pipeline.synth.scan samples/digital/x.pdf --level mild --seed 1 --out x.pdf
    python -m pipeline.synth.scan samples/digital/x.pdf --level clean --pages 2 --mode gray --out x.png
    python -m pipeline.synth.scan samples/digital/x.pdf --level mild --mode bilevel --rotate 0,180 --out x.tif
    python -m pipeline.synth.scan bench samples/digital/x.pdf --level hard --seeds 1,2 --pages 2,3
"""
from __future__ import annotations

import argparse
import ctypes
import functools
import io
import json
import math
import re
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal, Sequence

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

Mode = Literal["color", "gray", "bilevel"]


@dataclass(frozen=True)
class ScanProfile:
    dpi: int = 200
    skew_deg: float = 0.0  # signed, counter-clockwise
    blur_sigma: float = 0.0  # Gaussian sigma in pixels
    noise_sigma: float = 0.0  # grey levels
    jpeg_quality: int | None = None  # None: lossless output
    lighting: float = 0.0  # 0..0.4: darkening at the dim side of the page
    seal: bool = False  # a red seal over part of the largest table
    rotate: int = 0  # 0, 90, 180, 270: the page as scanned, counter-clockwise
    perspective: float = 0.0  # max corner shift as a fraction of the page size
    mode: Mode = "color"


# The fixed bars of issue 3 (the sign of the skew and the small things are drawn per page).
LEVELS: dict[str, ScanProfile] = {
    "clean": ScanProfile(dpi=300, skew_deg=0.3, blur_sigma=0.3, noise_sigma=2, jpeg_quality=90),
    "mild": ScanProfile(dpi=200, skew_deg=1.2, blur_sigma=0.6, noise_sigma=5, jpeg_quality=55,
                        lighting=0.12, perspective=0.002),
    "hard": ScanProfile(dpi=150, skew_deg=2.5, blur_sigma=0.9, noise_sigma=9, jpeg_quality=30,
                        lighting=0.25, seal=True, perspective=0.005),
}


def draw_profile(level: str, rng: np.random.Generator) -> ScanProfile:
    """A page profile for a level: the level's bar values with a random skew sign and mode,
    or, for level "random", every parameter drawn from the issue's ranges."""
    if level == "random":
        return ScanProfile(
            dpi=int(rng.choice([100, 120, 150, 200, 240, 300])),
            skew_deg=float(rng.uniform(-3, 3)),
            blur_sigma=float(rng.uniform(0, 1.2)),
            noise_sigma=float(rng.uniform(0, 10)),
            jpeg_quality=int(rng.integers(30, 91)),
            lighting=float(rng.uniform(0, 0.3)),
            seal=bool(rng.random() < 0.4),
            rotate=int(rng.choice([0, 0, 0, 0, 90, 180])),
            perspective=float(rng.uniform(0, 0.006)),
            mode=str(rng.choice(["color", "color", "gray", "bilevel"])),  # type: ignore[arg-type]
        )
    base = LEVELS[level]
    sign = 1.0 if rng.random() < 0.5 else -1.0
    # The bar is a maximum: the skew lies between 60% and 100% of it.
    return replace(base, skew_deg=round(sign * base.skew_deg * float(rng.uniform(0.6, 1.0)), 3))


# --------------------------------------------------------------------------- the seal

def _font(size: int) -> ImageFont.FreeTypeFont:
    import importlib.util

    # SimSun ships in the synth extra's mksci-font wheel (a data directory, not a module).
    spec = importlib.util.find_spec("mksci_font")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the seal needs the synth extra (mksci-font) for its SimSun font")
    root = Path(list(spec.submodule_search_locations)[0])
    return ImageFont.truetype(str(root / "data" / "SimSun.ttf"), size)


def make_seal(diameter: int, text: str, rng: np.random.Generator) -> np.ndarray:
    """An official round seal (ring, star, agency name on the upper arc) as an alpha map."""
    d = diameter
    img = Image.new("L", (d, d), 0)
    draw = ImageDraw.Draw(img)
    r = d / 2
    ring = max(2, int(d * 0.03))
    draw.ellipse((ring / 2, ring / 2, d - ring / 2, d - ring / 2), outline=255, width=ring)
    star_r = r * 0.28
    pts = []
    for k in range(10):
        rad = star_r if k % 2 == 0 else star_r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((r + rad * math.cos(a), r + rad * math.sin(a)))
    draw.polygon(pts, fill=255)
    # The agency name on the upper arc, each character turned to face the centre.
    size = int(d * 0.13)
    font = _font(size)
    n = len(text)
    span = math.radians(250)
    for i, ch in enumerate(text):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / n
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, fill=255, font=font)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        cx, cy = r + r * 0.72 * math.cos(a), r + r * 0.72 * math.sin(a)
        img.paste(255, (int(cx - size), int(cy - size)), glyph)
    alpha = np.asarray(img, dtype=np.float32) / 255.0
    # Stamp ink is uneven: patches where the pad left less ink.
    tex = cv2.GaussianBlur(rng.random((d, d)).astype(np.float32), (0, 0), d / 40)
    tex = (tex - tex.min()) / max(1e-6, float(tex.max() - tex.min()))
    return alpha * (0.55 + 0.4 * tex)


def stamp(page: np.ndarray, alpha: np.ndarray, cx: int, cy: int) -> None:
    """Multiply a red seal into an RGB page in place (ink on paper darkens, never lightens)."""
    colour = np.array([215, 25, 35], dtype=np.float32) / 255.0
    h, w = page.shape[:2]
    d = alpha.shape[0]
    x0, y0 = cx - d // 2, cy - d // 2
    sx0, sy0 = max(0, -x0), max(0, -y0)
    x0c, y0c = max(0, x0), max(0, y0)
    x1c, y1c = min(w, x0 + d), min(h, y0 + d)
    if x1c <= x0c or y1c <= y0c:
        return
    a = alpha[sy0:sy0 + (y1c - y0c), sx0:sx0 + (x1c - x0c), None]
    region = page[y0c:y1c, x0c:x1c].astype(np.float32)
    region *= 1.0 - a * (1.0 - colour)
    page[y0c:y1c, x0c:x1c] = region.clip(0, 255).astype(np.uint8)


def table_boxes(pdf_path: Path, page_index: int) -> list[tuple[float, float, float, float]]:
    """Ruled-table boxes of a digital page in PDF points (where to put the seal)."""
    import pdfplumber

    with pdfplumber.open(str(pdf_path)) as pdf:
        page = pdf.pages[page_index]
        return [tuple(t.bbox) for t in page.find_tables()]  # type: ignore[misc]


# --------------------------------------------------------------------------- the scan

def degrade(
    rgb: np.ndarray,
    profile: ScanProfile,
    rng: np.random.Generator,
    seal_at: tuple[int, int] | None = None,
    seal_text: str = "政府信息公开专用章",
) -> tuple[np.ndarray, np.ndarray]:
    """Scan one rendered page. Returns the image (H×W×3 RGB, H×W grey or bilevel) and the
    3×3 matrix from rendered-page pixels to scanned pixels before the final 90/180 turn."""
    page = np.ascontiguousarray(rgb[..., :3]).copy()
    h, w = page.shape[:2]
    if profile.seal and seal_at is not None:
        d = int(42 / 25.4 * profile.dpi)  # a standard 42 mm official seal
        stamp(page, make_seal(d, seal_text, rng), *seal_at)

    # Skew and perspective as one homography around the page centre.
    a = math.radians(profile.skew_deg)
    rot = np.array([[math.cos(a), math.sin(a), 0], [-math.sin(a), math.cos(a), 0], [0, 0, 1]])
    c = np.array([[1, 0, w / 2], [0, 1, h / 2], [0, 0, 1]])
    ci = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]])
    m = c @ rot @ ci
    if profile.perspective > 0:
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        jitter = rng.uniform(-1, 1, (4, 2)) * profile.perspective * np.array([w, h])
        m = cv2.getPerspectiveTransform(src, (src + jitter).astype(np.float32)) @ m
    if not np.allclose(m, np.eye(3)):
        page = cv2.warpPerspective(page, m, (w, h), flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))

    img = page.astype(np.float32)
    if profile.lighting > 0:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        t = float(rng.uniform(0, 2 * math.pi))
        ramp = ((xx / w - 0.5) * math.cos(t) + (yy / h - 0.5) * math.sin(t)) + 0.5
        vignette = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * 2
        field = 1.0 - profile.lighting * np.clip(0.7 * ramp + 0.3 * vignette, 0, 1)
        img *= field[..., None]
    if profile.blur_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), profile.blur_sigma)
    if profile.noise_sigma > 0:
        img += rng.normal(0, profile.noise_sigma, img.shape).astype(np.float32)
    out = img.clip(0, 255).astype(np.uint8)

    if profile.mode == "gray":
        out = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
    elif profile.mode == "bilevel":
        grey = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        out = np.where(grey < 150, 0, 255).astype(np.uint8)  # a fax's fixed threshold
    if profile.jpeg_quality is not None and profile.mode != "bilevel":
        out = jpeg_roundtrip(out, profile.jpeg_quality)
    return out, m


def jpeg_roundtrip(img: np.ndarray, quality: int) -> np.ndarray:
    data = encode_jpeg(img, quality)
    flag = cv2.IMREAD_GRAYSCALE if img.ndim == 2 else cv2.IMREAD_COLOR_RGB
    return cv2.imdecode(np.frombuffer(data, np.uint8), flag)


def encode_jpeg(img: np.ndarray, quality: int) -> bytes:
    bgr = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def turn(img: np.ndarray, rotate: int) -> np.ndarray:
    """The page as it was fed: rotated counter-clockwise by ``rotate`` degrees."""
    return np.ascontiguousarray(np.rot90(img, k=(rotate // 90) % 4))


@functools.cache
def _printer_fonts() -> None:
    """Give pdfium the sample fonts as system fonts, once per process, before any PDF is open.

    A printer has the fonts a PDF names but does not embed (STSong-Light, a standard CID
    font); pdfium without system CJK fonts would render such text as blank paper."""
    import pypdfium2.raw as pdfium_c
    from pypdfium2 import _library_scope
    from pypdfium2.internal import bases

    from .layout import FONT_FILES

    dirs = sorted({str(f.parent) for f in FONT_FILES.values() if f.exists()})
    paths = (ctypes.c_char_p * (len(dirs) + 1))(*[d.encode() for d in dirs], None)
    _printer_fonts.paths = paths  # pdfium keeps the pointer
    _library_scope.destroy_lib()
    config = pdfium_c.FPDF_LIBRARY_CONFIG(
        version=2, m_pIsolate=None, m_v8EmbedderSlot=0,
        m_pUserFontPaths=ctypes.cast(paths, type(pdfium_c.FPDF_LIBRARY_CONFIG().m_pUserFontPaths)))
    pdfium_c.FPDF_InitLibraryWithConfig(config)
    bases.LIBRARY_AVAILABLE = True


@dataclass
class ScannedPage:
    image: np.ndarray  # as stored (after the turn)
    profile: ScanProfile
    matrix: list[list[float]]  # rendered-page px -> scanned px, before the turn
    seal_at: tuple[int, int] | None


def scan_pdf_pages(
    pdf_path: str | Path,
    level: str | ScanProfile = "mild",
    seed: int = 0,
    pages: Sequence[int] | None = None,
    mode: Mode | None = None,
    rotate: int | Sequence[int] | None = None,
    dpi: int | None = None,
) -> list[ScannedPage]:
    """Render and degrade the pages (0-based ``pages``; default all) of a digital PDF.

    ``mode`` overrides the level's colour mode (grey, bilevel fax); ``rotate`` the turn of
    the pages as fed (degrees counter-clockwise; one value for all pages or one per page)."""
    pdf_path = Path(pdf_path)
    _printer_fonts()
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        indices = list(range(len(doc))) if pages is None else list(pages)
        out = []
        for i in indices:
            rng = np.random.default_rng([seed, i])
            profile = level if isinstance(level, ScanProfile) else draw_profile(level, rng)
            if mode is not None:
                profile = replace(profile, mode=mode)
            if dpi is not None:
                profile = replace(profile, dpi=int(dpi))
            if rotate is not None:
                turn_deg = rotate if isinstance(rotate, int) else list(rotate)[len(out) % len(list(rotate))]
                profile = replace(profile, rotate=int(turn_deg) % 360)
            scale = profile.dpi / 72.0
            rgb = doc[i].render(scale=scale).to_numpy()[..., :3]
            # pdfium renders BGR(A) by default; the simulator works in RGB.
            rgb = np.ascontiguousarray(rgb[..., ::-1])
            seal_at = None
            if profile.seal:
                boxes = table_boxes(pdf_path, i)
                if boxes:
                    x0, t, x1, b = max(boxes, key=lambda bb: (bb[2] - bb[0]) * (bb[3] - bb[1]))
                    # Over the right half of the table, where the numbers are.
                    fx, fy = rng.uniform(0.55, 0.85), rng.uniform(0.25, 0.75)
                    seal_at = (int((x0 + fx * (x1 - x0)) * scale), int((t + fy * (b - t)) * scale))
            img, m = degrade(rgb, profile, rng, seal_at)
            out.append(ScannedPage(turn(img, profile.rotate), profile, m.tolist(), seal_at))
        return out
    finally:
        doc.close()


# --------------------------------------------------------------------------- writers

def write_pdf(pages: Sequence[ScannedPage], path: Path) -> None:
    """An image-only PDF, one image per page at its scan DPI. JPEG pages are embedded as they
    were compressed (no second compression); grey/bilevel lossless pages as Flate bitmaps."""
    pdf = pdfium.PdfDocument.new()
    try:
        for sp in pages:
            h, w = sp.image.shape[:2]
            wpt, hpt = w * 72.0 / sp.profile.dpi, h * 72.0 / sp.profile.dpi
            page = pdf.new_page(wpt, hpt)
            obj = pdfium.PdfImage.new(pdf)
            if sp.profile.jpeg_quality is not None and sp.profile.mode != "bilevel":
                obj.load_jpeg(io.BytesIO(encode_jpeg(sp.image, sp.profile.jpeg_quality)), inline=False)
            else:
                pil = Image.fromarray(sp.image)
                if sp.profile.mode == "bilevel":
                    pil = pil.convert("L")
                obj.set_bitmap(pdfium.PdfBitmap.from_pil(pil))
            obj.set_matrix(pdfium.PdfMatrix().scale(wpt, hpt))
            page.insert_obj(obj)
            page.gen_content()
        pdf.save(str(path))
    finally:
        pdf.close()


def write_images(pages: Sequence[ScannedPage], path: Path) -> list[Path]:
    """PNG/JPEG: one file per page (``name-p1.png``…); TIFF: one multi-page file."""
    pils = []
    for sp in pages:
        pil = Image.fromarray(sp.image)
        if sp.profile.mode == "bilevel":
            pil = pil.convert("1")
        pils.append(pil)
    suffix = path.suffix.lower()
    if suffix in (".tif", ".tiff"):
        comp = "group4" if all(p.mode == "1" for p in pils) else "tiff_lzw"
        dpi = pages[0].profile.dpi
        pils[0].save(path, save_all=True, append_images=pils[1:], compression=comp, dpi=(dpi, dpi))
        return [path]
    written = []
    for k, (sp, pil) in enumerate(zip(pages, pils), start=1):
        p = path if len(pages) == 1 else path.with_name(f"{path.stem}-p{k}{path.suffix}")
        if suffix in (".jpg", ".jpeg"):
            p.write_bytes(encode_jpeg(sp.image, sp.profile.jpeg_quality or 90))
        else:
            pil.save(p, dpi=(sp.profile.dpi, sp.profile.dpi))
        written.append(p)
    return written


def scan_sample(src: str | Path, out: str | Path, level: str = "mild", seed: int = 0,
                pages: Sequence[int] | None = None, mode: Mode | None = None,
                rotate: int | Sequence[int] | None = None, dpi: int | None = None) -> list[Path]:
    """Scan a sample into ``out`` (.pdf, .png, .jpg or .tif); copy its gold beside the output
    (values unchanged, ``document`` renamed) and write ``.scan.json`` with what was applied.

    With ``pages`` (a subset) the gold is cut to what those pages show (gold_for_pages)."""
    src, out = Path(src), Path(out)
    scanned = scan_pdf_pages(src, level, seed, pages, mode, rotate, dpi)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".pdf":
        write_pdf(scanned, out)
        written = [out]
    else:
        written = write_images(scanned, out)
    base = out.with_suffix("")
    gold = src.with_suffix(".gold.json")
    if gold.exists() and len(written) == 1:
        data = json.loads(gold.read_text(encoding="utf-8"))
        if pages is not None and sorted(pages) != list(range(_page_count(src))):
            data = gold_for_pages(src, data, [p + 1 for p in pages])
        data["document"] = out.name
        Path(f"{base}.gold.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    meta = {"source": src.name, "level": level, "seed": seed, "source_pages": None if pages is None else [p + 1 for p in pages],
            "pages": [{"profile": asdict(sp.profile), "matrix": sp.matrix, "seal_at": sp.seal_at}
                      for sp in scanned]}
    Path(f"{base}.scan.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return written


def _page_count(pdf_path: Path) -> int:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return len(doc)
    finally:
        doc.close()


def gold_for_pages(src: Path, gold: dict, pages: Sequence[int]) -> dict:
    """The gold of a digital sample cut to some of its pages (1-based), for a scan of those
    pages alone: the cells the digital extraction places on them (it is exact on the ruled
    samples used for scans; checked against the gold here), the tables with a cell there,
    their row labels and unmapped rows, and agency and year only when the first page (the
    title) is among them. Identities need whole tables: those of a table cut by the page
    selection are dropped from ``identities_broken`` (a cut table is not judged)."""
    from pipeline.extract import extract_path

    output = extract_path(src)
    keep = set(pages)
    cells = {}
    for key, value in gold["cells"].items():
        c = output["cells"].get(key)
        if c is None or c.get("page") is None:
            raise ValueError(f"{src}: cell {key} not placed on a page by the digital extraction")
        if c["value"] != value and not (isinstance(value, float) and abs(c["value"] - value) < 1e-6):
            raise ValueError(f"{src}: the digital extraction reads {key} as {c['value']}, the gold says {value}")
        if c["page"] in keep:
            cells[key] = value
    tables = [t for t in gold.get("tables", []) if any(k.startswith(t + ".") for k in cells)]
    rows = {k.rsplit(".", 1)[0] for k in cells}
    out = dict(gold)
    out["cells"] = cells
    out["tables"] = tables
    out["units"] = {k: v for k, v in gold.get("units", {}).items() if k in cells}
    out["row_labels"] = {k: v for k, v in gold.get("row_labels", {}).items() if k in rows}
    unmapped_pages = {u["printed_label"]: u.get("page") for u in output.get("unmapped_rows", [])}
    out["unmapped_rows"] = [u for u in gold.get("unmapped_rows", []) if unmapped_pages.get(u) in keep]
    whole = [t for t in tables if all(p in keep for p in output["tables"][t]["pages"])]
    out["identities_broken"] = [i for i in gold.get("identities_broken", []) if i.split(".", 1)[0] in whole]
    if 1 not in keep:
        out["report"] = {**gold.get("report", {}), "agency": None, "year": None}
    out["scan_pages"] = list(pages)
    return out


# --------------------------------------------------------------------------- reader benchmark

NUMBER = re.compile(r"^-?[0-9][0-9,]*(\.[0-9]+)?$")


def truth_cells(pdf_path: Path, page_index: int) -> list[tuple[tuple[float, float, float, float], str]]:
    """The numeric cells of a digital page (box in points, text) from its text layer."""
    import pdfplumber

    out = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        page = pdf.pages[page_index]
        for table in page.find_tables():
            for row in table.rows:
                for box in row.cells:
                    if box is None:
                        continue
                    text = (page.crop(box).extract_text() or "").replace("\n", "").replace(" ", "")
                    if NUMBER.match(text):
                        out.append((tuple(box), text))  # type: ignore[arg-type]
    return out


def _cell_text(words: Sequence[tuple[str, float, float]], m: np.ndarray, box: tuple[float, ...], k: float) -> str:
    """Text of the words whose centre falls in a truth cell mapped by ``m`` (points*k -> px)."""
    corners = [m @ np.array([x * k, y * k, 1.0]) for x, y in ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]))]
    xs = [c[0] / c[2] for c in corners]
    ys = [c[1] / c[2] for c in corners]
    inside = [(cx, t) for t, cx, cy in words if min(xs) < cx < max(xs) and min(ys) < cy < max(ys)]
    return "".join(t for _, t in sorted(inside)).replace(" ", "")


def _bench_child(engine: str, src: Path, level: str, seeds: Sequence[int], pages: Sequence[int]) -> dict:
    """Time one engine on simulated scans of ``pages`` of ``src``; score its numeric cells."""
    import resource
    import time

    from pipeline.read import scan as reader
    from pipeline.read.ocr import full_page_engine
    from pipeline.read.raster import rot90_matrix

    scanned = [(seed, i, sp) for seed in seeds for i, sp in zip(pages, scan_pdf_pages(src, level, seed, pages))]
    truth = {i: truth_cells(src, i) for i in pages}

    def run(sp: ScannedPage, number: int) -> tuple[list[tuple[str, float, float]], np.ndarray]:
        img = sp.image if sp.image.ndim == 2 else np.ascontiguousarray(sp.image[..., ::-1])  # RGB -> BGR
        h, w = sp.image.shape[:2]
        hs, ws = (h, w) if sp.profile.rotate % 180 == 0 else (w, h)
        to_scan = rot90_matrix(sp.profile.rotate // 90, ws, hs) @ np.array(sp.matrix)
        if engine == "reader":
            res = reader.read_page(img, number, float(sp.profile.dpi))
            return [(wd.text, wd.cx, wd.cy) for wd in res.page.words], res.prepared.matrix @ to_scan
        out = full_page_engine()(img)
        boxes = out.boxes if getattr(out, "boxes", None) is not None else []
        return [(t, float(b[:, 0].mean()), float(b[:, 1].mean())) for b, t in zip(boxes, out.txts or ())], to_scan

    run(scanned[0][2], 1)  # load the models: not per-page work
    times, cpu, exact, total, wrong = [], [], 0, 0, []
    for seed, i, sp in scanned:
        t0, c0 = time.perf_counter(), time.process_time()
        words, m = run(sp, i + 1)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        for box, text in truth[i]:
            got = _cell_text(words, m, box, sp.profile.dpi / 72.0)
            total += 1
            if got == text:
                exact += 1
            else:
                wrong.append(f"seed {seed} p{i + 1}: {text!r} read {got!r}")
    return {"engine": engine, "level": level, "pages": len(times), "s_per_page": sum(times) / len(times),
            "s_per_page_median": float(np.median(times)), "cpu_s_per_page": sum(cpu) / len(cpu),
            "cells": total, "exact": exact,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "wrong": wrong[:20]}


def bench(src: Path, level: str, seeds: Sequence[int], pages: Sequence[int]) -> list[dict]:
    """Reader vs rapidocr's full-page det+cls+rec, each in a fresh process (clean peak RSS)."""
    import subprocess
    import sys

    results = []
    for engine in ("reader", "baseline"):
        cmd = [sys.executable, "-m", "pipeline.synth.scan", "bench", str(src), "--child", engine, "--level", level,
               "--seeds", ",".join(map(str, seeds)), "--pages", ",".join(str(p + 1) for p in pages)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:
        ap = argparse.ArgumentParser(prog="python -m pipeline.synth.scan bench",
                                     description="seconds per table page and numeric-cell accuracy of the scan "
                                                 "reader against rapidocr's full-page OCR, on simulated scans")
        ap.add_argument("src", type=Path)
        ap.add_argument("--level", default="mild", choices=[*LEVELS, "random"])
        ap.add_argument("--seeds", default="1,2")
        ap.add_argument("--pages", default="2,3", help="1-based table pages")
        ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
        a = ap.parse_args(argv[1:])
        seeds = [int(x) for x in a.seeds.split(",")]
        pages = [int(x) - 1 for x in a.pages.split(",")]
        if a.child:
            print(json.dumps(_bench_child(a.child, a.src, a.level, seeds, pages), ensure_ascii=False))
            return 0
        res = bench(a.src, a.level, seeds, pages)
        for r in res:
            print(f"{r['engine']:>8}: {r['s_per_page']:.3f} s/page (median {r['s_per_page_median']:.3f}, "
                  f"CPU {r['cpu_s_per_page']:.3f} s), "
                  f"{r['exact']}/{r['cells']} numeric cells exact ({r['exact'] / max(1, r['cells']):.2%}), "
                  f"peak RSS {r['maxrss_mb']:.0f} MB")
            for w in r["wrong"][:8]:
                print(f"          {w}")
        print(f"   ratio: {res[0]['s_per_page'] / res[1]['s_per_page']:.2f}x the baseline's wall time, "
              f"{res[0]['cpu_s_per_page'] / res[1]['cpu_s_per_page']:.2f}x its CPU time "
              f"({a.level}, seeds {a.seeds}, pages {a.pages}, {res[0]['pages']} page reads each)")
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", help="digital sample PDF")
    ap.add_argument("--level", default="mild", choices=[*LEVELS, "random"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="output file: .pdf (image-only), .png, .jpg or .tif")
    ap.add_argument("--pages", default=None, help="1-based pages, e.g. 2,3 (the gold is cut to them)")
    ap.add_argument("--dpi", type=int, default=None, help="override the level's resolution")
    ap.add_argument("--mode", default=None, choices=["color", "gray", "bilevel"], help="override the level's colour mode")
    ap.add_argument("--rotate", default=None,
                    help="turn of the pages as fed, degrees counter-clockwise: one value, or one per page (0,180,0)")
    a = ap.parse_args(argv)
    pages = [int(p) - 1 for p in a.pages.split(",")] if a.pages else None
    rotate = None
    if a.rotate:
        turns = [int(r) for r in a.rotate.split(",")]
        rotate = turns[0] if len(turns) == 1 else turns
    for p in scan_sample(a.src, a.out, a.level, a.seed, pages, a.mode, rotate, a.dpi):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
