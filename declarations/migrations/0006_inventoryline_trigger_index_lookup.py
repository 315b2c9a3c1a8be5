"""The lines' statement trigger looks the lists up by primary key.

0005 joined the statement's rows (a transition table, which has no statistics) to
``declarations_inventory`` filtered on ``app_status = '2'``. PostgreSQL estimated a handful
of declared lists and chose a nested loop over a sequential scan of every list: one INSERT
of 3,000 lines spent 2.7 s in the trigger on 11,000 lists (30 million comparisons), and the
cost grew with the table. Looking the statement's distinct lists up with ``id = ANY(...)``
on the primary key keeps the check at a few milliseconds whatever the table's size. The rule
is unchanged.
"""

from django.db import migrations

CHECK = """
CREATE OR REPLACE FUNCTION declarations_inventoryline_frozen_stmt() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM declarations_inventory i
        WHERE i.id = ANY (ARRAY(SELECT DISTINCT l.inventory_id FROM changed_lines l))
          AND i.app_status = '2'
    ) THEN
        RAISE EXCEPTION 'the lines of a declared inventory may not be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION declarations_inventoryline_frozen_stmt() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM changed_lines l JOIN declarations_inventory i ON i.id = l.inventory_id
        WHERE i.app_status = '2'
    ) THEN
        RAISE EXCEPTION 'the lines of a declared inventory may not be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHECK, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS, params=None)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0005_inventoryline_statement_trigger")]

    operations = [migrations.RunPython(forward, reverse)]
