"""The optional Table Transformer structure model (``pip install .[hf]``): offline loading, the
rows/columns -> rules conversion, and, where the pretrained weights are present, a real table
printed without rules."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.read import tatr
from pipeline.read.ocr import ModelUnavailable
from pipeline.read.raster import TableGrid



def needs_hf() -> None:
    """Skip a test of the model itself where the [hf] extra is not installed (as in CI); the
    conversion of its output to a grid is tested everywhere."""
    pytest.importorskip("torch", reason="the [hf] extra is not installed (torch): pip install .[hf]")
    pytest.importorskip("transformers", reason="the [hf] extra is not installed (transformers): pip install .[hf]")


ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "samples" / "digital" / "gen_0015.pdf"
DPI = 150.0
# Table 四 on page 4 of gen_0015, printed without any rule: 15 columns under a three-level
# header, one row of "/" (page pixels at 150 DPI).
TABLE_BOX = (140, 295, 1050, 480)
LABELS = {0: "table", 1: "table column", 2: "table row", 3: "table column header",
          4: "table projected row header", 5: "table spanning cell"}


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(str(PDF))
    try:
        bitmap = doc[3].render(scale=DPI / 72, grayscale=True)
        grey = np.array(bitmap.to_numpy(), dtype=np.uint8)
    finally:
        doc.close()
    return grey[..., 0] if grey.ndim == 3 else grey


def assert_well_formed(grid: TableGrid, box: tuple[int, int, int, int]) -> None:
    x0, y0, x1, y1 = grid.bbox
    assert box[0] <= x0 < x1 <= box[2] and box[1] <= y0 < y1 <= box[3]
    ys = [y for y, _a, _b in grid.h]
    xs = [x for x, _a, _b in grid.v]
    assert len(ys) >= 3 and len(xs) >= 3
    assert ys == sorted(set(ys)) and xs == sorted(set(xs))
    assert ys[0] == y0 and ys[-1] == y1 - 1 and xs[0] == x0 and xs[-1] == x1 - 1
    assert all(a == x0 and b == x1 - 1 for _y, a, b in grid.h)
    assert all(a == y0 and b == y1 - 1 for _x, a, b in grid.v)


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A randomly initialised Table Transformer of a few thousand weights, saved as a model
    folder like the real one (config, safetensors, image-processor config): the loading and
    inference code runs for real without the downloaded weights."""
    needs_hf()
    import torch
    from transformers import (DetrImageProcessor, ResNetConfig, TableTransformerConfig,
                              TableTransformerForObjectDetection)

    torch.manual_seed(0)
    backbone = ResNetConfig(embedding_size=8, hidden_sizes=[8, 8, 16, 16], depths=[1, 1, 1, 1],
                            out_features=["stage4"])
    config = TableTransformerConfig(
        use_timm_backbone=False, use_pretrained_backbone=False, backbone_config=backbone,
        d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
        encoder_ffn_dim=32, decoder_ffn_dim=32, num_queries=12,
        id2label=LABELS, label2id={v: k for k, v in LABELS.items()})
    path = tmp_path_factory.mktemp("tatr_tiny")
    TableTransformerForObjectDetection(config).save_pretrained(path)
    DetrImageProcessor().save_pretrained(path)
    return path


def test_tiny_model_loads_offline_and_runs_on_a_rendered_page(tiny_model_dir, page, monkeypatch) -> None:
    model = tatr.load_structure_model(tiny_model_dir)
    assert model is tatr.load_structure_model(str(tiny_model_dir))  # cached per folder
    monkeypatch.setenv(tatr.ENV_DIR, str(tiny_model_dir))
    assert tatr.load_structure_model() is model  # $PIPELINE_TATR_DIR names the same folder

    seen: list[int] = []
    post = model.processor.post_process_object_detection

    def spy(*args, **kwargs):
        result = post(*args, **kwargs)
        seen.append(len(result[0]["boxes"]))
        return result

    monkeypatch.setattr(model.processor, "post_process_object_detection", spy)
    grid = tatr.table_grid(page, TABLE_BOX, DPI, model)
    assert seen, "the model was not run"
    if grid is not None:
        assert_well_formed(grid, TABLE_BOX)
    # Every query kept: the conversion sees the model's real output, whatever it makes of it.
    monkeypatch.setattr(tatr, "SCORE_THRESHOLD", 0.0)
    grid = tatr.table_grid(page, TABLE_BOX, DPI, model)
    assert seen[-1] == 12
    if grid is not None:
        assert_well_formed(grid, TABLE_BOX)


def test_grid_from_boxes_rules_between_rows_and_columns() -> None:
    rows = [(100, 50, 500, 70), (101, 51, 499, 69),  # one row detected twice
            (100, 72, 500, 90), (100, 92, 500, 120)]
    columns = [(95, 50, 200, 120), (204, 50, 300, 120), (300, 50, 400, 120), (402, 50, 520, 120)]
    box = (98, 40, 511, 130)  # the first and last columns overshoot it
    grid = tatr.grid_from_boxes(rows, columns, box)
    assert grid == TableGrid(
        bbox=(98, 50, 511, 121),
        h=[(50, 98, 510), (71, 98, 510), (91, 98, 510), (120, 98, 510)],
        v=[(98, 50, 120), (202, 50, 120), (300, 50, 120), (401, 50, 120), (510, 50, 120)],
    )
    assert_well_formed(grid, box)


def test_grid_from_boxes_needs_two_rows_and_two_columns() -> None:
    columns = [(100, 50, 200, 120), (200, 50, 300, 120)]
    assert tatr.grid_from_boxes([(100, 50, 300, 120)], columns, (0, 0, 400, 200)) is None
    assert tatr.grid_from_boxes([(100, 50, 300, 80), (100, 50, 300, 81)], columns, (0, 0, 400, 200)) is None
    assert tatr.grid_from_boxes([(100, 50, 300, 80), (100, 80, 300, 120)], columns[:1], (0, 0, 400, 200)) is None


def test_missing_weights_is_one_line_saying_what_to_do() -> None:
    needs_hf()
    with pytest.raises(ModelUnavailable) as e:
        tatr.load_structure_model("/nonexistent")
    assert str(e.value) == (
        "Table Transformer weights not found in /nonexistent (no config.json): pip install .[hf] for "
        "transformers and torch, and put a copy of microsoft/table-transformer-structure-recognition in "
        "PIPELINE_TATR_DIR (nothing is downloaded)")


def test_pretrained_model_finds_the_columns_of_an_unruled_table(page) -> None:
    needs_hf()
    try:
        tatr.find_weights()
    except ModelUnavailable:
        pytest.skip("Table Transformer weights not present (set PIPELINE_TATR_DIR)")
    grid = tatr.table_grid(page, TABLE_BOX, DPI, tatr.load_structure_model())
    assert grid is not None
    assert_well_formed(grid, TABLE_BOX)
    assert len(grid.v) - 1 >= 8, grid.v  # 15 columns printed
