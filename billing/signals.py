from django.dispatch import Signal

# Sent after the transaction that marked an order paid has committed; kwargs: order_id.
# Receipts listen to it, so checkout never imports the receipt code.
order_paid = Signal()
