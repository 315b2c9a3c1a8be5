from django.urls import path

from . import views
from .signatures import views as signature_views

app_name = "declarations"

urlpatterns = [
    path("goods/", views.GoodsListView.as_view(), name="goods_list"),
    path("goods/new/", views.GoodsCreateView.as_view(), name="goods_create"),
    path("goods/<int:pk>/", views.GoodsDetailView.as_view(), name="goods_detail"),
    path("goods/<int:pk>/edit/", views.GoodsEditView.as_view(), name="goods_edit"),
    path("lists/", views.InventoryListView.as_view(), name="inventory_list"),
    path("lists/<int:pk>/", views.InventoryDetailView.as_view(), name="inventory_detail"),
    path("clearance-errors/", views.ClearanceErrorsView.as_view(), name="clearance_errors"),
    path("certificates/", signature_views.CertificateListView.as_view(), name="certificates"),
    path(
        "certificates/<int:pk>/remove/",
        signature_views.CertificateRemoveView.as_view(),
        name="certificate_remove",
    ),
    path(
        "certificates/requirement/", signature_views.RequirementView.as_view(), name="signature_requirement"
    ),
]
