from django.urls import path

from . import api

urlpatterns = [
    path("summaries/", api.MonthView.as_view(), name="summaries-month"),
    path("summaries/deadline/", api.DeadlineView.as_view(), name="summaries-deadline"),
    path("summaries/forms/<int:pk>/", api.FormView.as_view(), name="summaries-form"),
    path("summaries/forms/<int:pk>/submit/", api.FormSubmitView.as_view(), name="summaries-form-submit"),
    path(
        "summaries/forms/<int:pk>/resubmit/", api.FormResubmitView.as_view(), name="summaries-form-resubmit"
    ),
    path("summaries/forms/<int:pk>/ceb701/", api.FormCeb701View.as_view(), name="summaries-form-ceb701"),
]
