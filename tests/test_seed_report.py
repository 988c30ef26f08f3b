"""The rendered seed report (梅州市人社局 2022): every cell, the checks, the metadata."""
from __future__ import annotations

from conftest import SEED_PDF, load_gold


def test_every_cell_of_the_seed(seed_output):
    gold = load_gold(SEED_PDF)
    cells = seed_output["cells"]
    assert set(cells) == set(gold["cells"])
    wrong = {k: (v, cells[k]["value"], cells[k]["status"]) for k, v in gold["cells"].items() if cells[k]["value"] != v or cells[k]["status"] != "ok"}
    assert wrong == {}


def test_seed_metadata_and_format(seed_output):
    assert seed_output["report"] == {"agency": "梅州市人力资源和社会保障局", "year": 2022, "format": "mixed"}
    assert seed_output["source"]["kind"] == "pdf-text"
    assert seed_output["source"]["pages"] == 4
    assert all(t["found"] for t in seed_output["tables"].values())
    assert seed_output["tables"]["s3"]["pages"] == [2, 3]


def test_seed_identities_hold(seed_output):
    checks = {c["id"]: c for c in seed_output["checks"]}
    assert all(c["ok"] for c in checks.values())
    # 7 balance + 25 row totals + 7 outcome totals + 3 group totals
    assert len(checks) == 42
    balance = checks["s3.balance.natural"]
    assert (balance["expected"], balance["found"]) == (10, 10)
    assert balance["cells"] == ["s3.new.natural", "s3.carried_in.natural", "s3.total.natural", "s3.carried_out.natural"]
    outcomes = checks["s3.outcomes.total"]
    assert "s3.other.no_fee.total" in outcomes["cells"] and "s3.other.total" not in outcomes["cells"]


def test_unit_and_printed_labels(seed_output):
    amount = seed_output["cells"]["s2.procurement.amount"]
    assert (amount["value"], amount["unit"], amount["text"]) == (232.47, "万元", "232.47万元")
    assert seed_output["cells"]["s3.partial.natural"]["printed_label"] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert seed_output["cells"]["s2.other_mgmt_services.decisions"]["printed_label"] == "其他对外管理服务事项"
    assert seed_output["cells"]["s4.suit_direct.total"]["printed_label"] == "行政诉讼 / 未经复议直接起诉 / 总计"
    assert seed_output["cells"]["s3.rejected.duplicate.total"]["page"] == 3
