"""Bad input: one line on stderr, the documented exit code, no traceback, and a bulk run goes on."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from conftest import SEED_PDF


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    tmp_path = tmp_path_factory.mktemp("bad_pdfs")
    files = {}
    files["text"] = tmp_path / "notes.pdf"
    files["text"].write_text("这不是PDF文件\n", encoding="utf-8")
    files["truncated"] = tmp_path / "truncated.pdf"
    data = SEED_PDF.read_bytes()
    files["truncated"].write_bytes(data[: len(data) // 3])
    files["empty"] = tmp_path / "empty.pdf"
    files["empty"].write_bytes(b"")
    files["encrypted"] = tmp_path / "encrypted.pdf"
    pdf = canvas.Canvas(str(files["encrypted"]), encrypt="secret")
    pdf.drawString(100, 700, "locked")
    pdf.save()
    files["unrelated"] = tmp_path / "invoice.pdf"
    pdf = canvas.Canvas(str(files["unrelated"]))
    pdf.drawString(100, 700, "Invoice 2023-117: 3 items, total 42.00 EUR")
    pdf.save()
    return files


EXPECTED = {  # what follows the file name in the one-line error
    "text": ": not a supported report file (expected a PDF or a PNG, JPEG or TIFF image)",
    "truncated": ": corrupt or truncated PDF (Unexpected EOF)",
    "empty": ": empty file",
    "encrypted": ": encrypted PDF (a password is needed to read it)",
    "unrelated": ": not a 政府信息公开工作年度报告 (no section headings and no statistics tables found)",
    "blank": ": no text on any page (blank or not a document)",
    "no_table": ": not a 政府信息公开工作年度报告 (no section headings and no statistics tables found)",
    "corrupt": " is corrupt or truncated (image file is truncated)",
    "bomb": ": image over the 80 Mpx limit for a page scan (decompression bomb?)",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_one_line_error_and_exit_2(bad_files, bad_images, kind):
    path = {**bad_files, **bad_images}[kind]
    result = run_cli(str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {path}{EXPECTED[kind]}\n"


def test_missing_file():
    result = run_cli("no/such/report.pdf")
    assert (result.returncode, result.stderr) == (2, "error: no/such/report.pdf: no such file\n")


def test_bulk_run_goes_on_past_bad_files(bad_files, tmp_path):
    out = tmp_path / "out"
    result = run_cli(str(bad_files["truncated"]), str(SEED_PDF), str(bad_files["encrypted"]), "-o", str(out))
    assert result.returncode == 2  # the worst of the inputs
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and "Traceback" not in result.stderr
    written = json.loads((out / "meizhou_hrss_2022.json").read_text(encoding="utf-8"))
    assert written["cells"]["s3.total.total"]["value"] == 10
    assert sorted(p.name for p in out.iterdir()) == ["meizhou_hrss_2022.json"]


def test_json_lines_on_stdout_for_several_files():
    result = run_cli(str(SEED_PDF), str(SEED_PDF), "-q")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(json.loads(line)["report"]["year"] == 2022 for line in lines)


def test_csv_long_format(tmp_path):
    target = tmp_path / "seed.csv"
    result = run_cli(str(SEED_PDF), "--format", "csv", "-o", str(target), "-q")
    assert result.returncode == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "source,agency,year,format,section,row_id,column_id,canonical_row_label,printed_row_label,value,unit,status,note,page"
    assert len(lines) == 1 + 212
    assert any(line.endswith(",s2,procurement,amount,政府集中采购,政府集中采购,232.47,万元,ok,,2") for line in lines)


@pytest.fixture(scope="module")
def bad_images(tmp_path_factory) -> dict[str, Path]:
    tmp_path = tmp_path_factory.mktemp("bad_images")
    import numpy as np
    from PIL import Image, ImageDraw

    files = {name: tmp_path / f"{name}.png" for name in ("blank", "no_table", "corrupt", "bomb")}
    Image.new("RGB", (1240, 1754), "white").save(files["blank"])
    page = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(page).text((100, 300), "Holiday photo, summer 2023", fill="black", font_size=48)
    page.save(files["no_table"])
    files["corrupt"].write_bytes(files["no_table"].read_bytes()[:200])
    Image.fromarray(np.zeros((1, 1), np.uint8)).resize((30000, 30000)).convert("1").save(files["bomb"])
    return files


def test_report_without_section_four(tmp_path):
    """The seed rendered without its table 四: warning, 四's cells missing, the rest extracted, exit 1."""
    from pipeline.synth import render
    from pipeline.synth.seed import seed_variant

    gold = json.loads(SEED_PDF.with_name("meizhou_hrss_2022.gold.json").read_text(encoding="utf-8"))
    gold["cells"] = {k: v for k, v in gold["cells"].items() if not k.startswith("s4.")}
    gold["tables"] = ["s2", "s3"]
    pdf = tmp_path / "no_s4.pdf"
    render(gold, seed_variant(), pdf)
    result = run_cli(str(pdf), "-q")
    assert result.returncode == 1 and result.stderr == ""
    output = json.loads(result.stdout)
    assert output["warnings"] == ["s4: table 四、行政复议、行政诉讼情况 not found"]
    assert output["tables"]["s4"] == {"found": False, "pages": []}
    missing = {k: c for k, c in output["cells"].items() if c["status"] == "missing"}
    assert sorted(missing) == sorted(f"s4.{g}.{c}" for g in ("review", "suit_direct", "suit_after_review") for c in ("upheld", "corrected", "other", "pending", "total"))
    assert all(c["note"] == "table not found" and c["value"] is None for c in missing.values())
    assert {k: c["value"] for k, c in output["cells"].items() if c["status"] == "ok"} == gold["cells"]


def test_worker_processes_give_the_same_lines_in_input_order(bad_files):
    files = [str(SEED_PDF), str(bad_files["truncated"]), str(SEED_PDF.with_name("gen_0003.pdf"))]
    serial = run_cli(*files, "-q")
    parallel = run_cli(*files, "-q", "-j", "2")
    assert parallel.returncode == serial.returncode == 2
    assert parallel.stdout == serial.stdout and len(parallel.stdout.splitlines()) == 2
    assert parallel.stderr == serial.stderr == f"error: {bad_files['truncated']}: corrupt or truncated PDF (Unexpected EOF)\n"
