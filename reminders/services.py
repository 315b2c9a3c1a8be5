"""Reminders: what is due is written once, told in the notification centre, then e-mailed and
sent by SMS (notifications, in each recipient's language) once per reminder."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customs_portal.bulk import rows_insert
from customs_portal.sms import send_sms
from notifications.emails import Recipient, display_name, emails_send, language_of, sms_texts
from notifications.models import Notification
from notifications.services import enterprise_language

from .models import Reminder

logger = logging.getLogger(__name__)


# --- reminders ------------------------------------------------------------------------------
def _reminder_recipients(reminders) -> dict[int, list]:
    """Users to tell about each reminder: the enterprise's active users who did not switch the
    kind off (never for legally required kinds), or the customs reviewers for staff kinds.
    Three queries whatever the number of reminders."""
    from django.contrib.auth import get_user_model

    from customs_portal.permissions import STAFF_ROLES

    from .models import LEGALLY_REQUIRED_KINDS, STAFF_KINDS, ReminderOptOut

    User = get_user_model()
    reminders = list(reminders)
    enterprise_ids = {r.enterprise_id for r in reminders if r.kind not in STAFF_KINDS}
    by_enterprise: dict[int, list] = {}
    for user in User.objects.filter(enterprise_id__in=enterprise_ids, is_active=True).order_by("pk"):
        by_enterprise.setdefault(user.enterprise_id, []).append(user)
    staff = []
    if any(r.kind in STAFF_KINDS for r in reminders):
        staff = list(
            User.objects.filter(is_active=True, is_staff=True, groups__name=STAFF_ROLES["reviewer"])
            .distinct()
            .order_by("pk")
        )
    all_ids = [u.pk for users in by_enterprise.values() for u in users] + [u.pk for u in staff]
    opted_out = set(ReminderOptOut.objects.filter(user_id__in=all_ids).values_list("user_id", "kind"))
    result = {}
    for r in reminders:
        users = staff if r.kind in STAFF_KINDS else by_enterprise.get(r.enterprise_id, [])
        if r.kind not in LEGALLY_REQUIRED_KINDS:
            users = [u for u in users if (u.pk, r.kind) not in opted_out]
        result[r.pk] = users
    return result


def reminders_send(*, today, dry_run: bool = False):
    """Send every reminder due on ``today``; return (sent dues, errors of kinds that could not run).

    Once-only: the rows go in with INSERT … ON CONFLICT DO NOTHING against the unique key
    (kind, subject, due date, stage, enterprise); this run then reads back the rows carrying its
    own token — exactly the ones whose insert won. A second run, or a second worker at the same
    moment, finds every key taken and sends nothing. In-portal notifications are written in the
    same transaction; e-mail and SMS go out from a task per reminder once it commits.
    """
    import uuid

    from .kinds import due_on

    # titles and bodies are stored texts: each recipient reads them in their own language
    dues, errors = due_on(today)
    dues = sorted(set(dues), key=lambda d: (d.kind, d.stage, d.customs_code, d.subject, d.enterprise_id))
    if dry_run:
        existing = set(
            Reminder.objects.filter(
                due_date__in={d.due_date for d in dues}, kind__in={d.kind for d in dues}
            ).values_list("kind", "subject", "due_date", "stage", "enterprise_id")
        )
        return [d for d in dues if d.key not in existing], errors

    token = str(uuid.uuid4())
    with transaction.atomic():
        rows_insert(
            [
                Reminder(
                    kind=d.kind,
                    subject=d.subject,
                    due_date=d.due_date,
                    stage=d.stage,
                    enterprise_id=d.enterprise_id,
                    title=d.title,
                    body=d.body,
                    link=d.link,
                    sms=d.sms,
                    run_token=token,
                )
                for d in dues
            ],
            ignore_conflicts=True,
        )
        mine = list(Reminder.objects.filter(run_token=token))
        recipients = _reminder_recipients(mine)
        # COPY on PostgreSQL: a reminder day writes tens of thousands of notifications
        rows_insert(
            [
                Notification(
                    user=user,
                    enterprise_id=r.enterprise_id,
                    kind=r.kind,
                    title=r.title,
                    body=r.body,
                    link=r.link,
                )
                for r in mine
                for user in recipients[r.pk]
            ]
        )
        ids = [r.pk for r in mine]
        if ids:
            transaction.on_commit(lambda: _queue_deliveries(ids))
    sent_keys = {(r.kind, r.subject, r.due_date, r.stage, r.enterprise_id) for r in mine}
    return [d for d in dues if d.key in sent_keys], errors


def _queue_deliveries(ids) -> None:
    from .tasks import deliver_reminder_task

    for pk in ids:
        deliver_reminder_task.delay(pk)


# --- delivery: once, even when a worker dies -----------------------------------------------
# A worker claims a reminder's delivery by setting its lease under a row lock (a short
# transaction), sends the e-mail and SMS outside any transaction, then sets delivered_at. While
# the lease runs nobody else sends: a duplicate task (a message the broker redelivered, a task
# re-queued by the sweep) sees it and comes back once it has expired. The lease outlasts the
# delivery task's hard time limit (tasks.DELIVERY_TIME_LIMIT), so a lease can only expire on a
# claimant that is dead or was stopped; only then is the reminder sent again.
DELIVERY_LEASE = 600  # seconds; settings.REMINDER_DELIVERY_LEASE overrides it (the worker tests)
# the sweep re-queues a reminder last queued or tried this long ago: longer than the delivery
# task's longest retry backoff (600 s), so a task still retrying is left to its retry
REQUEUE_AFTER = dt.timedelta(minutes=15)
# ... and created less than this long ago: a reminder older than that is stale news (the
# notification centre still shows it); this also keeps rows from before the sweep existed out
REQUEUE_WITHIN = dt.timedelta(days=2)
# a reminder whose delivery failed this many times (a permanently refused address, a broken
# SMS gateway) is left alone and logged instead of being retried forever
DELIVERY_MAX_ATTEMPTS = 30


class ReminderDeliveryBusy(Exception):
    """Another worker holds the reminder's delivery lease: try again once it has expired."""

    def __init__(self, reminder_id: int, retry_in: float):
        super().__init__(f"reminder {reminder_id} is being delivered; lease ends in {retry_in:.0f} s")
        self.reminder_id = reminder_id
        self.retry_in = retry_in


def _delivery_lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "REMINDER_DELIVERY_LEASE", DELIVERY_LEASE))


def reminder_deliver(*, reminder_id: int) -> bool:
    """E-mail (and for last-day/overdue stages SMS) one reminder; False if there is nothing to do.

    Exactly once: the delivery is claimed with a lease (see above); a call meeting a live lease
    raises ``ReminderDeliveryBusy`` with the seconds left, one on a delivered reminder returns
    False. A send that fails releases the lease so the task's retry can try again at once.
    """
    reminder = _delivery_claim(reminder_id)
    if reminder is None:
        return False
    try:
        _delivery_send(reminder)
    except Exception:
        # only our own lease: the value we set is the claim's token
        Reminder.objects.filter(
            pk=reminder.pk, delivered_at__isnull=True, delivery_lease_until=reminder.delivery_lease_until
        ).update(delivery_lease_until=None)
        raise
    Reminder.objects.filter(pk=reminder.pk).update(delivered_at=timezone.now(), delivery_lease_until=None)
    return True


def _delivery_claim(reminder_id: int):
    """Lock the reminder, check nobody delivered or is delivering it, take the lease."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None or reminder.delivered_at is not None:
            return None
        now = timezone.now()
        if reminder.delivery_lease_until is not None and reminder.delivery_lease_until > now:
            raise ReminderDeliveryBusy(reminder_id, (reminder.delivery_lease_until - now).total_seconds())
        if reminder.delivery_attempts >= DELIVERY_MAX_ATTEMPTS:
            logger.error(
                "reminder %s: not delivered after %s attempts, given up", reminder_id, DELIVERY_MAX_ATTEMPTS
            )
            return None
        reminder.delivery_lease_until = now + _delivery_lease()
        reminder.delivery_queued_at = now
        reminder.delivery_attempts += 1
        reminder.save(update_fields=["delivery_lease_until", "delivery_queued_at", "delivery_attempts"])
    return reminder


def _delivery_send(reminder) -> None:
    from .models import STAFF_KINDS

    users = _reminder_recipients([reminder])[reminder.pk]
    emails_send(
        recipients=[Recipient(u.email, display_name(u), language_of(u)) for u in users if u.email],
        subject=reminder.title,
        body=reminder.body,
        link=reminder.link,
    )
    if reminder.sms and users:
        phones = [Recipient(u.phone, display_name(u), language_of(u)) for u in users if u.phone]
        if reminder.kind not in STAFF_KINDS and reminder.enterprise.contact_phone:
            phones.append(
                Recipient(
                    reminder.enterprise.contact_phone,
                    reminder.enterprise.contact_name,
                    enterprise_language(reminder.enterprise, users),
                )
            )
        for phone, text in sms_texts(recipients=phones, text=reminder.title):
            send_sms(phone, text)


def reminders_requeue_undelivered(*, now: dt.datetime | None = None, dry_run: bool = False) -> list:
    """Queue again the delivery of every reminder whose e-mail/SMS has not gone out; return them.

    The sweep behind a lost delivery task (a worker killed with its message, a broker down when
    the job committed): it takes reminders not delivered, created in the last REQUEUE_WITHIN,
    last queued or tried more than REQUEUE_AFTER ago, and not under a live lease — a worker
    still sending keeps its reminder. Rows a concurrent sweep or claim has locked are skipped
    (the next sweep sees them). Exactly-once is the delivery's own guarantee, so a reminder
    queued twice is still sent once.
    """
    from django.db.models import Q
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            Reminder.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("enterprise")
            .annotate(last_queued=Coalesce("delivery_queued_at", "created_at"))
            .filter(
                Q(delivery_lease_until__isnull=True) | Q(delivery_lease_until__lte=now),
                delivered_at__isnull=True,
                created_at__gte=now - REQUEUE_WITHIN,
                last_queued__lte=now - REQUEUE_AFTER,
                delivery_attempts__lt=DELIVERY_MAX_ATTEMPTS,
            )
            .order_by("created_at", "pk")
        )
        if dry_run or not stale:
            return stale
        ids = [r.pk for r in stale]
        Reminder.objects.filter(pk__in=ids).update(delivery_queued_at=now)
        transaction.on_commit(lambda: _queue_deliveries(ids))
    return stale


def reminder_preferences_set(*, user, enabled_kinds) -> None:
    """Switch reminder kinds on or off for ``user``; legally required kinds stay on."""
    from .models import LEGALLY_REQUIRED_KINDS, ReminderKind, ReminderOptOut

    enabled = set(enabled_kinds) | set(LEGALLY_REQUIRED_KINDS)
    off = [k for k in ReminderKind.values if k not in enabled]
    with transaction.atomic():
        ReminderOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
        ReminderOptOut.objects.bulk_create(
            [ReminderOptOut(user=user, kind=k) for k in off], ignore_conflicts=True
        )
