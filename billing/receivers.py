from . import tasks
from .signals import order_paid


def queue_receipt(sender, order_id, **kwargs):
    # order_paid is sent after the paying transaction commits: the row is there.
    tasks.issue_receipt.delay(order_id)


order_paid.connect(queue_receipt, dispatch_uid="billing.queue_receipt")
