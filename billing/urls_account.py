from django.urls import path

from . import views_account

app_name = "billing_account"
urlpatterns = [
    path("redeem/", views_account.redeem, name="redeem"),
    path("orders/", views_account.orders, name="orders"),
    path("orders/<uuid:reference>/receipt.pdf", views_account.receipt_pdf, name="receipt"),
]
