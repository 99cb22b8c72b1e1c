import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py, plus the project package's own (lms is not an app).
app.autodiscover_tasks()
app.autodiscover_tasks(["lms"])
