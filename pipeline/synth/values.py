"""How a cell value is printed: zero styles, full-width digits, thousands separators, units."""
from __future__ import annotations

import random

FULLWIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
ZERO_STYLES = ["0", "", "—", "-", "/", "无"]


def _zero_text(key: str, style: dict) -> str:
    zero = style.get("zero", "0")
    if zero == "mixed":
        pool = style.get("zero_mix") or ["0", ""]
        return random.Random(f"{style.get('mix_seed', 0)}:{key}").choice(pool)
    return zero


def _number_text(value: float, is_amount: bool, style: dict) -> str:
    if is_amount:
        text = f"{value:.{style.get('decimals', 2)}f}" if style.get("fixed_decimals") else _short_float(value)
    else:
        text = str(int(value))
    if style.get("thousands") and abs(value) >= 1000:
        whole, _, frac = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        whole = f"{int(whole.lstrip('-')):,}"
        text = sign + whole + ("." + frac if frac else "")
    return text


def _short_float(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def format_value(key: str, value: float, is_amount: bool, style: dict, cell_unit: str | None = None) -> str:
    """The text printed in the cell of `key` for `value` under the value `style` of a variant;
    `cell_unit` is a unit written after the number inside the cell."""
    if value == 0 and not (is_amount and style.get("amount_zero_numeric")):
        text = _zero_text(key, style)
        if text != "0":
            return text
    text = _number_text(value, is_amount, style)
    if style.get("fullwidth"):
        text = text.translate(FULLWIDTH)
    if cell_unit:
        text += cell_unit
    return text
