from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .selectors import reminder_preferences
from .services import reminder_preferences_set


@login_required
def preferences(request):
    """Which reminders this user receives; the legally required ones cannot be switched off."""
    if request.method == "POST":
        reminder_preferences_set(user=request.user, enabled_kinds=request.POST.getlist("kind"))
        messages.success(request, _("Your reminder settings were saved."))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"kinds": reminder_preferences(user=request.user)})
