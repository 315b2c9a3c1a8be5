"""The lines' freeze, checked once per statement instead of once per row.

Same rule as 0004 (a declared list's lines can be neither inserted, changed nor deleted),
but a statement-level trigger looks at all the statement's rows in one query (transition
tables), so the intake's one INSERT of thousands of lines costs one check, not thousands.
"""

from django.db import migrations

CHECK = """
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

FORWARD = (
    "DROP TRIGGER IF EXISTS declarations_inventoryline_frozen ON declarations_inventoryline;"
    + CHECK
    + """
CREATE TRIGGER declarations_inventoryline_frozen_insert
    AFTER INSERT ON declarations_inventoryline REFERENCING NEW TABLE AS changed_lines
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_inventoryline_frozen_stmt();
CREATE TRIGGER declarations_inventoryline_frozen_update
    AFTER UPDATE ON declarations_inventoryline REFERENCING OLD TABLE AS changed_lines
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_inventoryline_frozen_stmt();
CREATE TRIGGER declarations_inventoryline_frozen_delete
    AFTER DELETE ON declarations_inventoryline REFERENCING OLD TABLE AS changed_lines
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_inventoryline_frozen_stmt();
"""
)

REVERSE = """
DROP TRIGGER IF EXISTS declarations_inventoryline_frozen_insert ON declarations_inventoryline;
DROP TRIGGER IF EXISTS declarations_inventoryline_frozen_update ON declarations_inventoryline;
DROP TRIGGER IF EXISTS declarations_inventoryline_frozen_delete ON declarations_inventoryline;
DROP FUNCTION IF EXISTS declarations_inventoryline_frozen_stmt();
CREATE TRIGGER declarations_inventoryline_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON declarations_inventoryline
    FOR EACH ROW EXECUTE FUNCTION declarations_inventoryline_frozen();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0004_declared_inventory_trigger")]

    operations = [migrations.RunPython(forward, reverse)]
