"""Each user's language: set at sign-up from the page's language, changed in the profile, and
the portal switches to it when the user signs in (the language cookie LocaleMiddleware reads).

Notifications, e-mails and SMS are rendered in it (notifications.emails.language_of).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError

from .models import User

REQUEST_ATTRIBUTE = "_portal_user_language"


def language_normalise(language: str | None) -> str:
    """One of settings.LANGUAGES (``zh-Hans`` and ``zh-hans`` alike); the default otherwise."""
    codes = {code.lower(): code for code, _name in settings.LANGUAGES}
    return codes.get((language or "").lower(), settings.LANGUAGE_CODE)


def user_language_set(*, user: User, language: str) -> str:
    codes = {code.lower() for code, _name in settings.LANGUAGES}
    if (language or "").lower() not in codes:
        raise ApplicationError(
            "unknown_language", _("Choose one of the portal's languages."), field="language"
        )
    language = language_normalise(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return language


def language_switch(request, language: str) -> None:
    """The page after this request is in ``language``; the response carries the cookie."""
    translation.activate(language)
    request.LANGUAGE_CODE = language
    setattr(request, REQUEST_ATTRIBUTE, language)


def on_user_logged_in(sender, request, user, **kwargs):
    """The response that signs the user in carries their language's cookie (the next page is in
    it). Nothing is activated here: a sign-in answers with a redirect."""
    if request is not None and getattr(user, "language", ""):
        setattr(request, REQUEST_ATTRIBUTE, language_normalise(user.language))


class UserLanguageMiddleware:
    """Sets the language cookie for a request that signed a user in or changed their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, REQUEST_ATTRIBUTE, None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
