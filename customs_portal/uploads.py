"""Uploads: the type is sniffed from the content, never trusted from the name.

A scan is checked when it comes in (``validate_document``), stored under a random name with
the extension of its sniffed type (``SniffedFileField``), and served with the sniffed type
(``upload_response``): a file sent as ``pwn.html`` is neither stored nor served as HTML.
"""

import uuid
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
SNIFF_BYTES = 8192


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
    if sniffed_type(upload) is None:
        raise ValidationError(
            _("Only PDF, JPEG or PNG scans are accepted; this file's content is not one of them."),
            code="bad_type",
        )


def sniffed_type(handle) -> str | None:
    """The document type of the content (PDF, JPEG or PNG), or None; the position is kept."""
    position = handle.tell() if hasattr(handle, "tell") else 0
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(position)
    kind = filetype.guess(head)
    return kind.mime if kind is not None and kind.mime in DOCUMENT_TYPES else None


def random_name(content) -> str:
    """A fresh random name with the sniffed type's extension (``.bin`` for anything else)."""
    return f"{uuid.uuid4().hex}.{DOCUMENT_TYPES.get(sniffed_type(content) or '', 'bin')}"


class SniffedFieldFile(FieldFile):
    def save(self, name, content, save=True):
        # whatever name the caller gives (the client's, a demo's), the disk gets a random one
        super().save(random_name(content), content, save)


class SniffedFileField(models.FileField):
    """A FileField whose files are stored under ``upload_to`` with a random name and the
    extension of the type sniffed from the content, never the uploaded name."""

    attr_class = SniffedFieldFile


def upload_response(field_file, *, download_name: str = "", inline: bool = False) -> FileResponse:
    """Stream a stored upload with the type sniffed from its content (never from its name).

    Only a PDF or an image may be shown inline; anything else is an attachment typed
    application/octet-stream. A download is named after ``download_name`` with the sniffed
    type's extension.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    mime = sniffed_type(handle)
    if inline and mime is not None:
        response = FileResponse(handle, content_type=mime)
        response["Content-Disposition"] = "inline"
    else:
        stem = "".join(ch for ch in PurePath(download_name).stem if ch.isprintable()).strip() or "document"
        response = FileResponse(
            handle,
            content_type=mime or "application/octet-stream",
            as_attachment=True,
            filename=f"{stem[:100]}.{DOCUMENT_TYPES.get(mime or '', 'bin')}",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
