# History reasons become stored texts (rendered in the reader's language); old rows keep their text.

import customs_portal.texts
from customs_portal.text_migrations import TextToStoredText
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0005_credentials"),
    ]

    operations = [
        TextToStoredText(
            model_name="enterprisehistory",
            name="reason",
            field=customs_portal.texts.StoredTextField(blank=True, default=str, verbose_name="reason"),
        ),
        TextToStoredText(
            model_name="namechangehistory",
            name="reason",
            field=customs_portal.texts.StoredTextField(blank=True, default=str, verbose_name="reason"),
        ),
    ]
