"""Read-only view of models/taxonomy.json shaped for the generator."""
from __future__ import annotations

import functools
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TAXONOMY_PATH = ROOT / "models" / "taxonomy.json"


@functools.lru_cache(maxsize=None)
def taxonomy() -> dict:
    return json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))


def s2_items(fmt: str) -> list[dict]:
    """Items of table 二 in `fmt`: [{item, label, rows, columns}] (items absent in fmt are skipped)."""
    out = []
    for it in taxonomy()["s2"]["items"]:
        if fmt in it["rows"]:
            out.append({"item": it["item"], "label": it["label"],
                        "rows": it["rows"][fmt], "columns": it["columns"][fmt]})
    return out


def s2_keys(fmt: str) -> list[str]:
    return [f"s2.{r}.{c}" for it in s2_items(fmt) for r in it["rows"] for c in it["columns"]]


def s2_row_label(row: str) -> str:
    return taxonomy()["s2"]["rows"][row]["label"]


def s2_col(col: str) -> dict:
    return taxonomy()["s2"]["columns"][col]


S3_COLS = ["natural", "business", "research", "ngo", "legal", "other_org", "total"]
S3_APPLICANTS = S3_COLS[:-1]
S4_GROUPS = ["review", "suit_direct", "suit_after_review"]
S4_COLS = ["upheld", "corrected", "other", "pending", "total"]
OTHER_SPLIT = ["other.no_correction", "other.no_fee", "other.other"]


def s3_rows(split_other: bool) -> list[str]:
    """Row ids of table 三 in printed order; `split_other` gives （六） as three sub-rows."""
    out = []
    for r in taxonomy()["s3"]["rows"]:
        rid = r["id"]
        if rid == "other" and split_other:
            continue
        if rid in OTHER_SPLIT and not split_other:
            continue
        out.append(rid)
    return out


def s3_row(rid: str) -> dict:
    return next(r for r in taxonomy()["s3"]["rows"] if r["id"] == rid)


def s3_group_of(rid: str) -> str | None:
    """The sub-row group (denied/unable/rejected/other) of a row, or None for rows without one."""
    g = s3_row(rid).get("group")
    return g if g and g != "result" else None


def in_result(rid: str) -> bool:
    return s3_row(rid).get("group") is not None


def s3_col_label(cid: str) -> str:
    return next(c["label"] for c in taxonomy()["s3"]["columns"] if c["id"] == cid)


def s3_group_label(gid: str) -> str:
    return taxonomy()["s3"]["groups"][gid]["label"]


def s4_group_label(gid: str) -> str:
    return next(g["label"] for g in taxonomy()["s4"]["groups"] if g["id"] == gid)


def s4_col_label(cid: str) -> str:
    return next(c["label"] for c in taxonomy()["s4"]["columns"] if c["id"] == cid)


def s3_keys(split_other: bool) -> list[str]:
    return [f"s3.{r}.{c}" for r in s3_rows(split_other) for c in S3_COLS]


def s4_keys() -> list[str]:
    return [f"s4.{g}.{c}" for g in S4_GROUPS for c in S4_COLS]


def formats_of(cells: dict) -> dict:
    """Which structure a set of gold cells describes: s2 format, whether s3 has （六） split."""
    s2 = "2019" if "s2.rules.new_made" in cells else "2021" if "s2.rules.made" in cells else None
    s3_split = "s3.other.natural" not in cells
    return {"s2": s2, "s3_split": s3_split}
