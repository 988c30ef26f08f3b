"""Synthetic sample generator: determinism, identities, gold printed in the PDF, variant coverage."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.synth import generate, render
from pipeline.synth import taxo
from pipeline.synth.check import expected_keys, identities_ok, missing_rows, text_lines
from pipeline.synth.generate import COVERAGE, doc_rng, make_document
from pipeline.synth.reports import FORMS, identity_failures
from pipeline.synth.seed import seed_gold, seed_variant

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "digital"
N = 30
SEED = 11


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """N documents as generate() makes them: (gold, variant, printed, pdf)."""
    out = tmp_path_factory.mktemp("synth")
    docs = []
    for i in range(1, N + 1):
        gold, variant = make_document(doc_rng(SEED, i), f"t_{i:04d}.pdf", COVERAGE[(i - 1) % len(COVERAGE)])
        info: dict = {}
        printed = render(gold, variant, out / gold["document"], info)
        docs.append((gold, variant, printed, out / gold["document"], info))
    return docs


# ----------------------------------------------------------------------------- determinism
def test_same_seed_same_gold_and_pdf(tmp_path):
    a = generate(tmp_path / "a", 3, seed=5)
    b = generate(tmp_path / "b", 3, seed=5)
    for pa, pb in zip(a, b):
        ga = pa.with_name(pa.stem + ".gold.json").read_text(encoding="utf-8")
        gb = pb.with_name(pb.stem + ".gold.json").read_text(encoding="utf-8")
        assert ga == gb
        assert pa.read_bytes() == pb.read_bytes()


def test_other_seed_other_documents(tmp_path):
    g1, _ = make_document(doc_rng(1, 1), "x.pdf")
    g2, _ = make_document(doc_rng(2, 1), "x.pdf")
    assert g1["cells"] != g2["cells"] or g1["report"] != g2["report"]


def test_cli(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pipeline.synth", "--out", str(tmp_path), "--n", "2", "--seed", "3"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "gen_0001.gold.json", "gen_0001.pdf", "gen_0002.gold.json", "gen_0002.pdf"]


# ----------------------------------------------------------------------------- gold content
def test_gold_schema(batch):
    for gold, variant, printed, pdf, _ in batch:
        assert gold["schema_version"] == 1 and gold["document"] == pdf.name
        assert gold["report"]["format"] in ("2019", "2021", "mixed")
        assert 2019 <= gold["report"]["year"] <= 2025
        assert gold["tables"] == ["s2", "s3", "s4"]
        assert sorted(gold["cells"]) == sorted(expected_keys(gold))
        rows = {k.rsplit(".", 1)[0] for k in gold["cells"] if not k.startswith("s4.")}
        assert set(gold["row_labels"]) == rows
        assert all(isinstance(v, (int, float)) for v in gold["cells"].values())
        f = taxo.formats_of(gold["cells"])
        # a split （六） counts as 2021 from the 2021 reports on (2020 reports could split it already)
        s3_fmt = "2021" if f["s3_split"] and gold["report"]["year"] >= 2021 else "2019"
        assert gold["report"]["format"] == (f["s2"] if f["s2"] == s3_fmt else "mixed")
        unit_key = "s2.fees.fee_amount" if f["s2"] == "2021" else "s2.procurement.amount"
        assert gold["units"][unit_key] in ("万元", "元")


def test_identities_hold_unless_marked_broken(batch):
    n_broken = 0
    for gold, *_ in batch:
        assert identities_ok(gold), gold["document"]
        broken = gold.get("identities_broken", [])
        assert broken == identity_failures(gold["cells"])
        n_broken += bool(broken)
    assert 1 <= n_broken <= N // 3


def test_every_gold_value_is_printed(batch):
    for gold, variant, printed, pdf, _ in batch:
        assert set(printed) == set(gold["cells"])
        assert missing_rows(pdf, gold, printed) == [], gold["document"]
        for key, value in gold["cells"].items():
            if value != 0:
                assert printed[key].strip() not in ("", "0", "—", "-", "/", "无"), key


def test_every_word_is_printed_inside_its_page(tmp_path):
    """A table broken over pages with its header repeated fits each page: the repeated header's
    height was not counted, and the rows under it ran off the page bottom (seed 1131, report 4)."""
    import pdfplumber

    gold, variant = make_document(doc_rng(1131, 4), "t.pdf", COVERAGE[3])
    render(gold, variant, tmp_path / "t.pdf")
    with pdfplumber.open(tmp_path / "t.pdf") as pdf:
        for page in pdf.pages:
            assert all(0 <= c["top"] and c["bottom"] <= page.height for c in page.chars), page.page_number


def test_labels_and_title_are_printed(batch):
    for gold, variant, printed, pdf, _ in batch:
        flat = "".join(text_lines(pdf)).replace(" ", "")
        assert gold["report"]["agency"] in flat
        for label in gold["unmapped_rows"]:
            assert label.replace(" ", "") in flat or len(label) > 8
        short = [lab for lab in gold["row_labels"].values() if len(lab) <= 6]
        assert all(lab in flat for lab in short), gold["document"]


def test_seed_gold_renders_in_other_variants(batch, tmp_path):
    gold = seed_gold()
    for i, (_, variant, *_rest) in enumerate(batch[:4]):
        v = {k: val for k, val in variant.items() if k not in ("extra_rows", "title_lines", "prose")}
        printed = render(gold, v, tmp_path / f"seed_{i}.pdf")
        assert missing_rows(tmp_path / f"seed_{i}.pdf", gold, printed) == []
    printed = render(gold, seed_variant(), tmp_path / "seed.pdf")
    assert missing_rows(tmp_path / "seed.pdf", gold, printed) == []


# ----------------------------------------------------------------------------- variation
def _observed(batch) -> dict[str, set]:
    seen: dict[str, set] = {}

    def add(axis, value):
        seen.setdefault(axis, set()).add(value)

    for gold, v, printed, pdf, info in batch:
        st = v["label_style"]
        add("form", v["form"])
        add("format", gold["report"]["format"])
        add("font", v["font"])
        add("ruling", v["ruling"])
        add("rule_style", v["rule_style"])
        add("s2_layout", v["s2_layout"])
        add("s3_label_cols", v["s3_label_cols"])
        add("s3_result_vertical", v["s3_result_vertical"])
        add("s3_header", v["s3_header"])
        add("s4_layout", v["s4_layout"])
        add("heading_form", v["heading_form"])
        add("zero", v["values"]["zero"])
        add("fullwidth", v["values"]["fullwidth"])
        add("amount_unit", v["values"]["amount_unit"])
        add("unit", tuple(gold["units"].values())[0])
        add("sub_enum", st["sub_enum"])
        add("half_brackets", st["half_brackets"])
        add("straight_quotes", st["straight_quotes"])
        add("traditional", st["traditional"])
        add("typos", st["typos"] > 0)
        add("notes", st["notes"] > 0)
        add("title_lines", len(v["title_lines"]))
        add("chinese_year", "〇" in "".join(v["title_lines"]) or "二〇" in "".join(v["title_lines"]))
        add("table_size", v["table_size"] <= 10)
        add("table_size", v["table_size"] >= 11)
        add("unmapped", tuple(sorted({e["after"][:2] for e in v["extra_rows"]})))
        add("broken", bool(gold.get("identities_broken")))
        add("negative", any(val < 0 for val in gold["cells"].values()))
        add("thousands", any("," in p or "，" in p for p in printed.values()))
        add("decimal", any("." in p or "．" in p for p in printed.values()))
        if info["table_breaks"].get("s3"):
            add("s3_split_pages", v["s3_repeat_header"])
    return seen


def test_every_variant_axis_is_exercised(batch):
    seen = _observed(batch)
    expect = {
        "form": set(FORMS), "format": {"2019", "2021", "mixed"},
        "font": {"SimSun", "YaHei", "STSong"}, "ruling": {"full", "horizontal", "three_line", "none"},
        "rule_style": {"line", "rect"}, "s2_layout": {"one_table", "per_item"}, "s3_label_cols": {1, 2, 3},
        "s3_result_vertical": {True, False}, "s3_header": {"two_level", "flat"},
        "s4_layout": {"three_level", "two_level", "rows"}, "heading_form": {"dun", "paren", "dot"},
        "zero": {"0", "", "—", "-", "/", "无", "mixed"}, "fullwidth": {True, False},
        "amount_unit": {"cell", "header"}, "unit": {"万元", "元"},
        "sub_enum": {"dot", "dun", "paren_full", "paren_half", "none"},
        "half_brackets": {True, False}, "straight_quotes": {True, False}, "traditional": {True, False},
        "typos": {True, False}, "notes": {True, False}, "title_lines": {1, 2}, "chinese_year": {True, False},
        "table_size": {True}, "broken": {True, False}, "negative": {True, False},
        "thousands": {True, False}, "decimal": {True}, "s3_split_pages": {True, False},
    }
    for axis, values in expect.items():
        assert values <= seen.get(axis, set()), (axis, seen.get(axis))
    assert {("s2",), ("s3",)} <= seen["unmapped"] | {(x,) for t in seen["unmapped"] for x in t}


def test_traditional_documents_print_traditional_labels(batch):
    trad = [(g, v) for g, v, *_ in batch if v["label_style"]["traditional"]]
    assert trad
    for gold, v in trad:
        labels = "".join(gold["row_labels"].values())
        assert "開" in labels or "處" in labels or "計" in labels


# ----------------------------------------------------------------------------- committed samples
def _committed() -> list[Path]:
    return sorted(SAMPLES.glob("gen_*.gold.json"))


def test_committed_samples_are_current():
    """samples/digital/gen_* are `python -m pipeline.synth --out samples/digital --n K --seed 1`."""
    golds = _committed()
    assert len(golds) >= 12
    for i, path in enumerate(golds, start=1):
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert path.with_name(gold["document"]).exists()
        assert identities_ok(gold)
        regen, _ = make_document(doc_rng(1, i), gold["document"], COVERAGE[(i - 1) % len(COVERAGE)])
        regen_cells = {k: v for k, v in regen.items() if k != "synth"}
        assert {k: v for k, v in gold.items() if k != "synth"} == regen_cells, \
            f"{path.name} is stale: rerun python -m pipeline.synth --out samples/digital --n {len(golds)} --seed 1"


def test_committed_sample_values_are_in_their_pdfs():
    for i, path in enumerate(_committed(), start=1):
        gold = json.loads(path.read_text(encoding="utf-8"))
        _, variant = make_document(doc_rng(1, i), gold["document"], COVERAGE[(i - 1) % len(COVERAGE)])
        from pipeline.synth.tables import build_tables

        printed: dict = {}
        for built in build_tables(gold, variant, 400, 10).values():
            printed.update(built.printed)
        assert missing_rows(path.with_name(gold["document"]), gold, printed) == [], path.name


def test_seed_pdf_matches_its_gold():
    gold = seed_gold()
    pdf = SAMPLES / "meizhou_hrss_2022.pdf"
    printed: dict = {}
    from pipeline.synth.tables import build_tables

    for built in build_tables(gold, seed_variant(), 400, 10).values():
        printed.update(built.printed)
    assert missing_rows(pdf, gold, printed) == []
    assert "232.47万元" in "".join(text_lines(pdf))
