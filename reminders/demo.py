"""Demo notifications for the demo enterprises, so the header shows an unread count.

Idempotent: each demo notification is created once per user (looked up by kind and title).
"""

from django.urls import reverse

DEMO_CODES = ("3100000001", "3100000002")


def seed(*, stdout):
    from registration.models import User

    from .models import Notification

    items = [
        (
            "annual_report",
            "请按时提交上一年度企业年报",
            "年报填报时间为每年1月1日至6月30日。",
            reverse("cooperation:annual_report"),
        ),
        (
            "policy_notice",
            "海关发布了新的政策公告",
            "请在企业信息页查看与贵企业相关的公告。",
            reverse("cooperation:notices"),
        ),
    ]
    users = list(
        User.objects.filter(enterprise__customs_code__in=DEMO_CODES, is_active=True).select_related(
            "enterprise"
        )
    )
    existing = set(
        Notification.objects.filter(user__in=users, kind__in=[k for k, *_ in items]).values_list(
            "user_id", "title"
        )
    )
    rows = [
        Notification(user=u, enterprise=u.enterprise, kind=kind, title=title, body=body, link=link)
        for u in users
        for kind, title, body, link in items
        if (u.pk, title) not in existing
    ]
    Notification.objects.bulk_create(rows)
    stdout.write(f"reminders demo: {len(rows)} notifications added")
    return []
