"""REST plumbing shared by every app: API-key authentication, enterprise scoping, JSON bodies."""

import json
import re
from decimal import Decimal
from itertools import chain

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
# a \u escape of NUL or of a surrogate (D800-DFFF), where the backslash is not itself escaped
_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


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

        # the library's get_from_key, with the key's enterprise read in the same query (every
        # API request needs it: one query less on the intake's hot path)
        prefix, _dot, _secret = key.partition(".")
        try:
            api_key = (
                EnterpriseAPIKey.objects.get_usable_keys().select_related("enterprise").get(prefix=prefix)
            )
        except EnterpriseAPIKey.DoesNotExist:
            api_key = None
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
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


def _too_deep() -> InvalidJSON:
    return InvalidJSON(gettext("The JSON is nested more than %(max)d levels deep.") % {"max": MAX_JSON_DEPTH})


def _check_depth(data) -> None:
    """Nesting at most ``MAX_JSON_DEPTH`` levels, measured level by level: the work stays a few
    C-speed passes over the values, whatever the shape (no recursion, no loop per container)."""
    level = [data] if type(data) in (dict, list) else []
    for _depth in range(MAX_JSON_DEPTH):
        if not level:
            return
        lists = [value for value in level if type(value) is list]
        dicts = [value for value in level if type(value) is dict]
        children = chain(chain.from_iterable(lists), chain.from_iterable(map(dict.values, dicts)))
        level = [value for value in children if type(value) is dict or type(value) is list]
    if level:
        raise _too_deep()


def _check_escapes(text: str) -> None:
    """No NUL character and no lone surrogate in any string or key (PostgreSQL refuses the one,
    UTF-8 cannot encode the other). Strict JSON lets them in only as ``\\u`` escapes (raw control
    characters are refused, the body was decoded as strict UTF-8), so the text is searched for
    those escapes, in C, rather than the decoded document walked."""
    if "\\u" not in text:
        return
    high = None  # a high surrogate escape, valid only if a low one follows at once
    for match in _ESCAPE.finditer(text):
        code = int(match.group(1), 16)
        if high is not None:
            if 0xDC00 <= code <= 0xDFFF and match.end() - 6 == high.end():
                high = None
                continue
            raise _lone_surrogate(high)
        if code == 0:
            raise InvalidJSON(
                gettext(
                    "The JSON holds a NUL character (\\u0000) at character %(position)d: it is not accepted."
                )
                % {"position": match.end() - 6}
            )
        if code <= 0xDBFF:
            high = match
            continue
        raise _lone_surrogate(match)
    if high is not None:
        raise _lone_surrogate(high)


def _lone_surrogate(match) -> InvalidJSON:
    return InvalidJSON(
        gettext(
            "The JSON holds a lone surrogate (\\u%(code)s) at character %(position)d: it is not Unicode text."
        )
        % {"code": match.group(1).lower(), "position": match.end() - 6}
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
            raise _too_deep() from None
        except ValueError as exc:
            raise InvalidJSON(gettext("The body is not valid JSON: %(error)s") % {"error": exc}) from None
        _check_escapes(text)
        _check_depth(data)
        return data


class DecimalJSONParser(SafeJSONParser):
    """The same, with numbers kept exact: 12.30 arrives as Decimal("12.30"), not a float."""

    parse_float = Decimal
