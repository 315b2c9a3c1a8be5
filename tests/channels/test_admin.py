"""Risk officers' admin: the red-channel queue, pulling lists back, rules, rate, exchange rates."""

import datetime as dt
from decimal import Decimal

import pytest

from declarations.channels import services
from declarations.channels.models import ChannelDecision, ExchangeRate, InspectionSetting, RiskRule
from declarations.models import Inventory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/channels/redlist/"
RELEASED = "/admin/channels/releasedlist/"


@pytest.fixture
def red_list(make_declared, no_draw):
    RiskRule.objects.create(name="speakers", gcode_prefix="8518", reason="Speakers are watched")
    inventory = make_declared()
    assert services.inventory_route(inventory=inventory) == "red"
    return inventory


@pytest.fixture
def green_list(make_declared, no_draw):
    inventory = make_declared(lines=[{"gcode": "6109100021"}])
    assert services.inventory_route(inventory=inventory) == "green"
    return inventory


@pytest.mark.parametrize(
    "url",
    [
        QUEUE,
        RELEASED,
        "/admin/channels/riskrule/",
        "/admin/channels/inspectionsetting/",
        "/admin/channels/exchangerate/",
        "/admin/channels/channeldecision/",
    ],
)
def test_only_risk_officers_reach_the_channel_screens(
    url, risk_client, reviewer_client, otp_client_factory, staff_factory, trader_client, client
):
    assert risk_client.get(url).status_code == 200
    assert reviewer_client.get(url).status_code == 403
    assert otp_client_factory(staff_factory("ops")).get(url).status_code == 403
    assert trader_client.get(url).status_code == 302  # not staff: to the admin login
    assert client.get(url).status_code == 302


def test_a_risk_officer_without_the_second_factor_is_sent_to_log_in(client, risk_officer):
    client.force_login(risk_officer)
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_queue_shows_red_lists_with_their_reasons_and_nothing_else(risk_client, red_list, green_list):
    page = risk_client.get(QUEUE).content.decode()
    assert red_list.invt_no in page and "Speakers are watched" in page
    assert green_list.invt_no not in page


def test_an_officer_releases_a_red_list(risk_client, risk_officer, red_list):
    response = risk_client.post(f"{QUEUE}{red_list.pk}/change/", {"decision": "release", "reason": ""})
    assert response.status_code == 302 and response["Location"] == QUEUE
    red_list.refresh_from_db()
    assert red_list.status == "released" and red_list.released_at is not None
    entry = red_list.history.order_by("-pk").first()
    assert (entry.actor, entry.from_status, entry.to_status) == (risk_officer, "under_review", "released")


def test_rejecting_needs_a_reason_which_the_trader_then_reads(risk_client, red_list):
    response = risk_client.post(f"{QUEUE}{red_list.pk}/change/", {"decision": "reject", "reason": " "})
    assert response.status_code == 200  # the form again, with the error
    assert Inventory.objects.get(pk=red_list.pk).status == "under_review"
    risk_client.post(
        f"{QUEUE}{red_list.pk}/change/", {"decision": "reject", "reason": "Goods differ from the list"}
    )
    red_list.refresh_from_db()
    assert red_list.status == "rejected"
    assert red_list.return_reasons == [{"field": "", "reason": "Goods differ from the list"}]
    assert red_list.history.order_by("-pk").first().reason == "Goods differ from the list"


def test_the_second_of_two_officers_gets_a_clear_error(
    risk_client, otp_client_factory, staff_factory, red_list
):
    second = otp_client_factory(staff_factory("risk_officer"))
    second.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    risk_client.post(f"{QUEUE}{red_list.pk}/change/", {"decision": "release", "reason": ""})
    response = second.post(
        f"{QUEUE}{red_list.pk}/change/", {"decision": "reject", "reason": "Too late"}, follow=True
    )
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert len(shown) == 1 and shown[0][0] == "error"
    assert "not possible any more" in shown[0][1] and "Released" in shown[0][1]
    assert Inventory.objects.get(pk=red_list.pk).status == "released"
    assert red_list.history.filter(to_status="rejected").count() == 0


def test_the_release_action_releases_the_selected_lists(risk_client, red_list, make_declared):
    other = make_declared()
    services.inventory_route(inventory=other)
    risk_client.post(QUEUE, {"action": "release_selected", "_selected_action": [red_list.pk, other.pk]})
    assert set(Inventory.objects.filter(pk__in=[red_list.pk, other.pk]).values_list("status", flat=True)) == {
        "released"
    }


def test_an_officer_pulls_a_green_list_back_to_review(risk_client, risk_officer, green_list):
    risk_client.post(f"{RELEASED}{green_list.pk}/change/", {"decision": "pull_back", "reason": "Tip-off"})
    green_list.refresh_from_db()
    assert (green_list.status, green_list.channel, green_list.released_at) == ("under_review", "red", None)
    decision = ChannelDecision.objects.filter(inventory=green_list).first()
    assert decision.kind == "pulled_back" and decision.decided_by == risk_officer
    assert decision.reasons[0]["message"] == "Tip-off"
    assert "Tip-off" not in green_list.history.order_by("-pk").first().reason  # the trader sees the timeline
    assert green_list.invt_no in risk_client.get(QUEUE).content.decode()


def test_a_departed_list_cannot_be_pulled_back(risk_officer, make_declared):
    departed = make_declared(status="departed")
    with pytest.raises(services.ApplicationError):
        services.released_list_pull_back(inventory=departed, actor=risk_officer)
    assert Inventory.objects.get(pk=departed.pk).status == "departed"


def test_a_reviewer_cannot_decide_through_the_services(reviewer, red_list, green_list):
    with pytest.raises(services.ApplicationError):
        services.red_list_release(inventory=red_list, actor=reviewer)
    with pytest.raises(services.ApplicationError):
        services.released_list_pull_back(inventory=green_list, actor=reviewer)


def test_release_does_not_bypass_the_queue_for_a_declared_list(risk_officer, make_declared):
    declared = make_declared()
    with pytest.raises(services.ApplicationError):
        services.red_list_release(inventory=declared, actor=risk_officer)
    assert Inventory.objects.get(pk=declared.pk).status == "declared"


def test_an_officer_sets_the_rate_in_admin_and_the_old_one_is_kept(risk_client, risk_officer):
    response = risk_client.post(
        "/admin/channels/inspectionsetting/add/", {"rate": "0.08", "note": "peak season"}
    )
    assert response.status_code == 302
    assert services.inspection_rate_current() == Decimal("0.08")
    assert InspectionSetting.objects.get().set_by == risk_officer
    assert "8.00%" in risk_client.get("/admin/channels/inspectionsetting/").content.decode()


def test_an_officer_adds_a_rule_and_an_exchange_rate(risk_client, risk_officer):
    risk_client.post(
        "/admin/channels/riskrule/add/",
        {
            "name": "HK",
            "gcode_prefix": "",
            "country": "110",
            "value_above": "",
            "reason": "Watched",
            "active": "on",
        },
    )
    assert RiskRule.objects.get(name="HK").created_by == risk_officer
    empty = risk_client.post(
        "/admin/channels/riskrule/add/", {"name": "nothing", "reason": "x", "active": "on", "value_above": ""}
    )
    assert empty.status_code == 200 and not RiskRule.objects.filter(name="nothing").exists()
    risk_client.post(
        "/admin/channels/exchangerate/add/", {"currency": "502", "month": "2026-01-15", "rate": "7.1"}
    )
    assert ExchangeRate.objects.get().month == dt.date(2026, 1, 1)


def test_the_queue_page_takes_the_same_queries_for_few_or_many_lists(risk_client, make_declared, no_draw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    RiskRule.objects.create(name="speakers", gcode_prefix="8518", reason="Speakers are watched")
    counts = []
    for n in (2, 12):
        services.inventories_route(inventories=[make_declared() for _ in range(n)])
        with CaptureQueriesContext(connection) as queries:
            assert risk_client.get(QUEUE).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_released_page_lists_released_lists_not_departed_ones(risk_client, green_list, make_declared):
    departed = make_declared(status="departed", channel="green")
    page = risk_client.get(RELEASED).content.decode()
    assert green_list.invt_no in page and departed.invt_no not in page


def test_the_pull_back_action_sends_the_selected_lists_to_review(risk_client, green_list):
    risk_client.post(RELEASED, {"action": "pull_back_selected", "_selected_action": [green_list.pk]})
    assert Inventory.objects.get(pk=green_list.pk).status == "under_review"


def test_the_review_page_reads_in_chinese(risk_client, red_list):
    page = risk_client.get(f"{QUEUE}{red_list.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for label in ("清单编号", "商品表体", "布控原因（仅海关可见）", "放行", "生产销售单位"):
        assert label in page


def test_the_queue_and_a_list_show_customs_codes_with_their_names(risk_client, red_list):
    import re

    queue = risk_client.get(QUEUE).content.decode()
    assert re.search(r"502 (美国|United States of America)", queue)
    page = risk_client.get(f"{QUEUE}{red_list.pk}/change/").content.decode()
    assert re.search(r"<td>502 (美国|United States of America)</td>", page)  # the goods line's destination
    assert re.search(r"<td>142 (人民币|Yuan Renminbi)</td>", page)  # its currency
    assert "<td>502</td>" not in page and "<td>142</td>" not in page


def test_the_rule_and_rate_forms_offer_codes_with_their_names(risk_client):
    rule = risk_client.get("/admin/channels/riskrule/add/").content.decode()
    assert 'list="codes-country-country"' in rule and ('<option value="303">303 ' in rule)
    rate = risk_client.get("/admin/channels/exchangerate/add/").content.decode()
    assert 'list="codes-currency-currency"' in rate and '<option value="502">502 ' in rate
