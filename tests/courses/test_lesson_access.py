import pytest
from django.urls import reverse

from courses.models import Enrollment
from lms.accounts.factories import TraineeFactory


@pytest.fixture
def enrolled_client(trainee_client, trainee, basic_course):
    Enrollment.objects.create(user=trainee, course=basic_course)
    return trainee_client


def video_url(lesson):
    return reverse("courses:lesson_video", args=[lesson.pk])


def test_catalog_and_course_pages_are_public_but_lessons_are_not(client, basic_course, video_lesson):
    course_html = client.get(basic_course.url).content.decode()
    assert "Standard views" in course_html  # the syllabus is public
    assert video_lesson.url not in course_html  # but not a link into the lesson

    response = client.get(video_lesson.url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_learner_who_is_not_enrolled_never_gets_the_lesson_or_its_video(trainee_client, basic_course, video_lesson):
    response = trainee_client.get(video_lesson.url, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == basic_course.url
    assert "Enroll in “Echocardiography basics” to open its lessons." in html
    assert "Parasternal long axis notes" not in html
    assert video_url(video_lesson) not in html
    assert video_lesson.video.file.url not in html
    assert trainee_client.get(video_url(video_lesson)).status_code == 404


def test_an_enrolled_learner_sees_the_lesson_with_its_player(enrolled_client, video_lesson):
    response = enrolled_client.get(video_lesson.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Parasternal long axis notes" in html
    assert video_url(video_lesson) in html
    assert 'preload="none"' in html  # the video loads only when played
    assert video_lesson.video.file.url not in html  # the raw media path stays private


def test_the_video_streams_with_byte_ranges_so_the_player_can_seek(enrolled_client, video_lesson):
    full = enrolled_client.get(video_url(video_lesson))
    body = b"".join(full.streaming_content)
    assert full.status_code == 200
    assert full["Accept-Ranges"] == "bytes"
    assert full["Content-Type"] == "video/mp4"
    assert "private" in full["Cache-Control"]

    part = enrolled_client.get(video_url(video_lesson), HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(body)}"
    assert b"".join(part.streaming_content) == body[100:200]

    tail = enrolled_client.get(video_url(video_lesson), HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == body[-10:]

    beyond = enrolled_client.get(video_url(video_lesson), HTTP_RANGE=f"bytes={len(body) + 5}-")
    assert beyond.status_code == 416


def test_a_staff_editor_can_open_lessons_to_check_them(client, video_lesson):
    from lms.accounts.factories import StaffUserFactory

    client.force_login(StaffUserFactory())
    assert client.get(video_lesson.url).status_code == 200


def test_another_learners_enrollment_does_not_open_the_lesson(client, basic_course, video_lesson, trainee):
    Enrollment.objects.create(user=trainee, course=basic_course)
    client.force_login(TraineeFactory(email="other@example.org"))
    assert client.get(video_url(video_lesson)).status_code == 404
    assert client.get(video_lesson.url).status_code == 302
