"""Every write of customs business online: contests of clearance errors (纠错)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.fsm import run_transition
from customs_portal.uploads import validate_document
from customs_portal.workdays import CalendarYearUnknown, WorkdayCalendar
from notifications.services import notification_create

from . import selectors
from .models import (
    BusinessSettings,
    ClearanceErrorContest,
    ClearanceErrorContestHistory,
    ContestAttachment,
    ContestStatus,
)

MAX_CONTEST_ATTACHMENTS = 5

# notifications and history notes: stored as message ids, read in each reader's language
CONTEST_FILED = texts.define(
    "business.contest.filed", _("Contest of declaration list %(list)s filed; customs decides by %(due)s")
)
CONTEST_UPHELD = texts.define(
    "business.contest.upheld",
    _("Customs upheld your contest of declaration list %(list)s: the entry is corrected"),
)
CONTEST_DISMISSED = texts.define(
    "business.contest.dismissed", _("Customs dismissed your contest of declaration list %(list)s")
)
CONTEST_NOTE = texts.define("business.contest.note", _("Customs wrote: %(note)s"))
CONTEST_DISMISSED_ACTION = texts.define(
    "business.contest.dismissed.action",
    _("Read customs' reasons in the portal; correct and resend the list if it was wrong."),
)


def contest_due_date(*, filed_on: dt.date, calendar: WorkdayCalendar | None = None) -> dt.date | None:
    """The last day of customs' review: the working days set in admin, counted by the official
    calendar from the day after filing. None while the calendar of that year is not known."""
    days = BusinessSettings.load().contest_review_working_days
    try:
        return (calendar or WorkdayCalendar()).add_working_days(filed_on, days)
    except CalendarYearUnknown:
        return None


def _list_label(inventory) -> str:
    return inventory.invt_no or inventory.cop_no


def contest_file(*, enterprise, inventory_pk: int, actor, reasons: str, files=(), today=None):
    """The enterprise contests one entry of its clearance error log, with reasons and files.

    One open contest per entry; an entry already corrected cannot be contested again. The same
    contest sent twice (a double click, a resent form) returns the first one."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ApplicationError("reasons_required", _("Give your reasons for contesting this entry."))
    files = list(files or [])
    if len(files) > MAX_CONTEST_ATTACHMENTS:
        raise ApplicationError(
            "too_many_files",
            _("At most %(n)s files.") % {"n": MAX_CONTEST_ATTACHMENTS},
            field="attachments",
        )
    for upload in files:
        try:
            validate_document(upload)
        except ValidationError as exc:
            raise ApplicationError("bad_attachment", " ".join(exc.messages), field="attachments")
    today = today or timezone.localdate()
    with transaction.atomic():
        # the entry's row lock serialises two contests of it filed at the same moment
        inventory = (
            selectors.error_log_entries(enterprise=enterprise)
            .select_for_update(of=("self",))
            .only("pk", "invt_no", "cop_no")
            .filter(pk=inventory_pk)
            .first()
        )
        if inventory is None:
            raise ApplicationError(
                "not_in_error_log", _("This declaration list is not in your clearance error log.")
            )
        existing = list(
            ClearanceErrorContest.objects.filter(
                inventory=inventory, status__in=[ContestStatus.SUBMITTED, ContestStatus.UPHELD]
            )
        )
        for contest in existing:
            if contest.status == ContestStatus.UPHELD:
                raise ApplicationError(
                    "already_corrected", _("Customs has already corrected this entry after a contest.")
                )
            if contest.enterprise_id == enterprise.pk and contest.reasons == reasons:
                return contest  # the same contest again: nothing new
            raise ApplicationError(
                "contest_open",
                _("A contest of this entry is already under customs review; wait for the decision."),
            )
        contest = ClearanceErrorContest(
            enterprise=enterprise,
            inventory=inventory,
            reasons=reasons,
            submitted_by=actor,
            due_date=contest_due_date(filed_on=today),
        )
        try:
            with transaction.atomic():
                contest.save()
        except IntegrityError:
            raise ApplicationError(
                "contest_open",
                _("A contest of this entry is already under customs review; wait for the decision."),
            )
        for upload in files:
            ContestAttachment.objects.create(contest=contest, file=upload, original_name=upload.name[:200])
        ClearanceErrorContestHistory.objects.create(
            contest=contest,
            actor=actor,
            from_status="",
            to_status=contest.status,
            reason=texts.stored(
                CONTEST_FILED,
                list=_list_label(inventory),
                due=contest.due_date.isoformat() if contest.due_date else "—",
            ),
        )
    return contest


def contest_decide(*, contest: ClearanceErrorContest, reviewer, uphold: bool, note: str = ""):
    """Customs upholds the contest (the entry is corrected and no longer counts against the
    enterprise) or dismisses it with its reasons; the enterprise is told either way."""
    note = (note or "").strip()
    if not uphold and not note:
        raise ApplicationError("reason_required", _("Give the reason for dismissing the contest."))

    def before(locked):
        locked.decision_note = note
        locked.decided_at = timezone.now()
        locked.decided_by = reviewer if getattr(reviewer, "pk", None) else None

    def after(locked):
        label = _list_label(locked.inventory)
        notification_create(
            kind="clearance_error_contest",
            title=texts.stored(CONTEST_UPHELD if uphold else CONTEST_DISMISSED, list=label),
            body=texts.stored(CONTEST_NOTE, note=note) if note else "",
            action=None if uphold else texts.stored(CONTEST_DISMISSED_ACTION),
            link=reverse("business:contest_detail", args=[locked.pk]),
            enterprise=locked.enterprise,
        )

    return run_transition(
        instance=contest,
        transition="uphold" if uphold else "dismiss",
        history_model=ClearanceErrorContestHistory,
        actor=reviewer,
        reason=note,
        before=before,
        after=after,
    )


def contest_withdraw(*, contest: ClearanceErrorContest, actor):
    return run_transition(
        instance=contest, transition="withdraw", history_model=ClearanceErrorContestHistory, actor=actor
    )


# --- coordinating officer and licence term ---------------------------------------------------
def enterprise_profile(*, enterprise):
    from .models import EnterpriseProfile

    profile, _created = EnterpriseProfile.objects.get_or_create(enterprise=enterprise)
    return profile


def officer_assign(*, enterprise, officer, actor=None):
    """Customs assigns (or changes, or with None removes) the enterprise's coordinating officer."""
    from .models import EnterpriseProfile

    if officer is not None and not officer.active:
        raise ApplicationError("officer_inactive", _("This officer is no longer active."))
    with transaction.atomic():
        profile, _created = EnterpriseProfile.objects.select_for_update().get_or_create(enterprise=enterprise)
        if profile.officer_id != getattr(officer, "pk", None):
            profile.officer = officer
            profile.officer_assigned_at = timezone.now() if officer else None
            profile.save(update_fields=["officer", "officer_assigned_at"])
    return profile


def licence_term_set(*, enterprise, valid_to: dt.date | None, actor=None, today=None):
    """The enterprise's administrator records until when its business licence is valid."""
    from .models import EnterpriseProfile

    today = today or timezone.localdate()
    if valid_to is not None and valid_to < today:
        raise ApplicationError(
            "licence_expired",
            _("The date has passed: renew the business licence and enter the new licence's term."),
            field="licence_valid_to",
        )
    with transaction.atomic():
        profile, _created = EnterpriseProfile.objects.select_for_update().get_or_create(enterprise=enterprise)
        profile.licence_valid_to = valid_to
        profile.save(update_fields=["licence_valid_to"])
    return profile
