"""One report in, the output contract out: read → locate → map labels → parse values → check."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from pipeline.checks import run_checks
from pipeline.errors import InputError
from pipeline.labels import MappedCell, SectionResult, map_s2, map_s3, map_s4
from pipeline.locate import TABLE_SECTIONS, find_headings, locate_tables
from pipeline.meta import find_agency_year
from pipeline.read import ReadOptions, read_document
from pipeline.taxonomy import load
from pipeline.repair import doubt as _doubt, pinpoint_with_identities, repair_with_identities
from pipeline.values import parse_value

SCHEMA_VERSION = 1
LOW_CONFIDENCE = 0.9  # OCR words scored below this make their cell uncertain
SECTION_NAMES = {"s2": "二、主动公开政府信息情况", "s3": "三、收到和处理政府信息公开申请情况", "s4": "四、行政复议、行政诉讼情况"}


def extract_path(path: Path, options: ReadOptions = ReadOptions(), debug_dir: Path | None = None) -> dict[str, Any]:
    """The output contract for one report; with debug_dir, a picture per table page there too."""
    document = read_document(Path(path), options)
    headings = find_headings(document.pages)
    fragments = locate_tables(document.pages, headings)
    if not any(fragments.values()) and not any(s in headings for s in TABLE_SECTIONS):
        if not any(page.words for page in document.pages):
            raise InputError(f"{path}: no text layer (a scanned PDF?) and no tables found")
        raise InputError(f"{path}: not a 政府信息公开工作年度报告 (no section headings and no statistics tables found)")
    mappers = {"s2": map_s2, "s3": map_s3, "s4": map_s4}
    results: dict[str, SectionResult] = {s: mappers[s](fragments[s]) for s in TABLE_SECTIONS if fragments[s]}
    warnings = list(document.warnings)
    cells: dict[str, dict[str, Any]] = {}
    unmapped: list[dict] = []
    # Cells whose reading an identity that does not hold calls into doubt, and why.
    doubtful: dict[str, str] = {}
    from_pixels = {page.number for page in document.pages if page.unit == "px"}
    tables: dict[str, dict[str, Any]] = {}
    agency, year = find_agency_year(document.pages)
    for section in TABLE_SECTIONS:
        result = results.get(section) or _absent(section, year)
        found = bool(result and any(m.cell is not None for m in result.cells))
        tables[section] = {"found": found, "pages": sorted({f.page for f in fragments[section]})}
        if not found:
            warnings.append(f"{section}: table {SECTION_NAMES[section]} not found")
        warnings.extend(result.warnings)
        unmapped.extend(result.unmapped)
        from_text = {id(c) for f in fragments[section] if f.inferred for c in f.cells}
        for mapped in result.cells:
            cells[mapped.key] = _cell_output(mapped)
            if mapped.cell is None:
                continue
            if id(mapped.cell) in from_text:
                # A row shifted by one line can keep every number readable and yet be wrong.
                doubtful[mapped.key] = "table without ruling"
            elif not mapped.cell.text.strip() and mapped.cell.page in from_pixels:
                # A number too faint for the ink, or under a seal, reads as a blank: zero.
                doubtful[mapped.key] = "blank on a scan"
    if agency is None:
        warnings.append("agency not found in the title")
    if year is None:
        warnings.append("report year not found")
    checks = run_checks(cells)
    _doubt_failing(cells, checks, doubtful)
    repair = repair_with_identities(cells, checks)
    if repair is not None:
        checks = run_checks(cells)
        warnings.append(repair)
    else:
        read_from_pixels = {k for k, c in cells.items() if c.get("page") in from_pixels}
        pinpointed = pinpoint_with_identities(cells, checks, read_from_pixels)
        if pinpointed is not None:
            warnings.append(pinpointed)
    output = {
        "schema_version": SCHEMA_VERSION,
        "source": {"path": str(path), "sha256": document.sha256, "kind": document.kind, "pages": len(document.pages)},
        "report": {"agency": agency, "year": year, "format": _report_format(results, year)},
        "tables": tables,
        "cells": cells,
        "unmapped_rows": unmapped,
        "checks": checks,
        "warnings": warnings,
    }
    if debug_dir is not None:
        from pipeline.debug import write_debug_images

        write_debug_images(document, output, debug_dir)
    return output


def _doubt_failing(cells: dict[str, dict[str, Any]], checks: list[dict[str, Any]], doubtful: dict[str, str]) -> None:
    """A doubtful cell (key -> why: placed by word positions in a table without ruling, a blank
    read from pixels) is ok only where its identities hold (not where one cannot be checked, a
    cell of it missing)."""
    for check in checks:
        if check["ok"] is True:
            continue
        for key in check["cells"]:
            if key in doubtful and cells[key]["status"] == "ok":
                outcome = "does not hold" if check["ok"] is False else "cannot be checked"
                _doubt(cells[key], f"{doubtful[key]}: identity {check['id']} {outcome}")


def _absent(section: str, year: int | None) -> SectionResult:
    """A table not found: the cells its form has, all missing (table 二's form depends on a
    format only the table itself tells, so it has none)."""
    tax = load()
    result = SectionResult()
    if section == "s3":
        fmt = "2019" if year is not None and year <= 2020 else "2021"
        result.cells = [MappedCell(f"s3.{row}.{col.id}", None, "", notes=["table not found"]) for row in tax.s3_row_ids(fmt) for col in tax.s3_columns]
    elif section == "s4":
        result.cells = [MappedCell(f"s4.{g.id}.{c.id}", None, "", notes=["table not found"]) for g in tax.s4_groups for c in tax.s4_columns]
    return result


_GROUPED_BY_POINTS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_DASH_BEFORE_NUMBER = re.compile(r"^[—–一]\s*(\d+(?:\.\d+)?)$")


def _cell_output(mapped: MappedCell) -> dict[str, Any]:
    cell = mapped.cell
    if cell is None:
        return {"value": None, "status": "missing", "printed_label": mapped.printed_label, "note": "; ".join(mapped.notes) or "not in the table"}
    parsed = parse_value(cell.text)
    notes = list(mapped.notes)
    if cell.inferred:
        # Without rules a blank cell can slip into its neighbour's place, and a wrapped label into
        # the wrong row, in ways the identities do not always reveal.
        notes.append("table without ruling: cell placed from word positions")
    if cell.spills:
        notes.append("its text runs into the next cell (a rule lost, or two cells read as one)")
    alternatives = _alternatives(cell)
    dashed = (parsed.problem and mapped.kind == "signed"
              and _DASH_BEFORE_NUMBER.match(unicodedata.normalize("NFKC", cell.text).strip()))
    if dashed:
        # A full-width minus (－２) is read as a dash, often apart from its digit: the sign of
        # a change column, taken and flagged with the reading.
        parsed = parse_value("-" + dashed.group(1))
        notes.append(f"read {cell.text!r}: the dash before the number taken for a minus sign")
    elif parsed.problem:
        notes.append(parsed.problem)
        if alternatives:
            # The recogniser's own next reading that is a number (a 0 under a seal read as o).
            best = alternatives[0]
            parsed = parse_value(best["text"])
            notes.append(f"read as {best['text']!r}, the recogniser's best numeric alternative")
    value = parsed.value
    printed = unicodedata.normalize("NFKC", cell.text).strip() if isinstance(value, float) else ""
    if mapped.kind == "count" and _GROUPED_BY_POINTS.match(printed):
        # 27,172 read as 27.172: a count has no fraction, and three digits after each point are
        # thousands. Taken, and flagged with the reading.
        value = int(printed.replace(".", ""))
        notes.append(f"read {printed!r}: a count, its points taken for thousands separators")
    if value is not None:
        if mapped.kind == "count" and (value < 0 or isinstance(value, float)):
            notes.append(f"a count cannot be {value}")
        if cell.confidence < LOW_CONFIDENCE:
            notes.append(f"low recognition confidence {cell.confidence:.2f}")
    output: dict[str, Any] = {
        "value": value,
        "status": "uncertain" if notes else "ok",
        "printed_label": mapped.printed_label,
        "text": cell.text,
        "page": cell.page,
        "bbox": [round(v, 2) for v in cell.bbox],
        "confidence": round(cell.confidence, 4),
    }
    unit = parsed.unit or mapped.unit
    if unit:
        output["unit"] = unit
    if notes:
        output["note"] = "; ".join(notes)
    if alternatives:
        output["alternatives"] = alternatives
    return output


def _alternatives(cell) -> list[dict[str, Any]]:
    """Other readings of a one-word OCR cell that are numbers, most likely first."""
    if len(cell.words) != 1:
        return []
    found = []
    for text, score in cell.words[0].alternatives:
        parsed = parse_value(text)
        if parsed.value is not None and parsed.problem is None and text.strip():
            found.append({"text": text, "value": parsed.value, "score": score})
    return found


def _report_format(results: dict[str, SectionResult], year: int | None) -> str | None:
    s2 = results["s2"].format if "s2" in results else None
    s3 = results["s3"].format if "s3" in results else None
    # The 2019 form let 2020 reports split （六）其他处理 already: that alone is not the 2021 form.
    if s3 == "2021" and year is not None and year <= 2020:
        s3 = "2019"
    if s2 and s3:
        return s2 if s2 == s3 else "mixed"
    return s2 or s3
