import pytest

from billing.factories import CourseOfferFactory
from courses.factories import CoursePageFactory, TrackPageFactory
from lms.accounts.factories import StaffUserFactory, TraineeFactory

from .stripe_stub import _stripe_stub_server, stripe_stub  # noqa: F401  (fixtures)


@pytest.fixture
def track(db):
    return TrackPageFactory(title="Cardiology", slug="cardiology")


@pytest.fixture
def advanced_course(track):
    return CoursePageFactory(parent=track, title="Structural heart interventions", slug="structural", level="advanced")


@pytest.fixture
def course_offer(advanced_course):
    return CourseOfferFactory(
        course=advanced_course, title="Structural heart interventions", prices={"USD": 4900, "KRW": 65000}
    )


@pytest.fixture
def trainee(db):
    return TraineeFactory(email="aziz@example.org", profile__name_latin="Aziz Karimov")


@pytest.fixture
def other_trainee(db):
    return TraineeFactory(email="leila@example.org", profile__name_latin="Leila Haddad")


@pytest.fixture
def superuser(db):
    return StaffUserFactory(email="admin@example.org", is_superuser=True)


@pytest.fixture
def curriculum_editor(db):
    from django.contrib.auth.models import Group

    editor = StaffUserFactory(is_staff=False, email="editor@example.org")
    editor.groups.add(Group.objects.get(name="Curriculum editors"))
    return editor


# The checkout tests' names for the same things.
@pytest.fixture
def course(advanced_course):
    return advanced_course


@pytest.fixture
def offer(course_offer):
    return course_offer


@pytest.fixture
def trainee_client(client, trainee):
    client.force_login(trainee)
    return client
