from django.apps import AppConfig


class BillingConfig(AppConfig):
    verbose_name = "Billing"
    name = "billing"

    def ready(self):
        from . import receivers  # noqa: F401
