# Intake refusals become stored texts (read in each reader's language); old rows keep their text.

import customs_portal.texts
from customs_portal.text_migrations import TextToStoredText
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0010_history_reason_stored_text"),
    ]

    operations = [
        TextToStoredText(
            model_name="intakerejection",
            name="reason",
            field=customs_portal.texts.StoredTextField(blank=True, default=str, verbose_name="reason"),
        ),
    ]
