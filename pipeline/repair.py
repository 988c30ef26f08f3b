"""Identities as evidence against misreadings: a failing identity points at the cells to distrust.

Where exactly one cell, read as one of the recogniser's own alternative readings, makes every
failing identity hold without breaking another, that reading is taken, with the cell marked
uncertain and the original reading in its note. Nothing else changes a number.
"""
from __future__ import annotations

from typing import Any

from pipeline.checks import run_checks


def repair_with_identities(cells: dict[str, dict[str, Any]], checks: list[dict[str, Any]]) -> str | None:
    """Apply the single repair if there is exactly one; returns a warning describing what was done."""
    failing = {c["id"] for c in checks if c["ok"] is False}
    if not failing:
        return None
    suspects = sorted({k for c in checks if c["ok"] is False for k in c["cells"] if cells[k].get("alternatives")})
    solutions = []
    for key in suspects:
        cell = cells[key]
        for alternative in cell["alternatives"]:
            if alternative["value"] == cell["value"]:
                continue
            trial = dict(cells)
            trial[key] = {**cell, "value": alternative["value"]}
            if all(c["ok"] is not False for c in run_checks(trial)):
                solutions.append((key, alternative))
    if len(solutions) != 1:
        if solutions:
            for key, _ in solutions:
                doubt(cells[key], f"one of {len(solutions)} alternative readings that would each make the identities hold")
            return f"identities {sorted(failing)} fail; {len(solutions)} single-cell readings would fix them, none taken"
        return None
    key, alternative = solutions[0]
    cell = cells[key]
    original = cell["text"]
    cell["value"] = alternative["value"]
    doubt(cell, f"read as {alternative['text']!r} instead of {original!r}: the only alternative reading that makes every identity hold")
    return f"{key}: read as {alternative['text']!r} instead of {original!r} to satisfy {sorted(failing)}"


def doubt(cell: dict[str, Any], note: str) -> None:
    cell["status"] = "uncertain"
    cell["note"] = f"{cell['note']}; {note}" if cell.get("note") else note
