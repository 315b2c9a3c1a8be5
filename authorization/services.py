"""Every write to authorizations. Browser, admin, API, commands and tasks all call these."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.fsm import run_transition
from customs_portal.models import SYSTEM_ACTOR
from customs_portal.workdays import WorkdayCalendar
from registration.models import CreditRating, Enterprise

from .models import (
    Authorization,
    AuthorizationChange,
    AuthorizationDocument,
    AuthorizationHistory,
    AuthorizationPreference,
    AuthorizationStatus,
    ChangeStatus,
    HistoryEvent,
    Party,
    Scope,
)
from .selectors import are_partners

S = AuthorizationStatus
# Review should not exceed three working days (official Chinese calendar).
REVIEW_WORKING_DAYS = 3
# Automatic renewal runs this many days before valid_to.
RENEWAL_LEAD_DAYS = 30
NOTIFICATION_KIND = "authorization"
# Notifications: message ids rendered in each reader's language (customs_portal.texts).
N_CONFIRM = texts.define(
    "authorization.notice.confirm_asked",
    _("%(name)s asks you to confirm declaration authorization %(number)s"),
)
N_UNDER_REVIEW = texts.define(
    "authorization.notice.under_review",
    _("Declaration authorization %(number)s is now under customs review (due %(due)s)"),
)
N_APPROVED = texts.define(
    "authorization.notice.approved", _("Declaration authorization %(number)s was approved by customs")
)
N_REJECTED = texts.define(
    "authorization.notice.rejected", _("Declaration authorization %(number)s was rejected by customs")
)
N_SUPPLEMENT = texts.define(
    "authorization.notice.supplement_requested",
    _("Customs asked for supplementary materials for authorization %(number)s"),
)
N_REVOKED = texts.define(
    "authorization.notice.revoked", _("Declaration authorization %(number)s was revoked by %(name)s")
)
N_RENEWAL_ON = texts.define(
    "authorization.notice.renewal_on", _("%(name)s switched automatic renewal of authorization %(number)s on")
)
N_RENEWAL_OFF = texts.define(
    "authorization.notice.renewal_off",
    _("%(name)s switched automatic renewal of authorization %(number)s off"),
)
N_CHANGE_REQUESTED = texts.define(
    "authorization.notice.change_requested", _("%(name)s asked customs to change authorization %(number)s")
)
N_CHANGE_APPROVED = texts.define(
    "authorization.notice.change_approved", _("Customs approved the change to authorization %(number)s")
)
N_CHANGE_REJECTED = texts.define(
    "authorization.notice.change_rejected", _("Customs rejected the change to authorization %(number)s")
)
N_CHANGE_WITHDRAWN = texts.define(
    "authorization.notice.change_withdrawn",
    _("%(name)s withdrew its change request for authorization %(number)s"),
)
N_RENEWED = texts.define(
    "authorization.notice.renewed",
    _("Declaration authorization %(number)s was renewed automatically until %(date)s"),
)
N_RENEWED_BODY = texts.define(
    "authorization.notice.renewed.body",
    _("It was valid until %(old)s. Either party can switch automatic renewal off on its page."),
)
N_EXPIRED = texts.define(
    "authorization.notice.expired", _("Declaration authorization %(number)s expired on %(date)s")
)
N_REASON = texts.define("authorization.notice.reason", _("Reason: %(reason)s"))
# why a pending change request was closed by the system (stored texts: see _close_pending_change)
CHANGE_CLOSED_REVOKED = texts.define(
    "authorization.change.closed_revoked", _("The authorization was revoked.")
)
CHANGE_CLOSED_EXPIRED = texts.define("authorization.change.closed_expired", _("The authorization expired."))
N_PARTY_RENAMED = texts.define(
    "authorization.notice.party_renamed",
    _(
        "%(name)s changed its company name: %(count)s approved authorizations need updated "
        "party details (request a change)"
    ),
)
N_PARTY_RENAMED_ACTION = texts.define(
    "authorization.notice.party_renamed.action",
    _("Request a change of each authorization concerned so that its party details match the register."),
)
N_ACTION = texts.define(
    "authorization.notice.action",
    _("Open the authorization in the portal to see its details and history, and act if it asks you to."),
)

# timeline notes written by the portal, stored as texts and read in each reader's language
# (a reviewer's or a party's own words are kept as they typed them)
IMPORTED = texts.define("authorization.imported", _("Imported in bulk"))
RENEWED = texts.define("authorization.renewed", _("Automatic renewal"))
AUTO_CONFIRMED = texts.define("authorization.auto_confirmed", _("Automatic confirmation by %(name)s"))
PARTY_RENAMED = texts.define(
    "authorization.party_renamed",
    _("Company name changed from “%(old)s” to “%(new)s”; the party details need updating."),
)
PRINCIPAL_ROLES = ("owner", "ecommerce")
AGENT_ROLE = "broker"
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


# --- helpers --------------------------------------------------------------------------------
def _today() -> dt.date:
    return timezone.localdate()


def review_due_date(*, reached_review_on: dt.date, calendar: WorkdayCalendar | None = None) -> dt.date:
    """Three working days after the day the file reached customs (that day not counted)."""
    return (calendar or WorkdayCalendar()).add_working_days(reached_review_on, REVIEW_WORKING_DAYS)


def _snapshot(enterprise: Enterprise, prefix: str) -> dict:
    return {
        f"{prefix}_name": enterprise.name,
        f"{prefix}_uscc": enterprise.uscc,
        f"{prefix}_contact_name": enterprise.contact_name,
        f"{prefix}_contact_phone": enterprise.contact_phone,
        f"{prefix}_contact_email": enterprise.contact_email,
    }


def principal_candidates():
    return Enterprise.objects.approved().filter(Q(is_owner=True) | Q(is_ecommerce=True))


def agent_candidates():
    return Enterprise.objects.approved().with_role(AGENT_ROLE)


def _check_parties(*, principal: Enterprise, agent: Enterprise) -> None:
    if principal.pk == agent.pk:
        raise ApplicationError("same_party", _("An enterprise cannot authorize itself."))
    if not principal_candidates().filter(pk=principal.pk).exists():
        raise ApplicationError(
            "principal_not_eligible",
            _(
                "The principal must be an enterprise approved by customs with the goods owner or "
                "cross-border e-commerce enterprise role."
            ),
            field="principal",
        )
    if not agent_candidates().filter(pk=agent.pk).exists():
        raise ApplicationError(
            "agent_not_eligible",
            _("The agent must be a customs broker approved by customs."),
            field="agent",
        )


def validate_terms(
    *, scope: str, valid_from: dt.date, valid_to: dt.date, today: dt.date | None = None
) -> None:
    if scope not in Scope.values:
        raise ApplicationError("bad_scope", _("The scope must be import, export or both."), field="scope")
    if valid_from >= valid_to:
        raise ApplicationError(
            "bad_period", _("The end of the validity must be after its start."), field="valid_to"
        )
    if valid_to < (today or _today()):
        raise ApplicationError("period_over", _("The validity period is already over."), field="valid_to")


def _party_of(authorization: Authorization, enterprise) -> str:
    party = authorization.party_of(enterprise)
    if party is None:
        # Never reached through the selectors (they 404 first); a second line of defence.
        raise ApplicationError("not_a_party", _("Your enterprise is not a party to this authorization."))
    return party


def _link(authorization) -> str:
    return reverse("authorization:detail", args=[authorization.pk])


def _notify(authorization: Authorization, title, body="", *, parties=(Party.PRINCIPAL, Party.AGENT)):
    """Tell the parties' users: ``title`` and ``body`` are stored texts (a plain ``body`` is what
    a person wrote, a reason or a note: shown as written after "Reason:")."""
    from notifications.services import notification_create

    if isinstance(body, str) and body.strip():
        body = texts.stored(N_REASON, reason=body.strip())
    for party in parties:
        notification_create(
            kind=NOTIFICATION_KIND,
            title=title,
            body=body or "",
            action=texts.stored(N_ACTION),
            link=_link(authorization),
            enterprise=authorization.enterprise_of(party),
        )


def _move(
    authorization: Authorization,
    transition: str,
    *,
    actor=None,
    actor_label: str = "",
    reason: str | dict = "",
    event: str | None = None,
    before=None,
    after=None,
    change: AuthorizationChange | None = None,
) -> Authorization:
    """One state-machine move: locked row, one history row (with its event), in one transaction."""

    def _after(locked):
        entry = AuthorizationHistory.objects.filter(authorization=locked).order_by("-id").first()
        entry.event = event or transition
        if change is not None:
            entry.change = change
        entry.save(update_fields=["event", "change"])
        if after:
            after(locked)

    return run_transition(
        instance=authorization,
        transition=transition,
        history_model=AuthorizationHistory,
        actor=actor,
        actor_label=actor_label,
        reason=reason,
        before=before,
        after=_after,
    )


def _actor_label(actor, enterprise=None) -> str:
    if enterprise is not None and actor is not None:
        return f"{actor.get_full_name() or actor.get_username()} ({enterprise.name})"
    return ""


def _attach(authorization, documents, *, party: str, actor, change=None) -> None:
    """Supplementary documents (already checked by content) uploaded by ``party``."""
    for upload in documents or ():
        if upload:
            AuthorizationDocument.objects.create(
                authorization=authorization,
                change=change,
                file=upload,
                description=getattr(upload, "name", "")[:200],
                uploaded_by_party=party,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )


# --- creating and confirming ----------------------------------------------------------------
@transaction.atomic
def authorization_create(
    *,
    enterprise: Enterprise,
    as_party: str,
    counterparty: Enterprise,
    scope: str,
    valid_from: dt.date,
    valid_to: dt.date,
    auto_renew: bool = False,
    power_of_attorney=None,
    documents=(),
    own_contact: dict | None = None,
    counterparty_contact: dict | None = None,
    actor=None,
    submit: bool = True,
    imported: bool = False,
    today: dt.date | None = None,
) -> Authorization:
    """Start an authorization as the principal or the agent; by default send it at once to the
    other party for confirmation (which may confirm automatically)."""
    if as_party not in Party.values:
        raise ApplicationError("bad_party", _("Choose whether you act as principal or as agent."))
    principal, agent = (
        (enterprise, counterparty) if as_party == Party.PRINCIPAL else (counterparty, enterprise)
    )
    _check_parties(principal=principal, agent=agent)
    validate_terms(scope=scope, valid_from=valid_from, valid_to=valid_to, today=today)
    data = {**_snapshot(principal, "principal"), **_snapshot(agent, "agent")}
    own_prefix = as_party
    other_prefix = Party.AGENT if as_party == Party.PRINCIPAL else Party.PRINCIPAL
    for prefix, contact in ((own_prefix, own_contact), (other_prefix, counterparty_contact)):
        for key in CONTACT_FIELDS:
            if contact and contact.get(key):
                data[f"{prefix}_{key}"] = contact[key]
    authorization = Authorization(
        principal=principal,
        agent=agent,
        scope=scope,
        valid_from=valid_from,
        valid_to=valid_to,
        auto_renew=auto_renew,
        initiated_by=as_party,
        created_by=actor if getattr(actor, "pk", None) else None,
        imported=imported,
        **data,
    )
    if power_of_attorney:
        authorization.power_of_attorney = power_of_attorney
    authorization.save()
    Authorization.objects.filter(pk=authorization.pk).update(
        number=f"WT{authorization.created_at:%Y}{authorization.pk:08d}"
    )
    AuthorizationHistory.objects.create(
        authorization=authorization,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor, enterprise),
        from_status="",
        to_status=S.DRAFT,
        event=HistoryEvent.CREATED,
        reason=texts.stored(IMPORTED) if imported else "",
    )
    _attach(authorization, documents, party=as_party, actor=actor)
    # A protected FSM field cannot be refreshed in place: fetch a fresh instance instead.
    authorization = Authorization.objects.get(pk=authorization.pk)
    if submit:
        authorization = authorization_submit(authorization=authorization, enterprise=enterprise, actor=actor)
    return authorization


def authorization_submit(
    *, authorization: Authorization, enterprise: Enterprise, actor=None
) -> Authorization:
    """The initiating party sends its draft to the other party (confirming at once when the other
    party has switched on automatic confirmation for existing partners)."""
    if _party_of(authorization, enterprise) != authorization.initiated_by:
        raise ApplicationError("not_initiator", _("Only the party that started it can send it."))

    def after(locked):
        _notify(
            locked,
            texts.stored(N_CONFIRM, name=enterprise.name, number=locked.number),
            parties=(locked.confirming_party,),
        )

    authorization = _move(
        authorization,
        "submit",
        actor=actor,
        actor_label=_actor_label(actor, enterprise),
        event=HistoryEvent.SUBMIT,
        after=after,
    )
    confirmer = authorization.enterprise_of(authorization.confirming_party)
    if auto_confirms(enterprise=confirmer, partner=enterprise):
        authorization = _confirm(
            authorization,
            actor=None,
            actor_label=confirmer.name[:150],  # a name reads the same in every language
            reason=texts.stored(AUTO_CONFIRMED, name=confirmer.name),
            event=HistoryEvent.AUTO_CONFIRM,
        )
    return authorization


def auto_confirms(*, enterprise: Enterprise, partner: Enterprise) -> bool:
    """Whether ``enterprise`` confirms requests from ``partner`` without a person acting."""
    preference = AuthorizationPreference.objects.filter(enterprise=enterprise).first()
    return bool(
        preference and preference.auto_confirm_partners and are_partners(first=enterprise, second=partner)
    )


def _confirm(authorization, *, actor, actor_label, event, before=None, reason="") -> Authorization:
    def set_due(locked):
        if before:
            before(locked)
        locked.review_due_date = review_due_date(reached_review_on=_today())

    def after(locked):
        _notify(
            locked,
            texts.stored(N_UNDER_REVIEW, number=locked.number, due=locked.review_due_date.isoformat()),
        )

    return _move(
        authorization,
        "confirm",
        actor=actor,
        actor_label=actor_label,
        reason=reason,
        event=event,
        before=set_due,
        after=after,
    )


def authorization_confirm(
    *,
    authorization: Authorization,
    enterprise: Enterprise,
    actor=None,
    contact: dict | None = None,
    power_of_attorney=None,
    documents=(),
) -> Authorization:
    """The other party confirms; the file goes to customs review. It may update its own contact
    details, upload the signed power of attorney (required here if none is attached yet) and
    add supplementary documents."""
    party = _party_of(authorization, enterprise)
    if party != authorization.confirming_party:
        raise ApplicationError(
            "not_confirming_party",
            _("The other party confirms this authorization, not the one that started it."),
        )

    def before(locked):
        _check_not_over(locked)
        for key in CONTACT_FIELDS:
            if contact and contact.get(key):
                setattr(locked, f"{party}_{key}", contact[key])
        if power_of_attorney:
            locked.power_of_attorney = power_of_attorney
        if not locked.power_of_attorney:
            raise ApplicationError(
                "power_of_attorney_missing",
                _("Upload the signed power of attorney before confirming."),
                field="power_of_attorney",
            )
        _attach(locked, documents, party=party, actor=actor)

    return _confirm(
        authorization,
        actor=actor,
        actor_label=_actor_label(actor, enterprise),
        event=HistoryEvent.CONFIRM,
        before=before,
    )


# --- customs review -------------------------------------------------------------------------
def _check_not_over(locked: Authorization) -> None:
    if locked.valid_to < _today():
        raise ApplicationError(
            "period_over",
            _("The validity period is already over: the parties must start a new authorization."),
            field="valid_to",
        )


def authorization_approve(*, authorization: Authorization, actor) -> Authorization:
    def before(locked):
        _check_not_over(locked)
        if not locked.power_of_attorney:
            raise ApplicationError(
                "power_of_attorney_missing",
                _(
                    "No signed power of attorney is attached: request it as supplementary material "
                    "instead of approving."
                ),
            )
        locked.term_days = locked.current_term_days

    def after(locked):
        _notify(
            locked,
            texts.stored(N_APPROVED, number=locked.number),
        )

    return _move(
        authorization, "approve", actor=actor, event=HistoryEvent.APPROVE, before=before, after=after
    )


def _require_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("reason_required", message, field="reason")
    return reason


def authorization_reject(*, authorization: Authorization, actor, reason: str) -> Authorization:
    reason = _require_reason(reason, _("Give the reason for rejecting."))

    def after(locked):
        _notify(
            locked,
            texts.stored(N_REJECTED, number=locked.number),
            reason,
        )

    return _move(authorization, "reject", actor=actor, reason=reason, event=HistoryEvent.REJECT, after=after)


def authorization_request_supplement(*, authorization: Authorization, actor, reason: str) -> Authorization:
    reason = _require_reason(reason, _("Say which supplementary materials are needed."))

    def before(locked):
        locked.review_due_date = None

    def after(locked):
        _notify(
            locked,
            texts.stored(N_SUPPLEMENT, number=locked.number),
            reason,
        )

    return _move(
        authorization,
        "request_supplement",
        actor=actor,
        reason=reason,
        event=HistoryEvent.REQUEST_SUPPLEMENT,
        before=before,
        after=after,
    )


def authorization_resubmit(
    *,
    authorization: Authorization,
    enterprise: Enterprise,
    actor=None,
    documents=(),
    power_of_attorney=None,
    note: str = "",
) -> Authorization:
    """A party answers a supplement request with new documents; the file goes back to review,
    due three working days after today."""
    party = _party_of(authorization, enterprise)
    documents = [d for d in documents if d]
    if not documents and not power_of_attorney:
        raise ApplicationError(
            "documents_required",
            _("Attach at least one new document or a new power of attorney."),
            field="documents",
        )

    def before(locked):
        if power_of_attorney:
            locked.power_of_attorney = power_of_attorney
        locked.review_due_date = review_due_date(reached_review_on=_today())

    def after(locked):
        _attach(locked, documents, party=party, actor=actor)

    return _move(
        authorization,
        "resubmit",
        actor=actor,
        actor_label=_actor_label(actor, enterprise),
        reason=note.strip(),
        event=HistoryEvent.RESUBMIT,
        before=before,
        after=after,
    )


# --- the parties on an approved authorization -----------------------------------------------
def _close_pending_change(locked: Authorization, reason) -> None:
    change = (
        AuthorizationChange.objects.select_for_update()
        .filter(authorization=locked, status=ChangeStatus.PENDING)
        .first()
    )
    if change is not None:
        change.withdraw()
        change.decision_reason = reason
        change.decided_at = timezone.now()
        change.save()


def authorization_revoke(
    *, authorization: Authorization, enterprise: Enterprise, actor=None, reason: str
) -> Authorization:
    """Either party ends an approved authorization at once; a reason is required."""
    _party_of(authorization, enterprise)
    reason = _require_reason(reason, _("Give the reason for revoking."))

    def after(locked):
        _close_pending_change(locked, texts.stored(CHANGE_CLOSED_REVOKED))
        _notify(
            locked,
            texts.stored(N_REVOKED, number=locked.number, name=enterprise.name),
            reason,
        )

    return _move(
        authorization,
        "revoke",
        actor=actor,
        actor_label=_actor_label(actor, enterprise),
        reason=reason,
        event=HistoryEvent.REVOKE,
        after=after,
    )


def authorization_set_renewal(
    *, authorization: Authorization, enterprise: Enterprise, actor=None, auto_renew: bool
) -> Authorization:
    """Either party switches automatic renewal on or off (on an approved authorization)."""
    _party_of(authorization, enterprise)

    def before(locked):
        if locked.auto_renew == auto_renew:
            raise ApplicationError(
                "renewal_unchanged",
                _("Automatic renewal is already on.")
                if auto_renew
                else _("Automatic renewal is already off."),
            )
        locked.auto_renew = auto_renew

    def after(locked):
        _notify(
            locked,
            texts.stored(
                N_RENEWAL_ON if auto_renew else N_RENEWAL_OFF, name=enterprise.name, number=locked.number
            ),
        )

    return _move(
        authorization,
        "set_renewal",
        actor=actor,
        actor_label=_actor_label(actor, enterprise),
        event=HistoryEvent.RENEWAL_ON if auto_renew else HistoryEvent.RENEWAL_OFF,
        before=before,
        after=after,
    )


CHANGE_TERMS = (
    "scope",
    "valid_from",
    "valid_to",
    "principal_contact_name",
    "principal_contact_phone",
    "principal_contact_email",
    "agent_contact_name",
    "agent_contact_phone",
    "agent_contact_email",
)


def authorization_request_change(
    *,
    authorization: Authorization,
    enterprise: Enterprise,
    actor=None,
    terms: dict,
    power_of_attorney=None,
    documents=(),
    note: str = "",
    today: dt.date | None = None,
) -> AuthorizationChange:
    """Ask customs to change an approved authorization's terms (scope, dates, contacts,
    documents). The approved terms stay in force until customs approves the change."""
    party = _party_of(authorization, enterprise)
    proposed = {name: terms.get(name, getattr(authorization, name)) for name in CHANGE_TERMS}
    validate_terms(
        scope=proposed["scope"], valid_from=proposed["valid_from"], valid_to=proposed["valid_to"], today=today
    )
    documents = [d for d in documents if d]
    unchanged = all(proposed[name] == getattr(authorization, name) for name in CHANGE_TERMS)
    if unchanged and not power_of_attorney and not documents and not authorization.party_details_outdated:
        raise ApplicationError("nothing_changed", _("The request changes nothing."))
    created: dict = {}

    def before(locked):
        if AuthorizationChange.objects.filter(authorization=locked, status=ChangeStatus.PENDING).exists():
            raise ApplicationError(
                "change_pending", _("A change request for this authorization is already awaiting review.")
            )

    def after(locked):
        change = AuthorizationChange.objects.create(
            authorization=locked,
            requested_by=party,
            requested_by_user=actor if getattr(actor, "pk", None) else None,
            note=note.strip(),
            review_due_date=review_due_date(reached_review_on=today or _today()),
            **proposed,
            **({"power_of_attorney": power_of_attorney} if power_of_attorney else {}),
        )
        _attach(locked, documents, party=party, actor=actor, change=change)
        AuthorizationHistory.objects.filter(authorization=locked).order_by("-id").filter(
            event=HistoryEvent.REQUEST_CHANGE, change__isnull=True
        ).update(change=change)
        created["change"] = change
        _notify(
            locked,
            texts.stored(N_CHANGE_REQUESTED, name=enterprise.name, number=locked.number),
            note,
        )

    _move(
        authorization,
        "request_change",
        actor=actor,
        actor_label=_actor_label(actor, enterprise),
        reason=note.strip(),
        event=HistoryEvent.REQUEST_CHANGE,
        before=before,
        after=after,
    )
    return created["change"]


def _decide_change(
    *, change: AuthorizationChange, actor, approve: bool, reason: str = ""
) -> AuthorizationChange:
    def before(locked):
        fresh = AuthorizationChange.objects.select_for_update().get(pk=change.pk)
        if fresh.status != ChangeStatus.PENDING:
            raise ApplicationError(
                "invalid_transition",
                interpolate_lazy(
                    _(
                        "This change request was already decided (now “%(status)s”). Someone may "
                        "have acted on it just before you; reload the page."
                    ),
                    {"status": fresh.get_status_display()},
                ),
            )
        if approve:
            fresh.approve()
            for name in CHANGE_TERMS:
                setattr(locked, name, getattr(fresh, name))
            if fresh.power_of_attorney:
                locked.power_of_attorney = fresh.power_of_attorney
            # The party details are brought up to date with the register at the same time.
            locked.principal_name, locked.principal_uscc = locked.principal.name, locked.principal.uscc
            locked.agent_name, locked.agent_uscc = locked.agent.name, locked.agent.uscc
            locked.party_details_outdated = False
            locked.term_days = locked.current_term_days
        else:
            fresh.reject()
        fresh.decision_reason = reason
        fresh.decided_at = timezone.now()
        fresh.save()

    def after(locked):
        title = N_CHANGE_APPROVED if approve else N_CHANGE_REJECTED
        _notify(locked, texts.stored(title, number=locked.number), reason)

    _move(
        change.authorization,
        "decide_change",
        actor=actor,
        reason=reason,
        event=HistoryEvent.APPROVE_CHANGE if approve else HistoryEvent.REJECT_CHANGE,
        change=change,
        before=before,
        after=after,
    )
    return AuthorizationChange.objects.get(pk=change.pk)


def authorization_change_approve(*, change: AuthorizationChange, actor) -> AuthorizationChange:
    return _decide_change(change=change, actor=actor, approve=True)


def authorization_change_reject(*, change: AuthorizationChange, actor, reason: str) -> AuthorizationChange:
    reason = _require_reason(reason, _("Give the reason for rejecting the change."))
    return _decide_change(change=change, actor=actor, approve=False, reason=reason)


def authorization_change_withdraw(
    *, authorization: Authorization, enterprise: Enterprise, actor=None
) -> AuthorizationChange:
    """The party that asked for a change withdraws it before customs decides."""
    party = _party_of(authorization, enterprise)
    withdrawn: dict = {}

    def before(locked):
        change = (
            AuthorizationChange.objects.select_for_update()
            .filter(authorization=locked, status=ChangeStatus.PENDING)
            .first()
        )
        if change is None:
            raise ApplicationError(
                "no_pending_change",
                _("No change request is awaiting review: customs may have decided it just now."),
            )
        if change.requested_by != party:
            raise ApplicationError(
                "not_change_requester", _("Only the party that asked for the change can withdraw it.")
            )
        change.withdraw()
        change.decided_at = timezone.now()
        change.save()
        withdrawn["change"] = change

    def after(locked):
        AuthorizationHistory.objects.filter(authorization=locked).order_by("-id").filter(
            event=HistoryEvent.WITHDRAW_CHANGE, change__isnull=True
        ).update(change=withdrawn["change"])
        _notify(
            locked,
            texts.stored(N_CHANGE_WITHDRAWN, name=enterprise.name, number=locked.number),
        )

    _move(
        authorization,
        "withdraw_change",
        actor=actor,
        actor_label=_actor_label(actor, enterprise),
        event=HistoryEvent.WITHDRAW_CHANGE,
        before=before,
        after=after,
    )
    return withdrawn["change"]


# --- preferences ----------------------------------------------------------------------------
def authorization_preference_set(
    *, enterprise: Enterprise, auto_confirm_partners: bool
) -> AuthorizationPreference:
    preference, _created = AuthorizationPreference.objects.update_or_create(
        enterprise=enterprise, defaults={"auto_confirm_partners": auto_confirm_partners}
    )
    return preference


# --- party renamed --------------------------------------------------------------------------
@transaction.atomic
def authorizations_mark_party_renamed(*, enterprise: Enterprise, old_name: str, actor=None) -> int:
    """After customs approves ``enterprise``'s new name, flag its approved authorizations as
    needing updated party details (a change request brings them up to date)."""
    qs = Authorization.objects.filter(
        Q(principal=enterprise) | Q(agent=enterprise), status=S.APPROVED, party_details_outdated=False
    )
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    Authorization.objects.filter(pk__in=ids).update(party_details_outdated=True)
    AuthorizationHistory.objects.bulk_create(
        [
            AuthorizationHistory(
                authorization_id=pk,
                actor=actor if getattr(actor, "pk", None) else None,
                from_status=S.APPROVED,
                to_status=S.APPROVED,
                event=HistoryEvent.PARTY_RENAMED,
                reason=texts.stored(PARTY_RENAMED, old=old_name, new=enterprise.name),
            )
            for pk in ids
        ]
    )
    # Both parties are told, each once (not once per authorization).
    from notifications.services import notification_create

    counterparties = (
        Enterprise.objects.filter(
            Q(authorizations_as_agent__pk__in=ids) | Q(authorizations_as_principal__pk__in=ids)
        )
        .exclude(pk=enterprise.pk)
        .distinct()
    )
    title = texts.stored(N_PARTY_RENAMED, name=enterprise.name, count=len(ids))
    for party in [enterprise, *counterparties]:
        notification_create(
            kind=NOTIFICATION_KIND,
            title=title,
            body=texts.stored(PARTY_RENAMED, old=old_name, new=enterprise.name),
            action=texts.stored(N_PARTY_RENAMED_ACTION),
            link=reverse("authorization:list"),
            enterprise=party,
        )
    return len(ids)


# --- expiry and automatic renewal -----------------------------------------------------------
def renewal_eligible_q() -> Q:
    """Both parties still approved and neither rated dishonest."""
    q = Q()
    for party in ("principal", "agent"):
        q &= Q(**{f"{party}__status": "approved"}) & ~Q(**{f"{party}__credit_rating": CreditRating.DISHONEST})
    return q


def authorizations_expire_and_renew(*, on_date: dt.date | None = None) -> dict:
    """Renew what is due (30 days before valid_to) and expire what has ended (the day after
    valid_to). Safe to run any number of times for the same day; a missed day is caught up."""
    on_date = on_date or _today()
    renewed: list[Authorization] = []
    expired: list[Authorization] = []
    due = (
        Authorization.objects.filter(
            renewal_eligible_q(),
            status=S.APPROVED,
            auto_renew=True,
            valid_to__lte=on_date + dt.timedelta(days=RENEWAL_LEAD_DAYS),
        )
        .select_related("principal", "agent")
        .order_by("pk")
    )
    for authorization in due:
        try:
            renewed.append(_renew(authorization, on_date=on_date))
        except ApplicationError:
            continue  # a party acted on it meanwhile (revoked, renewal switched off)
    for authorization in Authorization.objects.filter(status=S.APPROVED, valid_to__lt=on_date).order_by("pk"):
        try:
            expired.append(_expire(authorization))
        except ApplicationError:
            continue
    return {"renewed": renewed, "expired": expired}


def _renew(authorization: Authorization, *, on_date: dt.date) -> Authorization:
    def before(locked):
        if not locked.auto_renew:
            raise ApplicationError("renewal_off", _("Automatic renewal was switched off."))
        term = dt.timedelta(days=locked.term_days or locked.current_term_days)
        # The next term starts the day after the old valid_to and is as long as the last one;
        # a run that was missed for a while catches up term by term.
        new_valid_to = locked.valid_to + term
        while new_valid_to - dt.timedelta(days=RENEWAL_LEAD_DAYS) <= on_date:
            new_valid_to += term
        locked.term_days = term.days
        locked._old_valid_to = locked.valid_to
        locked.valid_to = new_valid_to
        locked.renewed_count += 1

    def after(locked):
        _notify(
            locked,
            texts.stored(N_RENEWED, number=locked.number, date=locked.valid_to.isoformat()),
            texts.stored(N_RENEWED_BODY, old=locked._old_valid_to.isoformat()),
        )

    return _move(
        authorization,
        "renew",
        actor_label=SYSTEM_ACTOR,
        reason=texts.stored(RENEWED),
        event=HistoryEvent.RENEW,
        before=before,
        after=after,
    )


def _expire(authorization: Authorization) -> Authorization:
    def after(locked):
        _close_pending_change(locked, texts.stored(CHANGE_CLOSED_EXPIRED))
        _notify(
            locked,
            texts.stored(
                N_EXPIRED, number=locked.number, date=(locked.valid_to + dt.timedelta(days=1)).isoformat()
            ),
        )

    return _move(authorization, "expire", actor_label=SYSTEM_ACTOR, event=HistoryEvent.EXPIRE, after=after)
