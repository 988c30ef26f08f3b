"""The agency and the report year, from the title and the first lines."""
from __future__ import annotations

import re
import unicodedata

from pipeline.document import Page
from pipeline.lines import group_lines
from pipeline.text import normalize, strip_enumerator

_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# A year in numerals (二〇二二); on a scan the ring of 〇 may read as a letter or be lost
# (二二二年: the recogniser passed over it).
_YEAR = re.compile(r"((?:19|20)\d{2}|二[〇零○Oo0][一二三四五六七八九〇零○Oo0]{2}|二[一二][一二三四五六七八九〇零○])\s*年度?")
# The title's tail; OCR sometimes loses its last characters, so only 信息公开 is required.
_TITLE_TAIL = re.compile(r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告)?")
_PREFIX = re.compile(r"^(?:关于)?")
AGENCY_ENDINGS = set("局厅府委会室处心院署部所站馆队校办司行社团庭")


def _year_value(text: str) -> int | None:
    digits = re.sub("[○Oo]", "〇", text)
    if len(digits) == 3:
        digits = digits[0] + "〇" + digits[1:]  # 二二二: the 〇 of 二〇二二 lost
    digits = digits.translate(_DIGITS)
    return int(digits) if digits.isdigit() and 1990 <= int(digits) <= 2100 else None


TITLE_LINES = 6  # lines at the top of the first page that may hold the title


def title_lines(pages: list[Page], max_lines: int = TITLE_LINES) -> list[str]:
    """The first lines of the first page, as printed but for width forms and spaces."""
    if not pages:
        return []
    lines = group_lines(pages[0].words)[:max_lines]
    return [unicodedata.normalize("NFKC", "".join(w.text for w in line)).replace(" ", "").replace("\u3000", "") for line in lines]


def ends_title(text: str) -> bool:
    """Whether the leading lines of a first page, joined (``text``), hold the title's tail: the
    title search below looks at no line after the first that does."""
    return bool(_TITLE_TAIL.search(normalize(unicodedata.normalize("NFKC", text))))


def find_agency_year(pages: list[Page]) -> tuple[str | None, int | None]:
    """The agency as printed (traditional characters stay), and the year.

    Matching runs on the simplified form; normalize() maps character for character, so its
    positions are the printed text's positions.
    """
    printed = title_lines(pages)
    lines = [normalize(line) for line in printed]
    # A title split over lines: join the leading lines up to the one that ends the title.
    for count in range(1, len(lines) + 1):
        title = "".join(lines[:count])
        raw_title = "".join(printed[:count])
        match = _TITLE_TAIL.search(title)
        if not match:
            continue
        head = title[: match.start()]
        year_match = None
        for year_match in _YEAR.finditer(head):
            pass
        if year_match is None:
            return _agency_like(raw_title[: match.start()] or None), _year_anywhere(lines)
        # The year stands after the agency ("XX局2023年…") or, more rarely, before it.
        agency = raw_title[: year_match.start()] or raw_title[year_match.end() : match.start()]
        agency = _PREFIX.sub("", agency).strip(" ：:") or None
        return _agency_like(agency), _year_value(year_match.group(1))
    return None, _year_anywhere(lines)


def _agency_like(text: str | None) -> str | None:
    """The name of an organ ends like one (局, 政府, 委员会, 街道办事处…); a heading or a line of
    prose taken for the title does not."""
    if not text:
        return None
    key = normalize(text)
    return text if key[-1] in AGENCY_ENDINGS and strip_enumerator(key) == key else None


def _year_anywhere(lines: list[str]) -> int | None:
    for line in lines:
        for match in _YEAR.finditer(line):
            year = _year_value(match.group(1))
            if year:
                return year
    return None
