"""The evaluation harness scores what it claims to: tests on outputs built from the gold."""
from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import sys
import types
from pathlib import Path

import pytest

from pipeline import evaluate as ev

ROOT = Path(__file__).resolve().parent.parent
SEED_GOLD = ROOT / "samples" / "digital" / "meizhou_hrss_2022.gold.json"
ALTERED = "s3.rejected.duplicate.natural"  # gold 1, printed label 2.重复申请


def load_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


def output_from_gold(gold: dict) -> dict:
    """A perfect extraction output for the gold, in the extract JSON contract."""
    cells = {}
    for i, (key, value) in enumerate(gold["cells"].items()):
        row = key.rsplit(".", 1)[0]
        cells[key] = {"value": value, "status": "ok", "printed_label": gold["row_labels"].get(row, ""),
                      "page": 3 + i // 100, "bbox": [0, 0, 1, 1], "confidence": 1.0, "text": str(value)}
        if key in gold.get("units", {}):
            cells[key]["unit"] = gold["units"][key]
    checks = [{"id": f"s3.balance.{col}", "ok": True, "expected": 0, "found": 0,
               "cells": [f"s3.new.{col}", f"s3.carried_in.{col}", f"s3.total.{col}", f"s3.carried_out.{col}"]}
              for col in ("natural", "business", "research", "ngo", "legal", "other_org", "total")]
    return {"schema_version": 1,
            "source": {"path": gold["document"], "sha256": "0" * 64, "kind": "pdf-text", "pages": 6},
            "report": dict(gold["report"]), "cells": cells,
            "unmapped_rows": [{"section": "s2", "printed_label": u, "page": 2, "values": []}
                              for u in gold.get("unmapped_rows", [])],
            "checks": checks, "warnings": [],
            "tables": {t: {"found": t in gold["tables"], "pages": [3]} for t in ("s2", "s3", "s4")}}


def altered(status: str = "ok", value: float = 2) -> dict:
    out = output_from_gold(load_gold())
    out["cells"][ALTERED].update(value=value, status=status)
    return out


def test_gold_against_itself_is_perfect() -> None:
    gold = load_gold()
    r = ev.score(output_from_gold(gold), gold, "digital/x.pdf")
    o = ev.aggregate([r])
    assert r.cells_right == r.cells_total == len(gold["cells"]) == 212
    assert o["cell_accuracy"] == 1.0 and o["doc_exact"] == 1.0 and o["tables_found"] == 1.0
    assert o["label_accuracy"] == 1.0 and o["agency_accuracy"] == o["year_accuracy"] == o["format_accuracy"] == 1.0
    assert o["silent_cells"] == o["silent_documents"] == 0
    assert o["spurious_cells"] == o["check_mismatches"] == o["unexpected_unmapped"] == 0
    assert o["seconds_per_page"] == 0.0
    assert r.wrong == []


def test_one_wrong_ok_cell_without_flag_is_one_silent_error() -> None:
    r = ev.score(altered("ok"), load_gold())
    assert r.cells_right == 211 and ev.doc_metrics(r)["cell_accuracy"] == 211 / 212
    assert r.silent_cells == 1 and ev.aggregate([r])["silent_documents"] == 1
    assert r.tables_exact == {"s2": True, "s3": False, "s4": True} and not r.doc_exact
    [w] = r.wrong
    assert (w.key, w.gold, w.value, w.status, w.printed_label, w.silent) == (ALTERED, 1, 2, "ok", "2.重复申请", True)


def test_wrong_uncertain_cell_is_not_silent() -> None:
    r = ev.score(altered("uncertain"), load_gold())
    assert r.cells_right == 211 and r.silent_cells == 0 and r.uncertain_correct == 0


def test_correct_uncertain_cell_counts_right_and_as_needless_flag() -> None:
    r = ev.score(altered("uncertain", value=1), load_gold())
    assert r.cells_right == 212 and r.uncertain_correct == 1 and r.silent_cells == 0
    assert ev.aggregate([r])["uncertain_correct_share"] == 1 / 212


def test_failing_check_on_the_cell_is_a_flag_unless_the_report_breaks_it() -> None:
    out = altered("ok")
    out["checks"].append({"id": "s3.outcomes.natural", "ok": False, "expected": 10, "found": 11,
                          "cells": ["s3.total.natural", ALTERED]})
    gold = load_gold()
    r = ev.score(out, gold)
    assert r.silent_cells == 0 and r.check_mismatches == 1
    gold["identities_broken"] = ["s3.outcomes.natural"]
    r = ev.score(out, gold)
    assert r.silent_cells == 1 and r.check_mismatches == 0


def test_units_and_missing_and_spurious_cells() -> None:
    gold = load_gold()
    out = output_from_gold(gold)
    out["cells"]["s2.procurement.amount"]["unit"] = "元"
    out["cells"]["s4.review.total"]["status"] = "missing"
    out["cells"]["s2.fees.fee_amount"] = {"value": 3.5, "status": "ok", "printed_label": "行政事业性收费"}
    r = ev.score(out, gold)
    assert r.cells_right == 210 and r.spurious_cells == 1
    assert {w.key: w.silent for w in r.wrong} == {"s2.procurement.amount": True, "s4.review.total": False,
                                                   "s2.fees.fee_amount": True}
    assert r.tables_exact == {"s2": False, "s3": True, "s4": False}


def test_labels_tables_and_metadata() -> None:
    gold = load_gold()
    gold["unmapped_rows"] = ["其他主动公开文件"]
    out = output_from_gold(gold)
    out["cells"]["s3.partial.total"]["printed_label"] = "（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）"
    out["cells"]["s3.granted.total"]["printed_label"] = "予以公开"
    out["unmapped_rows"].append({"section": "s3", "printed_label": "其他", "page": 4, "values": [1]})
    out["tables"]["s4"]["found"] = False
    out["report"].update(agency="梅州市 人力资源和社会保障局", year=2021)
    r = ev.score(out, gold)
    assert (r.labels_right, r.labels_total, r.unexpected_unmapped) == (33, 34, 1)
    assert r.tables_found_ok == 2 and not r.tables_exact["s4"]
    assert r.agency_ok and not r.year_ok and r.format_ok


# ----------------------------------------------------------------- run_eval end to end, fake pipeline


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    d = tmp_path / "samples" / "digital"
    d.mkdir(parents=True)
    shutil.copy(SEED_GOLD, d / SEED_GOLD.name)
    (d / "meizhou_hrss_2022.pdf").write_bytes(b"%PDF-1.7 stand-in")
    return tmp_path / "samples"


def fake_pipeline(monkeypatch: pytest.MonkeyPatch, output: dict) -> None:
    module = types.ModuleType("pipeline.extract")
    module.extract_path = lambda path: copy.deepcopy(output)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pipeline.extract", module)


def test_baseline_passes_equal_run_and_catches_regression(samples: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    base = tmp_path / "eval" / "baseline.json"
    fake_pipeline(monkeypatch, output_from_gold(load_gold()))
    assert ev.run_eval([samples], save=base) == 0
    saved = json.loads(base.read_text(encoding="utf-8"))
    assert saved["documents"]["digital/meizhou_hrss_2022.pdf"]["cell_accuracy"] == 1.0
    assert ev.run_eval([samples], baseline=base) == 0
    fake_pipeline(monkeypatch, altered("uncertain"))
    capsys.readouterr()
    assert ev.run_eval([samples], baseline=base) == 1
    printed = capsys.readouterr().out
    assert "REGRESSION: digital/meizhou_hrss_2022.pdf: cell_accuracy 1.0 -> " in printed
    assert "silent_cells" not in printed.split("REGRESSION", 1)[1]  # uncertain: not silent


def test_new_silent_error_is_a_regression(samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    base = tmp_path / "b.json"
    fake_pipeline(monkeypatch, altered("uncertain"))
    assert ev.run_eval([samples], save=base) == 0
    fake_pipeline(monkeypatch, altered("ok"))
    assert ev.run_eval([samples], baseline=base) == 1
    assert "silent_cells 0 -> 1" in capsys.readouterr().out


def test_report_lists_wrong_cell(samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pipeline(monkeypatch, altered("ok"))
    report = tmp_path / "report.md"
    assert ev.run_eval([samples / "digital" / "meizhou_hrss_2022.pdf"], report=report) == 0
    line = next(x for x in report.read_text(encoding="utf-8").splitlines() if ALTERED in x)
    page = output_from_gold(load_gold())["cells"][ALTERED]["page"]
    assert "2.重复申请" in line and f"| {page} |" in line and "| 1 | 2 | ok |" in line and "**yes**" in line


def test_extraction_error_scores_all_wrong_and_loud(samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(path: Path) -> dict:
        raise ValueError("cannot read\nsecond line")

    module = types.ModuleType("pipeline.extract")
    module.extract_path = boom  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pipeline.extract", module)
    [r] = ev.evaluate(ev.find_samples([samples]))
    assert r.error == "ValueError: cannot read" and r.cells_right == 0 and r.silent_cells == 0


def test_no_samples_is_exit_2(tmp_path: Path) -> None:
    assert ev.run_eval([tmp_path]) == 2


# ----------------------------------------------------------------- the real pipeline

SEED_PDF = SEED_GOLD.with_name("meizhou_hrss_2022.pdf")


@pytest.mark.skipif(importlib.util.find_spec("pipeline.extract") is None or not SEED_PDF.exists(),
                    reason="pipeline.extract or the seed PDF not there yet")
def test_real_pipeline_on_seed_sample() -> None:
    [r] = ev.evaluate(ev.find_samples([SEED_PDF]))
    assert r.error is None, r.error
    assert [(w.key, w.gold, w.value, w.status) for w in r.wrong] == []
    assert r.doc_exact and r.silent_cells == 0 and r.labels_right == r.labels_total
    assert r.agency_ok and r.year_ok and r.format_ok and r.pages > 0


# ----------------------------------------------------------------- benchmark


def test_bench_table_reports_medians_ratio_and_memory() -> None:
    from pipeline.bench import Runs, report

    runs = {"extract": Runs(4, cold=[0.8, 0.4, 0.5], warm=[0.2, 0.3, 0.1], warm_cpu=[0.3],
                            maxrss_mb=[90, 95, 91]),
            "pdfplumber": Runs(4, cold=[0.2], warm=[0.1, 0.2, 0.15], warm_cpu=[0.1], maxrss_mb=[40.2])}
    text = report({Path("x.pdf"): runs})
    assert "50.0 (125.0)" in text  # extract: median warm 0.2 s / 4 pages, cold 0.5 s / 4
    assert "37.5 (50.0)" in text and "1.33x (2.50x)" in text and "3.00x" in text and "95 / 40" in text


@pytest.mark.skipif(not SEED_PDF.exists(), reason="seed PDF not rendered yet")
def test_bench_child_measures_pdfplumber_in_its_own_process() -> None:
    from pipeline.bench import _run_child

    m = _run_child("pdfplumber", SEED_PDF)
    assert m["pages"] > 0 and m["warm"] > 0 and m["warm_cpu"] > 0 and m["maxrss_mb"] > 10
