
"""The trainee's side of billing that needs no payment: seat codes, order history, receipts."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from courses.models import CoursePage
from lms.http import safe_next_url

from .models import Entitlement, Order, Subscription, SubscriptionStatus
from .services import receipts, seats


class RedeemForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Seat code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "placeholder": "ABCD-EFGH-JKMN",
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)




def _seat_redeem_rate(group, request):
    return settings.SEAT_REDEEM_RATE


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(group="seat-redeem", key="user", rate=_seat_redeem_rate, method="POST", block=False)
def redeem(request):
    form = RedeemForm(
        request.POST or None, initial={"code": request.GET.get("code", ""), "next": request.GET.get("next", "")}
    )
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            messages.error(request, _("Too many attempts. Wait a minute, then try again."))
            return render(request, "billing/redeem.html", {"form": form}, status=429)
        if form.is_valid():
            try:
                result = seats.redeem(request.user, form.cleaned_data["code"])
            except seats.SeatError as error:
                form.add_error("code", str(error))
                status = 400
            else:
                return _redeemed(request, result, safe_next_url(request, target=form.cleaned_data["next"]))
    return render(request, "billing/redeem.html", {"form": form}, status=status)


def _redeemed(request, result, next_url):
    titles = ", ".join(course.title for course in result.courses)
    if result.already_yours:
        messages.info(request, _("This code is already yours. It opened: %(courses)s.") % {"courses": titles})
    else:
        messages.success(request, _("Your sponsored seat is ready. It opened: %(courses)s.") % {"courses": titles})
    course_urls = [course.url for course in result.courses]
    if next_url and next_url in course_urls:
        return redirect(next_url)
    if len(course_urls) == 1:
        return redirect(course_urls[0])
    # A code for other courses than the page it was typed on, or several courses: list them all.
    return redirect(reverse("billing_account:orders") + "#access")


def _cancel_url(subscription):
    return reverse("billing:cancel_pass", args=[subscription.pk])


def active_access(user):
    """The trainee's active entitlements with where they lead, for the orders page and the dashboard."""
    entitlements = (
        Entitlement.objects.active()
        .filter(user=user)
        .select_related("course", "track", "bundle", "seat__pool__sponsor")
        .prefetch_related(
            Prefetch("bundle__courses", queryset=CoursePage.objects.live().order_by("path"), to_attr="live_courses")
        )
        .order_by("ends_at", "-created_at")
    )
    items = []
    for entitlement in entitlements:
        if entitlement.course_id:
            title, url = entitlement.course.title, entitlement.course.url
            courses = []
        elif entitlement.track_id:
            title, url = entitlement.track.title, entitlement.track.url
            courses = []
        else:
            title, url = entitlement.bundle.title, ""
            courses = entitlement.bundle.live_courses
        items.append({"entitlement": entitlement, "title": title, "url": url, "courses": courses})
    return items


@login_required
def orders(request):
    user_orders = Order.objects.filter(user=request.user).prefetch_related("lines").order_by("-created_at")
    subscriptions = [
        {"subscription": subscription, "cancel_url": _cancel_url(subscription)}
        for subscription in Subscription.objects.filter(user=request.user)
        .exclude(status=SubscriptionStatus.ENDED)
        .select_related("offer")
    ]
    return render(
        request,
        "billing/orders.html",
        {"orders": user_orders, "access": active_access(request.user), "subscriptions": subscriptions},
    )


@login_required
def receipt_pdf(request, reference):
    order = receipts.receipt_of(request.user, reference)
    if order is None:
        raise Http404  # another person's order looks exactly like a missing one
    if not order.receipt_pdf:
        messages.info(request, _("Your receipt is being prepared. Try again in a minute."))
        return redirect("billing_account:orders")
    response = FileResponse(order.receipt_pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{order.receipt_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
