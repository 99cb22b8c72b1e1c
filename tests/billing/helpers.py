"""Shared steps of the billing tests: buying through the checkout view, a learner's history."""

from django.urls import reverse
from django.utils import timezone

from billing.models import Order
from certificates.models import Certificate
from certificates.services import issue_certificate
from courses.factories import EnrollmentFactory, LessonPageFactory, LessonProgressFactory


def start(client, offer, currency="USD", coupon=""):
    client.post(reverse("billing:checkout"), {"offer": f"{offer.pk}:{currency}", "coupon": coupon})
    return Order.objects.latest("created_at")


def learning_history(user, course):
    """An enrollment with a finished lesson and a certificate, as a paying learner would have."""
    lesson = LessonPageFactory(parent=course, title="Valve anatomy", slug="valves")
    enrollment = EnrollmentFactory(user=user, course=course)
    LessonProgressFactory(enrollment=enrollment, lesson=lesson, completed_at=timezone.now())
    enrollment.completed_at = timezone.now()
    enrollment.save(update_fields=["completed_at"])
    issue_certificate(enrollment.pk)
    return Certificate.objects.get(enrollment=enrollment)
