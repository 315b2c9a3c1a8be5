"""In a real browser: a customs reviewer signs in to the admin with a TOTP code, opens the review
queue, looks at the registration and approves it; the enterprise gets its customs code."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_reviewer_signs_in_with_totp_and_approves_a_registration(
    live_server, new_page, enterprise_factory, trader_factory, staff_factory, settings, tmp_path, mailoutbox
):
    from django_otp.oath import totp

    from registration.models import Enterprise, EnterpriseHistory, EnterpriseStatus

    settings.MEDIA_ROOT = tmp_path
    older = enterprise_factory(approved=False, name="Older Applicant Co")
    applicant = enterprise_factory(approved=False, name="Blue Harbour Trading Co", customs_code=None)
    Enterprise.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - dt.timedelta(days=3))
    Enterprise.objects.filter(pk=applicant.pk).update(submitted_at=timezone.now() - dt.timedelta(days=1))
    applicant = Enterprise.objects.get(pk=applicant.pk)
    applicant.licence_file.save("licence.pdf", ContentFile(PDF))
    trader_factory(applicant)
    reviewer = staff_factory("reviewer", username="wang.reviewer", password="correct-horse-battery")
    device = reviewer.totpdevice_set.get()

    page = new_page("en-US")
    page.goto(f"{live_server.url}/admin/")
    # without the second factor the admin stays closed
    page.fill("#id_username", "wang.reviewer")
    page.fill("#id_password", "correct-horse-battery")
    page.fill("#id_otp_token", "000000" if f"{totp(device.bin_key):06d}" != "000000" else "111111")
    page.get_by_role("button", name="Log in").click()
    assert page.locator(".errornote").is_visible()
    page.wait_for_timeout(1500)  # django-otp throttles a device for a second after a wrong code

    # one submission: the reviewer's authenticator is used without choosing it
    assert page.locator("#id_otp_device").count() == 0
    page.fill("#id_password", "correct-horse-battery")
    page.fill("#id_otp_token", f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Enterprises", exact=True).first.click()
    page.get_by_test_id("review-queue-link").click()

    rows = page.get_by_test_id("queue-row")
    assert rows.count() == 2
    assert "Older Applicant Co" in rows.nth(0).inner_text()  # oldest first
    page.get_by_role("link", name="Review: Blue Harbour Trading Co").click()
    assert page.locator("iframe[title='Business licence']").is_visible()

    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Approved" in page.locator(".messagelist").inner_text()
    assert page.get_by_test_id("queue-row").count() == 1

    done = Enterprise.objects.get(pk=applicant.pk)
    assert done.status == EnterpriseStatus.APPROVED and len(done.customs_code) == 10
    entry = EnterpriseHistory.objects.get(enterprise=done)
    assert entry.actor == reviewer and entry.to_status == EnterpriseStatus.APPROVED
    assert any(done.customs_code in m.body for m in mailoutbox)
