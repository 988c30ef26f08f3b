"""Label variation: printed row labels (which go into the gold) and the other table labels
(headers, groups, items), with enumerator styles, quotes, brackets, notes, typos and
traditional characters."""
from __future__ import annotations

import random
import re

from . import taxo
from .reports import load

CN = "一二三四五六七八九十"
_PREFIX = re.compile(r"^(\d+\.|（[一二三四五六七八九十]）|[一二三四五六七八九十]、)")


def split_prefix(label: str) -> tuple[str, str]:
    m = _PREFIX.match(label)
    return (m.group(1), label[m.end():]) if m else ("", label)


# =============================================================================== characters
def to_traditional(text: str) -> str:
    t = load("traditional")
    for simp, trad in t["phrases"].items():
        text = text.replace(simp, trad)
    return "".join(t["chars"].get(ch, ch) for ch in text)


HALF = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"})


def half_brackets(text: str) -> str:
    return text.translate(HALF)


def straight_quotes(text: str) -> str:
    return text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def typo(rng: random.Random, text: str) -> str:
    """Drop or swap one character of the CJK core of a label (never the enumerator)."""
    prefix, core = split_prefix(text)
    idx = [i for i, ch in enumerate(core) if "\u4e00" <= ch <= "\u9fff"]
    if len(idx) < 4:
        return text
    i = rng.choice(idx[1:-1])
    if rng.random() < 0.5 or i + 1 >= len(core) or not ("\u4e00" <= core[i + 1] <= "\u9fff") \
            or core[i] == core[i + 1]:
        core = core[:i] + core[i + 1:]
    else:
        core = core[:i] + core[i + 1] + core[i] + core[i + 2:]
    return prefix + core


# =============================================================================== document style
def label_style(rng: random.Random) -> dict:
    """Per-document choices that apply to every label."""
    return {
        "sub_enum": rng.choices(["dot", "dun", "paren_full", "paren_half", "none"], [45, 20, 15, 8, 12])[0],
        "group_enum": rng.choices(["full", "half", "dun", "none"], [70, 12, 6, 12])[0],
        "top_enum": rng.choices(["dun", "none", "paren_full"], [80, 15, 5])[0],
        "variant_p": rng.choice([0.0, 0.0, 0.15, 0.4]),
        "half_brackets": rng.random() < 0.15,
        "straight_quotes": rng.random() < 0.3,
        "traditional": rng.random() < 0.08,
        "typos": rng.choices([0, 1, 2], [82, 13, 5])[0],
        "notes": rng.choices([0, 1, 2], [75, 18, 7])[0],
    }


def finish(text: str, st: dict) -> str:
    """Apply the document-wide character choices to a label."""
    if st["half_brackets"]:
        text = half_brackets(text)
    if st["straight_quotes"]:
        text = straight_quotes(text)
    if st["traditional"]:
        text = to_traditional(text)
    return text


def _enumerate(prefix: str, core: str, st: dict) -> str:
    labels = load("labels")
    if re.match(r"\d+\.", prefix):
        n = prefix[:-1]
        return labels["sub_enumerators"][st["sub_enum"]].format(n=n) + core
    if prefix.startswith("（"):
        return labels["group_enumerators"][st["group_enum"]].format(c=prefix[1:-1]) + core
    if prefix.endswith("、"):
        return labels["top_enumerators"][st["top_enum"]].format(c=prefix[:-1]) + core
    return core


def _core_choice(rng: random.Random, core: str, variants: list[str], st: dict) -> str:
    if st["variant_p"] and rng.random() < st["variant_p"]:
        cores = [split_prefix(v)[1] for v in variants]
        cores = [c for c in cores if c and c != core]
        if cores:
            return rng.choice(cores)
    return core


# =============================================================================== row labels (gold)
def s3_row_labels(rng: random.Random, split_other: bool, st: dict) -> dict[str, str]:
    out = {}
    for rid in taxo.s3_rows(split_other):
        row = taxo.s3_row(rid)
        prefix, core = split_prefix(row["label"])
        core = _core_choice(rng, core, row["variants"], st)
        if rid == "partial" and core == "部分公开" and rng.random() < 0.5:
            core = "部分公开（区分处理的，只计这一情形，不计其他情形）"
        out[f"s3.{rid}"] = _enumerate(prefix, core, st)
    return out


def s2_row_labels(rng: random.Random, fmt: str, st: dict) -> dict[str, str]:
    out = {}
    for it in taxo.s2_items(fmt):
        for row in it["rows"]:
            info = taxo.taxonomy()["s2"]["rows"][row]
            label = info["label"]
            if row == "normative_docs" and fmt == "2019" and rng.random() < 0.7:
                label = "规范性文件"
            out[f"s2.{row}"] = _core_choice(rng, label, info["variants"], st)
    return out


def add_notes_and_typos(rng: random.Random, labels: dict[str, str], st: dict) -> None:
    notes = load("labels")["notes"]
    with_notes = sorted(k for k in labels if k in notes)
    for key in rng.sample(with_notes, k=min(st["notes"], len(with_notes))):
        labels[key] += rng.choice(notes[key])
    candidates = sorted(k for k, v in labels.items() if len(split_prefix(v)[1]) >= 5)
    for key in rng.sample(candidates, k=min(st["typos"], len(candidates))):
        labels[key] = typo(rng, labels[key])


# =============================================================================== other labels (variant)
def header_labels(rng: random.Random, fmt: dict, st: dict) -> dict[str, str]:
    """Labels that are printed but not part of the gold: items, headers, groups, s3/s4 columns."""
    L = load("labels")
    tx = taxo.taxonomy()
    out: dict[str, str] = {}
    item_form = rng.choice(L["s2_item_forms"])
    for it in tx["s2"]["items"]:
        out[f"s2.item.{it['item']}"] = item_form.format(c=it["item"])
    out["s2.header"] = rng.choice(L["s2_header"])
    for col, info in tx["s2"]["columns"].items():
        out[f"s2.col.{col}"] = _pick(rng, info["label"], info["variants"], 0.25)
    if fmt["s2"] == "2019" and rng.random() < 0.5:
        out["s2.col.total_published"] = "对外公开总数"
    for c in tx["s3"]["columns"]:
        out[f"s3.col.{c['id']}"] = _pick(rng, c["label"], c["variants"], 0.2)
    for g, info in tx["s3"]["groups"].items():
        prefix, core = split_prefix(info["label"])
        out[f"s3.group.{g}"] = _enumerate(prefix, core, st)
    if rng.random() < 0.15:
        out["s3.group.result"] = rng.choice(tx["s3"]["groups"]["result"]["variants"])
    out["s3.note"] = rng.choice(L["s3_header"]["note"])
    out["s3.applicant"] = rng.choice(L["s3_header"]["applicant"])
    out["s3.org_parent"] = rng.choice(L["s3_header"]["org_parent"])
    for g in tx["s4"]["groups"]:
        out[f"s4.group.{g['id']}"] = _pick(rng, g["label"], g["variants"], 0.15)
    for c in tx["s4"]["columns"]:
        out[f"s4.col.{c['id']}"] = _pick(rng, c["label"], c["variants"], 0.1)
    out["unit.万元"], out["unit.元"] = "万元", "元"
    out["s4.parent"] = rng.choice(L["s4_header"]["parent"])
    out["s4.corner"] = rng.choice(L["s4_header"]["corner"])
    return {k: finish(v, st) for k, v in out.items()}


def _pick(rng: random.Random, label: str, variants: list[str], p: float) -> str:
    return rng.choice(variants) if variants and rng.random() < p else label


def label_breaks(rng: random.Random, labels: dict[str, str], row_labels: dict[str, str]) -> dict[str, list[int]]:
    """Forced line breaks inside some labels (header words broken inside cells: 商业企 / 业)."""
    out: dict[str, list[int]] = {}
    if rng.random() < 0.5:
        for key in ("s3.col.business", "s3.col.ngo", "s3.col.legal", "s3.col.research"):
            text = labels.get(key, "")
            if len(text) >= 4 and rng.random() < 0.6:
                out[key] = [rng.choice([len(text) - 1, len(text) // 2, 3])]
    if rng.random() < 0.3:
        for key in ("s4.col.upheld", "s4.col.corrected", "s4.col.other", "s4.col.pending"):
            if len(labels.get(key, "")) == 4:
                out[key] = [2]
    for key, text in row_labels.items():
        if key.startswith("s2.") and len(text) >= 7 and rng.random() < 0.15:
            out[key] = [rng.randint(3, len(text) - 2)]
    return out
