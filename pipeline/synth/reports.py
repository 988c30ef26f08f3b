"""Random but realistic report data: agency, year, format, and every cell of the three tables,
satisfying the identities (or, for some documents, breaking one on purpose).

The result is gold-shaped (report, tables, cells, units) before labels are chosen.
"""
from __future__ import annotations

import functools
import json
import random
from pathlib import Path

from . import taxo

DATA = Path(__file__).resolve().parent / "data"


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


# =============================================================================== agency
def random_agency(rng: random.Random) -> tuple[str, str, float]:
    """(agency name, short self-reference, size factor)."""
    a = load("agencies")
    kinds = a["kinds"]
    kind = rng.choices(kinds, weights=[k["weight"] for k in kinds])[0]
    prov = rng.choice(a["provinces"])
    city = rng.choice(a["cities"][prov])
    county = rng.choice(a["counties"])
    name, short = {
        "province_gov": (f"{prov}人民政府", "省政府"),
        "province_dept": (f"{prov}{rng.choice(a['province_departments'])}", "本机关"),
        "city_gov": (f"{city}人民政府", "市政府"),
        "city_dept": (f"{city}{rng.choice(a['city_departments'])}", "本局"),
        "county_gov": (f"{city}{county}人民政府" if rng.random() < 0.4 else f"{county}人民政府", "本级政府"),
        "county_dept": (f"{county}{rng.choice(a['city_departments'])}", "本局"),
        "town": (_town(rng, a), "本机关"),
        "committee": (f"{city}{rng.choice(a['committees'])}", "本委"),
    }[kind["kind"]]
    size = kind["size"] * rng.lognormvariate(0, 0.8)
    if any(d in name for d in a["busy_departments"]):
        size *= 4
    if name.endswith(("厅", "委员会")) and short == "本局":
        short = "本机关"
    return name, short, size


def _town(rng: random.Random, a: dict) -> str:
    town = rng.choice(a["towns"])
    county = rng.choice(a["counties"])
    if town.endswith("街道"):
        return f"{county}{town}办事处"
    return f"{county}{town}人民政府"


# =============================================================================== formats
FORMS = {  # structure name -> (s2 format, s3 splits （六）)
    "2019": ("2019", False), "2021": ("2021", True),
    "2020_split": ("2019", True),  # a 2020 report that already splits （六）
    "mixed_s2_2019": ("2019", True), "mixed_s2_2021": ("2021", False),
}


def choose_formats(rng: random.Random, year: int, form: str | None = None) -> dict:
    """s2 format, whether s3 splits （六）, and the report format label.  The label follows the
    structure: s2 and s3 in different formats is "mixed"; a split （六） counts as 2021 from the
    2021 reports on (the 2019 form let 2020 reports split it already)."""
    if form is None:
        base = "2019" if year <= 2020 else "2021"
        if year >= 2021 and rng.random() < 0.25:  # mixed, both directions (needs the 2021 form)
            form = rng.choice(["mixed_s2_2019", "mixed_s2_2021"])
        elif year == 2020 and rng.random() < 0.3:
            form = "2020_split"
        else:
            form = base
    s2, s3_split = FORMS[form]
    s3 = "2021" if s3_split and year >= 2021 else "2019"
    return {"s2": s2, "s3_split": s3_split, "format": s2 if s2 == s3 else "mixed", "form": form}


def year_for(rng: random.Random, form: str | None) -> int:
    if form in ("2019",):
        return rng.choice([2019, 2020])
    if form == "2020_split":
        return 2020
    return rng.choice([2019, 2020, 2021, 2022, 2022, 2023, 2023, 2024, 2025]) if form is None \
        else rng.choice([2021, 2022, 2023, 2024, 2025])


# =============================================================================== numbers
def _small(rng: random.Random, scale: float, zero_p: float = 0.5) -> int:
    """A count: often zero, mostly small, occasionally large with `scale`."""
    if rng.random() < zero_p:
        return 0
    return max(0, int(rng.expovariate(1 / max(scale, 0.3)) + 0.5))


def _amount(rng: random.Random, scale: float) -> float:
    if rng.random() < 0.35:
        return 0.0
    return round(rng.expovariate(1 / max(scale, 0.5)), rng.choice([2, 2, 2, 4, 1]))


def s2_cells(rng: random.Random, fmt: str, size: float, rulemaker: bool) -> dict[str, float]:
    c: dict[str, float] = {}
    for key in taxo.s2_keys(fmt):
        _, row, col = key.split(".")
        c[key] = _s2_value(rng, row, col, size, rulemaker)
    if fmt == "2019":
        for row in ("licensing", "other_mgmt_services", "penalty", "coercion", "fees"):
            prev, ch = f"s2.{row}.prev_items", f"s2.{row}.change"
            c[ch] = max(c[ch], -c[prev])  # cannot remove more items than existed
        c["s2.rules.new_published"] = min(c["s2.rules.new_made"], c["s2.rules.new_published"])
    return c


def _s2_value(rng: random.Random, row: str, col: str, size: float, rulemaker: bool) -> float:
    if row == "rules" and not rulemaker:
        return 0
    if col in ("amount", "fee_amount"):
        return _amount(rng, 30 * size)
    if col == "change":
        return int(rng.choice([0, 0, 0, 1, 2, -1, -2, 3, -3, 5]) * max(1, size ** 0.3))
    if col in ("in_force", "total_published", "prev_items"):
        return _small(rng, 12 * size ** 0.7, 0.2)
    if col == "decisions":
        scale = {"licensing": 300, "penalty": 120, "coercion": 10, "other_mgmt_services": 40}.get(row, 20)
        return _small(rng, scale * size, 0.3)
    return _small(rng, 3 * size ** 0.6, 0.4)


def s3_cells(rng: random.Random, split_other: bool, size: float) -> dict[str, float]:
    """Table 三 from per-column intake and a random spread over the outcome rows."""
    rows = taxo.s3_rows(split_other)
    outcome_rows = [r for r in rows if taxo.in_result(r) and r != "total"]
    weights = _outcome_weights(rng, outcome_rows)
    c: dict[str, float] = {}
    col_scale = {"natural": 1.0, "business": 0.12, "research": 0.01, "ngo": 0.01, "legal": 0.06, "other_org": 0.04}
    for col in taxo.S3_APPLICANTS:
        scale = 6 * size * col_scale[col]
        new = _small(rng, scale, 0.25 if col == "natural" else 0.75)
        carried_in = _small(rng, max(new * 0.08, 0.2), 0.7)
        carried_out = min(_small(rng, max(new * 0.08, 0.2), 0.7), new + carried_in)
        total = new + carried_in - carried_out
        spread = _spread(rng, total, outcome_rows, weights)
        c[f"s3.new.{col}"], c[f"s3.carried_in.{col}"] = new, carried_in
        c[f"s3.carried_out.{col}"], c[f"s3.total.{col}"] = carried_out, total
        for r, n in spread.items():
            c[f"s3.{r}.{col}"] = n
    for r in rows:
        c[f"s3.{r}.total"] = sum(c[f"s3.{r}.{col}"] for col in taxo.S3_APPLICANTS)
    return {k: c[k] for k in taxo.s3_keys(split_other)}


def _outcome_weights(rng: random.Random, outcome_rows: list[str]) -> list[float]:
    typical = {"granted": 10, "partial": 2, "unable.not_held": 5, "rejected.petition": 1.5,
               "rejected.duplicate": 1, "other": 1.5, "other.other": 1.5, "denied.third_party": 0.6,
               "unable.needs_creation": 0.8, "unable.unclear": 0.6, "denied.process_info": 0.4,
               "rejected.publication": 0.3, "denied.internal_affairs": 0.3}
    return [typical.get(r, 0.1) * rng.uniform(0.3, 1.7) for r in outcome_rows]


def _spread(rng: random.Random, total: int, rows: list[str], weights: list[float]) -> dict[str, int]:
    out = {r: 0 for r in rows}
    for r in rng.choices(rows, weights=weights, k=total):
        out[r] += 1
    return out


def s4_cells(rng: random.Random, size: float) -> dict[str, float]:
    c: dict[str, float] = {}
    busy = rng.random() < min(0.8, 0.15 + size / 40)
    for g in taxo.S4_GROUPS:
        scale = size * {"review": 0.4, "suit_direct": 0.2, "suit_after_review": 0.15}[g]
        parts = [_small(rng, scale * w, 0.55) if busy else 0 for w in (1.0, 0.25, 0.3, 0.3)]
        for col, n in zip(taxo.S4_COLS[:4], parts):
            c[f"s4.{g}.{col}"] = n
        c[f"s4.{g}.total"] = sum(parts)
    return c


# =============================================================================== identities
def _get(cells: dict, key: str) -> float:
    return cells.get(key, 0)


def identity_failures(cells: dict) -> list[str]:
    """Ids (as in models/taxonomy.json, instantiated) of the identities the cells break."""
    bad = []
    if "s3.new.total" in cells:
        split = "s3.other.natural" not in cells
        rows = taxo.s3_rows(split)
        outcomes = [r for r in rows if taxo.in_result(r) and r != "total"]
        for col in taxo.S3_COLS:
            if _get(cells, f"s3.new.{col}") + _get(cells, f"s3.carried_in.{col}") != \
                    _get(cells, f"s3.total.{col}") + _get(cells, f"s3.carried_out.{col}"):
                bad.append(f"s3.balance.{col}")
        for r in rows:
            if _get(cells, f"s3.{r}.total") != sum(_get(cells, f"s3.{r}.{c}") for c in taxo.S3_APPLICANTS):
                bad.append(f"s3.row_total.{r}")
        for col in taxo.S3_COLS:
            if _get(cells, f"s3.total.{col}") != sum(_get(cells, f"s3.{r}.{col}") for r in outcomes):
                bad.append(f"s3.outcomes.{col}")
    if "s4.review.total" in cells:
        for g in taxo.S4_GROUPS:
            if _get(cells, f"s4.{g}.total") != sum(_get(cells, f"s4.{g}.{c}") for c in taxo.S4_COLS[:4]):
                bad.append(f"s4.total.{g}")
    return bad


def break_identity(rng: random.Random, cells: dict) -> None:
    """Change one printed number so that the report breaks its own identities (a typing error):
    a 总计 cell, a column total, an intake or carry-over count, an outcome count, or an s4 total."""
    s3_rows = sorted({k.split(".", 1)[1].rsplit(".", 1)[0] for k in cells if k.startswith("s3.")})
    col = rng.choice(taxo.S3_APPLICANTS[:2])
    target = rng.choice([
        f"s3.{rng.choice(s3_rows)}.total",
        f"s3.total.{col}",
        f"s3.{rng.choice(['new', 'carried_in', 'carried_out'])}.{col}",
        f"s3.{rng.choice([r for r in s3_rows if r not in ('new', 'carried_in', 'carried_out', 'total')])}.{col}",
        f"s4.{rng.choice(taxo.S4_GROUPS)}.{rng.choice(taxo.S4_COLS)}",
    ])
    delta = rng.choice([1, 1, 2, -1, 10])
    if cells[target] + delta < 0:
        delta = abs(delta)
    cells[target] += delta


# =============================================================================== report
def random_report(rng: random.Random, force: dict | None = None) -> dict:
    """Gold-shaped data without labels: report, tables, cells, units, identities_broken.
    `force` may fix: form (see FORMS), agency_size, broken, unit_yuan."""
    force = force or {}
    agency, short, size = random_agency(rng)
    size = force.get("agency_size", size)
    year = year_for(rng, force.get("form"))
    fmts = choose_formats(rng, year, force.get("form"))
    rulemaker = agency.endswith("人民政府") and ("省" in agency[:4] or agency.count("市") == 1 and "区" not in agency)
    cells: dict[str, float] = {}
    cells.update(s2_cells(rng, fmts["s2"], size, rulemaker))
    cells.update(s3_cells(rng, fmts["s3_split"], size))
    cells.update(s4_cells(rng, size))
    units = _units(rng, fmts["s2"], cells, force.get("unit_yuan"))
    broken: list[str] = []
    if force.get("broken", rng.random() < 0.1):
        break_identity(rng, cells)
        broken = identity_failures(cells)
    return {
        "report": {"agency": agency, "year": year, "format": fmts["format"]},
        "tables": ["s2", "s3", "s4"],
        "cells": cells,
        "units": units,
        "identities_broken": broken,
        "_short": short,
        "_size": size,
        "_form": fmts["form"],
    }


def _units(rng: random.Random, fmt: str, cells: dict, yuan: bool | None) -> dict[str, str]:
    if fmt == "2021":
        return {"s2.fees.fee_amount": "万元"}
    if yuan if yuan is not None else rng.random() < 0.2:  # procurement in 元: the gold value is in 元
        cells["s2.procurement.amount"] = round(cells["s2.procurement.amount"] * 10000, rng.choice([0, 1, 2]))
        return {"s2.procurement.amount": "元"}
    return {"s2.procurement.amount": "万元"}
