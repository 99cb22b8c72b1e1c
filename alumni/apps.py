from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "alumni"
    verbose_name = "Medical Korea Alumni"

    def ready(self):
        from . import receivers  # noqa: F401
