"""Customs review of registrations: the queue, the three decisions, who may take them, and the
admin screens (behind a second factor)."""

import datetime as dt
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from customs_portal.errors import ApplicationError
from registration import review
from registration.models import Enterprise, EnterpriseHistory, EnterpriseStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pending(enterprise_factory, trader_factory):
    """A registration waiting for customs, with its applicant."""

    def create(days_waiting=1, **fields):
        enterprise = enterprise_factory(approved=False, **fields)
        Enterprise.objects.filter(pk=enterprise.pk).update(
            submitted_at=timezone.now() - dt.timedelta(days=days_waiting)
        )
        trader_factory(enterprise)
        return Enterprise.objects.get(pk=enterprise.pk)

    return create


def status_of(enterprise) -> str:
    return Enterprise.objects.values_list("status", flat=True).get(pk=enterprise.pk)


# --- the queue -----------------------------------------------------------------------------
def test_queue_lists_only_pending_registrations_oldest_first(pending, enterprise_factory):
    newest = pending(days_waiting=1, name="Newest")
    oldest = pending(days_waiting=9, name="Oldest")
    middle = pending(days_waiting=4, name="Middle")
    enterprise_factory(name="Already approved")
    assert list(review.review_queue()) == [oldest, middle, newest]


def test_queue_falls_back_to_sign_up_time_when_never_submitted(enterprise_factory):
    first = enterprise_factory(approved=False, name="First")
    second = enterprise_factory(approved=False, name="Second")
    assert list(review.review_queue()) == [first, second]


# --- approve -------------------------------------------------------------------------------
def test_approve_assigns_a_unique_ten_character_customs_code_and_records_history(
    pending, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = pending(customs_code=None)
    with django_capture_on_commit_callbacks(execute=True):
        done = review.enterprise_approve(enterprise=applicant, reviewer=reviewer)
    assert done.status == EnterpriseStatus.APPROVED
    assert len(done.customs_code) == 10 and done.customs_code.isdigit()
    assert done.approved_at is not None
    entry = EnterpriseHistory.objects.get(enterprise=applicant)
    assert (entry.actor, entry.from_status, entry.to_status) == (
        reviewer,
        EnterpriseStatus.PENDING_REVIEW,
        EnterpriseStatus.APPROVED,
    )
    assert entry.at is not None
    # the enterprise is told by e-mail (contact and its users, one message each, addressed to
    # each reader) and in the portal
    user = applicant.users.get()
    assert sorted(m.to[0] for m in mailoutbox) == sorted({applicant.contact_email, user.email})
    assert all(done.customs_code in m.body for m in mailoutbox)
    assert user.notifications.filter(kind="registration").count() == 1


def test_customs_codes_are_never_reused(monkeypatch, pending, enterprise_factory, reviewer):
    taken = enterprise_factory(customs_code="3100123456")
    codes = iter([123456, 123456, 654321])
    monkeypatch.setattr(review.secrets, "randbelow", lambda _n: next(codes))
    done = review.enterprise_approve(enterprise=pending(customs_code=None), reviewer=reviewer)
    assert done.customs_code == "3100654321" != taken.customs_code


def test_a_code_drawn_by_another_approval_at_the_same_instant_is_refused_cleanly(
    monkeypatch, pending, enterprise_factory, reviewer, mailoutbox
):
    # the other approval committed its code after this one checked that the code was free
    taken = enterprise_factory(customs_code="3100123456")
    monkeypatch.setattr(review, "customs_code_generate", lambda: taken.customs_code)
    applicant = pending(customs_code=None)
    with translation.override("en"), pytest.raises(ApplicationError, match="approve again"):
        review.enterprise_approve(enterprise=applicant, reviewer=reviewer)
    stored = Enterprise.objects.get(pk=applicant.pk)
    assert stored.status == EnterpriseStatus.PENDING_REVIEW and stored.customs_code is None
    assert not EnterpriseHistory.objects.filter(enterprise=applicant).exists()
    assert mailoutbox == []


def test_no_mail_is_sent_when_the_decision_rolls_back(pending, reviewer, mailoutbox):
    applicant = pending()
    review.enterprise_approve(enterprise=applicant, reviewer=reviewer)  # on_commit never runs
    assert mailoutbox == []


# --- reject and corrections ---------------------------------------------------------------
@pytest.mark.parametrize("decide", [review.enterprise_reject, review.enterprise_request_corrections])
@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_corrections_need_a_reason(pending, reviewer, decide, reason):
    applicant = pending()
    with pytest.raises(ApplicationError) as err:
        decide(enterprise=applicant, reviewer=reviewer, reason=reason)
    assert err.value.code == "reason_required" and err.value.field == "reason"
    assert status_of(applicant) == EnterpriseStatus.PENDING_REVIEW
    assert not EnterpriseHistory.objects.filter(enterprise=applicant).exists()


def test_reject_keeps_the_reason_and_tells_the_enterprise(
    pending, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = pending()
    with django_capture_on_commit_callbacks(execute=True):
        done = review.enterprise_reject(enterprise=applicant, reviewer=reviewer, reason="Licence is expired.")
    assert done.status == EnterpriseStatus.REJECTED
    assert done.review_note == "Licence is expired."
    assert done.customs_code is None or done.customs_code == applicant.customs_code
    entry = EnterpriseHistory.objects.get(enterprise=applicant)
    assert (entry.to_status, entry.reason, entry.actor) == (
        EnterpriseStatus.REJECTED,
        "Licence is expired.",
        reviewer,
    )
    assert mailoutbox and all("Licence is expired." in m.body for m in mailoutbox)


def test_corrections_send_the_registration_back_to_the_enterprise(
    pending, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = pending()
    with django_capture_on_commit_callbacks(execute=True):
        done = review.enterprise_request_corrections(
            enterprise=applicant, reviewer=reviewer, reason="The tax certificate scan is unreadable."
        )
    assert done.status == EnterpriseStatus.CORRECTIONS_REQUESTED
    assert done.review_note == "The tax certificate scan is unreadable."
    assert (
        EnterpriseHistory.objects.get(enterprise=applicant).reason
        == "The tax certificate scan is unreadable."
    )
    assert "The tax certificate scan is unreadable." in mailoutbox[0].body


@pytest.mark.parametrize(
    "decide",
    [
        lambda e, r: review.enterprise_approve(enterprise=e, reviewer=r),
        lambda e, r: review.enterprise_reject(enterprise=e, reviewer=r, reason="no"),
        lambda e, r: review.enterprise_request_corrections(enterprise=e, reviewer=r, reason="no"),
    ],
    ids=["approve", "reject", "corrections"],
)
def test_only_pending_registrations_can_be_decided(enterprise_factory, reviewer, decide):
    approved = enterprise_factory()
    with pytest.raises(ApplicationError) as err:
        decide(approved, reviewer)
    assert err.value.code == "invalid_transition"
    assert status_of(approved) == EnterpriseStatus.APPROVED


def test_second_reviewer_on_a_stale_page_gets_a_clear_error(pending, staff_factory):
    first, second = staff_factory("reviewer"), staff_factory("reviewer")
    applicant = pending()
    seen_by_first = Enterprise.objects.get(pk=applicant.pk)
    seen_by_second = Enterprise.objects.get(pk=applicant.pk)
    review.enterprise_approve(enterprise=seen_by_first, reviewer=first)
    with pytest.raises(ApplicationError) as err, translation.override("en"):
        review.enterprise_reject(enterprise=seen_by_second, reviewer=second, reason="Too late")
    assert err.value.code == "invalid_transition"
    assert "Someone may have acted on it just before you" in str(err.value)
    assert status_of(applicant) == EnterpriseStatus.APPROVED
    assert EnterpriseHistory.objects.filter(enterprise=applicant).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_the_same_moment_one_wins(enterprise_factory, staff_factory):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    applicant = enterprise_factory(approved=False)
    reviewers = [staff_factory("reviewer"), staff_factory("reviewer")]
    start = threading.Barrier(2)
    outcomes: list = []

    def decide(reviewer, approve):
        from django.db import connections

        try:
            start.wait()
            if approve:
                review.enterprise_approve(enterprise=applicant, reviewer=reviewer)
            else:
                review.enterprise_reject(enterprise=applicant, reviewer=reviewer, reason="Incomplete")
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(reviewers[0], True)),
        threading.Thread(target=decide, args=(reviewers[1], False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(outcomes) == ["invalid_transition", "ok"]
    assert EnterpriseHistory.objects.filter(enterprise=applicant).count() == 1


# --- who may decide ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["trader", "staff_without_role", "risk_officer", "ops", "nobody"])
def test_only_customs_reviewers_decide(pending, trader_factory, staff_factory, enterprise, who):
    from registration.models import User

    actor = {
        "trader": lambda: trader_factory(enterprise),
        "staff_without_role": lambda: User.objects.create_user(
            "plainstaff", password="x-long-password", is_staff=True
        ),
        "risk_officer": lambda: staff_factory("risk_officer"),
        "ops": lambda: staff_factory("ops"),
        "nobody": lambda: None,
    }[who]()
    applicant = pending()
    for decide, kwargs in [
        (review.enterprise_approve, {}),
        (review.enterprise_reject, {"reason": "no"}),
        (review.enterprise_request_corrections, {"reason": "no"}),
    ]:
        with pytest.raises(ApplicationError) as err:
            decide(enterprise=applicant, reviewer=actor, **kwargs)
        assert err.value.code == "not_a_reviewer"
    assert status_of(applicant) == EnterpriseStatus.PENDING_REVIEW


def test_a_superuser_may_decide(pending):
    from registration.models import User

    boss = User.objects.create_superuser("boss", password="x-long-password")
    assert review.enterprise_approve(enterprise=pending(), reviewer=boss).status == EnterpriseStatus.APPROVED


def test_staff_groups_carry_their_permissions(db):
    groups = review.staff_groups_ensure()
    assert {g.name for g in groups.values()} == {"customs reviewer", "risk officer", "ops"}
    assert groups["reviewer"].permissions.filter(codename="change_enterprise").exists()
    assert not groups["risk_officer"].permissions.filter(codename="change_enterprise").exists()
    assert groups["ops"].permissions.filter(codename="add_enterpriseapikey").exists()
    # running it again changes nothing
    assert review.staff_groups_ensure()["reviewer"].pk == groups["reviewer"].pk


# --- the admin screens ------------------------------------------------------------------------
QUEUE = "admin:registration_enterprise_queue"


def review_url(enterprise):
    return reverse("admin:registration_enterprise_review", args=[enterprise.pk])


def test_admin_requires_a_verified_second_factor(client, reviewer):
    client.force_login(reviewer)  # password only, no TOTP
    response = client.get(reverse(QUEUE))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_login_form_asks_for_the_totp_code(client):
    response = client.get(reverse("admin:login"))
    assert b'name="otp_token"' in response.content


def test_traders_cannot_reach_the_admin(trader_client, pending):
    for url in (reverse(QUEUE), review_url(pending())):
        response = trader_client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_queue_page_shows_pending_registrations_oldest_first(reviewer_client, pending):
    pending(days_waiting=1, name="Younger Co")
    pending(days_waiting=5, name="Older Co")
    page = reviewer_client.get(reverse(QUEUE)).content.decode()
    assert page.index("Older Co") < page.index("Younger Co")


def test_review_page_shows_the_documents_inline(reviewer_client, pending):
    applicant = pending()
    applicant.licence_file.save("licence.pdf", ContentFile(PDF))
    applicant.tax_certificate_file.save("tax.png", ContentFile(PNG))
    page = reviewer_client.get(review_url(applicant)).content.decode()
    licence = reverse("admin:registration_enterprise_document", args=[applicant.pk, "licence"])
    tax = reverse("admin:registration_enterprise_document", args=[applicant.pk, "tax"])
    assert f'<iframe src="{licence}"' in page
    assert f'<img src="{tax}"' in page
    served = reviewer_client.get(licence)
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PDF


def test_a_document_with_a_misleading_name_is_not_served_as_html(reviewer_client, pending):
    applicant = pending()
    applicant.licence_file.save("licence.pdf", ContentFile(b"<html><script>alert(1)</script></html>"))
    served = reviewer_client.get(
        reverse("admin:registration_enterprise_document", args=[applicant.pk, "licence"])
    )
    assert served["Content-Type"] == "application/octet-stream"


def test_reviewer_approves_in_the_admin(reviewer_client, reviewer, pending):
    applicant = pending()
    response = reviewer_client.post(review_url(applicant), {"decision": "approve", "reason": ""})
    assert response.status_code == 302 and response["Location"] == reverse(QUEUE)
    done = Enterprise.objects.get(pk=applicant.pk)
    assert done.status == EnterpriseStatus.APPROVED and len(done.customs_code) == 10
    history = reviewer_client.get(review_url(applicant)).content.decode()
    assert reviewer.username in history


def test_rejecting_in_the_admin_without_a_reason_shows_the_error(reviewer_client, pending):
    applicant = pending()
    response = reviewer_client.post(
        review_url(applicant), {"decision": "reject", "reason": ""}, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    assert status_of(applicant) == EnterpriseStatus.PENDING_REVIEW


def test_second_reviewer_in_the_admin_is_told_someone_else_decided(
    reviewer_client, otp_client_factory, staff_factory, pending
):
    applicant = pending()
    other = otp_client_factory(staff_factory("reviewer"))
    assert other.get(review_url(applicant)).status_code == 200  # both have the page open
    reviewer_client.post(review_url(applicant), {"decision": "approve"})
    response = other.post(
        review_url(applicant),
        {"decision": "corrections", "reason": "Please fix the address"},
        follow=True,
        headers={"accept-language": "en"},
    )
    assert "Someone may have acted on it just before you" in response.content.decode()
    assert status_of(applicant) == EnterpriseStatus.APPROVED


def test_risk_officer_sees_the_registration_but_cannot_decide(otp_client_factory, staff_factory, pending):
    risk = otp_client_factory(staff_factory("risk_officer"))
    applicant = pending()
    page = risk.get(review_url(applicant))
    assert page.status_code == 200 and b'data-testid="decision-form"' not in page.content
    assert risk.post(review_url(applicant), {"decision": "approve"}).status_code == 403
    assert status_of(applicant) == EnterpriseStatus.PENDING_REVIEW


def test_staff_without_a_role_cannot_open_the_queue(otp_client_factory, pending):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from registration.models import User

    plain = User.objects.create_user("plainstaff", password="x-long-password", is_staff=True)
    TOTPDevice.objects.create(user=plain, name="default", confirmed=True)
    c = otp_client_factory(plain)
    applicant = pending()
    assert c.get(reverse(QUEUE)).status_code == 403
    assert c.post(review_url(applicant), {"decision": "approve"}).status_code == 403
    assert status_of(applicant) == EnterpriseStatus.PENDING_REVIEW


def test_enterprise_change_list_links_to_the_queue(reviewer_client):
    page = reviewer_client.get(reverse("admin:registration_enterprise_changelist")).content.decode()
    assert reverse(QUEUE) in page
