"""Optional table structure from Microsoft's Table Transformer (TATR), for tables printed without
ruling lines on scanned pages: the ``[hf]`` extra (transformers, torch, timm). Never the default.

The morphology in ``raster.find_rulings`` finds a table by its rules; a table printed with no
rules (or only a few) gives it nothing to build a grid from. TATR's structure model
(``microsoft/table-transformer-structure-recognition``, trained on PubTables-1M) detects the
rows and columns of a cropped table from its pixels alone. Its row and column boxes are turned
here into the same ``raster.TableGrid`` of rules that a ruled table gives, so everything after
(cells, recognition, labels, checks) is the same code.

Nothing is downloaded: the weights load with ``local_files_only`` from a path given by the
caller, the ``PIPELINE_TATR_DIR`` environment variable, or an existing Hugging Face cache entry,
and a missing library or missing weights is a one-line ``ModelUnavailable``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pipeline.read.ocr import ModelUnavailable
from pipeline.read.raster import TableGrid

MODEL_ID = "microsoft/table-transformer-structure-recognition"
ENV_DIR = "PIPELINE_TATR_DIR"
# TATR's own inference keeps rows and columns scored 0.5 or more (its structure_class_thresholds).
SCORE_THRESHOLD = 0.5
# TATR was trained on table crops with a margin around the table and resized so that the longer
# side is 1000 px (its MaxResize(1000)); the model sees the same here.
PAD_IN = 0.15
MAX_SIDE = 1000
# Two detections of one row (or column) overlap on most of their height; neighbours barely touch.
DUPLICATE_OVERLAP = 0.5
ROW_LABEL, COLUMN_LABEL = "table row", "table column"

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class StructureModel:
    """A loaded TATR structure model (eval mode) and its image processor."""

    model: Any  # transformers.TableTransformerForObjectDetection
    processor: Any  # its image processor (DETR normalisation and post-processing)
    source: Path


def _missing_message(what: str) -> str:
    return (f"{what}: pip install .[hf] for transformers and torch, and put a copy of {MODEL_ID} "
            f"in {ENV_DIR} (nothing is downloaded)")


def find_weights(source: str | Path | None = None) -> Path:
    """The folder to load from: ``source``, else $PIPELINE_TATR_DIR, else the Hugging Face cache
    entry of the model; ``ModelUnavailable`` if there is none (a cache lookup, never a download)."""
    if source is None:
        source = os.environ.get(ENV_DIR) or None
    if source is not None:
        path = Path(source).expanduser()
        if not (path / "config.json").is_file():
            raise ModelUnavailable(_missing_message(f"Table Transformer weights not found in {path} (no config.json)"))
        return path.resolve()
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(MODEL_ID, local_files_only=True)).resolve()
    except Exception:  # LocalEntryNotFoundError, or huggingface_hub missing: not in the cache
        raise ModelUnavailable(_missing_message(f"Table Transformer weights not found ({ENV_DIR} unset, "
                                                f"no {MODEL_ID} in the Hugging Face cache)")) from None


def load_structure_model(source: str | Path | None = None) -> StructureModel:
    """Load TATR's structure model and image processor offline, once per folder.

    From ``source``, else the folder in $PIPELINE_TATR_DIR, else the Hugging Face cache entry of
    ``microsoft/table-transformer-structure-recognition``. Raises ``ModelUnavailable`` (one line,
    saying what to install or where to put the weights) instead of ever downloading."""
    try:
        import torch  # noqa: F401
        from transformers import TableTransformerForObjectDetection  # noqa: F401
    except ImportError as e:
        # A missing package, or one transformers cannot use (torchvision built for another torch).
        what = (f"{e.name}, which is not installed" if e.name in ("torch", "transformers")
                else "a working transformers/torch install (TableTransformerForObjectDetection does not import)")
        raise ModelUnavailable(_missing_message(f"Table Transformer needs {what}")) from None
    return _load(find_weights(source))


@lru_cache(maxsize=None)
def _load(path: Path) -> StructureModel:
    from transformers import AutoImageProcessor, TableTransformerForObjectDetection
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # stderr is the one-line-per-report summary
    try:
        model = TableTransformerForObjectDetection.from_pretrained(path, local_files_only=True)
        processor = AutoImageProcessor.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError, ImportError) as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise ModelUnavailable(f"cannot load the Table Transformer from {path}: {first}") from None
    labels = set(model.config.id2label.values())
    if not {ROW_LABEL, COLUMN_LABEL} <= labels:
        raise ModelUnavailable(f"{path} is not a Table Transformer structure model "
                               f"(labels {sorted(labels)}, needs {ROW_LABEL!r} and {COLUMN_LABEL!r})")
    model.eval()
    return StructureModel(model, processor, path)


def table_grid(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float,
               model: StructureModel | None = None) -> TableGrid | None:
    """The rules of the unruled table inside ``box`` (x0, y0, x1, y1, page pixels of ``grey``, a
    2-D uint8 page) from TATR's row and column detections, or None if it finds fewer than two
    rows or two columns. The model sees the box with a margin (as in its training crops); the
    grid stays inside the box. ``model`` defaults to ``load_structure_model()``."""
    import torch
    from PIL import Image

    sm = model if model is not None else load_structure_model()
    h, w = grey.shape[:2]
    pad = int(round(PAD_IN * dpi))
    cx0, cy0 = max(0, int(box[0]) - pad), max(0, int(box[1]) - pad)
    cx1, cy1 = min(w, int(box[2]) + pad), min(h, int(box[3]) + pad)
    if cx1 - cx0 < 2 or cy1 - cy0 < 2:
        return None
    crop = Image.fromarray(np.ascontiguousarray(grey[cy0:cy1, cx0:cx1], dtype=np.uint8)).convert("RGB")
    scale = MAX_SIDE / max(crop.size)
    image = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.BILINEAR)
    inputs = sm.processor(images=image, do_resize=False, return_tensors="pt")
    with torch.inference_mode():
        outputs = sm.model(**inputs)
    # Boxes come relative to the input image: scale them straight to the crop's page pixels.
    found = sm.processor.post_process_object_detection(
        outputs, threshold=SCORE_THRESHOLD, target_sizes=[(crop.height, crop.width)])[0]
    id2label = sm.model.config.id2label
    rows: list[Box] = []
    columns: list[Box] = []
    for label, xyxy in zip(found["labels"].tolist(), found["boxes"].tolist()):
        name = id2label.get(int(label), id2label.get(str(label)))
        b = (xyxy[0] + cx0, xyxy[1] + cy0, xyxy[2] + cx0, xyxy[3] + cy0)
        if name == ROW_LABEL:
            rows.append(b)
        elif name == COLUMN_LABEL:
            columns.append(b)
    return grid_from_boxes(rows, columns, box)


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Spans sorted by centre; one overlapping its neighbour on more than half of the shorter of
    the two is a duplicate detection of it (TATR often reports a row twice): they become one,
    their union."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans, key=lambda s: (s[0] + s[1]) / 2):
        if b <= a:
            continue
        if out:
            pa, pb = out[-1]
            overlap = min(b, pb) - max(a, pa)
            if overlap > DUPLICATE_OVERLAP * min(b - a, pb - pa):
                out[-1] = (min(a, pa), max(b, pb))
                continue
        out.append((a, b))
    return out


def _cuts(spans: list[tuple[float, float]], lo: int, hi: int) -> list[int]:
    """The rule positions of a run of spans: its two ends and the middle of each gap (or
    overlap) between neighbours, kept strictly increasing inside [lo, hi]."""
    pos = [spans[0][0]] + [(p[1] + n[0]) / 2 for p, n in zip(spans, spans[1:])] + [spans[-1][1]]
    out: list[int] = []
    for p in pos:
        v = min(hi, max(lo, int(round(p))))
        if not out or v > out[-1]:
            out.append(v)
    return out


def grid_from_boxes(rows: Sequence[Box], columns: Sequence[Box],
                    box: tuple[int, int, int, int]) -> TableGrid | None:
    """Row and column boxes (page pixels) to a ``TableGrid`` inside ``box`` (x1, y1 exclusive).

    Horizontal rules (y, x0, x1) at the top of the first row, between adjacent rows and at the
    bottom of the last, spanning the columns from the first one's left to the last one's right;
    vertical rules (x, y0, y1) likewise between columns, spanning the rows. Duplicate
    detections are merged first. None if fewer than two rows or two columns remain: one row
    or one column is no grid to read cells from."""
    bx0, by0, bx1, by1 = (int(v) for v in box)
    row_spans = _merge([(b[1], b[3]) for b in rows])
    col_spans = _merge([(b[0], b[2]) for b in columns])
    if len(row_spans) < 2 or len(col_spans) < 2:
        return None
    ys = _cuts(row_spans, by0, by1 - 1)
    xs = _cuts(col_spans, bx0, bx1 - 1)
    if len(ys) < 3 or len(xs) < 3:
        return None
    top, bottom, left, right = ys[0], ys[-1], xs[0], xs[-1]
    return TableGrid(bbox=(left, top, right + 1, bottom + 1),
                     h=[(y, left, right) for y in ys],
                     v=[(x, top, bottom) for x in xs])
