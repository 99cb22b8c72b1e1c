"""What billing holds about a trainee: for the data download and for account deletion
(see lms.accounts.personal_data).

Deletion keeps every financial record: orders, their lines, payments, refunds, receipt
numbers, entitlements, subscriptions and redeemed seat codes stay, because the accountants
(and a sponsor's seat report) must still add up. What names the person goes: the buyer's
name and e-mail snapshotted on each order (the buyer's country stays, for the tax report),
the receipt PDFs that print them (the accountants keep the numbered order rows; a PDF can
be rendered again from the anonymised snapshot), and the invited e-mail on seat codes the
person redeemed.

A track pass that still renews is stopped at the end of its paid period (the provider is told
by a task after commit): a deleted account is never charged again. Access is not revoked; the
account can no longer log in anyway.
"""

from django.core.files.storage import default_storage
from django.db import transaction

from lms.accounts.personal_data import iso

from .models import Entitlement, Order, SeatCode, Subscription
from .services.subscriptions import stop_renewals_of


def _scope(entitlement):
    target = entitlement.course or entitlement.track or entitlement.bundle
    return target.title if target else ""


def export_billing(user):
    orders = (
        Order.objects.filter(user=user)
        .select_related("coupon")
        .prefetch_related("lines", "payments")
        .order_by("created_at")
    )
    entitlements = (
        Entitlement.objects.filter(user=user).select_related("course", "track", "bundle").order_by("created_at")
    )
    subscriptions = Subscription.objects.filter(user=user).select_related("offer", "order")
    seat_codes = SeatCode.objects.filter(redeemed_by=user).select_related("pool__sponsor", "pool__offer")
    return {
        "orders": [
            {
                "reference": str(order.reference),
                "status": order.status,
                "created_at": iso(order.created_at),
                "paid_at": iso(order.paid_at),
                "refunded_at": iso(order.refunded_at),
                "currency": order.currency,
                "subtotal_minor": order.subtotal_minor,
                "discount_minor": order.discount_minor,
                "total_minor": order.total_minor,
                "total": order.total_display,
                "coupon": order.coupon.code if order.coupon else "",
                "payment_provider": order.provider,
                "receipt_number": order.receipt_number or "",
                "buyer_name": order.buyer_name,
                "buyer_email": order.buyer_email,
                "buyer_country": order.buyer_country,
                "lines": [
                    {"description": line.description, "amount_minor": line.amount_minor} for line in order.lines.all()
                ],
                "payments": [
                    {
                        "state": payment.state,
                        "amount_minor": payment.amount_minor,
                        "currency": payment.currency,
                        "created_at": iso(payment.created_at),
                    }
                    for payment in order.payments.all()
                ],
            }
            for order in orders
        ],
        "entitlements": [
            {
                "access_to": _scope(entitlement),
                "source": entitlement.source,
                "starts_at": iso(entitlement.starts_at),
                "ends_at": iso(entitlement.ends_at),
                "revoked_at": iso(entitlement.revoked_at),
                "revoke_reason": entitlement.revoke_reason,
                "order": str(entitlement.order.reference) if entitlement.order_id else None,
            }
            for entitlement in entitlements
        ],
        "subscriptions": [
            {
                "offer": subscription.offer.title,
                "order": str(subscription.order.reference),
                "status": subscription.status,
                "current_period_end": iso(subscription.current_period_end),
                "ended_at": iso(subscription.ended_at),
                "created_at": iso(subscription.created_at),
            }
            for subscription in subscriptions.order_by("created_at")
        ],
        "seat_codes_redeemed": [
            {
                "code": seat.code,
                "sponsor": seat.pool.sponsor.name,
                "offer": seat.pool.offer.title,
                "redeemed_at": iso(seat.redeemed_at),
            }
            for seat in seat_codes.order_by("redeemed_at")
        ],
    }


def anonymise_billing(user):
    files = []
    for order in Order.objects.filter(user=user).select_for_update():
        if order.receipt_pdf:
            files.append(order.receipt_pdf.name)
        Order.objects.filter(pk=order.pk).update(buyer_name="", buyer_email="", receipt_pdf="")
    SeatCode.objects.filter(redeemed_by=user).update(invited_email="")
    stop_renewals_of(user)
    # Files go only once the rows are committed: a rolled-back deletion keeps its PDFs.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
