"""Synthetic sample generator: random realistic reports rendered as digital PDFs with gold JSON.

    generate(out_dir, n, seed) -> [pdf paths]      (python -m pipeline.synth --out DIR --n N --seed S)
    render(gold_like, variant, out_pdf) -> {gold key: printed text}
    make_document(rng, name) -> (gold, variant)
"""
from .generate import generate, make_document
from .render_pdf import render

__all__ = ["generate", "make_document", "render"]
