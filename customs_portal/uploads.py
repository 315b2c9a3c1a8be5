"""Upload checks: the type is sniffed from the content, never trusted from the name."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def validate_document(upload) -> None:
    """A scanned document: PDF, JPEG or PNG by content, at most MAX_UPLOAD_BYTES."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(position)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Only PDF, JPEG or PNG scans are accepted; this file's content is not one of them."),
            code="bad_type",
        )
