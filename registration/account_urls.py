"""The enterprise's own account pages that are not part of sign-up: API keys."""

from django.urls import path

from declarations.exchange.views import CallbackView

from . import api_keys

app_name = "account"

urlpatterns = [
    path("api-keys/", api_keys.ApiKeyListView.as_view(), name="api_keys"),
    path("api-keys/<str:prefix>/revoke/", api_keys.ApiKeyRevokeView.as_view(), name="api_key_revoke"),
    path("callback/", CallbackView.as_view(), name="callback"),
]
