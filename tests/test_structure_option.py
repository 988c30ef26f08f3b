"""`--structure tatr`: the grid of a scanned table printed without rules comes from the Table
Transformer; its rules go through the same cell, recognition and grid stages as printed rules.
The model itself is tested in test_tatr.py (where the [hf] extra is installed); here it is
replaced by a fixed grid, so that the plumbing is tested everywhere."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.read import ReadOptions, raster
from pipeline.read import scan as reader
from pipeline.read.tatr import grid_from_boxes

ROOT = Path(__file__).resolve().parents[1]
UNRULED = ROOT / "samples" / "scans" / "gen_0001_mild_unruled.pdf"
PAGE = 3  # table 三, printed without any rule: the layout model finds it, no grid does


def _halves(prep: raster.Prepared, box: tuple[float, float, float, float]) -> raster.TableGrid | None:
    """A stand-in structure model: the table's box cut into two rows and two columns."""
    x0, y0, x1, y1 = (int(v) for v in box)
    xm, ym = (x0 + x1) // 2, (y0 + y1) // 2
    return grid_from_boxes([(x0, y0, x1, ym), (x0, ym, x1, y1)], [(x0, y0, xm, y1), (xm, y0, x1, y1)], (x0, y0, x1, y1))


def test_tatr_grid_replaces_reading_the_unruled_table_as_lines(monkeypatch) -> None:
    asked: list[tuple[float, float, float, float]] = []

    def model(prep: raster.Prepared, box: tuple[float, float, float, float]) -> raster.TableGrid | None:
        asked.append(box)
        return _halves(prep, box)

    monkeypatch.setattr(reader, "_structure_grid", model)
    rules = reader.read_pdf_scan(UNRULED, [PAGE])
    assert not asked  # the default never calls the model
    assert any("its text is read as lines, no grid" in w for w in rules.warnings)

    doc = reader.read_pdf_scan(UNRULED, [PAGE], options=ReadOptions(structure="tatr"))
    assert len(asked) == 1
    a, b, c, d = asked[0]
    notes = [re.sub(r"layout table 0\.\d\d", "layout table S", w) for w in doc.warnings if "Transformer" in w]
    assert notes == [f"page {PAGE}: a table without ruling lines at ({a:.0f},{b:.0f})-({c:.0f},{d:.0f}) "
                     f"(layout table S): 2 rows and 2 columns from the Table Transformer"]
    x0, y0, x1, y1 = (int(v) for v in asked[0])
    # The grid's rules are the page's ruling segments, as printed rules would be.
    xm, ym = (x0 + x1) // 2, (y0 + y1) // 2
    segments = {(round(s.x0), round(s.y0), round(s.x1), round(s.y1)) for s in doc.pages[0].segments}
    assert (xm, y0, xm, y1 - 1) in segments and (x0, ym, x1 - 1, ym) in segments


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="the [hf] extra is installed here")
def test_tatr_without_the_extra_is_one_error_before_any_file() -> None:
    r = subprocess.run([sys.executable, "-m", "pipeline", str(UNRULED), "--structure", "tatr"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr == (
        "error: Table Transformer needs torch, which is not installed: pip install .[hf] for "
        "transformers and torch, and put a copy of microsoft/table-transformer-structure-recognition in "
        "PIPELINE_TATR_DIR (nothing is downloaded)\n")
    assert r.stdout == ""
