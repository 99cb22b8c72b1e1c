from celery import shared_task

from . import newsletter, services


@shared_task
def grant_alumni_status(enrollment_id):
    membership = services.admit_on_completion(enrollment_id)
    return membership.pk if membership else None


# --- Events ---------------------------------------------------------------------------


@shared_task
def send_event_promotion(registration_id):
    """Tell someone who moved up from the waiting list that they have a seat."""
    from . import events

    return events.send_promotion_email(registration_id)


@shared_task
def send_event_reminders():
    """Every few minutes (beat): claim the due 24-hour and 1-hour reminders, send each once."""
    from . import events

    claimed = events.claim_due_reminders()
    for registration_id, kind in claimed:
        send_event_reminder.delay(registration_id, kind)
    return len(claimed)


@shared_task
def send_event_reminder(registration_id, kind):
    from . import events

    return events.send_reminder(registration_id, kind)
@shared_task
def send_newsletter(issue_id):
    """Create the issue's deliveries and queue a task per batch; safe to run again."""
    batches = newsletter.prepare_deliveries(issue_id)
    for delivery_ids in batches:
        send_newsletter_batch.delay(issue_id, delivery_ids)
    return sum(len(batch) for batch in batches)


@shared_task(acks_late=True)
def send_newsletter_batch(issue_id, delivery_ids):
    """Send one batch; a retry skips what was already claimed (at most one e-mail per person)."""
    return newsletter.send_batch(issue_id, delivery_ids)
