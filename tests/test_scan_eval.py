"""The scanned evaluation set (samples/scans: simulated scans of the committed digital samples at
the issue's levels, as image-only PDFs, a PNG and a multi-page bilevel TIFF) scores at least as
well as its stored baseline, and one mild scan is read right in every cell."""
from __future__ import annotations

import json

from conftest import ROOT

from pipeline.evaluate import run_eval

SCANS = ROOT / "samples" / "scans"
MILD = SCANS / "meizhou_hrss_2022_mild.pdf"


def test_no_regression_against_the_stored_scan_baseline(capsys) -> None:
    code = run_eval([SCANS], baseline=ROOT / "eval" / "baseline_scans.json", workers=2)
    printed = capsys.readouterr().out
    assert code == 0, printed
    baseline = json.loads((ROOT / "eval" / "baseline_scans.json").read_text(encoding="utf-8"))
    assert baseline["overall"]["silent_cells"] == 0
    assert baseline["overall"]["documents"] >= 10


def test_every_cell_of_a_mild_scan(capsys) -> None:
    """meizhou_hrss_2022 scanned at 200 DPI, skew about 1 degree, JPEG 55 (seed 5). Its first
    reading merged the cells of （一）予以公开: the row's vertical rules were lost, its numbers
    ('0 90 0 00 0 0') became one label cell and the row came out blank."""
    from pipeline.extract import extract_path

    gold = json.loads(MILD.with_name(MILD.stem + ".gold.json").read_text(encoding="utf-8"))
    out = extract_path(MILD)
    assert out["source"]["kind"] == "pdf-scan" and out["source"]["pages"] == 4
    assert out["report"] == gold["report"]
    assert all(out["tables"][t]["found"] for t in ("s2", "s3", "s4"))
    wrong = {k: (v, out["cells"].get(k, {}).get("value")) for k, v in gold["cells"].items()
             if out["cells"].get(k, {}).get("value") != v or out["cells"][k]["status"] == "missing"}
    assert wrong == {}
    assert [u["printed_label"] for u in out["unmapped_rows"]] == gold["unmapped_rows"]
    granted = {k: c["value"] for k, c in out["cells"].items() if k.startswith("s3.granted.")}
    assert granted == {"s3.granted.natural": 9, "s3.granted.business": 0, "s3.granted.research": 0, "s3.granted.ngo": 0,
                       "s3.granted.legal": 0, "s3.granted.other_org": 0, "s3.granted.total": 9}
    assert all(out["cells"][k]["status"] == "ok" for k in granted)
    assert all(c["ok"] is not False for c in out["checks"]), [c["id"] for c in out["checks"] if c["ok"] is False]
    for key, cell in out["cells"].items():
        # Cells keep their page and their box in the page's pixels (work image at 200 DPI).
        x0, top, x1, bottom = cell["bbox"]
        assert 0 <= x0 < x1 <= 1654 + 1 and 0 <= top < bottom <= 2339 + 1, key
        assert 0 <= cell["confidence"] <= 1


def test_scan_of_a_table_with_horizontal_rules_only() -> None:
    """gen_0004 (三线表: only the top, header and bottom rules) scanned at 200 DPI: no ruling grid,
    so the words are cut at the gaps between cells and the text-grid stage infers the columns,
    as for a PDF without ruling. Every cell is right, the amount ９．５３万元 too: its full-width
    digits, read as 9.5 and 3万元, are one number set at a full-width pitch."""
    from pipeline.extract import extract_path

    scan = SCANS / "gen_0004_mild_threeline.pdf"
    gold = json.loads(scan.with_name(scan.stem + ".gold.json").read_text(encoding="utf-8"))
    out = extract_path(scan)
    wrong = {k for k, v in gold["cells"].items() if out["cells"].get(k, {}).get("value") != v}
    assert wrong == set()
    assert out["cells"]["s2.procurement.amount"]["value"] == 9.53 and out["cells"]["s2.procurement.amount"]["unit"] == "万元"
    assert out["report"] == gold["report"]
