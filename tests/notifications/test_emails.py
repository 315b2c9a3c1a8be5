"""The e-mails the portal sends: a greeting, what happened, what to do, an absolute link, as
plain text and HTML, in each recipient's language."""

import datetime as dt

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings, monkeypatch):
    from authorization import services

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://portal.example"
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 6, 1))


def _authorization(principal, agent):
    from authorization.models import Authorization

    obj = Authorization(
        principal=principal,
        agent=agent,
        principal_name=principal.name,
        agent_name=agent.name,
        scope="both",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        initiated_by="principal",
        number="WT2026T0000099",
        power_of_attorney="poa.pdf",
    )
    obj.__dict__["status"] = "under_review"
    obj.save()
    return obj


def test_an_authorization_email_greets_says_what_happened_what_to_do_and_links_absolutely(
    enterprise_factory, trader_factory, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    from authorization import services

    owner = enterprise_factory(roles=("owner",), name="Harbour Goods Co")
    broker = enterprise_factory(roles=("broker",), name="Swift Broker Co")
    reader = trader_factory(owner)
    reader.first_name, reader.last_name, reader.language = "Mei", "Lin", "en"
    reader.save()
    auth = _authorization(owner, broker)
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        services.authorization_reject(authorization=auth, actor=reviewer, reason="Power of attorney unsigned")

    [mail] = [m for m in mailoutbox if m.to == [reader.email]]
    link = f"https://portal.example/authorizations/{auth.pk}/"
    assert mail.subject == "Declaration authorization WT2026T0000099 was rejected by customs"
    body = mail.body
    assert body.startswith("Dear Mei Lin,")
    assert "Declaration authorization WT2026T0000099 was rejected by customs" in body
    assert "Reason: Power of attorney unsigned" in body
    assert "What to do:" in body and link in body
    assert body.strip() != f"/authorizations/{auth.pk}/"
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    assert "<p>Dear Mei Lin,</p>" in html and f'href="{link}"' in html
    assert "Reason: Power of attorney unsigned" in html
    # no external assets: the only addresses are the portal's own
    assert "<script" not in html and "<img" not in html and "<link" not in html


def test_each_recipient_reads_the_email_in_their_own_language(
    enterprise_factory, trader_factory, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    from registration import review

    applicant = enterprise_factory(approved=False, name="Alpha Trade Co")
    english = trader_factory(applicant)
    chinese = trader_factory(applicant, admin=False)
    english.language, chinese.language = "en", "zh-hans"
    english.save()
    chinese.save()
    # the approval used to be mailed in Chinese to everyone, whatever the reviewer's page said
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        review.enterprise_approve(enterprise=applicant, reviewer=reviewer)
    mails = {m.to[0]: m for m in mailoutbox}
    code = type(applicant).objects.get(pk=applicant.pk).customs_code
    assert mails[english.email].subject == "Your enterprise registration is approved"
    assert f"Customs registration code: {code}" in mails[english.email].body
    assert mails[english.email].body.startswith(f"Dear {english.username},")
    assert mails[chinese.email].subject == "您的企业注册已审核通过"
    assert mails[chinese.email].body.startswith(f"{chinese.username}，您好")
    assert "https://portal.example/registration/status/" in mails[chinese.email].body
    # the enterprise's own contact address is told too, in its administrator's language
    assert mails[applicant.contact_email].subject == "Your enterprise registration is approved"


def test_a_reminder_email_has_the_greeting_the_link_and_an_html_part(
    enterprise, trader, mailoutbox, django_capture_on_commit_callbacks
):
    from reminders.services import reminders_send

    trader.language = "en"
    trader.save()
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=dt.date(2026, 6, 29))
    [mail] = [m for m in mailoutbox if m.to == [trader.email]]
    assert mail.subject == "Annual report for 2025 due by 2026-06-30"
    assert mail.body.startswith(f"Dear {trader.username},")
    assert "https://portal.example/cooperation/annual-report/" in mail.body
    assert mail.alternatives and mail.alternatives[0][1] == "text/html"


def test_a_policy_notice_email_frames_the_notice_in_the_readers_language(
    enterprise_factory, trader_factory, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    from registration.cooperation.models import PolicyNotice
    from registration.cooperation.services import policy_notice_publish

    broker = enterprise_factory(roles=("broker",))
    english = trader_factory(broker)
    chinese = trader_factory(broker, admin=False, language="zh-hans")
    notice = PolicyNotice.objects.create(
        title="跨境电商出口新规",
        body="自下月起执行。",
        effective_date=dt.date(2026, 12, 1),
        for_broker=True,
        email_on_publish=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        policy_notice_publish(notice=notice, actor=reviewer)
    mails = {m.to[0]: m for m in mailoutbox}
    link = f"https://portal.example/cooperation/notices/{notice.pk}/"
    # the notice as customs wrote it, framed in each reader's language
    assert mails[english.email].subject == mails[chinese.email].subject == "跨境电商出口新规"
    assert mails[english.email].body.startswith(f"Dear {english.username},")
    assert (
        "自下月起执行。" in mails[english.email].body
        and "Effective from 2026-12-01." in mails[english.email].body
    )
    assert link in mails[english.email].body and link in mails[english.email].alternatives[0][0]
    assert mails[chinese.email].body.startswith(f"{chinese.username}，您好")
    assert "Effective" not in mails[chinese.email].body
