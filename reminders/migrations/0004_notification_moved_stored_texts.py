"""Notifications move to their own app, and what reminders and notifications say becomes stored
texts (customs_portal.texts: a message id with parameters, as JSON).

The rows are kept: the table is renamed to notifications_notification here, then the model's
state is handed to notifications.0001 (state only). Each old title and body becomes a JSON string
holding its plain text, which customs_portal.texts.render shows as it was stored.
"""

import json

from django.db import migrations, models


def _quote_as_json(apps, schema_editor):
    """Turn every title and body into a JSON string (so the column can become JSON)."""
    connection = schema_editor.connection
    for table in ("notifications_notification", "reminders_reminder"):
        quoted = connection.ops.quote_name(table)
        if connection.vendor == "postgresql":
            schema_editor.execute(
                f"UPDATE {quoted} SET title = to_json(title)::text, body = to_json(body)::text"
            )
        elif connection.vendor == "sqlite":
            schema_editor.execute(f"UPDATE {quoted} SET title = json_quote(title), body = json_quote(body)")
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id, title, body FROM {quoted}")
                rows = cursor.fetchall()
                cursor.executemany(
                    f"UPDATE {quoted} SET title = %s, body = %s WHERE id = %s",
                    [(json.dumps(t), json.dumps(b), pk) for pk, t, b in rows],
                )
    if connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the columns are altered next


def _unquote(apps, schema_editor):
    """Back to plain text: a stored text (not a string) is kept as its JSON."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for table in ("notifications_notification", "reminders_reminder"):
        quoted = connection.ops.quote_name(table)
        for column in ("title", "body"):
            schema_editor.execute(
                f"UPDATE {quoted} SET {column} = CASE WHEN json_typeof({column}::json) = 'string' "
                f"THEN {column}::json #>> '{{}}' ELSE {column} END"
            )
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the columns are altered next


def _as_text(name):
    return [
        migrations.AlterField(model_name=name, name="title", field=models.TextField(verbose_name="title")),
        migrations.AlterField(
            model_name=name, name="body", field=models.TextField(blank=True, verbose_name="message")
        ),
    ]


def _as_json(name):
    return [
        migrations.AlterField(model_name=name, name="title", field=models.JSONField(verbose_name="title")),
        migrations.AlterField(
            model_name=name,
            name="body",
            field=models.JSONField(blank=True, default=str, verbose_name="message"),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_reminder_delivery_lease"),
    ]

    operations = [
        migrations.AlterModelTable(name="notification", table="notifications_notification"),
        *_as_text("notification"),
        *_as_text("reminder"),
        migrations.RunPython(_quote_as_json, _unquote),
        *_as_json("notification"),
        *_as_json("reminder"),
        # the model now belongs to the notifications app (notifications.0001 takes its state)
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
