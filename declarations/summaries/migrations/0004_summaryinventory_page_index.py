"""The form page reads a form's declaration lists a page at a time: (form, inventory) in order.

A form may hold hundreds of thousands of lists; with this index a page is the next 50 links
after a cursor, read in order, instead of a count and a sort of every list on the form.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0008_inventory_page_indexes"),
        ("summaries", "0003_inventory_link_without_foreign_key"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="summaryinventory",
            index=models.Index(fields=["form", "inventory"], name="summaryinventory_page_idx"),
        ),
    ]
