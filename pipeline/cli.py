"""The `extract` command: `extract REPORT...`, plus `extract eval`, `extract bench`, `extract synth`."""
from __future__ import annotations

import functools
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from pipeline.errors import InputError
from pipeline.read import ReadOptions

EXIT_OK, EXIT_INCOMPLETE, EXIT_UNREADABLE = 0, 1, 2


class _DefaultCommand(TyperGroup):
    """`extract FILE...` means `extract run FILE...`: the one-file case needs no sub-command."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultCommand,
    add_completion=False,
    no_args_is_help=True,
    help="Extract the three statistics tables of 政府信息公开工作年度报告 as checked data.",
)


class OcrEngine(str, Enum):
    rapid = "rapid"
    paddle = "paddle"


class Structure(str, Enum):
    rules = "rules"
    tatr = "tatr"


class OutputFormat(str, Enum):
    json = "json"
    csv = "csv"


def exit_code(output: dict[str, Any]) -> int:
    """0: all three tables found and every cell mapped; 1: something missing or unmapped."""
    complete = all(t["found"] for t in output["tables"].values())
    missing = any(c["status"] == "missing" for c in output["cells"].values())
    return EXIT_OK if complete and not missing and not output["unmapped_rows"] else EXIT_INCOMPLETE


def summary(path: Path, output: dict[str, Any]) -> str:
    statuses = [c["status"] for c in output["cells"].values()]
    checks = output["checks"]
    failed = [c["id"] for c in checks if c["ok"] is False]
    line = (
        f"{path}: {output['report']['agency'] or '?'} {output['report']['year'] or '?'} ({output['report']['format'] or '?'}),"
        f" {statuses.count('ok')} ok / {statuses.count('uncertain')} uncertain / {statuses.count('missing')} missing cells,"
        f" {len(output['unmapped_rows'])} unmapped rows, checks {len(checks) - len(failed)}/{len(checks)} hold"
    )
    if failed:
        line += f" (failing: {', '.join(failed[:5])}{' …' if len(failed) > 5 else ''})"
    return line


def _extract_one(path: Path, options: ReadOptions = ReadOptions(), debug_dir: Path | None = None) -> tuple[Path, dict[str, Any] | None, str | None]:
    """(path, output, None) or (path, None, one-line error): never raises, so that a bulk run goes on."""
    from pipeline.extract import extract_path

    try:
        return path, extract_path(path, options, debug_dir / path.stem if debug_dir else None), None
    except InputError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a bug must not stop a bulk run nor print a traceback
        return path, None, f"{path}: internal error ({type(exc).__name__}: {exc})"


def _extract_all(files: list[Path], jobs: int, options: ReadOptions, debug_dir: Path | None):
    work = functools.partial(_extract_one, options=options, debug_dir=debug_dir)
    if jobs <= 1 or len(files) <= 1:
        yield from map(work, files)
        return
    import multiprocessing
    import os

    # Each worker gets one OCR thread: processes, not threads, share the cores.
    os.environ.setdefault("GOVREPORT_OCR_THREADS", "1")
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        yield from pool.imap(work, files)


@app.command()
def run(
    files: list[Path] = typer.Argument(..., help="Report files: PDF (text or scanned), PNG, JPEG, TIFF."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output file; a directory when several files are given."),
    fmt: OutputFormat = typer.Option(OutputFormat.json, "--format", help="json (the contract) or csv (one row per cell)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No per-file summary on standard error."),
    jobs: int = typer.Option(1, "-j", "--jobs", help="Worker processes for several files (outputs keep the input order)."),
    ocr_engine: OcrEngine = typer.Option(OcrEngine.rapid, "--ocr-engine", help="rapid (PP-OCR on onnxruntime, built in) or paddle (optional extra)."),
    structure: Structure = typer.Option(Structure.rules, "--structure", help="Grids of scanned tables printed without rules: rules (rebuilt from word positions, built in) or tatr (the Table Transformer, optional [hf] extra)."),
    debug_dir: Optional[Path] = typer.Option(None, "--debug-dir", help="Per table page, a PNG of the page with the grid and each cell's reading and status (DIR/<report>/)."),
) -> None:
    """Extract every cell of the three tables of each report (the default command)."""
    from pipeline.export import to_csv, to_json

    options = ReadOptions(ocr_engine=ocr_engine.value, structure=structure.value)
    if structure is Structure.tatr:
        from pipeline.read.tatr import load_structure_model

        try:  # before any file: a missing extra is one error, not one per report
            load_structure_model()
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_UNREADABLE)
    many = len(files) > 1
    if many and output is not None:
        output.mkdir(parents=True, exist_ok=True)
    worst = EXIT_OK
    for path, result, error in _extract_all(files, jobs, options, debug_dir):
        if result is None:
            typer.echo(f"error: {error}", err=True)
            worst = max(worst, EXIT_UNREADABLE)
            continue
        worst = max(worst, exit_code(result))
        if not quiet:
            typer.echo(summary(path, result), err=True)
        text = to_csv([result]) if fmt is OutputFormat.csv else to_json(result, indent=None if many and output is None else 1)
        if output is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            target = output / f"{path.stem}.{fmt.value}" if many else output
            target.write_text(text, encoding="utf-8")
    raise typer.Exit(worst)


def main() -> None:
    app(prog_name="extract")


@app.command("eval")
def eval_command(
    samples: list[Path] = typer.Argument(..., help="Sample folders or *.gold.json files (the PDF sits beside its gold)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Stored run to compare with; exit 1 on any regression."),
    save: Optional[Path] = typer.Option(None, "--save", help="Write this run as a baseline JSON."),
    report: Optional[Path] = typer.Option(None, "--report", help="Markdown report listing every wrong cell."),
    workers: int = typer.Option(1, "--workers", "-j", help="Processes."),
) -> None:
    """Score extraction against hand-labelled or generated gold data (accuracy regression runs)."""
    from pipeline.evaluate import run_eval

    raise typer.Exit(run_eval(samples, baseline=baseline, save=save, report=report, workers=workers))


@app.command("bench")
def bench_command(
    files: list[Path] = typer.Argument(..., help="PDFs or folders of PDFs."),
    repeat: int = typer.Option(5, "--repeat", help="Interleaved runs per file; the median is reported."),
    baseline: list[str] = typer.Option(
        ["pdfplumber"], "--baseline", help="pdfplumber (text PDFs) and/or rapidocr (scans: full-page PP-OCR)."
    ),
) -> None:
    """Seconds per page for extract and, in the same run, a reader-only baseline; peak memory."""
    from pipeline.bench import run_bench

    run_bench(files, repeat, tuple(baseline))


@app.command("synth")
def synth_command(
    out: Path = typer.Option(..., "--out", help="Output folder for PDFs and their gold JSON."),
    n: int = typer.Option(10, "--n", help="Number of reports."),
    seed: int = typer.Option(1, "--seed", help="Random seed (same seed, same reports)."),
) -> None:
    """Generate synthetic reports in varied realistic layouts, each with its gold JSON."""
    from pipeline.synth.generate import generate

    for path in generate(out, n, seed):
        typer.echo(path)
