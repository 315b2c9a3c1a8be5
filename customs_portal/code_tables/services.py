"""Loading an edition of the code tables: the shipped one, or a newer one ops are given.

An edition is a UTF-8 CSV file with the header ``table,code,name_zh,name_en`` and one row per
code (``country,303,英国,United Kingdom``). Loading it upserts by (table, code): new codes are
added, renamed ones changed, and the codes of a table the file lists that the file no longer
holds are retired (kept, with ``valid_to``). Loading the same edition twice changes nothing. A
malformed file is refused whole, naming its lines; nothing is half-loaded.
"""

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError, interpolate_lazy

DATA = Path(__file__).resolve().parent / "data"
SHIPPED_EDITION = "2022-06"
SHIPPED_FILE = DATA / f"{SHIPPED_EDITION}.csv"

HEADER = ["table", "code", "name_zh", "name_en"]
TABLES = ("country", "currency", "transport", "customs", "unit", "trade_mode")
CODE = re.compile(r"^[0-9A-Z]{1,10}$")
MAX_PROBLEMS = 10


@dataclass(frozen=True)
class Row:
    table: str
    code: str
    name_zh: str
    name_en: str


@dataclass
class LoadResult:
    edition: str
    added: list = field(default_factory=list)  # [(table, code)]
    changed: list = field(default_factory=list)
    retired: list = field(default_factory=list)
    unchanged: int = 0


def _malformed(problems: list[str]):
    shown = "; ".join(problems[:MAX_PROBLEMS]) + ("; …" if len(problems) > MAX_PROBLEMS else "")
    return ApplicationError(
        "malformed_edition",
        interpolate_lazy(
            _("The code table file is malformed, nothing was loaded: %(problems)s"), {"problems": shown}
        ),
    )


def edition_read(path) -> list[Row]:
    """The rows of an edition file, checked whole: ApplicationError naming each bad line."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            records = list(reader)
    except UnicodeDecodeError as exc:
        raise _malformed([gettext("the file is not UTF-8 text")]) from exc
    except (OSError, csv.Error) as exc:
        raise _malformed([str(exc)]) from exc
    if header is None or [h.strip() for h in header] != HEADER:
        raise _malformed([gettext("line 1: the header must be %(header)s") % {"header": ",".join(HEADER)}])
    rows, problems, seen = [], [], set()
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(HEADER):
            problems.append(
                gettext("line %(line)s: %(found)s columns, %(expected)s expected")
                % {"line": number, "found": len(record), "expected": len(HEADER)}
            )
            continue
        table, code, name_zh, name_en = (cell.strip() for cell in record)
        if table not in TABLES:
            problems.append(
                gettext("line %(line)s: unknown table %(table)s (%(tables)s)")
                % {"line": number, "table": repr(table), "tables": ", ".join(TABLES)}
            )
        elif not CODE.match(code):
            problems.append(
                gettext("line %(line)s: code %(code)s is not 1-10 digits or capital letters")
                % {"line": number, "code": repr(code)}
            )
        elif not name_zh:
            problems.append(gettext("line %(line)s: the Chinese name is missing") % {"line": number})
        elif (table, code) in seen:
            problems.append(
                gettext("line %(line)s: %(table)s %(code)s appears twice")
                % {"line": number, "table": table, "code": code}
            )
        else:
            seen.add((table, code))
            rows.append(Row(table, code, name_zh, name_en))
    if not rows and not problems:
        problems.append(gettext("the file holds no codes"))
    if problems:
        raise _malformed(problems)
    return rows


def apply_rows(model, rows: list[Row], *, edition: str, today: dt.date) -> LoadResult:
    """Upsert ``rows`` into ``model`` (the CustomsCode model, or its historical version in a
    migration); the caller holds the transaction."""
    result = LoadResult(edition=edition)
    tables = sorted({row.table for row in rows})
    existing = {(c.table, c.code): c for c in model.objects.select_for_update().filter(table__in=tables)}
    create, update = [], []
    for row in rows:
        current = existing.get((row.table, row.code))
        if current is None:
            create.append(
                model(
                    table=row.table,
                    code=row.code,
                    name_zh=row.name_zh,
                    name_en=row.name_en,
                    valid_from=today,
                    edition=edition,
                )
            )
            result.added.append((row.table, row.code))
            continue
        renamed = (current.name_zh, current.name_en) != (row.name_zh, row.name_en)
        if current.valid_to is not None:  # retired by an earlier edition, listed again
            current.valid_to, current.valid_from = None, today
            result.added.append((row.table, row.code))
        elif renamed:
            result.changed.append((row.table, row.code))
        else:
            result.unchanged += 1
            continue
        current.name_zh, current.name_en, current.edition = row.name_zh, row.name_en, edition
        update.append(current)
    listed = {(row.table, row.code) for row in rows}
    for key, current in existing.items():
        if key not in listed and current.valid_to is None:
            current.valid_to = today
            update.append(current)
            result.retired.append(key)
    model.objects.bulk_create(create, batch_size=1000)
    model.objects.bulk_update(
        update, ["name_zh", "name_en", "valid_from", "valid_to", "edition"], batch_size=1000
    )
    return result


def code_tables_load(*, path=None, edition: str | None = None, today: dt.date | None = None) -> LoadResult:
    """Load an edition file (default: the shipped edition) in one transaction."""
    from . import lookup
    from .models import CustomsCode

    path = Path(path) if path else SHIPPED_FILE
    edition = (edition or path.stem).strip()[:40]
    if not edition:
        raise ApplicationError("edition_required", _("Name the edition (--edition)."))
    rows = edition_read(path)
    with transaction.atomic():
        result = apply_rows(CustomsCode, rows, edition=edition, today=today or timezone.localdate())
        transaction.on_commit(lookup.clear_cache)
    lookup.clear_cache()
    return result
