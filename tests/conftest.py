from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DIGITAL = ROOT / "samples" / "digital"
SEED_PDF = DIGITAL / "meizhou_hrss_2022.pdf"


def load_gold(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_output() -> dict:
    from pipeline.extract import extract_path

    return extract_path(SEED_PDF)
