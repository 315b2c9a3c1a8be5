"""Credentials a trader keeps: password reset and change, the sessions they end, confirmed
changes of a contact e-mail or mobile number, and the second factor (TOTP with recovery codes).

Rules:
- a reset answers the same whatever was typed: the code goes out through a Celery task (no
  mail server in the request's time), and a code for an unknown account is refused exactly as
  a wrong one, counted the same way;
- codes are rate-limited like activation codes (once a minute per device, per client address
  and per destination an hour) and five wrong ones lock for 15 minutes;
- a new password ends every other session of its user: sessions are found by the keys kept at
  sign-in (UserSession), never by scanning the session table;
- a new contact address takes effect only once the code sent to it is entered, and the old
  address is told.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from customs_portal import texts
from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.sms import send_sms
from notifications import emails

from .models import (
    Enterprise,
    EnterpriseHistory,
    EnterpriseSecurity,
    Invitation,
    SmsDevice,
    User,
    UserSession,
    VerificationThrottle,
)
from .services import (
    CHANNEL_EMAIL,
    CHANNEL_SMS,
    CODE_LOCK_SECONDS,
    CODE_MAX_FAILURES,
    CODE_VALIDITY_SECONDS,
    FIELD_CHANGE,
    PROFILE_CHANGED,
    SEND_LIMIT_PER_ADDRESS,
    SEND_LIMIT_PER_DESTINATION,
    _lock_open_at,
    _locked_error,
    _mask,
    _rate_limit,
    enterprise_profile_update,
    phone_normalise,
)

RECOVERY_DEVICE = "recovery"  # the e-mail / SMS device that carries password-reset codes
REGISTRATION_DEVICE = "registration"  # the one activation confirmed: a verified address
CONTACT_DEVICE = {"user": "contact-user", "enterprise": "contact-enterprise"}
TOTP_DEVICE = "authenticator"
RECOVERY_CODES_DEVICE = "recovery-codes"
RECOVERY_CODE_COUNT = 10
# history notes (stored texts, read in each reader's language)
SECOND_FACTOR_REQUIRED = texts.define(
    "enterprise.second_factor_required", _("A second factor is now required for every user")
)
SECOND_FACTOR_NOT_REQUIRED = texts.define(
    "enterprise.second_factor_not_required", _("A second factor is no longer required")
)
PENDING_LOGIN_SECONDS = 300  # the second step of a sign-in must follow within 5 minutes
PENDING_LOGIN_MAX_FAILURES = 5  # then the password is asked again

KIND_EMAIL = CHANNEL_EMAIL
KIND_PHONE = "phone"


# --- sessions ----------------------------------------------------------------------------------
def session_record(*, user: User, session_key: str | None) -> None:
    """Keep the key of a session ``user`` signed in with (user_logged_in)."""
    if session_key:
        UserSession.objects.bulk_create(
            [UserSession(user=user, session_key=session_key)],
            update_conflicts=True,
            unique_fields=["session_key"],
            update_fields=["user"],
        )


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """End every session of ``user`` except ``keep`` (the session that asked); return how many.

    Sessions signed in before keys were kept are refused anyway: Django checks each session's
    copy of the password hash on every request."""
    ended = _sessions_delete(UserSession.objects.filter(user=user).exclude(session_key=keep or ""))
    if keep:
        session_record(user=user, session_key=keep)
    return ended


def _sessions_delete(kept) -> int:
    keys = list(kept.values_list("session_key", flat=True))
    ended, _counts = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return ended


def _on_user_logged_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        if session.session_key is None:
            session.save()
        session_record(user=user, session_key=session.session_key)
        # the keys of this user's sessions that expired and were cleared go (an index lookup each)
        UserSession.objects.filter(user=user).exclude(
            Exists(Session.objects.filter(session_key=OuterRef("session_key")))
        ).delete()


def _on_user_logged_out(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session_forget(session_key=session.session_key)


# --- which addresses are verified ----------------------------------------------------------------
def verified_channels(*, user: User) -> set[str]:
    """The channels a code may be sent by to reset the password: an e-mail address or mobile
    number the user proved by a code (activation, or a confirmed change), or the e-mail address
    an invitation reached."""
    channels = set()
    if user.email and (
        EmailDevice.objects.filter(
            user=user, name=REGISTRATION_DEVICE, confirmed=True, email__iexact=user.email
        ).exists()
        or Invitation.objects.filter(accepted_user=user, email__iexact=user.email).exists()
    ):
        channels.add(CHANNEL_EMAIL)
    if (
        user.phone
        and SmsDevice.objects.filter(
            user=user, name=REGISTRATION_DEVICE, confirmed=True, number=user.phone
        ).exists()
    ):
        channels.add(CHANNEL_SMS)
    return channels


def _mark_verified(*, user: User, kind: str, address: str) -> None:
    model, field = (EmailDevice, "email") if kind == KIND_EMAIL else (SmsDevice, "number")
    device, _created = model.objects.get_or_create(
        user=user, name=REGISTRATION_DEVICE, defaults={field: address, "confirmed": True}
    )
    setattr(device, field, address)
    device.confirmed = True
    device.save()


# --- wrong codes: one count per user (activation's), or per typed name for unknown accounts ----
def _fail_key(identifier: str) -> str:
    return "registration:reset:fail:" + hashlib.sha256(identifier.encode()).hexdigest()


class _CacheThrottle:
    """The same count as VerificationThrottle, kept in the cache for a name no account has."""

    def __init__(self, identifier: str):
        self.key = _fail_key(identifier)
        failures, last = cache.get(self.key, (0, None))
        self.failures = failures
        self.last_failure_at = last

    def save(self, **kwargs):
        cache.set(self.key, (self.failures, self.last_failure_at), CODE_LOCK_SECONDS)


def _count_failure(throttle, now) -> ApplicationError:
    expired = throttle.last_failure_at is None or now >= throttle.last_failure_at + dt.timedelta(
        seconds=CODE_LOCK_SECONDS
    )
    throttle.failures = 1 if expired else throttle.failures + 1
    throttle.last_failure_at = now
    throttle.save(update_fields=["failures", "last_failure_at"])
    left = CODE_MAX_FAILURES - throttle.failures
    if left <= 0:
        message = _("Too many wrong codes. Verification is locked for 15 minutes.")
    else:
        message = interpolate_lazy(
            _("The code is wrong or has expired. %(left)s attempts left."), {"left": left}
        )
    return ApplicationError("wrong_code", message, field="code")


def _locked_throttle(user: User):
    VerificationThrottle.objects.bulk_create([VerificationThrottle(user=user)], ignore_conflicts=True)
    return VerificationThrottle.objects.select_for_update().get(user=user)


def _token_matches(device, code: str, now) -> bool:
    return bool(device and device.token and device.valid_until and now < device.valid_until) and (
        constant_time_compare(code, device.token)
    )


def _spend(device, now) -> None:
    device.token = None
    device.valid_until = now
    device.set_last_used_timestamp(commit=False)
    device.save()


# --- sending a code --------------------------------------------------------------------------------
def _code_device(*, user: User, kind: str, name: str, address: str):
    model, field = (EmailDevice, "email") if kind == KIND_EMAIL else (SmsDevice, "number")
    device, _created = model.objects.get_or_create(
        user=user, name=name, defaults={field: address, "confirmed": False}
    )
    device = model.objects.select_for_update().get(pk=device.pk)
    if getattr(device, field) != address:
        setattr(device, field, address)
        device.token = None  # a code sent to the former address does not confirm this one
        device.valid_until = timezone.now()
    return device


def _cooldown_error(device) -> ApplicationError | None:
    allowed, info = device.generate_is_allowed()
    if allowed:
        return None
    wait = max(1, int((info["next_generation_at"] - timezone.now()).total_seconds()) + 1)
    return ApplicationError(
        "cooldown",
        interpolate_lazy(
            _("A code was sent less than a minute ago. You can ask for a new one in %(seconds)s seconds."),
            {"seconds": wait},
        ),
        field="code",
    )


def _issue(device) -> None:
    device.cooldown_set(commit=False)
    device.generate_token(valid_secs=CODE_VALIDITY_SECONDS, commit=False)
    device.save()


def _queue_code(device, purpose: str) -> None:
    from .tasks import send_code_task

    model = "email" if isinstance(device, EmailDevice) else "sms"
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: send_code_task.delay(model, device.pk, purpose, language))


# the messages with a code (stored texts: each sent in its recipient's language)
RESET_SUBJECT = texts.define("credentials.reset.subject", _("Your password reset code"))
RESET_TEXT = texts.define(
    "credentials.reset.text",
    _(
        "Your enterprise customs portal password reset code is %(code)s. It is valid for 10 minutes. "
        "If you did not ask to reset your password, ignore this message: your password stays as it is."
    ),
)
CONTACT_SUBJECT = texts.define("credentials.contact.subject", _("Confirm your new contact address"))
CONTACT_TEXT = texts.define(
    "credentials.contact.text",
    _(
        "Your enterprise customs portal confirmation code is %(code)s. Enter it within 10 minutes "
        "to confirm this address."
    ),
)
ENTER_CODE = texts.define("credentials.enter_code", _("Open the link below and enter the code there."))
CODE_TEXTS = {"reset": (RESET_SUBJECT, RESET_TEXT), "contact": (CONTACT_SUBJECT, CONTACT_TEXT)}


def _code_link(device, purpose: str) -> str:
    if purpose == "reset":
        return reverse("security:password_reset_confirm")
    target = "enterprise" if device.name == CONTACT_DEVICE["enterprise"] else "user"
    kind = KIND_EMAIL if isinstance(device, EmailDevice) else KIND_PHONE
    return reverse("security:contact_confirm", args=[target, kind])


def code_deliver(*, model: str, device_id: int, purpose: str) -> bool:
    """Send the device's current code (the Celery task's body) in its user's language; False if
    it is spent or expired."""
    device_model = EmailDevice if model == "email" else SmsDevice
    device = device_model.objects.select_related("user").filter(pk=device_id).first()
    if device is None or not device.token or device.valid_until <= timezone.now():
        return False
    subject, text = CODE_TEXTS[purpose]
    body = texts.stored(text, code=device.token)
    address = device.email if device_model is EmailDevice else device.number
    recipient = emails.Recipient(
        address=address, name=emails.display_name(device.user), language=emails.language_of(device.user)
    )
    if device_model is EmailDevice:
        emails.emails_send(
            recipients=[recipient],
            subject=texts.stored(subject),
            body=body,
            action=texts.stored(ENTER_CODE),
            link=_code_link(device, purpose),
        )
    else:
        for number, sms_text in emails.sms_texts(recipients=[recipient], text=body):
            send_sms(number, sms_text)
    return True


# --- password reset -----------------------------------------------------------------------------
def _normalise_identifier(identifier: str) -> str:
    return (identifier or "").strip().lower()


def _find_user(identifier: str) -> User | None:
    """The one active account a user name, e-mail address or mobile number names (or None,
    also when it names several)."""
    if not identifier:
        return None
    try:
        phone = phone_normalise(identifier)
    except ApplicationError:
        phone = None
    query = User.objects.filter(is_active=True)
    by_name = query.filter(username__iexact=identifier).first()
    if by_name is not None:
        return by_name
    matches = list(query.filter(email__iexact=identifier)[:2]) if "@" in identifier else []
    if phone:
        matches = list(query.filter(phone=phone)[:2])
    return matches[0] if len(matches) == 1 else None


def password_reset_request(*, identifier: str, channel: str, client_address: str = "") -> None:
    """Ask for a reset code by ``channel`` for the account ``identifier`` names.

    The request itself never looks the account up: it counts the limits that do not depend on
    an account (per client address, per name typed; the only refusals ever shown) and queues
    the look-up and the code (password_reset_code_send) for a worker. So the answer and its
    time are the same whether or not the account exists."""
    if channel not in (CHANNEL_EMAIL, CHANNEL_SMS):
        raise ApplicationError("invalid_channel", _("Choose e-mail or SMS."), field="channel")
    identifier = _normalise_identifier(identifier)
    if client_address:
        _rate_limit(f"registration:reset:ip:{client_address}", SEND_LIMIT_PER_ADDRESS)
    _rate_limit(
        "registration:reset:send:" + hashlib.sha256(identifier.encode()).hexdigest(),
        SEND_LIMIT_PER_DESTINATION,
    )
    from .tasks import password_reset_code_task

    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: password_reset_code_task.delay(identifier, channel, language))


def password_reset_code_send(*, identifier: str, channel: str) -> bool:
    """The worker's part of a reset request: send a code if ``identifier`` names one active
    account whose address for ``channel`` is confirmed. Within a minute of the last code, or
    past a destination's hourly limit, nothing is sent (and nobody is told)."""
    user = _find_user(_normalise_identifier(identifier))
    if user is None or channel not in verified_channels(user=user):
        return False
    destination = user.email if channel == CHANNEL_EMAIL else user.phone
    kind = KIND_EMAIL if channel == CHANNEL_EMAIL else KIND_PHONE
    with transaction.atomic():
        device = _code_device(user=user, kind=kind, name=RECOVERY_DEVICE, address=destination)
        if _cooldown_error(device) is not None:
            device.save()
            return False
        try:
            _rate_limit(f"registration:send:to:{channel}:{destination.lower()}", SEND_LIMIT_PER_DESTINATION)
        except ApplicationError:
            return False
        _issue(device)
        _queue_code(device, "reset")
    return True


def password_reset_confirm(*, identifier: str, code: str, password: str) -> User:
    """Set a new password with a reset code; end every session of the user.

    A code for an unknown account is refused as a wrong code and counted under the name typed,
    so the answer never tells whether the account exists."""
    code = (code or "").strip()
    identifier = _normalise_identifier(identifier)
    now = timezone.now()
    user = _find_user(identifier)
    if user is None:
        throttle = _CacheThrottle(identifier)
        locked_until = _lock_open_at(throttle, now)
        if locked_until:
            raise _locked_error(locked_until)
        raise _count_failure(throttle, now)
    with transaction.atomic():
        throttle = _locked_throttle(user)
        locked_until = _lock_open_at(throttle, now)
        if locked_until:
            raise _locked_error(locked_until)
        matched = None
        for model in (EmailDevice, SmsDevice):
            for device in model.objects.filter(user=user, name=RECOVERY_DEVICE):
                if _token_matches(device, code, now):
                    matched = device
        if matched is not None:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise ApplicationError(
                    "weak_password", " ".join(exc.messages), field="new_password1"
                ) from None
            for model in (EmailDevice, SmsDevice):
                for device in model.objects.filter(user=user, name=RECOVERY_DEVICE):
                    _spend(device, now)
            throttle.failures, throttle.last_failure_at = 0, None
            throttle.save(update_fields=["failures", "last_failure_at"])
            user.set_password(password)
            user.save(update_fields=["password"])
            sessions_end(user=user)
            _unlock_sign_in(user)
        else:
            error = _count_failure(throttle, now)
    if matched is None:
        raise error  # after the count committed: a refused code is still counted
    return user


def _unlock_sign_in(user: User) -> None:
    """A password just proved by a code: django-axes forgets the failed sign-ins."""
    from axes.utils import reset

    reset(username=user.get_username())


def password_change(*, user: User, keep_session: str | None) -> None:
    """After the user set a new password (Django's form checked the old one): end the others."""
    sessions_end(user=user, keep=keep_session)


# --- contact changes ------------------------------------------------------------------------------
def _current_contact(*, user: User, target: str, kind: str) -> str:
    if target == "enterprise":
        enterprise = user.enterprise
        return enterprise.contact_email if kind == KIND_EMAIL else enterprise.contact_phone
    return user.email if kind == KIND_EMAIL else user.phone


def _require_enterprise_admin(user: User) -> Enterprise:
    enterprise = user.enterprise
    if enterprise is None or not user.is_enterprise_admin:
        raise ApplicationError("not_admin", _("Only the enterprise's administrator can do this."))
    return enterprise


def _normalise_contact(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == KIND_PHONE:
        try:
            return phone_normalise(value)
        except ApplicationError as exc:
            raise ApplicationError(exc.code, exc.message, field="value") from None
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        raise ApplicationError("invalid_email", _("Enter a valid e-mail address."), field="value") from None
    return value


def contact_change_start(*, user: User, target: str, kind: str, value: str, client_address: str = "") -> str:
    """Send a code to a new e-mail address or mobile number (the user's own, or, for the
    enterprise's administrator, the enterprise's contact); nothing changes until it is entered.
    Return the masked destination."""
    if target not in CONTACT_DEVICE or kind not in (KIND_EMAIL, KIND_PHONE):
        raise ApplicationError("invalid_contact", _("Unknown contact detail."))
    if target == "enterprise":
        _require_enterprise_admin(user)
    value = _normalise_contact(kind, value)
    current = _current_contact(user=user, target=target, kind=kind)
    if value.lower() == (current or "").lower() and (
        target == "enterprise"
        or (CHANNEL_EMAIL if kind == KIND_EMAIL else CHANNEL_SMS) in verified_channels(user=user)
    ):
        raise ApplicationError("unchanged", _("This is already the confirmed address."), field="value")
    channel = CHANNEL_EMAIL if kind == KIND_EMAIL else CHANNEL_SMS
    with transaction.atomic():
        device = _code_device(user=user, kind=kind, name=CONTACT_DEVICE[target], address=value)
        cooldown = _cooldown_error(device)
        if cooldown is not None:
            raise ApplicationError(cooldown.code, cooldown.message, field="value")
        if client_address:
            _rate_limit(f"registration:send:ip:{client_address}", SEND_LIMIT_PER_ADDRESS)
        _rate_limit(f"registration:send:to:{channel}:{value.lower()}", SEND_LIMIT_PER_DESTINATION)
        _issue(device)
        _queue_code(device, "contact")
    return _mask(value)


def contact_change_pending(*, user: User, target: str, kind: str) -> str | None:
    """The new address waiting for its code, or None."""
    model, field = (EmailDevice, "email") if kind == KIND_EMAIL else (SmsDevice, "number")
    device = model.objects.filter(user=user, name=CONTACT_DEVICE.get(target, "")).first()
    if device is None or not device.token or device.valid_until <= timezone.now():
        return None
    return getattr(device, field)


def contact_change_confirm(*, user: User, target: str, kind: str, code: str) -> str:
    """Apply the new address once its code is entered; tell the old address. Return the new one."""
    if target not in CONTACT_DEVICE or kind not in (KIND_EMAIL, KIND_PHONE):
        raise ApplicationError("invalid_contact", _("Unknown contact detail."))
    if target == "enterprise":
        _require_enterprise_admin(user)
    model, field = (EmailDevice, "email") if kind == KIND_EMAIL else (SmsDevice, "number")
    code = (code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        throttle = _locked_throttle(user)
        locked_until = _lock_open_at(throttle, now)
        if locked_until:
            raise _locked_error(locked_until)
        device = model.objects.select_for_update().filter(user=user, name=CONTACT_DEVICE[target]).first()
        if not _token_matches(device, code, now):
            error = _count_failure(throttle, now)
        else:
            error = None
            throttle.failures, throttle.last_failure_at = 0, None
            throttle.save(update_fields=["failures", "last_failure_at"])
            new = getattr(device, field)
            _spend(device, now)
            old = _apply_contact(user=user, target=target, kind=kind, new=new)
            if old and old.lower() != new.lower():
                _tell_old_address(user=user, target=target, kind=kind, old=old, new=new)
    if error is not None:
        raise error
    return new


def _apply_contact(*, user: User, target: str, kind: str, new: str) -> str:
    if target == "user":
        locked = User.objects.select_for_update().get(pk=user.pk)
        attr = "email" if kind == KIND_EMAIL else "phone"
        old = getattr(locked, attr)
        setattr(locked, attr, new)
        locked.save(update_fields=[attr])
        setattr(user, attr, new)
        _mark_verified(user=locked, kind=kind, address=new)
        return old
    enterprise = Enterprise.objects.select_for_update().get(pk=user.enterprise_id)
    attr = "contact_email" if kind == KIND_EMAIL else "contact_phone"
    old = getattr(enterprise, attr)
    setattr(enterprise, attr, new)
    enterprise.save(update_fields=[attr])
    EnterpriseHistory.objects.create(
        enterprise=enterprise,
        actor=user,
        from_status=enterprise.status,
        to_status=enterprise.status,
        reason=texts.stored(
            PROFILE_CHANGED,
            changes=[texts.stored(FIELD_CHANGE, field=texts.field_label(Enterprise, attr), old=old, new=new)],
        ),
    )
    return old


NOTICE_SUBJECT = texts.define("credentials.contact_changed.subject", _("Your contact details were changed"))
NOTICE_TEXT = texts.define(
    "credentials.contact_changed.text",
    _(
        "The enterprise customs portal will now use %(new)s instead of this address. "
        "If you did not make this change, contact your enterprise administrator or customs at once."
    ),
)
NOTICE_ACTION = texts.define(
    "credentials.contact_changed.action", _("Sign in to the portal and check the contact details below.")
)


def _tell_old_address(*, user: User, target: str, kind: str, old: str, new: str) -> None:
    """The old address is told, in the language of the user who made the change (the user
    themselves, or for the enterprise's contact the enterprise administrator who changed it),
    greeted as the address's holder (the user, or the enterprise's contact person)."""
    body = texts.stored(NOTICE_TEXT, new=_mask(new))
    if target == "enterprise":
        name = (
            Enterprise.objects.filter(pk=user.enterprise_id).values_list("contact_name", flat=True).first()
        ) or ""
        link = reverse("registration:profile")
    else:
        name, link = "", reverse("security:overview")
    recipient = emails.Recipient(
        address=old, name=name or emails.display_name(user), language=emails.language_of(user)
    )
    if kind == KIND_EMAIL:
        transaction.on_commit(
            lambda: emails.emails_send(
                recipients=[recipient],
                subject=texts.stored(NOTICE_SUBJECT),
                body=body,
                action=texts.stored(NOTICE_ACTION),
                link=link,
            )
        )
    else:
        transaction.on_commit(
            lambda: [
                send_sms(number, text) for number, text in emails.sms_texts(recipients=[recipient], text=body)
            ]
        )


def enterprise_profile_update_confirming_contacts(
    *, enterprise: Enterprise, actor: User, data: dict, client_address: str = ""
) -> list[tuple[str, str]]:
    """The profile form: other details change at once (and are logged); a new contact e-mail or
    mobile number gets a code and changes only when it is entered. Return (kind, masked) sent."""
    direct = dict(data)
    changes = []
    for kind, field in ((KIND_EMAIL, "contact_email"), (KIND_PHONE, "contact_phone")):
        if field not in direct:
            continue
        value = direct.pop(field)
        if kind == KIND_PHONE:
            value = phone_normalise(value)
        if (value or "").lower() != (getattr(enterprise, field) or "").lower():
            changes.append((kind, value))
    with transaction.atomic():
        enterprise_profile_update(enterprise=enterprise, actor=actor, data=direct)
        sent = [
            (
                kind,
                contact_change_start(
                    user=actor, target="enterprise", kind=kind, value=value, client_address=client_address
                ),
            )
            for kind, value in changes
        ]
    return sent


# --- second factor ------------------------------------------------------------------------------
def totp_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator (staff's may carry another name)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def two_factor_required(*, user: User) -> bool:
    return bool(
        user.enterprise_id
        and EnterpriseSecurity.objects.filter(
            enterprise_id=user.enterprise_id, require_two_factor=True
        ).exists()
    )


def login_next_step(*, user: User) -> str:
    """After a right password: "code" (ask the second factor), "setup" (the enterprise requires
    one the user has not set up yet) or "done"."""
    if totp_device(user=user) is not None:
        return "code"
    if two_factor_required(user=user):
        return "setup"
    return "done"


def totp_setup_device(*, user: User) -> TOTPDevice:
    """The authenticator being set up (unconfirmed until its first code is entered)."""
    if totp_device(user=user) is not None:
        raise ApplicationError("already_on", _("A second factor is already turned on."))
    device = TOTPDevice.objects.filter(user=user, name=TOTP_DEVICE, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE, confirmed=False)
    return device


def totp_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn the authenticator on with its first code; return it and fresh recovery codes."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, name=TOTP_DEVICE, confirmed=False)
            .first()
        )
        if device is None or totp_device(user=user) is not None:
            raise ApplicationError("already_on", _("A second factor is already turned on."))
        _check_allowed(device)
        if not device.verify_token((code or "").strip()):
            error = ApplicationError(
                "wrong_code", _("The code is wrong. Enter the 6 digits the app shows now."), field="code"
            )
        else:
            error = None
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = recovery_codes_renew(user=user)
    if error is not None:
        raise error
    return device, codes


def recovery_codes_renew(*, user: User) -> list[str]:
    """Ten new single-use recovery codes (the old ones stop working); shown once."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_CODES_DEVICE, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [secrets.token_hex(5) for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_CODES_DEVICE).count()


def _check_allowed(device) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = (info or {}).get("locked_until")
        wait = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
        raise ApplicationError(
            "throttled",
            interpolate_lazy(
                _("Too many wrong codes. Wait %(seconds)s seconds before you try again."), {"seconds": wait}
            ),
            field="code",
        )


def second_factor_verify(*, user: User, code: str):
    """Check an authenticator code (6 digits) or a recovery code (used up); return the device."""
    code = "".join((code or "").split()).lower()
    if code.isdigit() and len(code) == 6:
        device = totp_device(user=user)
        if device is not None:
            _check_allowed(device)
            if device.verify_token(code):
                return device
    else:
        device = StaticDevice.objects.filter(user=user, name=RECOVERY_CODES_DEVICE, confirmed=True).first()
        if device is not None:
            _check_allowed(device)
            if device.verify_token(code.replace("-", "")):  # the token row is deleted: single use
                return device
    raise ApplicationError(
        "wrong_code",
        _("The code is wrong. Enter the 6 digits of your app or one recovery code."),
        field="code",
    )


def two_factor_disable(*, user: User, password: str) -> None:
    if user.is_staff:
        raise ApplicationError("staff", _("Customs staff always sign in with a second factor."))
    if two_factor_required(user=user):
        raise ApplicationError(
            "required", _("Your enterprise requires a second factor for every user."), field="password"
        )
    if not user.check_password(password or ""):
        raise ApplicationError("wrong_password", _("The password is wrong."), field="password")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user, name=RECOVERY_CODES_DEVICE).delete()


def enterprise_two_factor_set(*, enterprise: Enterprise, actor: User, required: bool) -> int:
    """The administrator requires (or stops requiring) a second factor for every user of the
    enterprise. Turning it on ends the sessions of users without one: they set it up at their
    next sign-in. Return how many sessions ended."""
    if actor.enterprise_id != enterprise.pk or not actor.is_enterprise_admin:
        raise ApplicationError("not_admin", _("Only the enterprise's administrator can do this."))
    if required and totp_device(user=actor) is None:
        raise ApplicationError(
            "own_first", _("Turn on your own second factor first, then require it for everyone.")
        )
    ended = 0
    with transaction.atomic():
        policy, _created = EnterpriseSecurity.objects.select_for_update().get_or_create(enterprise=enterprise)
        if policy.require_two_factor == required:
            return 0
        policy.require_two_factor = required
        policy.save()
        EnterpriseHistory.objects.create(
            enterprise=enterprise,
            actor=actor,
            from_status=enterprise.status,
            to_status=enterprise.status,
            reason=texts.stored(SECOND_FACTOR_REQUIRED if required else SECOND_FACTOR_NOT_REQUIRED),
        )
        if required:
            without = User.objects.filter(enterprise=enterprise).exclude(
                pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id")
            )
            ended = _sessions_delete(UserSession.objects.filter(user__in=without))
    return ended
