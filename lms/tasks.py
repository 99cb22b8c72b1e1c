from celery import shared_task
from django.db import connection


@shared_task
def health_check():
    """Prove a worker can reach the broker and the database (used by ops and the CI worker test)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (database_ok,) = cursor.fetchone()
    return {"database": database_ok == 1, "vendor": connection.vendor}
