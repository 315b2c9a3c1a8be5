"""A declared list is law-enforcement data: PostgreSQL refuses to change or delete it.

Once ``app_status`` is 2 (declared), an UPDATE may move only the status fields (status,
channel, return reasons and the time stamps); every declared column below is frozen, and a
DELETE is refused. Its goods lines can be neither inserted, changed nor deleted. The columns
are listed here, not read from the model, so a later status column added by another part is
free to move while the declared data stays frozen.
"""

from django.db import migrations

DECLARED_COLUMNS = [
    "guid", "app_time", "app_status", "customs_code", "ebp_code", "ebp_name", "order_no",
    "logistics_code", "logistics_name", "logistics_no", "cop_no", "pre_no", "invt_no", "ie_flag",
    "port_code", "ie_date", "statistics_flag", "agent_code", "agent_name", "ebc_code", "ebc_name",
    "owner_code", "owner_name", "iac_code", "iac_name", "ems_no", "trade_mode", "traf_mode",
    "traf_name", "voyage_no", "bill_no", "total_package_no", "loct_no", "license_no", "country",
    "pod", "freight", "f_currency", "f_flag", "insured_fee", "i_currency", "i_flag", "wrap_type",
    "pack_no", "gross_weight", "net_weight", "note", "ebp_enterprise_id", "ebc_enterprise_id",
    "agent_enterprise_id", "owner_enterprise_id", "logistics_enterprise_id", "sender_id",
    "total_value",
]  # fmt: skip


def _row(prefix: str) -> str:
    return "(" + ", ".join(f"{prefix}.{column}" for column in DECLARED_COLUMNS) + ")"


FORWARD = f"""
CREATE OR REPLACE FUNCTION declarations_inventory_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.app_status = '2' THEN
            RAISE EXCEPTION 'declared inventory % may not be deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.app_status = '2' AND {_row("NEW")} IS DISTINCT FROM {_row("OLD")} THEN
        RAISE EXCEPTION 'declared inventory % may not be modified (status fields excepted)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER declarations_inventory_frozen
    BEFORE UPDATE OR DELETE ON declarations_inventory
    FOR EACH ROW EXECUTE FUNCTION declarations_inventory_frozen();

CREATE OR REPLACE FUNCTION declarations_inventoryline_frozen() RETURNS trigger AS $$
DECLARE
    parent_status varchar;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT app_status INTO parent_status FROM declarations_inventory WHERE id = NEW.inventory_id;
    ELSE
        SELECT app_status INTO parent_status FROM declarations_inventory WHERE id = OLD.inventory_id;
    END IF;
    IF parent_status = '2' THEN
        RAISE EXCEPTION 'the lines of a declared inventory may not be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER declarations_inventoryline_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON declarations_inventoryline
    FOR EACH ROW EXECUTE FUNCTION declarations_inventoryline_frozen();
"""

REVERSE = """
DROP TRIGGER IF EXISTS declarations_inventoryline_frozen ON declarations_inventoryline;
DROP FUNCTION IF EXISTS declarations_inventoryline_frozen();
DROP TRIGGER IF EXISTS declarations_inventory_frozen ON declarations_inventory;
DROP FUNCTION IF EXISTS declarations_inventory_frozen();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0003_intake_rejection_departure_cancel")]

    operations = [migrations.RunPython(forward, reverse)]
