"""The admin's search page (one box over the queues and the lists)."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .admin import is_customs_staff
from .search import MIN_LENGTH, search

SEARCH_LABELS = {
    "title": _("Search the queues and lists"),
    "field": _(
        "USCC, customs code, enterprise name, list number (invtNo), order or waybill number, authorization number or id, declaration number"
    ),
    "submit": _("Search"),
    "none": _("Nothing found for “%(term)s” among what you may open."),
    "short": _("Enter at least %(n)d characters."),
    "more": _("More than these: narrow the search."),
}


def search_view(request):
    """Staff with a customs role only (the admin site has already asked for the second factor)."""
    from django.contrib import admin

    if not is_customs_staff(request.user):
        raise PermissionDenied
    term = request.GET.get("q", "").strip()
    context = {
        **admin.site.each_context(request),
        "title": SEARCH_LABELS["title"],
        "term": term,
        "groups": search(request.user, term) if term else [],
        "too_short": bool(term) and len(term) < MIN_LENGTH,
        "labels": SEARCH_LABELS,
        "short_text": SEARCH_LABELS["short"] % {"n": MIN_LENGTH},
        "none_text": SEARCH_LABELS["none"] % {"term": term},
    }
    return TemplateResponse(request, "casework/search.html", context)
