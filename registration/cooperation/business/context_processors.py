from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from .help import articles_for_page, service_settings


def _service():
    values = service_settings()
    chinese = (get_language() or "").lower().startswith("zh")
    return {"hotline": values["hotline"], "hours": values["hours_zh"] if chinese else values["hours_en"]}


def service(request):
    """Every page: the customer-service hotline and hours, and the help articles for this page.
    Both are read only when a template shows them (the admin's pages do not)."""
    match = getattr(request, "resolver_match", None)
    return {
        "service": SimpleLazyObject(_service),
        "page_help": lambda: articles_for_page(match.view_name if match else ""),
    }
