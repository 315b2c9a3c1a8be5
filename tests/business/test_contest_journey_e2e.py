"""In a real browser: a trader contests a clearance error in Chinese, a reviewer upholds it in
admin (English, second factor), and the entry reads as corrected and stops counting."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def _totp(user) -> str:
    from django_otp.oath import totp

    device = user.totpdevice_set.get()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def test_trader_contests_an_error_and_customs_upholds_it(
    live_server, new_page, enterprise, trader_factory, staff_factory, tmp_path
):
    from tests.reminders.factories import returned_inventory

    trader_factory(enterprise, username="wang.trader", password=PASSWORD, language="zh-hans")
    reviewer = staff_factory("reviewer", username="li.reviewer", password=PASSWORD)
    inv = returned_inventory(sender=enterprise, reasons=["支付金额不一致"])
    scan = tmp_path / "payment.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    base = live_server.url

    page = new_page("zh-CN")
    page.goto(f"{base}/accounts/login/?next=/cooperation/clearance-errors/")
    page.fill("#id_username", "wang.trader")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.get_by_role("heading", name="通关差错记录").wait_for()
    row = page.get_by_test_id("clearance-error").filter(has_text="支付金额不一致")
    row.get_by_role("link", name="申请纠错").click()
    page.get_by_label("差错记录有误的理由").fill("支付记录与订单金额一致。")
    page.get_by_label("证明材料（PDF、JPEG 或 PNG）").set_input_files(str(scan))
    page.get_by_role("button", name="提交纠错申请").click()
    assert page.get_by_test_id("contest-status").inner_text() == "海关审核中"
    assert page.get_by_role("link", name="payment.pdf").is_visible()

    # the reviewer decides in admin, in English, signed in with the second factor
    admin_page = new_page("en-US")
    admin_page.goto(f"{base}/admin/")
    admin_page.fill("#id_username", "li.reviewer")
    admin_page.fill("#id_password", PASSWORD)
    admin_page.fill("#id_otp_token", _totp(reviewer))
    admin_page.get_by_role("button", name="Log in").click()
    admin_page.wait_for_url(f"{base}/admin/")
    admin_page.goto(f"{base}/admin/business/clearanceerrorcontest/")
    admin_page.get_by_role("link", name=inv.cop_no).click()
    admin_page.get_by_text("支付记录与订单金额一致。").wait_for()
    admin_page.locator("#id_decision").select_option(label="Uphold: correct the entry")
    admin_page.get_by_label("Reasons for the enterprise (required when dismissing)").fill("Amounts match.")
    admin_page.get_by_role("button", name="Save", exact=True).click()
    admin_page.goto(f"{base}/admin/business/clearanceerrorcontest/?status__exact=upheld")
    assert admin_page.get_by_role("link", name=inv.cop_no).is_visible()

    # the trader reads the decision and its history, and the entry no longer counts
    page.reload()
    assert page.get_by_test_id("contest-status").inner_text() == "已认可：差错已更正"
    assert page.get_by_test_id("decision-note").inner_text() == "Amounts match."
    assert page.get_by_test_id("history-entry").count() == 2
    page.goto(f"{base}/cooperation/clearance-errors/")
    assert page.get_by_test_id("corrected").inner_text() == "已更正"
    page.goto(f"{base}/cooperation/enterprise-info/")
    assert page.get_by_role("link", name="0份被退回或拒绝的申报清单").is_visible()
