"""PostgreSQL keeps a declared list's lines frozen, whichever side of an UPDATE they are on."""

import pytest
from django.db import IntegrityError, connection, transaction

from declarations.models import InventoryLine

from .inventory_rows import make_inventory

pytestmark = pytest.mark.postgres  # PostgreSQL statement triggers (migrations 0004-0007)

FROZEN = "lines of a declared inventory"


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _lines(inventory):
    return sorted(InventoryLine.objects.filter(inventory=inventory).values_list("gnum", "total_price"))


@pytest.fixture
def lists(enterprise):
    declared = make_inventory(ebc=enterprise, status="released", lines=2)
    stored = make_inventory(ebc=enterprise, status="stored", lines=2)
    other_stored = make_inventory(ebc=enterprise, status="stored", lines=1)
    assert declared.app_status == "2" and stored.app_status == "1"
    return declared, stored, other_stored


def test_an_update_that_moves_lines_into_a_declared_list_is_refused(lists):
    declared, stored, _ = lists
    before = (_lines(declared), _lines(stored))
    with pytest.raises(IntegrityError, match=FROZEN):
        _raw(
            "UPDATE declarations_inventoryline SET inventory_id = %s, gnum = gnum + 100 "
            "WHERE inventory_id = %s",
            [declared.pk, stored.pk],
        )
    assert (_lines(declared), _lines(stored)) == before


def test_one_line_slipped_into_a_declared_list_among_other_changes_is_refused(lists):
    declared, stored, other_stored = lists
    moved = InventoryLine.objects.filter(inventory=stored).order_by("gnum").first()
    with pytest.raises(IntegrityError, match=FROZEN):
        _raw(
            "UPDATE declarations_inventoryline "
            "SET inventory_id = CASE WHEN id = %s THEN %s ELSE inventory_id END, gnum = gnum + 100 "
            "WHERE inventory_id IN (%s, %s)",
            [moved.pk, declared.pk, stored.pk, other_stored.pk],
        )
    assert InventoryLine.objects.filter(inventory=declared).count() == 2


def test_a_declared_lists_lines_still_cannot_be_moved_out_or_changed(lists):
    declared, stored, _ = lists
    with pytest.raises(IntegrityError, match=FROZEN):
        _raw(
            "UPDATE declarations_inventoryline SET inventory_id = %s, gnum = gnum + 100 "
            "WHERE inventory_id = %s",
            [stored.pk, declared.pk],
        )
    with pytest.raises(IntegrityError, match=FROZEN):
        _raw("UPDATE declarations_inventoryline SET total_price = 1 WHERE inventory_id = %s", [declared.pk])


def test_a_stored_lists_lines_may_change_and_move_between_stored_lists(lists):
    declared, stored, other_stored = lists
    _raw("UPDATE declarations_inventoryline SET total_price = 1 WHERE inventory_id = %s", [stored.pk])
    assert [price for _, price in _lines(stored)] == [1, 1]
    _raw(
        "UPDATE declarations_inventoryline SET inventory_id = %s, gnum = gnum + 100 WHERE inventory_id = %s",
        [other_stored.pk, stored.pk],
    )
    assert [gnum for gnum, _ in _lines(other_stored)] == [1, 101, 102]
    assert _lines(stored) == [] and len(_lines(declared)) == 2
