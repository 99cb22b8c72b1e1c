import pytest

from courses.factories import CoursePageFactory, LessonPageFactory, TrackPageFactory, VideoFactory
from lms.accounts.factories import TraineeFactory


@pytest.fixture
def track(db):
    return TrackPageFactory(title="Cardiology", slug="cardiology")


@pytest.fixture
def basic_course(track):
    return CoursePageFactory(parent=track, title="Echocardiography basics", slug="echo-basics", level="basic")


@pytest.fixture
def advanced_course(track):
    return CoursePageFactory(parent=track, title="Structural heart interventions", slug="structural", level="advanced")


@pytest.fixture
def video_lesson(basic_course):
    return LessonPageFactory(
        parent=basic_course, title="Standard views", slug="standard-views",
        video=VideoFactory(duration=100), body="<p>Parasternal long axis notes</p>",
    )


@pytest.fixture
def reading_lesson(basic_course, video_lesson):
    return LessonPageFactory(parent=basic_course, title="Reading list", slug="reading", video=None, body="<p>Read this</p>")


@pytest.fixture
def trainee(db):
    return TraineeFactory(email="aziz@example.org")


@pytest.fixture
def trainee_client(client, trainee):
    client.force_login(trainee)
    return client
