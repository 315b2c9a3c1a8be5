"""People ask to join an enterprise by its USCC; its administrator accepts or declines, removes
members, and reads who did what (the enterprise's audit list)."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.fsm import run_transition
from notifications.services import notification_create

from .models import JoinRequest, JoinRequestHistory, JoinStatus

JOIN_ASKED = texts.define("business.join.asked", _("%(name)s asks to join your enterprise"))
JOIN_ASKED_ACTION = texts.define(
    "business.join.asked.action", _("Accept or decline the request on the members page.")
)
JOIN_ACCEPTED_SUBJECT = texts.define(
    "business.join.accepted", _("Your request to join %(enterprise)s was accepted")
)
JOIN_ACCEPTED_BODY = texts.define(
    "business.join.accepted.body",
    _("Sign in to the enterprise customs portal with the user name %(username)s."),
)
JOIN_DECLINED_SUBJECT = texts.define(
    "business.join.declined", _("Your request to join %(enterprise)s was declined")
)
JOIN_DECLINED_BODY = texts.define(
    "business.join.declined.body", _("Ask the enterprise's administrator if you think this is a mistake.")
)
MEMBER_JOINED = texts.define(
    "business.join.member_joined", _("%(username)s joined after a request to join, accepted by %(admin)s")
)
MEMBER_DECLINED = texts.define("business.join.member_declined", _("Request to join from %(email)s declined"))


def _admins(enterprise):
    return list(enterprise.users.filter(is_active=True, is_enterprise_admin=True).order_by("pk"))


def join_request_create(
    *,
    uscc: str,
    full_name: str,
    username: str,
    email: str,
    password: str,
    phone: str = "",
    message: str = "",
    language: str = "",
) -> JoinRequest:
    """A person asks to join the approved enterprise with this USCC; its administrators are told.
    The same request twice (same enterprise and e-mail, still waiting) is the first one."""
    from registration.languages import language_normalise
    from registration.models import Enterprise, User
    from registration.services import phone_normalise, uscc_normalise

    uscc = uscc_normalise(uscc)
    email = (email or "").strip().lower()
    enterprise = Enterprise.objects.approved().filter(uscc=uscc).first()
    if enterprise is None:
        raise ApplicationError(
            "no_enterprise",
            _("No enterprise registered with customs has this unified social credit code."),
            field="uscc",
        )
    existing = JoinRequest.objects.filter(
        enterprise=enterprise, email=email, status=JoinStatus.PENDING
    ).first()
    if existing is not None:
        return existing
    if (
        User.objects.filter(username__iexact=username).exists()
        or JoinRequest.objects.filter(username__iexact=username, status=JoinStatus.PENDING).exists()
    ):
        raise ApplicationError(
            "username_taken", _("This user name is taken; choose another."), field="username"
        )
    if User.objects.filter(enterprise=enterprise, email__iexact=email, is_active=True).exists():
        raise ApplicationError(
            "already_member",
            _("This e-mail address already belongs to a member of the enterprise."),
            field="email",
        )
    probe = User(username=username, email=email, first_name=full_name)
    try:
        password_validation.validate_password(password, probe)
    except ValidationError as exc:
        raise ApplicationError("weak_password", " ".join(exc.messages), field="password1") from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                request = JoinRequest.objects.create(
                    enterprise=enterprise,
                    full_name=full_name.strip()[:150],
                    username=username,
                    email=email,
                    phone=phone_normalise(phone) if phone else "",
                    message=(message or "").strip(),
                    password_hash=make_password(password),
                    language=language_normalise(language),
                )
        except IntegrityError:
            return JoinRequest.objects.get(enterprise=enterprise, email=email, status=JoinStatus.PENDING)
        JoinRequestHistory.objects.create(request=request, from_status="", to_status=request.status)
        admins = _admins(enterprise)
        if admins:
            notification_create(
                kind="join_request",
                title=texts.stored(JOIN_ASKED, name=request.full_name),
                body=request.message,
                action=texts.stored(JOIN_ASKED_ACTION),
                link=reverse("business:members"),
                users=admins,
            )
    return request


def _require_admin(actor, enterprise):
    if not (actor.is_enterprise_admin and actor.enterprise_id == enterprise.pk and actor.is_active):
        raise ApplicationError("not_admin", _("Only the enterprise's administrator can do this."))


def join_request_decide(*, request: JoinRequest, actor, accept: bool) -> JoinRequest:
    """The enterprise's administrator accepts (an operator account is made) or declines; the
    person is told by e-mail in the language they asked in."""
    from notifications import emails
    from registration.models import EnterpriseHistory, User

    _require_admin(actor, request.enterprise)

    def before(locked):
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        if accept:
            if User.objects.filter(username__iexact=locked.username).exists():
                raise ApplicationError(
                    "username_taken",
                    _(
                        "The user name %(username)s was taken meanwhile; decline and ask the person to ask again."
                    )
                    % {"username": locked.username},
                )
            user = User(
                username=locked.username,
                email=locked.email,
                first_name=locked.full_name,
                phone=locked.phone,
                enterprise=locked.enterprise,
                is_enterprise_admin=False,
                language=locked.language,
                password=locked.password_hash,
            )
            user.save()
            locked.user = user
        locked.password_hash = ""  # nothing of the password is kept once decided

    def after(locked):
        enterprise = locked.enterprise
        EnterpriseHistory.objects.create(
            enterprise=enterprise,
            actor=actor,
            from_status=enterprise.status,
            to_status=enterprise.status,
            reason=texts.stored(MEMBER_JOINED, username=locked.username, admin=actor.username)
            if accept
            else texts.stored(MEMBER_DECLINED, email=locked.email),
        )
        recipient = emails.Recipient(address=locked.email, name=locked.full_name, language=locked.language)
        subject = texts.stored(
            JOIN_ACCEPTED_SUBJECT if accept else JOIN_DECLINED_SUBJECT, enterprise=enterprise.name
        )
        body = (
            texts.stored(JOIN_ACCEPTED_BODY, username=locked.username)
            if accept
            else texts.stored(JOIN_DECLINED_BODY)
        )
        transaction.on_commit(
            lambda: emails.emails_send(
                recipients=[recipient], subject=subject, body=body, link=reverse("login") if accept else ""
            )
        )

    return run_transition(
        instance=request,
        transition="accept" if accept else "decline",
        history_model=JoinRequestHistory,
        actor=actor,
        before=before,
        after=after,
    )


# --- who did what ------------------------------------------------------------------------------
@dataclass
class AuditEntry:
    at: dt.datetime
    actor: str
    subject: str
    move: str
    reason: object


def _sources(enterprise):
    from django.db.models import Q

    from authorization.models import AuthorizationHistory
    from registration.cooperation.models import AnnualReportHistory, QuestionHistory
    from registration.models import EnterpriseHistory

    from .models import ClearanceErrorContestHistory

    return [
        (EnterpriseHistory.objects.filter(enterprise=enterprise), lambda r: str(_("Registration"))),
        (
            AuthorizationHistory.objects.filter(
                Q(authorization__principal=enterprise) | Q(authorization__agent=enterprise)
            ).select_related("authorization"),
            lambda r: str(_("Authorization %(number)s") % {"number": r.authorization}),
        ),
        (
            AnnualReportHistory.objects.filter(report__enterprise=enterprise).select_related("report"),
            lambda r: str(_("Annual report %(year)s") % {"year": r.report.year}),
        ),
        (
            QuestionHistory.objects.filter(question__enterprise=enterprise).select_related("question"),
            lambda r: str(_("Question: %(subject)s") % {"subject": r.question.subject}),
        ),
        (
            ClearanceErrorContestHistory.objects.filter(contest__enterprise=enterprise).select_related(
                "contest__inventory"
            ),
            lambda r: str(
                _("Contest of declaration list %(list)s")
                % {"list": r.contest.inventory.invt_no or r.contest.inventory.cop_no}
            ),
        ),
        (
            JoinRequestHistory.objects.filter(request__enterprise=enterprise).select_related("request"),
            lambda r: str(_("Request to join from %(name)s") % {"name": r.request.full_name}),
        ),
    ]


def audit_entries(*, enterprise, before: dt.datetime | None = None, size: int = 50) -> list[AuditEntry]:
    """What the enterprise's own people did, newest first: one query per kind of record, each
    limited to a page, merged in time order. ``before``: the time of the last row of the
    previous page."""
    rows = []
    for queryset, subject in _sources(enterprise):
        qs = queryset.filter(actor__enterprise=enterprise).select_related("actor")
        if before is not None:
            qs = qs.filter(at__lt=before)
        for row in qs.order_by("-at", "-id")[:size]:
            rows.append((row.at, row, subject))
    rows.sort(key=lambda item: item[0], reverse=True)
    return [
        AuditEntry(
            at=row.at,
            actor=row.actor.get_full_name() or row.actor.get_username(),
            subject=subject(row),
            move=(
                f"{row.from_status_label} → {row.to_status_label}" if row.from_status != row.to_status else ""
            ),
            reason=row.reason,
        )
        for at, row, subject in rows[:size]
    ]
