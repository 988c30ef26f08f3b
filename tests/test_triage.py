"""Reading the heavy geometry only on the table pages changes nothing in the output."""
from __future__ import annotations

from conftest import DIGITAL, SEED_PDF

import pipeline.read.pdf as pdf_reader
from pipeline.extract import extract_path
from pipeline.read.triage import plan


def test_plan_of_the_seed():
    needed, light = plan(SEED_PDF)
    assert needed == {2, 3}  # 二 starts on page 2, table 四 ends on page 3
    assert list(light) == [1]  # the title page, from pdfium
    assert "".join(w.text for w in light[1].words).startswith("梅州市人力资源和社会保障局2022年信息公开工作年度报告")


def test_same_output_as_reading_every_page(monkeypatch):
    paths = (SEED_PDF, DIGITAL / "gen_0006.pdf")
    fast = [extract_path(path) for path in paths]
    monkeypatch.setattr(pdf_reader, "plan", lambda path: (None, {}))
    assert [extract_path(path) for path in paths] == fast
