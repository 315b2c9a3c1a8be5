"""Bulk import of authorizations by a broker (the agent), from CSV or XLSX, all or nothing.

One set of rules for the browser (preview, then confirm) and for ``import_authorizations``.
Columns: principal_uscc, contact_name, contact_phone, contact_email, scope, valid_from,
valid_to, auto_renew. ``contact_*`` are the principal's contact person. Rows are numbered from
1 (the first data row). A row whose principal already has an open or approved authorization
with this broker on exactly the same terms changes nothing, so importing a file twice creates
nothing the second time.

Imported rows carry no power of attorney: the principal uploads the signed power of attorney
when it confirms (the confirmation form requires it); where the principal confirms
automatically the file reaches review without it and customs cannot approve it until the
document arrives as supplementary material.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import ValidationError as StdnumError

from customs_portal import texts
from customs_portal.errors import ApplicationError
from registration.models import Enterprise

from .models import Authorization, AuthorizationHistory, AuthorizationStatus, HistoryEvent, Party, Scope

COLUMNS = (
    "principal_uscc",
    "contact_name",
    "contact_phone",
    "contact_email",
    "scope",
    "valid_from",
    "valid_to",
    "auto_renew",
)
MAX_ROWS = 5000
YES = {"yes", "y", "true", "1", "是", "on"}
NO = {"no", "n", "false", "0", "否", "off", ""}
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
S = AuthorizationStatus
# An authorization in one of these counts as "existing" for the pair (agent, principal).
OPEN_STATUSES = (S.DRAFT, S.AWAITING_CONFIRMATION, S.UNDER_REVIEW, S.SUPPLEMENT_REQUESTED, S.APPROVED)
UPDATABLE_STATUSES = (S.DRAFT, S.AWAITING_CONFIRMATION)


@dataclass
class ImportRow:
    number: int
    raw: dict
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    action: str = ""  # "create", "update", "unchanged"
    principal = None
    existing: Authorization | None = None

    def error(self, column: str, reason) -> None:
        self.errors.append((column, str(reason)))


@dataclass
class ImportResult:
    rows: list[ImportRow]
    header_errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    saved: bool = False

    @property
    def errors(self) -> list[str]:
        """Every problem as ``row N: FIELD: reason``."""
        lines = list(self.header_errors)
        for row in self.rows:
            lines += [f"row {row.number}: {column}: {reason}" for column, reason in row.errors]
        return lines

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def planned(self) -> dict:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            if row.action:
                counts[row.action] += 1
        return counts


# --- reading files --------------------------------------------------------------------------
def _cell(value) -> str | dt.date:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(content: bytes, filename: str) -> tuple[list[str], list[dict]]:
    """Header and data rows (dicts) of a CSV (UTF-8) or XLSX file; ApplicationError if unreadable."""
    name = filename.lower()
    if name.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many types for a broken file
            raise ApplicationError(
                "unreadable_file", _("The file is not a readable XLSX workbook.")
            ) from None
        sheet = workbook.worksheets[0]
        lines = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    elif name.endswith(".csv") or name.endswith(".txt"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ApplicationError("unreadable_file", _("The CSV file must be encoded in UTF-8.")) from None
        try:
            lines = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise ApplicationError("unreadable_file", _("The CSV file is malformed: %s") % exc) from None
    else:
        raise ApplicationError("bad_file_type", _("Upload a CSV (UTF-8) or XLSX file."))
    lines = [line for line in lines if any(c != "" for c in line)]
    if not lines:
        raise ApplicationError("empty_file", _("The file is empty."))
    header = [str(c).strip().lower() for c in lines[0]]
    rows = []
    for line in lines[1:]:
        padded = list(line) + [""] * (len(header) - len(line))
        rows.append({header[i]: padded[i] for i in range(len(header)) if header[i]})
    if len(rows) > MAX_ROWS:
        raise ApplicationError(
            "too_many_rows",
            _("The file has %(rows)s rows; import at most %(max)s at once.")
            % {"rows": len(rows), "max": MAX_ROWS},
        )
    return header, rows


# --- validating -----------------------------------------------------------------------------
def _date(row: ImportRow, column: str) -> dt.date | None:
    value = row.raw.get(column, "")
    if isinstance(value, dt.date):
        return value
    value = str(value).strip()
    if not value:
        row.error(column, _("required"))
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    row.error(column, _("not a date (YYYY-MM-DD): %(value)s") % {"value": value})
    return None


def _validate_row(row: ImportRow, today: dt.date) -> None:
    raw = {k: (v if isinstance(v, dt.date) else str(v).strip()) for k, v in row.raw.items()}
    code = str(raw.get("principal_uscc", "")).upper()
    if not code:
        row.error("principal_uscc", _("required"))
    else:
        try:
            row.values["principal_uscc"] = uscc_std.validate(code)
        except StdnumError:
            row.error(
                "principal_uscc", _("not a valid unified social credit code: %(value)s") % {"value": code}
            )
    name = raw.get("contact_name", "")
    if not name:
        row.error("contact_name", _("required"))
    elif len(name) > 100:
        row.error("contact_name", _("at most 100 characters"))
    else:
        row.values["contact_name"] = name
    phone = raw.get("contact_phone", "")
    if not phone:
        row.error("contact_phone", _("required"))
    elif not PHONE.match(phone):
        row.error("contact_phone", _("not a phone number: %(value)s") % {"value": phone})
    else:
        row.values["contact_phone"] = phone
    email = raw.get("contact_email", "")
    if not email:
        row.error("contact_email", _("required"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            row.error("contact_email", _("not an e-mail address: %(value)s") % {"value": email})
        else:
            row.values["contact_email"] = email
    scope = str(raw.get("scope", "")).lower()
    if scope not in Scope.values:
        row.error("scope", _("must be import, export or both, not “%(value)s”") % {"value": scope})
    else:
        row.values["scope"] = scope
    valid_from, valid_to = _date(row, "valid_from"), _date(row, "valid_to")
    if valid_from and valid_to:
        if valid_to <= valid_from:
            row.error("valid_to", _("must be after valid_from"))
        elif valid_to < today:
            row.error("valid_to", _("the validity period is already over"))
        else:
            row.values["valid_from"], row.values["valid_to"] = valid_from, valid_to
    renew = str(raw.get("auto_renew", "")).lower()
    if renew in YES:
        row.values["auto_renew"] = True
    elif renew in NO:
        row.values["auto_renew"] = False
    else:
        row.error("auto_renew", _("must be yes or no, not “%(value)s”") % {"value": renew})


def _same_terms(existing: Authorization, values: dict) -> bool:
    return (
        existing.scope == values["scope"]
        and existing.valid_from == values["valid_from"]
        and existing.valid_to == values["valid_to"]
        and existing.auto_renew == values["auto_renew"]
        and existing.principal_contact_name == values["contact_name"]
        and existing.principal_contact_phone == values["contact_phone"]
        and existing.principal_contact_email == values["contact_email"]
    )


def validate_rows(*, agent, rows: list[dict], header: list[str] | None = None, today=None) -> ImportResult:
    """Check every row (no writes); each row gets its errors or its planned action."""
    from .services import agent_candidates, principal_candidates

    today = today or timezone.localdate()
    result = ImportResult(rows=[ImportRow(number=i, raw=raw) for i, raw in enumerate(rows, start=1)])
    if header is not None:
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            # "FIELD: reason", like the row problems: the column part is never translated
            result.header_errors.append(
                "header: " + _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}
            )
            return result
    if not agent_candidates().filter(pk=agent.pk).exists():
        result.header_errors.append(
            "agent: " + _("only a customs broker approved by customs can import authorizations")
        )
        return result
    for row in result.rows:
        _validate_row(row, today)
    # One query for every principal, one for every existing authorization.
    codes = {row.values["principal_uscc"] for row in result.rows if "principal_uscc" in row.values}
    enterprises = {e.uscc: e for e in principal_candidates().filter(uscc__in=codes)}
    known = set(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    existing: dict[int, list[Authorization]] = {}
    for auth in Authorization.objects.filter(
        agent=agent, principal__uscc__in=codes, status__in=OPEN_STATUSES
    ).order_by("-pk"):
        existing.setdefault(auth.principal_id, []).append(auth)
    seen: dict[str, int] = {}
    for row in result.rows:
        code = row.values.get("principal_uscc")
        if not code:
            continue
        if code in seen:
            row.error(
                "principal_uscc", _("the same principal is already in row %(row)s") % {"row": seen[code]}
            )
            continue
        seen[code] = row.number
        principal = enterprises.get(code)
        if principal is None:
            reason = (
                _("not a goods owner or e-commerce enterprise approved by customs")
                if code in known
                else _("no enterprise with this code is registered")
            )
            row.error("principal_uscc", reason)
            continue
        if principal.pk == agent.pk:
            row.error("principal_uscc", _("an enterprise cannot authorize itself"))
            continue
        row.principal = principal
        if row.errors:
            continue
        matches = existing.get(principal.pk, [])
        same = next((a for a in matches if _same_terms(a, row.values)), None)
        updatable = next((a for a in matches if a.status in UPDATABLE_STATUSES), None)
        if same is not None:
            row.action, row.existing = "unchanged", same
        elif updatable is not None:
            row.action, row.existing = "update", updatable
        elif any(a.status != S.APPROVED for a in matches):
            row.error(
                "principal_uscc",
                _("an authorization with this principal is already with customs; wait for its decision"),
            )
        else:
            row.action = "create"
    return result


def import_rows(
    *, agent, rows: list[dict], header=None, actor=None, dry_run: bool = False, today=None
) -> ImportResult:
    """Validate every row; if all are valid (and not a dry run) save them in one transaction."""
    from . import services
    from .services import authorization_create

    result = validate_rows(agent=agent, rows=rows, header=header, today=today)
    if not result.is_valid or dry_run:
        result.created, result.updated = result.planned["create"], result.planned["update"]
        return result
    with transaction.atomic():
        # One import per broker at a time: lock the broker's row, then check again, so a
        # concurrent import of the same file cannot create the same authorizations twice.
        Enterprise.objects.select_for_update().only("pk").get(pk=agent.pk)
        result = validate_rows(agent=agent, rows=rows, header=header, today=today)
        if not result.is_valid:
            return result
        for row in result.rows:
            v = row.values
            contact = {
                "contact_name": v["contact_name"],
                "contact_phone": v["contact_phone"],
                "contact_email": v["contact_email"],
            }
            if row.action == "create":
                authorization_create(
                    enterprise=agent,
                    as_party=Party.AGENT,
                    counterparty=row.principal,
                    scope=v["scope"],
                    valid_from=v["valid_from"],
                    valid_to=v["valid_to"],
                    auto_renew=v["auto_renew"],
                    counterparty_contact=contact,
                    actor=actor,
                    imported=True,
                    today=today,
                )
                result.created += 1
            elif row.action == "update":
                # Not yet confirmed by the principal: the broker's file replaces the proposed
                # terms, and the timeline says so.
                AuthorizationHistory.objects.create(
                    authorization_id=row.existing.pk,
                    actor=actor if getattr(actor, "pk", None) else None,
                    from_status=row.existing.status,
                    to_status=row.existing.status,
                    event=HistoryEvent.IMPORT_UPDATE,
                    reason=texts.stored(services.IMPORTED),
                )
                Authorization.objects.filter(pk=row.existing.pk).update(
                    scope=v["scope"],
                    valid_from=v["valid_from"],
                    valid_to=v["valid_to"],
                    auto_renew=v["auto_renew"],
                    principal_contact_name=v["contact_name"],
                    principal_contact_phone=v["contact_phone"],
                    principal_contact_email=v["contact_email"],
                    updated_at=timezone.now(),
                )
                result.updated += 1
        result.saved = True
    return result
