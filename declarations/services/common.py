"""Pieces every intake batch service shares: receipt codes, party resolution, rejections.

A batch is checked in memory against a handful of queries made once per batch (never one
per entry or per line), then written with ``bulk_create``. Every entry is its own unit: a
refused entry writes nothing but its rejection record.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.models import Enterprise

from ..models import IntakeRejection
from .receipts import ACCEPTED, DUPLICATE, REJECTED, Receipt

# Receipt codes (CEB: 2000-2999 business logic, 4000-9999 free for the implementer).
CODE_UNKNOWN_PARTY = "2001"  # the receiver (here: a party of the entry) does not exist
CODE_WRONG_ROLE = "4001"  # the enterprise does not hold the role the field needs
CODE_NO_AUTHORIZATION = "4002"  # the agent has no valid export authorization
CODE_KEY_TAKEN = "4004"  # the business key was already used by another message
CODE_NOT_CHANGEABLE = "4005"  # appType 2/3 refused (no such entry, or declared)
CODE_NOT_CANCELLABLE = "4006"  # CEB605 refused
CODE_NOT_DEPARTABLE = "4007"  # CEB509 names a parcel that is not released
CODE_IN_USE = "4008"  # a document an active declaration list relies on
CODE_BAD_VALUE = "4009"  # a value the schema allows but the rules do not
CODE_CONFLICT = "3001"  # system: a concurrent message wrote the same key; send again

APP_NEW, APP_CHANGE, APP_DELETE = "1", "2", "3"


def info(code: str, message: str) -> str:
    return f"{code}: {message}"[:1000]  # returnInfo holds at most 1,000 characters


def accepted(entry: dict, key_field: str, text: str = "") -> Receipt:
    return Receipt(guid=entry.get("guid", ""), key=entry.get(key_field, ""), status=ACCEPTED, info=text)


def duplicate(entry: dict, key_field: str, text: str = "") -> Receipt:
    return Receipt(
        guid=entry.get("guid", ""),
        key=entry.get(key_field, ""),
        status=DUPLICATE,
        info=text or _("This message was already received; nothing changed."),
    )


def rejected(entry: dict, key_field: str, text: str) -> Receipt:
    return Receipt(
        guid=entry.get("guid", ""), key=entry.get(key_field, ""), status=REJECTED, info=text[:1000]
    )


class Parties:
    """Approved enterprises by customs code and USCC, fetched in one query per batch."""

    def __init__(self, codes: Iterable[str]):
        codes = {code for code in codes if code}
        self.by_code: dict[str, Enterprise] = {}
        if codes:
            for enterprise in Enterprise.objects.approved().filter(
                Q(customs_code__in=codes) | Q(uscc__in=codes)
            ):
                for code in (enterprise.customs_code, enterprise.uscc):
                    if code:
                        self.by_code[code] = enterprise

    def get(self, code: str) -> Enterprise | None:
        return self.by_code.get(code)

    def check(self, entry: dict, field: str, roles: tuple[str, ...], errors: list[str]) -> Enterprise | None:
        """The enterprise behind ``entry[field]`` holding one of ``roles``; else note why not."""
        code = entry.get(field, "")
        enterprise = self.by_code.get(code)
        if enterprise is None:
            errors.append(
                info(
                    CODE_UNKNOWN_PARTY,
                    _("%(field)s %(code)s: no approved enterprise has this code")
                    % {"field": field, "code": code},
                )
            )
            return None
        if roles and not any(enterprise.has_role(role) for role in roles):
            errors.append(
                info(
                    CODE_WRONG_ROLE,
                    _("%(field)s %(code)s: %(name)s is not registered as %(roles)s")
                    % {
                        "field": field,
                        "code": code,
                        "name": enterprise.name,
                        "roles": " / ".join(str(ROLE_NAMES[role]) for role in roles),
                    },
                )
            )
            return None
        return enterprise


def _role_names():
    from registration.models import Role

    return {role.value: role.label for role in Role}


class _LazyRoleNames(dict):
    def __missing__(self, key):
        self.update(_role_names())
        return dict.__getitem__(self, key)


ROLE_NAMES = _LazyRoleNames()


def codes_of(entries: list[dict], fields: Iterable[str]) -> set[str]:
    fields = tuple(fields)
    return {entry.get(name, "") for entry in entries for name in fields}


def parse_ceb_time(value: str) -> dt.datetime:
    """``yyyyMMddHHmmss`` (Beijing time, as CEB messages write it) as an aware datetime."""
    naive = dt.datetime.strptime(value[:14], "%Y%m%d%H%M%S")
    return timezone.make_aware(naive, timezone.get_default_timezone())


def intake_rejection_record_many(*, sender, rejections: list[dict]) -> list[IntakeRejection]:
    """Keep refused entries for the sender's clearance error log (one query and one COPY).

    Each rejection: ``{"kind", "key", "guid", "reason", "payload"}``. The same refusal of the
    same message (guid) is kept once: a message sent twice leaves nothing new.
    """
    rows = [
        IntakeRejection(
            sender=sender,
            kind=str(r.get("kind", ""))[:20],
            key=str(r.get("key") or "")[:60],
            guid=str(r.get("guid") or "")[:36],
            reason=str(r.get("reason", "")),
            payload=r.get("payload") or {},
        )
        for r in rejections
    ]
    guids = {row.guid for row in rows if row.guid}
    seen = set(
        IntakeRejection.objects.filter(sender=sender, guid__in=guids).values_list(
            "kind", "key", "guid", "reason"
        )
        if guids
        else ()
    )
    fresh = []
    for row in rows:
        identity = (row.kind, row.key, row.guid, row.reason)
        if row.guid and identity in seen:
            continue
        seen.add(identity)
        fresh.append(row)
    return rows_insert(fresh)


def record_rejected_receipts(*, sender, kind: str, pairs: list[tuple[dict, Receipt]]) -> None:
    """The service's own refusals (business rules), recorded like the intake's."""
    rejections = [
        {"kind": kind, "key": receipt.key, "guid": receipt.guid, "reason": receipt.info, "payload": entry}
        for entry, receipt in pairs
        if receipt.status == REJECTED
    ]
    if rejections:
        intake_rejection_record_many(sender=sender, rejections=rejections)


def rows_update(rows: list, fields: list[str]) -> None:
    """Write ``fields`` of many rows in one ``UPDATE ... FROM (VALUES ...)``.

    Django's ``bulk_update`` builds a CASE WHEN per row and field, which costs more in Python
    than the database spends on the update; this is the same statement PostgreSQL-native.
    Used for status moves only (the FSM methods have already checked each move in memory).
    """
    if not rows:
        return
    if connection.vendor != "postgresql":  # the embedded SQLite default: Django's own statement
        type(rows[0]).objects.bulk_update(rows, fields, batch_size=500)
        return
    from psycopg2.extras import execute_values

    model = type(rows[0])
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    concrete = [meta.get_field(name) for name in fields]
    columns = [field.column for field in concrete]
    template = "(%s::bigint, " + ", ".join(f"%s::{field.db_type(connection)}" for field in concrete) + ")"
    values = [
        [row.pk] + [field.get_db_prep_save(getattr(row, field.attname), connection) for field in concrete]
        for row in rows
    ]
    assignments = ", ".join(
        f"{connection.ops.quote_name(c)} = v.{connection.ops.quote_name(c)}" for c in columns
    )
    names = ", ".join(["id", *(connection.ops.quote_name(c) for c in columns)])
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f"UPDATE {table} AS t SET {assignments} FROM (VALUES %s) AS v({names}) WHERE t.id = v.id",  # noqa: S608
            values,
            template=template,
            page_size=1000,
        )


def _converter(field, raw_json: bool = False):
    """How one field's value goes to psycopg2: as is where psycopg2 adapts it natively (text,
    numbers, Decimal, aware datetimes, ids), through Django only where Django must act."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda row: field.pre_save(row, True)
    if isinstance(field, models.JSONField) and raw_json:
        return lambda row: json.dumps(getattr(row, field.attname), cls=field.encoder or DjangoJSONEncoder)
    if isinstance(field, models.JSONField):
        return lambda row: field.get_db_prep_save(getattr(row, field.attname), connection)
    attname = field.attname
    return lambda row: getattr(row, attname)


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, cls=DjangoJSONEncoder)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def rows_insert(rows: list, *, returning: bool = False) -> list:
    """INSERT many new rows of one model: ``COPY`` when no keys are needed back, else one
    ``INSERT ... VALUES ... RETURNING`` page per 1,000 rows.

    The hot intake path writes tens of thousands of rows a minute; ``bulk_create`` spends
    more time compiling SQL in Python than PostgreSQL spends inserting. ``returning`` sets
    the primary keys on the objects (as ``bulk_create`` does on PostgreSQL).
    """
    if not rows:
        return rows
    if connection.vendor != "postgresql":  # the embedded SQLite default: Django's own statement
        return type(rows[0]).objects.bulk_create(rows, batch_size=500)
    from psycopg2.extras import execute_values

    model = type(rows[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    if not returning:
        converters = [_converter(f, raw_json=True) for f in fields]
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_text(convert(row)) for convert in converters))
            buffer.write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", buffer)
        return rows
    converters = [_converter(f) for f in fields]
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES %s RETURNING {quote(meta.pk.column)}"
    values = [[convert(row) for convert in converters] for row in rows]
    with connection.cursor() as cursor:
        ids = execute_values(cursor.cursor, sql, values, page_size=1000, fetch=True)
    for row, (pk,) in zip(rows, ids, strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = connection.alias
    return rows
