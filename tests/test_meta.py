"""The agency and year from a report's title."""
from __future__ import annotations

from pipeline.document import Page, Word
from pipeline.meta import find_agency_year


def _title(*lines: str) -> list[Page]:
    words = [Word(text, 200, 100 + 60 * k, 200 + 40 * len(text), 140 + 60 * k) for k, text in enumerate(lines)]
    return [Page(1, 1655, 2339, words=words, unit="px", dpi=200)]


def test_a_year_in_numerals_is_read_with_its_ring_zero_lost_or_misread() -> None:
    # The title of a 300-DPI scan as the reader gave it: the 〇 of 二〇二二, a thin ring, was
    # passed over by the recogniser, and the report came out without agency or year.
    assert find_agency_year(_title("梅州市人民政府二二二年政府信息公开工作年", "度报告")) == ("梅州市人民政府", 2022)
    assert find_agency_year(_title("梅州市人民政府二〇二二年政府信息公开工作年度报告")) == ("梅州市人民政府", 2022)
    assert find_agency_year(_title("某某县人民政府二O一九年政府信息公开工作年度报告")) == ("某某县人民政府", 2019)
    assert find_agency_year(_title("某某县人民政府2023年政府信息公开工作年度报告")) == ("某某县人民政府", 2023)
    assert find_agency_year(_title("某某县人民政府二十二年政府信息公开工作年度报告"))[1] is None
