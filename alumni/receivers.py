from courses.signals import course_completed

from . import tasks


def queue_alumni_status(sender, enrollment_id, **kwargs):
    # course_completed is sent after the completing transaction commits: the row is there.
    tasks.grant_alumni_status.delay(enrollment_id)


course_completed.connect(queue_alumni_status, dispatch_uid="alumni.queue_alumni_status")
