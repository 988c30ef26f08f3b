"""Identity-guided repair on the seed's real output with one cell misread as an OCR engine would."""
from __future__ import annotations

import copy

from pipeline.checks import run_checks
from pipeline.repair import pinpoint_with_identities, repair_with_identities


def misread(output: dict, key: str, text: str, value: int, alternatives: list[tuple[str, int]]) -> dict:
    cells = copy.deepcopy(output["cells"])
    cells[key].update(text=text, value=value, confidence=0.62)
    cells[key]["alternatives"] = [{"text": t, "value": v, "score": 0.3} for t, v in alternatives]
    return cells


def test_the_one_alternative_that_makes_every_identity_hold_is_taken(seed_output):
    cells = misread(seed_output, "s3.rejected.duplicate.natural", "7", 7, [("9", 9), ("1", 1)])
    checks = run_checks(cells)
    assert {c["id"] for c in checks if c["ok"] is False} == {"s3.row_total.rejected.duplicate", "s3.outcomes.natural"}
    warning = repair_with_identities(cells, checks)
    fixed = cells["s3.rejected.duplicate.natural"]
    assert (fixed["value"], fixed["status"]) == (1, "uncertain")
    assert fixed["note"] == "read as '1' instead of '7': the only alternative reading that makes every identity hold"
    assert warning.startswith("s3.rejected.duplicate.natural: read as '1' instead of '7'")
    assert all(c["ok"] for c in run_checks(cells))


def test_no_repair_when_two_readings_would_fix_it(seed_output):
    # 未经复议直接起诉 总计 3 misread as 8: reading it back as 3 fixes its identity, and so would
    # reading 其他结果 1 as 6 (2 + 0 + 6 + 0 = 8); table 四 has no second identity to tell which.
    cells = misread(seed_output, "s4.suit_direct.total", "8", 8, [("3", 3)])
    cells["s4.suit_direct.other"]["alternatives"] = [{"text": "6", "value": 6, "score": 0.2}]
    before = {k: c["value"] for k, c in cells.items()}
    warning = repair_with_identities(cells, run_checks(cells))
    assert {k: c["value"] for k, c in cells.items()} == before
    assert cells["s4.suit_direct.total"]["status"] == cells["s4.suit_direct.other"]["status"] == "uncertain"
    assert warning == "identities ['s4.total.suit_direct'] fail; 2 single-cell readings would fix them, none taken"


def test_no_failing_identity_no_change(seed_output):
    cells = copy.deepcopy(seed_output["cells"])
    assert repair_with_identities(cells, run_checks(cells)) is None
    assert cells == seed_output["cells"]


def test_a_blank_scan_cell_in_a_failing_identity_is_doubted(seed_output):
    # A number too faint for the ink reads as a blank (0) on a hard scan: a cell of the 合计 row
    # of a ruled table read 0, status ok, beside its failing identities.
    from pipeline.extract import _doubt_failing

    cells = copy.deepcopy(seed_output["cells"])
    assert cells["s3.total.natural"]["value"] > 0
    cells["s3.total.natural"].update(value=0, text="")
    checks = run_checks(cells)
    assert "s3.balance.natural" in {c["id"] for c in checks if c["ok"] is False}
    _doubt_failing(cells, checks, {"s3.total.natural": "blank on a scan", "s3.new.business": "blank on a scan"})
    assert cells["s3.total.natural"]["status"] == "uncertain"
    assert cells["s3.total.natural"]["note"].startswith("blank on a scan: identity s3.")
    assert cells["s3.new.business"]["status"] == "ok"  # its identities hold


def test_identities_crossing_in_one_scanned_cell_doubt_it_and_keep_its_reading(seed_output):
    # Under a seal a 0 read 6 at 0.9965 with no other reading: its row's 总计 and its column's
    # outcomes both fail by 6, and they cross in that one cell.
    key = "s3.rejected.duplicate.natural"
    true_value = seed_output["cells"][key]["value"]
    cells = misread(seed_output, key, str(true_value + 6), true_value + 6, [])
    checks = run_checks(cells)
    assert {c["id"] for c in checks if c["ok"] is False} == {"s3.row_total.rejected.duplicate", "s3.outcomes.natural"}
    assert pinpoint_with_identities(cells, checks, set()) is None  # read from a text layer: as printed
    assert cells[key]["status"] == "ok"
    warning = pinpoint_with_identities(cells, checks, set(cells))
    assert (cells[key]["value"], cells[key]["status"]) == (true_value + 6, "uncertain")
    assert cells[key]["note"] == (f"identities s3.outcomes.natural, s3.row_total.rejected.duplicate all hold "
                                  f"if it is {true_value}, not {true_value + 6}")
    assert warning.endswith("reading kept")
    assert sum(c["status"] == "uncertain" for c in cells.values()) == 1


def test_one_failing_identity_pinpoints_no_cell(seed_output):
    cells = misread(seed_output, "s4.suit_direct.total", "8", 8, [])
    before = copy.deepcopy(cells)
    assert pinpoint_with_identities(cells, run_checks(cells), set(cells)) is None
    assert cells == before


def test_a_doubtful_cell_in_an_identity_that_cannot_be_checked_says_so(seed_output):
    # A table without ruling whose 自然人 column was lost: its row's 总计 identity cannot be
    # evaluated, and the placed cells beside it are doubted for that, not for a failure.
    from pipeline.extract import _doubt_failing

    cells = copy.deepcopy(seed_output["cells"])
    cells["s3.new.natural"] = {"value": None, "status": "missing", "printed_label": "", "note": "not in the table"}
    checks = run_checks(cells)
    assert next(c for c in checks if c["id"] == "s3.row_total.new")["ok"] is None
    _doubt_failing(cells, checks, {"s3.new.business": "table without ruling"})
    assert cells["s3.new.business"]["note"] == "table without ruling: identity s3.row_total.new cannot be checked"
