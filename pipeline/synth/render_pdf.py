"""Render a gold-like report in a variant to a digital PDF (what Word/WPS exports).

    render(data, variant, out_pdf) -> {gold key: printed text}

`data` is anything shaped like a gold JSON (report, tables, cells, units, row_labels);
`variant` says how it looks (see variants.py for the keys and their defaults).
"""
from __future__ import annotations

from pathlib import Path

from .layout import Flow, Style
from .tables import build_tables

SECTION_NUMBERS = {"s1": "一", "s2": "二", "s3": "三", "s4": "四", "s5": "五", "s6": "六"}
DEFAULT_HEADINGS = {
    "s1": "总体情况",
    "s2": "主动公开政府信息情况",
    "s3": "收到和处理政府信息公开申请情况",
    "s4": "政府信息公开行政复议、行政诉讼情况",
    "s5": "存在的主要问题及改进情况",
    "s6": "其他需要报告的事项",
}
HEADING_FORMS = {
    "dun": "{n}、{t}",  # 二、主动公开…
    "paren": "（{n}）{t}",
    "dot": "{n}．{t}",
    "space": "{n} {t}",
}
STYLE_KEYS = ("font", "size", "table_size", "leading", "table_leading", "margins", "ruling", "rule_style",
              "rule_width", "cell_pad", "page_numbers", "heading_font")


def make_style(v: dict) -> Style:
    kw = {k: v[k] for k in STYLE_KEYS if k in v}
    if "margins" in kw:
        kw["margins"] = tuple(kw["margins"])
    return Style(**kw)


def heading_text(v: dict, sec: str) -> str:
    text = v.get("headings", {}).get(sec, DEFAULT_HEADINGS[sec])
    form = HEADING_FORMS[v.get("heading_form", "dun")]
    return form.format(n=SECTION_NUMBERS[sec], t=text)


def default_title(data: dict) -> list[str]:
    r = data["report"]
    return [f"{r['agency']}{r['year']}年政府信息公开工作年度报告"]


def render(data: dict, variant: dict, out_pdf: Path | str, info: dict | None = None) -> dict[str, str]:
    """Write `out_pdf`; return the text printed for each gold cell ('' for a blank cell).
    `info`, when given, receives the page count and the page breaks inside each table."""
    v = variant
    style = make_style(v)
    title_lines = v.get("title_lines") or default_title(data)
    flow = Flow(Path(out_pdf), style, title="".join(title_lines), author=v.get("author", ""))
    tables = build_tables(data, v, flow.width, style.table_size)
    prose = v.get("prose", {})
    hfont = style.heading_font or style.font

    title_size = v.get("title_size", 18)
    flow.space(v.get("title_space_before", 0))
    for line in title_lines:
        flow.paragraph(line, size=title_size, align="center", indent=0, font=hfont, leading=1.5)
    for line in v.get("subtitle_lines", []):
        flow.paragraph(line, size=style.size, align="center", indent=0)
    flow.space(style.size * 0.8)
    for para in prose.get("intro", []):
        flow.paragraph(para)

    printed: dict[str, str] = {}
    order: list[str] = []  # one entry per grid drawn
    for sec in ("s1", "s2", "s3", "s4", "s5", "s6"):
        if sec in ("s2", "s3", "s4") and sec not in tables:
            continue
        _heading(flow, v, sec, hfont)
        for para in prose.get(sec, []):
            flow.paragraph(para)
        if sec in tables:
            _tables(flow, v, sec, tables[sec], printed)
            order += [sec if len(tables[sec].grids) == 1 else f"{sec}.{i}" for i in range(len(tables[sec].grids))]
        for para in prose.get(sec + "_after", []):
            flow.paragraph(para)
    for para in prose.get("closing", []):
        flow.paragraph(para, align="right", indent=0)
    flow.finish()
    if info is not None:
        info["pages"] = flow.page_no
        info["table_breaks"] = dict(zip(order, flow.table_breaks))
    return printed


def _heading(flow: Flow, v: dict, sec: str, font: str) -> None:
    size = v.get("heading_size", flow.style.size)
    keep = size * 2 + flow.style.table_size * 7 if sec in ("s2", "s3", "s4") else size * 3
    if sec in v.get("page_break_before", []) or flow.y + keep > flow.y_bottom:
        flow.new_page()  # explicit break, or keep the heading with what follows
    flow.paragraph(heading_text(v, sec), size=size, indent=v.get("heading_indent", 2), font=font,
                   space_before=v.get("heading_space", 2), space_after=size * 0.3)


def _tables(flow: Flow, v: dict, sec: str, built, printed: dict) -> None:
    for caption, grid in built.grids:
        if caption:
            flow.paragraph(caption, indent=v.get("heading_indent", 2))
        flow.table(grid, space_after=v.get("table_space_after", 8))
    printed.update(built.printed)
