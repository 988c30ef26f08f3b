"""Cell text to a number: blanks and dashes, full-width digits, separators, units, negatives."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Printed for zero or "nothing to report"; the value is 0 and the text is kept in the output.
# 一 (the numeral one) stands in for a dash in some reports, and OCR reads a dash as 一.
ZERO_MARKS = {"", "-", "—", "——", "–", "－", "/", "／", "\\", "无", "0", "〇", "空", "/ ", "-/-", "一"}
UNITS = ("万元", "元", "件", "项", "个", "次", "条")
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")


@dataclass(frozen=True)
class Parsed:
    value: int | float | None
    unit: str | None = None
    problem: str | None = None  # why the text is not a clean number; the cell is then uncertain


def parse_value(text: str) -> Parsed:
    clean = unicodedata.normalize("NFKC", text).strip().replace("萬", "万")
    clean = clean.replace("，", ",").replace("．", ".").replace("−", "-").replace("－", "-")
    if clean in ZERO_MARKS or set(clean) <= {"-", "—", "–", "/"}:
        return Parsed(0)
    unit = None
    for candidate in UNITS:
        if clean.endswith(candidate) and len(clean) > len(candidate):
            unit, clean = candidate, clean[: -len(candidate)]
            break
    match = _NUMBER.match(clean)
    if not match:
        return Parsed(None, unit, f"not a number: {text!r}")
    sign, digits, decimals = match.groups()
    digits = digits.replace(",", "")
    if decimals is not None:
        value: int | float = float(f"{sign}{digits}.{decimals}")
    else:
        value = int(f"{sign}{digits}")
    if unit in ("件", "项", "个", "次", "条"):
        unit = None  # counting words, not units of measure
    return Parsed(value, unit)
