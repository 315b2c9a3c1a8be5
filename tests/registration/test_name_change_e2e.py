"""In a real browser: an enterprise administrator asks customs to approve a new company name
with a new licence and sees it pending; meanwhile the enterprise's API key still declares a list;
a customs reviewer (signed in with TOTP) approves the change in the admin; the trader then sees
the new name."""

import json
import urllib.request

import pytest
from django.core.files.base import ContentFile

from tests.declarations.parcels import make_cast, parcel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OLD_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Old 1 >> endobj\ntrailer << >>\n%%EOF\n"
NEW_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /New 1 >> endobj\ntrailer << >>\n%%EOF\n"
NEW_NAME = "Blue Harbour Cross-border Trading Co"


def post_list(live_server, key, entries):
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        f"{live_server.url}/api/v1/inventories/",
        data=json.dumps({"entries": entries}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Api-Key {key}",
            "Accept-Language": "en",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test's own server)
        return response.status, json.loads(response.read())


def admin_sign_in(page, live_server, username, device):
    """The admin sign-in with a TOTP code, whether it takes the device on the first submission
    or asks for it after a first one."""
    from django_otp.oath import totp

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    if page.locator("#id_otp_device").count():
        page.select_option("#id_otp_device", label="default")
    page.fill("#id_otp_token", f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Log in").click()
    if page.locator("#id_otp_token").count():  # asked again: choose the device this time
        page.fill("#id_password", "correct-horse-battery")
        page.select_option("#id_otp_device", label="default")
        page.fill("#id_otp_token", f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Log in").click()
    page.locator("#site-name").wait_for()


def test_a_name_change_under_review_while_the_same_enterprises_api_key_still_declares_lists(
    live_server,
    new_page,
    enterprise_factory,
    trader_factory,
    staff_factory,
    api_key_factory,
    settings,
    tmp_path,
):
    from registration.models import Enterprise, EnterpriseStatus, NameChange

    settings.MEDIA_ROOT = tmp_path
    cast = make_cast(enterprise_factory, name="Blue Harbour Trading Co")
    merchant = cast.ebc
    merchant.licence_file.save("licence.pdf", ContentFile(OLD_PDF))
    old_name = merchant.name
    trader_factory(merchant, username="li.admin", password="correct-horse-battery")
    key = api_key_factory(merchant)
    reviewer = staff_factory("reviewer", username="zhao.reviewer", password="correct-horse-battery")
    licence = tmp_path / "new-licence.pdf"
    licence.write_bytes(NEW_PDF)

    # the administrator asks for the new name, with the new licence
    trader = new_page("en-US")
    trader.goto(f"{live_server.url}/accounts/login/?next=/registration/profile/")
    trader.fill("#id_username", "li.admin")
    trader.fill("#id_password", "correct-horse-battery")
    trader.get_by_role("button", name="Sign in").click()
    assert trader.get_by_test_id("company-name").inner_text() == old_name
    trader.get_by_role("link", name="Change the company name").click()
    trader.get_by_label("New company name").fill(NEW_NAME)
    trader.get_by_label("Business licence scan showing the new name").set_input_files(str(licence))
    trader.get_by_role("button", name="Send for review").click()
    pending = trader.get_by_test_id("name-change-pending")
    assert f"Name change pending: {old_name} → {NEW_NAME}" in pending.inner_text()
    assert trader.get_by_test_id("company-name").inner_text() == old_name
    assert Enterprise.objects.get(pk=merchant.pk).status == EnterpriseStatus.APPROVED

    # meanwhile the same enterprise's API key still declares its lists
    status, [receipt] = post_list(live_server, key, [parcel(cast)["inventory"]])
    assert status == 200 and receipt["status"] == "accepted", receipt

    # a reviewer signs in with TOTP and approves the change in the admin
    staff = new_page("en-US")
    admin_sign_in(staff, live_server, "zhao.reviewer", reviewer.totpdevice_set.get())
    staff.goto(f"{live_server.url}/admin/registration/namechange/")
    staff.get_by_test_id("name-change-queue-link").click()
    staff.get_by_role("link", name=f"Review: {old_name}").click()
    assert staff.locator("iframe[title='Current business licence']").is_visible()
    assert staff.locator("iframe[title='Business licence for the new name']").is_visible()
    assert staff.get_by_test_id("new-name").inner_text() == NEW_NAME
    staff.get_by_label("Approve").check()
    staff.get_by_role("button", name="Record the decision").click()
    assert "Approved" in staff.locator(".messagelist").inner_text()
    assert staff.get_by_test_id("queue-empty").is_visible()

    # the trader now sees the new name; customs still reads the licence it replaced
    trader.goto(f"{live_server.url}/registration/profile/")
    assert trader.get_by_test_id("company-name").inner_text() == NEW_NAME
    assert trader.get_by_test_id("name-change-pending").count() == 0
    change = NameChange.objects.get(enterprise=merchant)
    staff.goto(f"{live_server.url}/admin/registration/namechange/{change.pk}/review/")
    assert staff.locator("iframe[title='Previous business licence (replaced by this change)']").is_visible()
    previous = staff.request.get(
        f"{live_server.url}/admin/registration/namechange/{change.pk}/document/previous/"
    )
    assert previous.body() == OLD_PDF
