"""Certificates as PDF (WeasyPrint) with a verification code anyone can check.

The registration confirmation (customs code, date, roles) and each approved authorization.
A code is 80 random bits written as four groups of base32 (``ABCD-EFGH-JKMN-PQRS``): it cannot
be guessed, and the public check (rate-limited) tells only the kind, the status and the date.
"""

import base64
import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError

from .models import DocumentKind, IssuedDocument

CODE_BYTES = 10  # 80 bits


def new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()  # 16 characters
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(value: str) -> str:
    """What a person typed (lower case, spaces, no dashes) as the stored form, or ""."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if len(raw) != 16:
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _issue(**subject) -> IssuedDocument:
    existing = IssuedDocument.objects.filter(**subject).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return IssuedDocument.objects.create(code=new_code(), **subject)
    except IntegrityError:  # issued at the same moment by another request: that one stands
        return IssuedDocument.objects.get(**subject)


def registration_document(*, enterprise) -> IssuedDocument:
    if not enterprise.is_approved or not enterprise.customs_code:
        raise ApplicationError(
            "not_registered", _("The registration confirmation exists once customs has approved it.")
        )
    return _issue(kind=DocumentKind.REGISTRATION, enterprise=enterprise)


def authorization_document(*, authorization) -> IssuedDocument:
    if authorization.status != "approved":
        raise ApplicationError("not_approved", _("A certificate exists only for an approved authorization."))
    return _issue(
        kind=DocumentKind.AUTHORIZATION, authorization=authorization, enterprise=authorization.principal
    )


def _approved_on(authorization) -> dt.date | None:
    row = (
        authorization.history.filter(to_status="approved")
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(row) if row else None


@dataclass
class Verification:
    kind_label: str
    status: str  # valid / expired / revoked / invalid
    status_label: str
    date: dt.date | None


STATUS_LABELS = {
    "valid": _("Valid"),
    "expired": _("Expired"),
    "revoked": _("Revoked or no longer in force"),
}


def verify(code: str) -> Verification | None:
    """What the public page tells about a code: None when no document has it."""
    normalised = normalise_code(code)
    if not normalised:
        return None
    doc = IssuedDocument.objects.select_related("enterprise", "authorization").filter(code=normalised).first()
    if doc is None:
        return None
    if doc.kind == DocumentKind.REGISTRATION:
        enterprise = doc.enterprise
        status = "valid" if enterprise.is_approved else "revoked"
        date = timezone.localdate(enterprise.approved_at) if enterprise.approved_at else None
    else:
        auth = doc.authorization
        today = timezone.localdate()
        if auth.status == "approved" and auth.valid_to >= today:
            status = "valid"
        elif auth.status == "expired" or (auth.status == "approved" and auth.valid_to < today):
            status = "expired"
        else:
            status = "revoked"
        date = _approved_on(auth)
    return Verification(str(doc.get_kind_display()), status, str(STATUS_LABELS[status]), date)


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    class RefuseEverything(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"certificates load nothing from outside (refused {url[:80]})")

    return RefuseEverything()


def render_pdf(*, template: str, context: dict, language: str) -> bytes:
    """A certificate in ``language`` (the reader's), nothing fetched from outside."""
    import weasyprint

    with translation.override(language):
        html = render_to_string(template, context)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_url_fetcher()).write_pdf()


def registration_pdf(*, enterprise, language: str, verify_url: str) -> bytes:
    doc = registration_document(enterprise=enterprise)
    return render_pdf(
        template="cooperation/business/registration_pdf.html",
        context={"enterprise": enterprise, "doc": doc, "verify_url": verify_url},
        language=language,
    )


def authorization_pdf(*, authorization, language: str, verify_url: str) -> bytes:
    doc = authorization_document(authorization=authorization)
    return render_pdf(
        template="cooperation/business/authorization_pdf.html",
        context={
            "authorization": authorization,
            "approved_on": _approved_on(authorization),
            "doc": doc,
            "verify_url": verify_url,
        },
        language=language,
    )
