"""REST plumbing shared by every app: API-key authentication, enterprise scoping, errors."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication


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
