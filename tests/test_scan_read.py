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


def _column_words(boxes: np.ndarray, H: float) -> list[list[int]]:
    """The words (component ids) the reader's line finder makes of every component in
    ``boxes``, whose row 0 is a placeholder (component ids start at 1)."""
    return [w for line in reader.column_lines(list(range(1, len(boxes))), boxes, H) for w in line]


def _word_starts(boxes: np.ndarray, H: float) -> list[tuple[int, int]]:
    """The top left corner (x0, top) of each word _column_words makes, sorted."""
    return sorted((int(boxes[w, 0].min()), int(boxes[w, 1].min())) for w in _column_words(boxes, H))


@pytest.fixture(scope="module")
def mild() -> list[sim.ScannedPage]:
    return sim.scan_pdf_pages(SEED_PDF, "mild", seed=7, pages=TABLE_PAGES)


@pytest.fixture(scope="module")
def mild_read(mild) -> list[reader.PageResult]:
    return [reader.read_page(_bgr(sp), i + 1, float(sp.profile.dpi)) for i, sp in zip(TABLE_PAGES, mild)]


def test_mild_scan_reads_every_numeric_cell_exactly(mild, mild_read) -> None:
    for i, sp, res in zip(TABLE_PAGES, mild, mild_read):
        truth = sim.truth_cells(SEED_PDF, i)
        assert len(truth) > 40
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
    full = json.loads(SEED_PDF.with_suffix(".gold.json").read_text(encoding="utf-8"))
    # Page 3 alone: the end of table 三 and table 四; no title page, so no agency or year.
    assert gold["document"] == "scan.pdf" and gold["scan_pages"] == [3]
    assert gold["tables"] == ["s3", "s4"] and gold["report"]["agency"] is None and gold["report"]["year"] is None
    assert gold["cells"] and all(full["cells"][k] == v for k, v in gold["cells"].items())
    assert all(k.startswith("s4.") or k.startswith("s3.") for k in gold["cells"])
    assert len([k for k in gold["cells"] if k.startswith("s4.")]) == 15
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



def test_simulator_prints_text_in_a_font_the_pdf_does_not_embed(tmp_path: Path) -> None:
    """STSong-Light (a standard CID font, never embedded) is printed as a printer would print
    it, not left as blank paper: the scan of a page of it reads back."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = tmp_path / "stsong.pdf"
    c = canvas.Canvas(str(pdf), pagesize=(595, 842))
    c.setFont("STSong-Light", 16)
    c.drawString(72, 700, "二、主动公开政府信息情况")
    c.save()
    page = sim.scan_pdf_pages(pdf, "clean", seed=1)[0]
    doc = reader.read_images([(page.image, float(page.profile.dpi))], pdf)
    assert "".join(w.text for w in doc.pages[0].words) == "二、主动公开政府信息情况"

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


# --------------------------------------------------------------------------- grid recovery

DPI = 200


def _font(size_pt: float):
    from PIL import ImageFont

    return sim._font(int(round(size_pt * DPI / 72)))


def _grid_page(rows: int = 6, cols: int = 5, cw: int = 150, rh: int = 60, x0: int = 150, y0: int = 300,
               texts: dict[tuple[int, int], str] | None = None) -> np.ndarray:
    """A white page with a ruled grid (2-px rules) and optional cell texts (SimSun 10.5 pt)."""
    from PIL import Image, ImageDraw

    img = np.full((y0 + rows * rh + 300, x0 + cols * cw + 150), 255, np.uint8)
    for r in range(rows + 1):
        cv2.line(img, (x0, y0 + r * rh), (x0 + cols * cw, y0 + r * rh), 0, 2)
    for c in range(cols + 1):
        cv2.line(img, (x0 + c * cw, y0), (x0 + c * cw, y0 + rows * rh), 0, 2)
    if texts:
        pil = Image.fromarray(img)
        draw = ImageDraw.Draw(pil)
        font = _font(10.5)
        for (r, c), text in texts.items():
            box = draw.textbbox((0, 0), text, font=font)
            tx = x0 + c * cw + (cw - (box[2] - box[0])) // 2
            ty = y0 + r * rh + (rh - (box[3] - box[1])) // 2 - box[1]
            draw.text((tx, ty), text, fill=0, font=font)
        img = np.asarray(pil).copy()
    return img


def _v_covers(tables, x: int, a: int, b: int, tol: int = 4) -> bool:
    return any(abs(vx - x) <= tol and va <= a + tol and vb >= b - tol for t in tables for vx, va, vb in t.v)


def test_a_rule_lost_in_one_row_is_reconstructed_from_the_rows_around_it() -> None:
    from pipeline.read import raster

    x0, y0, cw, rh = 150, 300, 150, 60
    img = _grid_page()
    # The rule between columns 2 and 3 is gone in row 3 (a seal, faint toner): without it the
    # grid merges the two cells of that row and their numbers land in one cell.
    img[y0 + 3 * rh + 3:y0 + 4 * rh - 2, x0 + 2 * cw - 4:x0 + 2 * cw + 5] = 255
    rul = raster.find_rulings(img < 128, DPI)
    assert len(rul.tables) == 1
    assert _v_covers(rul.tables, x0 + 2 * cw, y0 + 3 * rh, y0 + 4 * rh)


def test_rules_printed_pale_are_found_in_the_faint_ink() -> None:
    from pipeline.read import raster

    # Table 二 of a hard scan (150 DPI, JPEG 30, skewed 1.9°) printed with pale grey rules:
    # blurred, the rules lie a few grey levels either side of the ink threshold, and the rule
    # under 規章 was found only over its last three columns, merging the label cells of two
    # rows (the whole table was lost on its page).
    img = cv2.imread(str(ROOT / "tests" / "data" / "pale_rules_150dpi.jpg"))
    prep = raster.prepare(img, 150.0, detect_orientation=False)
    rul = raster.find_rulings(prep.ink, 150.0, prep.seal, prep.grey < reader._faint_level(prep))
    (table,) = rul.tables
    assert len(table.h) == 6 and len(table.v) == 5
    assert all(a <= 60 and b >= 945 for _, a, b in table.h)


def test_a_pale_line_of_text_is_no_rule() -> None:
    from pipeline.read import raster

    # Two rows of a table ruled across only, from the work image of a hard scan (deskewed,
    # lighting flattened; ink below 190, faint ink below 225): the two-line label
    # 5.要求行政机关确认或重新出具已获取信/息 is pale, and in the faint ink its strokes join
    # into long runs with characters above and below them. Taken for rules, they cut the
    # label in two and its row was lost.
    grey = cv2.imread(str(ROOT / "tests" / "data" / "pale_label_lines_150dpi_work.png"), cv2.IMREAD_GRAYSCALE)
    rul = raster.find_rulings(grey < 190, 150.0, None, grey < 225)
    assert sorted(y for y, _, _ in rul.loose) == [30, 97]


def test_a_column_rule_lost_in_the_ink_is_drawn_on_along_its_pale_trace() -> None:
    from pipeline.read import raster

    # Table 二 (2021) of a hard scan under a seal: the rule between 本年废止件数 and 现行有效件数
    # is in the ink over the header row only. Below, its trace is paler than the ink threshold,
    # and the two columns' numbers had come out as one cell ("0 1 7") in both rows.
    img = cv2.imread(str(ROOT / "tests" / "data" / "pale_column_rule_under_seal_150dpi.jpg"))
    prep = raster.prepare(img, 150.0, detect_orientation=False)
    assert prep.seal is not None
    rul = raster.find_rulings(prep.ink, 150.0, prep.seal, prep.grey < reader._faint_level(prep))
    (table,) = rul.tables
    assert len(table.v) == 5
    assert all(a <= table.bbox[1] + 1 and b >= table.bbox[3] - 2 for _, a, b in table.v)


def test_a_column_rule_broken_where_a_seal_crosses_it_still_reaches_the_header_rule() -> None:
    from pipeline.read import raster

    # Table 二 (2021) of a hard scan: a stroke of the seal's ring crosses the rule between
    # 本年废止件数 and 现行有效件数 in the header row, and removing the red lifted 3 px of the
    # rule. Stopped short of the header's top rule, it left the two column names one cell,
    # read 本年废止件数现行有效件数, and the column 现行有效件数 was lost.
    img = cv2.imread(str(ROOT / "tests" / "data" / "column_rule_broken_by_seal_150dpi.jpg"))
    prep = raster.prepare(img, 150.0, detect_orientation=False)
    assert prep.seal is not None
    rul = raster.find_rulings(prep.ink, 150.0, prep.seal, prep.grey < reader._faint_level(prep))
    (table,) = rul.tables
    header_top = sorted(h[0] for h in table.h)[1]
    assert sorted((x // 10, a) for x, a, _ in table.v) == [(3, 36), (35, header_top), (53, header_top),
                                                           (70, header_top), (87, 36)]


def test_a_slash_paled_by_a_seal_is_a_zero_mark_and_flagged() -> None:
    from pipeline.read import raster

    # Three cells of table 三 under a seal (hard scan, 150 DPI, as the reader prepared them): two
    # slashes (zero marks) whose ink the seal's suppression left in a few pieces, paler pixels
    # round them, and a 0 between them. The slashes had read 1 (at 0.65) and 7 (at 0.97).
    grey = cv2.imread(str(ROOT / "tests" / "data" / "slashes_under_seal_150dpi.png"), cv2.IMREAD_GRAYSCALE)
    seal = cv2.imread(str(ROOT / "tests" / "data" / "slashes_under_seal_150dpi_seal.png"), cv2.IMREAD_GRAYSCALE) > 0
    prep = raster.Prepared(grey=grey, ink=grey < 190.0, dpi=150.0, rotation=0, skew=0.0, matrix=np.eye(3),
                           threshold=190.0, seal=seal)
    n, labels, stats, centres = cv2.connectedComponentsWithStats(prep.ink.astype(np.uint8), connectivity=8)
    boxes = np.column_stack([stats[:, 0], stats[:, 1], stats[:, 0] + stats[:, 2], stats[:, 1] + stats[:, 3]])
    ink = reader.Ink(labels, boxes, np.ones(n, bool), centres[:, 0], centres[:, 1])

    def mark(clip: tuple[int, int, int, int]) -> reader.Reading | None:
        ids = [k for k in range(1, n) if clip[0] <= boxes[k][0] and boxes[k][2] <= clip[2]
               and clip[1] <= boxes[k][1] and boxes[k][3] <= clip[3]]
        assert ids
        return reader._grown_zero_mark(prep, ink, ids, clip, None, 17.0)

    assert mark((6, 6, 55, 46)) == reader.Reading("/", 0.5)
    assert mark((113, 6, 162, 46)) == reader.Reading("/", 0.5)
    assert mark((60, 6, 108, 46)) is None
    # A 7 under a seal elsewhere (150 DPI): the left of its top bar is dark ink under the seal's
    # mask. Left out with the seal's pale strokes, the rest of the 7 was a slash.
    grey = cv2.imread(str(ROOT / "tests" / "data" / "seven_under_seal_150dpi.png"), cv2.IMREAD_GRAYSCALE)
    seal = cv2.imread(str(ROOT / "tests" / "data" / "seven_under_seal_150dpi_seal.png"), cv2.IMREAD_GRAYSCALE) > 0
    prep = raster.Prepared(grey=grey, ink=grey < 190.0, dpi=150.0, rotation=0, skew=0.0, matrix=np.eye(3),
                           threshold=190.0, seal=seal)
    n, labels, stats, centres = cv2.connectedComponentsWithStats(prep.ink.astype(np.uint8), connectivity=8)
    boxes = np.column_stack([stats[:, 0], stats[:, 1], stats[:, 0] + stats[:, 2], stats[:, 1] + stats[:, 3]])
    ink = reader.Ink(labels, boxes, np.ones(n, bool), centres[:, 0], centres[:, 1])
    assert mark((4, 4, 48, 37)) is None
    # The mark stands where the recogniser is unsure, the recogniser's number where it is sure.
    crop = reader.Crop(np.zeros((1, 1), np.uint8), (0, 0, 10, 10), mark=reader.Reading("/", 0.5))
    assert reader._checked(crop, reader.Reading("1", 0.65)) == reader.Reading("/", 0.5, (("1", 0.65),))
    assert reader._checked(crop, reader.Reading("7", 0.97)) == reader.Reading("7", 0.97)


def test_a_row_rule_broken_where_a_seal_crosses_it_still_reaches_the_column_rule() -> None:
    from pipeline.read import raster

    # Table 二 (2021) of a hard scan: the seal lifted 11 px of the rule between the rows 规章
    # and 行政规范性文件, just before the rule of the 现行有效件数 column. Short of it, the rule
    # left the 本年废止件数 cells of both rows one cell: 0 over 29 was read 029, and the 29's
    # own cell came out blank, 0 with status ok: a silent error.
    img = cv2.imread(str(ROOT / "tests" / "data" / "row_rule_broken_by_seal_150dpi.jpg"))
    prep = raster.prepare(img, 150.0, detect_orientation=False)
    assert prep.seal is not None
    rul = raster.find_rulings(prep.ink, 150.0, prep.seal, prep.grey < reader._faint_level(prep))
    (table,) = rul.tables
    x0, _, x1, _ = table.bbox
    rows = sorted(h for h in table.h if h[2] - h[1] > 0.5 * (x1 - x0))
    assert len(rows) == 5 and all(a <= x0 + 1 and b >= x1 - 2 for _, a, b in rows)


def test_strokes_of_a_sans_label_joined_into_a_run_are_no_rule() -> None:
    from pipeline.read import raster

    # Table 三 of a clean scan (300 DPI read at 200, ink threshold 158) in 9-pt YaHei: the
    # horizontal strokes of 上年结转申请 at slightly different heights join up into a run 189
    # px long, and with the uprights of 上 and 转 it made a grid inside the label cell: the
    # label was read in pieces (ト, —, -结表:, 二) and its row of seven cells was lost. The run's
    # centre strays 1-2 px from a straight course on three fifths of its length.
    grey = cv2.imread(str(ROOT / "tests" / "data" / "sans_label_strokes_200dpi.png"), cv2.IMREAD_GRAYSCALE)
    rul = raster.find_rulings(grey < 158, 200.0, None, grey < 158 + reader.FAINT)
    (table,) = rul.tables
    rows = sorted(h[0] for h in table.h)
    assert 230 in rows and 269 in rows  # the label's own cell, 上年结转申请数量
    assert not any(232 < h[0] < 267 for h in table.h)
    assert not any(v[1] < 267 and v[2] > 232 and 20 < v[0] < 700 for v in table.v)


def test_a_column_rule_is_not_drawn_through_a_header_cell_under_a_seal() -> None:
    from pipeline.read import raster

    # Table 四 of a hard scan under a seal (150 DPI, as the reader prepared it): a column rule
    # of the lowest header tier runs on as a broken trace through the strokes of 复议后起诉 above
    # it, and a stroke of the seal lifts 12 px more. Bridged there too, the rule cut the header
    # cell in two, and the block's five columns were lost. Only a trace unbroken up to the
    # seal's gap is bridged.
    grey = cv2.imread(str(ROOT / "tests" / "data" / "header_under_seal_150dpi.png"), cv2.IMREAD_GRAYSCALE)
    seal = cv2.imread(str(ROOT / "tests" / "data" / "header_under_seal_150dpi_seal.png"), cv2.IMREAD_GRAYSCALE) > 0
    rul = raster.find_rulings(grey < 190, 150.0, seal, grey < 225)
    (table,) = rul.tables
    tiers = sorted(h[0] for h in table.h)
    assert tiers[:3] == [10, 53, 97]
    assert [v[1] for v in table.v if 745 < v[0] < 765] == [97]


def test_a_cell_merged_on_purpose_is_not_split() -> None:
    from pipeline.read import raster

    x0, y0, cw, rh = 150, 300, 150, 60
    img = _grid_page()
    img[y0 + 3 * rh + 3:y0 + 4 * rh - 2, x0 + 2 * cw - 4:x0 + 2 * cw + 5] = 255
    # Text centred across the missing edge: a label spanning the two columns.
    cv2.putText(img, "MERGED LABEL", (x0 + 2 * cw - 95, y0 + 3 * rh + 40), cv2.FONT_HERSHEY_SIMPLEX, 0.7, 0, 2)
    rul = raster.find_rulings(img < 128, DPI)
    assert not _v_covers(rul.tables, x0 + 2 * cw, y0 + 3 * rh, y0 + 4 * rh)
    # A rule present on one side only is a merged cell too (a label spanning the label columns).
    img = _grid_page()
    img[y0 + 2 * rh - 4:y0 + 2 * rh + 5, x0 + 3:x0 + cw - 2] = 255
    rul = raster.find_rulings(img < 128, DPI)
    assert not any(abs(y - (y0 + 2 * rh)) <= 4 and a <= x0 + 10 for t in rul.tables for y, a, b in t.h)


def test_a_column_rule_in_a_broken_rule_is_no_text_across_it() -> None:
    from pipeline.read import raster

    # A row rule at y=20 lost between x=20 and x=45 (a seal, noise) but for a dash, the column
    # rule at x=30 (3 px wide on a blurred scan) crossing the gap, a number above and below.
    ink = np.zeros((40, 60), bool)
    ink[19:22, 24:29] = True
    ink[:, 29:32] = True
    ink[2:9, 36:40] = ink[32:39, 36:40] = True
    assert raster._crossed(ink, 20, 20, 45, 4, True)
    assert not raster._crossed(ink, 20, 20, 45, 4, True, rules=[29], width=3)
    # A label centred on the edge (a cell merged on purpose) crosses it with its strokes.
    ink[10:31, 22] = ink[10:31, 26] = ink[10:31, 40] = True
    assert raster._crossed(ink, 20, 20, 45, 4, True, rules=[29], width=3)


def test_a_gap_under_a_seal_is_bridged_unless_text_runs_across_it() -> None:
    from pipeline.read import raster

    # A column rule (x=50) from y=80 down, and above it, 50 px off across a title row, a stroke
    # of the seal. Under the seal such gaps are bridged (the seal's removal lifts the rule
    # too), but not through the title's characters: joined, the rule cut the title in two.
    pieces = [(50, 0, 30), (50, 80, 200)]
    seal = np.zeros((220, 100), bool)
    seal[:, 30:70] = True
    ink = np.zeros((220, 100), bool)
    ink[0:31, 50] = ink[80:201, 50] = True
    assert raster._merge_collinear(pieces, 2, 10, seal, False, 400, ink, 150.0) == [(50, 0, 200)]
    from PIL import Image, ImageDraw

    pil = Image.new("L", (100, 220), 255)
    ImageDraw.Draw(pil).text((30, 45), "起诉", fill=0, font=sim._font(22))  # 10.5 pt at 150 DPI
    ink |= np.asarray(pil) < 128
    assert raster._merge_collinear(pieces, 2, 10, seal, False, 400, ink, 150.0) == pieces


def test_rule_pieces_a_pixel_apart_make_one_grid_line() -> None:
    from pipeline.document import Page
    from pipeline.grid import find_fragments
    from pipeline.read import raster

    x0, y0, cw, rh = 150, 300, 150, 60
    img = _grid_page()
    # The right border drawn 3 px further right in the lower half (perspective), and rules
    # overshooting it: one column line, no sliver column.
    right = x0 + 5 * cw
    img[y0 + 3 * rh:y0 + 6 * rh + 2, right - 2:right + 2] = 255
    cv2.line(img, (right + 3, y0 + 3 * rh), (right + 3, y0 + 6 * rh), 0, 2)
    for r in range(3, 7):
        cv2.line(img, (right - 10, y0 + r * rh), (right + 6, y0 + r * rh), 0, 2)
    rul = raster.find_rulings(img < 128, DPI)
    page = Page(1, img.shape[1], img.shape[0], [], rul.segments(), unit="px", dpi=DPI)
    (fragment,) = find_fragments(page)
    assert len(fragment.xs) - 1 == 5 and len(fragment.ys) - 1 == 6
    assert len(fragment.cells) == 30


def test_a_heading_in_large_type_is_text_not_a_table() -> None:
    from PIL import Image, ImageDraw

    from pipeline.read import raster

    img = _grid_page(y0=400)
    pil = Image.fromarray(img)
    # Bold-ish 16-pt heading just above the table: its strokes cross like rules.
    draw = ImageDraw.Draw(pil)
    for dx in (0, 1, 2):
        draw.text((150 + dx, 330), "四、因政府信息公开工作被申请行政复议情况", fill=0, font=_font(16))
    rul = raster.find_rulings(np.asarray(pil) < 128, DPI)
    assert len(rul.tables) == 1
    assert abs(rul.tables[0].bbox[1] - 400) <= 4, rul.tables[0].bbox


# --------------------------------------------------------------------------- zero marks, seals

def _read_synthetic(img: np.ndarray) -> list:
    res = reader.read_page(img, 1, DPI, detect_orientation=False)
    return res.page.words


def test_zero_marks_are_read_from_their_shape() -> None:
    texts = {(1, 1): "—", (1, 2): "-", (1, 3): "/", (2, 1): "1", (2, 2): "17", (2, 3): "0"}
    words = _read_synthetic(_grid_page(texts=texts))
    x0, y0, cw, rh = 150, 300, 150, 60
    got = {}
    for w in words:
        c, r = int((w.cx - x0) // cw), int((w.cy - y0) // rh)
        got[(r, c)] = w.text
    assert got[(1, 1)] in ("—", "-") and got[(1, 2)] in ("—", "-")
    assert got[(1, 3)] == "/"
    assert got[(2, 1)] == "1" and got[(2, 2)] == "17" and got[(2, 3)] == "0"


def test_digits_under_a_seal_survive_and_are_flagged() -> None:
    img = _grid_page(texts={(2, 2): "448", (2, 1): "12", (4, 4): "9"})
    rgb = np.repeat(img[..., None], 3, axis=2).copy()
    rng = np.random.default_rng(3)
    sim.stamp(rgb, sim.make_seal(int(42 / 25.4 * DPI), "政府信息公开专用章", rng), 150 + 2 * 150 + 75, 300 + 2 * 60 + 30)
    bgr = sim.jpeg_roundtrip(np.ascontiguousarray(rgb[..., ::-1]), 40)
    words = _read_synthetic(bgr)
    by_text = {w.text: w for w in words}
    under = next(w for w in words if w.text.startswith("4"))
    # The digits come through the seal (the recogniser's reading or its runner-up, for the
    # identity-guided repair) and the reading is never trusted blindly: the cell is flagged.
    assert "448" in [under.text, *(a for a, _ in under.alternatives)], under
    assert under.confidence <= reader.SEAL_SCORE
    assert by_text["9"].confidence > reader.SEAL_SCORE  # away from the seal: as read


def test_seal_suppression_keeps_black_ink_under_red() -> None:
    from pipeline.read import raster

    page = np.full((200, 200, 3), 255, np.uint8)
    cv2.putText(page, "8", (60, 150), cv2.FONT_HERSHEY_SIMPLEX, 4, (0, 0, 0), 6)
    ink_before = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 128
    stamped = page.astype(np.float32)
    cv2.circle(stamped, (100, 100), 90, (35 * 255 / 255, 25, 215), -1)  # BGR red disc ...
    stamped = np.minimum(stamped, page.astype(np.float32) * np.array([35, 25, 215], np.float32) / 255)  # ... multiplied
    bgr = sim.jpeg_roundtrip(stamped.clip(0, 255).astype(np.uint8), 30)
    grey, red = raster.seal_suppressed_grey(bgr)
    assert red is not None and red.mean() > 0.3
    kept = (grey < 128) & ink_before
    assert kept.sum() >= 0.8 * ink_before.sum()
    assert (grey[~cv2.dilate(ink_before.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)] > 200).mean() > 0.95


# --------------------------------------------------------------------------- orientation, page image

@pytest.mark.parametrize("k", [1, 2, 3])
def test_pages_turned_by_quarter_turns_come_upright(mild, k: int) -> None:
    from pipeline.read import raster

    img = _bgr(mild[0])
    _out, turn, conf = raster.upright(np.ascontiguousarray(np.rot90(img, k)))
    assert (turn + 90 * k) % 360 == 0 and conf > 0.5
    _out, turn, _conf = raster.upright(img)
    assert turn == 0


def test_page_render_recreates_the_work_image(tmp_path: Path) -> None:
    pages = sim.scan_pdf_pages(SEED_PDF, sim.ScanProfile(dpi=150, skew_deg=1.0, rotate=90, jpeg_quality=70), 4, [2])
    png = sim.write_images(pages, tmp_path / "p3.png")[0]
    doc = reader.read_image_file(png)
    page = doc.pages[0]
    assert page.render is not None
    image = page.render()
    assert image.shape == (int(page.height), int(page.width)) and image.dtype == np.uint8
    # The words sit on ink in that image.
    dark = [float(image[int(w.top):int(w.bottom) + 1, int(w.x0):int(w.x1) + 1].min()) for w in page.words[:40]]
    assert max(dark) < 128


def test_debug_pictures_show_the_grid_and_cell_status(tmp_path: Path, monkeypatch) -> None:
    import pipeline.extract as ex
    from pipeline.debug import write_debug_images

    src = ROOT / "samples" / "scans" / "gen_0011_clean_p2.png"
    seen = {}
    real = ex.read_document

    def capture(path, *args, **kwargs):
        seen["doc"] = real(path, *args, **kwargs)
        return seen["doc"]

    monkeypatch.setattr(ex, "read_document", capture)
    output = ex.extract_path(src)
    cell = next(c for c in output["cells"].values() if c.get("bbox"))
    cell["status"] = "uncertain"  # one flagged cell, to see it drawn in orange
    cell["note"] = "test note"
    paths = write_debug_images(seen["doc"], output, tmp_path)
    assert [p.name for p in paths] == ["gen_0011_clean_p2-p1.png"]
    from PIL import Image

    pic = np.asarray(Image.open(paths[0]).convert("RGB")).astype(int)
    page = seen["doc"].pages[0]
    assert pic.shape[0] == int(page.height) and pic.shape[1] > int(page.width)
    r, g, b = pic[..., 0], pic[..., 1], pic[..., 2]
    assert ((g > 120) & (r < 60) & (b < 110)).sum() > 1000  # green: ok cells
    assert ((r > 200) & (g > 100) & (g < 170) & (b < 60)).sum() > 50  # orange: the uncertain one
    assert ((b > 180) & (r < 90) & (g < 130)).sum() > 1000  # blue: the rules


def test_debug_pictures_for_a_text_layer_pdf(tmp_path: Path) -> None:
    from pipeline.debug import write_debug_images
    from pipeline.extract import extract_path
    from pipeline.read import read_document

    doc = read_document(SEED_PDF)
    paths = write_debug_images(doc, extract_path(SEED_PDF), tmp_path)
    assert [p.name for p in paths] == ["meizhou_hrss_2022-p2.png", "meizhou_hrss_2022-p3.png"]


def test_ocr_punctuation_width_comes_from_the_ink() -> None:
    """The recogniser writes "(" for both （ and (; the width of the ink decides (H = 30 px ink
    height, so a full-width character is about 34 px)."""
    from pipeline.read.scan import cjk_text

    assert cjk_text("(一) 予以公开", 7 * 34 - 12, 30) == "（一）予以公开"
    assert cjk_text("(一)予以公开", 6 * 34 - 7, 30) == "(一)予以公开"
    assert cjk_text("1,234", 80, 30) == "1,234"  # no Chinese: its comma left as read
    assert cjk_text("1, 234", 80, 30) == "1,234"  # a space read after a thousands separator
    assert cjk_text("1,234万元", 6 * 34, 30) == "1,234万元"
    # Full-width digits in one word: the recogniser may read the white between them as spaces.
    assert cjk_text("2 5 8", 3 * 34 - 12, 30) == "258"
    assert cjk_text("1 6", 2 * 34 - 12, 30) == "16"
    assert cjk_text("- 7", 2 * 34 - 12, 30) == "-7"
    assert cjk_text("1 6", 4 * 34, 30) == "1 6"  # further apart than full-width digits: two numbers
    # Digits set apart one by one across a wide cell (１９５５．１７ spread out): one number however
    # far apart; groups of several digits far apart stay two numbers.
    assert cjk_text("1 9 5 5. 1 7", 800, 26) == "1955.17"
    assert cjk_text("12 34", 400, 30) == "12 34"


def test_a_thin_stroke_survives_the_downscale_to_the_work_resolution() -> None:
    # A 300-DPI page is read at 200 DPI. Averaging alone turned a 1-px stroke (the top of 二
    # in SimSun) paler than the ink threshold, and 二、 was read as a dash. A page in a bold
    # type is averaged alone: thickened, its strokes ran together into false rules.
    def page(thickness: int) -> np.ndarray:
        img = np.full((1200, 900), 255, np.uint8)
        for y in range(100, 1100, 60):
            cv2.putText(img, "1234 5678 90", (80, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, thickness)
        return img

    img = page(1)
    img[645, 300:600] = 90
    prep = reader.work_image(img, 300.0, detect_orientation=False)
    assert prep.dpi == 200.0
    y = round(645 * 2 / 3)
    assert prep.ink[y - 2:y + 3, 210:390].any(axis=0).mean() > 0.4
    assert reader._thin_strokes(img, 300.0) and not reader._thin_strokes(page(5), 300.0)


def test_the_stacked_pieces_of_one_character_stay_one_line() -> None:
    # A column name wrapped onto a second line (上一年度项目数 / 量) beside a one-line name set
    # lower (本年增/减): 量's top (日 over 一) reached into the first row run, its 里 did not, and
    # each piece was read as a character of its own.
    from pipeline.read.scan import _row_runs

    boxes = np.array([
        [0, 0, 0, 0],
        [740, 1729, 930, 1756],  # 1: 上一年度项目数
        [1024, 1747, 1145, 1772],  # 2: 本年增/减
        [823, 1765, 846, 1774],  # 3: 量, top
        [823, 1775, 843, 1789],  # 4: 量, bottom
        [823, 1830, 846, 1856],  # 5: a character of the next line, in the same column
    ])
    runs = _row_runs([1, 2, 3, 4, 5], boxes, 28.0)
    assert sorted(runs[0]) == [1, 2, 3, 4]
    assert runs[1] == [5]
    # Two characters stacked one per line (a vertical label) stay apart.
    stacked = np.array([[0, 0, 0, 0], [10, 0, 36, 26], [10, 34, 36, 60]])
    assert _row_runs([1, 2], stacked, 28.0) == [[1], [2]]


def test_an_upright_crossed_by_strokes_is_no_rule_but_one_with_text_beside_it_is() -> None:
    # 申 in a sans font, a row high in a tight table (200 DPI): its upright reaches from the
    # row's top rule to its bottom one and was taken for a column rule, which cut the label
    # 二、上年结转政府信息公开申请数量 in two. Its three cross strokes run through it; text beside
    # a real rule touches one side only.
    from pipeline.read import raster

    ink = np.zeros((400, 700), bool)
    for y in (100, 152, 204):
        ink[y:y + 2, 50:600] = True
    for x in (50, 598):
        ink[100:206, x:x + 2] = True
    ink[152:206, 450:452] = True  # a column rule of the second row only
    ink[170:180, 440:449] = True  # text touching it on its left
    ink[102:152, 300:304] = True  # the upright of 申
    ink[112:142, 280:284] = ink[112:142, 320:324] = True
    for y in (112, 126, 140):
        ink[y:y + 3, 280:324] = True
    uprights = sorted({s.x0 for s in raster.find_rulings(ink, 200.0).segments() if not s.horizontal})
    assert uprights == [51.0, 451.0, 599.0]


def test_the_joined_top_strokes_of_a_bold_heading_are_no_rule() -> None:
    # A bold heading's top strokes (开工作存在的主要问题) join into a long run with strokes hanging
    # from it, some as long as a short rule: taken for crossing rules, they were left out of
    # the test, and the heading lost its tops to a loose rule (五 not found).
    from pipeline.read import raster

    ink = np.zeros((400, 1400), bool)
    ink[100:103, 100:1300] = True  # a plain rule (a 三线表's)
    ink[250:254, 100:1100] = True  # the joined top strokes
    for x in range(100, 1100, 30):
        ink[254:290, x:x + 5] = True  # a long upright stroke
        ink[254:262, x + 15:x + 20] = True  # a short one
    loose = raster.find_rulings(ink, 200.0).loose
    assert [h[0] for h in loose] == [101]


@pytest.mark.parametrize("mark", ["-", "/"])
def test_a_dash_beside_a_two_line_label_of_a_table_without_rules_is_a_zero_mark(mark: str) -> None:
    # The row's line run is cut into blocks at the white between cells: the hyphen's block is a
    # line of one word. Given to the recogniser alone (on a JPEG scan: 二), it stood as a label
    # character in a value column, and the label column was taken to reach over the first
    # value column. Its shape tells what it is, as in a ruled cell. A slash centred between
    # the label's lines (0.7 of a character high) was taken for a line of prose and read by the
    # recogniser alone: 1.
    from PIL import Image, ImageDraw

    from pipeline.read import raster

    pil = Image.new("L", (1400, 600), 255)
    draw = ImageDraw.Draw(pil)
    font = _font(10.5 if mark == "-" else 14)
    lines = (250, 284) if mark == "-" else (250, 290)
    draw.text((150, lines[0]), "其他对", fill=0, font=font)
    draw.text((150, lines[1]), "外管理服务事项", fill=0, font=font)
    top = 245 if mark == "-" else 270  # beside the first line, or centred beside both
    for x, text in ((950, "3"), (1200, "439")):
        draw.text((x, top), text, fill=0, font=font)
    img = np.asarray(pil).copy()
    if mark == "-":
        img[268:271, 700:708] = 60  # a small hyphen, as a 200-DPI scan prints it (8x3 px)
    else:
        cv2.line(img, (700, 302), (710, 281), 60, 2)
    prep = reader.work_image(img, DPI, detect_orientation=False)
    crops, _, _ = reader.page_crops(prep, raster.find_rulings(prep.ink, DPI))
    dash = [c for c in crops if 690 <= c.box[0] <= 710]
    assert len(dash) == 1 and dash[0].fixed is not None and dash[0].fixed.text == mark


def test_a_faint_character_between_two_keeps_its_word_whole() -> None:
    # 第二十条 on a 200-DPI JPEG: only dots of 二's strokes are ink, its top stroke is faint ink
    # from 6 px after 第 (the characters' own spacing); 第's last piece is low, beside 二's
    # bottom stroke. Cut at 二, both crops took in the faint strokes: 第二 | 二十条.
    from pipeline.read.scan import NARROW_GAP, WORD_GAP, _split_at_gaps

    boxes = np.array([
        [0, 0, 0, 0],
        [225, 352, 247, 377],  # 1: 第
        [241, 367, 247, 376],  # 2: 第, its low right piece
        [269, 356, 273, 359],  # 3: 二, the dark end of its top stroke
        [271, 371, 276, 374],  # 4: 二, the dark end of its bottom stroke
        [285, 352, 295, 377],  # 5: 十
    ])
    faint = np.zeros((400, 400), bool)
    for i in range(1, 6):
        x0, y0, x1, y1 = boxes[i]
        faint[y0:y1, x0:x1] = True
    faint[357:359, 254:274] = True  # 二's top stroke, paler than ink
    faint[371:374, 250:277] = True  # its bottom stroke
    H = 22.0
    assert _split_at_gaps([1, 2, 3, 4, 5], boxes, WORD_GAP * H, H, NARROW_GAP * H, faint) == [[1, 2, 3, 4, 5]]
    # Two cells: paper between them, but for a speck of JPEG ringing beside each.
    cells = np.array([[0, 0, 0, 0], [225, 352, 247, 377], [275, 352, 297, 377]])
    faint = np.zeros((400, 400), bool)
    faint[360:363, 247:250] = faint[360:363, 272:275] = True
    assert _split_at_gaps([1, 2], cells, WORD_GAP * H, H, NARROW_GAP * H, faint) == [[1], [2]]


def test_two_specks_of_two_lines_are_no_character() -> None:
    # The comma ending the first line of a wrapped label over the dot of the next line's 计:
    # joined as one character, they chained the label's two lines into one.
    from pipeline.read.scan import _row_runs

    boxes = np.array([
        [0, 0, 0, 0],
        [600, 647, 626, 673],  # 1: a character of the first line
        [664, 665, 668, 673],  # 2: its comma
        [664, 678, 670, 682],  # 3: the dot of 计 on the second line
        [672, 679, 698, 703],  # 4: the character beside it
    ])
    assert _row_runs([1, 2, 3, 4], boxes, 22.0) == [[1, 2], [3, 4]]


def _one_cell_crop(text: str, cols: int, cw: int) -> reader.Crop:
    """The one crop of a ruled page whose only text is ``text`` in a cell of the second row."""
    from pipeline.read import raster

    img = _grid_page(rows=3, cols=cols, cw=cw, texts={(1, 1): text})
    prep = reader.work_image(img, DPI, detect_orientation=False)
    crops, _, _ = reader.page_crops(prep, raster.find_rulings(prep.ink, DPI))
    (crop,) = crops
    return crop


def test_a_squeezed_reading_in_doubt_is_read_again_unsqueezed() -> None:
    # Squeezed to half its width, the 合计 of （七）合计 ran together and read 命 (weakest
    # character 0.18); read at its own width it reads right.
    from pipeline.read.ocr import Reading

    crop = _one_cell_crop("（七）合计", cols=3, cw=250)
    assert crop.redo(Reading("（七）合计", 0.99)) is None
    again = crop.redo(Reading("（七）命", 0.18))
    assert again is not None and again.image.shape[1] > 1.5 * crop.image.shape[1]
    assert again.redo(Reading("（七）命", 0.18)) is None  # once


def test_a_squeezed_reading_far_shorter_than_its_line_is_read_again_unsqueezed() -> None:
    # A pale label of twelve characters on a hard scan, squeezed, read 公 at 0.96: the row
    # (2.法律行政法规禁止公开) was lost. Read at its own width it reads nearly right.
    from pipeline.read.ocr import Reading

    crop = _one_cell_crop("2.法律行政法规禁止公开", cols=2, cw=400)
    assert crop.redo(Reading("2.法律行政法规禁止公开", 0.9)) is None
    assert crop.redo(Reading("2法律行政法规营止公开", 0.9)) is None
    again = crop.redo(Reading("公", 0.96))
    assert again is not None and again.image.shape[1] > 1.5 * crop.image.shape[1]


def test_a_squeezed_reading_that_dropped_half_its_line_is_read_again_unsqueezed() -> None:
    # 七、合计 on a clean 300-DPI scan, squeezed, read 七、 at 0.98: the 合计 row of table 三
    # was lost. Two characters of four are too many to lose; a title in larger type read
    # whole is not read again.
    from pipeline.read.ocr import Reading

    crop = _one_cell_crop("七、合计", cols=3, cw=250)
    assert crop.redo(Reading("七、合计", 0.98)) is None
    again = crop.redo(Reading("七、", 0.98))
    assert again is not None and again.image.shape[1] > 1.5 * crop.image.shape[1]


def test_a_dot_between_two_lines_joins_the_nearer() -> None:
    # The dot of 六 in 六、 (a parent label set higher than its row's own label): a row of its
    # own, it was read as a dash, a zero among the labels.
    from pipeline.read.scan import _row_runs

    boxes = np.array([
        [0, 0, 0, 0],
        [402, 611, 846, 641],  # 1: the row above
        [295, 652, 300, 656],  # 2: the dot of 六
        [286, 664, 318, 667],  # 3: its 一
        [402, 673, 846, 703],  # 4: its row's label
        [288, 670, 316, 689],  # 5: its 八
    ])
    assert [sorted(r) for r in _row_runs([1, 2, 3, 4, 5], boxes, 26.0)] == [[1], [2, 3, 4, 5]]


def test_a_doubtful_upside_down_vote_is_settled_by_reading() -> None:
    # At 150 DPI under JPEG noise the direction classifier voted 56% for turning an upright
    # page over; read both ways, the lines tell.
    from PIL import Image, ImageDraw

    from pipeline.read.raster import _upside_down_by_reading

    crops = []
    for text in ("一、本年新收政府信息公开申请数量", "（三）不予公开", "属于三类内部事务信息"):
        pil = Image.new("L", (700, 50), 255)
        ImageDraw.Draw(pil).text((10, 8), text, fill=0, font=_font(10.5))
        crops.append(np.asarray(pil).copy())
    assert _upside_down_by_reading(crops) == 0.0
    assert _upside_down_by_reading([np.ascontiguousarray(np.rot90(c, 2)) for c in crops]) == 1.0
    # The six longest lines of a page of table 三 without rules, a hard 150-DPI scan (tests/data):
    # each a label and seven values of 0 and -. Upside down the recogniser reads them as
    # 000(三), sure of its few characters, and the page had been turned over.
    stack = np.asarray(Image.open(ROOT / "tests" / "data" / "table_rows_150dpi_upright.png").convert("L"))
    rows = [stack[k * 49:(k + 1) * 49] for k in range(6)]
    assert _upside_down_by_reading(rows) == 0.0
    assert _upside_down_by_reading([np.ascontiguousarray(np.rot90(c, 2)) for c in rows]) == 1.0


def test_a_page_is_turned_over_only_when_its_lines_read_better_so() -> None:
    from pipeline.read.ocr import classify_text_direction
    from pipeline.read.raster import _upside_down

    # The sixteen longest lines of an upright page of table rows (labels, wide gaps, slashes;
    # hard 150-DPI scan, tests/data), 53 px apart: the direction classifier votes 0.77 for
    # upside down, and the page had been turned over.
    stack = cv2.imread(str(ROOT / "tests" / "data" / "table_rows_150dpi_classifier_flips.jpg"), cv2.IMREAD_GRAYSCALE)
    sizes = [(51, 853), (51, 851), (51, 851), (51, 851), (53, 852), (51, 849), (46, 846), (46, 845),
             (49, 846), (46, 846), (43, 843), (40, 786), (40, 781), (45, 772), (43, 764), (33, 654)]
    rows = [stack[k * 53:k * 53 + h, :w] for k, (h, w) in enumerate(sizes)]
    votes = classify_text_direction(rows)
    assert np.mean([p if ang == 180 else 1 - p for ang, p in votes]) > 0.7
    assert _upside_down(rows) == 0.0


def test_a_page_of_vertical_column_names_is_turned_a_quarter_only_when_its_lines_read_better_so() -> None:
    # An upright page of one ruled table 三 (hard 150-DPI scan, tests/data, grey): its column
    # names are set a character per line and its columns of 0 stack like text, so more line
    # length runs down the page than across it. Turned a quarter, the table was lost (140 cells).
    # Its rows read better as they stand; upside down, it is turned over. (Scanned on its side,
    # such a page is not turned right: its line lengths point the wrong way without a doubt.)
    from pipeline.read.raster import upright

    page = cv2.imread(str(ROOT / "tests" / "data" / "ruled_table_vertical_names_150dpi_upright.jpg"), cv2.IMREAD_GRAYSCALE)
    assert upright(page)[1] == 0
    assert upright(np.ascontiguousarray(np.rot90(page, 2)))[1] == 180


def test_one_vertical_label_does_not_turn_a_page() -> None:
    # The text rows of a noisy ruled table fell apart into cells: the line test saw one line
    # upright and one vertical label (本年度办理结果, a character per line), and turned the
    # upright page a quarter.
    from PIL import Image, ImageDraw

    from pipeline.read.raster import upright

    pil = Image.new("L", (1241, 1754), 255)
    draw = ImageDraw.Draw(pil)
    font = _font(10.5 * 0.75)  # 150 DPI
    draw.text((300, 200), "三、收到", fill=0, font=font)
    for k, ch in enumerate("本年度办理结果"):
        draw.text((150, 400 + 24 * k), ch, fill=0, font=font)
    _, turn, _ = upright(np.asarray(pil).copy())
    assert turn == 0


def test_column_names_of_a_table_in_smaller_type_than_the_prose_are_cut_apart() -> None:
    # Table 四 set in 24-px characters on a page whose prose is 33 px: the two-line names
    # 结果纠/正 and 其他结/果 stand 16-19 px apart, under a word gap of the prose, and were
    # read as one word (某未) that cost the table 12 cells.
    boxes = np.array([
        [0, 0, 0, 0],
        [161, 321, 185, 345], [186, 321, 210, 345],  # 1-2: 维持
        [238, 304, 263, 328], [264, 304, 288, 328], [288, 304, 310, 328],  # 3-5: 结果纠
        [263, 339, 288, 360],  # 6: 正
        [329, 304, 353, 328], [354, 304, 378, 328], [379, 304, 403, 328],  # 7-9: 其他结
        [354, 339, 378, 361],  # 10: 果
        [419, 321, 443, 344], [444, 321, 467, 344], [469, 321, 493, 345],  # 11-13: 未审结
    ])
    words = sorted(sorted(w) for w in _column_words(boxes, 33.0))
    assert words == [[1, 2], [3, 4, 5], [6], [7, 8, 9], [10], [11, 12, 13]]


def test_prose_after_the_title_is_skimmed_and_lines_before_its_end_are_read_in_full() -> None:
    # The first lines of a first page may hold the title; the opening paragraph under it is
    # prose, read in full only where no line above it ends the title.
    from pipeline.read.ocr import Reading
    from pipeline.read.scan import Crop, _title_runs_on

    def line(top: int, text: str, skimmed: bool) -> tuple[Crop, Reading]:
        img = np.zeros((1, 1), np.uint8)
        whole = Crop(img, (100, top, 900, top + 30)) if skimmed else None
        return Crop(img, (100, top, 900 if not skimmed else 300, top + 30), title=True, whole=whole), Reading(text, 1.0)

    page = [line(100, "梅州市人力资源和社会保障局2022年", False), line(150, "政府信息公开工作年度报告", False),
            line(200, "根据《中华人民共和国", True), line(250, "会保障局2022年政府", True)]
    crops, readings = zip(*page)
    assert _title_runs_on(crops, readings) == []
    # A wide title line skimmed as prose, above the line that ends the title: read in full.
    page = [line(100, "某某县人民政府办公室关于", True), line(150, "2022年政府信息公开工作年度报告", False),
            line(200, "根据《中华人民共和国", True)]
    crops, readings = zip(*page)
    assert _title_runs_on(crops, readings) == [0]
    # No title found among the lines read: every skimmed title line is read in full.
    page = [line(100, "根据《中华人民共和国", True), line(150, "本机关严格执行", True)]
    crops, readings = zip(*page)
    assert _title_runs_on(crops, readings) == [0, 1]


@pytest.mark.parametrize("padding", [14, 9])
def test_a_character_stroke_joined_to_a_column_rule_does_not_split_a_title_cell(padding: int) -> None:
    # 未 of 未经复议直接起诉 (a title over the columns below) stands right above a column
    # rule; its upright joined the rule across the cell padding, and the rule then split the
    # title's cell in two: the first column under it lost its name and its cell. With less
    # padding the upright's top comes within reach of the rule above the title, and must not
    # be drawn on to it.
    from PIL import Image, ImageDraw

    from pipeline.read import raster

    x0, y0, cw, rh = 150, 300, 150, 60
    img = _grid_page()
    img[y0 + 3:y0 + rh - 2, x0 + 2 * cw - 4:x0 + 2 * cw + 5] = 255  # the title spans columns 1-2
    glyph = Image.new("L", (60, 60), 255)
    ImageDraw.Draw(glyph).text((10, 5), "未", fill=0, font=_font(14))  # its upright as long as a rule piece may be
    g = np.asarray(glyph) < 128
    rows, cols = np.nonzero(g)
    stem = int(np.bincount(cols).argmax())  # the upright's column
    top = y0 + rh - padding - (rows.max() + 1)  # padding above the rule under the title
    pil = Image.fromarray(img)
    pil.paste(glyph, (x0 + 2 * cw - stem, top), Image.fromarray((g * 255).astype(np.uint8)))
    img = np.asarray(pil)
    rul = raster.find_rulings(img < 128, DPI)
    assert len(rul.tables) == 1
    assert not any(abs(vx - (x0 + 2 * cw)) <= 4 and va < y0 + rh - 8 for vx, va, vb in rul.tables[0].v)
    assert _v_covers(rul.tables, x0 + 2 * cw, y0 + rh, y0 + 6 * rh)


@pytest.mark.parametrize("dpi", [150, 200])
def test_a_zero_is_read_from_its_ring_and_no_other_digit_is(dpi: int) -> None:
    # Zeros are most cells: one that is a single ring with a tall hole in its middle is read
    # 0 from its shape; 6 and 9 (hole low or high), 8 (two holes), 口 (square) are not.
    from PIL import Image, ImageDraw

    from pipeline.read.scan import Ink, _ring_zero

    font = sim._font(int(round(10.5 * dpi / 72)))
    H = 10.5 * dpi / 72 / reader.SIZE_PER_INK  # a Chinese character's ink height
    found = {}
    for ch in "0123456789口":
        pil = Image.new("L", (80, 80), 255)
        ImageDraw.Draw(pil).text((20, 20), ch, fill=0, font=font)
        n, labels, stats, centres = cv2.connectedComponentsWithStats((np.asarray(pil) < 128).astype(np.uint8), connectivity=8)
        boxes = np.column_stack([stats[:, 0], stats[:, 1], stats[:, 0] + stats[:, 2], stats[:, 1] + stats[:, 3]])
        ink = Ink(labels, boxes, np.ones(n, bool), centres[:, 0], centres[:, 1])
        found[ch] = _ring_zero(ink, list(range(1, n)), H)
    assert [ch for ch, zero in found.items() if zero] == ["0"]


def test_a_pale_bar_before_a_number_flags_it_as_maybe_negative() -> None:
    # A row of table 二 from a hard scan (150 DPI, JPEG 30), as the reader saw it: the minus of
    # -2 (本年增/减) is paler than the ink threshold and the recogniser reads 2 at 0.96. The
    # cell must not come out as a sure 2.
    row = cv2.imread(str(ROOT / "tests" / "data" / "pale_minus_150dpi.png"), cv2.IMREAD_GRAYSCALE)
    page = np.full((400, 1241), 255, np.uint8)
    page[100:100 + row.shape[0], 150:150 + row.shape[1]] = row
    words = reader.read_page(page, 1, 150.0, detect_orientation=False).page.words
    minus = next(w for w in words if 800 <= w.x0 <= 815)
    assert minus.text == "2" and minus.confidence <= 0.5 and ("-2", 0.5) in minus.alternatives
    others = [w for w in words if w.text in ("3", "422")]
    assert len(others) == 2 and all(w.confidence > 0.9 for w in others)


def test_a_minus_in_the_ink_that_the_recogniser_passed_over_is_kept_and_flagged() -> None:
    from pipeline.read.ocr import Reading

    # -8 in 本年增/减 of a hard scan (150 DPI): the minus is 4x2 pixels of ink at mid-height
    # beside an 8x15 digit, and the recogniser, in its batch, read 8 at 1.00: a silent error.
    boxes = np.array([[804, 1243, 812, 1258], [798, 1251, 802, 1253]])
    assert reader._minus_first(boxes, 29.0) == "apart"
    assert reader._minus_first(boxes[:1], 29.0) is None
    assert reader._minus_first(np.array([[804, 1243, 812, 1258], [795, 1243, 802, 1258]]), 29.0) is None  # 18
    assert reader._minus_first(np.array([[804, 1243, 812, 1258], [798, 1256, 802, 1258]]), 29.0) is None  # low: _8
    # The crossbar of a 4 whose diagonal is paler than ink, 0 px from the upright (150 DPI):
    # only a maybe, offered as the alternative (three hard-scan cells had read -4 for 4).
    assert reader._minus_first(np.array([[547, 1426, 552, 1441], [544, 1434, 547, 1436]]), 19.0) == "touching"
    four = reader._checked(reader.Crop(np.zeros((1, 1), np.uint8), (544, 1426, 552, 1441), maybe_minus=True),
                           Reading("4", 0.98))
    assert (four.text, four.score) == ("4", 0.5) and ("-4", 0.5) in four.alternatives
    crop = reader.Crop(np.zeros((1, 1), np.uint8), (798, 1243, 812, 1258), minus=True)
    read = reader._checked(crop, Reading("8", 1.0))
    assert (read.text, read.score) == ("-8", 0.5) and ("8", 0.5) in read.alternatives
    assert reader._checked(crop, Reading("-8", 0.99)) == Reading("-8", 0.99)


def test_a_minus_fused_with_its_digit_flags_the_number_as_maybe_negative() -> None:
    # 行政许可 483 -4 19370 from a hard scan of a table without rules (150 DPI, JPEG): the minus
    # of -4 is blurred into the 4's crossbar, one component, and in the page's batch the
    # recogniser read 4 at 1.00, a silent error (本年增/减 is in no identity). The 48 of 483,
    # one component as wide as -4, its 4's crossbar jutting out, and 19370 are no minus.
    from pipeline.read import raster
    from pipeline.read.ocr import Reading

    row = cv2.imread(str(ROOT / "tests" / "data" / "fused_minus_150dpi.png"), cv2.IMREAD_GRAYSCALE)
    page = np.full((400, 1241), 255, np.uint8)
    page[100:100 + row.shape[0], 200:200 + row.shape[1]] = row
    prep = reader.work_image(page, 150.0, False)
    ink = reader.text_ink(prep, raster.find_rulings(prep.ink, prep.dpi))
    fused = [k for k in range(1, len(ink.boxes)) if ink.keep[k] and reader._minus_fused(ink, [k])]
    assert [ink.boxes[k][0] for k in fused] == [768]
    digits = [k for k in range(1, len(ink.boxes)) if ink.keep[k] and ink.boxes[k][0] >= 550]
    assert len(digits) == 7  # 48 and 3 (48 touch), -4, and 1, 9, 3 and 70 (touching)
    four = reader._checked(reader.Crop(np.zeros((1, 1), np.uint8), tuple(ink.boxes[fused[0]]), maybe_minus=True),
                           Reading("4", 1.0))
    assert (four.text, four.score) == ("4", 0.5) and ("-4", 0.5) in four.alternatives


def test_column_names_in_a_bold_font_stand_apart_where_their_lines_do_not_line_up() -> None:
    # A continued table 三 in a bold sans font (200 DPI, character height 31): 自然/人, 企业,
    # 科研/机构, 社会/公益/组织, 法律/服务/机构, 其他/组织, 合计 set 18-19 px apart, a word gap
    # (0.6) or a pixel less. Read as one block, they came out as 鈔輛 and the table lost the
    # columns of 7 rows. Blocks whose lines stand at different heights are cut at a narrower
    # white; 社会公益组织 and 法律服务机构, level with each other, at a word gap.
    boxes = np.array([[0, 0, 0, 0]] + [
        [826, 308, 852, 341], [840, 348, 871, 379], [856, 308, 888, 340], [866, 333, 870, 339], [874, 332, 879, 339],
        [881, 309, 886, 314], [882, 332, 888, 339], [907, 356, 939, 370], [908, 366, 938, 387], [940, 356, 973, 386],
        [991, 337, 1023, 369], [991, 376, 1004, 408], [1000, 376, 1056, 408], [1024, 338, 1057, 368], [1075, 317, 1088, 348],
        [1075, 357, 1088, 372], [1075, 395, 1127, 426], [1078, 368, 1104, 387], [1086, 316, 1107, 347], [1094, 356, 1107, 372],
        [1109, 317, 1141, 332], [1109, 356, 1141, 386], [1109, 395, 1139, 416], [1110, 334, 1140, 348], [1132, 415, 1141, 425],
        [1160, 325, 1167, 331], [1160, 335, 1167, 347], [1160, 357, 1172, 387], [1160, 394, 1172, 426], [1161, 317, 1168, 323],
        [1168, 316, 1192, 348], [1169, 394, 1224, 426], [1173, 356, 1192, 387], [1193, 317, 1202, 327], [1193, 316, 1225, 348],
        [1193, 355, 1225, 388], [1244, 336, 1276, 368], [1244, 375, 1296, 406], [1277, 335, 1310, 368], [1277, 375, 1308, 397],
        [1301, 395, 1310, 406], [1329, 326, 1375, 356], [1333, 342, 1356, 358], [1363, 327, 1370, 333], [1372, 325, 1394, 357]])
    assert _word_starts(boxes, 31.0) == [(826, 308), (840, 348), (907, 356), (991, 337), (991, 376), (1075, 316),
                                         (1075, 356), (1075, 395), (1160, 316), (1160, 355), (1160, 394), (1244, 335),
                                         (1244, 375), (1329, 325)]


def test_a_dot_under_a_wider_stroke_is_not_narrow_like_a_digit() -> None:
    # 社会/公益/组织 beside 法律/服/务机/构 (YaHei, 200 DPI, character height 29), 21 px apart:
    # the dot at the bottom right of 织, under the body of 只, is as narrow as a digit, and
    # beside it the blocks were cut only at a wider white. Read as one crop, both names came
    # out as nothing and table 三 lost two columns of three rows. A narrow piece standing on a
    # wider one is part of a wide character.
    boxes = np.array([[0, 0, 0, 0]] + [
        [1188, 1745, 1212, 1777], [1181, 1746, 1188, 1752], [1213, 1746, 1222, 1756], [1213, 1746, 1245, 1778],
        [1180, 1755, 1186, 1760], [1180, 1764, 1187, 1777], [1098, 1765, 1102, 1770], [1105, 1765, 1126, 1796],
        [1127, 1765, 1159, 1780], [1094, 1771, 1106, 1797], [1128, 1783, 1158, 1797], [1197, 1786, 1208, 1816],
        [1210, 1786, 1228, 1816], [1128, 1804, 1159, 1812], [1094, 1805, 1107, 1821], [1112, 1805, 1126, 1820],
        [1127, 1813, 1159, 1834], [1147, 1813, 1159, 1821], [1097, 1817, 1122, 1835], [1180, 1823, 1212, 1855],
        [1213, 1823, 1225, 1855], [1223, 1825, 1246, 1855], [1127, 1842, 1139, 1864], [1094, 1843, 1106, 1864],
        [1104, 1844, 1126, 1873], [1140, 1844, 1157, 1862], [1196, 1862, 1208, 1894], [1207, 1862, 1227, 1893],
        [1137, 1863, 1146, 1874], [1151, 1863, 1159, 1873], [1094, 1866, 1106, 1871], [1127, 1867, 1138, 1871],
        [1208, 1872, 1223, 1886]])
    assert _word_starts(boxes, 29.0) == [(1094, 1765), (1094, 1804), (1094, 1842), (1180, 1745), (1180, 1823),
                                         (1196, 1862), (1197, 1786)]
    assert 30 in reader._stacked_pieces(list(range(1, len(boxes))), boxes, 29.0, reader.NARROW * 29.0)
    digits = np.array([[0, 0, 0, 0], [100, 10, 108, 25], [112, 10, 120, 25], [100, 40, 108, 55]])
    assert reader._stacked_pieces([1, 2, 3], digits, 29.0, reader.NARROW * 29.0) == set()


def test_two_halves_of_a_character_three_pixels_apart_are_not_narrow_like_digits() -> None:
    # 商业/企业 beside 科研/机/构 (hard scan, 150 DPI, character height 19), 15 px apart: 禾 and 斗
    # of 科, and the halves of 业, each as narrow as a digit, stand 2-3 px apart. Taken for
    # digits, they kept the two names in one block read 社, and table 三 lost two columns.
    boxes = np.array([[0, 0, 0, 0], [767, 1455, 783, 1474], [768, 1482, 784, 1501], [781, 1499, 784, 1501],
                      [788, 1455, 796, 1473], [788, 1483, 796, 1500], [798, 1455, 806, 1473], [798, 1482, 806, 1500],
                      [803, 1471, 806, 1473], [821, 1442, 828, 1461], [831, 1441, 839, 1461], [831, 1467, 841, 1487],
                      [831, 1495, 843, 1514], [842, 1442, 860, 1460], [843, 1498, 850, 1515], [844, 1469, 850, 1487]])
    assert _word_starts(boxes, 19.0) == [(767, 1455), (768, 1482), (821, 1441), (831, 1467), (831, 1495)]
    assert reader._side_by_side_pieces([9, 10], boxes, 19.0) == {9, 10}  # 禾 and 斗, 3 px apart
    # Neighbouring characters stand as close (a note line, 200 DPI, character height 26): 口 of
    # 加, 18 px high, 4 px before 第, is no piece of it. Taken for one, the line was cut apart.
    line = np.array([[0, 0, 0, 0], [874, 1893, 886, 1915], [887, 1897, 895, 1915], [899, 1892, 920, 1915]])
    assert reader._side_by_side_pieces([2, 3], line, 26.0) == set()


def test_the_strokes_of_one_character_are_not_narrow_like_a_digit() -> None:
    # 科研/機構 beside 公益/組織 (200 DPI, character height 26), 20 px apart: a word gap, but
    # the left strokes of 公 and 組 are as narrow as a digit 1, which is cut from its neighbours
    # only at a wider gap, so the four names were one word. Pieces side by side with
    # almost no white between them are one character, and not narrow.
    boxes = np.array([[0, 0, 0, 0]] + [
        [1139, 1857, 1165, 1884], [1139, 1893, 1165, 1920], [1153, 1861, 1157, 1866], [1153, 1868, 1156, 1872],
        [1168, 1859, 1179, 1881], [1168, 1893, 1194, 1920], [1176, 1858, 1194, 1884], [1214, 1894, 1225, 1911],
        [1214, 1913, 1217, 1919], [1215, 1858, 1225, 1872], [1217, 1868, 1236, 1884], [1218, 1913, 1221, 1918],
        [1222, 1894, 1240, 1919], [1229, 1858, 1239, 1872], [1243, 1893, 1269, 1919], [1243, 1913, 1246, 1918],
        [1244, 1857, 1269, 1883], [1265, 1896, 1268, 1901]])
    words = sorted((int(boxes[w, 0].min()), int(boxes[w, 2].max()), int(boxes[w, 1].min()))
                   for w in _column_words(boxes, 26.0))
    assert words == [(1139, 1194, 1857), (1139, 1194, 1893), (1214, 1269, 1893), (1215, 1269, 1857)]


def test_a_heading_numeral_of_two_strokes_stays_in_its_heading() -> None:
    # 二 主动公开政府信息情况 in a larger font, 二 set off by a space (14 px at character height
    # 25): its two strokes are no two lines, so the heading is not cut there into 一, 一 and the
    # rest (table 二 was not found).
    from pipeline.read.scan import column_lines

    boxes = np.array([[0, 0, 0, 0]] + [
        [248, 1347, 288, 1351], [251, 1321, 285, 1324], [302, 1316, 342, 1353], [344, 1316, 383, 1355],
        [346, 1319, 362, 1322], [386, 1318, 402, 1337], [389, 1332, 421, 1355], [408, 1317, 425, 1336],
        [427, 1318, 467, 1356], [469, 1316, 509, 1356], [511, 1316, 551, 1355], [528, 1325, 550, 1355],
        [530, 1337, 537, 1346], [552, 1316, 564, 1356], [564, 1316, 593, 1324], [566, 1328, 590, 1331],
        [566, 1334, 590, 1337], [566, 1341, 590, 1356], [594, 1343, 600, 1353], [599, 1316, 629, 1348],
        [603, 1343, 626, 1355], [627, 1343, 634, 1351], [636, 1325, 640, 1336], [641, 1316, 649, 1356],
        [647, 1315, 676, 1333], [650, 1335, 673, 1356], [677, 1335, 687, 1353], [678, 1319, 687, 1328], [686, 1318, 718, 1356]])
    lines = column_lines(list(range(1, len(boxes))), boxes, 25.0)
    assert len(lines) == 1 and sorted(i for w in lines[0] for i in w) == list(range(1, len(boxes)))
    # 二、 主动公开情况, set off by a space: 二、 is one word (or the start of one), not one
    # line per stroke (read 一 and —, the heading was lost).
    boxes = np.array([[0, 0, 0, 0]] + [
        [337, 365, 377, 369], [340, 338, 374, 342], [381, 364, 390, 373], [420, 333, 461, 372], [462, 333, 502, 373],
        [464, 336, 481, 340], [504, 335, 520, 355], [508, 350, 540, 373], [527, 335, 545, 354], [546, 333, 629, 374],
        [602, 352, 626, 374], [630, 337, 640, 347], [630, 353, 640, 372], [638, 335, 670, 374]])
    (first,) = [w for w in _column_words(boxes, 25.0) if 1 in w]
    assert {1, 2, 3} <= set(first)


def test_skew_of_a_page_of_short_rows_without_rules() -> None:
    # Page 3 of a report whose table 三 has no rules, scanned at 200 DPI turned by 0.97 degrees
    # (the reader's half-resolution ink, 100 DPI): the ink's row profile is nearly flat from
    # 0.75 to 2.5 degrees, and the search over the whole range took 2.5; rows then chained
    # into one another and a three-line label was read as one line. The characters' bottoms
    # tell the angle.
    from PIL import Image

    from pipeline.read.raster import estimate_skew

    ink = np.array(Image.open(ROOT / "tests" / "data" / "skewed_unruled_rows_100dpi.png").convert("L")) < 128
    assert 0.7 <= estimate_skew(ink) <= 1.3


def test_spaced_digits_with_a_thousands_separator_are_one_number() -> None:
    # ２８，２７１ read in pieces, one of them "8, 2" (70 px of ink at character height 26: three
    # full-width characters would be 88).
    assert reader.cjk_text("8, 2", 70, 26.0) == "8,2"
    assert reader.cjk_text("1 2", 200, 26.0) == "1 2"


def test_a_column_rule_stopping_short_of_the_header_rule_is_drawn_on_to_it() -> None:
    # The top 18 px of two column rules under a header rule came out paler than the ink
    # threshold (200 DPI): the rules started below it, the cells on either side met through
    # the gap, and the header cells of three columns were read as one (其他结果 尚未审结 总计).
    from pipeline.read import raster

    x0, y0, cw, rh = 150, 300, 150, 60
    img = _grid_page()
    for c in (2, 3):
        # A title cell over columns 2-4 in the top row; below it, the rules start 18 px low.
        img[y0 + 2:y0 + rh + 18, x0 + c * cw - 2:x0 + c * cw + 2] = 255
    rul = raster.find_rulings(img < 128, DPI)
    (table,) = rul.tables
    labels, _boxes = raster.cell_labels(table, rul.line_mask, DPI)
    assert len(np.unique(labels)) - 1 == 28  # the title cell, and five cells in every other row


def test_a_faint_stroke_below_the_next_characters_first_piece_still_bridges_the_gap() -> None:
    # 上一年项目数量 at 150 DPI (character height 19): 一 is paler than the ink threshold and
    # leaves 27 px of white between 上 and 年. Its faint stroke runs at mid-height, below the
    # first (top) piece of 年; measured in that piece's rows only, it joined nothing, and the
    # column name came out as 上一 and 一年项目数量.
    from pipeline.read.scan import _split_at_gaps

    boxes = np.array([
        [0, 0, 0, 0],
        [454, 144, 458, 163], [461, 150, 464, 152], [463, 161, 466, 163],  # 上
        [493, 144, 499, 151], [494, 152, 498, 158], [501, 147, 505, 164], [508, 146, 511, 148], [509, 156, 512, 159],  # 年
    ])
    faint = np.zeros((200, 600), bool)
    faint[152:156, 467:491] = True  # 一, faint
    parts = _split_at_gaps(list(range(1, 9)), boxes, 0.6 * 19, 19.0, 0.8 * 19, faint)
    assert len(parts) == 1
    assert len(_split_at_gaps(list(range(1, 9)), boxes, 0.6 * 19, 19.0, 0.8 * 19, np.zeros_like(faint))) == 2


def test_dashes_of_two_rows_one_over_the_other_stay_two_marks() -> None:
    # Two rows of zeros printed as dashes beside a vertical label (tests/data: the page's ink
    # components): each column of values is a block of two dashes with no line of characters.
    # Taken for one character of strokes, like 二、 of a heading, they were read as 二 and the
    # rows lost their values.
    data = json.loads((ROOT / "tests" / "data" / "dash_rows_200dpi_boxes.json").read_text(encoding="utf-8"))
    boxes = np.array([[0, 0, 0, 0]] + data["boxes"])
    dashes = [w for w in _column_words(boxes, 26.0) if boxes[w, 0].min() >= 800]
    assert len(dashes) == 14 and all(len(w) == 1 for w in dashes)  # seven columns, two rows


def test_a_number_beside_a_two_line_label_is_not_cut_as_smaller_type() -> None:
    # 35 beside 行政规范/性文件 (200 DPI, characters 30 px high, digits 17): the digits and the
    # pieces of the characters pulled the row's measured type height down to 19.5, as if the
    # table were set smaller than the prose, and 3 and 5, 15 px apart, were cut into two words
    # (each crop then read 35, and the cell 35 35).
    boxes = np.array([[0, 0, 0, 0]] + [
        [262, 1846, 285, 1869], [263, 1817, 285, 1835], [264, 1813, 270, 1819], [280, 1813, 283, 1816], [287, 1812, 309, 1835],
        [288, 1851, 308, 1869], [297, 1847, 300, 1852], [305, 1850, 309, 1853], [313, 1812, 322, 1834], [313, 1846, 320, 1869],
        [320, 1814, 326, 1827], [320, 1849, 324, 1857], [321, 1814, 335, 1835], [326, 1846, 329, 1869], [340, 1824, 345, 1835],
        [341, 1819, 344, 1823], [343, 1813, 347, 1819], [347, 1820, 359, 1834], [350, 1813, 353, 1819], [352, 1820, 356, 1830],
        [874, 1833, 885, 1850], [1118, 1833, 1129, 1850], [1350, 1833, 1361, 1850], [1376, 1833, 1386, 1850]])
    words = [sorted(w) for w in _column_words(boxes, 30.0)]
    assert [23, 24] in words


@pytest.mark.parametrize("name, page, asked", [
    ("meizhou_hrss_2022_mild.pdf", 1, False),  # prose, three lines with a word gap each
    ("gen_0004_mild_threeline.pdf", 2, True),  # a table printed with three rules only
])
def test_the_layout_model_is_asked_only_where_words_stand_in_columns(monkeypatch, name: str, page: int,
                                                                     asked: bool) -> None:
    from pipeline.read import ocr

    calls: list[int] = []
    real = ocr.layout_regions

    def layout(img: np.ndarray, classes: tuple[str, ...] = ("table", "figure"), min_score: float = 0.5):
        calls.append(1)
        return real(img, classes, min_score)

    monkeypatch.setattr(ocr, "layout_regions", layout)
    reader.read_pdf_scan(ROOT / "samples" / "scans" / name, [page])
    assert bool(calls) == asked


def test_recognition_batches_hold_many_short_crops_and_few_long_ones() -> None:
    from pipeline.read.ocr import BATCH_WIDTH, DEFAULT_BATCH, _batches

    widths = [60] * 20 + [300] * 5 + [700, 1500]
    batches = _batches(widths, list(range(len(widths))), DEFAULT_BATCH)
    assert [len(b) for b in batches] == [8, 8, 4, 4, 1, 1, 1]
    assert sorted(i for b in batches for i in b) == list(range(len(widths)))
    assert all(len(b) * max(widths[i] for i in b) <= BATCH_WIDTH for b in batches if len(b) > 1)


def test_a_label_on_two_lines_of_small_type_with_its_values_between_them_is_two_lines() -> None:
    # A table without rules set in 22-px type on a page of 36-px prose: its label 行政规范 /
    # 性文件 on two lines and the row's values between them made one run 56 px high, under
    # 1.6 prose lines: read as one crop of two lines (行政,范), the row was lost.
    line1 = [[264, 1815, 269, 1820], [286, 1815, 309, 1837], [314, 1815, 334, 1837], [343, 1815, 346, 1821],
             [349, 1815, 353, 1821], [279, 1816, 282, 1818], [264, 1820, 270, 1836], [273, 1822, 279, 1837],
             [340, 1822, 343, 1825], [346, 1822, 359, 1836], [351, 1822, 356, 1832], [338, 1825, 341, 1828],
             [339, 1828, 343, 1837]]
    line2 = [[262, 1849, 273, 1871], [273, 1849, 283, 1870], [313, 1849, 319, 1871], [324, 1849, 333, 1871],
             [296, 1850, 299, 1854], [319, 1851, 323, 1859], [305, 1853, 308, 1855], [290, 1854, 307, 1871]]
    digits = [[873, 1835, 884, 1851], [1118, 1835, 1129, 1851], [1350, 1835, 1361, 1851], [1375, 1834, 1386, 1851]]
    boxes = np.array([[0, 0, 0, 0]] + line1 + line2 + digits)
    words = [sorted(w) for w in _column_words(boxes, 36.0)]
    first = list(range(1, 1 + len(line1)))
    second = list(range(first[-1] + 1, first[-1] + 1 + len(line2)))
    seven, three, *thirty_five = range(second[-1] + 1, len(boxes))
    assert sorted(words) == sorted([first, second, [seven], [three], thirty_five])


def test_column_names_on_two_lines_of_small_type_stand_apart() -> None:
    # Table 四's column names at 150 DPI in 18-px type on a page of 31-px prose: 结果纠 / 正,
    # 其他结 / 果 and 未审结, 13 px apart. Their run, 43 px high, is under 1.6 prose lines: cut
    # only at the prose's word gap, the three names were one word (结果纠其他结未审结), the
    # columns unnamed and the table lost.
    names = [[177, 230, 195, 248], [196, 230, 214, 247], [215, 230, 232, 247],  # 结果纠
             [196, 257, 214, 273],  # 正
             [245, 230, 262, 248], [263, 230, 300, 248],  # 其他结
             [264, 256, 281, 273],  # 果
             [313, 243, 330, 260], [331, 243, 367, 260]]  # 未审结
    boxes = np.array([[0, 0, 0, 0]] + names)
    words = sorted(sorted(w) for w in _column_words(boxes, 31.0))
    assert words == [[1, 2, 3], [4], [5, 6], [7], [8, 9]]


def test_a_pale_slash_whose_ink_is_its_middle_third_is_a_zero_mark() -> None:
    # A 150-DPI JPEG of a table with horizontal rules only: of a row's slash (0) only 3 px low
    # on its stroke were ink, the rest paler. Grown within half a character of that core, the
    # stroke was cut short and did not look like a slash; read by the recogniser, it was 日,
    # which made the row's label and that character a header line, and the row was lost.
    from PIL import Image, ImageDraw

    from pipeline.read import raster

    pil = Image.new("L", (1400, 600), 255)
    draw = ImageDraw.Draw(pil)
    font = _font(14)
    draw.text((150, 250), "四、结转下年度继续办理", fill=0, font=font)
    draw.text((1200, 250), "12", fill=0, font=font)
    img = np.asarray(pil).copy()
    cv2.line(img, (712, 252), (700, 278), 175, 5)  # the pale slash, fainter than ink, blurred thick
    img[271:274, 702:705] = 90  # its dark core, low on the stroke
    prep = reader.work_image(img, DPI, detect_orientation=False)
    crops, _, _ = reader.page_crops(prep, raster.find_rulings(prep.ink, DPI))
    mark = [c for c in crops if 690 <= c.box[0] <= 712]
    assert len(mark) == 1 and mark[0].fixed is not None and mark[0].fixed.text == "/"


def test_a_broken_off_stroke_end_is_no_punctuation_but_a_low_comma_is() -> None:
    # Table 四's column names on a 200-DPI JPEG without rules, as measured: 总计 (one line,
    # centred) beside 结果 / 维持 (two lines) 23 px to its right. The right end of 计's cross
    # stroke, broken off by the blur (4x3 px at mid-height, 2 px from the upright), was taken
    # for a mark of punctuation, whose character's white would reach the next block: 总计 and
    # 结果维持 were one crop, read 总计结果, and a column of table 四 was lost.
    from pipeline.read.scan import BLOCK_GAP, NARROW_GAP, _split_at_gaps

    measured = [[586, 1053, 590, 1059], [590, 1034, 607, 1061], [605, 1052, 610, 1058], [615, 1044, 625, 1059],
                [617, 1035, 623, 1040], [629, 1035, 634, 1061], [636, 1043, 640, 1046], [663, 1014, 689, 1033],
                [663, 1035, 673, 1039], [663, 1054, 689, 1081], [664, 1074, 672, 1079], [675, 1030, 680, 1041],
                [681, 1029, 687, 1041], [693, 1054, 719, 1081], [694, 1015, 718, 1041], [704, 1072, 708, 1076]]
    boxes = np.array([[0, 0, 0, 0]] + measured)
    h = 25.0
    parts = _split_at_gaps(range(1, len(boxes)), boxes, BLOCK_GAP * h, h, NARROW_GAP * h)
    assert [(int(boxes[p, 0].min()), int(boxes[p, 2].max())) for p in parts] == [(586, 640), (663, 719)]
    # A 、 as close to its character, but low: the white after it is its own character's.
    comma = np.array([[0, 0, 0, 0], [100, 0, 125, 25], [127, 18, 132, 24], [150, 0, 175, 25]])
    assert _split_at_gaps([1, 2, 3], comma, BLOCK_GAP * h, h, NARROW_GAP * h) == [[1, 2, 3]]


def test_names_side_by_side_in_one_ruled_cell_are_cut_apart_but_a_spaced_name_is_not() -> None:
    # A header cell of table 四 merged over two columns by a seal (150 DPI): 未审/结 on two lines
    # beside 总计 on one line level with their middle. As one run of lines they were one crop,
    # read 未君总计, and both columns were lost. 合  计, spaced wide in one cell, stays one word.
    from pipeline.read.scan import CELL_GAP, column_lines

    boxes = np.array([[0, 0, 0, 0], [680, 280, 700, 300], [703, 280, 723, 300], [685, 306, 705, 326],
                      [742, 293, 762, 313], [764, 293, 784, 313]])
    words = sorted(sorted(w) for line in column_lines([1, 2, 3, 4, 5], boxes, 20.0, word_gap=CELL_GAP) for w in line)
    assert words == [[1, 2], [3], [4, 5]]
    spaced = np.array([[0, 0, 0, 0], [600, 280, 620, 300], [660, 280, 680, 300]])
    assert column_lines([1, 2], spaced, 20.0, word_gap=CELL_GAP) == [[[1, 2]]]


def test_a_pale_full_width_minus_a_full_width_advance_before_its_digit_flags_it() -> None:
    # Two rows of table 二 from a hard scan (150 DPI, JPEG 30), numbers set in full-width digits:
    # －５ and －１ in 本年增/减, each minus paler than the ink threshold and a full-width advance
    # before its digit, beyond where a pale minus was looked for: 5 and 1 came out sure, two
    # silent errors.
    rows = cv2.imread(str(ROOT / "tests" / "data" / "pale_full_width_minus_150dpi.png"), cv2.IMREAD_GRAYSCALE)
    page = np.full((400, 1241), 255, np.uint8)
    page[100:100 + rows.shape[0], 500:500 + rows.shape[1]] = rows
    words = reader.read_page(page, 1, 150.0, detect_orientation=False).page.words
    for text in ("5", "1"):
        digit = next(w for w in words if 790 <= w.x0 <= 805 and w.text == text)
        assert digit.confidence <= 0.5 and ("-" + text, 0.5) in digit.alternatives
    assert all(w.confidence > 0.9 for w in words if w.x0 < 700)  # 86 and 47 beside them
