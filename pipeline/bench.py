"""Speed benchmark: seconds per page of ``extract`` against a reader-only baseline.

Every measurement runs in a fresh subprocess (``python -m pipeline.bench --child NAME
FILE``) so that peak memory (``ru_maxrss``) belongs to that measurement alone and no
cache survives from one to the next. In the child the work runs twice: the first,
*cold* call pays the one-time costs a single-file CLI call pays (lazy imports, font
maps, taxonomy); the second, *warm* call is what a long bulk run pays per file.
Measurements of the pipeline and of the baselines are interleaved and repeated, and
the median is kept, because the machine is noisy and shared; the warm CPU-time ratio
is printed too, as other load on the machine inflates wall time but hardly CPU time.

A baseline is a function ``(path) -> pages`` doing what any reader of that input
needs, registered in ``MEASURES``; the scan path will register an OCR one (images
through rapidocr) beside ``pdfplumber`` and pass its name in ``baselines``.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

Measure = Callable[[Path], int]  # does the work on one file, returns its page count


def measure_extract(path: Path) -> int:
    from pipeline.extract import extract_path

    return int(extract_path(path)["source"]["pages"])


def baseline_pdfplumber(path: Path) -> int:
    """pdfplumber alone: open, and per page the words and the ruling geometry."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.lines, page.rects, page.curves  # noqa: B018 — the properties do the parsing
        return len(pdf.pages)


_ENGINE: list = []  # rapidocr's engine, built on the first (cold) call of a process


def baseline_rapidocr(path: Path) -> int:
    """rapidocr alone: full-page detection + classification + recognition of every page image
    (PDF pages rendered at the scan's own resolution, as the scan reader renders them)."""
    from pipeline.read import sniff_kind
    from pipeline.read.ocr import full_page_engine
    from pipeline.read.scan import iter_image_pages, render_pdf_pages

    if not _ENGINE:
        _ENGINE.append(full_page_engine())
    if sniff_kind(path) == "pdf":
        images = [image for image, _ in render_pdf_pages(path, None, None)]
    else:
        images = [image for image, _, _ in iter_image_pages(path)]
    for image in images:
        _ENGINE[0](image)
    return len(images)


MEASURES: dict[str, Measure] = {
    "extract": measure_extract,
    "pdfplumber": baseline_pdfplumber,
    "rapidocr": baseline_rapidocr,
}
# imported before timing
_PRELOAD = {"extract": "pipeline.extract", "pdfplumber": "pdfplumber", "rapidocr": "pipeline.read.scan"}


# --------------------------------------------------------------------------- child process


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10  # bytes on macOS, KiB on Linux


def _child(name: str, path: Path) -> dict:
    if name in _PRELOAD:
        __import__(_PRELOAD[name])  # import time is not per-page work
    fn = MEASURES[name]
    wall, cpu = [], []
    for _ in range(2):
        start, start_cpu = time.perf_counter(), time.process_time()
        pages = fn(path)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {"pages": pages, "cold": wall[0], "warm": wall[1], "warm_cpu": cpu[1], "maxrss_mb": _maxrss_mb()}


def _run_child(name: str, path: Path) -> dict:
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "pipeline.bench", "--child", name, str(path)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        lines = (proc.stderr.strip() or f"exit {proc.returncode}").splitlines()
        return {"error": lines[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- parent


@dataclass
class Runs:
    """All repeats of one measure on one file."""

    pages: int = 0
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    warm_cpu: list[float] = field(default_factory=list)
    maxrss_mb: list[float] = field(default_factory=list)
    error: str | None = None

    def add(self, m: dict) -> None:
        if "error" in m:
            self.error = m["error"]
            return
        self.pages = m["pages"]
        self.cold.append(m["cold"])
        self.warm.append(m["warm"])
        self.warm_cpu.append(m["warm_cpu"])
        self.maxrss_mb.append(m["maxrss_mb"])


def _expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out += sorted(p.rglob("*.pdf")) if p.is_dir() else [p]
    return out


def bench(paths: list[Path], repeat: int = 5, baselines: tuple[str, ...] = ("pdfplumber",)
          ) -> dict[Path, dict[str, Runs]]:
    """Interleaved, repeated measurements: {file: {measure name: runs}}."""
    names = ("extract", *baselines)
    results = {p: {n: Runs() for n in names} for p in _expand(paths)}
    for r in range(repeat):
        for path, runs in results.items():
            # Alternate the order so that neither side always runs right after the other.
            for name in names if r % 2 == 0 else reversed(names):
                if runs[name].error is None:
                    runs[name].add(_run_child(name, path))
    return results


def _med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _fmt_ms(seconds: float, pages: int) -> str:
    return f"{1000 * seconds / pages:.1f}" if pages and seconds == seconds else "—"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b and a == a and b == b else "—"


def report(results: dict[Path, dict[str, Runs]], baselines: tuple[str, ...] = ("pdfplumber",)) -> str:
    """A small table: ms per page warm and cold, ratio to each baseline, peak memory."""
    head = ["file", "pages", "extract ms/p warm (cold)"]
    for b in baselines:
        head += [f"{b} ms/p warm (cold)", "ratio warm (cold)", "cpu ratio"]
    head += ["peak MB " + " / ".join(("extract", *baselines))]
    rows = [head]
    totals: dict[str, list[float]] = {n: [0.0, 0.0, 0.0] for n in ("extract", *baselines)}
    total_pages = 0
    for path, runs in results.items():
        err = next((f"{n}: {r.error}" for n, r in runs.items() if r.error), None)
        if err:
            rows.append([path.name, "—", f"ERROR {err}"[:80]])
            continue
        pages = runs["extract"].pages
        total_pages += pages
        med = {n: (_med(r.warm), _med(r.cold), _med(r.warm_cpu)) for n, r in runs.items()}
        for n, m in med.items():
            totals[n] = [t + x for t, x in zip(totals[n], m, strict=True)]
        rows.append(_row(path.name, pages, med, baselines,
                         " / ".join(f"{max(r.maxrss_mb):.0f}" for r in runs.values())))
    if len(results) > 1 and total_pages:
        rows.append(_row("ALL", total_pages, {n: tuple(t) for n, t in totals.items()}, baselines, ""))
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(len(head))]
    # strict=False: error rows are shorter than the header.
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in rows)


def _row(name: str, pages: int, med: Mapping[str, tuple[float, ...]], baselines: tuple[str, ...],
         mem: str) -> list[str]:
    """med: per measure, the median (warm wall, cold wall, warm CPU) seconds."""
    ew, ec, eu = med["extract"]
    row = [name, str(pages), f"{_fmt_ms(ew, pages)} ({_fmt_ms(ec, pages)})"]
    for b in baselines:
        bw, bc, bu = med[b]
        row += [f"{_fmt_ms(bw, pages)} ({_fmt_ms(bc, pages)})", f"{_ratio(ew, bw)} ({_ratio(ec, bc)})",
                _ratio(eu, bu)]
    return row + [mem]


def run_bench(paths: list[Path], repeat: int = 5, baselines: tuple[str, ...] = ("pdfplumber",)) -> None:
    """Benchmark the given PDFs (or folders of them) and print the table."""
    unknown = [b for b in baselines if b not in MEASURES]
    if unknown:
        raise ValueError(f"unknown baseline(s): {', '.join(unknown)}; known: {', '.join(MEASURES)}")
    results = bench(paths, repeat, baselines)
    print(f"median of {repeat} interleaved runs, each in a fresh process; warm = second call in the "
          f"process, cold = first; cpu ratio = warm process CPU time, steadier than wall time on a busy machine")
    print(report(results, baselines))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], Path(sys.argv[3]))))
    else:
        print("usage: python -m pipeline.bench --child MEASURE FILE (internal; use the CLI)", file=sys.stderr)
        sys.exit(2)
