"""Identities as evidence against misreadings: a failing identity points at the cells to distrust.

Where exactly one cell, read as one of the recogniser's own alternative readings, makes every
failing identity hold without breaking another, that reading is taken, with the cell marked
uncertain and the original reading in its note. Nothing else changes a number.

Where no reading of the recogniser's fixes them, failing identities that cross in exactly one
cell read from pixels still point at it: it is marked uncertain with the value that would make
them hold, but keeps its reading (a printed report can break its own identities).
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


def pinpoint_with_identities(cells: dict[str, dict[str, Any]], checks: list[dict[str, Any]], read_from_pixels: set[str]) -> str | None:
    """Doubt the one pixel-read cell every failing identity has in common, where a single value
    of it makes every identity hold; returns a warning naming it."""
    failing = [c for c in checks if c["ok"] is False]
    if len(failing) < 2:
        return None  # one failing identity blames each of its cells alike
    common = set(failing[0]["cells"]).intersection(*(c["cells"] for c in failing[1:])) & read_from_pixels
    gap = failing[0]["expected"] - failing[0]["found"]
    solutions = []
    for key in sorted(common):
        cell = cells[key]
        for value in {cell["value"] + gap, cell["value"] - gap}:
            if value < 0:
                continue
            trial = {**cells, key: {**cell, "value": value}}
            if all(c["ok"] is not False for c in run_checks(trial)):
                solutions.append((key, value))
    if len(solutions) != 1:
        return None
    key, value = solutions[0]
    names = sorted(c["id"] for c in failing)
    doubt(cells[key], f"identities {', '.join(names)} all hold if it is {value}, not {cells[key]['value']}")
    return f"{key}: identities {names} all hold if it is {value}, not {cells[key]['value']}; reading kept"


def doubt(cell: dict[str, Any], note: str) -> None:
    cell["status"] = "uncertain"
    cell["note"] = f"{cell['note']}; {note}" if cell.get("note") else note
