"""Uploads kept across a failed submission (GOV.UK's pattern for long forms).

A scan that passed its checks (sniffed type, size: ``validate_document``) is kept on the server
against the visitor's session while the rest of the form is corrected or checked, so the person
does not choose the file again; the page says "Already uploaded: name" with a control to replace
it. Each session keeps at most one file per field (a new one replaces it), each file is bounded by
MAX_UPLOAD_BYTES, and a kept file is deleted when it is used, replaced or discarded, or by the
sweep once it is older than a session can live.
"""

import time
import uuid
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files import File

from customs_portal.uploads import DOCUMENT_TYPES, sniffed_type

SESSION_KEY = "kept_uploads"


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "kept-uploads"


def _display_name(name: str) -> str:
    """The client's file name, only to show it back (never used on disk)."""
    clean = "".join(ch for ch in PurePath(name or "").name if ch.isprintable()).strip()
    return clean[:100] or "document"


def _store(request, purpose: str) -> dict:
    return request.session.setdefault(SESSION_KEY, {}).setdefault(purpose, {})


def kept(request, purpose: str) -> dict[str, dict]:
    """{field: {"name", "size", "path"}} of the files kept for one form (``purpose``)."""
    found = {}
    for field, meta in request.session.get(SESSION_KEY, {}).get(purpose, {}).items():
        if (_root() / meta["path"]).is_file():
            found[field] = meta
    return found


def keep(request, purpose: str, field: str, upload) -> dict:
    """Keep a checked upload for ``field`` of the form ``purpose`` (replacing an older one)."""
    sweep()
    store = _store(request, purpose)
    discard_one(store.pop(field, None))
    extension = DOCUMENT_TYPES.get(sniffed_type(upload) or "", "bin")
    relative = f"{uuid.uuid4().hex}.{extension}"
    target = _root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    upload.seek(0)
    store[field] = {"path": relative, "name": _display_name(upload.name), "size": upload.size}
    request.session.modified = True
    return store[field]


def keep_many(request, purpose: str, field: str, uploads) -> dict:
    """Keep the checked uploads of a multiple-file field (replacing the ones kept before)."""
    store = _store(request, purpose)
    old = store.pop(field, None)
    for part in (old or {}).get("parts", []):
        discard_one(part)
    parts = [keep(request, purpose, f"{field}.{n}", upload) for n, upload in enumerate(uploads)]
    for n in range(len(parts)):
        store.pop(f"{field}.{n}")
    store[field] = {"name": ", ".join(p["name"] for p in parts), "parts": parts, "path": parts[0]["path"]}
    request.session.modified = True
    return store[field]


def open_kept(meta: dict) -> File:
    """A kept file, open for the service that stores it (the caller closes it)."""
    handle = (_root() / meta["path"]).open("rb")
    return File(handle, name=meta["name"])


def open_kept_many(meta: dict) -> list[File]:
    return [open_kept(part) for part in meta["parts"]]


def discard_one(meta: dict | None) -> None:
    if meta:
        for part in meta.get("parts", [meta]):
            (_root() / part["path"]).unlink(missing_ok=True)


def discard(request, purpose: str) -> None:
    """Forget and delete every file kept for the form ``purpose``."""
    for meta in request.session.get(SESSION_KEY, {}).pop(purpose, {}).values():
        discard_one(meta)
    request.session.modified = True


def sweep(max_age: int | None = None) -> int:
    """Delete kept files older than a session can live; returns how many."""
    max_age = settings.SESSION_COOKIE_AGE if max_age is None else max_age
    root, limit, removed = _root(), time.time() - max_age, 0
    if not root.is_dir():
        return 0
    for path in root.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
