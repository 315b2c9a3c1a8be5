"""One e-mail builder for every message the portal sends about something that happened.

Each recipient reads the e-mail in their own language (``User.language``): the subject, the
text and the HTML alternative are rendered once per language, and each message opens with the
recipient's name. The link is absolute (``settings.SITE_URL``), so it works from a mail client.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from customs_portal import texts

DEFAULT_ACTION = texts.define(
    "notifications.default_action",
    _("Sign in to the portal and open the link below to see the details and do what is asked."),
)


@dataclass(frozen=True)
class Recipient:
    address: str  # an e-mail address or a mobile number
    name: str
    language: str


def language_of(user) -> str:
    """The language ``user`` reads the portal in (the portal's default if none is set)."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def display_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


def absolute_url(link: str) -> str:
    """``link`` (a path) under ``settings.SITE_URL``; an address that is already absolute stays."""
    if not link:
        link = "/"
    if "://" in link:
        return link
    return settings.SITE_URL.rstrip("/") + "/" + link.lstrip("/")


def _lines(value, language: str) -> list[str]:
    return texts.render(value, language).splitlines()


def email_messages(*, recipients, subject, body="", action=None, link: str = "", connection=None):
    """The e-mails to ``recipients`` (Recipient), each in its recipient's language."""
    by_language: dict[str, list[Recipient]] = {}
    seen = set()
    for recipient in recipients:
        if recipient.address and recipient.address not in seen:
            seen.add(recipient.address)
            by_language.setdefault(recipient.language, []).append(recipient)
    url = absolute_url(link)
    messages = []
    for language, group in sorted(by_language.items()):
        with translation.override(language):
            rendered_subject = " ".join(texts.render(subject, language).split())[:250]
            context = {
                "subject": rendered_subject,
                "body_lines": _lines(body, language),
                "action": texts.render(action or texts.stored(DEFAULT_ACTION), language),
                "url": url,
                "site_url": settings.SITE_URL,
                "language": language,
            }
            for recipient in group:
                context["name"] = recipient.name
                text = render_to_string("notifications/email.txt", context)
                html = render_to_string("notifications/email.html", context)
                message = EmailMultiAlternatives(
                    rendered_subject,
                    text,
                    settings.DEFAULT_FROM_EMAIL,
                    [recipient.address],
                    connection=connection,
                )
                message.attach_alternative(html, "text/html")
                messages.append(message)
    return messages


def emails_send(*, recipients, subject, body="", action=None, link: str = "") -> int:
    """Send the e-mails built by ``email_messages`` over one connection; returns how many."""
    connection = get_connection()
    messages = email_messages(
        recipients=recipients, subject=subject, body=body, action=action, link=link, connection=connection
    )
    if messages:
        connection.send_messages(messages)
    return len(messages)


def sms_texts(*, recipients, text) -> list[tuple[str, str]]:
    """(number, text in that number's reader's language) for each distinct number."""
    seen: dict[str, str] = {}
    for recipient in recipients:
        if recipient.address and recipient.address not in seen:
            seen[recipient.address] = " ".join(texts.render(text, recipient.language).split())
    return sorted(seen.items())
