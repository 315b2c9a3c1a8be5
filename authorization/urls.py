from django.urls import path

from . import views

app_name = "authorization"

urlpatterns = [
    path("list/", views.AuthorizationListView.as_view(), name="list"),
    path("new/", views.AuthorizationCreateView.as_view(), name="create"),
    path("new/check/", views.AuthorizationCreateCheckView.as_view(), name="create_check"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("settings/", views.PreferenceView.as_view(), name="preferences"),
    path("<int:pk>/", views.AuthorizationDetailView.as_view(), name="detail"),
    path("<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("<int:pk>/revoke/", views.RevokeView.as_view(), name="revoke"),
    path("<int:pk>/change/", views.ChangeRequestView.as_view(), name="change"),
    path("<int:pk>/change/withdraw/", views.ChangeWithdrawView.as_view(), name="change_withdraw"),
    path("<int:pk>/supplement/", views.SupplementView.as_view(), name="supplement"),
    path("<int:pk>/renewal/", views.RenewalView.as_view(), name="renewal"),
    path("<int:pk>/documents/poa/", views.DocumentView.as_view(), {"kind": "poa"}, name="poa"),
    path(
        "<int:pk>/documents/change/<int:doc_pk>/poa/",
        views.DocumentView.as_view(),
        {"kind": "change-poa"},
        name="change_poa",
    ),
    path(
        "<int:pk>/documents/<int:doc_pk>/",
        views.DocumentView.as_view(),
        {"kind": "document"},
        name="document",
    ),
]
