"""Find sections 二, 三, 四 by their headings and the ruled tables that belong to each."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.document import Page
from pipeline.grid import Fragment, find_fragments
from pipeline.lines import group_lines
from pipeline.taxonomy import load
from pipeline.text import normalize, strip_enumerator
from pipeline.textgrid import TextTable, text_fragment

TABLE_SECTIONS = ("s2", "s3", "s4")
HEADING_SCORE = 82
MIN_GRID_COLUMNS = 2  # a ruled table has at least a label column and a value column
UNNUMBERED_HEADING_SCORE = 92
MAX_HEADING_EXTRA = 12  # characters a heading line may carry beyond the heading (numbering, notes)
# Words that only one table holds: they tell a fragment's section when its heading is missing
# or the fragment continues a table from the previous page.
CONTENT_MARKERS = {
    "s2": ("第二十条", "信息内容", "规章", "行政许可", "行政处罚", "行政强制", "行政事业性收费"),
    "s3": ("自然人", "商业企业", "科研机构", "予以公开", "不予公开", "无法提供", "不予处理", "本年新收", "结转"),
    "s4": ("结果维持", "结果纠正", "尚未审结", "未经复议", "复议后起诉"),
}


@dataclass(frozen=True)
class Heading:
    section: str
    page: int
    top: float
    text: str


def find_headings(pages: list[Page]) -> dict[str, Heading]:
    """Each section's heading line, in document order (s2 before s3 before s4 before s5).

    Every line that looks like a heading is a candidate; each section then takes its first
    candidate after the previous section's heading, so that a summary paragraph naming the
    sections cannot stand in for them.
    """
    tax = load()
    candidates: list[Heading] = []
    for page in pages:
        for line in group_lines(page.words):
            text = normalize("".join(w.text for w in line))
            section = _heading_section(text, tax.section_headings, clipped=any(w.clipped for w in line))
            if section is not None:
                candidates.append(Heading(section, page.number, min(w.top for w in line), text))
    found: dict[str, Heading] = {}
    position = (0, -1.0)
    for section in tax.section_headings:
        for heading in candidates:
            if heading.section == section and (heading.page, heading.top) > position:
                found[section] = heading
                position = (heading.page, heading.top)
                break
    return found


# On a hard scan the numeral of a heading may come with a character or two of noise before it
# (川二、 for 三、, a speck read as a character): a numeral and its mark after at most two such
# characters still number the heading.
_GARBLED_NUMBER = re.compile(r"^.{1,2}?(?=[一二三四五六七八九十]{1,2}[、.．])")


def _heading_section(text: str, headings: dict[str, tuple[str, ...]], clipped: bool = False) -> str | None:
    """The section whose heading ``text`` is. A ``clipped`` line (only its start was read) may
    be a numbered heading, but not an unnumbered one: a prose line that happens to begin with
    主动公开政府信息情况 reads as that heading when the rest of it is not read."""
    body = strip_enumerator(text)
    if body == text:
        body = strip_enumerator(_GARBLED_NUMBER.sub("", text, count=1))
    numbered = body != text
    if clipped and not numbered:
        return None
    best, best_score = None, 0.0
    for section, variants in headings.items():
        for variant in variants:
            key = normalize(variant)
            if len(body) > len(key) + MAX_HEADING_EXTRA:
                continue
            score = fuzz.ratio(body, key)
            # A numbered line may carry a note after the heading; an unnumbered one must be
            # the heading itself, or it is a line of prose that happens to name the section.
            if numbered and (body.startswith(key) or fuzz.partial_ratio(key, body) >= 95):
                score = 100.0
            if score > best_score:
                best, best_score = section, score
    threshold = HEADING_SCORE if numbered else UNNUMBERED_HEADING_SCORE
    return best if best_score >= threshold else None


def _content_section(fragment: Fragment) -> str | None:
    text = normalize("".join(c.text for c in fragment.cells))
    scores = {s: sum(marker in text for marker in markers) for s, markers in CONTENT_MARKERS.items()}
    section, score = max(scores.items(), key=lambda kv: kv[1])
    return section if score >= 2 else None


def locate_tables(pages: list[Page], headings: dict[str, Heading]) -> dict[str, list[Fragment]]:
    """Fragments of each table section in reading order; continuation fragments follow their table.

    A section whose heading is found but which has no ruled grid (no rules, or horizontal rules
    only) gets grids inferred from its words, page by page.
    """
    ordered_headings = sorted(headings.values(), key=lambda h: (h.page, h.top))
    tables: dict[str, list[Fragment]] = {s: [] for s in TABLE_SECTIONS}
    previous: str | None = None
    for page in pages:
        for fragment in find_fragments(page):
            if len(fragment.xs) < MIN_GRID_COLUMNS + 1:
                continue  # rules without columns: a box or a 三线表, read from its words below
            by_heading = None
            for heading in ordered_headings:
                if (heading.page, heading.top) <= (fragment.page, fragment.bbox[1]):
                    by_heading = heading.section
            section = _content_section(fragment) or by_heading or previous
            if section in tables:
                tables[section].append(fragment)
                previous = section
    for section in TABLE_SECTIONS:
        if not tables[section] and section in headings:
            tables[section] = _unruled_fragments(pages, headings[section], ordered_headings)
    return tables


def _unruled_fragments(pages: list[Page], heading: Heading, ordered: list[Heading]) -> list[Fragment]:
    """The section's table read from word positions, page by page from its heading to the next one.

    The region of each page is cut at the headings, so that two tables on one page (二 ends, 三
    begins) are read apart; columns and label columns found on one page carry over to the next
    (a table continued without its header).
    """
    later = [h for h in ordered if (h.page, h.top) > (heading.page, heading.top)]
    end = (later[0].page, later[0].top) if later else (pages[-1].number, float("inf"))
    regions = []
    for page in pages:
        if not heading.page <= page.number <= end[0]:
            continue
        top = 0.0
        if page.number == heading.page:
            # Below the heading line itself, which starts at heading.top.
            top = max([heading.top + 1] + [w.bottom for w in page.words if abs(w.top - heading.top) < 2])
        bottom = end[1] - 1 if page.number == end[0] else page.height
        regions.append((page, top, bottom))
    # Label columns show on the pages with many rows; a page with a few rows of the table uses
    # those of the others (a first pass learns them).
    learned = TextTable()
    if len(regions) > 1:
        for page, top, bottom in regions:
            text_fragment(page, top, bottom, learned)
    table = TextTable(label_bounds=list(learned.label_bounds))
    fragments = []
    for page, top, bottom in regions:
        fragment = text_fragment(page, top, bottom, table)
        if fragment is not None:
            fragments.append(fragment)
    return fragments
