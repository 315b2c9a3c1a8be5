"""The privacy notice people accept at sign-up, and the record of who accepted which version."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError

from .models import PrivacyConsent, PrivacyNotice


def privacy_consent_record(*, user, version: str) -> PrivacyConsent:
    """Record that ``user`` accepted notice ``version``; it must be the version in force."""
    current = PrivacyNotice.current()
    if current is None or current.version != version:
        raise ApplicationError(
            "privacy_outdated",
            _("The privacy notice changed while you were signing up; read the new version and accept it."),
            field="privacy_consent",
        )
    with transaction.atomic():
        consent, _created = PrivacyConsent.objects.get_or_create(user=user, notice=current)
    return consent
