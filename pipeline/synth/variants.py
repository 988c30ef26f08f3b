"""Random variants: how a report looks (fonts, sizes, ruling, table layouts, value styles,
headings, title and prose).  A variant is a plain JSON-able dict read by render_pdf/tables;
every key is optional (defaults reproduce the seed's look).

Variant keys
  style:   font (SimSun|YaHei|STSong) size table_size leading table_leading margins ruling
           (full|horizontal|three_line|none) rule_style (line|rect) rule_width cell_pad
           page_numbers heading_font
  labels:  {name: printed text} for non-gold labels (s2.item.X, s2.header, s2.col.C, s3.col.C,
           s3.group.G, s3.note, s3.applicant, s3.org_parent, s4.group.G, s4.col.C, s4.parent)
  breaks:  {label name or row key: [char positions of forced line breaks]}
  values:  zero (0|''|—|-|/|无|mixed) zero_mix mix_seed fullwidth thousands fixed_decimals
           decimals amount_unit (header|cell)
  s2_*, s3_*, s4_*: table layouts (see tables.py)
  document: title_lines subtitle_lines title_size headings heading_form heading_size prose
           page_break_before extra_rows
"""
from __future__ import annotations

import random

from . import labels as lab
from . import taxo
from .reports import load
from .values import format_value

CN_DIGITS = "〇一二三四五六七八九"


def _w(rng: random.Random, options: dict):
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


# =============================================================================== page style
def page_style(rng: random.Random) -> dict:
    font = _w(rng, {"SimSun": 50, "YaHei": 30, "STSong": 20})
    size = rng.choice([10.5, 12, 12, 14, 15, 16])
    table_size = min(size, rng.choice([9, 9.5, 10, 10.5, 10.5, 11, 12]))
    return {
        "font": font,
        "size": size,
        "table_size": table_size,
        "leading": round(rng.uniform(1.3, 1.8), 2),
        "table_leading": round(rng.uniform(1.15, 1.4), 2),
        "margins": [rng.randint(50, 95), rng.randint(50, 90), rng.randint(50, 100), rng.randint(50, 100)],
        "ruling": _w(rng, {"full": 80, "horizontal": 8, "three_line": 6, "none": 6}),
        "rule_style": _w(rng, {"line": 60, "rect": 40}),
        "rule_width": rng.choice([0.4, 0.5, 0.5, 0.75, 1.0]),
        "cell_pad": rng.choice([2, 3, 3, 4, 5]),
        "page_numbers": _w(rng, {"dash": 50, "plain": 25, None: 25}),
        "heading_font": "YaHei" if font != "YaHei" and rng.random() < 0.3 else None,
        "title_size": rng.choice([16, 18, 18, 20, 22]),
        "heading_form": _w(rng, {"dun": 75, "paren": 10, "dot": 10, "space": 5}),
    }


# =============================================================================== table layouts
def table_layouts(rng: random.Random) -> dict:
    per_item = rng.random() < 0.3
    L = _w(rng, {3: 65, 2: 20, 1: 15})
    return {
        "s2_layout": "per_item" if per_item else "one_table",
        "s2_item_caption": per_item and rng.random() < 0.5,
        "s2_label_frac": round(rng.uniform(0.25, 0.42), 2),
        "s2_wide_first": rng.random() < 0.3,
        "s2_label_align": _w(rng, {"center": 60, "left": 40}),
        "s2_item_align": _w(rng, {"center": 70, "left": 30}),
        "s2_row_h": round(rng.uniform(1.6, 2.6), 2),
        "s3_label_cols": L,
        "s3_result_vertical": rng.random() < 0.75,
        "s3_group_rows": rng.random() < 0.1,  # with 3 label columns; fewer columns always have them
        "s3_label_row_span_values": rng.random() < 0.3,
        "s3_header": _w(rng, {"two_level": 80, "flat": 20}),
        "s3_note": rng.random() < 0.75,
        "s3_repeat_header": rng.random() < 0.4,
        "s3_value_w": round(rng.uniform(2.2, 3.2), 2),
        "s3_group_w": round(rng.uniform(3.5, 5.5), 2),
        "s3_row_h": round(rng.uniform(1.5, 2.2), 2),
        "s3_label_align": _w(rng, {"left": 80, "center": 20}),
        "s3_group_align": _w(rng, {"center": 80, "left": 20}),
        "s4_layout": _w(rng, {"three_level": 60, "two_level": 25, "rows": 15}),
        "s4_prefix_parent": rng.random() < 0.5,
        "s4_keep": rng.random() < 0.7,
        "s4_row_h": round(rng.uniform(1.6, 2.4), 2),
    }


def s3_break(rng: random.Random, split_other: bool) -> str | None:
    """Sometimes force the page break of table 三 before a given row (else it falls naturally).
    Rare: a forced break leaves a half-empty page, which real exports seldom show."""
    if rng.random() < 0.05:
        rows = [r for r in taxo.s3_rows(split_other) if r not in ("new",)]
        return rng.choice(rows)
    return None


# =============================================================================== values
def value_style(rng: random.Random, cells: dict) -> dict:
    zero = _w(rng, {"0": 60, "": 10, "—": 6, "-": 6, "/": 5, "无": 3, "mixed": 10})
    style = {"zero": zero, "mix_seed": rng.randint(0, 10 ** 6),
             "fullwidth": rng.random() < 0.07, "thousands": rng.random() < 0.3,
             "amount_unit": "cell" if rng.random() < 0.35 else "header",
             "fixed_decimals": rng.random() < 0.4}
    if zero == "mixed":
        style["zero_mix"] = rng.sample(["0", "", "—", "-", "/", "无"], k=2)
    if style["fixed_decimals"]:
        places = [len(f"{v:.4f}".rstrip("0").split(".")[1]) for k, v in cells.items()
                  if isinstance(v, float)]
        style["decimals"] = max([2] + places)
    return style


# =============================================================================== headings, title, prose
def headings(rng: random.Random) -> dict:
    tx = taxo.taxonomy()["sections"]
    out = {sec: rng.choices(tx[sec]["headings"], weights=[6] + [1] * (len(tx[sec]["headings"]) - 1))[0]
           for sec in ("s2", "s3", "s4", "s5")}
    out["s1"] = rng.choice(["总体情况", "总体情况", "概述"])
    out["s6"] = "其他需要报告的事项"
    return out


def chinese_year(year: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(year))


def title_lines(rng: random.Random, agency: str, year: int, force: str | None = None) -> list[str]:
    cn = rng.random() < 0.15
    y = chinese_year(year) if cn or force == "chinese_year" else str(year)
    tail = rng.choice(["政府信息公开工作年度报告", "政府信息公开工作年度报告", "信息公开工作年度报告"])
    form = {"one_line": 0.0, "split": 0.6}.get(force, rng.random())
    if form < 0.45:
        return [f"{agency}{y}年{tail}"]
    if form < 0.8:
        return [f"{agency}", f"{y}年{tail}"]
    return [f"{agency}{y}年", tail]


def prose(rng: random.Random, agency: str, short: str, year: int, cells: dict,
          heading_form: str = "dun") -> dict:
    P = load("prose")
    nums = {k: rng.randint(3, 900) for k in "abcdf"}
    nums["e"] = int(cells.get("s3.new.total", 0))
    fill = dict(agency=agency, short=short, year=year, next=year + 1, day=rng.randint(10, 31), **nums)
    out: dict[str, list[str]] = {"intro": [rng.choice(P["intro"]).format(**fill)]}
    if rng.random() < 0.3:
        out["intro"].append(rng.choice(P["period"]).format(**fill))
    s1 = [rng.choice(P["s1_opening"]).format(**fill)]
    for i, (topic, text) in enumerate(rng.sample(P["s1_topics"], k=rng.randint(2, 5))):
        num = f"{i + 1}." if heading_form == "paren" else f"（{lab.CN[i]}）"  # below （一） headings: 1.
        s1.append(f"{num}{topic}。" + text.format(**fill))
    out["s1"] = s1
    out["s5"] = [p.format(**fill) for p in rng.sample(P["s5"], k=rng.randint(1, 3))]
    out["s6"] = [rng.choice(P["s6"]).format(**fill)]
    notes = P["table_notes"]
    if rng.random() < 0.15:
        out["s2_after"] = [rng.choice(notes["s2_after"]).format(**fill)]
    if rng.random() < 0.15:
        out["s3_after"] = [notes["s3_after"][0].format(**fill)]
    if rng.random() < 0.3 and all(cells.get(f"s4.{g}.total", 0) == 0 for g in taxo.S4_GROUPS):
        out["s4_after"] = [notes["s4_after"][0].format(**fill)]
    if rng.random() < 0.5:
        out["closing"] = [agency, rng.choice(P["closing_dates"]).format(**fill)]
    return out


def traditional_prose(p: dict) -> dict:
    return {k: [lab.to_traditional(x) for x in v] for k, v in p.items()}


# =============================================================================== extra rows
def extra_rows(rng: random.Random, cells: dict, fmt: dict, vstyle: dict, which: str | None = None) -> list[dict]:
    """Local rows that are not in the taxonomy (printed, listed in unmapped_rows, no gold cells)."""
    L = load("labels")["extra_rows"]
    out = []
    if rng.random() < 0.1 or which == "s2":
        e = rng.choice([x for x in L["s2"] if x["after"] in {f"s2.{r}" for it in taxo.s2_items(fmt["s2"])
                                                               for r in it["rows"]}])
        n = len(next(it["columns"] for it in taxo.s2_items(fmt["s2"]) if e["after"][3:] in it["rows"]))
        vals = [rng.randint(0, 30) for _ in range(n)]
        out.append({"after": e["after"], "label": e["label"], "values": _fmt(vals, vstyle, e["label"])})
    if rng.random() < 0.08 or which == "s3":
        e = rng.choice(L["s3"])
        parent = [cells[f"{e['sub']}.{c}"] for c in taxo.S3_APPLICANTS]
        vals = [rng.randint(0, int(p)) for p in parent]
        vals.append(sum(vals))
        out.append({"after": e["after"], "label": e["label"], "values": _fmt(vals, vstyle, e["label"])})
    return out


def _fmt(vals: list[int], vstyle: dict, label: str) -> list[str]:
    return [format_value(f"extra.{label}.{i}", v, False, vstyle) for i, v in enumerate(vals)]


# =============================================================================== all together
def _forced(d: dict, force: dict) -> dict:
    """`d` with the keys that `force` fixes replaced."""
    d.update({k: v for k, v in force.items() if k in d})
    return d


def random_variant(rng: random.Random, data: dict, force: dict | None = None) -> tuple[dict, dict]:
    """(variant, gold label fields {row_labels, unmapped_rows, agency}) for report `data`.
    `force` may fix any label-style, page-style, layout or value-style key, plus extra (s2|s3),
    title_form (one_line|split|chinese_year) and page_break_before."""
    force = force or {}
    cells = data["cells"]
    fmt = taxo.formats_of(cells)
    agency, year = data["report"]["agency"], data["report"]["year"]
    st = _forced(lab.label_style(rng), force)
    row_labels = {**lab.s2_row_labels(rng, fmt["s2"], st), **lab.s3_row_labels(rng, fmt["s3_split"], st)}
    lab.add_notes_and_typos(rng, row_labels, st)
    row_labels = {k: lab.finish(v, st) for k, v in row_labels.items()}
    labels = lab.header_labels(rng, fmt, st)
    vstyle = _forced(value_style(rng, cells), force)
    if vstyle["zero"] == "mixed" and "zero_mix" not in vstyle:
        vstyle["zero_mix"] = rng.sample(["0", "", "—", "-", "/", "无"], k=2)
    v = _forced({**page_style(rng), **table_layouts(rng)}, force)
    if v["font"] == "STSong" and st["traditional"]:
        v["font"] = "SimSun"  # keep glyph coverage for traditional text with an embedded font
    extras = extra_rows(rng, cells, fmt, vstyle, force.get("extra"))
    for e in extras:
        e["label"] = lab.finish(e["label"], st)
    if st["traditional"]:
        agency = lab.to_traditional(agency)
    p = prose(rng, agency, data.get("_short", "本机关"), year, cells, v["heading_form"])
    heads = headings(rng)
    title = title_lines(rng, agency, year, force.get("title_form"))
    if st["traditional"]:
        p, heads = traditional_prose(p), {k: lab.to_traditional(h) for k, h in heads.items()}
        title = [lab.to_traditional(t) for t in title]
    v.update({
        "labels": labels,
        "breaks": lab.label_breaks(rng, labels, row_labels),
        "values": vstyle,
        "fullwidth_brackets": not st["half_brackets"],
        "extra_rows": extras,
        "s3_break_at": s3_break(rng, fmt["s3_split"]),
        "title_lines": title,
        "headings": heads,
        "prose": p,
        "page_break_before": force.get("page_break_before", ["s3"] if rng.random() < 0.1 else []),
        "label_style": st,
    })
    gold_labels = {"row_labels": row_labels, "unmapped_rows": [e["label"] for e in extras], "agency": agency}
    return v, gold_labels
