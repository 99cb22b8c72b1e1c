from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("checkout/", views.start_checkout, name="checkout"),
    path("currency/", views.set_currency, name="set_currency"),
    path("orders/<uuid:reference>/", views.checkout_return, name="checkout_return"),
    path("orders/<uuid:reference>/status.json", views.order_status, name="order_status"),
    path("sandbox/checkout/<str:session>/", views.sandbox_checkout, name="sandbox_checkout"),
    path("webhooks/<slug:provider>/", views.webhook, name="webhook"),
    path("passes/", views.passes, name="passes"),
    path("passes/<int:subscription_id>/cancel/", views.cancel_pass, name="cancel_pass"),
]
