"""The receipt PDF: rendered with WeasyPrint from the order's snapshot only.

Lines, amounts, buyer details and the receipt number were fixed when the order was paid;
a re-render years later (a lost file, a refund mark) prints the same facts. The only live
fact is the status: a refunded order's receipt says "Refunded".
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation

from .models import OrderStatus
from .money import format_money

TEMPLATE_NAME = "billing/pdf/receipt.html"


class ReceiptRenderer:
    """Turns one paid order into receipt HTML and PDF bytes in ``language``."""

    template_name = TEMPLATE_NAME

    def __init__(self, order, language="en"):
        self.order = order
        self.language = language or "en"

    def money(self, amount_minor):
        return format_money(amount_minor, self.order.currency, locale=self.language)

    def context(self):
        order = self.order
        paid_at = timezone.localtime(order.paid_at) if order.paid_at else None
        refunds = [refund for payment in order.payments.all() for refund in payment.refunds.all()]
        refunded_minor = sum(refund.amount_minor for refund in refunds)
        return {
            "order": order,
            "seller": settings.BILLING_SELLER,
            "receipt_number": order.receipt_number,
            "buyer_name": order.buyer_name,
            "buyer_email": order.buyer_email,
            "buyer_country": order.buyer_country,
            "lines": [
                {"description": line.description, "amount": self.money(line.amount_minor)} for line in order.lines.all()
            ],
            "subtotal": self.money(order.subtotal_minor),
            "discount": self.money(order.discount_minor) if order.discount_minor else "",
            "coupon_code": order.coupon.code if order.coupon_id else "",
            "total": self.money(order.total_minor),
            "currency": order.currency,
            "paid_on": dateformat.format(paid_at, "j F Y") if paid_at else "",
            "provider": order.provider,
            "is_refunded": order.status == OrderStatus.REFUNDED or refunded_minor > 0,
            "refunded": self.money(refunded_minor) if refunded_minor else "",
            "fully_refunded": order.status == OrderStatus.REFUNDED,
        }

    def html(self):
        with translation.override(self.language):
            return render_to_string(self.template_name, self.context())

    def pdf(self, base_url=None):
        # Imported here: WeasyPrint loads Pango and fontconfig, which most processes never need.
        from weasyprint import HTML

        return HTML(string=self.html(), base_url=base_url).write_pdf()
