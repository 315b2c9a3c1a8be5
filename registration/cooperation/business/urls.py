from django.urls import path

from . import views

app_name = "business"

urlpatterns = [
    path("clearance-errors/<int:pk>/contest/", views.ContestCreateView.as_view(), name="contest_new"),
    path("contests/", views.ContestListView.as_view(), name="contests"),
    path("contests/<int:pk>/", views.ContestDetailView.as_view(), name="contest_detail"),
    path("contests/attachments/<int:pk>/", views.contest_attachment_download, name="contest_attachment"),
    path("documents/", views.DocumentsView.as_view(), name="documents"),
    path("documents/registration.pdf", views.RegistrationCertificateView.as_view(), name="registration_pdf"),
    path(
        "documents/authorizations/<int:pk>.pdf",
        views.AuthorizationCertificateView.as_view(),
        name="authorization_pdf",
    ),
    path("join/", views.JoinView.as_view(), name="join"),
    path("members/", views.MembersView.as_view(), name="members"),
    path("members/audit/", views.AuditView.as_view(), name="audit"),
    path("certification/", views.CertificationView.as_view(), name="certification"),
    path("certification/apply/", views.CertificationApplyView.as_view(), name="certification_apply"),
    path("certification/<int:pk>/", views.CertificationDetailView.as_view(), name="certification_detail"),
    path("certification/reports/<int:pk>/", views.certification_report_download, name="certification_report"),
    path("data/", views.DataExportView.as_view(), name="data_export"),
    path("data/<int:pk>/download/", views.DataExportDownloadView.as_view(), name="data_export_download"),
]
