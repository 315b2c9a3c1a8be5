"""The eight-same merge, as pure data: keys, grouping of the database's rows, the 50-line split.

Eight-same rule (domain item 7): lists merge only when all eight fields match — consignor,
transport mode, production and sales unit, country of arrival, exit customs (the *form* key)
and 10-digit commodity code, final destination country, currency (the *line* key). The
consignor is the enterprise the month is built for, so the form key below leaves it out.
The database does the adding up; this module only arranges its grouped rows into forms.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError, interpolate_lazy

from .models import MAX_LINES_PER_FORM

# (traf_mode, owner_enterprise_id, arrival country, port_code)
FormKey = tuple[str, int, str, str]
# (gcode, destination country, currency)
LineKey = tuple[str, str, str]

FORM_FIELDS = (
    "inventory__traf_mode",
    "inventory__owner_enterprise_id",
    "inventory__country",
    "inventory__port_code",
)
LINE_FIELDS = ("gcode", "country", "currency")


@dataclass
class PlannedLine:
    gcode: str
    destination_country: str
    currency: str
    unit1: str
    qty: Decimal
    qty1: Decimal
    total_price: Decimal
    inventory_count: int

    @property
    def key(self) -> LineKey:
        return (self.gcode, self.destination_country, self.currency)


@dataclass
class PlannedForm:
    key: FormKey
    lines: list[PlannedLine]
    part: int = 1
    parts: int = 1
    # None: every unsummarised list of the form key goes on this form (linked in SQL);
    # a list of ids when the key was split over several forms
    inventory_ids: list[int] | None = None
    inventory_count: int = 0

    @property
    def total_price(self) -> Decimal:
        return sum((line.total_price for line in self.lines), Decimal(0))


@dataclass
class _Part:
    keys: set = field(default_factory=set)
    inventory_ids: list = field(default_factory=list)


def row_form_key(row: dict) -> FormKey:
    return tuple(row[name] for name in FORM_FIELDS)  # type: ignore[return-value]


def row_line_key(row: dict) -> LineKey:
    return tuple(row[name] for name in LINE_FIELDS)  # type: ignore[return-value]


def _line(key: LineKey, row: dict) -> PlannedLine:
    return PlannedLine(
        gcode=key[0],
        destination_country=key[1],
        currency=key[2],
        unit1=row["unit1"] or "",
        qty=row["qty"] or Decimal(0),
        qty1=row["qty1"] or Decimal(0),
        total_price=row["total"] or Decimal(0),
        inventory_count=row["inventories"],
    )


def group_lines(rows) -> dict[FormKey, list[PlannedLine]]:
    """Grouped rows (one per form key and line key) → the lines of each form key, sorted."""
    grouped: dict[FormKey, list[PlannedLine]] = defaultdict(list)
    for row in rows:
        grouped[row_form_key(row)].append(_line(row_line_key(row), row))
    for lines in grouped.values():
        lines.sort(key=lambda line: line.key)
    return dict(sorted(grouped.items(), key=lambda item: tuple(str(part) for part in item[0])))


def split_inventories(per_inventory_rows) -> list[_Part]:
    """Pack whole lists onto forms of at most 50 lines each (first fit, in list order).

    ``per_inventory_rows``: one row per (inventory, line key) with the line's sums. A list is
    never cut in two (it is summarised on exactly one form), so a form may repeat a line key
    that another part of the same group also carries.
    """
    keys_by_inventory: dict[int, set] = defaultdict(set)
    for row in per_inventory_rows:
        keys_by_inventory[row["inventory_id"]].add(row_line_key(row))
    parts: list[_Part] = []
    for inventory_id in sorted(keys_by_inventory):
        keys = keys_by_inventory[inventory_id]
        if len(keys) > MAX_LINES_PER_FORM:
            raise ApplicationError(
                "inventory_too_many_lines",
                interpolate_lazy(
                    _(
                        "Declaration list %(id)s has more than %(max)s distinct goods lines and cannot fit one form."
                    ),
                    {"id": inventory_id, "max": MAX_LINES_PER_FORM},
                ),
            )
        for part in parts:
            if len(part.keys | keys) <= MAX_LINES_PER_FORM:
                part.keys |= keys
                part.inventory_ids.append(inventory_id)
                break
        else:
            parts.append(_Part(keys=set(keys), inventory_ids=[inventory_id]))
    return parts


def sum_part_lines(per_inventory_rows, inventory_ids: set[int]) -> list[PlannedLine]:
    """The lines of one part of a split group, added up from its lists' rows."""
    totals: dict[LineKey, dict] = {}
    for row in per_inventory_rows:
        if row["inventory_id"] not in inventory_ids:
            continue
        key = row_line_key(row)
        acc = totals.setdefault(
            key,
            {"qty": Decimal(0), "qty1": Decimal(0), "total": Decimal(0), "unit1": "", "inventories": set()},
        )
        acc["qty"] += row["qty"] or 0
        acc["qty1"] += row["qty1"] or 0
        acc["total"] += row["total"] or 0
        acc["unit1"] = max(acc["unit1"], row["unit1"] or "")
        acc["inventories"].add(row["inventory_id"])
    return [
        _line(key, {**acc, "inventories": len(acc["inventories"])}) for key, acc in sorted(totals.items())
    ]
