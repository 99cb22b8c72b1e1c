from celery import shared_task

from . import exam_services


@shared_task
def close_expired_exam_attempts():
    """Grade and close attempts abandoned after their time ran out (every minute, by beat)."""
    return exam_services.close_expired_attempts()
