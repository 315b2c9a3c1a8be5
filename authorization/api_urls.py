from django.urls import path

from . import api

urlpatterns = [
    path("authorizations/", api.AuthorizationListView.as_view(), name="api-authorization-list"),
    path("authorizations/<int:pk>/", api.AuthorizationDetailView.as_view(), name="api-authorization-detail"),
]
