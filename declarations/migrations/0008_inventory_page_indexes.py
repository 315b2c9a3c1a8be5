"""Indexes for the trader's pages over millions of lists (keyset pages, no count, no sort).

One index per party column and status, newest received first, for the list page's UNION ALL
of per-party ranges; small partial indexes of the returned or rejected lists, last changed
first, for the clearance error logs; the sender's refused entries newest first. The one-column
indexes of the four party foreign keys are dropped once the composite ones (which lead with
the same column) exist, so intake writes as many index entries as before.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0007_inventoryline_trigger_checks_new_rows"),
        ("registration", "0003_sniffed_uploads_verification_throttle"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="intakerejection",
            index=models.Index(fields=["sender", "-created_at", "-id"], name="intakerejection_page_idx"),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                fields=["ebc_enterprise", "status", "-received_at", "-id"], name="inventory_ebc_page_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                fields=["agent_enterprise", "status", "-received_at", "-id"], name="inventory_agent_page_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                fields=["owner_enterprise", "status", "-received_at", "-id"], name="inventory_owner_page_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                fields=["ebp_enterprise", "status", "-received_at", "-id"], name="inventory_ebp_page_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                condition=models.Q(("status__in", ["returned", "rejected"])),
                fields=["ebc_enterprise", "-updated_at", "-id"],
                name="inventory_ebc_errors_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                condition=models.Q(("status__in", ["returned", "rejected"])),
                fields=["agent_enterprise", "-updated_at", "-id"],
                name="inventory_agent_errors_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                condition=models.Q(("status__in", ["returned", "rejected"])),
                fields=["owner_enterprise", "-updated_at", "-id"],
                name="inventory_owner_errors_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                condition=models.Q(("status__in", ["returned", "rejected"])),
                fields=["ebp_enterprise", "-updated_at", "-id"],
                name="inventory_ebp_errors_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="inventory",
            index=models.Index(
                condition=models.Q(("status__in", ["returned", "rejected"])),
                fields=["sender", "-updated_at", "-id"],
                name="inventory_sender_errors_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="intakerejection",
            name="intakerejection_sender_idx",
        ),
        migrations.AlterField(
            model_name="inventory",
            name="agent_enterprise",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registration.enterprise",
            ),
        ),
        migrations.AlterField(
            model_name="inventory",
            name="ebc_enterprise",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inventories",
                to="registration.enterprise",
            ),
        ),
        migrations.AlterField(
            model_name="inventory",
            name="ebp_enterprise",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registration.enterprise",
            ),
        ),
        migrations.AlterField(
            model_name="inventory",
            name="owner_enterprise",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registration.enterprise",
            ),
        ),
    ]
