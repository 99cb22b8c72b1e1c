from celery import shared_task

from .providers.base import ProviderError
from .services import receipts, subscriptions


@shared_task
def issue_receipt(order_id):
    """Number, render and e-mail the receipt of a paid order (once, whatever the retries)."""
    order = receipts.issue_receipt(order_id)
    return order.receipt_number if order else None


@shared_task
def render_receipt(order_id):
    """Render the receipt PDF again (after a refund, the PDF says so); sends no e-mail."""
    receipts.render_receipt(order_id)


@shared_task
def send_seat_invitation(seat_id):
    from .services.seats import send_invitation

    return send_invitation(seat_id)


@shared_task(autoretry_for=(ProviderError,), retry_backoff=60, retry_backoff_max=3600, max_retries=12)
def stop_renewal_at_provider(subscription_id):
    """Tell the provider that a deleted account's pass must not renew (retried for about half a day)."""
    subscriptions.stop_renewal_at_provider(subscription_id)
