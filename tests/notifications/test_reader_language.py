"""Every notification is read in its reader's language, whoever triggered it and in whatever
language: the notification centre, the e-mail (text and HTML) and the SMS.

One run triggers a notification of every kind there is (registration review decisions, name
change decisions, every authorization move, annual report and question decisions, goods review,
a paused callback, a returned summary form, and each kind of reminder) with the portal in one
language, by people who read it in that language; each enterprise and customs also has a reader
of the other language. Then every user reads their notification centre, mail and SMS, and any
text in the wrong language fails. Enterprise names, user names and the texts people typed are
ASCII codes and names the test chooses, so what is left is the portal's own wording.
"""

import datetime as dt
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from customs_portal import texts
from notifications.models import Notification
from tests.reminders.factories import enterprise_history, returned_inventory
from tests.summaries.factories import listed

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
LANGUAGES = ("en", "zh-hans")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")
URL = re.compile(r"https?://\S+")
TAG = re.compile(r"<[^>]+>")
# what people typed (a reason, an answer, a subject) is kept as they wrote it: codes, here
TYPED = ("R-1042", "Q-77", "A-5", "N-9", "X-12")
CALLBACK_URL = "https://hooks.example/cb"
CALLBACK_ERROR = "HTTP 500"
# ASCII a correct Chinese text may hold: the receipts API address in the callback notice
ZH_ALLOWED = ("GET /api/v1/receipts/", "URL")

# every message id a notification is stored with (the test fails when one is not produced)
EXPECTED_IDS = {
    "registration.notice.review_approved",
    "registration.notice.review_rejected",
    "registration.notice.review_corrections",
    "registration.notice.name_change_approved",
    "registration.notice.name_change_refused",
    "authorization.notice.confirm_asked",
    "authorization.notice.under_review",
    "authorization.notice.approved",
    "authorization.notice.rejected",
    "authorization.notice.supplement_requested",
    "authorization.notice.revoked",
    "authorization.notice.renewal_on",
    "authorization.notice.change_requested",
    "authorization.notice.change_approved",
    "authorization.notice.change_rejected",
    "authorization.notice.change_withdrawn",
    "authorization.notice.renewed",
    "authorization.notice.expired",
    "authorization.notice.party_renamed",
    "cooperation.notice.annual_report_accepted",
    "cooperation.notice.annual_report_returned",
    "cooperation.notice.question_answered",
    "goods.notice.approved",
    "goods.notice.rejected",
    "exchange.notice.callback_paused",
    "summaries.notice.returned",
    "reminders.annual_report.due",
    "reminders.authorization.expiring",
    "reminders.authorization.renewing",
    "reminders.summary.overdue",
    "reminders.waiting.registration",
    "reminders.waiting.returned_lists",
    "reminders.waiting.authorization_supplement",
    "reminders.review_overdue.registration",
    "reminders.review_overdue.annual_report",
    "reminders.review_overdue.authorization",
    "reminders.question_unanswered",
}


def aware(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10)))


def pdf():
    return SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, monkeypatch):
    from authorization import services as authorization_services

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "customs_portal.sms.LocmemSmsBackend"
    settings.SITE_URL = "https://portal.example"
    monkeypatch.setattr(authorization_services, "_today", lambda: dt.date(2026, 6, 1))


class World:
    """Enterprises with one reader of each language, and customs reviewers of each language."""

    def __init__(self, enterprise_factory, staff_factory, writer: str):
        from registration.models import User

        self.writer = writer
        self.users: list[User] = []
        self.names = set(TYPED) | {CALLBACK_URL, CALLBACK_ERROR}
        self._factory = enterprise_factory
        self.reviewers = {}
        for language in LANGUAGES:
            reviewer = staff_factory("reviewer")
            reviewer.language = language
            reviewer.save(update_fields=["language"])
            self.reviewers[language] = reviewer
            self.users.append(reviewer)
            self.names.add(reviewer.username)
        self.reviewer = self.reviewers[writer]

    def enterprise(self, name, *, roles=("owner", "ecommerce"), approved=True, **fields):
        from registration.models import User

        enterprise = self._factory(name=name, roles=roles, approved=approved, **fields)
        self.names |= {name, enterprise.contact_name, enterprise.customs_code or ""}
        users = {}
        for language in LANGUAGES:
            username = f"{name.split()[0].lower()}.{language[:2]}"
            user = User.objects.create_user(
                username=username,
                email=f"{username}@example.com",
                password="correct-horse-battery",
                enterprise=enterprise,
                is_enterprise_admin=True,
                language=language,
                phone=f"139{User.objects.count():08d}",
            )
            users[language] = user
            self.users.append(user)
            self.names.add(username)
        enterprise.actor = users[self.writer]  # acts in the writer's language
        return enterprise


def trigger_everything(world: World) -> None:
    """A notification of every kind, with the portal in ``world.writer``."""
    from authorization import services as auth
    from authorization.models import AuthorizationHistory
    from declarations.exchange import services as exchange
    from declarations.exchange.models import CallbackEndpoint
    from declarations.services import goods as goods_services
    from declarations.summaries.models import SummaryForm
    from declarations.summaries.services import summary_form_return, summary_form_submit, summary_month_build
    from registration import review
    from registration import services as registration_services
    from registration.cooperation import services as cooperation
    from registration.cooperation.models import AnnualReport, Question
    from registration.models import Enterprise, EnterpriseStatus
    from reminders.services import reminders_send

    reviewer = world.reviewer
    owner = world.enterprise("Harbour Goods Co")
    broker = world.enterprise("Swift Broker Co", roles=("broker",))

    def authorization(status, **fields):
        from authorization.models import Authorization

        data = {
            "principal": owner,
            "agent": broker,
            "principal_name": owner.name,
            "principal_uscc": owner.uscc,
            "agent_name": broker.name,
            "agent_uscc": broker.uscc,
            "scope": "both",
            "valid_from": dt.date(2026, 1, 1),
            "valid_to": dt.date(2026, 12, 31),
            "initiated_by": "principal",
            "number": f"WT2026T{Authorization.objects.count() + 1:07d}",
            "power_of_attorney": "poa.pdf",
        }
        data.update(fields)
        obj = Authorization(**data)
        obj.__dict__["status"] = status
        obj.save()
        return Authorization.objects.get(pk=obj.pk)

    # registration review decisions
    for name, decide in (
        ("Alpha Trade Co", lambda e: review.enterprise_approve(enterprise=e, reviewer=reviewer)),
        (
            "Beta Trade Co",
            lambda e: review.enterprise_reject(enterprise=e, reviewer=reviewer, reason="R-1042"),
        ),
        (
            "Gamma Trade Co",
            lambda e: review.enterprise_request_corrections(enterprise=e, reviewer=reviewer, reason="R-1042"),
        ),
    ):
        decide(world.enterprise(name, approved=False))

    # every authorization move
    draft = authorization("draft")
    auth.authorization_submit(authorization=draft, enterprise=owner, actor=owner.actor)
    waiting = authorization("awaiting_confirmation")
    auth.authorization_confirm(
        authorization=waiting, enterprise=broker, actor=broker.actor, power_of_attorney=pdf()
    )
    auth.authorization_approve(authorization=authorization("under_review"), actor=reviewer)
    auth.authorization_reject(authorization=authorization("under_review"), actor=reviewer, reason="R-1042")
    supplement = authorization("under_review")
    auth.authorization_request_supplement(authorization=supplement, actor=reviewer, reason="R-1042")
    auth.authorization_revoke(authorization=authorization("approved"), enterprise=owner, reason="R-1042")
    auth.authorization_set_renewal(authorization=authorization("approved"), enterprise=owner, auto_renew=True)
    for decide in (
        lambda change: auth.authorization_change_approve(change=change, actor=reviewer),
        lambda change: auth.authorization_change_reject(change=change, actor=reviewer, reason="R-1042"),
        None,
    ):
        changed = authorization("approved")
        change = auth.authorization_request_change(
            authorization=changed, enterprise=owner, terms={"scope": "import"}, note="N-9"
        )
        if decide:
            decide(change)
        else:
            auth.authorization_change_withdraw(authorization=changed, enterprise=owner)
    authorization("approved", valid_to=dt.date(2026, 6, 30), auto_renew=True)  # renewed on 06-01
    authorization("approved", valid_to=dt.date(2026, 5, 31))  # expired on 06-01
    auth.authorizations_expire_and_renew(on_date=dt.date(2026, 6, 1))

    # name change decisions (the approval also tells the partners of approved authorizations)
    for name, decide in (
        ("Harbour", lambda change: review.name_change_approve(name_change=change, reviewer=reviewer)),
        (
            "Swift",
            lambda change: review.name_change_reject(name_change=change, reviewer=reviewer, reason="R-1042"),
        ),
    ):
        enterprise = owner if name == "Harbour" else broker
        new_name = f"{name} Renamed Co"
        world.names.add(new_name)
        change = registration_services.enterprise_name_change_request(
            enterprise=enterprise, actor=enterprise.actor, new_name=new_name, licence_file=pdf()
        )
        decide(change)

    # cooperation: annual reports and a question
    data = {
        "business_status": "operating",
        "contact_name": "Contact Li",
        "contact_phone": "13800000001",
        "contact_email": "report@example.com",
        "import_volume": "1",
        "export_volume": "1",
        "staff_count": "4",
        "customs_staff_count": "1",
        "declared_true": None,
    }
    world.names.add("Contact Li")
    for enterprise, accept in ((owner, True), (broker, False)):
        report = cooperation.annual_report_submit(
            enterprise=enterprise, actor=enterprise.actor, data=data, declared_true=True
        )
        cooperation.annual_report_review(report=report, reviewer=reviewer, accept=accept, note="A-5")
    question = cooperation.question_ask(
        enterprise=owner, actor=owner.actor, category="other", subject="Q-77", text="Q-77"
    )
    cooperation.question_answer(question=question, actor=reviewer, text="X-12")

    # goods review
    goods_data = {
        "name": "Speaker",
        "description": "",
        "gcode": "8518220000",
        "unit": "007",
        "unit1": "007",
        "licence": False,
        "export_duty": False,
        "export_rebate": False,
    }
    world.names |= {"SKU-1", "SKU-2"}
    approved_goods = goods_services.goods_create(enterprise=owner, data={**goods_data, "item_no": "SKU-1"})
    goods_services.goods_approve(goods=approved_goods, actor=reviewer)
    rejected_goods = goods_services.goods_create(enterprise=owner, data={**goods_data, "item_no": "SKU-2"})
    goods_services.goods_reject(goods=rejected_goods, actor=reviewer, reason="R-1042")

    # a paused callback
    endpoint = CallbackEndpoint.objects.create(
        enterprise=owner, url=CALLBACK_URL, secret="s", failures=8, last_error=CALLBACK_ERROR
    )
    exchange._notify_paused(endpoint)

    # a returned summary form (lists of October 2026)
    exporter = world.enterprise("Cloud Export Co")
    listed(exporter)
    summary_month_build(enterprise=exporter, month=dt.date(2026, 10, 1))
    form = summary_form_submit(form=SummaryForm.objects.get(enterprise=exporter), actor=exporter.actor)
    summary_form_return(form=form, actor=reviewer, reason="R-1042")

    # every kind of reminder, on Monday 2026-06-29
    reminded = world.enterprise("Delta Trade Co")  # annual report due (D-1), summary overdue
    listed(reminded, released="2026-05-20")
    returned_inventory(sender=reminded, reasons=("R-1042",))
    from declarations.models import Inventory

    Inventory.objects.filter(sender=reminded).update(updated_at=aware("2026-06-22"))
    corrections = world.enterprise("Epsilon Trade Co", approved=False)
    Enterprise.objects.filter(pk=corrections.pk).update(
        status=EnterpriseStatus.CORRECTIONS_REQUESTED, review_note="R-1042"
    )
    enterprise_history(corrections, to_status="corrections_requested", at=aware("2026-06-22"))
    world.enterprise("Zeta Trade Co", approved=False, submitted_at=aware("2026-06-01"))  # review overdue
    AnnualReport.objects.filter(enterprise=broker).update(
        status="submitted", submitted_at=aware("2026-06-01")
    )
    AuthorizationHistory.objects.filter(authorization=supplement).update(at=aware("2026-06-22"))
    overdue = authorization("under_review")
    AuthorizationHistory.objects.create(
        authorization=overdue, from_status="awaiting_confirmation", to_status="under_review"
    )
    AuthorizationHistory.objects.filter(authorization=overdue).update(at=aware("2026-06-01"))
    authorization("approved", valid_to=dt.date(2026, 6, 30))  # expires (D-1)
    authorization("approved", valid_to=dt.date(2026, 7, 29), auto_renew=True)  # renewal notice
    asked = cooperation.question_ask(
        enterprise=reminded, actor=reminded.actor, category="other", subject="Q-77", text="Q-77"
    )
    Question.objects.filter(pk=asked.pk).update(waiting_since=aware("2026-06-01"))
    # written now; e-mailed and sent by SMS by the delivery task once this commits
    _sent, errors = reminders_send(today=dt.date(2026, 6, 29))
    assert errors == []


def wrong_language(text: str, language: str, names) -> list[str]:
    """The pieces of ``text`` that are not in ``language`` (once names and codes are set aside)."""
    text = URL.sub(" ", unescape(TAG.sub(" ", text)))
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    if language == "en":
        return CJK.findall(text)
    for allowed in ZH_ALLOWED:
        text = text.replace(allowed, " ")
    return ASCII_WORD.findall(text)


def _items(html: str) -> list[str]:
    return re.findall(r'data-testid="notification-(?:title|body)">(.*?)</(?:div|p)>', html, re.S)


@pytest.mark.parametrize("writer", LANGUAGES)
def test_every_notification_is_read_in_its_readers_language_whoever_wrote_it(
    writer, enterprise_factory, staff_factory, client, django_capture_on_commit_callbacks, mailoutbox
):
    from django.conf import settings

    from customs_portal import sms

    sms.outbox.clear()
    world = World(enterprise_factory, staff_factory, writer)
    with translation.override(writer), django_capture_on_commit_callbacks(execute=True):
        trigger_everything(world)

    stored = list(Notification.objects.values_list("title", flat=True))
    assert all(isinstance(title, dict) for title in stored), "a notification was stored as finished text"
    assert {title["id"] for title in stored} >= EXPECTED_IDS

    problems = []
    by_address = {}
    for message in mailoutbox:
        by_address.setdefault(message.to[0], []).append(message)
    for user in world.users:
        language = user.language
        other = "zh-hans" if language == "en" else "en"
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get("/reminders/notifications/?page=1")
        rows = Notification.objects.filter(user=user)
        if not rows.exists():  # the applicant whose review is overdue: only customs is reminded
            continue
        # users of an enterprise that is not approved are kept to the registration pages (the
        # gate): they read their notices by e-mail and on the status page
        pages = (rows.count() - 1) // 25 + 1 if page.status_code == 200 else 0
        if pages:
            assert len(_items(page.content.decode())) >= min(rows.count(), 25), user.username
        for n in range(1, pages + 1):
            html = client.get(f"/reminders/notifications/?page={n}").content.decode()
            for item in _items(html):
                bad = wrong_language(item, language, world.names)
                if bad:
                    problems.append(f"{user.username} ({language}) page: {bad} in {item!r}")
        mails = by_address.get(user.email, [])
        assert mails, f"no e-mail to {user.username}"
        for message in mails:
            html = message.alternatives[0][0]
            for part in (message.subject, message.body, html):
                bad = wrong_language(part, language, world.names)
                if bad:
                    problems.append(f"{user.username} ({language}) mail: {bad} in {part[:200]!r}")
            # and it is really in the reader's language, not the other one
            assert not wrong_language(message.body, language, world.names) or wrong_language(
                message.body, other, world.names
            )
        client.logout()
    sms_languages = set()
    for sent in sms.outbox:
        reader = next((u for u in world.users if u.phone and u.phone == sent["phone"]), None)
        if reader is not None:
            sms_languages.add(reader.language)
            bad = wrong_language(sent["text"], reader.language, world.names)
            if bad:
                problems.append(f"SMS to {reader.username}: {bad} in {sent['text']!r}")
    assert sms_languages == set(LANGUAGES)  # the last-day reminders went by SMS to readers of both
    assert not problems, "\n".join(problems[:40])


def test_a_notification_stored_before_message_ids_is_shown_as_it_was(trader, client):
    Notification.objects.create(user=trader, kind="legacy", title="旧的通知 old notice", body="plain body")
    client.force_login(trader)
    page = client.get("/reminders/notifications/").content.decode()
    assert "旧的通知 old notice" in page and "plain body" in page
    assert texts.render(Notification.objects.get().title, "en") == "旧的通知 old notice"
