# History reasons become stored texts (rendered in the reader's language); old rows keep their text.

import customs_portal.texts
from customs_portal.text_migrations import TextToStoredText
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0009_admin_queue_indexes"),
    ]

    operations = [
        TextToStoredText(
            model_name="goodshistory",
            name="reason",
            field=customs_portal.texts.StoredTextField(blank=True, default=str, verbose_name="reason"),
        ),
        TextToStoredText(
            model_name="inventoryhistory",
            name="reason",
            field=customs_portal.texts.StoredTextField(blank=True, default=str, verbose_name="reason"),
        ),
    ]
