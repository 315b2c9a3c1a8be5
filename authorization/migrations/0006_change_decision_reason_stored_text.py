# A change request's decision reason becomes a stored text when the system writes it (read in
# the reader's language); reasons typed by reviewers, and old rows, keep their text.

import customs_portal.texts
from customs_portal.text_migrations import TextToStoredText
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("authorization", "0005_history_reason_stored_text"),
    ]

    operations = [
        TextToStoredText(
            model_name="authorizationchange",
            name="decision_reason",
            field=customs_portal.texts.StoredTextField(
                blank=True, default=str, verbose_name="reviewer's reason"
            ),
        ),
    ]
