"""Two officers deciding on the same red list at the same moment: one wins, one is told."""

import threading

import pytest
from django.db import connection

from customs_portal.errors import ApplicationError
from declarations.channels import services
from declarations.channels.models import RiskRule
from declarations.models import Inventory, InventoryHistory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            call()
            outcomes[i] = "ok"
        except ApplicationError as exc:
            outcomes[i] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_of_two_officers_deciding_at_once_the_second_gets_a_clear_error(
    make_declared, staff_factory, no_draw
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    RiskRule.objects.create(name="all", gcode_prefix="8", reason="everything")
    inventory = make_declared()
    services.inventory_route(inventory=inventory)
    first, second = staff_factory("risk_officer"), staff_factory("risk_officer")
    outcomes = _race(
        lambda: services.red_list_release(inventory=Inventory(pk=inventory.pk), actor=first),
        lambda: services.red_list_reject(inventory=Inventory(pk=inventory.pk), actor=second, reason="No"),
    )
    assert sorted(outcomes) == ["invalid_transition", "ok"]
    final = Inventory.objects.get(pk=inventory.pk).status
    assert final in ("released", "rejected")
    decided = InventoryHistory.objects.filter(inventory_id=inventory.pk, from_status="under_review")
    assert list(decided.values_list("to_status", flat=True)) == [final]


def test_a_list_routed_twice_at_once_is_routed_once(make_declared, no_draw):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    inventory = make_declared()
    outcomes = _race(
        lambda: services.inventory_route(inventory=Inventory.objects.get(pk=inventory.pk)),
        lambda: services.inventory_route(inventory=Inventory.objects.get(pk=inventory.pk)),
    )
    assert sorted(outcomes) == ["invalid_transition", "ok"]
    assert InventoryHistory.objects.filter(inventory_id=inventory.pk, from_status="declared").count() == 1
