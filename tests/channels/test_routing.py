"""Which channel a declared list goes to, and why (customs only)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from customs_portal import texts
from declarations.channels import services
from declarations.channels.models import ChannelDecision, ExchangeRate, InspectionSetting, RiskRule
from declarations.models import Goods, Inventory

pytestmark = pytest.mark.django_db


def _goods(enterprise, item_no, **flags):
    goods = Goods(
        enterprise=enterprise,
        item_no=item_no,
        name="商品",
        gcode="8518220000",
        unit="007",
        unit1="007",
        **flags,
    )
    goods.__dict__["status"] = "approved"
    goods.save()
    return goods


def test_a_list_no_rule_flags_is_released_in_the_green_channel(make_declared, no_draw):
    inventory = make_declared()
    assert services.inventory_route(inventory=inventory) == "green"
    inventory.refresh_from_db()
    assert (inventory.status, inventory.channel) == ("released", "green")
    assert inventory.released_at is not None
    entry = inventory.history.order_by("-pk").first()
    assert (entry.from_status, entry.to_status, entry.actor_label) == ("declared", "released", "system")
    decision = ChannelDecision.objects.get(inventory=inventory)
    assert decision.channel == "green" and decision.reasons == []


def test_the_callers_object_follows_the_routing(make_declared, no_draw):
    inventory = make_declared()
    services.inventory_route(inventory=inventory)
    assert inventory.status == "released" and inventory.channel == "green"


def test_a_commodity_code_prefix_rule_sends_the_list_to_the_red_queue(make_declared, no_draw):
    rule = RiskRule.objects.create(name="batteries", gcode_prefix="8507", reason="Lithium batteries")
    flagged = make_declared(lines=[{}, {"gcode": "8507600010"}])
    clean = make_declared()
    assert services.inventories_route(inventories=[flagged, clean]) == {flagged.pk: "red", clean.pk: "green"}
    flagged.refresh_from_db()
    assert (flagged.status, flagged.channel, flagged.released_at) == ("under_review", "red", None)
    decision = ChannelDecision.objects.get(inventory=flagged)
    assert decision.reasons == [{"code": "risk_rule", "message": "Lithium batteries", "rule": rule.pk}]


def test_a_destination_country_rule_matches_arrival_or_final_destination(make_declared, no_draw):
    RiskRule.objects.create(name="country", country="344", reason="Destination watched")
    by_arrival = make_declared(country="344")
    by_line = make_declared(lines=[{"country": "344"}])
    neither = make_declared()
    result = services.inventories_route(inventories=[by_arrival, by_line, neither])
    assert result == {by_arrival.pk: "red", by_line.pk: "red", neither.pk: "green"}


def test_a_dishonest_enterprise_rule_flags_lists_of_dishonest_parties(
    make_declared, enterprise_factory, no_draw
):
    RiskRule.objects.create(name="dishonest", dishonest_only=True, reason="Dishonest party")
    bad = enterprise_factory(roles=("owner", "ecommerce"), credit_rating="dishonest")
    assert services.inventory_route(inventory=make_declared(ebc=bad)) == "red"
    assert services.inventory_route(inventory=make_declared()) == "green"


def test_all_filled_criteria_of_a_rule_must_match(make_declared, no_draw):
    RiskRule.objects.create(name="both", gcode_prefix="8518", country="344", reason="Speakers to 344")
    assert services.inventory_route(inventory=make_declared()) == "green"  # 8518 but to 502
    assert services.inventory_route(inventory=make_declared(country="344")) == "red"


def test_an_inactive_rule_flags_nothing(make_declared, no_draw):
    RiskRule.objects.create(name="off", gcode_prefix="85", reason="off", active=False)
    assert services.inventory_route(inventory=make_declared()) == "green"


def test_a_value_rule_compares_the_value_in_rmb_at_the_months_rate(make_declared, no_draw):
    RiskRule.objects.create(name="value", value_above=Decimal("5000"), reason="High value")
    today = timezone.localdate().replace(day=1)
    ExchangeRate.objects.create(currency="502", month=today, rate=Decimal("7.1"))
    below = make_declared(lines=[{"currency": "502", "total_price": Decimal("700")}])  # 4,970 RMB
    above = make_declared(lines=[{"currency": "502", "total_price": Decimal("710")}])  # 5,041 RMB
    rmb_above = make_declared(lines=[{"total_price": Decimal("5000.01")}])
    rmb_at = make_declared(lines=[{"total_price": Decimal("5000")}])
    result = services.inventories_route(inventories=[below, above, rmb_above, rmb_at])
    assert result == {below.pk: "green", above.pk: "red", rmb_above.pk: "red", rmb_at.pk: "green"}


def test_a_value_rule_without_the_months_rate_sends_the_list_to_review_not_green(make_declared, no_draw):
    RiskRule.objects.create(name="value", value_above=Decimal("5000"), reason="High value")
    inventory = make_declared(lines=[{"currency": "303", "total_price": Decimal("1")}])
    assert services.inventory_route(inventory=inventory) == "red"
    assert ChannelDecision.objects.get(inventory=inventory).reasons[0]["code"] == "no_exchange_rate"


def test_licensed_goods_never_slip_into_green_even_when_no_rule_flags_them(make_declared, exporter, no_draw):
    _goods(exporter, "LIC-1", licence=True)
    _goods(exporter, "FREE-1")
    licensed = make_declared(lines=[{"item_no": "FREE-1"}, {"item_no": "LIC-1"}])
    free = make_declared(lines=[{"item_no": "FREE-1"}])
    assert services.inventories_route(inventories=[licensed, free]) == {licensed.pk: "red", free.pk: "green"}
    reasons = ChannelDecision.objects.get(inventory=licensed).reasons
    assert [r["code"] for r in reasons] == ["licence"] and "LIC-1" in texts.render(
        reasons[0]["message"], "en"
    )


def test_the_same_item_number_of_another_enterprise_does_not_count(
    make_declared, enterprise_factory, no_draw
):
    other = enterprise_factory(roles=("owner",))
    _goods(other, "SKU-1", licence=True)
    assert services.inventory_route(inventory=make_declared()) == "green"


def test_a_list_declaring_a_licence_number_goes_red(make_declared, no_draw):
    assert services.inventory_route(inventory=make_declared(license_no="LIC2026000001")) == "red"


def test_a_list_drawn_for_inspection_goes_red_and_the_draw_is_kept_for_audit(make_declared, settings):
    settings.INSPECTION_SECRET = "audit-secret"
    InspectionSetting.objects.create(rate=1)
    inventory = make_declared()
    assert services.inventory_route(inventory=inventory) == "red"
    decision = ChannelDecision.objects.get(inventory=inventory)
    assert decision.drawn_for_inspection and decision.inspection_rate == 1
    assert decision.draw == services.inspection_draw(invt_no=inventory.invt_no, secret="audit-secret")


def test_only_declared_lists_are_routed(make_declared):
    inventory = make_declared(status="returned")
    with pytest.raises(services.ApplicationError) as exc:
        services.inventory_route(inventory=inventory)
    assert exc.value.code == "invalid_transition"
    assert Inventory.objects.get(pk=inventory.pk).status == "returned"


def test_the_trader_sees_neither_the_rule_nor_the_draw(
    make_declared, trader_factory, exporter, client, api_client_for, no_draw
):
    RiskRule.objects.create(name="secret", gcode_prefix="8518", reason="Watch speakers from this exporter")
    inventory = make_declared()
    services.inventory_route(inventory=inventory)
    client.force_login(trader_factory(exporter))
    page = client.get(f"/declarations/lists/{inventory.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Watch speakers" not in body and "inspection" not in body.lower()
    assert all("Watch speakers" not in h.reason for h in inventory.history.all())
    polled = api_client_for(exporter).get(f"/api/v1/inventories/?orderNo={inventory.order_no}")
    assert polled.status_code == 200 and inventory.invt_no in polled.content.decode()
    assert "Watch speakers" not in polled.content.decode() and "8518" not in polled.content.decode()


def test_routing_a_batch_takes_a_fixed_number_of_queries(
    make_declared, exporter, django_assert_max_num_queries
):
    RiskRule.objects.create(name="value", value_above=Decimal("5000"), reason="High value")
    RiskRule.objects.create(name="batteries", gcode_prefix="8507", reason="Batteries")
    _goods(exporter, "SKU-2", licence=True)
    small = [make_declared(lines=[{}, {}]) for _ in range(3)]
    large = [make_declared(lines=[{}, {}, {}]) for _ in range(30)]
    with django_assert_max_num_queries(20) as small_queries:
        services.inventories_route(inventories=small)
    with django_assert_max_num_queries(20) as large_queries:
        services.inventories_route(inventories=large)
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)


def test_an_officer_controls_one_enterprises_lists_by_hand(make_declared, enterprise_factory, no_draw):
    watched = enterprise_factory(roles=("owner", "ecommerce"))
    RiskRule.objects.create(name="by hand", enterprise=watched, reason="Controlled by hand")
    assert services.inventory_route(inventory=make_declared(ebc=watched)) == "red"
    assert services.inventory_route(inventory=make_declared()) == "green"
