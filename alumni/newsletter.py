"""Newsletters: who receives an issue, the e-mail, sending in batches exactly once per person at
most, and one-click unsubscribe.

Sending: ``start_sending`` records the dispatch and queues ``tasks.send_newsletter``, which
creates one pending ``NewsletterDelivery`` per recipient (unique per issue and person, so a
second run adds nothing) and queues a ``send_newsletter_batch`` task per BATCH_SIZE rows.
A batch claims its pending rows (``select_for_update(skip_locked=True)`` on PostgreSQL, and a
status compare-and-set everywhere) and marks them ``sending`` before talking to the mail
server, then ``sent`` after. A retried batch or a second start finds nothing pending.

The trade-off: a worker killed between the SMTP call and the ``sent`` mark leaves its rows in
``sending``; they are never sent again. We accept that someone may miss an issue (it stays in
the web archive, and staff see the stuck rows) rather than risk sending anyone a second copy.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .exceptions import AlumniError
from .models import (
    DeliveryStatus,
    NewsletterDelivery,
    NewsletterDispatch,
    NewsletterPage,
    NewsletterUnsubscription,
)

BATCH_SIZE = 200
UNSUBSCRIBE_SALT = "alumni.newsletter.unsubscribe"


# --- Subscription ------------------------------------------------------------------------


def is_subscribed(user):
    return not NewsletterUnsubscription.objects.filter(user=user).exists()


def unsubscribe(user):
    NewsletterUnsubscription.objects.get_or_create(user=user)


def resubscribe(user):
    NewsletterUnsubscription.objects.filter(user=user).delete()


def unsubscribe_token(user):
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def user_from_token(token):
    """The user an unsubscribe link was made for, or None for a damaged or forged link."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk).first()


def unsubscribe_url(user):
    return urljoin(settings.SITE_URL, reverse("alumni:unsubscribe", args=[unsubscribe_token(user)]))


# --- Segment -----------------------------------------------------------------------------


def recipients(issue):
    """Subscribed active alumni in the issue's segment (each non-empty criterion narrows it)."""
    users = (
        get_user_model()
        .objects.filter(alumni_membership__isnull=False, is_active=True)
        .exclude(newsletter_unsubscription__isnull=False)
    )
    chapter_ids = [chapter.pk for chapter in issue.segment_chapters.all()]  # may be unsaved (a preview)
    if chapter_ids:
        users = users.filter(alumni_membership__chapter__in=chapter_ids)
    if issue.segment_specialties:
        users = users.filter(profile__specialty__in=issue.segment_specialties)
    if issue.segment_languages:
        users = users.filter(profile__preferred_language__in=issue.segment_languages)
    return users.order_by("pk")


# --- The e-mail --------------------------------------------------------------------------


def build_email(issue, user, *, test=False, connection=None):
    """The issue as a multipart e-mail to ``user``, in their preferred language."""
    profile = getattr(user, "profile", None)
    language = profile.preferred_language if profile else settings.LANGUAGE_CODE
    unsubscribe = unsubscribe_url(user)
    with translation.override(language):
        context = {
            "issue": issue,
            "user": user,
            "name": user.display_name,
            "web_url": urljoin(settings.SITE_URL, issue.url or "/"),
            "alumni_url": urljoin(settings.SITE_URL, reverse("alumni:home")),
            "unsubscribe_url": unsubscribe,
            "test": test,
            "language": language,
        }
        html = render_to_string("alumni/email/newsletter.html", context)
        text = render_to_string("alumni/email/newsletter.txt", context)
        subject = issue.title if not test else _("[Test] %(title)s") % {"title": issue.title}
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        connection=connection,
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST to the link without a login.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def text_of(rich_text):
    """Plain text of a rich-text block for the text part of the e-mail."""
    return strip_tags(str(rich_text)).strip()


def send_test(issue, user):
    """Send the issue to the editor only; records no delivery."""
    if not user.email:
        raise AlumniError(_("Your account has no e-mail address."))
    build_email(issue, user, test=True).send()


# --- Sending -----------------------------------------------------------------------------


@transaction.atomic
def start_sending(issue, started_by):
    """Send a published issue to its segment, once. Raises AlumniError when it cannot start."""
    issue = NewsletterPage.objects.select_for_update().get(pk=issue.pk)
    if not issue.live:
        raise AlumniError(_("Publish the issue before sending it: the e-mail links to its page."))
    if NewsletterDispatch.objects.filter(issue=issue).exists():
        raise AlumniError(_("This issue has already been sent."))
    dispatch = NewsletterDispatch.objects.create(issue=issue, started_by=started_by)
    from . import tasks

    transaction.on_commit(lambda: tasks.send_newsletter.delay(issue.pk))
    return dispatch


def prepare_deliveries(issue_id):
    """Create the missing pending deliveries of an issue; return the pending ids in batches."""
    issue = NewsletterPage.objects.get(pk=issue_id)
    user_ids = list(recipients(issue).values_list("pk", flat=True))
    NewsletterDelivery.objects.bulk_create(
        [NewsletterDelivery(issue_id=issue_id, user_id=user_id) for user_id in user_ids],
        ignore_conflicts=True,  # rows of an earlier run stay as they are
        batch_size=500,
    )
    pending = list(
        NewsletterDelivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [pending[start : start + BATCH_SIZE] for start in range(0, len(pending), BATCH_SIZE)]


def _claim(delivery_ids):
    """Mark the still-pending rows among ``delivery_ids`` as being sent and return them."""
    now = timezone.now()
    with transaction.atomic():
        candidates = list(
            NewsletterDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING)
            .values_list("pk", flat=True)
        )
        claimed = []
        for pk in candidates:
            # Compare-and-set: also safe where the database has no row locks (SQLite).
            if NewsletterDelivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENDING, claimed_at=now
            ):
                claimed.append(pk)
    return list(
        NewsletterDelivery.objects.filter(pk__in=claimed).select_related("issue", "user__profile").order_by("pk")
    )


def send_batch(issue_id, delivery_ids, connection=None):
    """Send one batch; rows already sent, being sent or failed are skipped. Returns the count sent."""
    deliveries = _claim(delivery_ids)
    if not deliveries:
        return 0
    issue = NewsletterPage.objects.get(pk=issue_id).specific
    connection = connection or get_connection()
    sent = 0
    with connection:
        for delivery in deliveries:
            try:
                build_email(issue, delivery.user, connection=connection).send()
            except Exception as error:  # noqa: BLE001 - the mail server refused this one: record it, go on
                NewsletterDelivery.objects.filter(pk=delivery.pk).update(
                    status=DeliveryStatus.FAILED, error=str(error)[:500]
                )
                continue
            NewsletterDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
            sent += 1
    return sent


def delivery_counts(issue):
    counts = dict(
        NewsletterDelivery.objects.filter(issue=issue).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return {status: counts.get(status, 0) for status in DeliveryStatus.values}
