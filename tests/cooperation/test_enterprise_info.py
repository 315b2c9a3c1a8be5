"""The enterprise information page, and tenant isolation on every cooperation page."""

import re

import pytest

from registration.cooperation.models import AnnualReport
from registration.cooperation.services import policy_notice_publish, question_ask
from tests.reminders.factories import returned_inventory

pytestmark = pytest.mark.django_db


def test_information_page_shows_registration_members_credit_and_waiting_items(
    trader_client, enterprise, trader, trader_factory
):
    colleague = trader_factory(enterprise, admin=False)
    returned_inventory(sender=enterprise, reasons=["支付金额不一致"])
    page = trader_client.get("/cooperation/enterprise-info/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        enterprise.name,
        enterprise.uscc,
        enterprise.customs_code,
        trader.username,
        colleague.username,
    ):
        assert text in html
    assert 'data-testid="credit-rating"' in html
    assert 'data-testid="waiting"' in html
    assert "/cooperation/clearance-errors/" in html
    log = trader_client.get("/cooperation/clearance-errors/").content.decode()
    assert "支付金额不一致" in log


def test_annual_reports_appear_by_year(trader_client, enterprise):
    for year in (2024, 2025):
        AnnualReport.objects.create(
            enterprise=enterprise,
            year=year,
            contact_name="Li",
            contact_phone="1",
            contact_email="a@example.com",
            staff_count=1,
            declared_true=True,
        )
    html = trader_client.get("/cooperation/enterprise-info/").content.decode()
    assert html.index("2025") < html.index("2024")


def test_pages_need_an_approved_enterprise_member(client, enterprise_factory, trader_factory):
    assert client.get("/cooperation/enterprise-info/").status_code == 302  # to sign in
    pending = enterprise_factory(approved=False)
    client.force_login(trader_factory(pending))
    assert client.get("/cooperation/enterprise-info/").status_code == 302  # to registration status


def test_another_enterprises_question_attachment_and_lists_are_invisible(
    trader_client, other_enterprise, trader_factory, reviewer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    stranger = trader_factory(other_enterprise)
    q = question_ask(
        enterprise=other_enterprise,
        actor=stranger,
        category="other",
        subject="秘密问题",
        text="t",
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")],
    )
    returned_inventory(sender=other_enterprise, reasons=["别人的退单"])
    AnnualReport.objects.create(
        enterprise=other_enterprise,
        year=2025,
        contact_name="Li",
        contact_phone="1",
        contact_email="a@example.com",
        staff_count=77,
        declared_true=True,
    )
    assert trader_client.get(f"/cooperation/questions/{q.pk}/").status_code == 404
    assert trader_client.post(f"/cooperation/questions/{q.pk}/", {"text": "hi"}).status_code == 404
    attachment = q.messages.get().attachments.get()
    assert trader_client.get(f"/cooperation/attachments/{attachment.pk}/").status_code == 404
    assert "秘密问题" not in trader_client.get("/cooperation/questions/").content.decode()
    assert "别人的退单" not in trader_client.get("/cooperation/clearance-errors/").content.decode()
    assert "77" not in trader_client.get("/cooperation/annual-report/").content.decode()
    assert q.messages.count() == 1


def test_notice_of_another_role_and_notifications_of_another_user_stay_hidden(
    trader_client, trader, other_enterprise, trader_factory, reviewer
):
    from notifications.models import Notification
    from notifications.services import notification_create
    from registration.cooperation.models import PolicyNotice

    stranger = trader_factory(other_enterprise)
    notification_create(
        kind="waiting", title="别人的通知", enterprise=other_enterprise, users=[stranger], email=False
    )
    assert "别人的通知" not in trader_client.get("/reminders/notifications/").content.decode()
    other_id = Notification.objects.get(user=stranger).pk
    trader_client.post("/reminders/notifications/read/", {"id": other_id})
    assert Notification.objects.get(pk=other_id).read_at is None
    n = PolicyNotice.objects.create(
        title="仅限支付企业", body="b", effective_date="2026-12-01", for_payment=True
    )
    policy_notice_publish(notice=n, actor=reviewer)
    assert trader_client.get(f"/cooperation/notices/{n.pk}/").status_code == 404


def test_staff_without_a_verified_second_factor_cannot_download_attachments(
    client, enterprise, trader, staff_factory, reviewer_client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    q = question_ask(
        enterprise=enterprise,
        actor=trader,
        category="other",
        subject="s",
        text="t",
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")],
    )
    attachment = q.messages.get().attachments.get()
    client.force_login(staff_factory("reviewer"))
    assert client.get(f"/cooperation/attachments/{attachment.pk}/").status_code == 403
    assert reviewer_client.get(f"/cooperation/attachments/{attachment.pk}/").status_code == 200


def test_information_page_speaks_simplified_chinese(trader_client):
    html = trader_client.get("/cooperation/enterprise-info/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "注册信息" in html and "统一社会信用代码" in html and "通关差错记录" in html


def test_the_dashboard_shows_what_is_waiting_for_the_enterprise_only(
    trader_client, enterprise, other_enterprise
):
    returned_inventory(sender=enterprise, reasons=["支付金额不一致"])
    returned_inventory(sender=other_enterprise, reasons=["别人的清单"])
    html = trader_client.get("/").content.decode()
    assert 'data-testid="waiting"' in html
    assert "/cooperation/clearance-errors/" in html and "/cooperation/enterprise-info/" in html
    # its own returned list is counted, the other enterprise's is not
    assert re.search(r'<a href="/cooperation/clearance-errors/">[^<]+</a>: 1</li>', html)
