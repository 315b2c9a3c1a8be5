"""Goods register: traders register goods, customs approves or rejects them with a reason."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from customs_portal import texts
from customs_portal.errors import ApplicationError
from declarations.models import Goods, GoodsStatus
from declarations.services import goods as goods_services

from . import in_english

# every test here reads the answers in English (fixtures shared by the intake tests)
_english = in_english._english
api_client_for = in_english.api_client_for


def goods_data(**overrides):
    data = {
        "item_no": "SKU-1",
        "name": "Bluetooth speaker",
        "description": "Portable",
        "gcode": "8518220000",
        "unit": "007",
        "unit1": "007",
        "licence": False,
        "export_duty": False,
        "export_rebate": False,
    }
    data.update(overrides)
    return data


# --- services ---------------------------------------------------------------------------
def test_registered_goods_wait_for_customs_review(enterprise, trader):
    goods = goods_services.goods_create(enterprise=enterprise, actor=trader, data=goods_data())
    assert goods.status == GoodsStatus.PENDING
    assert goods.history.get().to_status == GoodsStatus.PENDING


@pytest.mark.parametrize("gcode", ["851822000", "85182200001", "85182200AB", ""])
def test_commodity_code_must_be_exactly_ten_digits(enterprise, gcode):
    with pytest.raises(ApplicationError) as error:
        goods_services.goods_create(enterprise=enterprise, data=goods_data(gcode=gcode))
    assert error.value.field == "gcode"
    assert Goods.objects.count() == 0


def test_item_number_is_unique_per_enterprise_but_not_across(enterprise, other_enterprise):
    goods_services.goods_create(enterprise=enterprise, data=goods_data())
    with pytest.raises(ApplicationError, match="already registered"):
        goods_services.goods_create(enterprise=enterprise, data=goods_data())
    goods_services.goods_create(enterprise=other_enterprise, data=goods_data())
    assert Goods.objects.count() == 2


def test_approved_goods_cannot_be_changed(enterprise, reviewer):
    goods = goods_services.goods_create(enterprise=enterprise, data=goods_data())
    goods_services.goods_approve(goods=goods, actor=reviewer)
    with pytest.raises(ApplicationError, match="cannot be changed"):
        goods_services.goods_update(goods=goods, data={"gcode": "8518300000"})
    goods = Goods.objects.get(pk=goods.pk)
    assert goods.gcode == "8518220000"


def test_rejection_needs_a_reason_and_correction_sends_goods_back_to_review(enterprise, trader, reviewer):
    goods = goods_services.goods_create(enterprise=enterprise, data=goods_data())
    with pytest.raises(ApplicationError, match="reason"):
        goods_services.goods_reject(goods=goods, actor=reviewer, reason=" ")
    goods = goods_services.goods_reject(goods=goods, actor=reviewer, reason="Wrong heading: use 8518.30")
    assert goods.status == GoodsStatus.REJECTED and goods.review_reason == "Wrong heading: use 8518.30"
    assert any("rejected" in texts.render(n.title, "en") for n in trader.notifications.all())
    goods = goods_services.goods_update(goods=goods, actor=trader, data={"gcode": "8518300000"})
    assert goods.status == GoodsStatus.PENDING and goods.gcode == "8518300000"
    assert [h.to_status for h in goods.history.all()] == ["pending", "rejected", "pending"]


def test_a_second_reviewer_deciding_the_same_goods_gets_a_clear_error(enterprise, reviewer):
    goods = goods_services.goods_create(enterprise=enterprise, data=goods_data())
    stale = Goods.objects.get(pk=goods.pk)
    goods_services.goods_approve(goods=goods, actor=reviewer)
    with pytest.raises(ApplicationError, match="not possible any more"):
        goods_services.goods_reject(goods=stale, actor=reviewer, reason="late")


def test_approved_map_reads_only_approved_goods_in_one_query(enterprise, reviewer, django_assert_num_queries):
    a = goods_services.goods_create(enterprise=enterprise, data=goods_data())
    goods_services.goods_create(enterprise=enterprise, data=goods_data(item_no="SKU-2"))
    goods_services.goods_approve(goods=a, actor=reviewer)
    with django_assert_num_queries(1):
        found = goods_services.goods_approved_map(enterprise_ids=[enterprise.pk], item_nos=["SKU-1", "SKU-2"])
    assert list(found) == [(enterprise.pk, "SKU-1")]


# --- import_goods -------------------------------------------------------------------------
HEADER = "item_no,name,description,gcode,unit,unit1,licence,export_duty,export_rebate\n"


def write_csv(tmp_path, rows):
    path = tmp_path / "goods.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return str(path)


def test_import_goods_creates_then_changes_nothing_on_a_second_run(tmp_path, enterprise, capsys):
    path = write_csv(
        tmp_path, ["A1,Speaker,,8518220000,007,007,no,no,yes", "A2,Cable,USB,8544422100,007,035,no,no,no"]
    )
    call_command("import_goods", path, "--enterprise", enterprise.customs_code)
    assert capsys.readouterr().out.strip() == "created 2, updated 0"
    call_command("import_goods", path, "--enterprise", enterprise.customs_code)
    assert capsys.readouterr().out.strip() == "created 0, updated 0"
    assert Goods.objects.get(item_no="A1").export_rebate is True


def test_import_goods_updates_pending_goods_and_can_approve(tmp_path, enterprise, capsys):
    goods_services.goods_create(enterprise=enterprise, data=goods_data(item_no="A1"))
    path = write_csv(tmp_path, ["A1,Speaker v2,,8518220000,007,007,no,no,no"])
    call_command("import_goods", path, "--enterprise", enterprise.customs_code, "--approve")
    assert capsys.readouterr().out.strip() == "created 0, updated 1"
    goods = Goods.objects.get(item_no="A1")
    assert goods.name == "Speaker v2" and goods.status == GoodsStatus.APPROVED


def test_import_goods_with_any_bad_row_saves_nothing_and_lists_every_problem(tmp_path, enterprise, capsys):
    path = write_csv(
        tmp_path,
        [
            "A1,Speaker,,8518220000,007,007,no,no,no",
            "A2,,,85182200,007,007,maybe,no,no",
            "A1,Dup,,8518220000,007,007,no,no,no",
        ],
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("import_goods", path, "--enterprise", enterprise.customs_code)
    assert exit_.value.code == 1
    err = capsys.readouterr().err.splitlines()
    assert "row 2: licence: must be yes or no" in err
    assert "row 2: name: This field is required." in err
    assert "row 2: gcode: The commodity code must be exactly 10 digits." in err
    assert "row 3: item_no: repeats row 1" in err
    assert Goods.objects.count() == 0


def test_import_goods_dry_run_counts_but_saves_nothing(tmp_path, enterprise, capsys):
    path = write_csv(tmp_path, ["A1,Speaker,,8518220000,007,007,no,no,no"])
    call_command("import_goods", path, "--enterprise", enterprise.customs_code, "--dry-run")
    assert capsys.readouterr().out.startswith("created 1, updated 0")
    assert Goods.objects.count() == 0


# --- pages ------------------------------------------------------------------------------
def test_trader_registers_goods_in_the_browser_and_sees_them_pending(trader_client, enterprise):
    response = trader_client.post(reverse("declarations:goods_create"), goods_data())
    goods = Goods.objects.get(enterprise=enterprise)
    assert response.status_code == 302 and response.url == reverse(
        "declarations:goods_detail", args=[goods.pk]
    )
    page = trader_client.get(reverse("declarations:goods_list"))
    assert "SKU-1" in page.content.decode()


def test_the_form_shows_a_bad_commodity_code_and_saves_nothing(trader_client):
    response = trader_client.post(
        reverse("declarations:goods_create"), goods_data(gcode="1234"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "exactly 10 digits" in response.content.decode()
    assert Goods.objects.count() == 0


def test_pending_goods_can_be_edited_in_the_browser_approved_ones_not(trader_client, enterprise, reviewer):
    goods = goods_services.goods_create(enterprise=enterprise, data=goods_data())
    url = reverse("declarations:goods_edit", args=[goods.pk])
    response = trader_client.post(url, goods_data(name="Speaker mini"))
    assert response.status_code == 302
    goods_services.goods_approve(goods=goods, actor=reviewer)
    response = trader_client.post(url, goods_data(name="Changed again"))
    assert response.status_code == 302
    goods = Goods.objects.get(pk=goods.pk)
    assert goods.name == "Speaker mini"


def test_another_enterprises_goods_are_not_found(trader_client, other_enterprise):
    goods = goods_services.goods_create(enterprise=other_enterprise, data=goods_data(item_no="SECRET-1"))
    assert trader_client.get(reverse("declarations:goods_detail", args=[goods.pk])).status_code == 404
    assert trader_client.get(reverse("declarations:goods_edit", args=[goods.pk])).status_code == 404
    assert (
        trader_client.post(reverse("declarations:goods_edit", args=[goods.pk]), goods_data()).status_code
        == 404
    )
    assert "SECRET-1" not in trader_client.get(reverse("declarations:goods_list")).content.decode()


def test_goods_pages_need_a_signed_in_trader(client):
    response = client.get(reverse("declarations:goods_list"))
    assert response.status_code == 302 and "login" in response.url


# --- API --------------------------------------------------------------------------------
def test_goods_api_lists_only_own_goods_and_registers_new_ones(api_client_for, enterprise, other_enterprise):
    goods_services.goods_create(enterprise=other_enterprise, data=goods_data(item_no="THEIRS"))
    api = api_client_for(enterprise)
    response = api.post("/api/v1/goods/", goods_data(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    items = api.get("/api/v1/goods/").json()["results"]
    assert [g["item_no"] for g in items] == ["SKU-1"]


def test_goods_api_refuses_a_bad_commodity_code_and_other_enterprises_ids(
    api_client_for, enterprise, other_enterprise
):
    api = api_client_for(enterprise)
    response = api.post("/api/v1/goods/", goods_data(gcode="85"), format="json")
    assert response.status_code == 400 and "gcode" in response.json()
    theirs = goods_services.goods_create(enterprise=other_enterprise, data=goods_data())
    assert api.get(f"/api/v1/goods/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/v1/goods/{theirs.pk}/", {"name": "x"}, format="json").status_code == 404


def test_goods_api_patch_of_approved_goods_is_refused(api_client_for, enterprise, reviewer):
    goods = goods_services.goods_create(enterprise=enterprise, data=goods_data())
    goods_services.goods_approve(goods=goods, actor=reviewer)
    response = api_client_for(enterprise).patch(f"/api/v1/goods/{goods.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "goods_locked"


# --- admin ------------------------------------------------------------------------------
def test_reviewer_rejects_goods_in_admin_with_a_reason(reviewer_client, enterprise):
    goods = goods_services.goods_create(enterprise=enterprise, data=goods_data())
    url = reverse("admin:declarations_goods_change", args=[goods.pk])
    assert reviewer_client.get(url).status_code == 200
    response = reviewer_client.post(
        url, {"decision": "reject", "reason": "", "history-TOTAL_FORMS": 0, "history-INITIAL_FORMS": 0}
    )
    assert response.status_code == 200  # the form asks for the reason
    goods = Goods.objects.get(pk=goods.pk)
    assert goods.status == GoodsStatus.PENDING
    reviewer_client.post(
        url,
        {
            "decision": "reject",
            "reason": "Not a speaker",
            "history-TOTAL_FORMS": 0,
            "history-INITIAL_FORMS": 0,
        },
    )
    goods = Goods.objects.get(pk=goods.pk)
    assert goods.status == GoodsStatus.REJECTED and goods.review_reason == "Not a speaker"


def test_reviewer_approves_goods_with_the_admin_action(reviewer_client, enterprise):
    goods = goods_services.goods_create(enterprise=enterprise, data=goods_data())
    reviewer_client.post(
        reverse("admin:declarations_goods_changelist"),
        {"action": "approve_selected", "_selected_action": [goods.pk]},
    )
    goods = Goods.objects.get(pk=goods.pk)
    assert goods.status == GoodsStatus.APPROVED


def test_traders_cannot_open_the_goods_admin(trader_client):
    response = trader_client.get(reverse("admin:declarations_goods_changelist"))
    assert response.status_code == 302
