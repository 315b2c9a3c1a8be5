"""Demo notifications for the demo enterprises, so the header shows an unread count.

Idempotent: each demo notification is created once per user (looked up by kind and title).
The texts are stored as message ids, so each demo user reads them in their own language.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customs_portal import texts

DEMO_ANNUAL_REPORT = texts.define(
    "reminders.demo.annual_report", _("Please submit last year's annual report of your enterprise on time")
)
DEMO_ANNUAL_REPORT_BODY = texts.define(
    "reminders.demo.annual_report.body",
    _("The annual report can be filed from 1 January to 30 June each year."),
)
DEMO_POLICY_NOTICE = texts.define("reminders.demo.policy_notice", _("Customs published a new policy notice"))
DEMO_POLICY_NOTICE_BODY = texts.define(
    "reminders.demo.policy_notice.body",
    _("See the notices that concern your enterprise on the enterprise information page."),
)

DEMO_CODES = ("3100000001", "3100000002")


def seed(*, stdout):
    from notifications.models import Notification
    from registration.models import User

    items = [
        (
            "annual_report",
            texts.stored(DEMO_ANNUAL_REPORT),
            texts.stored(DEMO_ANNUAL_REPORT_BODY),
            reverse("cooperation:annual_report"),
        ),
        (
            "policy_notice",
            texts.stored(DEMO_POLICY_NOTICE),
            texts.stored(DEMO_POLICY_NOTICE_BODY),
            reverse("cooperation:notices"),
        ),
    ]
    users = list(
        User.objects.filter(enterprise__customs_code__in=DEMO_CODES, is_active=True).select_related(
            "enterprise"
        )
    )
    # one of each kind per user (rows seeded before message ids existed count too)
    existing = set(
        Notification.objects.filter(user__in=users, kind__in=[k for k, *_rest in items]).values_list(
            "user_id", "kind"
        )
    )
    rows = [
        Notification(user=u, enterprise=u.enterprise, kind=kind, title=title, body=body, link=link)
        for u in users
        for kind, title, body, link in items
        if (u.pk, kind) not in existing
    ]
    Notification.objects.bulk_create(rows)
    stdout.write(f"reminders demo: {len(rows)} notifications added")
    return []
