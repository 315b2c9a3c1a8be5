from django.urls import path

from . import views

app_name = "summaries"

urlpatterns = [
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("month.csv", views.MonthCsvView.as_view(), name="month_csv"),
    path("month.json", views.MonthJsonView.as_view(), name="month_json"),
    path("forms/<int:pk>/", views.FormDetailView.as_view(), name="form_detail"),
    path("forms/<int:pk>/submit/", views.FormSubmitView.as_view(), name="form_submit"),
    path("forms/<int:pk>/resubmit/", views.FormResubmitView.as_view(), name="form_resubmit"),
    path("forms/<int:pk>/form.pdf", views.FormPdfView.as_view(), name="form_pdf"),
    path("forms/<int:pk>/ceb701.xml", views.FormCeb701View.as_view(), name="form_ceb701"),
]
