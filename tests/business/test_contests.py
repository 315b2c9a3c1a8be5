"""Clearance error review (纠错): the enterprise contests an entry, customs decides in time."""

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from customs_portal import texts
from customs_portal.errors import ApplicationError
from notifications.models import Notification
from registration.cooperation.business.models import (
    BusinessSettings,
    ClearanceErrorContest,
    ContestAttachment,
)
from registration.cooperation.business.services import contest_decide, contest_file, contest_withdraw
from reminders.kinds import Context, review_overdue, waiting
from tests.reminders.factories import returned_inventory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="payment.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_trader_contests_an_entry_with_reasons_and_an_attachment(trader_client, enterprise, trader):
    inv = returned_inventory(sender=enterprise, reasons=["支付金额不一致"])
    page = trader_client.get(f"/cooperation/clearance-errors/{inv.pk}/contest/")
    assert page.status_code == 200 and "支付金额不一致" in page.content.decode()
    response = trader_client.post(
        f"/cooperation/clearance-errors/{inv.pk}/contest/",
        {"reasons": "The payment record matches the order.", "attachments": [pdf()]},
    )
    contest = ClearanceErrorContest.objects.get(inventory=inv)
    assert response.status_code == 302 and response["Location"] == f"/cooperation/contests/{contest.pk}/"
    assert contest.status == "submitted" and contest.enterprise == enterprise
    assert contest.submitted_by == trader and contest.due_date is not None
    assert contest.history.get().to_status == "submitted"
    attachment = ContestAttachment.objects.get(contest=contest)
    assert trader_client.get(f"/cooperation/contests/attachments/{attachment.pk}/").status_code == 200
    detail = trader_client.get(
        f"/cooperation/contests/{contest.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Under customs review" in detail and "The payment record matches the order." in detail
    log = trader_client.get("/cooperation/clearance-errors/").content.decode()
    assert f"/cooperation/contests/{contest.pk}/" in log


def test_review_is_due_after_the_working_days_set_in_admin(enterprise, trader):
    settings_row = BusinessSettings.load()
    settings_row.contest_review_working_days = 3
    settings_row.save()
    inv = returned_inventory(sender=enterprise)
    # filed on Friday 2026-02-13: Saturday 02-14 is a swapped working day, the Spring Festival
    # break runs 02-15 to 02-23, so three working days end on Wednesday 02-25
    contest = contest_file(
        enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="wrong", today=dt.date(2026, 2, 13)
    )
    assert contest.due_date == dt.date(2026, 2, 25)


def test_one_open_contest_per_entry_and_the_same_contest_twice_is_one(enterprise, trader):
    inv = returned_inventory(sender=enterprise)
    first = contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="wrong amount")
    again = contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="wrong amount")
    assert again.pk == first.pk
    with pytest.raises(ApplicationError) as exc:
        contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="other reasons")
    assert exc.value.code == "contest_open"
    assert ClearanceErrorContest.objects.count() == 1
    # withdrawn, it can be contested again
    contest_withdraw(contest=first, actor=trader)
    second = contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="other reasons")
    assert second.pk != first.pk


def test_empty_reasons_or_a_file_that_is_not_a_scan_change_nothing(trader_client, enterprise):
    inv = returned_inventory(sender=enterprise)
    url = f"/cooperation/clearance-errors/{inv.pk}/contest/"
    assert trader_client.post(url, {"reasons": "  "}).status_code == 400
    bad = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = trader_client.post(url, {"reasons": "wrong", "attachments": [bad]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Only PDF, JPEG or PNG" in response.content.decode()
    assert ClearanceErrorContest.objects.count() == 0 and ContestAttachment.objects.count() == 0


def test_a_list_that_is_not_in_the_error_log_cannot_be_contested(enterprise, trader):
    released = returned_inventory(sender=enterprise, status="released")
    with pytest.raises(ApplicationError) as exc:
        contest_file(enterprise=enterprise, inventory_pk=released.pk, actor=trader, reasons="x")
    assert exc.value.code == "not_in_error_log"


def test_upheld_contest_corrects_the_entry_and_it_no_longer_counts(
    trader_client, enterprise, trader, reviewer
):
    inv = returned_inventory(sender=enterprise, reasons=["支付金额不一致"])
    returned_inventory(sender=enterprise, reasons=["another"])
    info = trader_client.get("/cooperation/enterprise-info/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 returned or rejected declaration lists" in info
    contest = contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="amounts match")
    contest = contest_decide(contest=contest, reviewer=reviewer, uphold=True)
    assert contest.status == "upheld" and contest.decided_by == reviewer
    info = trader_client.get("/cooperation/enterprise-info/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 returned or rejected declaration list" in info
    log = trader_client.get("/cooperation/clearance-errors/").content.decode()
    assert 'data-testid="corrected"' in log
    # the list itself (law-enforcement data) is unchanged
    inv.refresh_from_db()
    assert inv.status == "returned"
    note = Notification.objects.get(user=trader, kind="clearance_error_contest")
    assert "upheld" in texts.render(note.title, "en")
    with pytest.raises(ApplicationError) as exc:
        contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="again")
    assert exc.value.code == "already_corrected"
    # the weekly "returned lists" reminder no longer counts it
    dues = [d for d in waiting(Context(dt.date.today())) if d.subject == "RETURNED-LISTS"]
    assert [d.title["params"]["n"] for d in dues if d.enterprise_id == enterprise.pk] == [1]


def test_dismissal_needs_reasons_and_the_enterprise_reads_them_in_its_language(
    client, enterprise, trader_factory, reviewer
):
    trader = trader_factory(enterprise, language="zh-hans")
    client.force_login(trader)
    inv = returned_inventory(sender=enterprise)
    contest = contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="错了")
    with pytest.raises(ApplicationError):
        contest_decide(contest=contest, reviewer=reviewer, uphold=False, note=" ")
    contest_decide(contest=contest, reviewer=reviewer, uphold=False, note="Payment came after the order.")
    page = client.get(f"/cooperation/contests/{contest.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "驳回" in page and "Payment came after the order." in page
    from customs_portal import texts

    title = texts.render(Notification.objects.get(user=trader).title, "zh-hans")
    assert "驳回" in title


def test_the_second_of_two_decisions_is_refused(enterprise, trader, reviewer, staff_factory):
    inv = returned_inventory(sender=enterprise)
    contest = contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="wrong")
    contest_decide(contest=contest, reviewer=reviewer, uphold=True)
    with pytest.raises(ApplicationError) as exc:
        contest_decide(contest=contest, reviewer=staff_factory("reviewer"), uphold=False, note="no")
    assert exc.value.code == "invalid_transition"
    contest = ClearanceErrorContest.objects.get(pk=contest.pk)
    assert contest.status == "upheld" and contest.history.count() == 2


def test_an_overdue_contest_reminds_customs_reviewers(enterprise, trader):
    inv = returned_inventory(sender=enterprise)
    contest = contest_file(
        enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="wrong", today=dt.date(2026, 3, 2)
    )
    due = contest.due_date
    assert not [d for d in review_overdue(Context(due)) if d.subject == f"CONTEST-{contest.pk}"]
    dues = [
        d for d in review_overdue(Context(due + dt.timedelta(days=1))) if d.subject == f"CONTEST-{contest.pk}"
    ]
    assert len(dues) == 1 and dues[0].stage == "OVERDUE"
    assert dues[0].link == f"/admin/business/clearanceerrorcontest/{contest.pk}/change/"


def test_reviewer_decides_in_admin_and_sees_the_history(reviewer_client, enterprise, trader):
    inv = returned_inventory(sender=enterprise)
    contest = contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="wrong")
    url = f"/admin/business/clearanceerrorcontest/{contest.pk}/change/"
    page = reviewer_client.get(url)
    assert page.status_code == 200 and "wrong" in page.content.decode()
    response = reviewer_client.post(url, {"decision": "dismiss", "note": ""})
    contest = ClearanceErrorContest.objects.get(pk=contest.pk)
    assert contest.status == "submitted"  # refused: no reasons
    response = reviewer_client.post(url, {"decision": "uphold", "note": "Agreed."})
    assert response.status_code == 302
    contest = ClearanceErrorContest.objects.get(pk=contest.pk)
    assert contest.status == "upheld"
    assert "Agreed." in reviewer_client.get(url).content.decode()


def test_settings_set_in_admin(reviewer_client, staff_factory, otp_client_factory):
    from django.contrib.auth.models import Permission

    ops = staff_factory("ops")
    ops.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="business", codename__endswith="businesssettings")
    )
    c = otp_client_factory(ops)
    BusinessSettings.load()
    form = {
        "hotline": "12360",
        "service_hours_en": "9-17",
        "service_hours_zh": "9-17",
        "retention_days": "365",
    }
    response = c.post(
        "/admin/business/businesssettings/1/change/", {**form, "contest_review_working_days": "7"}
    )
    assert response.status_code == 302
    assert BusinessSettings.load().contest_review_working_days == 7
    assert (
        c.post("/admin/business/businesssettings/1/change/", {"contest_review_working_days": "0"}).status_code
        == 200
    )
    assert BusinessSettings.load().contest_review_working_days == 7


# --- tenant rules -------------------------------------------------------------------------------
def test_another_enterprise_cannot_see_or_contest_or_read_attachments(
    client, enterprise, other_enterprise, trader, trader_factory
):
    inv = returned_inventory(sender=enterprise)
    contest = contest_file(
        enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="secret reasons", files=[pdf()]
    )
    attachment = contest.attachments.get()
    client.force_login(trader_factory(other_enterprise))
    assert client.get(f"/cooperation/clearance-errors/{inv.pk}/contest/").status_code == 404
    assert (
        client.post(f"/cooperation/clearance-errors/{inv.pk}/contest/", {"reasons": "x"}).status_code == 404
    )
    assert client.get(f"/cooperation/contests/{contest.pk}/").status_code == 404
    assert client.post(f"/cooperation/contests/{contest.pk}/", {"action": "withdraw"}).status_code == 404
    assert client.get(f"/cooperation/contests/attachments/{attachment.pk}/").status_code == 404
    assert "secret reasons" not in client.get("/cooperation/contests/").content.decode()
    with pytest.raises(ApplicationError):
        contest_file(enterprise=other_enterprise, inventory_pk=inv.pk, actor=trader, reasons="x")
    contest = ClearanceErrorContest.objects.get(pk=contest.pk)
    assert contest.status == "submitted"


@pytest.mark.parametrize(
    "path",
    [
        "/cooperation/contests/",
        "/cooperation/contests/{contest}/",
        "/cooperation/clearance-errors/{inv}/contest/",
    ],
)
def test_pages_need_a_signed_in_member_of_an_approved_enterprise(
    client, path, enterprise, trader, enterprise_factory, trader_factory, staff_factory
):
    inv = returned_inventory(sender=enterprise)
    contest = contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="x")
    url = path.format(contest=contest.pk, inv=inv.pk)
    assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(staff_factory("reviewer"))
    assert client.get(url).status_code == 403  # staff have no enterprise
    client.force_login(trader_factory(enterprise_factory(approved=False)))
    assert client.get(url).status_code == 302  # pending enterprise: to its registration


def test_attachments_for_staff_need_the_second_factor_and_the_role(
    client, enterprise, trader, reviewer_client, staff_factory, otp_client_factory
):
    inv = returned_inventory(sender=enterprise)
    contest = contest_file(
        enterprise=enterprise, inventory_pk=inv.pk, actor=trader, reasons="x", files=[pdf()]
    )
    url = f"/cooperation/contests/attachments/{contest.attachments.get().pk}/"
    assert client.get(url).status_code == 302
    reviewer = staff_factory("reviewer")
    client.force_login(reviewer)  # no second factor
    assert client.get(url).status_code == 403
    assert otp_client_factory(staff_factory("risk_officer")).get(url).status_code == 403
    assert reviewer_client.get(url).status_code == 200
    # the admin screens: reviewers yes, risk officers no
    admin_url = f"/admin/business/clearanceerrorcontest/{contest.pk}/change/"
    assert reviewer_client.get(admin_url).status_code == 200
    assert otp_client_factory(staff_factory("risk_officer")).get(admin_url).status_code in (302, 403)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_contests_of_one_entry_at_once_make_one(enterprise, trader, trader_factory):
    inv = returned_inventory(sender=enterprise)
    other_trader = trader_factory(enterprise)
    results, barrier = [], threading.Barrier(2)

    def file(actor, reasons):
        barrier.wait()
        try:
            results.append(
                contest_file(enterprise=enterprise, inventory_pk=inv.pk, actor=actor, reasons=reasons)
            )
        except ApplicationError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(u, r)) for u, r in ((trader, "a"), (other_trader, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ClearanceErrorContest.objects.filter(inventory=inv).count() == 1
    assert "contest_open" in results
