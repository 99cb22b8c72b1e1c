"""The annual track pass as a subscription: renewals extend access, cancelling stops renewals."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import BillingError
from ..models import Order, OrderLine, OrderStatus, Payment, PaymentState, Subscription, SubscriptionStatus
from ..providers import get_provider
from ..signals import order_paid
from . import entitlements
from .checkout import extend_to


def record_renewal(subscription, *, invoice_reference, charge_reference="", amount_minor=None, currency="", period_end):
    """A renewal invoice was paid: access to the new period end, and (once per invoice) a paid
    renewal order with its payment, which gets a receipt like any order."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().select_related("order", "offer").get(pk=subscription.pk)
        if not Payment.objects.filter(provider=subscription.provider, provider_reference=invoice_reference).exists():
            _renewal_order(subscription, invoice_reference, charge_reference, amount_minor, currency)
        if subscription.status != SubscriptionStatus.ENDED:
            extend_to(subscription, period_end)
    return subscription


def _renewal_order(subscription, invoice_reference, charge_reference, amount_minor, currency):
    first = subscription.order
    amount = amount_minor if amount_minor is not None else first.subtotal_minor
    currency = currency or first.currency
    order = Order.objects.create(
        user=first.user,
        status=OrderStatus.PAID,
        paid_at=timezone.now(),
        currency=currency,
        subtotal_minor=amount,
        total_minor=amount,
        provider=subscription.provider,
        provider_reference=invoice_reference,
        renews=subscription,
        buyer_name=first.buyer_name,
        buyer_email=first.buyer_email,
        buyer_country=first.buyer_country,
    )
    offer = subscription.offer
    # Stored data, like the offer title it repeats: not in the language of whoever sent the webhook.
    OrderLine.objects.create(order=order, offer=offer, description=f"{offer.title} (renewal)", amount_minor=amount)
    Payment.objects.create(
        order=order,
        provider=subscription.provider,
        provider_reference=invoice_reference,
        provider_charge=charge_reference,
        state=PaymentState.SUCCEEDED,
        amount_minor=amount,
        currency=currency,
    )
    transaction.on_commit(lambda: order_paid.send(sender=Order, order_id=order.pk))
    return order


def update_from_provider(subscription, *, cancel_at_period_end, period_end=None):
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.status == SubscriptionStatus.ENDED:
            return subscription
        subscription.status = SubscriptionStatus.CANCELING if cancel_at_period_end else SubscriptionStatus.ACTIVE
        subscription.save(update_fields=["status"])
        extend_to(subscription, period_end)
    return subscription


def end_subscription(subscription, *, reason=None):
    """The provider ended the subscription: access ends now (at the latest, its period end)."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        now = timezone.now()
        if subscription.status != SubscriptionStatus.ENDED:
            subscription.status = SubscriptionStatus.ENDED
            subscription.ended_at = now
            subscription.save(update_fields=["status", "ended_at"])
        # Entitlements whose period already ran out keep their natural end.
        live = subscription.entitlements.filter(ends_at__gt=now) | subscription.entitlements.filter(
            ends_at__isnull=True
        )
        entitlements.end(live, reason=reason or _("Subscription ended"), at=now)
    return subscription


def cancel_subscription(user, subscription):
    """The trainee stops renewals; access lasts to the end of the paid year."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=subscription.pk, user=user).first()
        if subscription is None:
            raise BillingError(_("This pass is not yours."))
        if subscription.status != SubscriptionStatus.ACTIVE:
            raise BillingError(_("This pass already ends at the end of its paid period."))
        get_provider(subscription.provider).cancel_subscription(subscription, at_period_end=True)
        subscription.status = SubscriptionStatus.CANCELING
        subscription.save(update_fields=["status"])
    return subscription


def stop_renewals_of(user):
    """Account deletion: no pass of a deleted account renews. The rows are marked at once, inside
    the deletion's transaction; the provider is told by a task after commit, which retries, so a
    payment service that is down for a minute does not block or undo the deletion."""
    from ..tasks import stop_renewal_at_provider

    ids = list(
        Subscription.objects.select_for_update()
        .filter(user=user, status=SubscriptionStatus.ACTIVE)
        .values_list("pk", flat=True)
    )
    Subscription.objects.filter(pk__in=ids).update(status=SubscriptionStatus.CANCELING)
    for subscription_id in ids:
        # robust: the deletion has committed; a failure here is logged, never shown as an error page.
        transaction.on_commit(
            lambda subscription_id=subscription_id: stop_renewal_at_provider.delay(subscription_id), robust=True
        )
    return ids


def stop_renewal_at_provider(subscription_id):
    subscription = Subscription.objects.filter(pk=subscription_id, status=SubscriptionStatus.CANCELING).first()
    if subscription is not None:  # ended meanwhile (the webhook came first): nothing left to stop
        get_provider(subscription.provider).cancel_subscription(subscription, at_period_end=True)


def subscriptions_of(user):
    return (
        Subscription.objects.filter(user=user)
        .exclude(status=SubscriptionStatus.ENDED)
        .select_related("offer", "order")
        .order_by("-created_at")
    )
