"""Checks that a rendered PDF carries its gold: every row's printed values appear, in order,
on one text line of the PDF's text layer (pdfplumber)."""
from __future__ import annotations

import re
from pathlib import Path

from . import taxo


def row_groups(gold: dict) -> dict[str, list[str]]:
    """Gold keys grouped by printed table row, in column order (s4 as its groups)."""
    groups: dict[str, list[str]] = {}
    for key in gold["cells"]:
        row = key.rsplit(".", 1)[0]
        groups.setdefault(row, []).append(key)
    return groups


def text_lines(pdf: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        return [line for page in doc.pages for line in (page.extract_text() or "").splitlines()]


def missing_rows(pdf: Path, gold: dict, printed: dict[str, str]) -> list[str]:
    """Rows whose non-blank printed values do not appear consecutively on a line of the PDF text."""
    lines = [" " + re.sub(r"\s+", " ", line) + " " for line in text_lines(pdf)]
    bad = []
    for row, keys in row_groups(gold).items():
        values = [printed[k] for k in keys if printed.get(k, "") != ""]
        if not values:
            continue
        needle = " " + " ".join(values) + " "
        if not any(needle in line for line in lines):
            bad.append(row)
    return bad


def missing_labels(pdf: Path, gold: dict) -> list[str]:
    """Row labels not found in the PDF text once whitespace is removed (wrapped labels interleave
    with other cells, so only labels that fit on one line are expected to be found whole)."""
    flat = re.sub(r"\s+", "", "".join(text_lines(pdf)))
    return [k for k, label in gold["row_labels"].items() if re.sub(r"\s+", "", label) not in flat]


def identities_ok(gold: dict) -> bool:
    from .reports import identity_failures

    return sorted(identity_failures(gold["cells"])) == sorted(gold.get("identities_broken", []))


def expected_keys(gold: dict) -> list[str]:
    """All gold keys a document of this structure must have."""
    f = taxo.formats_of(gold["cells"])
    return taxo.s2_keys(f["s2"]) + taxo.s3_keys(f["s3_split"]) + taxo.s4_keys()
