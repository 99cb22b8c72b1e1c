from django.urls import reverse

from courses.factories import CoursePageFactory
from courses.models import Enrollment
from courses.services import enroll


def enroll_url(course):
    return reverse("courses:enroll", args=[course.pk])


def test_one_click_enrolls_in_a_free_course_and_opens_the_first_lesson(trainee_client, trainee, basic_course, video_lesson):
    response = trainee_client.post(enroll_url(basic_course))

    assert response.status_code == 302
    assert response["Location"] == video_lesson.url
    assert Enrollment.objects.filter(user=trainee, course=basic_course).count() == 1


def test_a_double_submit_creates_one_enrollment(trainee_client, trainee, basic_course, video_lesson):
    first = trainee_client.post(enroll_url(basic_course))
    second = trainee_client.post(enroll_url(basic_course))

    assert first.status_code == second.status_code == 302
    assert Enrollment.objects.filter(user=trainee, course=basic_course).count() == 1


def test_enrolling_needs_a_post_and_a_login(client, basic_course):
    assert client.get(enroll_url(basic_course)).status_code == 405
    response = client.post(enroll_url(basic_course))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Enrollment.objects.exists()


def test_an_advanced_course_needs_a_purchase(trainee_client, trainee, advanced_course):
    response = trainee_client.post(enroll_url(advanced_course), follow=True)

    assert not Enrollment.objects.filter(user=trainee).exists()
    assert "needs a purchase" in response.content.decode()


def test_an_advanced_course_without_an_offer_cannot_be_enrolled(trainee_client, advanced_course):
    html = trainee_client.get(advanced_course.url).content.decode()
    assert "not open for enrollment" in html
    assert reverse("courses:enroll", args=[advanced_course.pk]) not in html


def test_a_prerequisite_must_be_completed_first(trainee_client, trainee, track, basic_course, video_lesson):
    follow_up = CoursePageFactory(parent=track, title="Stress echo", slug="stress-echo", prerequisite=basic_course)

    response = trainee_client.post(enroll_url(follow_up), follow=True)
    assert "Complete the course “Echocardiography basics”" in response.content.decode()
    assert not Enrollment.objects.filter(user=trainee, course=follow_up).exists()

    enrollment = enroll(trainee, basic_course)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at="2026-01-01T00:00Z")
    trainee_client.post(enroll_url(follow_up))
    assert Enrollment.objects.filter(user=trainee, course=follow_up).exists()


def test_a_draft_course_cannot_be_enrolled_in(trainee_client, trainee, basic_course):
    basic_course.unpublish()
    assert trainee_client.post(enroll_url(basic_course)).status_code == 404
    assert not Enrollment.objects.exists()


def test_every_access_decision_goes_through_the_configured_rules(settings, trainee, advanced_course):
    from courses.access import can_access

    assert not can_access(trainee, advanced_course)
    settings.COURSE_ACCESS_RULES = ["tests.courses.rules.everything_open"]
    assert can_access(trainee, advanced_course)
    assert enroll(trainee, advanced_course).course == advanced_course
