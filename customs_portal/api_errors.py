"""DRF's exception handler, extended: every error the API answers is JSON.

- an ``ApplicationError`` is a 400 with its ``{"code", "message"}``;
- DRF's own errors (401, 403, 404, 405, 413, 415...) are ``{"code", "message"}`` too, except a
  ``ValidationError``, which keeps its field-by-field body (``{"field": ["message", ...]}``);
- anything unexpected (a database error in the middle of a batch, a bug) is logged with its
  traceback and answered ``{"code": "server_error", "message"}`` with status 500, or
  ``{"code": "unavailable", ...}`` with 503 when the database cannot be reached: never
  Django's HTML error page, and never the exception's text.

Kept apart from api.py: DRF imports authentication classes while rest_framework.views loads.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .api import BodyTooLarge
from .errors import ApplicationError

logger = logging.getLogger("customs_portal.api")


def error_body(code: str, message) -> dict:
    return {"code": code, "message": str(message)}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        logging.getLogger("django.security").warning("%s", exc)
        exc = exceptions.ParseError(_("The request is malformed and was refused."), code="bad_request")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None:
        if not isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, str):
            response.data = error_body(exc.get_codes(), exc.detail)
        return response
    return _unexpected(exc, context)


def _unexpected(exc, context) -> Response:
    request = context.get("request")
    logger.error(
        "Unexpected %s answering %s %s",
        type(exc).__name__,
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        exc_info=exc,
    )
    set_rollback()
    if isinstance(exc, OperationalError):
        return Response(
            error_body(
                "unavailable",
                _("The service cannot reach its database just now: try again in a few minutes."),
            ),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "60"},
        )
    message = (
        _("The request could not be completed because of a database error: send it again later.")
        if isinstance(exc, DatabaseError)
        else _("The request could not be completed because of an error on the server: send it again later.")
    )
    return Response(error_body("server_error", message), status=status.HTTP_500_INTERNAL_SERVER_ERROR)


# --- outside DRF's views: addresses under /api/ that match no view, errors in middleware ------
def _json_error(code: str, message, status_code: int) -> JsonResponse:
    return JsonResponse(
        error_body(code, message), status=status_code, json_dumps_params={"ensure_ascii": False}
    )


def not_found(request, exception):
    """``handler404``: JSON under /api/ (an id that is not a number, an unknown address)."""
    if request.path.startswith("/api/"):
        return _json_error("not_found", _("Not found."), status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """``handler500``: JSON under /api/ for an error no DRF view caught (in a middleware)."""
    if request.path.startswith("/api/"):
        return _json_error(
            "server_error",
            _("The request could not be completed because of an error on the server: send it again later."),
            status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return defaults.server_error(request)
