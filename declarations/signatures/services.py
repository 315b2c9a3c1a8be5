"""Registering signing certificates, and checking the signature of each CEB message.

A certificate is an X.509 certificate's public part, uploaded as PEM or DER (sniffed: a PEM
file holding a private key is refused whole, so no key ever reaches the portal). An enterprise
may register several (a new IKEY before the old one expires); a message verifies against any
of its certificates valid at that moment.

A signed message (``ds:Signature`` where the XSD allows it) is verified with signxml against
the sender's registered, currently valid certificates only: the certificate a message carries
in its own KeyInfo proves nothing and is ignored. The specification's security codes:
- 1001 invalid signature: the signature cannot be read or checked (malformed, an algorithm
  that is not supported), or an enterprise requiring signatures sent an unsigned message;
- 1004 the signature does not match the data: it verifies against none of the sender's
  registered valid certificates (the data changed after signing, or an unknown certificate).
A refused message writes nothing but the refusal: the sender's clearance error log and one CEB
receipt per entry (polled like every receipt).
"""

from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from customs_portal import texts
from customs_portal.errors import ApplicationError
from declarations import ceb

from .models import EnterpriseCertificate, SignatureSetting

MAX_CERTIFICATE_BYTES = 64 * 1024  # a certificate is a few KB
CODE_INVALID_SIGNATURE = "1001"
CODE_NOT_MATCHING = "1004"

UNSIGNED = texts.define(
    "signatures.refused.unsigned",
    gettext_lazy("this enterprise requires every message to be signed; the message was not read"),
)
UNREADABLE = texts.define(
    "signatures.refused.unreadable", gettext_lazy("the signature cannot be checked: %(error)s")
)
NOT_MATCHING = texts.define(
    "signatures.refused.not_matching",
    gettext_lazy(
        "the signature does not match the message with any certificate the sender has registered "
        "and that is valid now; the message was not read"
    ),
)


# --- certificates -----------------------------------------------------------------------------
def _parse_certificate(data: bytes) -> x509.Certificate:
    if not data:
        raise ApplicationError("empty", _("The file is empty."), field="file")
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise ApplicationError(
            "too_large", _("A certificate file is a few KB; this one is larger than 64 KB."), field="file"
        )
    if b"PRIVATE KEY" in data:
        raise ApplicationError(
            "private_key",
            _(
                "The file holds a private key. Upload the certificate only (its public part); keep the key secret."
            ),
            field="file",
        )
    try:
        if data.lstrip().startswith(b"-----BEGIN CERTIFICATE-----"):
            return x509.load_pem_x509_certificate(data)
        if data[:1] == b"\x30":  # DER: an ASN.1 SEQUENCE
            return x509.load_der_x509_certificate(data)
    except ValueError:
        pass
    raise ApplicationError(
        "not_certificate", _("This is not an X.509 certificate (PEM or DER)."), field="file"
    )


def certificate_register(*, enterprise, data: bytes, actor=None) -> EnterpriseCertificate:
    cert = _parse_certificate(data)
    der = cert.public_bytes(Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    if EnterpriseCertificate.objects.filter(enterprise=enterprise, fingerprint=fingerprint).exists():
        raise ApplicationError("duplicate", _("This certificate is already registered."), field="file")
    try:
        with transaction.atomic():
            return EnterpriseCertificate.objects.create(
                enterprise=enterprise,
                subject=cert.subject.rfc4514_string()[:500],
                issuer=cert.issuer.rfc4514_string()[:500],
                serial_number=format(cert.serial_number, "X")[:100],
                fingerprint=fingerprint,
                not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc,
                der=der,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ApplicationError(
            "duplicate", _("This certificate is already registered."), field="file"
        ) from None


def certificate_remove(*, certificate: EnterpriseCertificate) -> None:
    certificate.delete()


def signature_requirement_set(*, enterprise, required: bool) -> SignatureSetting:
    if (
        required
        and not EnterpriseCertificate.objects.filter(
            enterprise=enterprise, not_before__lte=timezone.now(), not_after__gte=timezone.now()
        ).exists()
    ):
        raise ApplicationError(
            "no_certificate",
            _(
                "Register a certificate valid today before requiring signatures: otherwise every message is refused."
            ),
        )
    setting, _created = SignatureSetting.objects.update_or_create(
        enterprise=enterprise, defaults={"required": required}
    )
    return setting


def signatures_required(enterprise) -> bool:
    return SignatureSetting.objects.filter(enterprise=enterprise, required=True).exists()


# --- verification -----------------------------------------------------------------------------
def _valid_certificates(enterprise) -> list[bytes]:
    now = timezone.now()
    return [
        bytes(der)
        for der in EnterpriseCertificate.objects.filter(
            enterprise=enterprise, not_before__lte=now, not_after__gte=now
        ).values_list("der", flat=True)
    ]


def _pem(der: bytes) -> str:
    return x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM).decode()


def signature_check(*, message: ceb.ParsedMessage, sender) -> None:
    """Raise ceb.MessageRefused (1001/1004) unless the message may be read as the sender's."""
    if not message.signed:
        if signatures_required(sender):
            raise ceb.MessageRefused(
                CODE_INVALID_SIGNATURE,
                texts.render(texts.stored(UNSIGNED)),
                guid=message.guid,
                kind=message.kind,
            )
        return
    from signxml import XMLVerifier
    from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidSignature, SignXMLException

    root = etree.fromstring(message.raw, ceb.message_parser())
    certificates = _valid_certificates(sender)
    unreadable = None
    for der in certificates:
        try:
            result = XMLVerifier().verify(root, x509_cert=_pem(der), expect_references=1)
        except (InvalidSignature, InvalidDigest, InvalidCertificate):
            continue  # not this certificate, or the data changed
        except (SignXMLException, ValueError, TypeError) as exc:
            unreadable = exc
            break
        # the one reference must cover the whole message (an enveloped signature, URI="")
        if result.signed_xml is not None and result.signed_xml.tag == root.tag:
            return
    if unreadable is None and not certificates:
        unreadable = _unreadable_without_certificate(root)
    if unreadable is not None:
        raise ceb.MessageRefused(
            CODE_INVALID_SIGNATURE,
            texts.render(texts.stored(UNREADABLE, error=str(unreadable)[:300])),
            guid=message.guid,
            kind=message.kind,
        )
    raise ceb.MessageRefused(
        CODE_NOT_MATCHING, texts.render(texts.stored(NOT_MATCHING)), guid=message.guid, kind=message.kind
    )


def _unreadable_without_certificate(root):
    """With no certificate to check against, still tell a malformed signature (1001) from an
    unknown signer (1004): the signature is checked against the key it names itself."""
    from signxml import XMLVerifier
    from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidSignature, SignXMLException

    try:
        XMLVerifier().verify(root, ignore_ambiguous_key_info=True, expect_references=1)
    except (InvalidSignature, InvalidDigest, InvalidCertificate):
        return None
    except (SignXMLException, ValueError, TypeError) as exc:
        return exc
    return None
