"""Every report page costs the same number of queries with five learners or fifty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.factories import CoursePageFactory, LessonPageFactory
from courses.models import Enrollment, LessonProgress
from lms.accounts.factories import TraineeFactory

from .helpers import COUNTRIES, FUNNEL, YEARLY


def grow(history, learners=45):
    """More learners, courses and progress: every one of them shows up in the reports."""
    courses = [
        CoursePageFactory(parent=history.dermatology, title=f"Extra {n}", slug=f"extra-{n}")
        for n in range(3)
    ]
    lessons = [LessonPageFactory(parent=course, slug=f"l-{course.slug}") for course in courses]
    for n in range(learners):
        user = TraineeFactory(
            email=f"more{n}@example.org", profile__country=["VN", "MN", "KZ"][n % 3]
        )
        for course, lesson in zip(courses, lessons, strict=True):
            enrollment = Enrollment.objects.create(user=user, course=course)
            LessonProgress.objects.create(enrollment=enrollment, lesson=lesson)


@pytest.mark.parametrize("url_name", [YEARLY, COUNTRIES, FUNNEL])
@pytest.mark.parametrize("export", [None, "csv"])
def test_query_count_does_not_grow_with_the_data(
    admin_client, history, url_name, export, django_assert_max_num_queries
):
    params = {"export": export} if export else {}
    admin_client.get(reverse(url_name), params)  # warm caches (site, locale, menus)
    with CaptureQueriesContext(connection) as small:
        response = admin_client.get(reverse(url_name), params)
        if export:
            b"".join(response.streaming_content)
    grow(history)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(reverse(url_name), params)
        content = b"".join(response.streaming_content) if export else response.content
    assert b"more0" not in content  # aggregated, never listed
    assert response.status_code == 200
