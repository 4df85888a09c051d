"""Seat layouts: which seats a venue has and what each one costs on top of the show price.

A layout is ``{"removed": ["A1", ...], "categories": [{"name", "rows", "surcharge"}]}``;
rows not in any category are "Standard" with no surcharge. Seat labels are a row letter and
a number: ``A1`` ... ``Z60``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..schemas import plain_number, text_problem

ROW_LETTERS = string.ascii_uppercase
SEAT_LABEL = re.compile(r"^([A-Z])([1-9][0-9]?)$")
STANDARD = "Standard"


@dataclass(frozen=True)
class Seat:
    label: str
    row: str
    number: int
    category: str
    surcharge: Decimal


class LayoutError(ValueError):
    """The layout does not fit the venue; ``field`` says which part."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_label(label: str) -> tuple[str, int] | None:
    match = SEAT_LABEL.match(label)
    if not match:
        return None
    return match.group(1), int(match.group(2))


def normalise_layout(
    rows: int, seats_per_row: int, layout: dict[str, Any] | None
) -> dict[str, Any]:
    """Check a layout against the venue's size; return it in canonical form."""
    layout = layout or {}
    row_names = set(ROW_LETTERS[:rows])  # a set: "AB" in a string of letters would be True
    removed_raw = layout.get("removed", []) or []
    if not isinstance(removed_raw, list) or not all(isinstance(s, str) for s in removed_raw):
        raise LayoutError("layout.removed", 'A list of seat labels like "A1".')
    removed: list[str] = []
    for label in removed_raw:
        parsed = parse_label(label.strip().upper())
        if parsed is None or parsed[0] not in row_names or not 1 <= parsed[1] <= seats_per_row:
            raise LayoutError("layout.removed", f"{label!r} is not a seat of this venue.")
        removed.append(f"{parsed[0]}{parsed[1]}")
    if len(set(removed)) >= rows * seats_per_row:
        raise LayoutError("layout.removed", "A venue needs at least one seat.")

    categories_raw = layout.get("categories", []) or []
    if not isinstance(categories_raw, list):
        raise LayoutError("layout.categories", "A list of price categories.")
    categories: list[dict[str, Any]] = []
    seen_rows: set[str] = set()
    for category in categories_raw:
        if not isinstance(category, dict):
            raise LayoutError("layout.categories", "Each category is an object.")
        raw_name = category.get("name", "")
        # Text only: str() would turn an object sent as a name into "{'a': 1}".
        name = raw_name.strip() if isinstance(raw_name, str) else ""
        if not 1 <= len(name) <= 40:
            raise LayoutError("layout.categories", "Each category needs a name (1-40 characters).")
        problem = text_problem(name)
        if problem is not None:
            raise LayoutError("layout.categories", f"Category names: {problem}")
        cat_rows = category.get("rows", [])
        if not isinstance(cat_rows, list) or not cat_rows:
            raise LayoutError("layout.categories", f"Category {name!r} needs a list of rows.")
        if not all(isinstance(row, str) for row in cat_rows):
            raise LayoutError("layout.categories", f"Category {name!r} names its rows by letter.")
        clean_rows = [row.strip().upper() for row in cat_rows]
        for row in clean_rows:
            if row not in row_names:
                raise LayoutError("layout.categories", f"Row {row!r} is not in this venue.")
            if row in seen_rows:
                raise LayoutError("layout.categories", f"Row {row} is in two categories.")
            seen_rows.add(row)
        raw_surcharge = category.get("surcharge", "0")
        if not plain_number(raw_surcharge):  # then Decimal() reads it (NaN and inf too)
            raise LayoutError("layout.categories", f"Surcharge of {name!r} is not a number.")
        surcharge = Decimal(str(raw_surcharge))
        if not surcharge.is_finite() or surcharge < 0 or surcharge > 100000:
            raise LayoutError("layout.categories", "Surcharges are between 0 and 100000.")
        if surcharge != surcharge.quantize(Decimal("0.01")):
            raise LayoutError("layout.categories", "Surcharges have at most two decimal places.")
        categories.append(
            {
                "name": name,
                "rows": clean_rows,
                "surcharge": str(surcharge.quantize(Decimal("0.01")).copy_abs()),  # not -0.00
            }
        )
    return {"removed": sorted(set(removed), key=_label_key), "categories": categories}


def _label_key(label: str) -> tuple[str, int]:
    parsed = parse_label(label)
    return parsed if parsed else (label, 0)


def seats_of(rows: int, seats_per_row: int, layout: dict[str, Any] | None) -> list[Seat]:
    """Every seat of the layout, row by row, front (A) to back."""
    layout = layout or {}
    removed = set(layout.get("removed", []))
    by_row: dict[str, tuple[str, Decimal]] = {}
    for category in layout.get("categories", []):
        for row in category["rows"]:
            by_row[row] = (category["name"], Decimal(category["surcharge"]))
    seats: list[Seat] = []
    for row in ROW_LETTERS[:rows]:
        category, surcharge = by_row.get(row, (STANDARD, Decimal("0.00")))
        for number in range(1, seats_per_row + 1):
            label = f"{row}{number}"
            if label not in removed:
                seats.append(Seat(label, row, number, category, surcharge))
    return seats


def capacity_of(rows: int, seats_per_row: int, layout: dict[str, Any] | None) -> int:
    return rows * seats_per_row - len(set((layout or {}).get("removed", [])))


def surcharges_by_row(layout: dict[str, Any] | None) -> dict[str, Decimal]:
    result: dict[str, Decimal] = {}
    for category in (layout or {}).get("categories", []):
        for row in category["rows"]:
            result[row] = Decimal(category["surcharge"])
    return result


def cheapest_surcharge(rows: int, layout: dict[str, Any] | None) -> Decimal:
    """The lowest surcharge of any row; rows outside every category have none."""
    by_row = surcharges_by_row(layout)
    return min(by_row.get(row, Decimal("0.00")) for row in ROW_LETTERS[:rows])
