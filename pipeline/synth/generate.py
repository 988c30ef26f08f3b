"""One synthetic document = random report data + a random variant; gold from what is rendered."""
from __future__ import annotations

import json
import random
from pathlib import Path

from .render_pdf import render
from .reports import random_report
from .variants import random_variant

AXES = ("font", "table_size", "ruling", "rule_style", "heading_form", "s2_layout", "s3_label_cols",
        "s3_result_vertical", "s3_header", "s3_repeat_header", "s4_layout")


# Axis values forced on document i (cycling), so that any batch of len(COVERAGE) documents
# exercises every variant axis; everything not forced stays random.
COVERAGE: list[dict] = [
    {"form": "mixed_s2_2019", "ruling": "none", "sub_enum": "paren_full"},
    {"form": "mixed_s2_2021", "font": "STSong", "zero": "—", "s4_layout": "two_level"},
    {"traditional": True, "s4_layout": "rows", "agency_size": 60.0, "thousands": True},
    {"form": "2020_split", "ruling": "three_line", "sub_enum": "none", "fullwidth": True},
    {"form": "2019", "ruling": "horizontal", "zero": "mixed", "s3_label_cols": 1, "unit_yuan": True},
    {"broken": True, "s3_label_cols": 2, "s3_result_vertical": False, "font": "YaHei"},
    {"typos": 2, "notes": 2, "s3_header": "flat", "s4_layout": "three_level"},
    {"extra": "s2", "s2_layout": "per_item", "s2_item_caption": True, "amount_unit": "cell"},
    {"extra": "s3", "s3_repeat_header": True, "agency_size": 30.0, "title_form": "split"},
    {"half_brackets": True, "straight_quotes": True, "zero": "", "s2_layout": "per_item",
     "s2_item_caption": False},
    {"zero": "/", "title_form": "chinese_year", "heading_form": "paren", "form": "2021"},
    {"zero": "无", "sub_enum": "dun", "heading_form": "dot", "rule_style": "rect"},
    {"zero": "-", "sub_enum": "paren_half", "page_break_before": ["s3"], "variant_p": 0.5},
    {"form": "2019", "s3_repeat_header": False, "agency_size": 20.0, "s3_result_vertical": True},
]


def make_document(rng: random.Random, name: str, force: dict | None = None) -> tuple[dict, dict]:
    """(gold, variant) for a new random document called `name` (the PDF file name); `force` fixes
    some variant axes (keys of reports.random_report and variants.random_variant)."""
    data = random_report(rng, force)
    variant, gl = random_variant(rng, data, force)
    gold = {
        "schema_version": 1,
        "document": name,
        "report": {**data["report"], "agency": gl["agency"]},
        "tables": data["tables"],
        "cells": data["cells"],
        "units": data["units"],
        "row_labels": gl["row_labels"],
        "unmapped_rows": gl["unmapped_rows"],
    }
    if data["identities_broken"]:
        gold["identities_broken"] = data["identities_broken"]
    variant["form"] = data["_form"]
    gold["synth"] = synth_summary(variant)
    return gold, variant


def synth_summary(v: dict) -> dict:
    """The variant axes of a document, recorded in its gold (optional field) for per-layout scoring."""
    out = {k: v.get(k) for k in AXES}
    out["values"] = {k: v["values"].get(k) for k in ("zero", "fullwidth", "thousands", "amount_unit")}
    out["label_style"] = v.get("label_style", {})
    out["s3_break_at"] = v.get("s3_break_at")
    out["form"] = v.get("form")
    return out


def write_document(gold: dict, variant: dict, out_dir: Path) -> Path:
    pdf = out_dir / gold["document"]
    info: dict = {}
    render(gold, variant, pdf, info)
    gold["synth"]["pages"] = info["pages"]
    gold["synth"]["table_breaks"] = info["table_breaks"]
    (out_dir / (pdf.stem + ".gold.json")).write_text(json.dumps(gold, ensure_ascii=False, indent=1),
                                                     encoding="utf-8")
    return pdf


def doc_rng(seed: int, i: int) -> random.Random:
    return random.Random(f"synth:{seed}:{i}")


def generate(out_dir: Path, n: int, seed: int, prefix: str = "gen_") -> list[Path]:
    """Write n PDFs with their .gold.json into out_dir, deterministic for `seed`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, n + 1):
        force = COVERAGE[(i - 1) % len(COVERAGE)]
        gold, variant = make_document(doc_rng(seed, i), f"{prefix}{i:04d}.pdf", force)
        paths.append(write_document(gold, variant, out_dir))
    return paths
