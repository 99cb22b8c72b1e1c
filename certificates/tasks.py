from celery import shared_task

from . import services


@shared_task
def issue_certificate(enrollment_id):
    """Issue (once) and render the certificate of a completed enrollment."""
    certificate = services.issue_certificate(enrollment_id)
    if certificate is not None and not certificate.pdf:
        services.render_pdf(certificate.pk)
    return certificate.serial if certificate else None


@shared_task
def render_certificate_pdf(certificate_id):
    services.render_pdf(certificate_id)


@shared_task
def render_batch(job_id, certificate_ids):
    services.render_batch(job_id, certificate_ids)


@shared_task
def render_transcript(user_id):
    return services.render_transcript(user_id)
