"""Golden-file regression: the committed samples score at least as well as the stored baseline."""
from __future__ import annotations

from conftest import DIGITAL, ROOT

from pipeline.evaluate import run_eval


def test_no_regression_against_the_stored_baseline(capsys):
    code = run_eval([DIGITAL], baseline=ROOT / "eval" / "baseline_digital.json")
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "silent" in printed
