from courses.signals import course_completed

from . import tasks


def queue_certificate(sender, enrollment_id, **kwargs):
    # course_completed is sent after the completing transaction commits: the row is there.
    tasks.issue_certificate.delay(enrollment_id)


course_completed.connect(queue_certificate, dispatch_uid="certificates.queue_certificate")
