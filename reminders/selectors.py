def reminder_preferences(*, user) -> list[dict]:
    """The reminder kinds this user can receive, whether each is on, and whether it may be off."""
    from .models import LEGALLY_REQUIRED_KINDS, STAFF_KINDS, ReminderKind, ReminderOptOut

    off = set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True))
    staff = bool(getattr(user, "is_staff", False))
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "enabled": kind.value not in off or kind in LEGALLY_REQUIRED_KINDS,
            "required": kind in LEGALLY_REQUIRED_KINDS,
        }
        for kind in ReminderKind
        if (kind in STAFF_KINDS) == staff
    ]
