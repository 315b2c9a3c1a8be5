"""Bulk writes for the hot paths: many rows of one model in a statement or two.

On PostgreSQL ``rows_insert`` uses ``COPY`` (or one ``INSERT … VALUES … RETURNING`` page per
1,000 rows when the keys are needed back) and ``rows_update`` one ``UPDATE … FROM (VALUES …)``:
Django's ``bulk_create``/``bulk_update`` spend more time compiling SQL in Python than the
database spends writing. On the embedded SQLite default they fall back to Django's own
statements. No model ``save()`` runs: callers have already checked and prepared the rows.
The statements go through psycopg2's cursor directly, inside Django's error wrapper, so a
refused row raises ``django.db.IntegrityError`` as any ORM write would (the intake's
"send again" answer to a concurrent duplicate relies on it).
"""

from __future__ import annotations

import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction


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
    with connection.cursor() as cursor, connection.wrap_database_errors:
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


def rows_insert(rows: list, *, returning: bool = False, ignore_conflicts: bool = False) -> list:
    """INSERT many new rows of one model: ``COPY`` when no keys are needed back, else one
    ``INSERT ... VALUES ... RETURNING`` page per 1,000 rows.

    The hot intake path writes tens of thousands of rows a minute; ``bulk_create`` spends
    more time compiling SQL in Python than PostgreSQL spends inserting. ``returning`` sets
    the primary keys on the objects (as ``bulk_create`` does on PostgreSQL).
    ``ignore_conflicts`` skips the rows a unique constraint refuses (``ON CONFLICT DO
    NOTHING``, as ``bulk_create(ignore_conflicts=True)``): the rows are copied into a
    temporary table first, then inserted from it in one statement; no keys come back.
    """
    if not rows:
        return rows
    if returning and ignore_conflicts:
        raise ValueError("rows_insert: returning and ignore_conflicts do not go together")
    if connection.vendor != "postgresql":  # the embedded SQLite default: Django's own statement
        return type(rows[0]).objects.bulk_create(rows, batch_size=500, ignore_conflicts=ignore_conflicts)
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
        table = quote(meta.db_table)
        if not ignore_conflicts:
            with connection.cursor() as cursor, connection.wrap_database_errors:
                cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            return rows
        # copied into a staging table, then one INSERT … ON CONFLICT DO NOTHING; in a savepoint
        # when the caller holds a transaction, so that a failure leaves no staging table behind
        staging = quote(f"{meta.db_table}_staging")
        with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.execute(
                f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"
            )
            cursor.cursor.copy_expert(f"COPY {staging} ({columns}) FROM STDIN", buffer)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} ON CONFLICT DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {staging}")
        return rows
    converters = [_converter(f) for f in fields]
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES %s RETURNING {quote(meta.pk.column)}"
    values = [[convert(row) for convert in converters] for row in rows]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        ids = execute_values(cursor.cursor, sql, values, page_size=1000, fetch=True)
    for row, (pk,) in zip(rows, ids, strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = connection.alias
    return rows
