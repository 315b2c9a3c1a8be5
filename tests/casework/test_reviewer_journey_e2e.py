"""In a real browser, in Chinese: a customs reviewer signs in with a TOTP code, reads the
dashboard of their queues, searches an applicant by its USCC, assigns the registration to
themself, writes an internal note, finds it under "assigned to me" and exports the queue."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_reviewer_dashboard_search_assign_note_export(
    live_server, new_page, enterprise_factory, staff_factory, settings, tmp_path
):
    from django_otp.oath import totp

    from casework.models import CaseAssignment, CaseNote
    from registration.models import Enterprise

    settings.MEDIA_ROOT = tmp_path
    applicant = enterprise_factory(approved=False, name="蓝港贸易有限公司")
    Enterprise.objects.filter(pk=applicant.pk).update(submitted_at=timezone.now() - dt.timedelta(days=1))
    applicant = Enterprise.objects.get(pk=applicant.pk)
    applicant.licence_file.save("licence.pdf", ContentFile(PDF))
    reviewer = staff_factory("reviewer", username="li.reviewer", language="zh-hans")
    device = reviewer.totpdevice_set.get()

    page = new_page("zh-CN")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "li.reviewer")
    page.fill("#id_password", "correct-horse-battery")
    page.fill("#id_otp_token", f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="登录").click()

    # the dashboard: the registration queue, one waiting, its oldest and due date
    row = page.get_by_test_id("queue-registrations")
    assert row.get_by_test_id("count").inner_text() == "1"
    assert row.get_by_test_id("due").inner_text().strip() != "—"
    assert page.get_by_role("heading", name="我的待办队列").is_visible()

    # search by USCC from the header
    page.get_by_test_id("admin-search").get_by_role("searchbox").fill(applicant.uscc)
    page.get_by_test_id("admin-search").get_by_role("button").click()
    hits = page.get_by_test_id("hits-enterprises")
    assert "蓝港贸易有限公司" in hits.inner_text()
    hits.get_by_role("link").first.click()
    assert page.locator("iframe[title='营业执照']").is_visible()

    # assign to self, then an internal note
    page.get_by_test_id("assign-me").click()
    assert page.get_by_test_id("case-assignee").inner_text() == "li.reviewer"
    page.get_by_label("备注", exact=True).fill("已电话核实法定代表人身份")
    page.get_by_test_id("add-note").click()
    assert "已电话核实法定代表人身份" in page.get_by_test_id("case-notes").inner_text()
    assert CaseAssignment.objects.get(object_id=applicant.pk).assignee == reviewer
    assert CaseNote.objects.get().author == reviewer

    # "assigned to me" from the dashboard, then export that filtered list
    page.goto(f"{live_server.url}/admin/")
    assert page.get_by_test_id("queue-registrations").get_by_test_id("mine").inner_text() == "1"
    page.get_by_test_id("queue-registrations").get_by_test_id("mine").click()
    assert "蓝港贸易有限公司" in page.locator("#result_list").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "企业名称" and "经办人" in rows[0]
    assert [r[0] for r in rows[1:]] == ["蓝港贸易有限公司"]
    assert rows[1][rows[0].index("经办人")] == "li.reviewer"
