from django import template
from django.utils.translation import gettext_lazy as _

from casework import queues
from casework.admin import is_customs_staff

register = template.Library()

DASHBOARD_LABELS = {
    "dashboard": _("Your queues"),
    "queue": _("Queue"),
    "count": _("Waiting"),
    "mine": _("Assigned to me"),
    "oldest": _("Oldest"),
    "due": _("Due"),
    "overdue": _("overdue"),
}


@register.simple_tag(takes_context=True)
def reviewer_dashboard(context):
    """The queues the signed-in staff member may work (casework.queues), for the admin index."""
    request = context.get("request")
    if request is None or not is_customs_staff(request.user):
        return {"rows": [], "labels": DASHBOARD_LABELS}
    return {"rows": queues.dashboard(request.user), "labels": DASHBOARD_LABELS}


@register.simple_tag
def casework_search_labels():
    from casework.views import SEARCH_LABELS

    return {"submit": SEARCH_LABELS["submit"], "placeholder": _("USCC, list, order, waybill number…")}
