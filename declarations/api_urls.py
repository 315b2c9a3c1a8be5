from django.urls import path

from . import api
from .inbox import api as inbox_api

urlpatterns = [
    path("messages/", api.MessageIntakeView.as_view(), name="ceb-messages"),
    path("messages/<uuid:guid>/", inbox_api.InboxMessageView.as_view(), name="inbox-message"),
    path("orders/", api.OrderIntakeView.as_view(), name="ceb-orders"),
    path("payments/", api.PaymentIntakeView.as_view(), name="ceb-payments"),
    path("waybills/", api.WaybillIntakeView.as_view(), name="ceb-waybills"),
    path("inventories/", api.InventoryView.as_view(), name="ceb-inventories"),
    path("inventory-cancels/", api.InventoryCancelIntakeView.as_view(), name="ceb-inventory-cancels"),
    path("departures/", api.DepartureIntakeView.as_view(), name="ceb-departures"),
    path("waybill-summaries/", api.WaybillSummaryIntakeView.as_view(), name="ceb-waybill-summaries"),
    path("arrivals/", api.ArrivalIntakeView.as_view(), name="ceb-arrivals"),
    path("inventory-returns/", api.RefundIntakeView.as_view(), name="ceb-inventory-returns"),
    path("goods/", api.GoodsListCreateView.as_view(), name="goods-list"),
    path("goods/<int:pk>/", api.GoodsDetailView.as_view(), name="goods-detail"),
]
