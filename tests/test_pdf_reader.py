"""Text-layer details of real Word/WPS exports that would otherwise corrupt numbers."""
from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.read.pdf import read_pdf


def _simsun() -> str:
    import mksci_font

    path = Path(mksci_font.__file__).parent / "data" / "SimSun.ttf"
    pdfmetrics.registerFont(TTFont("SimSun", str(path)))
    return "SimSun"


def test_fake_bold_and_printed_spaces(tmp_path):
    pdf = tmp_path / "bold.pdf"
    page = canvas.Canvas(str(pdf))
    page.setFont(_simsun(), 12)
    for offset in (0, 0.3):  # fake bold: the same glyphs drawn twice, a hair apart
        page.drawString(100 + offset, 700, "规章 0 12")
    page.line(300, 650, 300, 720)  # a rule between two touching numbers
    page.drawString(290, 680, "7")
    page.drawString(301, 680, "8")
    page.save()
    words = [w.text for w in read_pdf(pdf).pages[0].words]
    assert words == ["规章", "0", "12", "7", "8"]
