"""In a real browser: a goods owner requests an authorization, the broker confirms it, a customs
reviewer (signed in with TOTP) approves it in admin, the owner revokes it; both parties read
the same history."""

import datetime as dt

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "correct-horse-battery"


def _totp(user) -> str:
    from django_otp.oath import totp

    device = user.totpdevice_set.get()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def sign_in(page, base, username, next_url):
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def timeline(page) -> list[str]:
    return [" ".join(t.split()) for t in page.get_by_test_id("history-entry").all_inner_texts()]


def test_owner_requests_broker_confirms_reviewer_approves_owner_revokes(
    live_server, new_page, owner, broker, trader_factory, staff_factory, monkeypatch
):
    from authorization import services
    from authorization.models import Authorization

    # Every step happens on Monday 2026-06-01: the review is due Thursday 2026-06-04.
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 6, 1))
    trader_factory(owner, username="zhao.owner", password=PASSWORD)
    trader_factory(broker, username="wang.broker", password=PASSWORD)
    reviewer = staff_factory("reviewer", username="li.reviewer", password=PASSWORD)
    base = live_server.url

    # 1. the goods owner asks the broker
    owner_page = new_page("en-US")
    sign_in(owner_page, base, "zhao.owner", "/authorizations/list/")
    owner_page.get_by_test_id("new-authorization").click()
    owner_page.get_by_label("Your enterprise acts as").select_option("principal")
    owner_page.get_by_label("Other party's customs registration code").fill(broker.customs_code)
    owner_page.get_by_label("Scope").select_option("export")
    owner_page.get_by_label("Valid from").fill("2026-07-01")
    owner_page.get_by_label("Valid to").fill("2027-06-30")
    owner_page.get_by_label("Your contact person").fill("Zhao Lei")
    owner_page.get_by_label("Signed power of attorney").set_input_files(
        {"name": "power-of-attorney.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    owner_page.get_by_role("button", name="Continue").click()
    # the check page: what will be sent, the declaration beside the button
    assert owner_page.get_by_test_id("check-power_of_attorney").inner_text() == "power-of-attorney.pdf"
    assert broker.name in owner_page.get_by_test_id("check-counterparty_code").inner_text()
    assert "legal responsibility" in owner_page.get_by_test_id("declaration-text").inner_text()
    owner_page.get_by_role("button", name="Send for confirmation").click()
    assert owner_page.get_by_test_id("status").inner_text() == "Awaiting the other party's confirmation"
    number = owner_page.get_by_test_id("number").inner_text()
    assert number.startswith("WT")

    # 2. the broker confirms from its list
    broker_page = new_page("en-US")
    sign_in(broker_page, base, "wang.broker", "/authorizations/list/")
    broker_page.get_by_role("link", name=number).click()
    broker_page.get_by_test_id("confirm").click()
    broker_page.get_by_role("button", name="Confirm").click()
    assert broker_page.get_by_test_id("status").inner_text() == "Under customs review"
    owner_page.reload()
    assert "2026-06-04" in owner_page.get_by_test_id("review-due").inner_text()

    # 3. a customs reviewer approves in admin (second factor required)
    admin_page = new_page("en-US")
    admin_page.goto(f"{base}/admin/")
    admin_page.fill("#id_username", "li.reviewer")
    admin_page.fill("#id_password", PASSWORD)
    admin_page.fill("#id_otp_token", _totp(reviewer))  # one submission: the reviewer's authenticator
    admin_page.get_by_role("button", name="Log in").click()
    admin_page.wait_for_url(f"{base}/admin/")
    admin_page.goto(f"{base}/admin/authorization/authorization/")
    admin_page.get_by_role("link", name=number).click()
    admin_page.get_by_label("Approve", exact=True).check()
    admin_page.get_by_role("button", name="Record the decision").click()
    assert "decision recorded" in admin_page.locator(".messagelist").inner_text()

    # 4. the owner sees it approved, then revokes it with a reason
    owner_page.reload()
    assert owner_page.get_by_test_id("status").inner_text() == "Approved"
    owner_page.get_by_test_id("revoke").click()
    owner_page.get_by_label("Reason").fill("The contract with the broker ended.")
    owner_page.get_by_role("button", name="Revoke").click()
    assert owner_page.get_by_test_id("status").inner_text() == "Revoked"

    # 5. both parties read the same history
    broker_page.reload()
    assert broker_page.get_by_test_id("status").inner_text() == "Revoked"
    owner_history, broker_history = timeline(owner_page), timeline(broker_page)
    assert owner_history == broker_history
    assert len(owner_history) == 5  # created, sent, confirmed, approved, revoked
    assert "The contract with the broker ended." in owner_history[-1]
    assert "li.reviewer" in owner_history[3] or reviewer.get_full_name() in owner_history[3]

    auth = Authorization.objects.get(number=number)
    assert auth.status == "revoked"
    assert list(auth.history.order_by("id").values_list("event", flat=True)) == [
        "created",
        "submit",
        "confirm",
        "approve",
        "revoke",
    ]
