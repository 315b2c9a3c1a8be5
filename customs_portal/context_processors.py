def portal(request):
    user = getattr(request, "user", None)
    enterprise = getattr(user, "enterprise", None) if user and user.is_authenticated else None
    return {"current_enterprise": enterprise}
