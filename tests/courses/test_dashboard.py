from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.factories import CoursePageFactory, LessonPageFactory, VideoFactory
from courses.models import Enrollment, LessonProgress


def test_the_dashboard_needs_a_login(client):
    response = client.get(reverse("courses:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_empty_dashboard_points_to_the_catalog(trainee_client):
    html = trainee_client.get(reverse("courses:dashboard")).content.decode()
    assert "You are not taking a course yet." in html


def test_the_dashboard_shows_progress_continue_and_completed_courses(trainee_client, trainee, track, basic_course, video_lesson, reading_lesson):
    in_progress = Enrollment.objects.create(user=trainee, course=basic_course, last_lesson=video_lesson)
    LessonProgress.objects.create(enrollment=in_progress, lesson=reading_lesson, completed_at=timezone.now())
    done_course = CoursePageFactory(parent=track, title="ECG for beginners", slug="ecg")
    Enrollment.objects.create(user=trainee, course=done_course, completed_at=timezone.now())

    response = trainee_client.get(reverse("courses:dashboard"))

    html = response.content.decode()
    in_progress_items = response.context["in_progress"]
    assert [item.enrollment.course.title for item in in_progress_items] == ["Echocardiography basics"]
    assert in_progress_items[0].percent == 50
    assert "1 of 2 lessons · 50%" in html
    assert in_progress_items[0].continue_lesson == video_lesson  # the unfinished lesson they were on
    assert video_lesson.url in html
    assert [item.enrollment.course.title for item in response.context["completed"]] == ["ECG for beginners"]
    assert "Completed on" in html


def test_the_dashboard_query_count_does_not_grow_with_courses(trainee_client, trainee, track):
    def enroll_in_courses(numbers):
        for number in numbers:
            course = CoursePageFactory(parent=track, title=f"Course {number}", slug=f"course-{number}")
            lesson = LessonPageFactory(parent=course, title="One", slug="one", video=VideoFactory(duration=60))
            LessonPageFactory(parent=course, title="Two", slug="two", video=None)
            enrollment = Enrollment.objects.create(user=trainee, course=course, last_lesson=lesson)
            LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=timezone.now())

    def dashboard_queries():
        with CaptureQueriesContext(connection) as queries:
            response = trainee_client.get(reverse("courses:dashboard"))
        return len(queries), response

    enroll_in_courses(range(1))
    trainee_client.get(reverse("courses:dashboard"))  # warm per-process caches (site root, content types)
    with_one, _ = dashboard_queries()
    enroll_in_courses(range(1, 6))
    with_six, response = dashboard_queries()
    assert with_six == with_one, (with_one, with_six)
    assert len(response.context["in_progress"]) == 6
