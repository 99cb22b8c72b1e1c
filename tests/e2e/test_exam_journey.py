"""A trainee takes the completion exam in a real browser, on a phone."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.factories import CatalogPageFactory, CoursePageFactory, LessonPageFactory, TrackPageFactory
from courses.models import Enrollment, ExamAttempt, LessonProgress
from lms.accounts.factories import TraineeFactory
from tests.courses.test_exams import make_exam
from tests.e2e.test_learning_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_trainee_takes_the_exam_on_a_phone(page, live_server, screenshot):
    track = TrackPageFactory(parent=CatalogPageFactory(), title="Cardiology", slug="cardiology")
    course = CoursePageFactory(parent=track, title="Echocardiography basics", slug="echo", level="basic")
    lesson = LessonPageFactory(parent=course, title="Reading", slug="reading", video=None, body="<p>Read.</p>")
    make_exam(course, time_limit_minutes=15, pass_mark_percent=75, shuffle_options=False, shuffle_questions=False)
    trainee = TraineeFactory(email="aziz@example.org")
    enrollment = Enrollment.objects.create(user=trainee, course=course)
    LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=timezone.now())

    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, trainee.email)
    page.goto(live_server.url + course.url)
    page.get_by_role("link", name="Completion exam").click()
    page.get_by_role("button", name="Start the exam").click()
    expect(page.locator(".question")).to_have_count(4)
    expect(page.locator("[data-timer]")).to_contain_text(":")

    # Answer by clicking; each answer is saved at once (autosave), before any submit.
    page.get_by_label("Parasternal long axis").check()
    page.get_by_label("Pulsus paradoxus").check()
    page.get_by_label("RV diastolic collapse").check()
    page.get_by_label("True").check()
    page.get_by_label("50%").check()
    attempt = ExamAttempt.objects.get()
    page.wait_for_function("document.querySelectorAll('[data-save-state]')[3].textContent === 'Saved ✓'")
    assert attempt.questions.exclude(selected_option_ids=[]).count() == 4
    screenshot("exam-question")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_text("You passed.")).to_be_visible()
    expect(page.get_by_text("You completed the course.")).to_be_visible()
    screenshot("exam-result")
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100

    page.goto(live_server.url + reverse("courses:dashboard"))
    expect(page.get_by_text("Completed on")).to_be_visible()
