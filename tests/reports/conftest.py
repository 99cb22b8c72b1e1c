"""A small hand-built history whose right answers the tests write down.

Tracks and courses: Cardiology (Echo: two required lessons, one optional, an exam;
Heart failure: one lesson) and Dermatology (Lasers: one lesson).

| trainee | country | course        | enrolled (KST)   | completed (KST)     | progress            | exam          | certificate |
|---------|---------|---------------|------------------|---------------------|---------------------|---------------|-------------|
| amir    | UZ      | Echo          | 2020-03-01       | 2020-06-01          | both required done  | passed        | valid       |
| amir    | UZ      | Lasers        | 2021-02-01       | —                   | none                | —             | —           |
| bolat   | KZ      | Echo          | 2020-05-01       | 2021-01-01 00:30    | both required done  | failed,passed | revoked     |
| chen    | UZ      | Heart failure | 2021-03-01       | 2021-04-01          | done                | —             | valid       |
| dana    | (blank) | Echo          | 2021-07-01       | —                   | one, unfinished     | failed        | —           |
| eman    | SA      | Lasers        | 2021-08-01       | 2022-01-05          | done                | —             | valid       |

bolat's completion at 00:30 on 1 January in Seoul is still 2020 in UTC: it counts in 2021.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from certificates.models import Certificate, CertificateStatus
from courses.factories import CoursePageFactory, LessonPageFactory, TrackPageFactory
from courses.models import AttemptState, Enrollment, Exam, ExamAttempt, LessonProgress
from lms.accounts.factories import StaffUserFactory, TraineeFactory

SEOUL = ZoneInfo("Asia/Seoul")


def kst(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


class History:
    pass


def _enroll(user, course, enrolled, completed=None):
    enrollment = Enrollment.objects.create(user=user, course=course)
    # enrolled_at is auto_now_add: set the past date afterwards.
    Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=enrolled, completed_at=completed)
    enrollment.refresh_from_db()
    return enrollment


def _progress(enrollment, lessons, done=True):
    for lesson in lessons:
        LessonProgress.objects.create(
            enrollment=enrollment,
            lesson=lesson,
            completed_at=enrollment.enrolled_at if done else None,
        )
    if done:
        Enrollment.objects.filter(pk=enrollment.pk).update(
            lessons_completed_at=enrollment.enrolled_at
        )


_serials = iter(range(1, 1000))


def _certificate(enrollment, status=CertificateStatus.VALID):
    return Certificate.objects.create(
        enrollment=enrollment,
        serial=f"MKA-TEST-{next(_serials):06d}",
        status=status,
        holder_name_latin="Test Trainee",
        course_title=enrollment.course.title,
        cme_credit_hours=2,
        completed_on=enrollment.completed_at.date(),
        issuer="Medical Korea Academy",
    )


def _attempt(enrollment, exam, number, passed):
    return ExamAttempt.objects.create(
        enrollment=enrollment, exam=exam, number=number, state=AttemptState.SUBMITTED, passed=passed
    )


@pytest.fixture
def history(db):
    h = History()
    h.cardiology = TrackPageFactory(title="Cardiology", slug="cardiology")
    h.dermatology = TrackPageFactory(title="Dermatology", slug="dermatology")
    h.echo = CoursePageFactory(parent=h.cardiology, title="Echo", slug="echo")
    h.heart = CoursePageFactory(parent=h.cardiology, title="Heart failure", slug="heart-failure")
    h.lasers = CoursePageFactory(parent=h.dermatology, title="Lasers", slug="lasers")
    echo_lessons = [
        LessonPageFactory(parent=h.echo, title=f"Echo {n}", slug=f"echo-{n}") for n in (1, 2)
    ]
    LessonPageFactory(parent=h.echo, title="Echo extra", slug="echo-extra", is_required=False)
    heart_lesson = LessonPageFactory(parent=h.heart, title="HF 1", slug="hf-1")
    laser_lesson = LessonPageFactory(parent=h.lasers, title="Lasers 1", slug="lasers-1")
    exam = Exam.objects.create(course=h.echo)

    amir = TraineeFactory(email="amir@example.org", profile__country="UZ")
    bolat = TraineeFactory(email="bolat@example.org", profile__country="KZ")
    chen = TraineeFactory(email="chen@example.org", profile__country="UZ")
    dana = TraineeFactory(email="dana@example.org", profile__country="")
    eman = TraineeFactory(email="eman@example.org", profile__country="SA")

    e = _enroll(amir, h.echo, kst(2020, 3, 1), kst(2020, 6, 1))
    _progress(e, echo_lessons)
    _attempt(e, exam, 1, passed=True)
    _certificate(e)

    _enroll(amir, h.lasers, kst(2021, 2, 1))

    e = _enroll(bolat, h.echo, kst(2020, 5, 1), kst(2021, 1, 1, 0, 30))
    _progress(e, echo_lessons)
    _attempt(e, exam, 1, passed=False)
    _attempt(e, exam, 2, passed=True)
    _certificate(e, CertificateStatus.REVOKED)

    e = _enroll(chen, h.heart, kst(2021, 3, 1), kst(2021, 4, 1))
    _progress(e, [heart_lesson])
    _certificate(e)

    e = _enroll(dana, h.echo, kst(2021, 7, 1))
    _progress(e, echo_lessons[:1], done=False)
    _attempt(e, exam, 1, passed=False)

    e = _enroll(eman, h.lasers, kst(2021, 8, 1), kst(2022, 1, 5))
    _progress(e, [laser_lesson])
    _certificate(e)
    return h


@pytest.fixture
def admin_client(client, db):
    client.force_login(StaffUserFactory(email="admin@mka.example", is_superuser=True))
    return client


@pytest.fixture
def report_reader_client(client, db):
    reader = StaffUserFactory(email="analyst@mka.example")
    reader.groups.add(Group.objects.get(name="Report readers"))
    client.force_login(reader)
    return client


@pytest.fixture
def editor_client(client, db):
    editor = StaffUserFactory(email="writer@mka.example")
    editor.groups.add(Group.objects.get(name="Curriculum editors"))
    client.force_login(editor)
    return client
