from django.urls import path

from . import api

urlpatterns = [
    path("receipts/", api.ReceiptListView.as_view(), name="receipts"),
]
