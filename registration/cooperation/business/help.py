"""The help centre: articles in both languages, searchable, linked from the pages they explain."""

from django.db.models import Q

from .models import BusinessSettings, HelpArticle


def articles_search(query: str = ""):
    qs = HelpArticle.objects.filter(published=True)
    for word in (query or "").split()[:8]:
        qs = qs.filter(
            Q(title_en__icontains=word)
            | Q(title_zh__icontains=word)
            | Q(body_en__icontains=word)
            | Q(body_zh__icontains=word)
        )
    return qs


def articles_for_page(view_name: str) -> list[HelpArticle]:
    """Published articles that name this page (``app:name``) among those they explain."""
    if not view_name:
        return []
    candidates = HelpArticle.objects.filter(published=True, pages__icontains=view_name).only(
        "slug", "title_en", "title_zh", "pages"
    )
    return [a for a in candidates if view_name in a.page_names]


def service_settings() -> dict:
    """The hotline and hours for every page's footer: one query, the same on every page (the
    model's defaults until customs saves the settings)."""
    row = (
        BusinessSettings.objects.filter(pk=1)
        .values("hotline", "service_hours_en", "service_hours_zh")
        .first()
    )
    if row is None:
        defaults = BusinessSettings()
        row = {
            "hotline": defaults.hotline,
            "service_hours_en": defaults.service_hours_en,
            "service_hours_zh": defaults.service_hours_zh,
        }
    return {
        "hotline": row["hotline"],
        "hours_en": row["service_hours_en"],
        "hours_zh": row["service_hours_zh"],
    }
