"""Notifications move here from reminders/; the table and its rows are kept.

reminders.0004 renamed the table to notifications_notification, turned title and body into
stored texts (JSON) and let go of the model's state; this migration only takes that state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registration", "0001_initial"),
        ("reminders", "0004_notification_moved_stored_texts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=50, verbose_name="kind")),
                        ("title", models.JSONField(verbose_name="title")),
                        ("body", models.JSONField(blank=True, default=str, verbose_name="message")),
                        ("link", models.CharField(blank=True, max_length=300, verbose_name="link")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                        (
                            "enterprise",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="registration.enterprise",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["user", "read_at"], name="notification_unread_idx")],
                    },
                ),
            ],
        ),
    ]
