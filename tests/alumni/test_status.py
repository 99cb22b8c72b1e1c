import pytest
from django.utils import timezone

from alumni import services
from alumni.exceptions import AlumniError
from alumni.factories import AlumnusFactory, ChapterFactory
from alumni.models import AdmissionSource, AlumniMembership
from courses.factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory
from courses.services import mark_lesson_done
from lms.accounts.factories import StaffUserFactory, TraineeFactory

pytestmark = pytest.mark.django_db


def complete_reading_course(user, title):
    course = CoursePageFactory(title=title)
    lesson = LessonPageFactory(parent=course, video=None)
    EnrollmentFactory(user=user, course=course)
    mark_lesson_done(user, lesson)
    return course


def test_the_first_completed_course_makes_an_alumnus_of_that_year_in_their_country_chapter(
    django_capture_on_commit_callbacks,
):
    chapter = ChapterFactory(country="UZ")
    trainee = TraineeFactory(profile__country="UZ")
    assert not services.is_alumnus(trainee)

    with django_capture_on_commit_callbacks(execute=True):
        complete_reading_course(trainee, "Airway basics")

    membership = services.membership_of(trainee)
    assert membership.source == AdmissionSource.COMPLETION
    assert membership.cohort_year == timezone.localdate().year
    assert membership.chapter == chapter


def test_later_completions_keep_the_first_cohort(django_capture_on_commit_callbacks):
    trainee = TraineeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = complete_reading_course(trainee, "Airway basics")
    AlumniMembership.objects.filter(user=trainee).update(cohort_year=2021)

    with django_capture_on_commit_callbacks(execute=True):
        complete_reading_course(trainee, "Sepsis bundle")

    assert AlumniMembership.objects.filter(user=trainee).count() == 1
    assert services.membership_of(trainee).cohort_year == 2021
    assert services.membership_of(trainee).first_completion.course_id == first.pk


def test_enrolling_without_completing_does_not_admit():
    trainee = TraineeFactory()
    EnrollmentFactory(user=trainee)
    assert not services.is_alumnus(trainee)


def test_staff_admit_an_offline_graduate_with_evidence_and_the_admission_is_logged():
    staff = StaffUserFactory(is_superuser=True)
    graduate = TraineeFactory(profile__country="MN")
    chapter = ChapterFactory(country="MN")

    with pytest.raises(AlumniError):
        services.admit_manually(graduate, cohort_year=2019, admitted_by=staff, note="  ")
    membership = services.admit_manually(graduate, cohort_year=2019, admitted_by=staff, note="Seoul 2019 cohort list")

    assert (membership.source, membership.cohort_year, membership.chapter) == (
        AdmissionSource.OFFLINE_PROGRAMME,
        2019,
        chapter,
    )
    from wagtail.models import ModelLogEntry

    entry = ModelLogEntry.objects.get(action="alumni.admit")
    assert entry.user == staff
    with pytest.raises(AlumniError):
        services.admit_manually(graduate, cohort_year=2019, admitted_by=staff, note="again")


def test_a_new_chapter_gathers_the_alumni_of_its_country():
    alumnus = AlumnusFactory(profile__country="KZ")
    assert services.membership_of(alumnus).chapter is None
    chapter = ChapterFactory(country="KZ")
    assert services.assign_chapters(chapter) == 1
    assert services.membership_of(alumnus).chapter == chapter
