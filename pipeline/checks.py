"""The tables' arithmetic identities (勾稽关系), evaluated on the extracted cells."""
from __future__ import annotations

import fnmatch
from typing import Any

from pipeline.taxonomy import Identity, load

TOLERANCE = 1e-6


def _bindings(identity: Identity, cells: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    tax = load()
    if identity.for_each == "s3.columns":
        return [{"col": c.id} for c in tax.s3_columns]
    if identity.for_each == "s3.rows":
        rows = {key.split(".", 1)[1].rsplit(".", 1)[0] for key in cells if key.startswith("s3.")}
        return [{"row": r.id} for r in tax.s3_rows if r.id in rows]
    if identity.for_each == "s4.groups":
        return [{"group": g.id} for g in tax.s4_groups]
    raise ValueError(f"unknown for_each {identity.for_each!r} in taxonomy identities")


def _expand(term: str, binding: dict[str, str], present: dict[str, Any]) -> list[str]:
    """Keys a term stands for; 'A|B' means A's keys where there are any, else B's."""
    for alternative in term.format(**binding).split("|"):
        if "*" not in alternative:
            keys = [alternative] if alternative in present else []
        else:
            keys = [k for k in present if fnmatch.fnmatchcase(k, alternative)]
        if keys:
            return keys
    return []


def run_checks(cells: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each identity instance whose cells were found: expected (left side), found (right side).

    An instance with a cell of its form missing is not evaluated: with the missing terms left
    out, 本年新收 = 结转下年度 could "hold" on two cells the other terms would contradict."""
    present = {k: None for k, c in cells.items() if c["status"] != "missing"}  # ordered, fast lookup
    results = []
    for identity in load().identities:
        for binding in _bindings(identity, cells):
            lhs = [k for term in identity.lhs for k in _expand(term, binding, present)]
            rhs = [k for term in identity.rhs for k in _expand(term, binding, present)]
            if not lhs or not rhs:
                continue
            involved = lhs + rhs
            terms = [k for term in identity.lhs + identity.rhs for k in _expand(term, binding, cells)]
            missing = [k for k in terms if k not in present]
            unreadable = [k for k in involved if cells[k]["value"] is None]
            check: dict[str, Any] = {"id": identity.id.format(**binding), "cells": involved}
            if missing:
                check.update(ok=None, expected=None, found=None, note=f"not evaluated: missing {', '.join(missing)}")
            elif unreadable:
                check.update(ok=None, expected=None, found=None, note=f"not evaluated: unreadable {', '.join(unreadable)}")
            else:
                expected = _total(cells[k]["value"] for k in lhs)
                found = _total(cells[k]["value"] for k in rhs)
                check.update(ok=abs(expected - found) <= TOLERANCE, expected=expected, found=found)
            results.append(check)
    return results


def _total(values) -> int | float:
    total = sum(values)
    return round(total, 6) if isinstance(total, float) else total
