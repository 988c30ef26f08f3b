"""Output writers: the JSON contract, and the long CSV (one row per cell)."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from pipeline.taxonomy import load

CSV_COLUMNS = [
    "source", "agency", "year", "format", "section", "row_id", "column_id", "canonical_row_label",
    "printed_row_label", "value", "unit", "status", "note", "page",
]


def to_json(output: dict[str, Any], indent: int | None = 1) -> str:
    return json.dumps(output, ensure_ascii=False, indent=indent)


def _canonical_row_labels() -> dict[str, str]:
    tax = load()
    labels = {f"s2.{k}": v.label for k, v in tax.s2_rows.items()}
    labels.update({f"s3.{r.id}": r.label for r in tax.s3_rows})
    labels.update({f"s4.{g.id}": g.label for g in tax.s4_groups})
    return labels


def csv_rows(output: dict[str, Any]) -> list[dict[str, Any]]:
    canonical = _canonical_row_labels()
    report = output["report"]
    rows = []
    for key, cell in output["cells"].items():
        section, rest = key.split(".", 1)
        row_id, column_id = rest.rsplit(".", 1)
        rows.append({
            "source": output["source"]["path"], "agency": report["agency"], "year": report["year"],
            "format": report["format"], "section": section, "row_id": row_id, "column_id": column_id,
            "canonical_row_label": canonical.get(f"{section}.{row_id}", ""), "printed_row_label": cell.get("printed_label", ""),
            "value": cell["value"], "unit": cell.get("unit", ""), "status": cell["status"], "note": cell.get("note", ""),
            "page": cell.get("page", ""),
        })
    for row in output["unmapped_rows"]:
        for column_id, text in row["values"].items():
            rows.append({
                "source": output["source"]["path"], "agency": report["agency"], "year": report["year"],
                "format": report["format"], "section": row["section"], "row_id": "", "column_id": column_id,
                "canonical_row_label": "", "printed_row_label": row["printed_label"], "value": text, "unit": "",
                "status": "unmapped", "note": "row not in the taxonomy", "page": row["page"],
            })
    return rows


def to_csv(outputs: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for output in outputs:
        writer.writerows(csv_rows(output))
    return buffer.getvalue()
