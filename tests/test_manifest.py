"""Every model the scan reader loads is listed in models/manifest.json, ships in an installed
wheel with the recorded sha256, and loads with networking made to fail."""
from __future__ import annotations

import importlib.metadata
import socket

import numpy as np
import pytest

from pipeline.read import ocr


def test_manifest_lists_every_model_the_reader_loads() -> None:
    assert set(ocr.manifest()) == {"ocr-det", "ocr-rec", "ocr-cls", "layout", "orientation"}
    for entry in ocr.manifest().values():
        assert {"package", "version", "file", "sha256", "purpose"} <= set(entry)


@pytest.mark.parametrize("model_id", ["ocr-det", "ocr-rec", "ocr-cls", "layout", "orientation"])
def test_installed_file_matches_manifest(model_id: str) -> None:
    entry = ocr.manifest()[model_id]
    path = ocr.model_path(model_id)
    assert path.is_file()
    assert ocr.sha256_file(path) == entry["sha256"]
    dist = entry["package"].replace("_", "-")
    assert importlib.metadata.version(dist) == entry["version"], f"pin {dist}=={entry['version']}"


def test_a_different_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = dict(ocr.manifest()["ocr-cls"], sha256="0" * 64)
    monkeypatch.setattr(ocr, "manifest", lambda: {"ocr-cls": entry})
    ocr.model_path.cache_clear()
    try:
        with pytest.raises(ocr.ModelUnavailable, match="sha256"):
            ocr.model_path("ocr-cls")
    finally:
        ocr.model_path.cache_clear()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Any connection attempt, and rapidocr's own downloader, fails the test."""

    def refuse(*_a, **_k):
        raise AssertionError("a model loader tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    from rapidocr.utils.download_file import DownloadFile

    monkeypatch.setattr(DownloadFile, "run", classmethod(refuse))
    for cached in (ocr.get_recognizer, ocr.full_page_engine, ocr.orientation_session, ocr.layout_engine, ocr.model_path):
        cached.cache_clear()
    yield
    for cached in (ocr.get_recognizer, ocr.full_page_engine, ocr.orientation_session, ocr.layout_engine, ocr.model_path):
        cached.cache_clear()


def _text_image(text: str = "0 123") -> np.ndarray:
    import cv2

    img = np.full((64, 320, 3), 255, np.uint8)
    cv2.putText(img, text, (10, 46), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (0, 0, 0), 3)
    return img


def test_models_load_and_run_offline(no_network) -> None:
    img = _text_image()
    reading = ocr.get_recognizer("rapid").recognize([img])[0]
    assert reading.text.replace(" ", "") == "0123"
    full = ocr.full_page_engine()(img)  # rapidocr's det + cls + rec from the pinned files
    assert "123" in "".join(full.txts)
    angle, prob = ocr.classify_orientation(np.full((400, 300, 3), 255, np.uint8))
    assert angle in (0, 90, 180, 270) and 0 <= prob <= 1
    layout = ocr.layout_engine()(np.full((600, 400, 3), 255, np.uint8))
    assert layout is not None


def test_paddle_engine_is_optional() -> None:
    try:
        import paddleocr  # noqa: F401
    except ImportError:
        with pytest.raises(ocr.ModelUnavailable, match="paddleocr"):
            ocr.PaddleRecognizer()
        pytest.skip("paddleocr not installed (optional extra [paddle]): only its clear refusal is tested")
    rec = ocr.PaddleRecognizer()
    assert rec.recognize([_text_image()])[0].text.replace(" ", "") == "0123"
