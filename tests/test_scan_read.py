"""The scanned-document reader on real images and real models: simulated scans of the seed
report's table pages, image files (PNG, multi-page TIFF), image-only PDFs and bad input."""
from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.errors import InputError
from pipeline.read import scan as reader
from pipeline.read.raster import rot90_matrix
from pipeline.synth import scan as sim

ROOT = Path(__file__).resolve().parent.parent
SEED_PDF = ROOT / "samples" / "digital" / "meizhou_hrss_2022.pdf"
TABLE_PAGES = [1, 2]  # 0-based: pages 2 and 3 hold the three tables


def _bgr(sp: sim.ScannedPage) -> np.ndarray:
    return sp.image if sp.image.ndim == 2 else np.ascontiguousarray(sp.image[..., ::-1])


def _to_reader(sp: sim.ScannedPage, res: reader.PageResult) -> np.ndarray:
    """3x3 matrix from rendered digital-page pixels to the reader's page pixels."""
    h, w = sp.image.shape[:2]
    hs, ws = (h, w) if sp.profile.rotate % 180 == 0 else (w, h)
    return res.prepared.matrix @ rot90_matrix(sp.profile.rotate // 90, ws, hs) @ np.array(sp.matrix)


@pytest.fixture(scope="module")
def mild() -> list[sim.ScannedPage]:
    return sim.scan_pdf_pages(SEED_PDF, "mild", seed=7, pages=TABLE_PAGES)


@pytest.fixture(scope="module")
def mild_read(mild) -> list[reader.PageResult]:
    return [reader.read_page(_bgr(sp), i + 1, float(sp.profile.dpi)) for i, sp in zip(TABLE_PAGES, mild)]


def test_mild_scan_reads_every_numeric_cell_exactly(mild, mild_read) -> None:
    for i, sp, res in zip(TABLE_PAGES, mild, mild_read):
        truth = sim.truth_cells(SEED_PDF, i)
        assert len(truth) > 50
        words = [(w.text, w.cx, w.cy) for w in res.page.words]
        m = _to_reader(sp, res)
        wrong = [(text, got) for box, text in truth
                 if (got := sim._cell_text(words, m, box, sp.profile.dpi / 72.0)) != text]
        assert wrong == [], f"page {i + 1}: {wrong}"


def _distinct(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def test_segments_reproduce_the_ruling_grid(mild, mild_read) -> None:
    import pdfplumber

    with pdfplumber.open(str(SEED_PDF)) as pdf:
        for i, sp, res in zip(TABLE_PAGES, mild, mild_read):
            page = pdf.pages[i]
            k = sp.profile.dpi / 72.0
            m = _to_reader(sp, res)
            tables = [t.bbox for t in page.find_tables()]
            assert len(res.rulings.tables) == len(tables)
            for x0, top, x1, bottom in tables:
                edges = [e for e in page.edges if x0 - 1 <= e["x0"] and e["x1"] <= x1 + 1 and top - 1 <= e["top"] and e["bottom"] <= bottom + 1]
                cx = (x0 + x1) / 2 * k
                digital_y = _distinct([(m @ np.array([cx, e["top"] * k, 1]))[1] for e in edges if e["orientation"] == "h"], 4)
                lo, hi = min(digital_y) - 8, max(digital_y) + 8
                ours_y = _distinct([s.y0 for s in res.page.segments if s.horizontal and lo <= s.y0 <= hi], 4)
                assert len(ours_y) == len(digital_y), (i + 1, ours_y, digital_y)
                assert max(abs(a - b) for a, b in zip(ours_y, digital_y)) <= 6
                cy = (top + bottom) / 2 * k
                digital_x = _distinct([(m @ np.array([e["x0"] * k, cy, 1]))[0] for e in edges if e["orientation"] == "v"], 4)
                ours_x = _distinct([s.x0 for s in res.page.segments if not s.horizontal and lo <= (s.y0 + s.y1) / 2 <= hi], 4)
                assert len(ours_x) == len(digital_x), (i + 1, ours_x, digital_x)
                assert max(abs(a - b) for a, b in zip(ours_x, digital_x)) <= 6


def test_headings_outside_tables_are_words(mild_read) -> None:
    texts = {n: [w.text for w in r.page.words] for n, r in zip((2, 3), mild_read)}
    assert "二、主动公开政府信息情况" in texts[2]
    assert "三、收到和处理政府信息公开申请情况" in texts[2]
    assert any(t.startswith("四、政府信息公开行政复议") for t in texts[3])
    for r in mild_read:
        assert r.page.unit == "px" and r.page.dpi == 200
        for w in r.page.words:
            assert 0 <= w.confidence <= 1 and w.x0 < w.x1 and w.top < w.bottom


def test_alternatives_come_from_the_recogniser() -> None:
    from pipeline.read.ocr import get_recognizer

    img = np.full((60, 60), 255, np.uint8)
    cv2.putText(img, "O", (12, 46), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    r = get_recognizer().recognize([img])[0]
    if r.text not in "0123456789":
        assert any(a in "0123456789" and a for a, _ in r.alternatives), r  # a digits-only reading is offered


def test_rotated_png_and_multipage_tiff(tmp_path: Path) -> None:
    pages = sim.scan_pdf_pages(SEED_PDF, sim.ScanProfile(dpi=150, skew_deg=-0.8, rotate=180, jpeg_quality=70), 3, TABLE_PAGES)
    png = sim.write_images(pages[1:], tmp_path / "p3.png")[0]
    doc = reader.read_image_file(png)
    assert doc.kind == "image" and len(doc.pages) == 1 and doc.pages[0].dpi == 150
    assert any("turned 180" in w for w in doc.warnings)
    assert any(w.text.startswith("四、政府信息公开行政复议") for w in doc.pages[0].words)
    assert sum(w.text == "0" for w in doc.pages[0].words) > 100

    tif = sim.write_images(pages, tmp_path / "both.tif")[0]
    doc = reader.read_image_file(tif)
    assert [p.number for p in doc.pages] == [1, 2]
    assert all(len(p.segments) > 20 for p in doc.pages)


def test_image_only_pdf_renders_at_its_scan_resolution(tmp_path: Path) -> None:
    out = tmp_path / "scan.pdf"
    written = sim.scan_sample(SEED_PDF, out, "hard", seed=1, pages=[2])
    assert written == [out]
    gold = json.loads((tmp_path / "scan.gold.json").read_text(encoding="utf-8"))
    assert gold["cells"] == json.loads(SEED_PDF.with_suffix(".gold.json").read_text(encoding="utf-8"))["cells"]
    (img, dpi), = reader.render_pdf_pages(out)
    assert dpi == 150 and img.shape[0] > 1500
    doc = reader.read_pdf_scan(out, [1])
    assert doc.kind == "pdf-scan" and doc.pages[0].segments
    assert any("red ink suppressed" in w for w in doc.warnings)


def test_simulator_is_deterministic() -> None:
    a = sim.scan_pdf_pages(SEED_PDF, "hard", seed=5, pages=[2])[0]
    b = sim.scan_pdf_pages(SEED_PDF, "hard", seed=5, pages=[2])[0]
    c = sim.scan_pdf_pages(SEED_PDF, "hard", seed=6, pages=[2])[0]
    assert a.profile == b.profile and np.array_equal(a.image, b.image)
    assert not np.array_equal(a.image, c.image)


# --------------------------------------------------------------------------- bad input

def _png_header_only(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("name,make,message", [
    ("blank.png", lambda p: cv2.imwrite(str(p), np.full((1169, 827), 255, np.uint8)), "no text"),
    ("bomb.png", lambda p: p.write_bytes(_png_header_only(60000, 60000)), "Mpx"),
    ("bigger.png", lambda p: p.write_bytes(_png_header_only(12000, 9000)), "Mpx"),
    ("corrupt.png", lambda p: p.write_bytes(_png_header_only(800, 600)[:40]), "corrupt"),
    ("garbage.jpg", lambda p: p.write_bytes(b"not an image " * 50), "not a readable image"),
    ("empty.tif", lambda p: p.write_bytes(b""), "empty"),
    ("notes.txt", lambda p: p.write_text("x"), "not an image file"),
])
def test_bad_input_raises_one_line_error(tmp_path: Path, name: str, make, message: str) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(reader.UnreadableInput) as info:
        reader.read_image_file(path)
    assert isinstance(info.value, InputError)
    assert message in str(info.value) and "\n" not in str(info.value)
