"""In a real browser: a risk officer signs in to admin with a TOTP code and releases a red list."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _totp(user) -> str:
    from django_otp.oath import totp

    device = user.totpdevice_set.get()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def test_a_risk_officer_signs_in_with_otp_and_releases_a_red_list(
    live_server, new_page, make_declared, staff_factory
):
    from declarations.channels.models import InspectionSetting, RiskRule
    from declarations.channels.services import inventory_route
    from declarations.models import Inventory

    InspectionSetting.objects.create(rate=0)
    RiskRule.objects.create(name="speakers", gcode_prefix="8518", reason="Speakers are watched this month")
    inventory = make_declared()
    assert inventory_route(inventory=inventory) == "red"
    officer = staff_factory("risk_officer", username="wang.risk", password="correct-horse-battery")

    page = new_page("en-US")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/channels/redlist/")
    page.get_by_label("Username").fill("wang.risk")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_label("Authentication code").fill("000000" if _totp(officer) != "000000" else "111111")
    page.get_by_role("button", name="Log in").click()
    assert page.locator(".errornote").count() == 1  # a wrong code is refused

    page.wait_for_timeout(1500)  # django-otp throttles a device for a second after a wrong code
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_label("Authentication code").fill(_totp(officer))  # one submission: no device to choose
    page.get_by_role("button", name="Log in").click()

    # the red-channel queue, with the reason only customs sees
    row = page.locator("#result_list tbody tr").filter(has_text=inventory.invt_no)
    assert "Speakers are watched this month" in row.inner_text()
    row.get_by_role("link", name=inventory.invt_no).click()

    page.locator("#id_decision").select_option(label="Release")
    page.get_by_role("button", name="Save", exact=True).click()
    assert (
        f"Your decision on list {inventory.invt_no} is recorded." in page.locator(".messagelist").inner_text()
    )
    assert (
        page.locator("#result_list").count() == 0
        or inventory.invt_no not in page.locator("#result_list").inner_text()
    )

    inventory = Inventory.objects.get(pk=inventory.pk)
    assert inventory.status == "released"
    assert inventory.history.order_by("-pk").first().actor == officer
