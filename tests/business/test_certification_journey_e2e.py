"""In a real browser: a trader applies in Chinese for advanced certification with the
self-assessment and a report; a reviewer (English, second factor) asks for more, the trader adds
it, the reviewer records the visit and grants; the trader reads the new rating and its history."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def _totp(user) -> str:
    from django_otp.oath import totp

    device = user.totpdevice_set.get()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def test_apply_more_visit_grant_and_read_the_rating(
    live_server, new_page, enterprise, trader_factory, staff_factory, sections, tmp_path
):
    from django.utils import timezone

    trader_factory(enterprise, username="wang.trader", password=PASSWORD, language="zh-hans")
    reviewer = staff_factory("reviewer", username="li.reviewer", password=PASSWORD)
    report = tmp_path / "audit.pdf"
    report.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    base = live_server.url
    today = timezone.localdate().isoformat()

    page = new_page("zh-CN")
    page.goto(f"{base}/accounts/login/?next=/cooperation/enterprise-info/")
    page.fill("#id_username", "wang.trader")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.get_by_role("link", name="认证与信用等级历史").click()
    page.get_by_role("link", name="申请认证").click()
    page.get_by_label("申请的信用等级").select_option("advanced")
    for s in sections:
        page.locator(f"#id_meets_{s.pk}").check()
        page.get_by_label(s.title_zh).fill(f"我们的{s.title_zh}符合要求。")
    page.get_by_label("证明报告（PDF、JPEG 或 PNG）").set_input_files(str(report))
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_test_id("certification-status").inner_text() == "海关审核中"
    detail_url = page.url

    admin = new_page("en-US")
    admin.goto(f"{base}/admin/")
    admin.fill("#id_username", "li.reviewer")
    admin.fill("#id_password", PASSWORD)
    admin.fill("#id_otp_token", _totp(reviewer))
    admin.get_by_role("button", name="Log in").click()
    admin.wait_for_url(f"{base}/admin/")
    admin.goto(f"{base}/admin/business/certificationapplication/")
    admin.get_by_role("link", name=enterprise.name).first.click()
    change_url = admin.url
    admin.locator("#id_step").select_option("more")
    admin.locator("#id_note").fill("Add the 2025 internal audit.")
    admin.get_by_role("button", name="Save", exact=True).click()

    page.goto(detail_url)
    assert page.get_by_test_id("request-note").inner_text() == "Add the 2025 internal audit."
    page.get_by_label("您给海关的答复").fill("已补充。")
    page.get_by_label("补充报告（PDF、JPEG 或 PNG）").set_input_files(str(report))
    page.get_by_role("button", name="提交海关").click()
    assert page.get_by_test_id("certification-status").inner_text() == "海关审核中"

    admin.goto(change_url)
    admin.locator("#id_step").select_option("visit")
    admin.locator("#id_visited_on").fill(today)
    admin.locator("#id_officers").fill("王强, 李娜")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.goto(change_url)
    admin.locator("#id_step").select_option("grant")
    admin.locator("#id_effective_date").fill(today)
    admin.get_by_role("button", name="Save", exact=True).click()

    page.goto(detail_url)
    assert page.get_by_test_id("certification-status").inner_text() == "已决定：认定信用等级"
    assert "王强, 李娜" in page.get_by_test_id("visits").inner_text()
    assert page.get_by_test_id("history-entry").count() == 5
    page.goto(f"{base}/cooperation/certification/")
    assert page.get_by_test_id("current-rating").inner_text() == "高级认证企业"
    assert today in page.get_by_test_id("rating-history").inner_text()
