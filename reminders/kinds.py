"""What is due on a given day: one function per reminder kind, pure reads.

Each kind looks at the subjects that are still unresolved *today* and yields, for each, the
latest stage whose date has come (``latest_stage``). That is how a job that did not run for a
few days catches up: a stage whose date passed while it was down is still the latest one and
is sent once; a stage that a later stage has overtaken is not sent any more (the enterprise
gets the more urgent notice instead of two at once). A subject resolved in the meantime is not
a candidate at all, so nothing stale goes out.

The schedule:
- annual report for year Y (window 1 January – 30 June of Y+1): 30, 7 and 1 days before
  30 June, then an overdue notice on 1 July and every 7 days until the report is in (submitted
  or accepted) or the year ends.
- authorization expiring: 30, 7 and 1 days before ``valid_to``; with automatic renewal on, one
  renewal notice 30 days before instead.
- monthly summary deadline (the 15th, or the first working day after it): 5 and 1 working
  days before, then overdue weekly until the summary is declared.
- items waiting for the enterprise (supplement requested, returned lists, corrections asked):
  when it starts waiting, then weekly while it waits.
- unpaid tax bills (export duty): 7, 3 and 1 days before the due date, then overdue weekly
  until paid.
- validity: the business licence's term ends: 60, 30, 7 and 1 days before, then once on the
  day after it ended (until a new term is entered); a certified rating lapses: 90, 30 and 7
  days before, then once the day after (re-certification).
- reviews past their due date (3 working days; contested clearance errors: the working days set
  in admin) and questions unanswered after 2 working days: to customs reviewers, when overdue,
  then weekly.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.workdays import WorkdayCalendar

from .models import ReminderKind

REVIEW_WORKING_DAYS = 3  # domain: a review should not exceed three working days
QUESTION_WORKING_DAYS = 2  # unanswered questions remind staff after two working days
REPEAT_EVERY_DAYS = 7  # overdue and waiting notices repeat weekly
SMS_STAGES_PREFIXES = ("D-1", "WD-1", "OVERDUE")  # the last-day and overdue stages also go by SMS

# What the reminders say: stored as message ids with parameters (customs_portal.texts) and
# rendered in each recipient's language in the notification centre, the e-mail and the SMS.
AR_OVERDUE = texts.define("reminders.annual_report.overdue", _("Your annual report for %(year)s is overdue"))
AR_OVERDUE_BODY = texts.define(
    "reminders.annual_report.overdue.body",
    _(
        "The reporting window closed on %(due)s. Submit the annual report for %(year)s now; "
        "an overdue report affects your credit rating."
    ),
)
AR_DUE = texts.define("reminders.annual_report.due", _("Annual report for %(year)s due by %(due)s"))
AR_DUE_BODY = texts.define(
    "reminders.annual_report.due.body",
    _(
        "The reporting window for the %(year)s annual report runs from 1 January to 30 June. "
        "Please submit it before %(due)s."
    ),
)
AUTH_RENEWING = texts.define(
    "reminders.authorization.renewing",
    _("Authorization %(number)s will be renewed automatically on %(due)s"),
)
AUTH_RENEWING_BODY = texts.define(
    "reminders.authorization.renewing.body",
    _("Automatic renewal is on for this authorization. Turn it off before %(due)s if the partnership ends."),
)
AUTH_EXPIRING = texts.define(
    "reminders.authorization.expiring", _("Authorization %(number)s expires on %(due)s")
)
AUTH_EXPIRING_BODY = texts.define(
    "reminders.authorization.expiring.body",
    _(
        "After %(due)s the agent can no longer declare under this authorization. Renew it "
        "or apply for a new one in time."
    ),
)
SUM_OVERDUE = texts.define("reminders.summary.overdue", _("The monthly summary for %(month)s is overdue"))
SUM_OVERDUE_BODY = texts.define(
    "reminders.summary.overdue.body", _("The deadline was %(due)s. Declare the summary for %(month)s now.")
)
SUM_DUE = texts.define("reminders.summary.due", _("Monthly summary for %(month)s due by %(due)s"))
SUM_DUE_BODY = texts.define(
    "reminders.summary.due.body",
    _("The declaration lists cleared in %(month)s must be declared as a summary by %(due)s."),
)
REG_CORRECTIONS = texts.define(
    "reminders.waiting.registration", _("Customs asked you to correct your registration")
)
REG_CORRECTIONS_BODY = texts.define(
    "reminders.waiting.registration.body", _("Open your registration, correct it as asked and resubmit it.")
)
REG_CORRECTIONS_NOTE = texts.define("reminders.waiting.registration.note", _("Customs asked: %(note)s"))
LISTS_RETURNED = texts.define(
    "reminders.waiting.returned_lists", _("%(n)s declaration lists were returned to you")
)
LISTS_RETURNED_BODY = texts.define(
    "reminders.waiting.returned_lists.body",
    _("Correct and resend the returned declaration lists; the reasons are in the clearance error log."),
)
AUTH_SUPPLEMENT = texts.define(
    "reminders.waiting.authorization_supplement",
    _("Customs asked for supplementary materials for authorization %(number)s"),
)
AUTH_SUPPLEMENT_BODY = texts.define(
    "reminders.waiting.authorization_supplement.body",
    _("Add the requested materials and resubmit the authorization."),
)
REG_REVIEW_OVERDUE = texts.define(
    "reminders.review_overdue.registration", _("Registration review overdue: %(name)s (due %(due)s)")
)
AR_REVIEW_OVERDUE = texts.define(
    "reminders.review_overdue.annual_report",
    _("Annual report review overdue: %(name)s, %(year)s (due %(due)s)"),
)
AUTH_REVIEW_OVERDUE = texts.define(
    "reminders.review_overdue.authorization", _("Authorization review overdue: %(number)s (due %(due)s)")
)
LICENCE_EXPIRING = texts.define("reminders.validity.licence", _("Your business licence expires on %(due)s"))
LICENCE_EXPIRING_BODY = texts.define(
    "reminders.validity.licence.body",
    _(
        "Renew the business licence before %(due)s, then enter the new term on the portal's "
        "certificates page and send customs the change of registration if any detail changed."
    ),
)
LICENCE_EXPIRED = texts.define(
    "reminders.validity.licence.expired", _("Your business licence expired on %(due)s")
)
SIGNING_CERT_EXPIRING = texts.define(
    "reminders.validity.signing_certificate",
    _("Your signing certificate %(serial)s expires on %(due)s"),
)
SIGNING_CERT_EXPIRED = texts.define(
    "reminders.validity.signing_certificate.expired",
    _("Your signing certificate %(serial)s expired on %(due)s"),
)
SIGNING_CERT_BODY = texts.define(
    "reminders.validity.signing_certificate.body",
    _(
        "Messages signed with certificate %(serial)s (%(subject)s) are refused after %(due)s. "
        "Renew it with your certificate authority and register the new certificate on the portal "
        "before then."
    ),
)
RECERT_DUE = texts.define(
    "reminders.validity.certification", _("Your certification as “%(rating)s” lapses on %(due)s")
)
RECERT_LAPSED = texts.define(
    "reminders.validity.certification.lapsed", _("Your certification as “%(rating)s” lapsed on %(due)s")
)
RECERT_BODY = texts.define(
    "reminders.validity.certification.body",
    _("Apply for re-certification in the portal before %(due)s, with a new self-assessment."),
)
CONTEST_REVIEW_OVERDUE = texts.define(
    "reminders.review_overdue.contest",
    _("Contested clearance error overdue: %(name)s, list %(list)s (due %(due)s)"),
)
QUESTION_UNANSWERED = texts.define(
    "reminders.question_unanswered", _("Question from %(name)s unanswered since %(due)s: %(subject)s")
)


@dataclass(frozen=True)
class Due:
    kind: str
    stage: str
    enterprise_id: int
    customs_code: str
    subject: str
    due_date: dt.date
    title: dict = field(compare=False)  # a stored text (customs_portal.texts)
    body: dict | str = field(compare=False, default="")
    link: str = field(compare=False, default="")

    @property
    def key(self) -> tuple:
        return (self.kind, self.subject, self.due_date, self.stage, self.enterprise_id)

    @property
    def sms(self) -> bool:
        return self.stage in ("D-1", "WD-1") or self.stage.startswith("OVERDUE")

    def line(self) -> str:
        return (
            f"{self.kind} {self.stage} {self.customs_code or '-'} {self.subject} {self.due_date.isoformat()}"
        )


def latest_stage(today: dt.date, schedule: Iterable[tuple[str, dt.date]]) -> str | None:
    """The stage with the latest date on or before ``today`` (None if none has come)."""
    best: tuple[dt.date, str] | None = None
    for stage, on in schedule:
        if on <= today and (best is None or on >= best[0]):
            best = (on, stage)
    return best[1] if best else None


def repeating(prefix: str, first: dt.date, today: dt.date) -> list[tuple[str, dt.date]]:
    """``prefix`` on ``first``, then ``prefix+7``, ``prefix+14`` … up to ``today``."""
    if today < first:
        return []
    weeks = (today - first).days // REPEAT_EVERY_DAYS
    return [
        (
            prefix if n == 0 else f"{prefix}+{n * REPEAT_EVERY_DAYS}",
            first + dt.timedelta(days=n * REPEAT_EVERY_DAYS),
        )
        for n in range(weeks + 1)
    ]


def days_before(due: dt.date, days: Iterable[int]) -> list[tuple[str, dt.date]]:
    return [(f"D-{n}", due - dt.timedelta(days=n)) for n in days]


def _local_date(value) -> dt.date:
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


class Context:
    def __init__(self, today: dt.date):
        self.today = today
        self.calendar = WorkdayCalendar()


# --- annual report --------------------------------------------------------------------------
def annual_report(ctx: Context) -> Iterator[Due]:
    from registration.cooperation.models import REPORT_WINDOW_END, AnnualReport, AnnualReportStatus
    from registration.models import Enterprise

    today = ctx.today
    year = today.year - 1
    due = dt.date(today.year, *REPORT_WINDOW_END)
    schedule = days_before(due, (30, 7, 1)) + repeating("OVERDUE", due + dt.timedelta(days=1), today)
    stage = latest_stage(today, schedule)
    if stage is None:
        return
    report_in = AnnualReport.objects.filter(
        year=year, status__in=[AnnualReportStatus.SUBMITTED, AnnualReportStatus.ACCEPTED]
    ).values("enterprise_id")
    # an enterprise approved this year did not exist as a registered enterprise last year
    start_of_year = timezone.make_aware(dt.datetime(today.year, 1, 1))
    enterprises = (
        Enterprise.objects.approved()
        .exclude(pk__in=report_in)
        .exclude(approved_at__gte=start_of_year)
        .values_list("pk", "customs_code")
    )
    link = reverse("cooperation:annual_report")
    if stage.startswith("OVERDUE"):
        title = texts.stored(AR_OVERDUE, year=year)
        body = texts.stored(AR_OVERDUE_BODY, due=due.isoformat(), year=year)
    else:
        title = texts.stored(AR_DUE, year=year, due=due.isoformat())
        body = texts.stored(AR_DUE_BODY, year=year, due=due.isoformat())
    for pk, code in enterprises:
        yield Due(ReminderKind.ANNUAL_REPORT, stage, pk, code or "", f"AR-{year}", due, title, body, link)


# --- authorization expiring -----------------------------------------------------------------
def authorization_expiring(ctx: Context) -> Iterator[Due]:
    from . import authorization_reads

    today = ctx.today
    for auth in authorization_reads.expiring(today=today, horizon=today + dt.timedelta(days=30)):
        due, number = auth["valid_to"], auth["number"]
        if auth["auto_renew"]:
            stage = latest_stage(today, [("RENEWAL", due - dt.timedelta(days=30))])
            title = texts.stored(AUTH_RENEWING, number=number, due=due.isoformat())
            body = texts.stored(AUTH_RENEWING_BODY, due=due.isoformat())
        else:
            stage = latest_stage(today, days_before(due, (30, 7, 1)))
            title = texts.stored(AUTH_EXPIRING, number=number, due=due.isoformat())
            body = texts.stored(AUTH_EXPIRING_BODY, due=due.isoformat())
        if stage is None:
            continue
        link = _authorization_link(auth["pk"])
        for enterprise_pk, code in sorted(auth["parties"]):
            yield Due(
                ReminderKind.AUTHORIZATION_EXPIRING,
                stage,
                enterprise_pk,
                code,
                f"AUTH-{auth['pk']}",
                due,
                title,
                body,
                link,
            )


def _authorization_link(pk) -> str:
    return reverse("authorization:detail", args=[pk])


# --- monthly summary deadline ---------------------------------------------------------------
def summary_deadline_for(calendar: WorkdayCalendar, month_first: dt.date) -> dt.date:
    """The summary for the month before ``month_first`` is due by the 15th (next working day)."""
    return calendar.first_workday_on_or_after(month_first.replace(day=15))


def summary_deadline(ctx: Context) -> Iterator[Due]:
    from .summary_reads import pending_summaries

    today, cal = ctx.today, ctx.calendar
    deadline = summary_deadline_for(cal, today.replace(day=1))
    # before this month's deadline the previous month is concerned; after it, still that month
    # (overdue) until declared
    schedule = [
        ("WD-5", cal.subtract_working_days(deadline, 5)),
        ("WD-1", cal.subtract_working_days(deadline, 1)),
        *repeating("OVERDUE", deadline + dt.timedelta(days=1), today),
    ]
    stage = latest_stage(today, schedule)
    if stage is None:
        return
    period = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    label = period.strftime("%Y-%m")
    link = reverse("summaries:overview")
    if stage.startswith("OVERDUE"):
        title = texts.stored(SUM_OVERDUE, month=label)
        body = texts.stored(SUM_OVERDUE_BODY, due=deadline.isoformat(), month=label)
    else:
        title = texts.stored(SUM_DUE, month=label, due=deadline.isoformat())
        body = texts.stored(SUM_DUE_BODY, month=label, due=deadline.isoformat())
    for pk, code in pending_summaries(period=period):
        yield Due(
            ReminderKind.SUMMARY_DEADLINE, stage, pk, code or "", f"SUM-{label}", deadline, title, body, link
        )


# --- items waiting for the enterprise --------------------------------------------------------
def _history_since(history_model, fk: str, status: str):
    """Subquery: when the subject last moved to ``status``."""
    return Subquery(
        history_model.objects.filter(**{fk: OuterRef("pk"), "to_status": status})
        .order_by("-at")
        .values("at")[:1]
    )


def waiting(ctx: Context) -> Iterator[Due]:
    from registration.models import Enterprise, EnterpriseHistory, EnterpriseStatus

    today = ctx.today
    # registration corrections asked by the reviewer
    rows = (
        Enterprise.objects.filter(status=EnterpriseStatus.CORRECTIONS_REQUESTED)
        .annotate(
            since=_history_since(EnterpriseHistory, "enterprise", EnterpriseStatus.CORRECTIONS_REQUESTED)
        )
        .values_list("pk", "customs_code", "since", "review_note")
    )
    link = reverse("registration:status")
    for pk, code, since, note in rows:
        if since is None:  # no history row: no stable date to count from, so no reminder
            continue
        start = _local_date(since)
        stage = latest_stage(today, repeating("WAITING", start, today))
        title = texts.stored(REG_CORRECTIONS)
        # the reviewer's note is what a person wrote: shown as written, inside a sentence
        body = texts.stored(REG_CORRECTIONS_NOTE, note=note) if note else texts.stored(REG_CORRECTIONS_BODY)
        yield Due(ReminderKind.WAITING, stage, pk, code or "", f"REG-{pk}", start, title, body, link)

    # declaration lists returned to their sender, one notice per enterprise (not per parcel)
    from declarations.models import Inventory, InventoryStatus
    from registration.cooperation.business.selectors import corrected_entries

    link = reverse("cooperation:clearance_errors")
    rows = (
        Inventory.objects.filter(status=InventoryStatus.RETURNED)
        .exclude(pk__in=corrected_entries())  # corrected after a contest: nothing left to do
        .values("sender_id", "sender__customs_code")
        .annotate(n=Count("pk"), oldest=Min("updated_at"))
    )
    for row in rows:
        start = _local_date(row["oldest"])
        stage = latest_stage(today, repeating("WAITING", start, today))
        yield Due(
            ReminderKind.WAITING,
            stage,
            row["sender_id"],
            row["sender__customs_code"] or "",
            "RETURNED-LISTS",
            start,
            texts.stored(LISTS_RETURNED, n=row["n"]),
            texts.stored(LISTS_RETURNED_BODY),
            link,
        )

    # authorizations for which the reviewer asked for supplementary materials
    from . import authorization_reads

    for auth_pk, enterprise_pk, code, since, number in authorization_reads.supplement_requested():
        if since is None:
            continue
        start = _local_date(since)
        stage = latest_stage(today, repeating("WAITING", start, today))
        yield Due(
            ReminderKind.WAITING,
            stage,
            enterprise_pk,
            code or "",
            f"AUTH-{auth_pk}",
            start,
            texts.stored(AUTH_SUPPLEMENT, number=number),
            texts.stored(AUTH_SUPPLEMENT_BODY),
            _authorization_link(auth_pk),
        )


# --- reviews past their due date (to customs) ------------------------------------------------
def _overdue_review(ctx: Context, start: dt.date, days: int) -> tuple[dt.date, str | None]:
    due = ctx.calendar.add_working_days(start, days)
    return due, latest_stage(ctx.today, repeating("OVERDUE", due + dt.timedelta(days=1), ctx.today))


def review_overdue(ctx: Context) -> Iterator[Due]:
    from registration.cooperation.models import AnnualReport, AnnualReportStatus
    from registration.models import Enterprise, EnterpriseStatus

    admin_link = "/admin/"
    rows = Enterprise.objects.filter(
        status=EnterpriseStatus.PENDING_REVIEW, submitted_at__isnull=False
    ).values_list("pk", "customs_code", "name", "submitted_at")
    for pk, code, name, submitted_at in rows:
        due, stage = _overdue_review(ctx, _local_date(submitted_at), REVIEW_WORKING_DAYS)
        if stage:
            title = texts.stored(REG_REVIEW_OVERDUE, name=name, due=due.isoformat())
            yield Due(
                ReminderKind.REVIEW_OVERDUE,
                stage,
                pk,
                code or "",
                f"REG-{pk}",
                due,
                title,
                "",
                f"{admin_link}registration/enterprise/{pk}/change/",
            )
    rows = AnnualReport.objects.filter(
        status=AnnualReportStatus.SUBMITTED, submitted_at__isnull=False
    ).values_list(
        "pk", "enterprise_id", "enterprise__customs_code", "enterprise__name", "year", "submitted_at"
    )
    for pk, ent, code, name, year, submitted_at in rows:
        due, stage = _overdue_review(ctx, _local_date(submitted_at), REVIEW_WORKING_DAYS)
        if stage:
            title = texts.stored(AR_REVIEW_OVERDUE, name=name, year=year, due=due.isoformat())
            yield Due(
                ReminderKind.REVIEW_OVERDUE,
                stage,
                ent,
                code or "",
                f"AR-{year}",
                due,
                title,
                "",
                f"{admin_link}cooperation/annualreport/{pk}/change/",
            )
    from . import authorization_reads

    for auth_pk, ent, code, since, number in authorization_reads.under_review():
        due, stage = _overdue_review(ctx, _local_date(since), REVIEW_WORKING_DAYS)
        if stage:
            yield Due(
                ReminderKind.REVIEW_OVERDUE,
                stage,
                ent,
                code or "",
                f"AUTH-{auth_pk}",
                due,
                texts.stored(AUTH_REVIEW_OVERDUE, number=number, due=due.isoformat()),
                "",
                f"{admin_link}authorization/authorization/{auth_pk}/change/",
            )
    # contested clearance errors: due by the working days set in admin, fixed when filed
    from registration.cooperation.business.models import ClearanceErrorContest, ContestStatus

    rows = ClearanceErrorContest.objects.filter(
        status=ContestStatus.SUBMITTED, due_date__isnull=False, due_date__lt=ctx.today
    ).values_list(
        "pk",
        "enterprise_id",
        "enterprise__customs_code",
        "enterprise__name",
        "inventory__invt_no",
        "inventory__cop_no",
        "due_date",
    )
    for pk, ent, code, name, invt_no, cop_no, due in rows:
        stage = latest_stage(ctx.today, repeating("OVERDUE", due + dt.timedelta(days=1), ctx.today))
        if stage:
            yield Due(
                ReminderKind.REVIEW_OVERDUE,
                stage,
                ent,
                code or "",
                f"CONTEST-{pk}",
                due,
                texts.stored(CONTEST_REVIEW_OVERDUE, name=name, list=invt_no or cop_no, due=due.isoformat()),
                "",
                f"{admin_link}business/clearanceerrorcontest/{pk}/change/",
            )


def question_unanswered(ctx: Context) -> Iterator[Due]:
    from registration.cooperation.models import Question, QuestionStatus

    rows = Question.objects.filter(status=QuestionStatus.OPEN).values_list(
        "pk",
        "enterprise_id",
        "enterprise__customs_code",
        "enterprise__name",
        "subject",
        "waiting_since",
        "created_at",
    )
    for pk, ent, code, name, subject, since, created in rows:
        due, stage = _overdue_review(ctx, _local_date(since or created), QUESTION_WORKING_DAYS)
        if stage:
            title = texts.stored(QUESTION_UNANSWERED, name=name, due=due.isoformat(), subject=subject)
            yield Due(
                ReminderKind.QUESTION_UNANSWERED,
                stage,
                ent,
                code or "",
                f"Q-{pk}",
                due,
                title,
                "",
                f"/admin/cooperation/question/{pk}/change/",
            )


# --- tax bills (export duty) -----------------------------------------------------------------
TAX_BILL_DUE = texts.define("reminders.tax_bill.due", _("Tax bill %(bill)s: RMB %(amount)s due by %(due)s"))
TAX_BILL_DUE_BODY = texts.define(
    "reminders.tax_bill.due.body",
    _("Pay the export duty of declaration list %(list)s online before %(due)s."),
)
TAX_BILL_OVERDUE = texts.define("reminders.tax_bill.overdue", _("Tax bill %(bill)s is overdue (due %(due)s)"))
TAX_BILL_OVERDUE_BODY = texts.define(
    "reminders.tax_bill.overdue.body",
    _("The export duty of declaration list %(list)s (RMB %(amount)s) is unpaid; pay it now."),
)


def tax_bill(ctx: Context) -> Iterator[Due]:
    """Unpaid tax bills: 7, 3 and 1 days before the due date, then overdue weekly until paid."""
    from declarations.duties.models import TaxBill

    today = ctx.today
    rows = (
        TaxBill.objects.filter(
            paid_at__isnull=True,
            form__status="waiting_for_payment",
            due_date__isnull=False,
            due_date__lte=today + dt.timedelta(days=7),
        )
        .values_list(
            "pk",
            "number",
            "amount",
            "due_date",
            "form_id",
            "form__enterprise_id",
            "form__enterprise__customs_code",
            "form__inventory__invt_no",
        )
        .order_by("due_date", "pk")
    )
    for _pk, number, amount, due, form_id, enterprise_id, code, invt_no in rows:
        schedule = days_before(due, (7, 3, 1)) + repeating("OVERDUE", due + dt.timedelta(days=1), today)
        stage = latest_stage(today, schedule)
        if stage is None:
            continue
        params = {"bill": number, "amount": f"{amount:.2f}", "due": due.isoformat(), "list": invt_no or ""}
        if stage.startswith("OVERDUE"):
            title = texts.stored(TAX_BILL_OVERDUE, bill=number, due=due.isoformat())
            body = texts.stored(TAX_BILL_OVERDUE_BODY, list=params["list"], amount=params["amount"])
        else:
            title = texts.stored(TAX_BILL_DUE, bill=number, amount=params["amount"], due=due.isoformat())
            body = texts.stored(TAX_BILL_DUE_BODY, list=params["list"], due=due.isoformat())
        link = reverse("duties:form_detail", args=[form_id])
        yield Due(
            ReminderKind.TAX_BILL, stage, enterprise_id, code or "", f"TAX-{number}", due, title, body, link
        )


# --- validity: what expires -------------------------------------------------------------------
VALIDITY_DAYS_BEFORE = (60, 30, 7, 1)


def validity(ctx: Context) -> Iterator[Due]:
    from registration.cooperation.business.models import EnterpriseProfile
    from registration.models import EnterpriseStatus

    today = ctx.today
    horizon = today + dt.timedelta(days=max(VALIDITY_DAYS_BEFORE))
    rows = EnterpriseProfile.objects.filter(
        enterprise__status=EnterpriseStatus.APPROVED,
        licence_valid_to__isnull=False,
        licence_valid_to__lte=horizon,
        licence_valid_to__gte=today - dt.timedelta(days=1),
    ).values_list("enterprise_id", "enterprise__customs_code", "licence_valid_to")
    link = reverse("business:documents")
    for pk, code, due in rows:
        stage = latest_stage(
            today, [*days_before(due, VALIDITY_DAYS_BEFORE), ("EXPIRED", due + dt.timedelta(days=1))]
        )
        if stage is None:
            continue
        if stage == "EXPIRED":
            title = texts.stored(LICENCE_EXPIRED, due=due.isoformat())
        else:
            title = texts.stored(LICENCE_EXPIRING, due=due.isoformat())
        body = texts.stored(LICENCE_EXPIRING_BODY, due=due.isoformat())
        yield Due(
            ReminderKind.VALIDITY, stage, pk, code or "", f"LICENCE-{due.isoformat()}", due, title, body, link
        )
    yield from _signing_certificates(ctx)
    yield from _recertification(ctx)


def _signing_certificates(ctx: Context) -> Iterator[Due]:
    """A registered signing certificate that ends soon (60, 30, 7, 1 days before, then once the
    day after), unless the enterprise has registered another one valid past it."""
    from django.db.models import Exists, OuterRef

    from declarations.signatures.models import EnterpriseCertificate
    from registration.models import EnterpriseStatus

    today = ctx.today
    horizon = today + dt.timedelta(days=max(VALIDITY_DAYS_BEFORE) + 1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today - dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(horizon, dt.time.min, tzinfo=tz)
    successor = EnterpriseCertificate.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), not_after__gt=OuterRef("not_after")
    )
    rows = (
        EnterpriseCertificate.objects.filter(
            enterprise__status=EnterpriseStatus.APPROVED, not_after__gte=start, not_after__lt=end
        )
        .filter(~Exists(successor))
        .values_list("enterprise_id", "enterprise__customs_code", "serial_number", "subject", "not_after")
        .order_by("not_after", "pk")
    )
    link = reverse("declarations:certificates")
    for pk, code, serial, subject, not_after in rows:
        due = timezone.localtime(not_after, tz).date()
        stage = latest_stage(
            today, [*days_before(due, VALIDITY_DAYS_BEFORE), ("EXPIRED", due + dt.timedelta(days=1))]
        )
        if stage is None:
            continue
        kind = SIGNING_CERT_EXPIRED if stage == "EXPIRED" else SIGNING_CERT_EXPIRING
        title = texts.stored(kind, serial=serial, due=due.isoformat())
        body = texts.stored(SIGNING_CERT_BODY, serial=serial, subject=subject[:200], due=due.isoformat())
        yield Due(ReminderKind.VALIDITY, stage, pk, code or "", f"SIGNCERT-{serial}", due, title, body, link)


RECERT_DAYS_BEFORE = (90, 30, 7)


def _recertification(ctx: Context) -> Iterator[Due]:
    """A certified rating with an end date: re-certify before it lapses (the rating in force
    only: a later change supersedes it)."""
    from django.db.models import Exists

    from registration.cooperation.business.models import RatingChange
    from registration.models import CreditRating

    today = ctx.today
    later = RatingChange.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), applied=True, effective_date__gt=OuterRef("effective_date")
    )
    rows = (
        RatingChange.objects.filter(
            applied=True,
            valid_until__isnull=False,
            valid_until__lte=today + dt.timedelta(days=max(RECERT_DAYS_BEFORE)),
            valid_until__gte=today - dt.timedelta(days=1),
        )
        .exclude(Exists(later))
        .values_list("pk", "enterprise_id", "enterprise__customs_code", "to_rating", "valid_until")
    )
    link = reverse("business:certification")
    for pk, ent, code, rating, due in rows:
        schedule = [*days_before(due, RECERT_DAYS_BEFORE), ("EXPIRED", due + dt.timedelta(days=1))]
        stage = latest_stage(today, schedule)
        if stage is None:
            continue
        rating_text = texts.choice(CreditRating, rating)
        message = RECERT_LAPSED if stage == "EXPIRED" else RECERT_DUE
        title = texts.stored(message, rating=rating_text, due=due.isoformat())
        body = texts.stored(RECERT_BODY, due=due.isoformat())
        yield Due(ReminderKind.VALIDITY, stage, ent, code or "", f"CERT-{pk}", due, title, body, link)


KINDS = {
    ReminderKind.ANNUAL_REPORT: annual_report,
    ReminderKind.AUTHORIZATION_EXPIRING: authorization_expiring,
    ReminderKind.SUMMARY_DEADLINE: summary_deadline,
    ReminderKind.WAITING: waiting,
    ReminderKind.REVIEW_OVERDUE: review_overdue,
    ReminderKind.QUESTION_UNANSWERED: question_unanswered,
    ReminderKind.TAX_BILL: tax_bill,
    ReminderKind.VALIDITY: validity,
}


def due_on(today: dt.date) -> tuple[list[Due], list[ApplicationError]]:
    """Every reminder due on ``today``; a kind that cannot answer (an unknown calendar year)
    is reported, the others still go out."""
    ctx = Context(today)
    dues: list[Due] = []
    errors: list[ApplicationError] = []
    for fn in KINDS.values():
        try:
            dues.extend(d for d in fn(ctx) if d.stage)
        except ApplicationError as exc:
            errors.append(exc)
    return dues, errors
