import io
from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing import tasks
from billing.factories import create_order
from billing.models import Order, OrderStatus, Payment, Refund
from billing.signals import order_paid


def _pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def paid_on(order, *args):
    """The factory pays orders now; these tests need a known payment date."""
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.make_aware(datetime(*args)))
    order.refresh_from_db()
    return order


@pytest.fixture
def paid_order(trainee, course_offer):
    return paid_on(create_order(trainee, course_offer, status=OrderStatus.PAID), 2026, 3, 14, 10, 0)


def test_a_paid_order_gets_a_numbered_receipt_pdf_mailed_once(paid_order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_paid.send(sender=Order, order_id=paid_order.pk)  # what checkout sends
    paid_order.refresh_from_db()
    assert paid_order.receipt_number == "MKA-R-2026-000001"
    assert paid_order.buyer_name == "Aziz Karimov"  # snapshotted from the profile
    text = _pdf_text(paid_order.receipt_pdf.read())
    for expected in (
        "MKA-R-2026-000001",
        "Aziz Karimov",
        "Structural heart interventions",
        "$49.00",
        "Medical Korea Academy",
        "14 March 2026",
    ):
        assert expected in text
    assert "Refunded" not in text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aziz@example.org"] and "MKA-R-2026-000001" in message.subject
    assert message.attachments[0][0] == "MKA-R-2026-000001.pdf"
    assert message.attachments[0][1].startswith(b"%PDF")

    # The task running again (a retry, a duplicate webhook) changes nothing and sends nothing.
    tasks.issue_receipt.delay(paid_order.pk)
    paid_order.refresh_from_db()
    assert paid_order.receipt_number == "MKA-R-2026-000001" and len(mail.outbox) == 1


def test_receipt_numbers_follow_each_other_within_a_year_and_restart_each_year(trainee, course_offer):
    def paid(year, month):
        order = paid_on(create_order(trainee, course_offer, status=OrderStatus.PAID), year, month, 2, 12, 0)
        tasks.issue_receipt.delay(order.pk)
        order.refresh_from_db()
        return order.receipt_number

    assert [paid(2026, 1), paid(2026, 2), paid(2027, 1), paid(2026, 12)] == [
        "MKA-R-2026-000001",
        "MKA-R-2026-000002",
        "MKA-R-2027-000001",
        "MKA-R-2026-000003",
    ]


def test_pending_orders_get_no_receipt(trainee, course_offer):
    order = create_order(trainee, course_offer, status=OrderStatus.PENDING)
    tasks.issue_receipt.delay(order.pk)
    order.refresh_from_db()
    assert order.receipt_number is None and not order.receipt_pdf and not mail.outbox


def test_a_discounted_won_order_prints_subtotal_discount_and_total(trainee, course_offer):
    order = create_order(trainee, course_offer, currency="KRW", status=OrderStatus.PAID, discount_minor=15000)
    # create_order takes the discount off the total without recording it; checkout records both.
    Order.objects.filter(pk=order.pk).update(discount_minor=15000)
    tasks.issue_receipt.delay(order.pk)
    order.refresh_from_db()
    text = _pdf_text(order.receipt_pdf.read())
    assert "₩65,000" in text and "₩15,000" in text and "₩50,000" in text


def test_a_refunded_order_is_marked_when_the_receipt_is_rendered_again(paid_order):
    tasks.issue_receipt.delay(paid_order.pk)
    payment = Payment.objects.get(order=paid_order)
    Refund.objects.create(payment=payment, provider_reference="re_1", amount_minor=4900, reason="duplicate")
    Order.objects.filter(pk=paid_order.pk).update(status=OrderStatus.REFUNDED, refunded_at=timezone.now())
    tasks.render_receipt.delay(paid_order.pk)
    paid_order.refresh_from_db()
    text = _pdf_text(paid_order.receipt_pdf.read())
    assert "REFUNDED" in text.upper() and paid_order.receipt_number in text
    assert len(mail.outbox) == 1  # re-rendering sends nothing


def test_the_receipt_e_mail_is_in_the_buyers_language(trainee, course_offer, settings):
    settings.LANGUAGES = [("en", "English"), ("ru", "Russian")]
    trainee.profile.preferred_language = "ru"
    trainee.profile.save()
    order = create_order(trainee, course_offer, status=OrderStatus.PAID)
    tasks.issue_receipt.delay(order.pk)
    order.refresh_from_db()
    # Money is written the Russian way (comma decimals), whatever the catalogue says.
    assert "49,00" in mail.outbox[0].body and "$" in mail.outbox[0].body


def test_only_the_buyer_downloads_the_receipt(client, paid_order, other_trainee):
    tasks.issue_receipt.delay(paid_order.pk)
    url = reverse("billing_account:receipt", args=[paid_order.reference])
    client.force_login(other_trainee)
    assert client.get(url).status_code == 404
    client.force_login(paid_order.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "MKA-R-2026-000001.pdf" in response["Content-Disposition"]


def test_a_receipt_not_rendered_yet_says_so(client, paid_order):
    Order.objects.filter(pk=paid_order.pk).update(receipt_number="MKA-R-2026-000009")
    client.force_login(paid_order.user)
    response = client.get(reverse("billing_account:receipt", args=[paid_order.reference]), follow=True)
    assert "being prepared" in response.content.decode()


def test_a_language_the_site_does_not_speak_yet_gives_an_english_receipt(trainee, course_offer):
    trainee.profile.preferred_language = "vi"  # a preferred language the interface does not offer
    trainee.profile.save()
    order = paid_on(create_order(trainee, course_offer, status=OrderStatus.PAID), 2026, 10, 14, 9, 0)
    tasks.issue_receipt.delay(order.pk)
    order.refresh_from_db()
    text = _pdf_text(order.receipt_pdf.read())
    assert "14 October 2026" in text and "$49.00" in text and "DESCRIPTION" in text
