from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses and learning"

    def ready(self):
        from . import receivers  # noqa: F401
