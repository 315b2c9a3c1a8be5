"""The enterprise's coordinating officer, its certificates with a public check, and validity reminders."""

import datetime as dt

import pytest
from django.utils import timezone

from customs_portal.errors import ApplicationError
from notifications.models import Notification
from registration.cooperation.business import documents
from registration.cooperation.business.models import EnterpriseProfile, IssuedDocument
from registration.cooperation.business.services import licence_term_set, officer_assign
from registration.cooperation.models import Question
from registration.cooperation.services import question_ask
from reminders.kinds import Context, validity

pytestmark = pytest.mark.django_db


# --- coordinating officer -------------------------------------------------------------------------
def test_the_assigned_officer_is_on_the_information_page_and_receives_questions(
    trader_client, enterprise, trader, officer, staff_factory
):
    html = trader_client.get("/cooperation/enterprise-info/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Customs has not assigned a coordinating officer yet." in html
    officer.user = staff_factory("reviewer")
    officer.save()
    officer_assign(enterprise=enterprise, officer=officer)
    html = trader_client.get("/cooperation/enterprise-info/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Zhou Min 周敏" in html and "021-58880000" in html and "Mon–Fri 9:00–17:00" in html
    form = trader_client.get(
        "/cooperation/questions/new/?to=officer", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Address it to my coordinating officer, Zhou Min 周敏" in form
    response = trader_client.post(
        "/cooperation/questions/new/",
        {"category": "credit", "subject": "信用等级", "text": "如何申请高级认证？", "to_officer": "on"},
    )
    assert response.status_code == 302
    question = Question.objects.get(enterprise=enterprise)
    assert question.addressed_to == officer
    assert Notification.objects.filter(user=officer.user, kind="question_to_officer").count() == 1
    detail = trader_client.get(f"/cooperation/questions/{question.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Addressed to Zhou Min 周敏" in detail.content.decode()


def test_a_question_cannot_be_addressed_to_another_enterprises_officer(
    enterprise, other_enterprise, trader, officer
):
    officer_assign(enterprise=other_enterprise, officer=officer)
    with pytest.raises(ApplicationError) as exc:
        question_ask(
            enterprise=enterprise, actor=trader, category="other", subject="s", text="t", officer=officer
        )
    assert exc.value.code == "not_your_officer"
    assert Question.objects.count() == 0


def test_without_an_officer_the_form_has_no_officer_choice(trader_client):
    form = trader_client.get("/cooperation/questions/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "to_officer" not in form


def test_reviewer_assigns_the_officer_in_admin(reviewer_client, enterprise, officer):
    response = reviewer_client.post(
        "/admin/business/enterpriseprofile/add/",
        {"enterprise": enterprise.pk, "officer": officer.pk, "licence_valid_to": ""},
    )
    assert response.status_code == 302
    profile = EnterpriseProfile.objects.get(enterprise=enterprise)
    assert profile.officer == officer and profile.officer_assigned_at is not None


def test_an_inactive_officer_cannot_be_assigned(enterprise, officer):
    officer.active = False
    officer.save()
    with pytest.raises(ApplicationError):
        officer_assign(enterprise=enterprise, officer=officer)


# --- certificates -------------------------------------------------------------------------------
def test_registration_confirmation_pdf_carries_a_code_that_checks_as_valid(trader_client, enterprise):
    from django.test import Client

    enterprise.approved_at = timezone.now()
    enterprise.save(update_fields=["approved_at"])
    response = trader_client.get("/cooperation/documents/registration.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    doc = IssuedDocument.objects.get(enterprise=enterprise, kind="registration")
    # downloading again prints the same code
    trader_client.get("/cooperation/documents/registration.pdf")
    assert IssuedDocument.objects.count() == 1
    # anyone, signed in or not, checks it; typed in lower case without dashes
    anonymous = Client()
    page = anonymous.get("/verify/", {"code": doc.code.replace("-", "").lower()}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Registration confirmation" in html and "Valid" in html
    assert timezone.localdate(enterprise.approved_at).isoformat() in html
    # only kind, status and date: not the enterprise's name, codes or roles
    assert enterprise.name not in html and enterprise.uscc not in html and enterprise.customs_code not in html


def test_the_pdf_text_names_the_customs_code_roles_and_code(enterprise):
    enterprise.approved_at = timezone.now()
    enterprise.save(update_fields=["approved_at"])
    from django.template.loader import render_to_string
    from django.utils import translation

    doc = documents.registration_document(enterprise=enterprise)
    with translation.override("zh-hans"):
        html = render_to_string(
            "cooperation/business/registration_pdf.html",
            {"enterprise": enterprise, "doc": doc, "verify_url": "https://portal.example/verify/"},
        )
        roles = enterprise.get_roles_display()
    assert enterprise.customs_code in html and doc.code in html and "注册登记确认书" in html
    assert roles in html and "收发货人" in roles


def test_authorization_certificate_for_either_party_and_its_status_follows_the_authorization(
    client, enterprise, other_enterprise, trader_factory, approved_authorization
):
    today = timezone.localdate()
    auth = approved_authorization(
        enterprise,
        other_enterprise,
        valid_from=today - dt.timedelta(days=10),
        valid_to=today + dt.timedelta(days=100),
    )
    client.force_login(trader_factory(other_enterprise))  # the agent downloads too
    response = client.get(f"/cooperation/documents/authorizations/{auth.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    code = IssuedDocument.objects.get(authorization=auth).code
    assert documents.verify(code).status == "valid"
    from authorization.models import Authorization

    Authorization.objects.filter(pk=auth.pk).update(status="revoked")
    assert documents.verify(code).status == "revoked"
    Authorization.objects.filter(pk=auth.pk).update(status="expired")
    assert documents.verify(code).status == "expired"
    # not approved any more: no new download
    assert client.get(f"/cooperation/documents/authorizations/{auth.pk}.pdf").status_code == 404


def test_a_code_nobody_issued_is_not_found_and_codes_are_unguessable(client):
    page = client.get("/verify/", {"code": "AAAA-BBBB-CCCC-DDDD"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404 and "No certificate has this code" in page.content.decode()
    assert client.get("/verify/", {"code": "x"}).status_code == 404
    codes = {documents.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 19 for c in codes)


def test_the_public_check_is_rate_limited(client, settings):
    from django.core.cache import cache

    cache.clear()
    statuses = [client.get("/verify/", {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code for _ in range(11)]
    assert statuses[:10] == [404] * 10 and statuses[10] == 429
    cache.clear()


def test_another_enterprise_cannot_download_an_authorization_it_is_not_party_to(
    client, enterprise, other_enterprise, enterprise_factory, trader_factory, approved_authorization
):
    today = timezone.localdate()
    auth = approved_authorization(
        enterprise, other_enterprise, valid_from=today, valid_to=today + dt.timedelta(days=30)
    )
    client.force_login(trader_factory(enterprise_factory()))
    assert client.get(f"/cooperation/documents/authorizations/{auth.pk}.pdf").status_code == 404
    assert IssuedDocument.objects.count() == 0


@pytest.mark.parametrize("path", ["/cooperation/documents/", "/cooperation/documents/registration.pdf"])
def test_document_pages_need_a_member_of_an_approved_enterprise(
    client, path, enterprise_factory, trader_factory, staff_factory
):
    assert client.get(path).status_code == 302
    client.force_login(staff_factory("reviewer"))
    assert client.get(path).status_code == 403
    client.force_login(trader_factory(enterprise_factory(approved=False)))
    assert client.get(path).status_code == 302


# --- licence term and validity reminders ---------------------------------------------------------
def test_only_the_administrator_records_the_licence_term(client, enterprise, trader_factory):
    operator = trader_factory(enterprise, admin=False)
    client.force_login(operator)
    when = (timezone.localdate() + dt.timedelta(days=300)).isoformat()
    assert client.post("/cooperation/documents/", {"licence_valid_to": when}).status_code == 403
    client.force_login(trader_factory(enterprise))
    assert client.post("/cooperation/documents/", {"licence_valid_to": when}).status_code == 302
    assert EnterpriseProfile.objects.get(enterprise=enterprise).licence_valid_to.isoformat() == when
    past = client.post(
        "/cooperation/documents/", {"licence_valid_to": "2020-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert past.status_code == 400 and "The date has passed" in past.content.decode()
    assert EnterpriseProfile.objects.get(enterprise=enterprise).licence_valid_to.isoformat() == when


def test_licence_validity_reminders_60_30_7_1_days_before_then_expired(enterprise):
    due = dt.date(2026, 9, 30)
    licence_term_set(enterprise=enterprise, valid_to=due, today=dt.date(2026, 1, 1))

    def stages(day):
        return [d.stage for d in validity(Context(day)) if d.enterprise_id == enterprise.pk]

    assert stages(due - dt.timedelta(days=61)) == []
    assert stages(due - dt.timedelta(days=60)) == ["D-60"]
    assert stages(due - dt.timedelta(days=29)) == ["D-30"]
    assert stages(due - dt.timedelta(days=7)) == ["D-7"]
    assert stages(due) == ["D-1"]
    assert stages(due + dt.timedelta(days=1)) == ["EXPIRED"]
    assert stages(due + dt.timedelta(days=2)) == []
    # a new term stops them
    licence_term_set(enterprise=enterprise, valid_to=dt.date(2031, 9, 30), today=dt.date(2026, 9, 1))
    assert stages(due - dt.timedelta(days=7)) == []


def test_validity_reminder_goes_out_once_in_the_readers_language(enterprise, trader_factory):
    from customs_portal import texts
    from reminders.models import Reminder
    from reminders.services import reminders_send

    trader = trader_factory(enterprise, language="zh-hans")
    licence_term_set(enterprise=enterprise, valid_to=dt.date(2026, 9, 30), today=dt.date(2026, 1, 1))
    reminders_send(today=dt.date(2026, 9, 23))
    reminders_send(today=dt.date(2026, 9, 23))
    assert Reminder.objects.filter(kind="validity", enterprise=enterprise).count() == 1
    note = Notification.objects.get(user=trader, kind="validity")
    assert "营业执照" in texts.render(note.title, "zh-hans")
