from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DIGITAL = ROOT / "samples" / "digital"
SEED_PDF = DIGITAL / "meizhou_hrss_2022.pdf"


def ruled_fragment(rows: list[list[str]], xs: list[float], char_width: float = 12.0):
    """A ruled grid at the column edges ``xs``, rows 20 units high, one word per cell (its text
    ``char_width`` per character); a row of one text is an item line across the table."""
    from pipeline.document import Word
    from pipeline.grid import Fragment, GridCell

    ys = [20.0 * i for i in range(len(rows) + 1)]
    cells = []
    for r, texts in enumerate(rows):
        spans = [(0, len(xs) - 1)] if len(texts) == 1 else [(c, c + 1) for c in range(len(texts))]
        for (c0, c1), text in zip(spans, texts):
            cell = GridCell(r, c0, 1, c1 - c0, (xs[c0], ys[r], xs[c1], ys[r + 1]), 1)
            if text:
                cell.words.append(Word(text, xs[c0] + 5, ys[r] + 5, xs[c0] + 5 + char_width * len(text), ys[r] + 15))
            cells.append(cell)
    return Fragment(page=1, bbox=(xs[0], ys[0], xs[-1], ys[-1]), xs=xs, ys=ys, cells=cells)


def load_gold(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_output() -> dict:
    from pipeline.extract import extract_path

    return extract_path(SEED_PDF)
