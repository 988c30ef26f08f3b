"""Debug pictures (``extract --debug-dir DIR``): per table page, the page image with the detected
grid and every cell's reading and status drawn over it, the picture a person looks at to see
why a cell is flagged.

What a picture shows:

* the page as the reader worked on it (scans: upright, deskewed, seal suppressed, the pixels
  the boxes are in; text-layer PDF pages: rendered by pdfium), greyed so that the drawing
  stands out;
* the ruling lines found on the page, in blue;
* each extracted cell as a box, green for ``ok``, orange for ``uncertain``, with the value read
  in its top-right corner (``?`` when no value) and, for an uncertain cell, a number that
  refers to the side panel;
* cells that take part in a failing identity, with a red outline;
* a side panel: the legend, then each uncertain cell (number, key, text read, value, note),
  the failing identities (expected vs found), the cells the form has but the table does not
  (``missing``, red: they have no box), and the unmapped rows of the page.

Cell boxes are in page units: pixels of the work image for scanned pages, PDF points for
text-layer pages (drawn at ``PDF_SCALE``).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Iterable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.document import Document, Page

PDF_SCALE = 2.0  # text-layer pages: pixels per PDF point (144 DPI)
PANEL_WIDTH = 900
COLOURS = {"ok": (0, 160, 60), "uncertain": (245, 140, 0), "missing": (220, 0, 0)}
GRID = (40, 90, 230)
FAILING = (220, 0, 0)


def write_debug_images(document: Document, output: dict, out_dir: Path) -> list[Path]:
    """One PNG per table page (a page holding a table fragment or an extracted cell) under
    ``out_dir``, named ``<input stem>-p<page>.png``. Returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cells: dict[str, dict] = output.get("cells", {})
    pages = sorted({int(p) for t in output.get("tables", {}).values() for p in t.get("pages", [])}
                   | {int(c["page"]) for c in cells.values() if c.get("page")})
    by_number = {p.number: p for p in document.pages}
    failing = [c for c in output.get("checks", []) if c.get("ok") is False]
    in_failing = {k for c in failing for k in c.get("cells", [])}
    stem = Path(document.path).stem
    written = []
    for number in pages:
        page = by_number.get(number)
        if page is None:
            continue
        image, scale = _page_image(document, page)
        page_cells = {k: c for k, c in cells.items() if c.get("page") == number and c.get("bbox")}
        picture = _draw(image, scale, page, page_cells, in_failing, failing, output, number)
        path = out_dir / f"{stem}-p{number}.png"
        picture.save(path, optimize=False, compress_level=6)
        written.append(path)
    return written


# --------------------------------------------------------------------------- the page image

def _page_image(document: Document, page: Page) -> tuple[np.ndarray, float]:
    """The page's pixels (uint8 grey) and pixels per page unit."""
    if page.render is not None:
        return np.asarray(page.render()), 1.0
    if page.unit == "pt" and document.kind.startswith("pdf"):
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(document.path))
        try:
            arr = pdf[page.number - 1].render(scale=PDF_SCALE, grayscale=True).to_numpy()
        finally:
            pdf.close()
        return (arr if arr.ndim == 2 else arr[..., 0]), PDF_SCALE
    # No pixels to show (a reader without images): a white page of the page's size.
    s = 1.0 if page.unit == "px" else PDF_SCALE
    return np.full((max(1, int(page.height * s)), max(1, int(page.width * s))), 255, np.uint8), s


# --------------------------------------------------------------------------- drawing

def _font(size: int) -> ImageFont.ImageFont:
    """A CJK font when one is installed (the synth extra's SimSun), else PIL's own."""
    spec = importlib.util.find_spec("mksci_font")
    if spec is not None and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0]) / "data" / "SimSun.ttf"
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                 "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                 "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _draw(image: np.ndarray, scale: float, page: Page, cells: dict[str, dict], in_failing: set[str],
          failing: list[dict], output: dict, number: int) -> Image.Image:
    h, w = image.shape[:2]
    unit_px = max(1.0, (page.dpi or 72 * scale) / 100.0)  # one "point" of drawing at this resolution
    small = _font(max(9, int(9 * unit_px)))
    lw = max(1, int(round(unit_px)))
    # The page faded to light grey: the drawing on top is what matters.
    faded = (155 + image.astype(np.float32) * (100 / 255)).astype(np.uint8)
    canvas = Image.new("RGBA", (w + PANEL_WIDTH, h), (255, 255, 255, 255))
    canvas.paste(Image.fromarray(faded).convert("RGBA"), (0, 0))
    boxes = {k: tuple(v * scale for v in c["bbox"]) for k, c in cells.items()}
    # Cell tints first (translucent), then lines and text on top.
    tint = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    td = ImageDraw.Draw(tint)
    for key, c in cells.items():
        x0, y0, x1, y1 = boxes[key]
        td.rectangle([x0 + lw, y0 + lw, x1 - lw, y1 - lw], fill=(*COLOURS.get(c.get("status"), COLOURS["ok"]), 45))
    canvas = Image.alpha_composite(canvas, tint).convert("RGB")
    draw = ImageDraw.Draw(canvas)
    for s in page.segments:
        draw.line([(s.x0 * scale, s.y0 * scale), (s.x1 * scale, s.y1 * scale)], fill=GRID, width=lw)
    uncertain = sorted((k for k, c in cells.items() if c.get("status") == "uncertain"),
                       key=lambda k: (boxes[k][1], boxes[k][0]))
    numbering = {k: i + 1 for i, k in enumerate(uncertain)}
    for key, c in cells.items():
        x0, y0, x1, y1 = boxes[key]
        colour = COLOURS.get(c.get("status"), COLOURS["ok"])
        bad = key in in_failing
        draw.rectangle([x0 + lw, y0 + lw, x1 - lw, y1 - lw], outline=FAILING if bad else colour,
                       width=2 * lw if bad else lw)
        tag = "?" if c.get("value") is None else _fmt(c.get("value"))
        if key in numbering:
            tag = f"{tag} [{numbering[key]}]"
        tb = draw.textbbox((0, 0), tag, font=small)
        draw.text((x1 - (tb[2] - tb[0]) - 3 * lw, y0 + 2 * lw), tag, fill=FAILING if bad else colour, font=small)

    lines: list[tuple[str, tuple[int, int, int]]] = [
        (f"page {number} ({'work image, px' if page.unit == 'px' else 'PDF, pt x %.0f' % scale})", (0, 0, 0)),
        ("green: ok   orange: uncertain   red outline: in a failing identity   blue: rules", (60, 60, 60)),
        (f"{sum(c.get('status') == 'ok' for c in cells.values())} ok, {len(uncertain)} uncertain cells on this page",
         (0, 0, 0)),
        ("", (0, 0, 0)),
    ]
    if uncertain:
        lines.append(("uncertain cells:", COLOURS["uncertain"]))
        for k in uncertain:
            c = cells[k]
            lines.append((f"[{numbering[k]}] {k} = {_fmt(c.get('value'))}  read {c.get('text', '')!r}  "
                          f"conf {c.get('confidence', 1.0):.2f}", COLOURS["uncertain"]))
            if c.get("note"):
                lines.append((f"     {c['note']}", (90, 90, 90)))
    page_keys = set(cells)
    page_failing = [f for f in failing if page_keys & set(f.get("cells", []))]
    if page_failing:
        lines += [("", (0, 0, 0)), ("failing identities:", FAILING)]
        for f in page_failing:
            lines.append((f"{f.get('id')}: expected {f.get('expected')}, found {f.get('found')}", FAILING))
    section_pages = {s: set(t.get("pages", [])) for s, t in output.get("tables", {}).items()}
    missing = [k for k, c in output.get("cells", {}).items()
               if c.get("status") == "missing" and number in section_pages.get(k.split(".", 1)[0], set())]
    if missing:
        lines += [("", (0, 0, 0)), (f"missing (in the form, not found in the table): {len(missing)}", COLOURS["missing"])]
        lines += [(f"  {k}", COLOURS["missing"]) for k in missing[:60]]
        if len(missing) > 60:
            lines.append((f"  ... {len(missing) - 60} more", COLOURS["missing"]))
    unmapped = [u for u in output.get("unmapped_rows", []) if u.get("page") == number]
    if unmapped:
        lines += [("", (0, 0, 0)), ("unmapped rows:", (120, 0, 160))]
        lines += [(f"  {u.get('section')}: {u.get('printed_label')!r} {u.get('values', '')}", (120, 0, 160))
                  for u in unmapped]
    _panel(draw, w + 10 * lw, 10 * lw, PANEL_WIDTH - 20 * lw, h, lines, small)
    return canvas


def _panel(draw: ImageDraw.ImageDraw, x: int, y: int, width: int, bottom: int,
           lines: Iterable[tuple[str, tuple[int, int, int]]], font: ImageFont.ImageFont) -> None:
    line_h = int(draw.textbbox((0, 0), "国0", font=font)[3] * 1.3) + 1
    for text, colour in lines:
        for part in _wrap(draw, text, font, width):
            if y + line_h > bottom:
                return
            draw.text((x, y), part, fill=colour, font=font)
            y += line_h


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> list[str]:
    out, cur = [], ""
    for ch in text:
        if cur and draw.textlength(cur + ch, font=font) > width:
            out.append(cur)
            cur = "    "
        cur += ch
    return out + [cur]


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
