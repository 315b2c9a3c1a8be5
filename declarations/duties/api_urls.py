from django.urls import path

from . import api

urlpatterns = [
    path("duties/forms/", api.FormListView.as_view(), name="duties-forms"),
    path("duties/forms/<int:pk>/", api.FormView.as_view(), name="duties-form"),
    path("duties/forms/<int:pk>/pay/", api.PayView.as_view(), name="duties-form-pay"),
]
