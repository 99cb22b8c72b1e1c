import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import exam_services
from courses.models import AttemptState, Enrollment, Exam, ExamAttempt, ExtraAttemptGrant, LessonProgress, Question
from courses.signals import course_completed
from courses.tasks import close_expired_exam_attempts
from lms.accounts.factories import TraineeFactory

QUESTIONS = [
    ("single", "Which view shows the aortic valve best?", ["Parasternal long axis", "Subcostal", "Apical two-chamber"], [0]),
    ("multiple", "Which are signs of tamponade?", ["Pulsus paradoxus", "RV diastolic collapse", "Bradycardia"], [0, 1]),
    ("true-false", "Echo gel is needed for transthoracic echo.", ["True", "False"], [0]),
    ("single", "Normal LVEF is above?", ["30%", "50%", "90%"], [1]),
]


def make_exam(course, questions=QUESTIONS, **settings):
    exam = Exam.objects.create(course=course, **{"shuffle_questions": True, "shuffle_options": True, **settings})
    for order, (kind, text, options, correct) in enumerate(questions):
        Question.objects.create(
            exam=exam, sort_order=order, kind=kind, text=text, explanation=f"Because of {text[:10]}",
            options=[("option", {"text": option, "correct": index in correct}) for index, option in enumerate(options)],
        )
    return exam


@pytest.fixture
def enrollment(trainee, basic_course):
    return Enrollment.objects.create(user=trainee, course=basic_course)


@pytest.fixture
def lessons_done(enrollment, video_lesson, reading_lesson):
    for lesson in (video_lesson, reading_lesson):
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=timezone.now())
    return enrollment


@pytest.fixture
def exam(basic_course):
    return make_exam(basic_course, time_limit_minutes=20, max_attempts=2)


def start(client, course):
    response = client.post(reverse("courses:exam", args=[course.pk]))
    assert response.status_code == 302, response
    return ExamAttempt.objects.latest("started_at")


def correct_answers(attempt):
    return {q.position: q.correct_option_ids for q in attempt.questions.all()}


def wrong_answers(attempt):
    answers = {}
    for q in attempt.questions.all():
        wrong = [o["id"] for o in q.options if o["id"] not in q.correct_option_ids]
        answers[q.position] = wrong[:1]
    return answers


def post_answers(client, attempt, answers, **extra):
    data = {f"q{position}": ids for position, ids in answers.items()}
    return client.post(reverse("courses:attempt", args=[attempt.pk]), {**data, **extra})


def test_the_exam_is_locked_until_every_required_lesson_is_done(trainee_client, enrollment, exam, basic_course, video_lesson, reading_lesson):
    page = trainee_client.get(reverse("courses:exam", args=[basic_course.pk])).content.decode()
    assert "Complete every required lesson to unlock the exam." in page
    trainee_client.post(reverse("courses:exam", args=[basic_course.pk]))
    assert not ExamAttempt.objects.exists()

    for lesson in (video_lesson, reading_lesson):
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=timezone.now())
    assert start(trainee_client, basic_course).is_open


def test_the_drawn_questions_stay_the_same_for_the_attempt(trainee_client, lessons_done, basic_course, basic_course_exam_of_many):
    attempt = start(trainee_client, basic_course)
    drawn = list(attempt.questions.values_list("question_id", "options"))
    assert len(drawn) == 3  # questions_per_attempt

    first = trainee_client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    again = start(trainee_client, basic_course)  # a second click on "Start" returns the same attempt
    second = trainee_client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()

    assert again.pk == attempt.pk
    assert list(attempt.questions.values_list("question_id", "options")) == drawn
    options = r'name="q\d+" value="([^"]+)"'
    assert re.findall(options, first) == re.findall(options, second)


@pytest.fixture
def basic_course_exam_of_many(basic_course):
    many = [("single", f"Question {n}?", ["Yes", "No"], [0]) for n in range(8)]
    return make_exam(basic_course, questions=many, questions_per_attempt=3)


def test_no_response_reveals_the_correct_answers_before_submission(trainee_client, lessons_done, exam, basic_course):
    overview = trainee_client.get(reverse("courses:exam", args=[basic_course.pk])).content.decode()
    attempt = start(trainee_client, basic_course)
    page = trainee_client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    autosave = trainee_client.post(
        reverse("courses:attempt_autosave", args=[attempt.pk]), {"q1": attempt.questions.get(position=1).options[0]["id"]}
    ).content.decode()
    overview_during = trainee_client.get(reverse("courses:exam", args=[basic_course.pk])).content.decode()

    for body in (overview, page, autosave, overview_during):
        assert "Because of" not in body  # explanations
        assert "correct answer</span>" not in body and "is-correct" not in body and "correct_option" not in body
    for question in attempt.questions.all():
        # Each option's markup is identical once its id and text are blanked out.
        shapes = set()
        for option in question.options:
            match = re.search(r'<label class="option">(.*?)</label>', page[page.index(option["id"]) - 200 :], re.S)
            shapes.add(match.group(1).replace(option["id"], "ID").replace(option["text"], "TEXT").replace(" checked", ""))
        assert len(shapes) == 1


def test_answers_autosave_and_survive_a_reload(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    question = attempt.questions.get(position=1)
    choice = question.options[1]["id"]

    response = trainee_client.post(reverse("courses:attempt_autosave", args=[attempt.pk]), {"q1": choice})

    assert response.status_code == 200
    assert response.json() == {"saved": [1]}
    question.refresh_from_db()
    assert question.selected_option_ids == [choice]
    page = trainee_client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    assert f'value="{choice}" checked' in page


def test_an_answer_that_is_not_an_option_is_refused(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    response = trainee_client.post(reverse("courses:attempt_autosave", args=[attempt.pk]), {"q1": "forged-id"})
    assert response.status_code == 409
    assert attempt.questions.get(position=1).selected_option_ids == []


def test_the_deadline_is_enforced_on_the_server(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    answers = correct_answers(attempt)
    trainee_client.post(reverse("courses:attempt_autosave", args=[attempt.pk]), {"q1": answers[1]})
    # The clock runs out (deadline plus the grace period are over).
    ExamAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=2))

    late = trainee_client.post(reverse("courses:attempt_autosave", args=[attempt.pk]), {"q2": answers[2]})
    assert late.status_code == 409
    assert late.json()["closed"] is True

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.TIMED_OUT
    assert attempt.questions.get(position=2).selected_option_ids == []
    assert attempt.score_percent == 25  # only the answer saved in time counts


def test_a_late_submit_counts_only_what_was_saved_in_time(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    ExamAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=2))

    post_answers(trainee_client, attempt, correct_answers(attempt), submit="1")

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.TIMED_OUT
    assert attempt.score_percent == 0
    assert attempt.passed is False


def test_a_save_within_the_grace_period_still_counts(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    ExamAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    response = trainee_client.post(reverse("courses:attempt_autosave", args=[attempt.pk]), {"q1": correct_answers(attempt)[1]})
    assert response.status_code == 200


def test_an_abandoned_attempt_is_closed_by_the_periodic_task(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    ExamAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(hours=1))

    assert close_expired_exam_attempts.apply().get() == 1

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.TIMED_OUT
    assert attempt.closed_at is not None
    assert close_expired_exam_attempts.apply().get() == 0


def test_an_expired_attempt_is_also_closed_when_next_touched(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    ExamAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(hours=1))

    response = trainee_client.get(reverse("courses:attempt", args=[attempt.pk]))

    assert response["Location"] == reverse("courses:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.TIMED_OUT


def test_submitting_twice_grades_once(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    post_answers(trainee_client, attempt, wrong_answers(attempt), submit="1")
    attempt.refresh_from_db()
    graded = (attempt.score_percent, attempt.closed_at, attempt.passed)

    response = post_answers(trainee_client, attempt, correct_answers(attempt), submit="1")

    attempt.refresh_from_db()
    assert response["Location"] == reverse("courses:attempt_result", args=[attempt.pk])
    assert (attempt.score_percent, attempt.closed_at, attempt.passed) == graded
    assert ExamAttempt.objects.count() == 1


def test_the_attempt_limit_and_an_admins_extra_attempt(trainee_client, lessons_done, exam, basic_course):
    for _ in range(2):
        attempt = start(trainee_client, basic_course)
        post_answers(trainee_client, attempt, wrong_answers(attempt), submit="1")

    response = trainee_client.post(reverse("courses:exam", args=[basic_course.pk]), follow=True)
    assert "You have used all your attempts." in response.content.decode()
    assert ExamAttempt.objects.count() == 2

    ExtraAttemptGrant.objects.create(enrollment=lessons_done, exam=exam, reason="Power cut during attempt 2")
    assert start(trainee_client, basic_course).number == 3


def test_the_waiting_time_between_attempts(trainee_client, lessons_done, basic_course):
    make_exam(basic_course, wait_between_attempts_minutes=60)
    attempt = start(trainee_client, basic_course)
    post_answers(trainee_client, attempt, wrong_answers(attempt), submit="1")

    response = trainee_client.post(reverse("courses:exam", args=[basic_course.pk]), follow=True)
    assert "You can try again from" in response.content.decode()
    assert ExamAttempt.objects.count() == 1

    ExamAttempt.objects.update(closed_at=timezone.now() - timedelta(minutes=61))
    assert start(trainee_client, basic_course).number == 2


@pytest.mark.parametrize(
    "scoring, selected, expected",
    [
        ("all-or-nothing", ["a", "b"], 1.0),
        ("all-or-nothing", ["a"], 0.0),
        ("partial", ["a"], 0.5),
        ("partial", ["a", "b"], 1.0),
        ("partial", ["a", "c"], 0.0),  # one right, one wrong
        ("partial", ["a", "b", "c"], 0.5),
        ("partial", ["c"], 0.0),  # never below zero
    ],
)
def test_multiple_choice_scoring(scoring, selected, expected):
    assert exam_services.question_score("multiple", scoring, selected, ["a", "b"]) == expected


def test_partial_credit_shows_in_the_attempt_score(trainee_client, lessons_done, basic_course):
    make_exam(basic_course, questions=[QUESTIONS[1]], scoring="partial", pass_mark_percent=50)
    attempt = start(trainee_client, basic_course)
    question = attempt.questions.get()
    post_answers(trainee_client, attempt, {1: question.correct_option_ids[:1]}, submit="1")
    attempt.refresh_from_db()
    assert attempt.score_percent == 50
    assert attempt.passed is True


def test_a_failed_attempt_hides_the_answers_unless_the_editor_allows_them(trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    post_answers(trainee_client, attempt, wrong_answers(attempt), submit="1")
    result = trainee_client.get(reverse("courses:attempt_result", args=[attempt.pk])).content.decode()
    assert "Not passed this time." in result
    assert "correct answer</span>" not in result and "Because of" not in result

    Exam.objects.update(show_answers_after_fail=True)
    result = trainee_client.get(reverse("courses:attempt_result", args=[attempt.pk])).content.decode()
    assert "correct answer</span>" in result and "Because of" in result


def test_passing_completes_the_course_once_and_announces_it_after_commit(
    trainee_client, lessons_done, exam, basic_course, django_capture_on_commit_callbacks
):
    received = []
    course_completed.connect(receiver := lambda sender, **kwargs: received.append(kwargs))
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            attempt = start(trainee_client, basic_course)
            post_answers(trainee_client, attempt, correct_answers(attempt), submit="1")
            post_answers(trainee_client, attempt, correct_answers(attempt), submit="1")
            assert received == []  # nothing is announced before the transaction commits
        for callback in callbacks:
            callback()
    finally:
        course_completed.disconnect(receiver)

    lessons_done.refresh_from_db()
    result = trainee_client.get(reverse("courses:attempt_result", args=[attempt.pk])).content.decode()
    assert "You passed." in result and "You completed the course." in result
    assert lessons_done.completed_at is not None
    assert [event["enrollment_id"] for event in received] == [lessons_done.pk]


def test_lessons_alone_no_longer_complete_a_course_with_an_exam(trainee_client, enrollment, exam, reading_lesson, video_lesson):
    LessonProgress.objects.create(enrollment=enrollment, lesson=video_lesson, completed_at=timezone.now())
    trainee_client.post(reverse("courses:lesson_done", args=[reading_lesson.pk]))
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None


def test_someone_elses_attempt_is_not_found(client, trainee_client, lessons_done, exam, basic_course):
    attempt = start(trainee_client, basic_course)
    client.force_login(TraineeFactory(email="other@example.org"))
    for name in ("courses:attempt", "courses:attempt_result"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    assert client.post(reverse("courses:attempt_autosave", args=[attempt.pk]), {"q1": "x"}).status_code == 404
