from django.utils.translation import get_language

from .help import articles_for_page, service_settings


def service(request):
    """Every page: the customer-service hotline and hours, and the help articles for this page."""
    settings_ = service_settings()
    chinese = (get_language() or "").lower().startswith("zh")
    match = getattr(request, "resolver_match", None)
    return {
        "service_hotline": settings_["hotline"],
        "service_hours": settings_["hours_zh"] if chinese else settings_["hours_en"],
        "page_help": lambda: articles_for_page(match.view_name if match else ""),
    }
