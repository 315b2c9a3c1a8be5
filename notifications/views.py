from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .selectors import notification_list
from .services import notification_mark_read


@login_required
def notifications(request):
    """The user's notifications, each rendered in the language the page is read in."""
    page = Paginator(notification_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/notifications.html", {"page_obj": page})


@login_required
@require_POST
def mark_read(request):
    raw = request.POST.get("id")
    notification_mark_read(user=request.user, notification_id=int(raw) if raw and raw.isdigit() else None)
    return redirect("notifications:notifications")
