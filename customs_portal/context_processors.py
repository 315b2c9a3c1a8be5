def portal(request):
    user = getattr(request, "user", None)
    enterprise = getattr(user, "enterprise", None) if user and user.is_authenticated else None
    unread = 0
    if enterprise is not None or (user and user.is_authenticated):
        try:
            from reminders.selectors import unread_count

            unread = unread_count(user=user)
        except ImportError:  # reminders not built yet
            unread = 0
    return {"current_enterprise": enterprise, "unread_notifications": unread}
