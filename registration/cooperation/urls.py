from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("enterprise-info/", views.EnterpriseInfoView.as_view(), name="enterprise_info"),
    path("annual-report/", views.AnnualReportView.as_view(), name="annual_report"),
    path("annual-report/check/", views.AnnualReportCheckView.as_view(), name="annual_report_check"),
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("questions/", views.QuestionListView.as_view(), name="questions"),
    path("questions/new/", views.QuestionCreateView.as_view(), name="question_new"),
    path("questions/<int:pk>/", views.QuestionDetailView.as_view(), name="question_detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("clearance-errors/", views.ClearanceErrorsView.as_view(), name="clearance_errors"),
]
