"""Accuracy regression runs: score extraction outputs against hand-labelled gold files.

A sample is a report file next to its gold file, ``samples/<set>/<name>.gold.json``
(schema in ``samples/digital/meizhou_hrss_2022.gold.json``). :func:`score` compares one
output dict (the ``extract`` JSON contract) with one gold dict and is pure, so tests
and other tools can use it without running the pipeline; :func:`run_eval` is the
command: it extracts every sample, prints a summary, and writes/compares baselines
and the Markdown report of wrong cells.

Definitions (per document; overall figures sum the counts over documents):

* A gold cell is **right** when the output has that key with status ``ok`` or
  ``uncertain`` and a numeric value equal to the gold value (within 1e-6), and, when
  the gold records a unit for it and the value is not 0 (nothing of any unit is the same),
  the same unit. Anything else (absent key, status
  ``missing``, other value, other unit) is **wrong**.
* A **spurious** cell is an output cell with status ``ok``/``uncertain`` and a
  non-null value whose key the gold does not have (the document prints no such cell).
* A table is **exact** when its ``found`` flag agrees with the gold ``tables`` list,
  every gold cell of it is right and it has no spurious cell. A document is exact
  when its three tables are (agency/year/format are scored separately).
* **Label mapping**: one item per gold ``row_labels`` entry, right when the output has
  at least one non-missing cell of that row and every non-missing cell of the row has
  that printed label (whitespace removed on both sides); plus one item per gold
  ``unmapped_rows`` label, right when the output's ``unmapped_rows`` has it. Output
  unmapped rows the gold does not list are counted as ``unexpected_unmapped``.
* **Checks**: the gold identities all hold except those in ``identities_broken``;
  ``check_mismatches`` counts the checks whose outcome disagrees with that, plus gold
  broken identities the output does not report.
* A wrong or spurious cell is **silent** when the output presents it as trustworthy:
  the output has it with status ``ok`` and no failing check lists it among its cells
  (a check failing because the gold says the report itself breaks that identity does
  not count as a flag, since the user attributes it to the report). Warnings and other
  uncertain cells do not excuse a cell: a flag must point at it. A document has a
  silent error when it has at least one silent cell.
* **uncertain_correct**: right cells whose status is ``uncertain`` (needless review
  work for the user); the share is over gold cells.
* **seconds per page**: wall time of ``extract_path`` divided by ``source.pages``.
"""
from __future__ import annotations

import json
import math
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

TABLES = ("s2", "s3", "s4")
BASELINE_SCHEMA = 1
_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------- samples


@dataclass(frozen=True)
class Sample:
    id: str  # "<set>/<file name>", stable across machines so baselines compare
    document: Path
    gold: Path


def _sample_for_gold(gold_path: Path) -> Sample:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    name = gold.get("document") or gold_path.name.removesuffix(".gold.json") + ".pdf"
    doc = gold_path.parent / name
    return Sample(id=f"{gold_path.parent.name}/{doc.name}", document=doc, gold=gold_path)


def find_samples(paths: list[Path]) -> list[Sample]:
    """Samples under the given directories (recursively) or for the given files.

    A file may be a gold file or the report itself (its gold is ``<stem>.gold.json``).
    """
    found: dict[str, Sample] = {}
    for path in paths:
        if path.is_dir():
            golds = sorted(path.rglob("*.gold.json"))
        elif path.name.endswith(".gold.json"):
            golds = [path]
        else:
            golds = [path.with_name(path.stem + ".gold.json")]
        for g in golds:
            if not g.is_file():
                raise FileNotFoundError(f"no gold file {g}")
            s = _sample_for_gold(g)
            found[s.id] = s
    return [found[k] for k in sorted(found)]


# --------------------------------------------------------------------------- scoring


@dataclass
class WrongCell:
    key: str
    gold: float | int | None  # None for a spurious cell
    gold_unit: str | None
    value: Any
    unit: str | None
    status: str | None  # None when the output has no such key
    printed_label: str | None
    page: int | None
    silent: bool


@dataclass
class DocResult:
    id: str
    error: str | None = None  # extraction raised: every gold cell counts as wrong
    pages: int = 0
    seconds: float = 0.0
    cells_total: int = 0
    cells_right: int = 0
    spurious_cells: int = 0
    silent_cells: int = 0
    uncertain_correct: int = 0
    tables_found_ok: int = 0
    tables_exact: dict[str, bool] = field(default_factory=dict)
    labels_total: int = 0
    labels_right: int = 0
    unexpected_unmapped: int = 0
    check_mismatches: int = 0
    agency_ok: bool = False
    year_ok: bool = False
    format_ok: bool = False
    wrong: list[WrongCell] = field(default_factory=list)
    label_errors: list[str] = field(default_factory=list)
    meta_errors: list[str] = field(default_factory=list)

    @property
    def doc_exact(self) -> bool:
        return self.error is None and all(self.tables_exact.get(t, False) for t in TABLES)

    @property
    def seconds_per_page(self) -> float | None:
        return self.seconds / self.pages if self.pages else None


def _norm(label: str | None) -> str:
    return _WS.sub("", label or "")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _equal(gold: float, value: Any) -> bool:
    return _is_number(value) and abs(float(value) - float(gold)) <= 1e-6


def _table_of(key: str) -> str:
    return key.split(".", 1)[0]


def _row_of(key: str) -> str:
    return key.rsplit(".", 1)[0]


def _found_tables(output: dict) -> set[str]:
    tables = output.get("tables")
    if isinstance(tables, dict):
        return {t for t, v in tables.items() if isinstance(v, dict) and v.get("found")}
    # Older outputs without "tables": a table counts as found when any of its cells was read.
    return {_table_of(k) for k, c in output.get("cells", {}).items() if c.get("status") != "missing"}


def _flagged_keys(output: dict, broken: set[str]) -> set[str]:
    """Cells a failing check points at, excluding checks the report itself fails."""
    keys: set[str] = set()
    for check in output.get("checks", []):
        if not check.get("ok", True) and check.get("id") not in broken:
            keys.update(check.get("cells", []))
    return keys


def score(output: dict, gold: dict, doc_id: str = "") -> DocResult:
    """Score one extraction output against its gold (see the module docstring)."""
    r = DocResult(id=doc_id, pages=int(output.get("source", {}).get("pages") or 0))
    cells: dict[str, dict] = output.get("cells", {})
    gold_cells: dict[str, float] = gold.get("cells", {})
    units: dict[str, str] = gold.get("units", {})
    broken = set(gold.get("identities_broken", []))
    flagged = _flagged_keys(output, broken)
    bad_tables: set[str] = set()

    def wrong(key: str, gold_value: float | None) -> None:
        c = cells.get(key, {})
        silent = c.get("status") == "ok" and key not in flagged
        r.silent_cells += silent
        bad_tables.add(_table_of(key))
        row_label = gold.get("row_labels", {}).get(_row_of(key))
        r.wrong.append(WrongCell(key, gold_value, units.get(key), c.get("value"), c.get("unit"),
                                 c.get("status"), c.get("printed_label") or (row_label and f"(gold) {row_label}"),
                                 c.get("page"), silent))

    r.cells_total = len(gold_cells)
    for key, gv in gold_cells.items():
        c = cells.get(key)
        right = (c is not None and c.get("status") in ("ok", "uncertain") and _equal(gv, c.get("value"))
                 and (key not in units or gv == 0 or c.get("unit") == units[key]))
        if right and c is not None:
            r.cells_right += 1
            r.uncertain_correct += c["status"] == "uncertain"
        else:
            wrong(key, gv)
    for key, c in cells.items():
        if key not in gold_cells and c.get("status") in ("ok", "uncertain") and c.get("value") is not None:
            r.spurious_cells += 1
            wrong(key, None)

    gold_tables = set(gold.get("tables", []))
    found = _found_tables(output)
    for t in TABLES:
        found_ok = (t in found) == (t in gold_tables)
        r.tables_found_ok += found_ok
        r.tables_exact[t] = found_ok and t not in bad_tables

    _score_labels(r, cells, output.get("unmapped_rows", []), gold)
    _score_checks(r, output.get("checks", []), broken)
    _score_report(r, output.get("report", {}), gold.get("report", {}))
    return r


def _score_labels(r: DocResult, cells: dict[str, dict], unmapped: list[dict], gold: dict) -> None:
    by_row: dict[str, list[str]] = {}
    for key, c in cells.items():
        if c.get("status") != "missing":
            by_row.setdefault(_row_of(key), []).append(_norm(c.get("printed_label")))
    for row, label in gold.get("row_labels", {}).items():
        r.labels_total += 1
        seen = by_row.get(row, [])
        if seen and all(s == _norm(label) for s in seen):
            r.labels_right += 1
        else:
            r.label_errors.append(f"{row}: gold {label!r}, output {sorted(set(seen)) or 'no cells'}")
    out_unmapped = [_norm(u.get("printed_label")) for u in unmapped]
    gold_unmapped = [_norm(u) for u in gold.get("unmapped_rows", [])]
    for label in gold_unmapped:
        r.labels_total += 1
        if label in out_unmapped:
            r.labels_right += 1
        else:
            r.label_errors.append(f"unmapped row {label!r} not reported")
    for label in out_unmapped:
        if label not in gold_unmapped:
            r.unexpected_unmapped += 1
            r.label_errors.append(f"unexpected unmapped row {label!r}")


def _score_checks(r: DocResult, checks: list[dict], broken: set[str]) -> None:
    failing = {c.get("id") for c in checks if not c.get("ok", True)}
    r.check_mismatches = len(failing ^ broken)


def _score_report(r: DocResult, out: dict, gold: dict) -> None:
    for name in ("agency", "year", "format"):
        o, g = out.get(name), gold.get(name)
        if isinstance(o, str) and isinstance(g, str):  # names wrapped over lines carry stray spaces
            o, g = _norm(o), _norm(g)
        ok = o == g
        setattr(r, f"{name}_ok", ok)
        if not ok:
            r.meta_errors.append(f"{name}: gold {gold.get(name)!r}, output {out.get(name)!r}")


def failed(doc_id: str, gold: dict, error: str) -> DocResult:
    """The result of a document whose extraction raised: everything it should have is wrong."""
    r = score({}, gold, doc_id)
    r.error = error
    for w in r.wrong:
        w.silent = False  # a raised error is loud
    r.silent_cells = 0
    return r


# --------------------------------------------------------------------------- running


def evaluate_sample(sample: Sample) -> DocResult:
    """Extract one sample with the pipeline, timed, and score it."""
    from pipeline.extract import extract_path  # late: scoring must work without the pipeline

    gold = json.loads(sample.gold.read_text(encoding="utf-8"))
    start = time.perf_counter()
    try:
        output = extract_path(sample.document)
    except Exception as e:  # one broken document must not stop the run; it scores as all wrong
        return failed(sample.id, gold, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    seconds = time.perf_counter() - start
    r = score(output, gold, sample.id)
    r.seconds = seconds
    return r


def evaluate(samples: list[Sample], workers: int = 1) -> list[DocResult]:
    if workers <= 1:
        return [evaluate_sample(s) for s in samples]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(evaluate_sample, samples))


# --------------------------------------------------------------------------- aggregation


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def doc_metrics(r: DocResult) -> dict[str, Any]:
    """The per-document figures stored in a baseline and compared between runs."""
    return {
        "error": r.error,
        "cells_total": r.cells_total,
        "cells_right": r.cells_right,
        "cell_accuracy": _ratio(r.cells_right, r.cells_total),
        "spurious_cells": r.spurious_cells,
        "tables_exact": sum(r.tables_exact.values()),
        "doc_exact": r.doc_exact,
        "tables_found_ok": r.tables_found_ok,
        "labels_right": r.labels_right,
        "labels_total": r.labels_total,
        "label_accuracy": _ratio(r.labels_right, r.labels_total),
        "unexpected_unmapped": r.unexpected_unmapped,
        "check_mismatches": r.check_mismatches,
        "agency_ok": r.agency_ok,
        "year_ok": r.year_ok,
        "format_ok": r.format_ok,
        "silent_cells": r.silent_cells,
        "uncertain_correct": r.uncertain_correct,
        "pages": r.pages,
        "seconds": round(r.seconds, 4),
        "seconds_per_page": None if r.seconds_per_page is None else round(r.seconds_per_page, 4),
    }


def aggregate(results: list[DocResult]) -> dict[str, Any]:
    n = len(results)
    cells = sum(r.cells_total for r in results)
    pages = sum(r.pages for r in results)
    seconds = sum(r.seconds for r in results)
    return {
        "documents": n,
        "errors": sum(r.error is not None for r in results),
        "cells_total": cells,
        "cell_accuracy": _ratio(sum(r.cells_right for r in results), cells),
        "spurious_cells": sum(r.spurious_cells for r in results),
        **{f"{t}_exact": _ratio(sum(r.tables_exact.get(t, False) for r in results), n) for t in TABLES},
        "doc_exact": _ratio(sum(r.doc_exact for r in results), n),
        "tables_found": _ratio(sum(r.tables_found_ok for r in results), len(TABLES) * n),
        "label_accuracy": _ratio(sum(r.labels_right for r in results), sum(r.labels_total for r in results)),
        "unexpected_unmapped": sum(r.unexpected_unmapped for r in results),
        "check_mismatches": sum(r.check_mismatches for r in results),
        "agency_accuracy": _ratio(sum(r.agency_ok for r in results), n),
        "year_accuracy": _ratio(sum(r.year_ok for r in results), n),
        "format_accuracy": _ratio(sum(r.format_ok for r in results), n),
        "silent_documents": sum(r.silent_cells > 0 for r in results),
        "silent_cells": sum(r.silent_cells for r in results),
        "uncertain_correct": sum(r.uncertain_correct for r in results),
        "uncertain_correct_share": _ratio(sum(r.uncertain_correct for r in results), cells),
        "pages": pages,
        "seconds_per_page": None if not pages else round(seconds / pages, 4),
    }


def by_set(results: list[DocResult]) -> dict[str, dict[str, Any]]:
    """Overall figures per sample set (digital, scans, ...) — they differ in kind."""
    groups: dict[str, list[DocResult]] = {}
    for r in results:
        groups.setdefault(r.id.split("/", 1)[0], []).append(r)
    return {k: aggregate(v) for k, v in sorted(groups.items())}


# --------------------------------------------------------------------------- printing


def _pct(x: float | None) -> str:
    """Rounded down, so that one wrong cell in thousands never prints as 100%."""
    if x is None:
        return "—"
    return "100%" if x >= 1 else f"{math.floor(10000 * x) / 100:.2f}%"


def _spp(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


_SUMMARY_HEAD = ("document", "cells", "s2 s3 s4", "found", "labels", "agency", "year", "format",
                 "silent", "unc.ok", "s/page")


def _doc_row(r: DocResult) -> tuple[str, ...]:
    mark = {True: "✓", False: "✗"}
    cells = f"{r.cells_right}/{r.cells_total}" + (f" +{r.spurious_cells}" if r.spurious_cells else "")
    return (r.id, cells if r.error is None else f"ERROR {r.error}"[:40],
            " ".join(mark[r.tables_exact.get(t, False)] for t in TABLES), f"{r.tables_found_ok}/3",
            f"{r.labels_right}/{r.labels_total}", mark[r.agency_ok], mark[r.year_ok], mark[r.format_ok],
            str(r.silent_cells), str(r.uncertain_correct), _spp(r.seconds_per_page))


def _overall_row(name: str, o: dict[str, Any]) -> tuple[str, ...]:
    return (name, _pct(o["cell_accuracy"]), " ".join(_pct(o[f"{t}_exact"]) for t in TABLES),
            _pct(o["tables_found"]), _pct(o["label_accuracy"]), _pct(o["agency_accuracy"]),
            _pct(o["year_accuracy"]), _pct(o["format_accuracy"]),
            f"{o['silent_documents']}d/{o['silent_cells']}c", _pct(o["uncertain_correct_share"]),
            _spp(o["seconds_per_page"]))


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def summary(results: list[DocResult]) -> str:
    """Plain-text table: one line per document, then overall (and per sample set)."""
    rows = [_SUMMARY_HEAD] + [_doc_row(r) for r in results]
    sets = by_set(results)
    if len(sets) > 1:
        rows += [_overall_row(f"[{k}]", v) for k, v in sets.items()]
    o = aggregate(results)
    rows.append(_overall_row(f"OVERALL ({o['documents']} docs)", o))
    extra = (f"doc exact {_pct(o['doc_exact'])} · spurious cells {o['spurious_cells']} · "
             f"unexpected unmapped rows {o['unexpected_unmapped']} · check mismatches {o['check_mismatches']} · "
             f"errors {o['errors']}")
    return _table(rows) + "\n" + extra


def _is_share(metric: str) -> bool:
    return metric.endswith(("_accuracy", "_exact", "_share")) or metric == "tables_found"


def _md_escape(v: Any) -> str:
    return "—" if v is None else str(v).replace("|", "\\|").replace("\n", " ")


def markdown_report(results: list[DocResult]) -> str:
    """Overall and per-document metrics, then every wrong cell, label and metadata error."""
    o = aggregate(results)
    out = ["# Evaluation report", "", f"Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.", "",
           "## Overall", "", "| metric | value |", "|---|---|"]
    out += [f"| {k} | {_pct(v) if _is_share(k) else _md_escape(v)} |" for k, v in o.items()]
    out += ["", "## Documents", "", "| " + " | ".join(_SUMMARY_HEAD) + " |",
            "|" + "---|" * len(_SUMMARY_HEAD)]
    out += ["| " + " | ".join(_md_escape(c) for c in _doc_row(r)) + " |" for r in results]
    wrong = [(r.id, w) for r in results for w in r.wrong]
    out += ["", f"## Wrong cells ({len(wrong)})", ""]
    if wrong:
        out += ["| document | key | gold | extracted | status | printed label | page | silent |",
                "|---|---|---|---|---|---|---|---|"]
        for doc, w in wrong:
            gold = "(none)" if w.gold is None else f"{w.gold}{w.gold_unit or ''}"
            got = "—" if w.value is None else f"{w.value}{w.unit or ''}"
            out.append(f"| {_md_escape(doc)} | {w.key} | {_md_escape(gold)} | {_md_escape(got)} | "
                       f"{_md_escape(w.status)} | {_md_escape(w.printed_label)} | {_md_escape(w.page)} | "
                       f"{'**yes**' if w.silent else 'no'} |")
    else:
        out.append("None.")
    other = [(r.id, e) for r in results for e in ([r.error] if r.error else []) + r.meta_errors + r.label_errors]
    out += ["", f"## Other errors ({len(other)})", ""]
    out += [f"- {_md_escape(doc)}: {_md_escape(e)}" for doc, e in other] or ["None."]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- baselines

# Per-document metrics compared with a baseline, and the direction that is better.
_HIGHER = ("cell_accuracy", "tables_exact", "doc_exact", "tables_found_ok", "label_accuracy",
           "agency_ok", "year_ok", "format_ok")
# Correct-but-uncertain cells are printed, not judged: a fix that reads more cells right in a
# flagged table raises that count, and that is progress.
_LOWER = ("spurious_cells", "silent_cells", "unexpected_unmapped", "check_mismatches")


def to_baseline(results: list[DocResult]) -> dict[str, Any]:
    return {"schema_version": BASELINE_SCHEMA,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "overall": aggregate(results),
            "documents": {r.id: doc_metrics(r) for r in results}}


def _num(v: Any) -> float:
    return 0.0 if v is None else float(v)


def compare(baseline: dict[str, Any], results: list[DocResult]) -> tuple[list[str], list[str]]:
    """(regressions, notes). Any regression is a document worse on some accuracy metric,
    or newly failing to extract; timing is only reported, never judged."""
    regressions: list[str] = []
    notes: list[str] = []
    old_docs: dict[str, dict] = baseline.get("documents", {})
    for r in results:
        old = old_docs.get(r.id)
        if old is None:
            notes.append(f"{r.id}: new document (not in baseline)")
            continue
        new = doc_metrics(r)
        if new["error"] and not old.get("error"):
            regressions.append(f"{r.id}: extraction now fails: {new['error']}")
        for m in _HIGHER:
            if _num(new[m]) < _num(old.get(m)) - 1e-9:
                regressions.append(f"{r.id}: {m} {old.get(m)} -> {new[m]}")
        for m in _LOWER:
            if _num(new[m]) > _num(old.get(m)) + 1e-9:
                regressions.append(f"{r.id}: {m} {old.get(m)} -> {new[m]}")
        if new["cells_total"] != old.get("cells_total"):
            notes.append(f"{r.id}: gold changed ({old.get('cells_total')} -> {new['cells_total']} cells)")
    ran = {r.id for r in results}
    notes += [f"{d}: in baseline, not in this run" for d in sorted(set(old_docs) - ran)]
    return regressions, notes


def side_by_side(baseline: dict[str, Any], results: list[DocResult]) -> str:
    """Overall figures that changed since the baseline, and always the timing."""
    old, new = baseline.get("overall", {}), aggregate(results)
    rows = [("overall", "baseline", "now")]
    for k in new:
        if old.get(k) != new[k] or k in ("pages", "seconds_per_page"):
            fmt = _pct if _is_share(k) else _md_escape
            rows.append((k, fmt(old.get(k)), fmt(new[k])))
    return _table(rows)


# --------------------------------------------------------------------------- command


def run_eval(samples: list[Path], baseline: Path | None = None, save: Path | None = None,
             report: Path | None = None, workers: int = 1) -> int:
    """Evaluate the pipeline on the samples; print the summary. Exit code: 0, or 1 when a
    baseline was given and this run regresses against it, 2 when there is nothing to run."""
    try:
        found = find_samples(samples)
    except (FileNotFoundError, json.JSONDecodeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not found:
        print("error: no samples (*.gold.json) found", file=sys.stderr)
        return 2
    if baseline is not None and not baseline.is_file():
        print(f"error: no baseline file {baseline}", file=sys.stderr)
        return 2
    results = evaluate(found, workers)
    print(summary(results))
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(markdown_report(results), encoding="utf-8")
        print(f"report written to {report}")
    if save:
        save.parent.mkdir(parents=True, exist_ok=True)
        save.write_text(json.dumps(to_baseline(results), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"baseline saved to {save}")
    if baseline is None:
        return 0
    old = json.loads(baseline.read_text(encoding="utf-8"))
    regressions, notes = compare(old, results)
    print(f"\ncompared with {baseline} ({old.get('created', '?')}):")
    print(side_by_side(old, results))
    for n in notes:
        print(f"note: {n}")
    for reg in regressions:
        print(f"REGRESSION: {reg}")
    print(f"{len(regressions)} regression(s)")
    return 1 if regressions else 0
