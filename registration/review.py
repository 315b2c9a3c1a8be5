"""Customs review of registrations, and the staff roles that do it.

Every decision goes through ``customs_portal.fsm.run_transition``: the enterprise row is
locked, the move is checked on the fresh row (so of two reviewers acting at once the second
gets a clear error instead of overwriting the first), and one history row records who, when,
from, to and why. The enterprise is told by e-mail (and an in-portal notice) once the
decision commits.
"""

import secrets

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.fsm import run_transition
from customs_portal.permissions import STAFF_ROLES, user_has_staff_role

from .models import (
    Enterprise,
    EnterpriseHistory,
    EnterpriseStatus,
    NameChange,
    NameChangeHistory,
)
from .signals import enterprise_name_changed

# --- staff roles ------------------------------------------------------------------------------
# What each role may do in the admin screens, for this app (other apps add their own
# permissions to the same groups). (app_label, model, actions)
STAFF_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "reviewer": [
        ("registration", "enterprise", ("view", "change")),
        ("registration", "enterprisehistory", ("view",)),
        ("registration", "user", ("view",)),
        ("registration", "namechange", ("view", "change")),
        ("registration", "namechangehistory", ("view",)),
    ],
    "risk_officer": [
        ("registration", "enterprise", ("view",)),
        ("registration", "enterprisehistory", ("view",)),
    ],
    "ops": [
        ("registration", "enterprise", ("view",)),
        ("registration", "enterprisehistory", ("view",)),
        ("registration", "user", ("view",)),
        ("registration", "enterpriseapikey", ("view", "add", "change")),
        ("customs_portal", "calendaryear", ("view", "add", "change")),
        ("customs_portal", "calendarday", ("view", "add", "change", "delete")),
    ],
}


def staff_groups_ensure() -> dict[str, Group]:
    """Create the staff groups and grant this app's permissions; safe to run any number of times.

    Permissions are only added, never removed, so that other apps' grants survive.
    """
    groups = {}
    for role, group_name in STAFF_ROLES.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        query = Q(pk__in=[])
        for app_label, model, actions in STAFF_PERMISSIONS.get(role, []):
            query |= Q(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        group.permissions.add(*Permission.objects.filter(query))
        groups[role] = group
    return groups


# --- the review queue -------------------------------------------------------------------------
def review_queue():
    """Registrations waiting for customs, oldest submission first."""
    return (
        Enterprise.objects.filter(status=EnterpriseStatus.PENDING_REVIEW)
        .annotate(waiting_since=Coalesce("submitted_at", "created_at"))
        .order_by("waiting_since", "pk")
    )


# Customs registration code (10 characters): the 4-digit code of the registering customs
# district (3100, Shanghai) then 6 random digits; checked for uniqueness before it is assigned
# and enforced by the column's unique constraint.
CUSTOMS_CODE_PREFIX = "3100"


def customs_code_generate() -> str:
    for _attempt in range(50):
        code = CUSTOMS_CODE_PREFIX + f"{secrets.randbelow(10**6):06d}"
        if not Enterprise.objects.filter(customs_code=code).exists():
            return code
    raise ApplicationError("customs_code_exhausted", gettext_lazy("No free customs registration code."))


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "reason_required", gettext_lazy("Give a reason: the enterprise will read it."), field="reason"
        )
    return reason


# history note of an approved name change (a stored text, read in each reader's language)
NAME_CHANGED = texts.define(
    "registration.history.name_changed", gettext_lazy("Company name changed: %(old)s → %(new)s")
)

# What the enterprise is told of each decision: message ids rendered in each reader's language
# (the notification centre, and the e-mail to each user and to the enterprise's contact).
APPROVED = texts.define(
    "registration.notice.review_approved", gettext_lazy("Your enterprise registration is approved")
)
APPROVED_BODY = texts.define(
    "registration.notice.review_approved.body",
    gettext_lazy(
        "Customs approved the registration of %(name)s. "
        "Customs registration code: %(code)s. You can now use the portal."
    ),
)
APPROVED_ACTION = texts.define(
    "registration.notice.review_approved.action",
    gettext_lazy("Sign in to declare goods, authorizations and declaration lists for your enterprise."),
)
REJECTED = texts.define(
    "registration.notice.review_rejected", gettext_lazy("Your enterprise registration was rejected")
)
REJECTED_BODY = texts.define(
    "registration.notice.review_rejected.body",
    gettext_lazy("Customs rejected the registration of %(name)s. Reason: %(reason)s"),
)
REJECTED_ACTION = texts.define(
    "registration.notice.review_rejected.action",
    gettext_lazy("If the reason can be resolved, register again with the corrected details and documents."),
)
CORRECTIONS = texts.define(
    "registration.notice.review_corrections",
    gettext_lazy("Customs asks you to correct your enterprise registration"),
)
CORRECTIONS_BODY = texts.define(
    "registration.notice.review_corrections.body",
    gettext_lazy(
        "Customs asks %(name)s to correct its registration: %(reason)s. "
        "Sign in to the portal, correct it and submit it again."
    ),
)
CORRECTIONS_ACTION = texts.define(
    "registration.notice.review_corrections.action",
    gettext_lazy("Correct the registration as asked and submit it again."),
)
NAME_APPROVED = texts.define(
    "registration.notice.name_change_approved", gettext_lazy("Your change of company name is approved")
)
NAME_APPROVED_BODY = texts.define(
    "registration.notice.name_change_approved.body",
    gettext_lazy("Customs approved the change of company name from %(old)s to %(new)s."),
)
NAME_APPROVED_ACTION = texts.define(
    "registration.notice.name_change_approved.action",
    gettext_lazy(
        "Check the enterprise profile; authorizations that name your enterprise may need updated party details."
    ),
)
NAME_REFUSED = texts.define(
    "registration.notice.name_change_refused", gettext_lazy("Your change of company name was refused")
)
NAME_REFUSED_BODY = texts.define(
    "registration.notice.name_change_refused.body",
    gettext_lazy(
        "Customs refused to change the company name of %(name)s to %(new_name)s. "
        "Reason: %(reason)s. The enterprise stays registered under its current name."
    ),
)
NAME_REFUSED_ACTION = texts.define(
    "registration.notice.name_change_refused.action",
    gettext_lazy("Read the reason; you may ask for the change again with corrected documents."),
)


def _tell_enterprise(enterprise: Enterprise, *, subject, body, action=None, link: str = "") -> None:
    """In-portal notice now (same transaction); e-mail to the users and to the enterprise's
    contact on commit, each in the reader's language (stored texts, notifications)."""
    from notifications.services import notification_create

    users = list(enterprise.users.filter(is_active=True))
    notification_create(
        kind="registration",
        title=subject,
        body=body,
        action=action,
        link=link or reverse("registration:status"),
        enterprise=enterprise,
        users=users,
        extra_emails=[enterprise.contact_email],
    )


def _require_reviewer(reviewer) -> None:
    """Only staff in the customs reviewer group (or superusers) decide registrations."""
    if reviewer is None or not user_has_staff_role(reviewer, "reviewer"):
        raise ApplicationError(
            "not_a_reviewer", gettext_lazy("Only customs reviewers may decide on registrations.")
        )


def enterprise_approve(*, enterprise: Enterprise, reviewer) -> Enterprise:
    """Approve a registration (or a re-review): assign a customs code if it has none."""
    _require_reviewer(reviewer)

    def before(locked: Enterprise) -> None:
        if not locked.customs_code:
            locked.customs_code = customs_code_generate()
        locked.approved_at = timezone.now()
        locked.review_note = ""

    def after(locked: Enterprise) -> None:
        _tell_enterprise(
            locked,
            subject=texts.stored(APPROVED),
            body=texts.stored(APPROVED_BODY, name=locked.name, code=locked.customs_code),
            action=texts.stored(APPROVED_ACTION),
        )

    try:
        return run_transition(
            instance=enterprise,
            transition="approve",
            history_model=EnterpriseHistory,
            actor=reviewer,
            before=before,
            after=after,
        )
    except IntegrityError:
        # the customs code's unique constraint: another approval drew the same free code at
        # the same instant (the check in customs_code_generate cannot see uncommitted rows)
        raise ApplicationError(
            "customs_code_taken",
            gettext_lazy(
                "Another approval took the same customs registration code at the same moment. "
                "Nothing was saved; approve again."
            ),
        )


def _decide_with_reason(*, enterprise, reviewer, reason, transition, subject, body, action) -> Enterprise:
    _require_reviewer(reviewer)
    reason = _reason_required(reason)

    def before(locked: Enterprise) -> None:
        locked.review_note = reason

    def after(locked: Enterprise) -> None:
        _tell_enterprise(
            locked,
            subject=texts.stored(subject),
            body=texts.stored(body, name=locked.name, reason=reason),
            action=texts.stored(action),
        )

    return run_transition(
        instance=enterprise,
        transition=transition,
        history_model=EnterpriseHistory,
        actor=reviewer,
        reason=reason,
        before=before,
        after=after,
    )


def enterprise_reject(*, enterprise: Enterprise, reviewer, reason: str) -> Enterprise:
    """Reject a registration."""
    return _decide_with_reason(
        enterprise=enterprise,
        reviewer=reviewer,
        reason=reason,
        transition="reject",
        subject=REJECTED,
        body=REJECTED_BODY,
        action=REJECTED_ACTION,
    )


def enterprise_request_corrections(*, enterprise: Enterprise, reviewer, reason: str) -> Enterprise:
    return _decide_with_reason(
        enterprise=enterprise,
        reviewer=reviewer,
        reason=reason,
        transition="request_corrections",
        subject=CORRECTIONS,
        body=CORRECTIONS_BODY,
        action=CORRECTIONS_ACTION,
    )


# --- company name changes ------------------------------------------------------------------
# A requested new name waits in a NameChange row; the enterprise stays approved under its
# current name meanwhile. Each decision locks the request (then the enterprise), so of two
# reviewers acting at once the second is told the request was decided already.
def name_change_queue():
    """Name changes waiting for customs, oldest request first."""
    return NameChange.objects.pending().select_related("enterprise").order_by("created_at", "pk")


def name_change_approve(*, name_change: NameChange, reviewer) -> NameChange:
    """The enterprise takes the new name and licence; the licence they replace stays readable
    by customs on the request (previous_licence_file). Authorizations naming the enterprise are
    flagged for updated party details (the enterprise_name_changed signal)."""
    _require_reviewer(reviewer)
    renamed: dict = {}

    def before(locked: NameChange) -> None:
        enterprise = Enterprise.objects.select_for_update().get(pk=locked.enterprise_id)
        old_name = enterprise.name
        locked.old_name = old_name
        locked.previous_licence_file = enterprise.licence_file.name or ""
        locked.reviewer = reviewer
        locked.decided_at = timezone.now()
        enterprise.name = locked.new_name
        enterprise.licence_file = locked.licence_file.name
        enterprise.save(update_fields=["name", "licence_file"])
        EnterpriseHistory.objects.create(
            enterprise=enterprise,
            actor=reviewer,
            from_status=enterprise.status,
            to_status=enterprise.status,
            reason=texts.stored(NAME_CHANGED, old=old_name, new=locked.new_name),
        )
        renamed.update(enterprise=enterprise, old_name=old_name)

    def after(locked: NameChange) -> None:
        enterprise = renamed["enterprise"]
        enterprise_name_changed.send(
            sender=Enterprise, enterprise=enterprise, old_name=renamed["old_name"], actor=reviewer
        )
        _tell_enterprise(
            enterprise,
            subject=texts.stored(NAME_APPROVED),
            body=texts.stored(NAME_APPROVED_BODY, old=renamed["old_name"], new=locked.new_name),
            action=texts.stored(NAME_APPROVED_ACTION),
            link=reverse("registration:profile"),
        )

    return run_transition(
        instance=name_change,
        transition="approve",
        history_model=NameChangeHistory,
        actor=reviewer,
        before=before,
        after=after,
    )


def name_change_reject(*, name_change: NameChange, reviewer, reason: str) -> NameChange:
    """Refuse the change, with a reason the enterprise reads; nothing else changes."""
    _require_reviewer(reviewer)
    reason = _reason_required(reason)

    def before(locked: NameChange) -> None:
        locked.reviewer = reviewer
        locked.decided_at = timezone.now()
        locked.decision_reason = reason

    def after(locked: NameChange) -> None:
        enterprise = locked.enterprise
        _tell_enterprise(
            enterprise,
            subject=texts.stored(NAME_REFUSED),
            body=texts.stored(
                NAME_REFUSED_BODY, name=enterprise.name, new_name=locked.new_name, reason=reason
            ),
            action=texts.stored(NAME_REFUSED_ACTION),
            link=reverse("registration:profile"),
        )

    return run_transition(
        instance=name_change,
        transition="reject",
        history_model=NameChangeHistory,
        actor=reviewer,
        reason=reason,
        before=before,
        after=after,
    )


# --- staff users --------------------------------------------------------------------------------
def staff_create(*, username: str, role: str, email: str = "", password: str | None = None):
    """A staff user in the role's group, with a confirmed TOTP device; returns (user, device).

    Without ``password`` a random one is set (returned as ``user.initial_password``) so that the
    account is never left with a guessable or empty password.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import User

    if role not in STAFF_ROLES:
        raise ApplicationError(
            "unknown_role",
            gettext_lazy("Unknown role %(role)s; use one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(STAFF_ROLES)},
            field="role",
        )
    username = (username or "").strip()
    if not username:
        raise ApplicationError("username_required", gettext_lazy("A username is required."), field="username")
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ApplicationError(
                "username_taken",
                gettext_lazy("A user named %(username)s already exists.") % {"username": username},
                field="username",
            )
        groups = staff_groups_ensure()
        user = User.objects.create_user(username=username, email=email, password=password, is_staff=True)
        user.groups.add(groups[role])
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    user.initial_password = password
    return user, device
