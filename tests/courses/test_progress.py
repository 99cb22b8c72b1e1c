from datetime import timedelta

import pytest
from django.urls import reverse

from courses.models import Enrollment, LessonProgress
from courses.services import WATCH_TIME_GRACE_SECONDS
from courses.signals import course_completed


@pytest.fixture
def enrollment(trainee, basic_course):
    return Enrollment.objects.create(user=trainee, course=basic_course)


def beacon(client, lesson, position, watched):
    return client.post(reverse("courses:lesson_progress", args=[lesson.pk]), {"position": position, "watched": watched})


def started_long_ago(enrollment, lesson):
    """The learner opened the lesson an hour ago: enough time to have watched it all."""
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
    LessonProgress.objects.filter(pk=progress.pk).update(started_at=progress.started_at - timedelta(hours=1))


def test_a_beacon_stores_position_and_watched_time(trainee_client, enrollment, video_lesson):
    response = beacon(trainee_client, video_lesson, 12.5, 12)

    assert response.status_code == 200
    assert response.json() == {
        "last_position": 12.5, "furthest_position": 12.5, "seconds_watched": 12.0,
        "completed": False, "course_completed": False,
    }


def test_the_same_beacon_twice_changes_nothing(trainee_client, enrollment, video_lesson):
    first = beacon(trainee_client, video_lesson, 20, 20).json()
    second = beacon(trainee_client, video_lesson, 20, 20).json()

    assert first == second
    assert LessonProgress.objects.count() == 1


def test_progress_never_goes_backwards(trainee_client, enrollment, video_lesson):
    beacon(trainee_client, video_lesson, 25, 25)
    late = beacon(trainee_client, video_lesson, 5, 5).json()  # an older beacon arriving late, or a rewind

    assert late["seconds_watched"] == 25
    assert late["furthest_position"] == 25
    assert late["last_position"] == 5  # the player resumes where the learner actually is


def test_progress_is_capped_at_the_video_duration(trainee_client, enrollment, video_lesson):
    beacon(trainee_client, video_lesson, 1, 1)
    started_long_ago(enrollment, video_lesson)

    report = beacon(trainee_client, video_lesson, 5000, 5000).json()

    assert report["furthest_position"] == 100
    assert report["seconds_watched"] == 100


def test_watched_time_cannot_outrun_the_clock(trainee_client, enrollment, video_lesson):
    report = beacon(trainee_client, video_lesson, 99, 99).json()  # a forged "watched it all" on first contact

    assert report["seconds_watched"] <= WATCH_TIME_GRACE_SECONDS + 1
    assert report["completed"] is False


def test_ninety_percent_watched_completes_the_lesson(trainee_client, enrollment, video_lesson):
    beacon(trainee_client, video_lesson, 1, 1)
    started_long_ago(enrollment, video_lesson)

    assert beacon(trainee_client, video_lesson, 89, 89).json()["completed"] is False
    assert beacon(trainee_client, video_lesson, 90, 90).json()["completed"] is True
    assert LessonProgress.objects.get().completed_at is not None


@pytest.mark.parametrize("data", [{"position": "abc", "watched": "1"}, {"position": "1"}, {"position": "nan", "watched": "inf"}])
def test_malformed_beacons_are_refused_with_a_message(trainee_client, enrollment, video_lesson, data):
    response = trainee_client.post(reverse("courses:lesson_progress", args=[video_lesson.pk]), data)

    assert response.status_code == 400
    assert "error" in response.json()
    assert not LessonProgress.objects.exists()


def test_a_beacon_without_access_is_refused(trainee_client, video_lesson):
    response = beacon(trainee_client, video_lesson, 10, 10)

    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_a_beacon_after_the_session_expired_says_so(client, video_lesson):
    response = beacon(client, video_lesson, 10, 10)

    assert response.status_code == 401
    assert "log in again" in response.json()["error"]


def test_the_lesson_page_resumes_at_the_last_position(trainee_client, enrollment, video_lesson):
    beacon(trainee_client, video_lesson, 42.5, 20)

    html = trainee_client.get(video_lesson.url).content.decode()

    assert 'data-resume="42.500000"' in html
    assert 'data-watched="20.000000"' in html


def test_a_reading_lesson_is_completed_by_marking_it_done(trainee_client, enrollment, reading_lesson, video_lesson):
    url = reverse("courses:lesson_done", args=[reading_lesson.pk])
    trainee_client.post(url)
    trainee_client.post(url)  # double submit

    progress = LessonProgress.objects.get(lesson=reading_lesson)
    assert progress.completed_at is not None
    assert LessonProgress.objects.filter(lesson=reading_lesson).count() == 1

    response = trainee_client.post(reverse("courses:lesson_done", args=[video_lesson.pk]), follow=True)
    assert "Watch the video to complete this lesson." in response.content.decode()
    assert not LessonProgress.objects.filter(lesson=video_lesson, completed_at__isnull=False).exists()


def test_finishing_every_required_lesson_completes_the_course_once(
    trainee_client, enrollment, video_lesson, reading_lesson, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    course_completed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            trainee_client.post(reverse("courses:lesson_done", args=[reading_lesson.pk]))
            beacon(trainee_client, video_lesson, 1, 1)
            started_long_ago(enrollment, video_lesson)
            report = beacon(trainee_client, video_lesson, 95, 95).json()
            beacon(trainee_client, video_lesson, 100, 100)
    finally:
        course_completed.disconnect(listener)

    enrollment.refresh_from_db()
    assert report["course_completed"] is True
    assert enrollment.completed_at is not None
    assert len(received) == 1
    assert received[0]["enrollment_id"] == enrollment.pk
