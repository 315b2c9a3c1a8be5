"""Credit certification (认证): the enterprise applies with its self-assessment and reports;
customs asks for more, records its on-site visit, decides; the rating changes from its
effective date, with a history the enterprise reads."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.fsm import run_transition
from customs_portal.uploads import validate_document
from notifications.services import notification_create

from .models import (
    AssessmentSection,
    CertificationApplication,
    CertificationHistory,
    CertificationReport,
    CertificationStatus,
    CertificationVisit,
    RatingChange,
    SelfAssessmentAnswer,
)

MAX_REPORTS = 10

CERT_MORE = texts.define(
    "business.certification.more", _("Customs asks for more for your certification application")
)
CERT_MORE_BODY = texts.define("business.certification.more.body", _("Customs asked: %(note)s"))
CERT_VISIT = texts.define(
    "business.certification.visit",
    _("Customs recorded its on-site visit of %(date)s (officers: %(officers)s)"),
)
CERT_GRANTED = texts.define(
    "business.certification.granted", _("Your credit rating becomes “%(rating)s” from %(date)s")
)
CERT_REFUSED = texts.define(
    "business.certification.refused", _("Customs refused your certification application")
)
CERT_NOTE = texts.define("business.certification.note", _("Customs wrote: %(note)s"))


def _attach(application, files):
    for upload in files:
        CertificationReport.objects.create(
            application=application, file=upload, original_name=upload.name[:200]
        )


def _check_files(files):
    files = list(files or [])
    if len(files) > MAX_REPORTS:
        raise ApplicationError(
            "too_many_files", _("At most %(n)s files.") % {"n": MAX_REPORTS}, field="reports"
        )
    for upload in files:
        try:
            validate_document(upload)
        except ValidationError as exc:
            raise ApplicationError("bad_attachment", " ".join(exc.messages), field="reports")
    return files


def certification_apply(
    *, enterprise, actor, requested_rating: str, answers: dict, statement: str = "", files=()
) -> CertificationApplication:
    """Apply for a rating with an answer to every section in use (``answers``: section id →
    (meets, explanation)) and supporting reports. One open application per enterprise."""
    from registration.models import CreditRating

    if requested_rating not in CreditRating.values:
        raise ApplicationError("bad_rating", _("Choose a rating."), field="requested_rating")
    sections = list(AssessmentSection.objects.filter(active=True))
    if not sections:
        raise ApplicationError(
            "no_questionnaire", _("Customs has not published the self-assessment yet; try again later.")
        )
    missing = [s for s in sections if not (answers.get(s.pk) and (answers[s.pk][1] or "").strip())]
    if missing:
        raise ApplicationError(
            "assessment_incomplete",
            interpolate_lazy(
                _("Answer every section of the self-assessment (missing: %(sections)s)."),
                {"sections": lazy(lambda: ", ".join(s.title for s in missing), str)()},
            ),
        )
    files = _check_files(files)
    if not files:
        raise ApplicationError(
            "reports_required", _("Attach at least one supporting report."), field="reports"
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                application = CertificationApplication.objects.create(
                    enterprise=enterprise,
                    requested_rating=requested_rating,
                    statement=(statement or "").strip(),
                    submitted_by=actor,
                )
        except IntegrityError:
            raise ApplicationError(
                "application_open", _("Your enterprise already has a certification application under review.")
            )
        SelfAssessmentAnswer.objects.bulk_create(
            SelfAssessmentAnswer(
                application=application,
                section=s,
                meets=bool(answers[s.pk][0]),
                explanation=answers[s.pk][1].strip(),
            )
            for s in sections
        )
        _attach(application, files)
        CertificationHistory.objects.create(
            application=application, actor=actor, from_status="", to_status=application.status
        )
    return application


def certification_request_more(*, application, reviewer, note: str):
    note = (note or "").strip()
    if not note:
        raise ApplicationError("note_required", _("Say what the enterprise must add."))

    def before(locked):
        locked.request_note = note

    def after(locked):
        notification_create(
            kind="certification",
            title=texts.stored(CERT_MORE),
            body=texts.stored(CERT_MORE_BODY, note=note),
            link=reverse("business:certification_detail", args=[locked.pk]),
            enterprise=locked.enterprise,
        )

    return run_transition(
        instance=application,
        transition="request_more",
        history_model=CertificationHistory,
        actor=reviewer,
        reason=note,
        before=before,
        after=after,
    )


def certification_resubmit(*, application, actor, response: str, files=()):
    response = (response or "").strip()
    files = _check_files(files)
    if not response and not files:
        raise ApplicationError("empty_response", _("Add the reports or the answer customs asked for."))

    def after(locked):
        _attach(locked, files)

    return run_transition(
        instance=application,
        transition="resubmit",
        history_model=CertificationHistory,
        actor=actor,
        reason=response,
        after=after,
    )


def certification_visit_record(
    *, application, reviewer, visited_on: dt.date, officers: str, findings: str = ""
):
    """Record customs' on-site visit; only while the application is under review."""
    officers = (officers or "").strip()
    if not officers or visited_on is None:
        raise ApplicationError("visit_incomplete", _("Give the visit's date and the officers who went."))
    if visited_on > timezone.localdate():
        raise ApplicationError("visit_future", _("A visit is recorded once it has taken place."))
    with transaction.atomic():
        locked = CertificationApplication.objects.select_for_update().get(pk=application.pk)
        if locked.status != CertificationStatus.SUBMITTED:
            raise ApplicationError(
                "invalid_transition", _("A visit can be recorded only while customs reviews the application.")
            )
        visit = CertificationVisit.objects.create(
            application=locked, visited_on=visited_on, officers=officers, findings=(findings or "").strip(),
            recorded_by=reviewer if getattr(reviewer, "pk", None) else None,
        )  # fmt: skip
        reason = texts.stored(CERT_VISIT, date=visited_on.isoformat(), officers=officers)
        CertificationHistory.objects.create(
            application=locked,
            actor=reviewer if getattr(reviewer, "pk", None) else None,
            from_status=locked.status,
            to_status=locked.status,
            reason=reason,
        )
        notification_create(
            kind="certification",
            title=reason,
            link=reverse("business:certification_detail", args=[locked.pk]),
            enterprise=locked.enterprise,
        )
    return visit


def certification_decide(
    *,
    application,
    reviewer,
    grant: bool,
    note: str = "",
    effective_date: dt.date | None = None,
    valid_until: dt.date | None = None,
    today: dt.date | None = None,
):
    """Grant (the rating changes from ``effective_date``; ``valid_until`` sets when
    re-certification is due) or refuse with reasons."""
    today = today or timezone.localdate()
    note = (note or "").strip()
    if not grant and not note:
        raise ApplicationError("reason_required", _("Give the reason for refusing the application."))
    if grant:
        effective_date = effective_date or today
        if effective_date < today:
            raise ApplicationError("effective_past", _("The effective date cannot be in the past."))
        if valid_until is not None and valid_until <= effective_date:
            raise ApplicationError(
                "valid_until_early", _("The certification must be valid after its effective date.")
            )

    def before(locked):
        locked.decision_note = note
        locked.decided_at = timezone.now()

    def after(locked):
        enterprise = locked.enterprise
        if grant:
            RatingChange.objects.create(
                enterprise=enterprise,
                from_rating=enterprise.credit_rating,
                to_rating=locked.requested_rating,
                effective_date=effective_date,
                valid_until=valid_until,
                application=locked,
                decided_by=reviewer if getattr(reviewer, "pk", None) else None,
            )
            rating_changes_apply(today=today, enterprise_id=enterprise.pk)
            title = texts.stored(
                CERT_GRANTED,
                rating=_rating_text(locked.requested_rating),
                date=effective_date.isoformat(),
            )
        else:
            title = texts.stored(CERT_REFUSED)
        notification_create(
            kind="certification",
            title=title,
            body=texts.stored(CERT_NOTE, note=note) if note else "",
            link=reverse("business:certification_detail", args=[locked.pk]),
            enterprise=enterprise,
        )

    return run_transition(
        instance=application,
        transition="grant" if grant else "refuse",
        history_model=CertificationHistory,
        actor=reviewer,
        reason=note,
        before=before,
        after=after,
    )


def _rating_text(value):
    from registration.models import CreditRating

    return texts.choice(CreditRating, value)


def rating_changes_apply(*, today: dt.date | None = None, enterprise_id: int | None = None) -> int:
    """Put in force the rating changes whose effective date has come (daily, and at decision)."""
    from registration.models import Enterprise

    today = today or timezone.localdate()
    qs = RatingChange.objects.filter(applied=False, effective_date__lte=today)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    done = 0
    with transaction.atomic():
        for change in qs.select_for_update().order_by("effective_date", "id"):
            Enterprise.objects.filter(pk=change.enterprise_id).update(credit_rating=change.to_rating)
            change.applied = True
            change.save(update_fields=["applied"])
            done += 1
    return done
