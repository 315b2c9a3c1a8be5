"""Pieces every intake batch service shares: receipt codes, party resolution, rejections.

A batch is checked in memory against a handful of queries made once per batch (never one
per entry or per line), then written with ``bulk_create``. Every entry is its own unit: a
refused entry writes nothing but its rejection record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.bulk import rows_insert
from registration.models import Enterprise, Role

from ..models import IntakeRejection
from .receipts import ACCEPTED, DUPLICATE, REJECTED, Receipt

# Receipt codes (CEB: 2000-2999 business logic, 4000-9999 free for the implementer).
CODE_UNKNOWN_PARTY = "2001"  # the receiver (here: a party of the entry) does not exist
CODE_WRONG_ROLE = "4001"  # the enterprise does not hold the role the field needs
CODE_NO_AUTHORIZATION = "4002"  # the agent has no valid export authorization
CODE_KEY_TAKEN = "4004"  # the business key was already used by another message
CODE_NOT_CHANGEABLE = "4005"  # appType 2/3 refused (no such entry, or declared)
CODE_NOT_CANCELLABLE = "4006"  # CEB605 refused
CODE_NOT_DEPARTABLE = "4007"  # CEB509 names a parcel that is not released
CODE_IN_USE = "4008"  # a document an active declaration list relies on
CODE_BAD_VALUE = "4009"  # a value the schema allows but the rules do not
CODE_CONFLICT = "3001"  # system: a concurrent message wrote the same key; send again

APP_NEW, APP_CHANGE, APP_DELETE = "1", "2", "3"

# A refused entry's payload is kept for the sender's clearance error log, bounded: a hostile
# batch must not turn into megabytes of stored JSON.
MAX_STORED_PAYLOAD_CHARS = 16_000
# A single entry that meets a concurrent writer of the same key is tried again this often
# (the other writer has committed by the time the unique index refuses us: the retry sees it).
CONFLICT_RETRIES = 3


# Receipt texts are stored texts (customs_portal.texts): the synchronous answer renders them in
# the request's language, the clearance error log in each reader's (capped at 1,000 characters
# when rendered: returnInfo's limit).
ALREADY_RECEIVED = texts.define(
    "declarations.receipt.already_received", _("This message was already received; nothing changed.")
)
UNKNOWN_PARTY = texts.define(
    "declarations.receipt.unknown_party", _("%(field)s %(code)s: no approved enterprise has this code")
)
WRONG_ROLE = texts.define(
    "declarations.receipt.wrong_role", _("%(field)s %(code)s: %(name)s is not registered as %(roles)s")
)


def info(code: str, message) -> dict:
    """``code: message`` (the message a stored text, or plain data)."""
    return texts.joined([code, message], ": ")


def accepted(entry: dict, key_field: str, text="") -> Receipt:
    return Receipt(guid=entry.get("guid", ""), key=entry.get(key_field, ""), status=ACCEPTED, text=text)


def duplicate(entry: dict, key_field: str, text="") -> Receipt:
    return Receipt(
        guid=entry.get("guid", ""),
        key=entry.get(key_field, ""),
        status=DUPLICATE,
        text=text or texts.stored(ALREADY_RECEIVED),
    )


def rejected(entry: dict, key_field: str, text) -> Receipt:
    return Receipt(guid=entry.get("guid", ""), key=entry.get(key_field, ""), status=REJECTED, text=text)


def errors_text(errors: list):
    """Several reasons read as one (``"; "``); a single one as it is."""
    return errors[0] if len(errors) == 1 else texts.joined(errors)


def is_party(record, sender, attrs: tuple[str, ...]) -> bool:
    """Whether ``sender`` is one of the record's parties that may send its kind.

    A stored record is changed, deleted, resent or even named in a receipt only for these
    parties: to anyone else it does not exist (issue 10, cross-tenant writes).
    """
    return any(getattr(record, f"{attr}_id") == sender.pk for attr in attrs)


def same_values(stored, received, columns) -> bool:
    """The business content of two rows agrees column by column (12.30 equals 12.3)."""
    return all(getattr(stored, column) == getattr(received, column) for column in columns)


def receive_with_retry(
    receive, *, entries: list[dict], sender, kind: str, key_field: str, text
) -> list[Receipt]:
    """Run a batch service; if a concurrent message wrote one of its keys, go entry by entry.

    The unique index refuses our insert only once the other writer has committed, so a single
    entry tried again sees the other's row and is answered like any resend (a duplicate, or a
    rejection with the reason). Only an entry that keeps colliding gets "send it again".
    """
    try:
        return receive(entries=entries, sender=sender)
    except IntegrityError:
        if len(entries) > 1:
            receipts = []
            for entry in entries:
                receipts.extend(
                    receive_with_retry(
                        receive, entries=[entry], sender=sender, kind=kind, key_field=key_field, text=text
                    )
                )
            return receipts
    for _attempt in range(CONFLICT_RETRIES):
        try:
            return receive(entries=entries, sender=sender)
        except IntegrityError:
            continue
    receipt = rejected(entries[0], key_field, info(CODE_CONFLICT, text))
    record_rejected_receipts(sender=sender, kind=kind, pairs=[(entries[0], receipt)])
    return [receipt]


def bounded_payload(payload) -> dict:
    """The refused entry as stored: whole when small, else its first characters, marked cut."""
    if not isinstance(payload, dict):
        payload = {"entry": repr(payload)[:1000]}
    try:
        text = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return {"entry": repr(payload)[:1000], "truncated": True}
    if len(text) <= MAX_STORED_PAYLOAD_CHARS:
        return payload
    return {"truncated": True, "size": len(text), "head": text[:MAX_STORED_PAYLOAD_CHARS]}


class Parties:
    """Approved enterprises by customs code and USCC, fetched in one query per batch."""

    def __init__(self, codes: Iterable[str]):
        codes = {code for code in codes if code}
        self.by_code: dict[str, Enterprise] = {}
        if codes:
            for enterprise in Enterprise.objects.approved().filter(
                Q(customs_code__in=codes) | Q(uscc__in=codes)
            ):
                for code in (enterprise.customs_code, enterprise.uscc):
                    if code:
                        self.by_code[code] = enterprise

    def get(self, code: str) -> Enterprise | None:
        return self.by_code.get(code)

    def check(self, entry: dict, field: str, roles: tuple[str, ...], errors: list[str]) -> Enterprise | None:
        """The enterprise behind ``entry[field]`` holding one of ``roles``; else note why not."""
        code = entry.get(field, "")
        enterprise = self.by_code.get(code)
        if enterprise is None:
            errors.append(info(CODE_UNKNOWN_PARTY, texts.stored(UNKNOWN_PARTY, field=field, code=code)))
            return None
        if roles and not any(enterprise.has_role(role) for role in roles):
            errors.append(
                info(
                    CODE_WRONG_ROLE,
                    texts.stored(
                        WRONG_ROLE,
                        field=field,
                        code=code,
                        name=enterprise.name,
                        roles=texts.joined([texts.choice(Role, role) for role in roles], " / "),
                    ),
                )
            )
            return None
        return enterprise


def codes_of(entries: list[dict], fields: Iterable[str]) -> set[str]:
    fields = tuple(fields)
    return {entry.get(name, "") for entry in entries for name in fields}


def parse_ceb_time(value: str) -> dt.datetime:
    """``yyyyMMddHHmmss`` (Beijing time, as CEB messages write it) as an aware datetime."""
    naive = dt.datetime.strptime(value[:14], "%Y%m%d%H%M%S")
    return timezone.make_aware(naive, timezone.get_default_timezone())


def intake_rejection_record_many(*, sender, rejections: list[dict]) -> list[IntakeRejection]:
    """Keep refused entries for the sender's clearance error log (one query and one COPY).

    Each rejection: ``{"kind", "key", "guid", "reason", "payload"}``. The same refusal of the
    same message (guid) is kept once: a message sent twice leaves nothing new.
    """
    rows = [
        IntakeRejection(
            sender=sender,
            kind=str(r.get("kind", ""))[:20],
            key=str(r.get("key") or "")[:60],
            guid=str(r.get("guid") or "")[:36],
            reason=_reason(r.get("reason", "")),
            payload=bounded_payload(r.get("payload") or {}),
        )
        for r in rejections
    ]
    guids = {row.guid for row in rows if row.guid}
    seen = {
        (kind, key, guid, _same(reason))
        for kind, key, guid, reason in (
            IntakeRejection.objects.filter(sender=sender, guid__in=guids).values_list(
                "kind", "key", "guid", "reason"
            )
            if guids
            else ()
        )
    }
    fresh = []
    for row in rows:
        identity = (row.kind, row.key, row.guid, _same(row.reason))
        if row.guid and identity in seen:
            continue
        seen.add(identity)
        fresh.append(row)
    return rows_insert(fresh)


def _reason(value):
    """A refusal's reason as stored: a stored text as is, plain text at most 1,000 characters."""
    if isinstance(value, dict):
        return value
    return str(value or "")[:1000]


def _same(reason) -> str:
    """A reason as a comparable key (stored texts are dicts)."""
    if isinstance(reason, str):
        return reason
    return json.dumps(reason, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)


def record_rejected_receipts(*, sender, kind: str, pairs: list[tuple[dict, Receipt]]) -> None:
    """The service's own refusals (business rules), recorded like the intake's."""
    rejections = [
        {"kind": kind, "key": receipt.key, "guid": receipt.guid, "reason": receipt.text, "payload": entry}
        for entry, receipt in pairs
        if receipt.status == REJECTED
    ]
    if rejections:
        intake_rejection_record_many(sender=sender, rejections=rejections)
