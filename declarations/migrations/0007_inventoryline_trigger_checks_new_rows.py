"""The lines' UPDATE trigger checks the rows' new lists too, not only their old ones.

0005/0006 gave the UPDATE trigger only the OLD transition table, so an UPDATE that moved lines
of a stored list into a declared one (``SET inventory_id = <declared list>``) passed: the old
list was not declared. The UPDATE trigger now sees both tables and refuses the statement when
any row comes from or goes to a declared list. The lists are still looked up by primary key
(``id = ANY(...)``, see 0006), so the check stays a few milliseconds whatever the table's size.
INSERT and DELETE keep 0006's function (one transition table each).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION declarations_inventoryline_frozen_update_stmt() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM declarations_inventory i
        WHERE i.id = ANY (ARRAY(
                SELECT o.inventory_id FROM old_lines o
                UNION
                SELECT n.inventory_id FROM new_lines n))
          AND i.app_status = '2'
    ) THEN
        RAISE EXCEPTION 'the lines of a declared inventory may not be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS declarations_inventoryline_frozen_update ON declarations_inventoryline;
CREATE TRIGGER declarations_inventoryline_frozen_update
    AFTER UPDATE ON declarations_inventoryline
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_inventoryline_frozen_update_stmt();
"""

REVERSE = """
DROP TRIGGER IF EXISTS declarations_inventoryline_frozen_update ON declarations_inventoryline;
DROP FUNCTION IF EXISTS declarations_inventoryline_frozen_update_stmt();
CREATE TRIGGER declarations_inventoryline_frozen_update
    AFTER UPDATE ON declarations_inventoryline REFERENCING OLD TABLE AS changed_lines
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_inventoryline_frozen_stmt();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0006_inventoryline_trigger_index_lookup")]

    operations = [migrations.RunPython(forward, reverse)]
