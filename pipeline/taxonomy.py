"""The canonical taxonomy (models/taxonomy.json) as typed objects."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache

from pipeline import MODELS_DIR
from pipeline.text import label_key


@dataclass(frozen=True)
class Label:
    """A row, column or group of the form, with every wording it is known under."""

    id: str
    label: str
    variants: tuple[str, ...] = ()
    group: str | None = None
    formats: tuple[str, ...] = ("2019", "2021")
    kind: str = "count"  # count, signed, amount
    unit: str | None = None

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Normalised wordings, canonical first."""
        seen: dict[str, None] = {}
        for text in (self.label, *self.variants):
            seen.setdefault(label_key(text), None)
        return tuple(seen)


@dataclass(frozen=True)
class S2Item:
    item: str  # 一, 五, 六, 八, 九
    label: str
    rows: dict[str, tuple[str, ...]]  # format -> row ids
    columns: dict[str, tuple[str, ...]]  # format -> column ids


@dataclass(frozen=True)
class Identity:
    id: str
    about: str
    for_each: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    section_headings: dict[str, tuple[str, ...]]
    section_numbers: dict[str, str]
    breakdown_prefixes: tuple[str, ...]
    s2_items: tuple[S2Item, ...]
    s2_rows: dict[str, Label]
    s2_columns: dict[str, Label]
    s2_header_labels: tuple[str, ...]
    s3_columns: tuple[Label, ...]
    s3_rows: tuple[Label, ...]
    s3_groups: dict[str, Label]
    s3_header_labels: tuple[str, ...]
    s4_groups: tuple[Label, ...]
    s4_columns: tuple[Label, ...]
    s4_header_labels: tuple[str, ...]
    identities: tuple[Identity, ...]

    def s3_row_ids(self, fmt: str) -> tuple[str, ...]:
        return tuple(row.id for row in self.s3_rows if fmt in row.formats)

    def s2_column_order(self) -> tuple[str, ...]:
        """The column ids of table 二's blocks left to right, one block after another with ""
        between them (no block's column stands beside another block's); a block whose columns
        begin another's (八 2019: prev_items, change) is in it already."""
        blocks: list[tuple[str, ...]] = []
        for item in self.s2_items:
            for columns in item.columns.values():
                if len(columns) > 1 and not any(b[:len(columns)] == columns for b in blocks):
                    blocks.append(columns)
        return tuple(c for block in blocks for c in (*block, ""))


def _label(entry: dict, **extra) -> Label:
    return Label(
        id=entry["id"],
        label=entry["label"],
        variants=tuple(entry.get("variants", ())),
        group=entry.get("group") or entry.get("parent"),
        formats=tuple(entry.get("formats", ("2019", "2021"))),
        kind=entry.get("kind", "count"),
        unit=entry.get("unit"),
        **extra,
    )


@lru_cache(maxsize=1)
def load() -> Taxonomy:
    data = json.loads((MODELS_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    s2, s3, s4 = data["s2"], data["s3"], data["s4"]
    return Taxonomy(
        section_headings={k: tuple(v["headings"]) for k, v in data["sections"].items()},
        section_numbers={k: v["number"] for k, v in data["sections"].items()},
        breakdown_prefixes=tuple(data["breakdown_prefixes"]["prefixes"]),
        s2_items=tuple(
            S2Item(
                item=it["item"],
                label=it["label"],
                rows={f: tuple(r) for f, r in it["rows"].items()},
                columns={f: tuple(c) for f, c in it["columns"].items()},
            )
            for it in s2["items"]
        ),
        s2_rows={k: _label({"id": k, **v}) for k, v in s2["rows"].items()},
        s2_columns={k: _label({"id": k, **v}) for k, v in s2["columns"].items()},
        s2_header_labels=tuple(s2["header_labels"]),
        s3_columns=tuple(_label(c) for c in s3["columns"]),
        s3_rows=tuple(_label(r) for r in s3["rows"]),
        s3_groups={k: _label({"id": k, **v}) for k, v in s3["groups"].items()},
        s3_header_labels=tuple(s3["header_labels"]),
        s4_groups=tuple(_label(g) for g in s4["groups"]),
        s4_columns=tuple(_label(c) for c in s4["columns"]),
        s4_header_labels=tuple(s4["header_labels"]),
        identities=tuple(
            Identity(i["id"], i["about"], i["for_each"], tuple(i["lhs"]), tuple(i["rhs"])) for i in data["identities"]
        ),
    )
