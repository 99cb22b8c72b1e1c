from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = "Accounts and trainee profiles"

    def ready(self):
        from . import receivers  # noqa: F401
