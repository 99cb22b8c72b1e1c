import pytest
from django.utils import timezone

from certificates import tasks
from certificates.models import Certificate
from courses.factories import CoursePageFactory, TrackPageFactory
from courses.models import Enrollment
from lms.accounts.factories import TraineeFactory


@pytest.fixture
def completed_enrollment(db):
    track = TrackPageFactory(title="Cardiology", slug="cardiology")
    course = CoursePageFactory(parent=track, title="Echocardiography basics", slug="echo", cme_credit_hours=6,
                               cme_credit_type="KMA CME credits")
    trainee = TraineeFactory(email="aziz@example.org", profile__name_latin="Aziz Karimov",
                             profile__name_native="Азиз Каримов")
    return Enrollment.objects.create(user=trainee, course=course, completed_at=timezone.now())


@pytest.fixture
def certificate(completed_enrollment):
    tasks.issue_certificate.apply(args=[completed_enrollment.pk]).get()
    return Certificate.objects.get(enrollment=completed_enrollment)
