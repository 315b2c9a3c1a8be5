"""Telling people: the notification centre, e-mail and SMS, from one call.

What is stored is a message id with parameters (customs_portal.texts), never finished text:
each reader sees it in their own language in the notification centre, and each e-mail and SMS
is rendered in its recipient's language when it is sent.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from customs_portal.sms import send_sms

from .emails import Recipient, display_name, emails_send, language_of, sms_texts
from .models import Notification


def _storable(value, name: str):
    if isinstance(value, Promise):
        raise TypeError(f"{name}: store a message id (texts.stored(...)), not a translated string")
    return value if isinstance(value, (dict, str)) else str(value)


def enterprise_language(enterprise, users=()) -> str:
    """The language for an enterprise's own contact e-mail or phone: its administrator's."""
    users = sorted(users, key=lambda u: u.pk)
    admins = [u for u in users if getattr(u, "is_enterprise_admin", False)] or users
    if not admins and enterprise is not None:
        admins = list(enterprise.users.filter(is_active=True).order_by("-is_enterprise_admin", "pk")[:1])
    return language_of(admins[0] if admins else None)


def notification_create(
    *,
    kind: str,
    title,
    body="",
    link: str = "",
    enterprise=None,
    users=None,
    email: bool = True,
    sms: bool = False,
    action=None,
    extra_emails=(),
) -> list[Notification]:
    """Notify ``users`` (default: every active user of ``enterprise``).

    ``title``, ``body`` and ``action`` (the e-mail's "what to do") are stored texts
    (``texts.stored(...)``); a plain string is stored as it is (text a person wrote, such as a
    reviewer's answer). ``extra_emails`` are addresses that are not users (an enterprise's
    contact e-mail); they read in the enterprise administrator's language.

    The rows are written in the caller's transaction; e-mail and SMS go out only once it
    commits, so a rolled-back action tells nobody.
    """
    title, body = _storable(title, "title"), _storable(body or "", "body")
    if action is not None:
        action = _storable(action, "action")
    if users is None:
        users = list(enterprise.users.filter(is_active=True)) if enterprise is not None else []
    users = list(users)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                enterprise=enterprise or getattr(u, "enterprise", None),
                kind=kind,
                title=title,
                body=body,
                link=link,
            )
            for u in users
        ]
    )
    contact_language = enterprise_language(enterprise, users) if (extra_emails or sms) else None
    contact_name = getattr(enterprise, "contact_name", "") or getattr(enterprise, "name", "")
    if email:
        recipients, seen = [], set()
        for u in users:
            if u.email and u.email not in seen:
                seen.add(u.email)
                recipients.append(Recipient(u.email, display_name(u), language_of(u)))
        for address in extra_emails:
            if address and address not in seen:
                seen.add(address)
                recipients.append(Recipient(address, contact_name, contact_language))
        if recipients:
            transaction.on_commit(
                lambda: emails_send(recipients=recipients, subject=title, body=body, action=action, link=link)
            )
    if sms:
        phones = [Recipient(u.phone, display_name(u), language_of(u)) for u in users if u.phone]
        if getattr(enterprise, "contact_phone", ""):
            phones.append(Recipient(enterprise.contact_phone, contact_name, contact_language))
        for phone, text in sms_texts(recipients=phones, text=title):
            transaction.on_commit(lambda phone=phone, text=text: send_sms(phone, text))
    return rows


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) notification of ``user`` as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
