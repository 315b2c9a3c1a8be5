"""The trader side of registration: sign-up, verification, corrections, profile, operators.

Every function here writes; views, the API and commands call them and stay thin. Rules:
- one request is one transaction: nothing is half-saved when a step fails;
- status moves go through customs_portal.fsm.run_transition (locked row, history row);
- e-mail and SMS go out only once the transaction commits.
"""

import datetime as dt
import re
import secrets
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import identify_hasher
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_email.models import EmailDevice
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import ValidationError as StdnumError

from customs_portal import texts
from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.fsm import run_transition
from customs_portal.sms import send_sms
from customs_portal.uploads import validate_document
from notifications import emails

from .models import (
    ROLE_FIELDS,
    Enterprise,
    EnterpriseHistory,
    EnterpriseStatus,
    Invitation,
    NameChange,
    NameChangeHistory,
    Role,
    SmsDevice,
    User,
    VerificationThrottle,
    invitation_token_hash,
)

# --- rules as constants ------------------------------------------------------------------------
CODE_VALIDITY_SECONDS = 600  # a verification code is valid for 10 minutes
CODE_MAX_FAILURES = 5  # five wrong codes lock verification ...
CODE_LOCK_SECONDS = 15 * 60  # ... for 15 minutes
SEND_LIMIT_PER_ADDRESS = 10  # codes sent per client address per hour
SEND_LIMIT_PER_DESTINATION = 5  # codes sent per phone number / e-mail address per hour
SEND_WINDOW_SECONDS = 3600
INVITATION_VALIDITY = dt.timedelta(days=7)

CHANNEL_EMAIL = "email"
CHANNEL_SMS = "sms"

# Mainland mobile numbers: 11 digits starting 13-19; "+86"/"0086", spaces and dashes are accepted.
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")

# Profile fields a trader may change directly (logged); the name needs a new review.
PROFILE_FIELDS = [
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
    "pilot_zone",
]
CORRECTION_FIELDS = ["name", "uscc", *PROFILE_FIELDS]


# --- small pure checks -----------------------------------------------------------------------
def uscc_normalise(value: str) -> str:
    """The USCC upper-cased without spaces or dashes, or ApplicationError if the check fails."""
    try:
        return uscc_std.validate(value or "")
    except StdnumError:
        raise ApplicationError(
            "invalid_uscc",
            _(
                "This is not a valid unified social credit code: it needs 18 characters and a "
                "correct check character."
            ),
            field="uscc",
        ) from None


def phone_normalise(value: str) -> str:
    phone = re.sub(r"[\s-]", "", value or "")
    phone = re.sub(r"^(\+86|0086)", "", phone)
    if not _PHONE_RE.match(phone):
        raise ApplicationError(
            "invalid_phone",
            _("Enter an 11-digit mainland mobile number, e.g. 13800138000."),
            field="contact_phone",
        )
    return phone


def _check_document(upload, field: str) -> None:
    try:
        validate_document(upload)
    except ValidationError as exc:
        raise ApplicationError("invalid_document", exc.messages[0], field=field) from None


def _attach(enterprise: Enterprise, field: str, upload) -> None:
    # the field stores it under a random name with the sniffed type's extension
    getattr(enterprise, field).save(upload.name, upload, save=False)


def _uscc_taken(uscc: str, *, exclude_pk=None) -> bool:
    query = Enterprise.objects.filter(uscc=uscc)
    if exclude_pk:
        query = query.exclude(pk=exclude_pk)
    return query.exists()


def _uscc_taken_error() -> ApplicationError:
    return ApplicationError(
        "uscc_registered",
        _("An enterprise with this unified social credit code is already registered."),
        field="uscc",
    )


def _apply_roles(enterprise: Enterprise, roles) -> None:
    roles = set(roles or [])
    if not roles:
        raise ApplicationError("roles_required", _("Choose at least one enterprise role."), field="roles")
    unknown = roles - set(ROLE_FIELDS)
    if unknown:
        raise ApplicationError("invalid_role", _("Unknown enterprise role."), field="roles")
    for role, field in ROLE_FIELDS.items():
        setattr(enterprise, field, role in roles)


# history notes, stored as texts and read in each reader's language (customs_portal.texts)
VERIFIED_BY = texts.define("enterprise.verified_by", _("Verified by %(channel)s"))
BY_EMAIL = texts.define("enterprise.channel.email", _("e-mail"))
BY_SMS = texts.define("enterprise.channel.sms", _("SMS"))
RESUBMITTED_UNCHANGED = texts.define("enterprise.resubmitted_unchanged", _("Submitted again without changes"))
FIELD_CHANGE = texts.define("enterprise.field_change", _("%(field)s: %(old)s → %(new)s"))
ROLES = texts.define("enterprise.roles", _("roles"))
NEW_SCAN = texts.define("enterprise.new_scan", _("new scan"))
PROFILE_CHANGED = texts.define("enterprise.profile_changed", _("Profile changed: %(changes)s"))
CORRECTIONS_SUBMITTED = texts.define(
    "enterprise.corrections_submitted", _("Corrections submitted: %(changes)s")
)
NAME_CHANGE_REQUESTED = texts.define(
    "enterprise.name_change_requested", _("Company name change requested: %(old)s → %(new)s")
)
OPERATOR_INVITED = texts.define("enterprise.operator_invited", _("Operator invited: %(email)s"))
OPERATOR_JOINED = texts.define("enterprise.operator_joined", _("Operator joined: %(username)s"))
OPERATOR_DEACTIVATED = texts.define(
    "enterprise.operator_deactivated", _("Operator deactivated: %(username)s")
)


def _log(enterprise: Enterprise, *, actor, reason) -> None:
    """An audit row for a change that does not move the status."""
    EnterpriseHistory.objects.create(
        enterprise=enterprise,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=enterprise.status,
        to_status=enterprise.status,
        reason=reason,
    )


# --- sign-up ----------------------------------------------------------------------------------
def enterprise_signup_precheck(*, uscc: str, username: str) -> None:
    """What enterprise_signup would refuse for the USCC or the user name, checked before the
    sign-up's check page (the sign-up itself checks again: the unique indexes decide a race)."""
    if _uscc_taken(uscc_normalise(uscc)):
        raise _uscc_taken_error()
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            "username_taken", _("This user name is taken; choose another."), field="username"
        )


def enterprise_signup(
    *,
    name: str,
    uscc: str,
    address: str,
    legal_representative: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    roles,
    licence_file,
    tax_certificate_file,
    username: str,
    password: str = "",
    password_hash: str = "",
    pilot_zone: bool = False,
    language: str = "",
) -> User:
    """Create the enterprise (awaiting its verification code) and its first user, its administrator.

    ``language`` is the user's (the page's language at sign-up): what they read messages in.
    ``password_hash`` instead of ``password``: the browser's sign-up checked the password against
    the same validators (with the same user details) before its check page and keeps only its
    hash while the person checks their answers."""
    from .languages import language_normalise

    uscc = uscc_normalise(uscc)
    contact_phone = phone_normalise(contact_phone)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("name_required", _("Enter the company name."), field="name")
    if _uscc_taken(uscc):
        raise _uscc_taken_error()
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            "username_taken", _("This user name is taken; choose another."), field="username"
        )
    for field, upload in (("licence_file", licence_file), ("tax_certificate_file", tax_certificate_file)):
        if not upload:
            raise ApplicationError("document_required", _("Upload a scan of this document."), field=field)
        _check_document(upload, field)

    enterprise = Enterprise(
        name=name,
        uscc=uscc,
        address=address.strip(),
        legal_representative=legal_representative.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone,
        contact_email=contact_email.strip(),
        pilot_zone=pilot_zone,
    )
    _apply_roles(enterprise, roles)
    user = User(
        username=username,
        email=enterprise.contact_email,
        phone=contact_phone,
        first_name=enterprise.contact_name[:150],
        enterprise=enterprise,
        is_enterprise_admin=True,
        language=language_normalise(language),
    )
    if password_hash:
        identify_hasher(password_hash)  # a hash of this portal's hashers, or ValueError
        user.password = password_hash
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError("weak_password", " ".join(exc.messages), field="password1") from None
        user.set_password(password)

    try:
        with transaction.atomic():
            _attach(enterprise, "licence_file", licence_file)
            _attach(enterprise, "tax_certificate_file", tax_certificate_file)
            enterprise.save()
            user.enterprise = enterprise
            user.save()
            EnterpriseHistory.objects.create(
                enterprise=enterprise, actor=user, from_status="", to_status=enterprise.status
            )
    except Exception as exc:
        for field in ("licence_file", "tax_certificate_file"):  # nothing half-saved: no orphan scans
            if getattr(enterprise, field):
                getattr(enterprise, field).delete(save=False)
        if not isinstance(exc, IntegrityError):
            raise
        # two sign-ups for the same USCC (or user name) at once: the database's unique index decides
        if Enterprise.objects.filter(uscc=uscc).exists():
            raise _uscc_taken_error() from None
        raise ApplicationError(
            "username_taken", _("This user name is taken; choose another."), field="username"
        ) from None
    return user


# --- verification codes -------------------------------------------------------------------
def _device_for(*, user: User, channel: str):
    if channel == CHANNEL_EMAIL:
        device, _created = EmailDevice.objects.get_or_create(
            user=user, name="registration", defaults={"email": user.email, "confirmed": False}
        )
        if device.email != user.email:
            device.email = user.email
            device.save(update_fields=["email"])
        return device
    if channel == CHANNEL_SMS:
        device, _created = SmsDevice.objects.get_or_create(
            user=user, name="registration", defaults={"number": user.phone, "confirmed": False}
        )
        if device.number != user.phone:
            device.number = user.phone
            device.save(update_fields=["number"])
        return device
    raise ApplicationError("invalid_channel", _("Choose e-mail or SMS."), field="channel")


def _rate_limit(key: str, limit: int) -> None:
    """Count one more send under ``key`` in the current window; refuse past ``limit``."""
    cache.add(key, 0, SEND_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, SEND_WINDOW_SECONDS)
        count = 1
    if count > limit:
        raise ApplicationError(
            "rate_limited", _("Too many codes were requested. Try again in an hour."), field="channel"
        )


def _lock_open_at(throttle: VerificationThrottle | None, now):
    """When a locked verification opens again, or None if it is not locked at ``now``."""
    if throttle is None or throttle.failures < CODE_MAX_FAILURES or throttle.last_failure_at is None:
        return None
    until = throttle.last_failure_at + dt.timedelta(seconds=CODE_LOCK_SECONDS)
    return until if now < until else None


def verification_locked_until(*, user: User):
    """When a locked verification opens again, or None if it is not locked."""
    return _lock_open_at(VerificationThrottle.objects.filter(user=user).first(), timezone.now())


def _locked_error(until) -> ApplicationError:
    return ApplicationError(
        "locked",
        interpolate_lazy(
            _("Too many wrong codes. Verification is locked until %(time)s."),
            {"time": timezone.localtime(until).strftime("%H:%M")},
        ),
        field="code",
    )


def _require_unverified(user: User) -> Enterprise:
    enterprise = user.enterprise
    if enterprise is None or enterprise.status != EnterpriseStatus.UNVERIFIED:
        raise ApplicationError("already_verified", _("This account is already verified."))
    return enterprise


def verification_code_send(*, user: User, channel: str, client_address: str = "") -> str:
    """Send a new verification code by e-mail or SMS; return the (masked) destination.

    At most one code a minute (the device's cooldown), limited per client address and per
    destination; the code is valid for 10 minutes and replaces any earlier one.
    """
    _require_unverified(user)
    with transaction.atomic():
        device = _device_for(user=user, channel=channel)
        device = type(device).objects.select_for_update().get(pk=device.pk)
        # once a minute whichever the channel: switching to SMS does not skip the wait
        others = [
            other
            for model in (EmailDevice, SmsDevice)
            for other in model.objects.filter(user=user, name="registration")
            if not (type(other) is type(device) and other.pk == device.pk)
        ]
        refusals = [
            info for allowed, info in (d.generate_is_allowed() for d in [device, *others]) if not allowed
        ]
        if refusals:
            next_at = max(info["next_generation_at"] for info in refusals)
            wait = max(1, int((next_at - timezone.now()).total_seconds()) + 1)
            raise ApplicationError(
                "cooldown",
                interpolate_lazy(
                    _(
                        "A code was sent less than a minute ago. You can ask for a new one in %(seconds)s seconds."
                    ),
                    {"seconds": wait},
                ),
                field="channel",
            )
        destination = user.email if channel == CHANNEL_EMAIL else user.phone
        if client_address:
            _rate_limit(f"registration:send:ip:{client_address}", SEND_LIMIT_PER_ADDRESS)
        _rate_limit(f"registration:send:to:{channel}:{destination.lower()}", SEND_LIMIT_PER_DESTINATION)
        device.cooldown_set(commit=False)
        device.generate_token(valid_secs=CODE_VALIDITY_SECONDS, commit=False)
        device.save()
        code = device.token
        text = gettext(
            "Your enterprise customs portal verification code is %(code)s. It is valid for 10 minutes."
        ) % {"code": code}
        if channel == CHANNEL_EMAIL:
            subject = gettext("Your verification code")
            transaction.on_commit(
                lambda: send_mail(
                    subject, text, settings.DEFAULT_FROM_EMAIL, [destination], fail_silently=False
                )
            )
        else:
            transaction.on_commit(lambda: send_sms(destination, text))
    return _mask(destination)


def _mask(destination: str) -> str:
    if "@" in destination:
        local, _at, domain = destination.partition("@")
        return f"{local[:2]}***@{domain}"
    return f"{destination[:3]}****{destination[-4:]}"


def enterprise_verify(*, user: User, code: str) -> Enterprise:
    """Check a verification code; the right one activates the account and submits the
    registration for customs review. Five wrong codes lock verification for 15 minutes.

    The user's throttle row is locked first: the lock, the code and the count of wrong codes
    are read and written under it, so concurrent attempts are checked one at a time and no
    more than five wrong codes are ever checked before the lock.
    """
    _require_unverified(user)
    code = (code or "").strip()
    with transaction.atomic():
        VerificationThrottle.objects.bulk_create([VerificationThrottle(user=user)], ignore_conflicts=True)
        throttle = VerificationThrottle.objects.select_for_update().get(user=user)
        enterprise = _require_unverified(User.objects.select_related("enterprise").get(pk=user.pk))
        now = timezone.now()
        locked_until = _lock_open_at(throttle, now)
        if locked_until:
            raise _locked_error(locked_until)
        matched = None
        for model in (EmailDevice, SmsDevice):
            for device in model.objects.filter(user=user, name="registration"):
                if device.token and now < device.valid_until and constant_time_compare(code, device.token):
                    matched = device
        if matched is None:
            # a wrong code more; a pause of 15 minutes since the last one starts the count again
            expired = throttle.last_failure_at is None or now >= throttle.last_failure_at + dt.timedelta(
                seconds=CODE_LOCK_SECONDS
            )
            throttle.failures = 1 if expired else throttle.failures + 1
            throttle.last_failure_at = now
            throttle.save(update_fields=["failures", "last_failure_at"])
        else:
            throttle.failures = 0
            throttle.last_failure_at = None
            throttle.save(update_fields=["failures", "last_failure_at"])
            enterprise = _activate(user=user, enterprise=enterprise, matched=matched, now=now)
    if matched is None:
        # raised after the count committed: a refused code is still counted
        left = CODE_MAX_FAILURES - throttle.failures
        if left <= 0:
            message = _("Too many wrong codes. Verification is locked for 15 minutes.")
        else:
            message = interpolate_lazy(
                _("The code is wrong or has expired. %(left)s attempts left."), {"left": left}
            )
        raise ApplicationError("wrong_code", message, field="code")
    return enterprise


def _activate(*, user: User, enterprise: Enterprise, matched, now) -> Enterprise:
    # single use: every outstanding code of this user is spent
    for model in (EmailDevice, SmsDevice):
        for device in model.objects.filter(user=user, name="registration"):
            device.token = None
            device.valid_until = now
            if device.pk == matched.pk and type(device) is type(matched):
                device.confirmed = True
            device.set_last_used_timestamp(commit=False)
            device.save()

    def before(locked: Enterprise) -> None:
        locked.submitted_at = timezone.now()

    enterprise = run_transition(
        instance=enterprise,
        transition="activate",
        history_model=EnterpriseHistory,
        actor=user,
        reason=texts.stored(
            VERIFIED_BY,
            channel=texts.stored(BY_EMAIL if isinstance(matched, EmailDevice) else BY_SMS),
        ),
        before=before,
    )
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return enterprise


# --- corrections ---------------------------------------------------------------------------
def enterprise_resubmit(
    *, enterprise: Enterprise, actor: User, data: dict, roles, licence_file=None, tax_certificate_file=None
) -> Enterprise:
    """Apply the corrections customs asked for and send the registration back for review."""
    _require_admin(actor, enterprise)
    if "uscc" in data:
        data = {**data, "uscc": uscc_normalise(data["uscc"])}
        if _uscc_taken(data["uscc"], exclude_pk=enterprise.pk):
            raise _uscc_taken_error()
    if "contact_phone" in data:
        data = {**data, "contact_phone": phone_normalise(data["contact_phone"])}
    for field, upload in (("licence_file", licence_file), ("tax_certificate_file", tax_certificate_file)):
        if upload:
            _check_document(upload, field)

    # what changes, worked out before the move so that the history row can say it
    current = Enterprise.objects.get(pk=enterprise.pk)
    changes: dict = {}
    for field in CORRECTION_FIELDS:
        if field in data and getattr(current, field) != data[field]:
            changes[field] = (getattr(current, field), data[field])
    new_roles = sorted(set(roles or []))
    if new_roles != sorted(current.roles):
        changes["roles"] = (
            [texts.choice(Role, r) for r in current.roles],
            [texts.choice(Role, r) for r in new_roles if r in ROLE_FIELDS],
        )
    for field, upload in (("licence_file", licence_file), ("tax_certificate_file", tax_certificate_file)):
        if upload:
            changes[field] = ("", texts.stored(NEW_SCAN))

    def before(locked: Enterprise) -> None:
        for field in CORRECTION_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        _apply_roles(locked, roles)
        for field, upload in (("licence_file", licence_file), ("tax_certificate_file", tax_certificate_file)):
            if upload:
                _attach(locked, field, upload)
        locked.submitted_at = timezone.now()

    try:
        return run_transition(
            instance=enterprise,
            transition="resubmit",
            history_model=EnterpriseHistory,
            actor=actor,
            reason=texts.stored(CORRECTIONS_SUBMITTED, changes=_describe(changes))
            if changes
            else texts.stored(RESUBMITTED_UNCHANGED),
            before=before,
        )
    except IntegrityError:
        raise _uscc_taken_error() from None


def _describe(changes: dict) -> list[dict]:
    """The changes as stored texts: each field's name and values, read in the reader's language."""
    return [
        texts.stored(
            FIELD_CHANGE,
            field=texts.stored(ROLES) if field == "roles" else texts.field_label(Enterprise, field),
            old=old,
            new=new,
        )
        for field, (old, new) in changes.items()
    ]


# --- profile ------------------------------------------------------------------------------
def _require_admin(actor: User, enterprise: Enterprise) -> None:
    if actor.enterprise_id != enterprise.pk or not actor.is_enterprise_admin:
        raise ApplicationError("not_admin", _("Only the enterprise's administrator can do this."))


def enterprise_profile_update(*, enterprise: Enterprise, actor: User, data: dict) -> Enterprise:
    """Change the enterprise's details other than its name; applied at once and logged."""
    _require_admin(actor, enterprise)
    if "contact_phone" in data:
        data = {**data, "contact_phone": phone_normalise(data["contact_phone"])}
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        changes = {}
        for field in PROFILE_FIELDS:
            if field in data and getattr(locked, field) != data[field]:
                changes[field] = (getattr(locked, field), data[field])
                setattr(locked, field, data[field])
        if changes:
            locked.save(update_fields=list(changes))
            _log(
                locked,
                actor=actor,
                reason=texts.stored(PROFILE_CHANGED, changes=_describe(changes)),
            )
    return locked


def enterprise_name_change_request(
    *, enterprise: Enterprise, actor: User, new_name: str, licence_file
) -> NameChange:
    """Ask customs to approve a new company name, with a scan of the new business licence.

    The request waits beside the enterprise, which stays approved under its current name while
    customs reviews (its API keys, its users and the lists that name it keep working); the name
    and licence change only when customs approves (registration.review.name_change_approve).
    One request at a time.
    """
    _require_admin(actor, enterprise)
    new_name = (new_name or "").strip()
    if not new_name:
        raise ApplicationError("name_required", _("Enter the new company name."), field="new_name")
    if not licence_file:
        raise ApplicationError(
            "document_required",
            _("A name change needs a scan of the new business licence."),
            field="licence_file",
        )
    _check_document(licence_file, "licence_file")
    change = NameChange(enterprise=enterprise, new_name=new_name, requested_by=actor)
    try:
        with transaction.atomic():
            locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
            if not locked.is_approved:
                raise ApplicationError(
                    "not_approved",
                    _("The company name can be changed once customs has approved the enterprise."),
                )
            if new_name == locked.name:
                raise ApplicationError("same_name", _("This is already the company name."), field="new_name")
            if NameChange.objects.pending().filter(enterprise=locked).exists():
                raise _name_change_pending_error()
            change.enterprise = locked
            change.old_name = locked.name
            change.licence_file.save(licence_file.name, licence_file, save=False)
            change.save()
            NameChangeHistory.objects.create(
                name_change=change, actor=actor, from_status="", to_status=change.status
            )
            _log(
                locked,
                actor=actor,
                reason=texts.stored(NAME_CHANGE_REQUESTED, old=locked.name, new=new_name),
            )
    except Exception as exc:
        if change.licence_file:  # nothing half-saved: no orphan scan
            change.licence_file.delete(save=False)
        if isinstance(exc, IntegrityError):
            # two requests at the same instant: the one-pending-request index decides
            raise _name_change_pending_error() from None
        raise
    return change


def _name_change_pending_error() -> ApplicationError:
    return ApplicationError(
        "name_change_pending",
        _("A company name change is already waiting for customs review; wait for its decision."),
        field="new_name",
    )


# --- operators -----------------------------------------------------------------------------
INVITATION_SUBJECT = texts.define(
    "registration.invitation.subject", _("You are invited to the enterprise customs portal")
)
INVITATION_TEXT = texts.define(
    "registration.invitation.text",
    _("%(inviter)s invites you to work for %(enterprise)s in the enterprise customs portal."),
)
INVITATION_ACTION = texts.define(
    "registration.invitation.action", _("Open the link below within 7 days to create your account.")
)


def invitation_create(*, enterprise: Enterprise, actor: User, email: str, accept_url_for) -> Invitation:
    """Invite an operator by e-mail. ``accept_url_for(token)`` builds the link (a path is made
    absolute under ``SITE_URL``)."""
    _require_admin(actor, enterprise)
    if not enterprise.is_approved:
        raise ApplicationError(
            "not_approved", _("Operators can be invited once customs has approved the enterprise.")
        )
    email = (email or "").strip().lower()
    if User.objects.filter(enterprise=enterprise, email__iexact=email, is_active=True).exists():
        raise ApplicationError("already_user", _("This person already has an account."), field="email")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            enterprise=enterprise,
            email=email,
            token_hash=invitation_token_hash(token),
            invited_by=actor,
            expires_at=timezone.now() + INVITATION_VALIDITY,
        )
        _log(enterprise, actor=actor, reason=texts.stored(OPERATOR_INVITED, email=email))
        link = accept_url_for(token)
        # nobody has an account at this address yet: the e-mail is written in the language of
        # the enterprise administrator who invites (the person the invitee works with)
        recipient = emails.Recipient(address=email, name=email, language=emails.language_of(actor))
        body = texts.stored(INVITATION_TEXT, inviter=emails.display_name(actor), enterprise=enterprise.name)
        transaction.on_commit(
            lambda: emails.emails_send(
                recipients=[recipient],
                subject=texts.stored(INVITATION_SUBJECT),
                body=body,
                action=texts.stored(INVITATION_ACTION),
                link=link,
            )
        )
    return invitation


def invitation_get_open(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("enterprise")
        .filter(token_hash=invitation_token_hash(token or ""))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise ApplicationError(
            "invitation_invalid",
            _("This invitation link is not valid any more. Ask your administrator for a new one."),
        )
    return invitation


def invitation_accept(
    *, token: str, username: str, password: str, name: str = "", phone: str = "", language: str = ""
) -> User:
    """Create the invited operator's account (an operator, not an administrator), reading the
    portal in ``language`` (the page's language when they accepted)."""
    from .languages import language_normalise

    with transaction.atomic():
        invitation = invitation_get_open(token=token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ApplicationError("invitation_invalid", _("This invitation link is not valid any more."))
        if User.objects.filter(username__iexact=username).exists():
            raise ApplicationError(
                "username_taken", _("This user name is taken; choose another."), field="username"
            )
        user = User(
            username=username,
            email=invitation.email,
            first_name=(name or "").strip()[:150],
            phone=phone_normalise(phone) if phone else "",
            enterprise=invitation.enterprise,
            is_enterprise_admin=False,
            language=language_normalise(language),
        )
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError("weak_password", " ".join(exc.messages), field="password1") from None
        user.set_password(password)
        user.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        _log(
            invitation.enterprise,
            actor=user,
            reason=texts.stored(OPERATOR_JOINED, username=user.username),
        )
    return user


def operator_deactivate(*, enterprise: Enterprise, actor: User, user: User) -> User:
    _require_admin(actor, enterprise)
    if user.enterprise_id != enterprise.pk:
        raise ApplicationError("not_found", _("No such user."))
    if user.pk == actor.pk:
        raise ApplicationError("self", _("You cannot deactivate your own account."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        _log(
            enterprise,
            actor=actor,
            reason=texts.stored(OPERATOR_DEACTIVATED, username=user.username),
        )
    return user


def document_suffix(field_file) -> str:
    return PurePath(field_file.name).suffix.lower() if field_file else ""
