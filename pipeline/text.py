"""Normalisation of printed text before it is compared with the taxonomy."""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

from pipeline import MODELS_DIR

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"'})
# Enumerators in front of labels: 一、 （一） (1) 1. 1、 ①; they vary between reports and carry no meaning
# beyond the order, which the row alignment already uses. On a scan the opening bracket of （三）
# may come back as one or two Latin letters ("CE三）"): a numeral closed by a bracket is an
# enumerator after such a misreading too.
_ENUMERATOR = re.compile(
    r"^\s*(?:[(（]\s*[0-9一二三四五六七八九十]+\s*[)）]|[0-9一二三四五六七八九十]+\s*[、.．,，:：)）]|[①-⑳]"
    r"|[A-Za-z]{1,2}\s*[一二三四五六七八九十]+\s*[)）])\s*"
)
_SPACE = re.compile(r"\s+")
# Full-width marks whose ink fills one side of their character's advance: the white on the
# other side belongs to the mark, not to a gap between words.
OPENING = "（「『【《〈“‘"
CLOSING = "，。、；：）」』】》〉”’．！？"


@lru_cache(maxsize=1)
def _traditional_map() -> dict[int, str]:
    data = json.loads((MODELS_DIR / "traditional.json").read_text(encoding="utf-8"))
    return str.maketrans(data["map"])


def normalize(text: str) -> str:
    """Canonical form for comparison: half-width (NFKC), simplified, straight quotes, no spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_traditional_map())
    return _SPACE.sub("", text)


def strip_enumerator(text: str) -> str:
    """Remove one leading enumerator (一、 / （三） / 1. ...) from normalised text."""
    return _ENUMERATOR.sub("", text, count=1)


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """The part of a label that identifies it: normalised, enumerator and trailing notes removed."""
    text = strip_enumerator(normalize(text))
    # Notes in parentheses appended by local offices; keep a parenthesis that opens the label.
    stripped = re.sub(r"\([^()]*\)$", "", text)
    return stripped or text


def solid_width(text: str) -> float:
    """The width of ``text`` set solid, in character heights: a full-width character (Chinese,
    full-width marks and digits) is one, any other half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in text)
