"""Readers: each turns one kind of input into the shared page model (pipeline.document)."""
from __future__ import annotations

from pathlib import Path

from pipeline.document import Document
from pipeline.errors import InputError


def sniff_kind(path: Path) -> str:
    """What the file is, from its first bytes (extensions lie on government websites)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be opened ({exc.strerror})") from None
    if not head:
        raise InputError(f"{path}: empty file")
    if b"%PDF-" in head:
        return "pdf"
    raise InputError(f"{path}: not a supported report file (expected a PDF)")


def read_document(path: Path) -> Document:
    kind = sniff_kind(path)
    if kind == "pdf":
        from pipeline.read.pdf import read_pdf

        return read_pdf(path)
    raise AssertionError(kind)
