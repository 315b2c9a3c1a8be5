"""Indexes for the customs admin queues over millions of lists.

The red-channel queue (status under_review, oldest declared first) and the released lists (status
released, last released first) are small slices of the inventory table: a partial index each
serves the queue's page and its count without reading the table. The cancellation requests and
the refused intake entries are listed newest first, across all senders.

Written as SQL rather than as model indexes: the inventory model's Meta is being reworked for
the trader's pages (0008) at the same time, and these indexes change nothing the ORM needs to
know; CREATE/DROP INDEX IF [NOT] EXISTS keep the migration safe to replay.
"""

from django.db import migrations

INDEXES = [
    (
        "inventory_red_queue_idx",
        "declarations_inventory (declared_at, id) WHERE status = 'under_review'",
    ),
    (
        "inventory_released_queue_idx",
        "declarations_inventory (released_at DESC, id DESC) WHERE status = 'released'",
    ),
    (
        "cancelrequest_queue_idx",
        "declarations_inventorycancelrequest (received_at DESC, id DESC)",
    ),
    (
        "intakerejection_queue_idx",
        "declarations_intakerejection (created_at DESC, id DESC)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("declarations", "0008_inventory_page_indexes")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
