"""A fresh database (tests, demo, CI) has the shipped edition of the tables from the start."""

import datetime as dt

from django.db import migrations


def load_shipped(apps, schema_editor):
    from customs_portal.code_tables.services import SHIPPED_EDITION, SHIPPED_FILE, apply_rows, edition_read

    model = apps.get_model("code_tables", "CustomsCode")
    apply_rows(model, edition_read(SHIPPED_FILE), edition=SHIPPED_EDITION, today=dt.date(2022, 6, 5))


class Migration(migrations.Migration):
    dependencies = [("code_tables", "0001_initial")]

    operations = [migrations.RunPython(load_shipped, migrations.RunPython.noop)]
