"""load_duty_rates [FILE.csv] [--dry-run]: the export duty rate table, keyed by
(hs_prefix, effective_from); all rows or none. Without FILE: the set shipped with the portal
(declarations/duties/data/export_duty_rates.csv, an illustrative sample: see its source column).

Columns: hs_prefix,rate,effective_from,effective_to,source,description (rate a fraction: 0.2).
"""

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from declarations.duties.models import DutyRate

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "export_duty_rates.csv"
COLUMNS = ["hs_prefix", "rate", "effective_from", "effective_to", "source", "description"]


def _date(value: str):
    return dt.date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = "Load export duty rates from a CSV file (default: the set shipped with the portal)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SHIPPED))
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, dry_run, **options):
        try:
            with open(file, newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        if not rows or set(COLUMNS) - set(rows[0]):
            raise CommandError(f"{file}: the header must be {','.join(COLUMNS)}")
        errors, created, updated = [], 0, 0
        with transaction.atomic():
            for n, row in enumerate(rows, start=2):
                try:
                    values = {
                        "rate": Decimal(row["rate"].strip()),
                        "effective_to": _date(row["effective_to"].strip()),
                        "source": row["source"].strip(),
                        "description": row["description"].strip(),
                    }
                    start = _date(row["effective_from"].strip())
                    if start is None:
                        raise ValueError("effective_from: required")
                    rate = DutyRate.objects.filter(
                        hs_prefix=row["hs_prefix"].strip(), effective_from=start
                    ).first()
                    rate = rate or DutyRate(hs_prefix=row["hs_prefix"].strip(), effective_from=start)
                    is_new = rate.pk is None
                    for name, value in values.items():
                        setattr(rate, name, value)
                    rate.full_clean()
                    rate.save()
                except (ValueError, InvalidOperation) as exc:
                    errors.append(f"row {n}: {exc}")
                    continue
                except ValidationError as exc:
                    errors.extend(
                        f"row {n}: {field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
                    )
                    continue
                created, updated = created + is_new, updated + (not is_new)
            if errors or dry_run:
                transaction.set_rollback(True)
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(f"{len(errors)} problem(s); nothing saved")
        self.stdout.write(f"{'would create' if dry_run else 'created'} {created}, updated {updated}")
