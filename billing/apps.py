from django.apps import AppConfig


class BillingConfig(AppConfig):
    verbose_name = "Billing"
    name = "billing"
