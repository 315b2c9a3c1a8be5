from django.urls import path

from . import views

app_name = "transit"

urlpatterns = [
    path("auto-declaration/", views.AutoDeclarationView.as_view(), name="auto_declaration"),
    path("lists/<int:pk>/trade-document/", views.TradeDocumentView.as_view(), name="trade_document"),
]
