"""Receipts: a number from a yearly sequence, a PDF rendered from the order's snapshot, one e-mail.

``issue_receipt`` is what the Celery task runs when an order is paid; every step is safe to
run twice (the number is given once, the e-mail is sent once: ``receipt_emailed_at``).
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.accounts.services import interface_language

from ..exceptions import BillingError
from ..models import Order, OrderStatus, ReceiptSequence
from ..receipts import ReceiptRenderer

RECEIPT_STATUSES = (OrderStatus.PAID, OrderStatus.REFUNDED)


def _next_number(year):
    """The next number of ``year``, taken under a row lock so two workers never share one."""
    try:
        with transaction.atomic():
            ReceiptSequence.objects.create(year=year)
    except IntegrityError:  # the year's row exists already (or a concurrent run just made it)
        pass
    sequence = ReceiptSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def format_receipt_number(year, number):
    return f"{settings.BILLING_RECEIPT_PREFIX}-{year}-{number:06d}"


def assign_receipt_number(order_id):
    """Give a paid order its receipt number (once) and complete its buyer snapshot."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("user").get(pk=order_id)
        if order.status not in RECEIPT_STATUSES or order.paid_at is None:
            raise BillingError(_("Only a paid order has a receipt."))
        if order.receipt_number:
            return order
        year = timezone.localtime(order.paid_at).year
        order.receipt_number = format_receipt_number(year, _next_number(year))
        fields = ["receipt_number"]
        # Checkout snapshots the buyer; fill what it left empty from the account, now, once.
        profile = getattr(order.user, "profile", None)
        if not order.buyer_name:
            order.buyer_name = order.user.display_name
            fields.append("buyer_name")
        if not order.buyer_email:
            order.buyer_email = order.user.email
            fields.append("buyer_email")
        if not order.buyer_country and profile and profile.country:
            order.buyer_country = str(profile.country)
            fields.append("buyer_country")
        order.save(update_fields=fields)
    return order


def buyer_language(order):
    """The buyer's interface language, else the default: a receipt half in English and half in
    Django's own Vietnamese words would be worse than one in English."""
    profile = getattr(order.user, "profile", None)
    return interface_language(profile.preferred_language if profile else "") or settings.LANGUAGE_CODE


def _order_for_receipt(order_id):
    return (
        Order.objects.select_related("user__profile", "coupon")
        .prefetch_related("lines", "payments__refunds")
        .get(pk=order_id)
    )


def render_receipt(order_id):
    """Render the PDF from the snapshot into ``order.receipt_pdf`` (again, if it exists: a refund mark)."""
    order = _order_for_receipt(order_id)
    if not order.receipt_number:
        raise BillingError(_("The order has no receipt number yet."))
    pdf = ReceiptRenderer(order, language=buyer_language(order)).pdf()
    if order.receipt_pdf:
        order.receipt_pdf.delete(save=False)
    order.receipt_pdf.save(f"{order.receipt_number}.pdf", ContentFile(pdf), save=False)
    Order.objects.filter(pk=order.pk).update(receipt_pdf=order.receipt_pdf.name)
    return order


def email_receipt(order_id):
    """Send the receipt with its PDF to the buyer, once. Returns True if it was sent now."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.receipt_emailed_at or not order.receipt_pdf:
            return False
        order = _order_for_receipt(order_id)
        site = (getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
        with translation.override(buyer_language(order)):
            subject = _("Your MKA e-class receipt %(number)s") % {"number": order.receipt_number}
            body = render_to_string(
                "billing/email/receipt.txt",
                {"order": order, "total": order.total_display, "orders_url": site + reverse("billing_account:orders")},
            )
        message = EmailMessage(subject, body, to=[order.buyer_email or order.user.email])
        with order.receipt_pdf.open("rb") as handle:
            message.attach(f"{order.receipt_number}.pdf", handle.read(), "application/pdf")
        # Sent inside the lock: a concurrent run waits, then sees receipt_emailed_at set.
        message.send()
        Order.objects.filter(pk=order.pk).update(receipt_emailed_at=timezone.now())
    return True


def issue_receipt(order_id):
    """Number, render and e-mail the receipt of a paid order. Safe to run twice."""
    order = Order.objects.filter(pk=order_id).only("status", "receipt_pdf", "paid_at").first()
    if order is None or order.status not in RECEIPT_STATUSES or order.paid_at is None:
        return None
    assign_receipt_number(order_id)
    if not order.receipt_pdf:
        render_receipt(order_id)
    email_receipt(order_id)
    return Order.objects.get(pk=order_id)


def receipt_of(user, reference):
    """The buyer's own order with a receipt, or None (someone else's order is None too)."""
    return Order.objects.filter(user=user, reference=reference, receipt_number__isnull=False).first()
