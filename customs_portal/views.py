from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render


def home(request):
    """Landing page for visitors; traders go to their enterprise's dashboard."""
    user = request.user
    if user.is_authenticated and user.is_staff and not getattr(user, "enterprise_id", None):
        return redirect("admin:index")
    if user.is_authenticated and getattr(user, "enterprise", None) is not None:
        if not user.enterprise.is_approved:
            return redirect("registration:status")
        from registration.cooperation.glance import enterprise_glance

        glance = enterprise_glance(enterprise=user.enterprise, user=user)
        return render(
            request, "dashboard.html", {"enterprise": user.enterprise, "waiting": glance["waiting"]}
        )
    return render(request, "home.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
