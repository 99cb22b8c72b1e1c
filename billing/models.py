"""Offers and what they cost; orders, payments and the webhook ledger; entitlements;
coupons; sponsors and their seat codes.

Money is always an integer of minor units beside its currency (see ``billing.money``).
Access is decided from ``Entitlement`` rows only: an order, a subscription, a seat or a
staff grant each create one, and ending them (refund, subscription end) ends access while
leaving progress and certificates alone.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from .money import Currency, format_money

# --- Offers --------------------------------------------------------------------------


class OfferKind(models.TextChoices):
    COURSE = "course", _("Single course")
    TRACK_PASS = "track_pass", _("Annual track pass")
    BUNDLE = "bundle", _("Bundle of courses")


class OfferQuerySet(models.QuerySet):
    def available(self):
        return self.filter(is_active=True)


class Offer(ClusterableModel):
    """Something a trainee can buy: one course, a yearly pass for a track, or a bundle."""

    kind = models.CharField(_("kind"), max_length=20, choices=OfferKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a single-course offer."),
    )
    track = models.ForeignKey(
        "courses.TrackPage",
        verbose_name=_("track"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an annual pass: every advanced course in this track, including ones added later."),
    )
    courses = ParentalManyToManyField(
        "courses.CoursePage",
        verbose_name=_("courses in the bundle"),
        blank=True,
        related_name="+",
    )
    access_days = models.PositiveIntegerField(
        _("access period (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for unlimited access. An annual pass renews every 365 days."),
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("title"),
                FieldPanel("description"),
                FieldPanel("is_active"),
            ],
            heading=_("Offer"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("course"),
                FieldPanel("track"),
                FieldPanel("courses"),
                FieldPanel("access_days"),
            ],
            heading=_("What it unlocks"),
        ),
        InlinePanel("prices", heading=_("Prices"), label=_("Price"), min_num=1),
    ]

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                name="offer_target_matches_kind",
                condition=(
                    Q(kind=OfferKind.COURSE, course__isnull=False, track__isnull=True)
                    | Q(kind=OfferKind.TRACK_PASS, track__isnull=False, course__isnull=True)
                    | Q(kind=OfferKind.BUNDLE, course__isnull=True, track__isnull=True)
                ),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_subscription(self):
        return self.kind == OfferKind.TRACK_PASS

    def price_in(self, currency):
        return next((price for price in self.prices.all() if price.currency == currency), None)


class OfferPrice(Orderable):
    offer = ParentalKey(Offer, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount_minor = models.PositiveBigIntegerField(
        _("amount in minor units"),
        help_text=_("Cents for USD and EUR, won for KRW: 4900 USD means $49.00."),
    )

    panels = [FieldRowPanel([FieldPanel("currency"), FieldPanel("amount_minor")])]

    class Meta(Orderable.Meta):
        verbose_name = _("price")
        constraints = [models.UniqueConstraint(fields=["offer", "currency"], name="one_price_per_currency")]

    def __str__(self):
        return format_money(self.amount_minor, self.currency)


# --- Coupons -------------------------------------------------------------------------


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


class Coupon(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("Stored in capitals."))
    kind = models.CharField(_("discount kind"), max_length=10, choices=DiscountKind.choices)
    percent_off = models.PositiveSmallIntegerField(_("percent off"), null=True, blank=True)
    amount_off_minor = models.PositiveBigIntegerField(_("amount off (minor units)"), null=True, blank=True)
    currency = models.CharField(_("currency of the amount off"), max_length=3, choices=Currency.choices, blank=True)
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("only for this offer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="coupons",
        help_text=_("Leave empty for a coupon valid on every offer."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(_("redemption limit"), null=True, blank=True)
    times_redeemed = models.PositiveIntegerField(_("times redeemed"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="coupon_discount_matches_kind",
                condition=(
                    Q(kind=DiscountKind.PERCENT, percent_off__gte=1, percent_off__lte=100)
                    | Q(
                        kind=DiscountKind.FIXED,
                        amount_off_minor__gte=1,
                        currency__in=Currency.values,
                    )
                ),
            )
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


# --- Orders, payments, webhook ledger ------------------------------------------------


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELED = "canceled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Order(models.Model):
    # Public reference: order pages are addressed by it, never by the sequential id.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING,
        db_index=True,
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    subtotal_minor = models.PositiveBigIntegerField(_("subtotal"))
    discount_minor = models.PositiveBigIntegerField(_("discount"), default=0)
    total_minor = models.PositiveBigIntegerField(_("total"))
    coupon = models.ForeignKey(
        Coupon,
        verbose_name=_("coupon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    provider = models.CharField(_("payment provider"), max_length=30)
    # The provider's checkout reference (Stripe Checkout Session id, sandbox session id).
    provider_reference = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True, db_index=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=30, unique=True, null=True, blank=True)
    receipt_pdf = models.FileField(_("receipt PDF"), upload_to="receipts/", blank=True)
    # Set once the receipt went out: a second run of the receipt task sends nothing.
    receipt_emailed_at = models.DateTimeField(_("receipt e-mailed"), null=True, blank=True)
    # Billing details snapshotted at checkout: a receipt must not change when a profile does.
    buyer_name = models.CharField(_("buyer name"), max_length=200, blank=True)
    buyer_email = models.EmailField(_("buyer e-mail"), blank=True)
    buyer_country = models.CharField(_("buyer country"), max_length=2, blank=True)
    # A yearly renewal of a track pass is an order of its own (paid by the provider's invoice),
    # so it has its receipt, its line in the order history and its month in the revenue report.
    renews = models.ForeignKey(
        "Subscription",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal_orders",
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="one_order_per_checkout",
            )
        ]

    def __str__(self):
        return f"{self.reference} ({self.get_status_display()})"

    @property
    def total_display(self):
        return format_money(self.total_minor, self.currency)


class ReceiptSequence(models.Model):
    """The last receipt number given out in a year; its row is locked while the next is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt number sequence")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="order_lines")
    description = models.CharField(_("description"), max_length=300)  # snapshot for the receipt
    amount_minor = models.PositiveBigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("order line")

    def __str__(self):
        return self.description


class PaymentState(models.TextChoices):
    CREATED = "created", _("Created")
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Payment(models.Model):
    """One attempt to pay an order (a checkout session, a renewal invoice)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=30)
    provider_reference = models.CharField(max_length=255)  # session, invoice or payment intent id
    state = models.CharField(max_length=20, choices=PaymentState.choices, default=PaymentState.CREATED)
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    # The charge or payment intent a refund must name.
    provider_charge = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_reference"], name="one_payment_per_provider_ref")
        ]

    def __str__(self):
        return f"{self.provider}:{self.provider_reference} {self.state}"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    provider_reference = models.CharField(max_length=255)
    amount_minor = models.PositiveBigIntegerField()
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payment", "provider_reference"], name="one_refund_per_provider_ref")
        ]


class WebhookEvent(models.Model):
    """Every provider event we processed: the unique id makes a replay a no-op."""

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="one_row_per_event")]

    def __str__(self):
        return f"{self.provider}:{self.event_type}:{self.event_id}"


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELING = "canceling", _("Ends at period end")
    ENDED = "ended", _("Ended")


class Subscription(models.Model):
    """The yearly renewal of a track pass at the provider."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="subscriptions")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="subscriptions")
    provider = models.CharField(max_length=30)
    provider_reference = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    current_period_end = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_reference"], name="one_subscription_per_ref")
        ]


# --- Sponsors and seats --------------------------------------------------------------


class SponsorKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    HOSPITAL = "hospital", _("Hospital")
    REGION = "region", _("Partner region")
    PARTNER = "partner", _("Partner organisation")


class Sponsor(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SponsorKind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sponsor")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SeatPool(models.Model):
    """Seats a sponsor pays for, each unlocking one offer's courses (a course, a track or a bundle)."""

    sponsor = models.ForeignKey(Sponsor, verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="pools")
    offer = models.ForeignKey(Offer, verbose_name=_("unlocks"), on_delete=models.PROTECT, related_name="seat_pools")
    seat_count = models.PositiveIntegerField(_("number of seats"))
    access_days = models.PositiveIntegerField(
        _("access period (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the offer's own period."),
    )
    redeemable_until = models.DateTimeField(_("codes valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seat pool")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.sponsor}: {self.offer} × {self.seat_count}"


def new_seat_code():
    # 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L): easy to type on a phone.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


class SeatCode(models.Model):
    pool = models.ForeignKey(SeatPool, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=20, unique=True, default=new_seat_code)
    invited_email = models.EmailField(_("invited e-mail"), blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seat_codes",
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seat code")
        ordering = ["created_at"]

    def __str__(self):
        return self.code


# --- Entitlements --------------------------------------------------------------------


class EntitlementSource(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    PASS = "pass", _("Track pass")
    BUNDLE = "bundle", _("Bundle")
    SPONSOR_SEAT = "sponsor_seat", _("Sponsored seat")
    STAFF_GRANT = "staff_grant", _("Staff grant")


class EntitlementQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=at).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=at)
        )


class Entitlement(models.Model):
    """Who may study what (a course, a track or a bundle), from when until when, and why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements")
    course = models.ForeignKey("courses.CoursePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey("courses.TrackPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    bundle = models.ForeignKey(
        Offer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundle_entitlements",
        limit_choices_to={"kind": OfferKind.BUNDLE},
    )
    source = models.CharField(_("why"), max_length=20, choices=EntitlementSource.choices)
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: no end."))
    revoked_at = models.DateTimeField(_("ended early"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="entitlements")
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="entitlements"
    )
    seat = models.OneToOneField(SeatCode, null=True, blank=True, on_delete=models.PROTECT, related_name="entitlement")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                name="entitlement_has_exactly_one_scope",
                condition=(
                    Q(course__isnull=False, track__isnull=True, bundle__isnull=True)
                    | Q(course__isnull=True, track__isnull=False, bundle__isnull=True)
                    | Q(course__isnull=True, track__isnull=True, bundle__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.course or self.track or self.bundle} ({self.get_source_display()})"
