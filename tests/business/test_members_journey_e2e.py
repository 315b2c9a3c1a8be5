"""In a real browser: a person asks in Chinese to join an enterprise by its USCC, the administrator
(English) accepts, the new operator signs in; the administrator removes them and reads who did what."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-long-enough-passphrase-42"


def test_join_accept_sign_in_remove_and_audit(live_server, new_page, enterprise, trader_factory):
    from registration.models import User

    trader_factory(enterprise, username="li.admin", password=PASSWORD)
    base = live_server.url

    person = new_page("zh-CN")
    person.goto(f"{base}/accounts/login/")
    person.get_by_role("link", name="申请加入企业").click()
    person.get_by_label("企业的统一社会信用代码").fill(enterprise.uscc)
    person.get_by_label("您的姓名").fill("陈静")
    person.locator("#id_email").fill("chen@example.com")
    person.locator("#id_username").fill("chen.jing")
    person.locator("#id_password1").fill(NEW_PASSWORD)
    person.locator("#id_password2").fill(NEW_PASSWORD)
    person.get_by_label("给管理员的留言").fill("我负责报关。")
    person.get_by_role("button", name="提交申请").click()
    assert enterprise.name in person.get_by_test_id("join-sent").inner_text()

    admin = new_page("en-US")
    admin.goto(f"{base}/accounts/login/?next=/cooperation/members/")
    admin.get_by_label("Username").fill("li.admin")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    row = admin.get_by_test_id("join-request").filter(has_text="陈静")
    assert "我负责报关。" in row.inner_text()
    row.get_by_role("button", name="Accept").click()
    assert "陈静 is now a member." in admin.locator("ul.messages").inner_text()
    assert admin.get_by_test_id("member").filter(has_text="chen.jing").count() == 1

    # the new operator signs in, in the language they asked in
    person.goto(f"{base}/accounts/login/")
    person.locator("#id_username").fill("chen.jing")
    person.locator("#id_password").fill(NEW_PASSWORD)
    person.locator("form button[type=submit]").first.click()
    person.wait_for_url(f"{base}/**")
    assert User.objects.get(username="chen.jing").enterprise == enterprise

    # the administrator removes them and reads the audit list
    admin.goto(f"{base}/cooperation/members/")
    admin.get_by_test_id("member").filter(has_text="chen.jing").get_by_role("button", name="Remove").click()
    assert admin.get_by_test_id("member").filter(has_text="chen.jing").count() == 0
    assert not User.objects.get(username="chen.jing").is_active
    admin.get_by_role("link", name="Who did what").click()
    audit = admin.locator("table").inner_text()
    assert "Request to join from 陈静" in audit and "chen.jing" in audit
