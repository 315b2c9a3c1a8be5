from .models import Notification


def unread_count(*, user) -> int:
    if not getattr(user, "pk", None):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(*, user):
    return Notification.objects.filter(user=user)
