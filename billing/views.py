
"""Checkout pages: buy, the return page that waits for the provider, the sandbox's TEST MODE
page, the webhook endpoint and the trainee's passes. Thin: the rules are in services."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lms.http import safe_next_url

from .exceptions import BillingError
from .models import Currency, Offer, Order, OrderStatus, Subscription
from .providers import ProviderError, WebhookError, get_provider
from .providers.sandbox import SandboxProvider
from .services import checkout as checkout_services
from .services import subscriptions as subscription_services
from .services.webhooks import handle_event

logger = logging.getLogger(__name__)

CURRENCY_SESSION_KEY = "billing_currency"


def chosen_currency(request):
    """The currency the buyer picked (kept in the session), else one from their profile."""
    chosen = request.session.get(CURRENCY_SESSION_KEY)
    return chosen if chosen in Currency.values else checkout_services.default_currency(request.user)




def _landing_url(offer):
    """Where a buyer of ``offer`` goes back to: the course, the track, or the bundle's first course."""
    if offer.course_id:
        return offer.course.url
    if offer.track_id:
        return offer.track.url
    first = offer.courses.live().first()
    return first.url if first else "/"


@require_POST
def set_currency(request):
    currency = request.POST.get("currency", "")
    if currency in Currency.values:
        request.session[CURRENCY_SESSION_KEY] = currency
    return redirect(safe_next_url(request, "/"))


@require_POST
@login_required
def start_checkout(request):
    # The buy button names the offer and the currency of the price it showed: "12:KRW".
    offer_id, _sep, currency = request.POST.get("offer", "").partition(":")
    # ASCII digits only, and few of them: "²" is a digit to str.isdigit() and 400 nines overflow the id.
    valid_id = offer_id.isascii() and offer_id.isdigit() and len(offer_id) <= 18
    offer = Offer.objects.available().filter(pk=offer_id).first() if valid_id else None
    if offer is None:
        messages.error(request, _("This offer is no longer on sale."))
        return redirect(safe_next_url(request, "/"))
    back = safe_next_url(request, _landing_url(offer))
    currency = currency or chosen_currency(request)
    try:
        started = checkout_services.start_checkout(
            request.user,
            offer,
            currency=currency,
            coupon_code=request.POST.get("coupon", ""),
            site_url=request.build_absolute_uri("/"),
        )
    except checkout_services.ProfileRequired as error:
        messages.info(request, str(error))
        return redirect(reverse("accounts:profile") + "?" + urlencode({"next": back}))
    except (BillingError, ProviderError) as error:
        messages.error(request, str(error))
        return redirect(back)
    return redirect(started.redirect_url)


def _own_order(request, reference):
    return get_object_or_404(
        Order.objects.select_related("coupon").prefetch_related("lines__offer"), reference=reference, user=request.user
    )


STATE_MESSAGES = {
    OrderStatus.PENDING: _("Waiting for the payment to be confirmed…"),
    OrderStatus.PAID: _("Payment received. Your access is open."),
    OrderStatus.FAILED: _("The payment did not go through. Nothing was charged."),
    OrderStatus.CANCELED: _("This checkout was replaced or cancelled. Nothing was charged."),
    OrderStatus.REFUNDED: _("This order was refunded."),
}


def _status_payload(order):
    return {
        "status": order.status,
        "label": order.get_status_display(),
        "message": str(STATE_MESSAGES[order.status]),
        "final": order.status != OrderStatus.PENDING,
    }


@never_cache
@login_required
def checkout_return(request, reference):
    """Where the provider sends the buyer back. It shows the order's state; it grants nothing."""
    order = _own_order(request, reference)
    lines = list(order.lines.all())
    offer = lines[0].offer if lines else None
    context = {
        "order": order,
        "lines": lines,
        "offer": offer,
        "landing_url": _landing_url(offer) if offer else "/",
        "state": _status_payload(order),
        "left_checkout": request.GET.get("cancelled") == "1" and order.status == OrderStatus.PENDING,
        "bundle_courses": list(offer.courses.live()) if offer and offer.kind == "bundle" else [],
    }
    return render(request, "billing/checkout_return.html", context)


@never_cache
@require_GET
@login_required
def order_status(request, reference):
    return JsonResponse(_status_payload(_own_order(request, reference)))


@never_cache
@login_required
def sandbox_checkout(request, session):
    """The sandbox's payment page (TEST MODE): pay or decline, through the real event path."""
    order = get_object_or_404(
        Order.objects.prefetch_related("lines__offer"), provider_reference=session, user=request.user
    )
    try:
        provider = get_provider(order.provider)
    except LookupError:
        raise Http404 from None
    if not isinstance(provider, SandboxProvider):
        raise Http404
    if request.method == "POST":
        if order.status == OrderStatus.PENDING:
            action = request.POST.get("action")
            if action == "pay":
                handle_event(provider.paid_event(order))
            elif action == "decline":
                handle_event(provider.declined_event(order))
            else:
                return HttpResponseBadRequest("action must be pay or decline")
        return redirect("billing:checkout_return", order.reference)
    return render(request, "billing/sandbox_checkout.html", {"order": order, "lines": list(order.lines.all())})


@csrf_exempt
@require_POST
def webhook(request, provider):
    """Provider webhooks: verified, recorded once, applied. Unknown event types get a 200."""
    try:
        provider = get_provider(provider)
    except LookupError:
        raise Http404 from None
    except ProviderError:
        return HttpResponse("provider not configured", status=503)
    try:
        event = provider.parse_webhook(request)
    except WebhookError as error:
        logger.warning("Rejected a %s webhook: %s", provider.name, error)
        return HttpResponseBadRequest("invalid webhook")
    result = handle_event(event)
    return JsonResponse({"received": True, "result": result})


@login_required
def passes(request):
    return render(
        request, "billing/passes.html", {"subscriptions": subscription_services.subscriptions_of(request.user)}
    )


@require_POST
@login_required
def cancel_pass(request, subscription_id):
    subscription = get_object_or_404(Subscription, pk=subscription_id, user=request.user)
    try:
        subscription = subscription_services.cancel_subscription(request.user, subscription)
    except (BillingError, ProviderError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Your pass will not renew. You keep access until the end of the paid year."),
        )
    return redirect("billing:passes")
