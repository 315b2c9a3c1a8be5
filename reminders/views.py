from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .selectors import notification_list, reminder_preferences
from .services import notification_mark_read, reminder_preferences_set


@login_required
def notifications(request):
    page = Paginator(notification_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "reminders/notifications.html", {"page_obj": page})


@login_required
@require_POST
def mark_read(request):
    raw = request.POST.get("id")
    notification_mark_read(user=request.user, notification_id=int(raw) if raw and raw.isdigit() else None)
    return redirect("reminders:notifications")


@login_required
def preferences(request):
    """Which reminders this user receives; the legally required ones cannot be switched off."""
    if request.method == "POST":
        reminder_preferences_set(user=request.user, enabled_kinds=request.POST.getlist("kind"))
        messages.success(request, _("Your reminder settings were saved."))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"kinds": reminder_preferences(user=request.user)})
