"""Telling people: the notification centre, e-mail and SMS, from one call."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from customs_portal.bulk import rows_insert
from customs_portal.sms import send_sms

from .models import Notification


def notification_create(
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    enterprise=None,
    users=None,
    email: bool = True,
    sms: bool = False,
) -> list[Notification]:
    """Notify ``users`` (default: every active user of ``enterprise``).

    The rows are written in the caller's transaction; e-mail and SMS go out only once it
    commits, so a rolled-back action tells nobody.
    """
    if users is None:
        users = list(enterprise.users.filter(is_active=True)) if enterprise is not None else []
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                enterprise=enterprise or getattr(u, "enterprise", None),
                kind=kind,
                title=str(title)[:300],
                body=str(body),
                link=link,
            )
            for u in users
        ]
    )
    recipients = sorted({u.email for u in users if u.email})
    if email and recipients:
        subject, message = str(title), f"{body}\n\n{link}".strip()
        transaction.on_commit(
            lambda: send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
        )
    if sms:
        phones = sorted(
            {p for p in [getattr(enterprise, "contact_phone", "")] + [u.phone for u in users] if p}
        )
        text = str(title)
        for phone in phones:
            transaction.on_commit(lambda phone=phone: send_sms(phone, text))
    return rows


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) notification of ``user`` as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


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

    from django.utils import translation

    from .kinds import due_on
    from .models import Reminder

    # reminders are stored and mailed in the portal's language, whoever triggers the run
    with translation.override(settings.LANGUAGE_CODE):
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
                    title=str(d.title)[:300],
                    body=str(d.body),
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


def reminder_deliver(*, reminder_id: int) -> bool:
    """E-mail (and for last-day/overdue stages SMS) one reminder; False if already delivered.

    Runs under a row lock and marks the reminder delivered in the same transaction: a retry
    after a failure sends again, a duplicate task after success sends nothing.
    """
    from django.core.mail import EmailMessage, get_connection

    from .models import Reminder

    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update().select_related("enterprise").filter(pk=reminder_id).first()
        )
        if reminder is None or reminder.delivered_at is not None:
            return False
        users = _reminder_recipients([reminder])[reminder.pk]
        emails = sorted({u.email for u in users if u.email})
        if emails:
            message = f"{reminder.body}\n\n{reminder.link}".strip()
            connection = get_connection()
            connection.send_messages(
                [
                    EmailMessage(
                        reminder.title, message, settings.DEFAULT_FROM_EMAIL, [to], connection=connection
                    )
                    for to in emails
                ]
            )
        if reminder.sms and users:
            from .models import STAFF_KINDS

            phones = {u.phone for u in users if u.phone}
            if reminder.kind not in STAFF_KINDS and reminder.enterprise.contact_phone:
                phones.add(reminder.enterprise.contact_phone)
            for phone in sorted(phones):
                send_sms(phone, reminder.title)
        reminder.delivered_at = timezone.now()
        reminder.save(update_fields=["delivered_at"])
    return True


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
