from django.dispatch import Signal

# Sent once per enrollment, after the transaction that completed it commits.
# Receivers get ``enrollment_id``, ``user_id`` and ``course_id`` and should queue a task.
course_completed = Signal()
