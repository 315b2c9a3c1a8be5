"""The inbox: store a message in one insert, then process received messages in batches.

``inbox_receive`` is the request path's only write. ``inbox_process_batch`` is the worker's:

1. claim: the oldest received rows nobody has claimed (or whose claim has run out), up to
   ``INBOX_BATCH_ENTRIES`` entries' worth, taken with ``FOR UPDATE SKIP LOCKED`` (concurrent
   workers take disjoint rows), claimed for ``INBOX_CLAIM_SECONDS`` and their ``attempts``
   raised, in a short transaction of its own so that the count survives a worker that dies;
2. process, in ONE transaction: lock the claimed rows again (``SKIP LOCKED``, still
   ``received``), group their entries by (kind, sender, language), run each group through
   ``declarations.intake.intake_entries`` (the synchronous path's own function: same
   validation, same batch services, same receipts), split the receipts back to their
   messages and mark them done. A crash anywhere rolls all of it back and the rows are taken
   again once the claim runs out; a committed row is ``done`` and never taken again: each
   entry is processed once. (The claim only spares the workers wasted work: a batch that
   outlives it is still safe, the row lock and the status decide.)

A batch that raises is run again message by message, so one bad message fails alone. A message
that comes back after ``INBOX_ISOLATE_AFTER`` attempts (its worker died with it, twice) runs
alone; after ``INBOX_MAX_ATTEMPTS`` it is marked failed and kept for the operators
(``process_inbox --retry-failed`` puts it back).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import socket
import time
import traceback
from decimal import Decimal

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from declarations import ceb, intake

from .models import InboxFormat, InboxMessage, InboxStatus

logger = logging.getLogger(__name__)

# The batch services' order of business (CEB303, 403, 505, 603, 605, 509): within a batch an
# order is written before the declaration list that needs it.
KIND_ORDER = [kind.kind for kind in ceb.MESSAGE_KINDS.values()]


def batch_entries() -> int:
    """How many entries a batch takes at most (a single larger message still goes alone)."""
    return getattr(settings, "INBOX_BATCH_ENTRIES", intake.MAX_BATCH_ENTRIES)


def max_wait() -> float:
    """Seconds a received message waits for others to join its batch (the batch's age)."""
    return getattr(settings, "INBOX_MAX_WAIT", 1.0)


def claim_seconds() -> float:
    """How long a claimed row is left to its worker: longer than any batch takes."""
    return getattr(settings, "INBOX_CLAIM_SECONDS", 120)


def isolate_after() -> int:
    return getattr(settings, "INBOX_ISOLATE_AFTER", 3)


def max_attempts() -> int:
    return getattr(settings, "INBOX_MAX_ATTEMPTS", 5)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


# --- request path ---------------------------------------------------------------------------
def inbox_receive(
    *, sender, kind: str, fmt: str, body: bytes, entry_count: int, message_guid: str = ""
) -> InboxMessage:
    """Keep a checked message as received (one insert); a worker is asked for after commit."""
    message = InboxMessage.objects.create(
        sender=sender,
        kind=kind,
        format=fmt,
        body=body,
        entry_count=entry_count,
        message_guid=message_guid[:36],
        language=translation.get_language() or "",
    )
    transaction.on_commit(inbox_schedule_drain)
    return message


_redis_client = None


def _redis():
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    return _redis_client


def _scheduled_key() -> str:
    return f"inbox:drain-scheduled:{settings.DATABASES['default']['NAME']}"


def inbox_schedule_drain() -> None:
    """Ask a worker to drain the inbox, at most once per ``max_wait`` (debounced in Redis).

    The message is already stored: if the broker cannot be reached, the beat's sweep (every
    minute) takes it, so this never fails the request.
    """
    from customs_portal.celery import app

    from .tasks import drain_inbox_task

    try:
        if app.conf.task_always_eager:
            drain_inbox_task.delay()  # the embedded default: the work happens right here
            return
        if _redis().set(_scheduled_key(), "1", nx=True, ex=int(max_wait()) + 60):
            drain_inbox_task.apply_async(countdown=max_wait())
    except Exception:
        logger.exception("inbox: could not ask for a drain; the minute sweep will take the message")


def inbox_drain_started() -> None:
    """A drain starts: messages committed from now on ask for the next one."""
    from customs_portal.celery import app

    if app.conf.task_always_eager:
        return
    try:
        _redis().delete(_scheduled_key())
    except Exception:
        logger.exception("inbox: could not clear the drain flag (it expires by itself)")


# --- worker ---------------------------------------------------------------------------------
def inbox_drain(*, seconds: float | None = None) -> int:
    """Process batches until the inbox is empty (or ``seconds`` pass); the messages taken."""
    deadline = time.monotonic() + (seconds if seconds is not None else 50)
    total = 0
    while True:
        taken = inbox_process_batch()
        total += taken
        if not taken:
            return total
        if time.monotonic() > deadline:
            inbox_schedule_drain()  # hand the rest to the next task, leave the worker free
            return total


def inbox_process_batch(*, max_entries: int | None = None) -> int:
    """Claim one batch and process it; how many messages were taken (0: nothing waits)."""
    claimed = _claim(max_entries or batch_entries())
    if not claimed:
        return 0
    fresh = [pk for pk, attempts in claimed if attempts < isolate_after()]
    retried = [pk for pk, attempts in claimed if attempts >= isolate_after()]
    for ids in ([fresh] if fresh else []) + [[pk] for pk in retried]:
        _run(ids)
    return len(claimed)


def _claim(max_entries: int) -> list[tuple[int, int]]:
    """The oldest received messages up to ``max_entries`` entries, their attempts raised."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            InboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=InboxStatus.RECEIVED)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("pk")
            .values_list("pk", "entry_count", "attempts")[:max_entries]
        )
        ids, total = [], 0
        for pk, count, _attempts in rows:
            if ids and total + count > max_entries:
                break
            ids.append(pk)
            total += count
        if not ids:
            return []
        InboxMessage.objects.filter(pk__in=ids).update(
            attempts=F("attempts") + 1, claimed_until=now + dt.timedelta(seconds=claim_seconds())
        )
    attempts = {pk: attempts + 1 for pk, _count, attempts in rows}
    return [(pk, attempts[pk]) for pk in ids]


def _run(ids: list[int]) -> int:
    """Process these messages in one transaction; on an error, one by one, then fail alone."""
    try:
        with transaction.atomic():
            # wait for the rows (no SKIP LOCKED): they are ours by the claim, and another
            # worker's claim query may hold one for an instant (PostgreSQL keeps the lock of a
            # row it locked and then found claimed): skipping it would leave it waiting for the
            # claim to run out. A worker that re-claimed them after ours expired waits here too,
            # and finds them done.
            messages = list(
                InboxMessage.objects.select_for_update(of=("self",))
                .filter(pk__in=ids, status=InboxStatus.RECEIVED)
                .select_related("sender")
                .order_by("pk")
            )
            if messages:
                _process(messages)
            return len(messages)
    except OperationalError:
        # the database itself (a deadlock, an outage): the rows stay received; release the
        # claim if the database still answers, so the next drain need not wait it out
        with contextlib.suppress(DatabaseError):
            InboxMessage.objects.filter(pk__in=ids, status=InboxStatus.RECEIVED).update(claimed_until=None)
        raise
    except Exception:
        logger.exception("inbox: a batch of %d messages failed", len(ids))
        if len(ids) > 1:
            return sum(_run([pk]) for pk in ids)
        _mark_failed(ids[0], traceback.format_exc()[-4000:])
        return 1


def _process(messages: list[InboxMessage]) -> None:
    now = timezone.now()
    groups: dict[tuple[str, int, str], list[tuple[InboxMessage, list]]] = {}
    for message in messages:
        message.processed_at = now
        message.worker = worker_name()
        if message.attempts > max_attempts():
            message.status = InboxStatus.FAILED
            message.error = f"gave up after {message.attempts - 1} attempts that did not finish"
            continue
        message.status = InboxStatus.DONE
        try:
            with translation.override(message.language or settings.LANGUAGE_CODE):
                entries = _entries(message)
        except ceb.MessageRefused as refused:  # checked when received: only if the rules changed
            message.receipts = [{"guid": refused.guid, "key": "", "status": "rejected", "info": refused.info}]
            continue
        groups.setdefault((message.kind, message.sender_id, message.language), []).append((message, entries))

    for (kind, _sender, language), items in sorted(
        groups.items(), key=lambda item: KIND_ORDER.index(item[0][0])
    ):
        entries = [entry for _message, message_entries in items for entry in message_entries]
        # the synchronous path's own function: same checks, same services, same receipts, in
        # the language the sender asked for
        with translation.override(language or settings.LANGUAGE_CODE):
            receipts = intake.intake_entries(kind=kind, entries=entries, sender=items[0][0].sender)
            answers = receipts.as_list()  # rendered in that language
        start = 0
        for message, message_entries in items:
            message.receipts = answers[start : start + len(message_entries)]
            start += len(message_entries)

    hook = getattr(settings, "INBOX_BATCH_HOOK", "")
    if hook:  # tests only: stop inside the transaction (to kill the worker there)
        import_string(hook)(messages)
    _save_outcomes(messages)


def _save_outcomes(messages: list[InboxMessage]) -> None:
    """Write each message's status, receipts and error: one UPDATE per outcome on PostgreSQL.

    ``bulk_update`` builds a ``CASE WHEN id = ...`` per row and field: for a batch of 1,000
    one-entry messages that was half the batch's CPU time. Here the rows' own values travel as
    arrays (``unnest``) and the shared ones as parameters.
    """
    if connection.vendor != "postgresql":
        InboxMessage.objects.bulk_update(messages, ["status", "processed_at", "receipts", "error", "worker"])
        return
    outcomes: dict[tuple, list[InboxMessage]] = {}
    for message in messages:
        outcomes.setdefault((message.status, message.error, message.processed_at, message.worker), []).append(
            message
        )
    table = connection.ops.quote_name(InboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        for (status, error, processed_at, worker), rows in outcomes.items():
            cursor.execute(
                f"UPDATE {table} AS m SET status = %s, error = %s, processed_at = %s, worker = %s,"
                " receipts = v.receipts::jsonb"
                " FROM unnest(%s::bigint[], %s::text[]) AS v(id, receipts) WHERE m.id = v.id",
                [
                    status,
                    error,
                    processed_at,
                    worker,
                    [message.pk for message in rows],
                    [None if message.receipts is None else json.dumps(message.receipts) for message in rows],
                ],
            )


def _entries(message: InboxMessage) -> list:
    body = bytes(message.body)
    if message.format == InboxFormat.XML:
        parsed = ceb.parse_message(body)
        if parsed.signed:
            intake.store_signed(parsed, message.sender)  # kept as the synchronous path keeps it
        return intake.prepared_entries(parsed)
    # as DecimalJSONParser reads it: numbers exact (the body passed its checks when received)
    return json.loads(body.decode("utf-8"), parse_float=Decimal)["entries"]


def _mark_failed(pk: int, error: str) -> None:
    with transaction.atomic():
        message = (
            InboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=InboxStatus.RECEIVED)
            .first()
        )
        if message is None:
            return
        message.status = InboxStatus.FAILED
        message.error = error
        message.processed_at = timezone.now()
        message.worker = worker_name()
        message.save(update_fields=["status", "error", "processed_at", "worker"])


def inbox_retry_failed() -> int:
    """Put the failed messages back in the queue (ops, once the cause is fixed)."""
    with transaction.atomic():
        messages = list(InboxMessage.objects.select_for_update().filter(status=InboxStatus.FAILED))
        for message in messages:
            message.status = InboxStatus.RECEIVED
            message.attempts = 0
            message.claimed_until = None
            message.processed_at = None
            message.worker = ""
        InboxMessage.objects.bulk_update(
            messages, ["status", "attempts", "claimed_until", "processed_at", "worker"]
        )
    if messages:
        transaction.on_commit(inbox_schedule_drain)
    return len(messages)
