"""Extraction of the three statistics tables of 政府信息公开工作年度报告."""
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
