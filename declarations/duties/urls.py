from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("", views.DutyFormListView.as_view(), name="form_list"),
    path("<int:pk>/", views.DutyFormDetailView.as_view(), name="form_detail"),
    path("<int:pk>/pay/", views.PayView.as_view(), name="pay"),
    path("<int:pk>/receipt.pdf", views.ReceiptPdfView.as_view(), name="receipt_pdf"),
    path("payments/callback/", views.payment_callback, name="payment_callback"),
    path("sandbox/<str:ref>/", views.SandboxCheckoutView.as_view(), name="sandbox_checkout"),
]
