"""REST plumbing shared by every app: API-key authentication, enterprise scoping, JSON bodies."""

import json
import re
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import BaseParser

# A JSON body is bounded like a CEB XML message (declarations.ceb.MAX_MESSAGE_BYTES): 1,000
# entries of a batch fit in it many times over.
MAX_JSON_BYTES = 10 * 1024 * 1024
# Deeper than any CEB entry (head, lines, a field) by far; deep nesting only costs the server.
MAX_JSON_DEPTH = 64
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class APIKeyClient:
    """The caller behind an API key: a platform acting for its enterprise, not a person."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, api_key):
        self.api_key = api_key
        self.enterprise = api_key.enterprise

    def __str__(self) -> str:
        return f"API key “{self.api_key.name}” ({self.enterprise.customs_code})"

    def has_perm(self, *args, **kwargs) -> bool:
        return False


class EnterpriseAPIKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``: the key's enterprise is the caller."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(self.keyword + " "):
            return None
        key = header[len(self.keyword) + 1 :].strip()
        from registration.models import EnterpriseAPIKey

        try:
            api_key = EnterpriseAPIKey.objects.get_from_key(key)  # the manager method (not on QuerySet)
        except EnterpriseAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None
        if api_key.has_expired or api_key.revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked or has expired."))
        return (APIKeyClient(api_key), api_key)

    def authenticate_header(self, request):
        return self.keyword


class EnterpriseAPIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "customs_portal.api.EnterpriseAPIKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Api-Key <key> (one key per enterprise; see create_api_key)",
        }


def request_enterprise(request):
    """The enterprise the request acts for (API key or signed-in trader), or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "enterprise", None)


class IsEnterpriseMember(permissions.BasePermission):
    """Only callers acting for an enterprise that customs has approved."""

    message = _("This endpoint is for approved enterprises: sign in or send an API key.")

    def has_permission(self, request, view):
        enterprise = request_enterprise(request)
        return bool(enterprise is not None and enterprise.is_approved)


# --- JSON bodies -----------------------------------------------------------------------------
class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(
            gettext("The body is larger than %(limit)d MB and was not read.")
            % {"limit": MAX_JSON_BYTES // (1024 * 1024)}
        )


class InvalidJSON(exceptions.ParseError):
    default_code = "invalid_json"


class _RefusedConstant(ValueError):
    pass


def _refuse_constant(name: str):
    raise _RefusedConstant(name)


def _json_path(trail) -> str:
    parts = []
    while trail is not None:
        trail, key = trail
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "$" + "".join(reversed(parts))


def _check_document(data) -> None:
    """Refuse what JSON can spell but the portal cannot keep: NUL characters and lone surrogates
    (PostgreSQL and UTF-8 refuse both) and nesting deeper than ``MAX_JSON_DEPTH``. Iterative, so
    no document can exhaust the stack."""
    stack = [(data, 1, None)]
    while stack:
        value, depth, trail = stack.pop()
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            if isinstance(value, str):
                _check_text(value, trail)
            continue
        if depth > MAX_JSON_DEPTH:
            raise InvalidJSON(
                gettext("The JSON is nested more than %(max)d levels deep.") % {"max": MAX_JSON_DEPTH}
            )
        for key, item in items:
            here = (trail, key)
            if isinstance(key, str):
                _check_text(key, here)
            stack.append((item, depth + 1, here))


def _check_text(text: str, trail) -> None:
    if "\x00" in text:
        raise InvalidJSON(
            gettext("The JSON holds a NUL character (\\u0000) at %(path)s: it is not accepted.")
            % {"path": _json_path(trail)}
        )
    surrogate = _SURROGATE.search(text)
    if surrogate:
        raise InvalidJSON(
            gettext("The JSON holds a lone surrogate (\\u%(code)04x) at %(path)s: it is not Unicode text.")
            % {"code": ord(surrogate.group()), "path": _json_path(trail)}
        )


class SafeJSONParser(BaseParser):
    """JSON, bounded and strict: at most ``MAX_JSON_BYTES`` (413 beyond, judged on the declared
    length before anything is read and on the bytes actually read), UTF-8, no NaN/Infinity, no
    NUL or lone surrogate in any string or key, at most ``MAX_JSON_DEPTH`` levels. Everything
    else it refuses is a 400 ``{"code": "invalid_json", "message"}`` saying what is wrong."""

    media_type = "application/json"
    parse_float = float

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        meta = getattr(request, "META", {})
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_JSON_BYTES:
            raise BodyTooLarge()
        raw = stream.read(MAX_JSON_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_JSON_BYTES:
            raise BodyTooLarge()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidJSON(
                gettext("The body is not UTF-8 text (at byte offset %(position)d).") % {"position": exc.start}
            ) from None
        try:
            data = json.loads(text, parse_float=self.parse_float, parse_constant=_refuse_constant)
        except _RefusedConstant as exc:
            raise InvalidJSON(
                gettext("The JSON holds %(value)s, which is not a number JSON allows.") % {"value": exc}
            ) from None
        except RecursionError:
            raise InvalidJSON(
                gettext("The JSON is nested more than %(max)d levels deep.") % {"max": MAX_JSON_DEPTH}
            ) from None
        except ValueError as exc:
            raise InvalidJSON(gettext("The body is not valid JSON: %(error)s") % {"error": exc}) from None
        _check_document(data)
        return data


class DecimalJSONParser(SafeJSONParser):
    """The same, with numbers kept exact: 12.30 arrives as Decimal("12.30"), not a float."""

    parse_float = Decimal
