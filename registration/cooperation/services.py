"""Every write of the cooperation platform: annual reports, policy notices, questions."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.fsm import run_transition
from notifications.services import notification_create

from .models import (
    AnnualReport,
    AnnualReportHistory,
    AnnualReportStatus,
    NoticeRead,
    PolicyNotice,
    Question,
    QuestionAttachment,
    QuestionHistory,
    QuestionMessage,
    QuestionStatus,
)

# notifications: stored as message ids, read in each recipient's language
REPORT_ACCEPTED = texts.define(
    "cooperation.notice.annual_report_accepted", _("Your annual report for %(year)s was accepted")
)
REPORT_RETURNED = texts.define(
    "cooperation.notice.annual_report_returned",
    _("Your annual report for %(year)s was returned for correction"),
)
REPORT_NOTE = texts.define("cooperation.notice.annual_report_note", _("Customs wrote: %(note)s"))
REPORT_RETURNED_ACTION = texts.define(
    "cooperation.notice.annual_report_returned.action",
    _("Correct the annual report as asked and submit it again."),
)
NOTICE_BODY = texts.define("cooperation.notice.policy_notice", _("%(body)s\n\nEffective from %(date)s."))
NOTICE_ACTION = texts.define(
    "cooperation.notice.policy_notice.action",
    _("Read the notice in the portal and check whether it changes how your enterprise declares."),
)
QUESTION_ANSWERED = texts.define(
    "cooperation.notice.question_answered", _("Customs answered your question: %(subject)s")
)
QUESTION_TO_OFFICER = texts.define(
    "cooperation.notice.question_to_officer", _("%(name)s addressed a question to you: %(subject)s")
)
QUESTION_ANSWER = texts.define("cooperation.notice.question_answer", _("The answer: %(text)s"))
QUESTION_ANSWERED_ACTION = texts.define(
    "cooperation.notice.question_answered.action",
    _("Read the answer in the portal; you can ask a follow-up question there."),
)

REPORT_FIELDS = (
    "business_status",
    "contact_name",
    "contact_phone",
    "contact_email",
    "import_volume",
    "export_volume",
    "staff_count",
    "customs_staff_count",
)


# --- annual report --------------------------------------------------------------------------
def annual_report_year(today: dt.date | None = None) -> int:
    """The report an enterprise files now: the previous calendar year's."""
    return (today or timezone.localdate()).year - 1


def annual_report_submit(*, enterprise, actor, data: dict, declared_true: bool, today=None) -> AnnualReport:
    """File (or, after customs returned it, correct and refile) the previous year's report."""
    if not declared_true:
        raise ApplicationError(
            "declaration_missing",
            _("Confirm that the report is true and complete before submitting it."),
            field="declared_true",
        )
    year = annual_report_year(today)
    values = {name: data[name] for name in REPORT_FIELDS}
    with transaction.atomic():
        existing = AnnualReport.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
        if existing is None:
            report = AnnualReport(
                enterprise=enterprise,
                year=year,
                declared_true=True,
                submitted_by=actor,
                submitted_at=timezone.now(),
                **values,
            )
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError:
                raise ApplicationError(
                    "already_submitted", _("The annual report for this year has already been submitted.")
                )
            AnnualReportHistory.objects.create(
                report=report, actor=actor, from_status="", to_status=report.status
            )
            return report
        if existing.status != AnnualReportStatus.RETURNED:
            raise ApplicationError(
                "already_submitted",
                interpolate_lazy(
                    _("The annual report for %(year)s is already “%(status)s”; it cannot be changed."),
                    {"year": year, "status": existing.get_status_display()},
                ),
            )

        def apply(locked):
            for name, value in values.items():
                setattr(locked, name, value)
            locked.declared_true = True
            locked.submitted_by = actor
            locked.submitted_at = timezone.now()

        return run_transition(
            instance=existing,
            transition="resubmit",
            history_model=AnnualReportHistory,
            actor=actor,
            before=apply,
        )


def annual_report_review(*, report: AnnualReport, reviewer, accept: bool, note: str = "") -> AnnualReport:
    """Customs accepts the report, or returns it with a reason; the enterprise is told."""
    if not accept and not note.strip():
        raise ApplicationError("reason_required", _("Give the reason for returning the report."))

    def before(locked):
        locked.review_note = note
        locked.reviewed_at = timezone.now()

    def after(locked):
        notification_create(
            kind="annual_report",
            title=texts.stored(REPORT_ACCEPTED if accept else REPORT_RETURNED, year=locked.year),
            body=texts.stored(REPORT_NOTE, note=note) if note else "",
            action=None if accept else texts.stored(REPORT_RETURNED_ACTION),
            link=reverse("cooperation:annual_report"),
            enterprise=locked.enterprise,
        )

    return run_transition(
        instance=report,
        transition="accept" if accept else "return_for_correction",
        history_model=AnnualReportHistory,
        actor=reviewer,
        reason=note,
        before=before,
        after=after,
    )


# --- policy notices -------------------------------------------------------------------------
def policy_notice_publish(*, notice: PolicyNotice, actor) -> PolicyNotice:
    """Publish a notice; if asked, e-mail the concerned enterprises once the publication commits."""
    with transaction.atomic():
        locked = PolicyNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.published_at is not None:
            raise ApplicationError("already_published", _("This notice is already published."))
        locked.published_at = timezone.now()
        locked.published_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["published_at", "published_by"])
        if locked.email_on_publish:
            from .tasks import email_policy_notice_task

            transaction.on_commit(lambda: email_policy_notice_task.delay(locked.pk))
    return locked


def policy_notice_email(*, notice_id: int) -> int:
    """E-mail a published notice to the users of the enterprises it concerns; once only.

    Through the portal's e-mail builder: each user is greeted by name in their own language,
    with the notice's effective date and an absolute link to it; the notice itself is shown as
    customs wrote it."""
    from notifications.emails import Recipient, display_name, emails_send, language_of
    from registration.models import User

    with transaction.atomic():
        notice = PolicyNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None or notice.published_at is None or notice.emailed_at is not None:
            return 0
        enterprise_ids = list(_concerned_enterprises(notice).values_list("pk", flat=True))
        users = User.objects.filter(enterprise_id__in=enterprise_ids, is_active=True).exclude(email="")
        recipients = [Recipient(u.email, display_name(u), language_of(u)) for u in users.order_by("pk")]
        sent = emails_send(
            recipients=recipients,
            subject=notice.title,
            body=texts.stored(NOTICE_BODY, body=notice.body, date=notice.effective_date.isoformat()),
            action=texts.stored(NOTICE_ACTION),
            link=reverse("cooperation:notice_detail", args=[notice.pk]),
        )
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
    return sent


def _concerned_enterprises(notice: PolicyNotice):
    from django.db.models import Q

    from registration.models import Enterprise

    roles = notice.roles
    qs = Enterprise.objects.approved()
    if not roles:
        return qs
    q = Q()
    for role in roles:
        q |= Q(**{f"is_{role}": True})
    return qs.filter(q)


def policy_notice_mark_read(*, notice: PolicyNotice, user) -> None:
    NoticeRead.objects.bulk_create([NoticeRead(notice=notice, user=user)], ignore_conflicts=True)


# --- questions ------------------------------------------------------------------------------
def _attach(message: QuestionMessage, files) -> None:
    from django.core.exceptions import ValidationError

    from customs_portal.uploads import validate_document

    for upload in files or []:
        try:
            validate_document(upload)
        except ValidationError as exc:
            raise ApplicationError("bad_attachment", " ".join(exc.messages), field="attachments")
        QuestionAttachment.objects.create(message=message, file=upload, original_name=upload.name[:200])


def question_ask(
    *, enterprise, actor, category: str, subject: str, text: str, files=(), officer=None
) -> Question:
    """Ask customs; ``officer``: the enterprise's own coordinating officer, told in the portal
    when they have a staff account."""
    if not text.strip() or not subject.strip():
        raise ApplicationError("empty_question", _("Write the subject and the question."))
    if officer is not None:
        from .business.selectors import officer_for

        assigned = officer_for(enterprise=enterprise)
        if assigned is None or assigned.pk != officer.pk:
            raise ApplicationError(
                "not_your_officer", _("Questions can be addressed only to your own coordinating officer.")
            )
    with transaction.atomic():
        question = Question.objects.create(
            enterprise=enterprise,
            asked_by=actor,
            category=category,
            subject=subject.strip(),
            waiting_since=timezone.now(),
            addressed_to=officer,
        )
        if officer is not None and officer.user_id:
            notification_create(
                kind="question_to_officer",
                title=texts.stored(QUESTION_TO_OFFICER, name=enterprise.name, subject=question.subject),
                link=f"/admin/cooperation/question/{question.pk}/change/",
                users=[officer.user],
            )
        message = QuestionMessage.objects.create(question=question, author=actor, text=text.strip())
        _attach(message, files)
        QuestionHistory.objects.create(
            question=question, actor=actor, from_status="", to_status=question.status
        )
    return question


def question_follow_up(*, question: Question, actor, text: str, files=()) -> Question:
    """The enterprise writes again in the thread: the question is open again for customs."""
    if not text.strip():
        raise ApplicationError("empty_message", _("Write your message."))
    if question.status == QuestionStatus.CLOSED:
        raise ApplicationError("question_closed", _("This question is closed; ask a new one."))

    def after(locked):
        message = QuestionMessage.objects.create(question=locked, author=actor, text=text.strip())
        _attach(message, files)

    def before(locked):
        locked.waiting_since = timezone.now()

    return run_transition(
        instance=question,
        transition="follow_up",
        history_model=QuestionHistory,
        actor=actor,
        before=before,
        after=after,
    )


def question_answer(*, question: Question, actor, text: str, files=()) -> Question:
    """Customs answers; the enterprise's users are notified."""
    if not text.strip():
        raise ApplicationError("empty_message", _("Write the answer."))

    def before(locked):
        locked.waiting_since = None

    def after(locked):
        message = QuestionMessage.objects.create(
            question=locked, author=actor, text=text.strip(), from_customs=True
        )
        _attach(message, files)
        notification_create(
            kind="question_answered",
            title=texts.stored(QUESTION_ANSWERED, subject=locked.subject),
            body=texts.stored(QUESTION_ANSWER, text=text.strip()),
            action=texts.stored(QUESTION_ANSWERED_ACTION),
            link=reverse("cooperation:question_detail", args=[locked.pk]),
            enterprise=locked.enterprise,
        )

    return run_transition(
        instance=question,
        transition="answer",
        history_model=QuestionHistory,
        actor=actor,
        before=before,
        after=after,
    )


def question_close(*, question: Question, actor) -> Question:
    def before(locked):
        locked.waiting_since = None

    return run_transition(
        instance=question, transition="close", history_model=QuestionHistory, actor=actor, before=before
    )
