"""Translated page trees: Russian and Arabic pages, English fallback, one enrollment per course."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from courses.factories import (
    CoursePageFactory,
    ExamFactory,
    LessonPageFactory,
    QuestionFactory,
    TrackPageFactory,
    VideoFactory,
    get_catalog_page,
    get_home_page,
)
from courses.models import CoursePage, Enrollment, ExamAttempt, LessonPage, LessonProgress
from lms.accounts.factories import TraineeFactory

UNTRANSLATED = "This page is not yet available in"


def translate(page, code, **fields):
    """An editor's real translation of ``page`` (its parents must be translated already)."""
    locale = Locale.objects.get(language_code=code)
    copy = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return type(page.specific).objects.get(pk=copy.pk)


def alias(page, code):
    """What WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE makes for a page nobody has translated."""
    locale = Locale.objects.get(language_code=code)
    return page.specific.copy_for_translation(locale, copy_parents=True, alias=True)


@pytest.fixture
def english(db):
    track = TrackPageFactory(parent=get_catalog_page(), title="Cardiology", slug="cardiology")
    course = CoursePageFactory(
        parent=track, title="Echocardiography basics", slug="echo", level="basic"
    )
    video = LessonPageFactory(
        parent=course, title="Standard views", slug="views", video=VideoFactory(duration=100)
    )
    reading = LessonPageFactory(
        parent=course, title="Reading list", slug="reading", video=None, body="<p>Read</p>"
    )
    return {"track": track, "course": course, "video": video, "reading": reading}


@pytest.fixture
def russian(english):
    """The whole path down to the course and its lessons, translated into Russian."""
    home = translate(get_home_page(), "ru")
    catalog = translate(get_catalog_page(), "ru", title="Курсы")
    track = translate(english["track"], "ru", title="Кардиология")
    course = translate(english["course"], "ru", title="Основы эхокардиографии")
    video = translate(english["video"], "ru", title="Стандартные позиции")
    reading = translate(english["reading"], "ru", title="Список литературы")
    return {
        "home": home,
        "catalog": catalog,
        "track": track,
        "course": course,
        "video": video,
        "reading": reading,
    }


@pytest.fixture
def arabic_aliases(english):
    """Arabic tree synced as aliases only: every page shows its English text."""
    for page in (english["video"], english["reading"]):
        alias(page, "ar")


@pytest.fixture
def trainee(db):
    return TraineeFactory(email="aziz@example.org")


def speak(user, language):
    """The trainee's profile language: for a signed-in trainee it beats the cookie."""
    user.profile.preferred_language = language
    user.profile.save()


def get_as(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url)


def test_russian_readers_get_the_russian_course_at_the_same_address(client, russian, english):
    url = english["course"].url
    assert russian["course"].url == url  # no language prefix: the language picks the tree
    html = get_as(client, url, "ru").content.decode()
    assert "Основы эхокардиографии" in html
    assert UNTRANSLATED not in html and "пока недоступна" not in html
    assert "Echocardiography basics" in get_as(client, url, "en").content.decode()


def test_an_untranslated_page_falls_back_to_english_with_a_notice(client, english, arabic_aliases):
    response = get_as(client, english["course"].url, "ar")
    html = response.content.decode()
    assert response.context["page"].locale.language_code == "ar"  # the alias was served
    assert "Echocardiography basics" in html
    assert "هذه الصفحة غير متاحة بعد باللغة العربيّة، فهي معروضة باللغة الإنجليزيّة." in html


def test_a_language_without_any_tree_serves_the_english_page_with_a_notice(client, english):
    response = get_as(client, english["track"].url, "ru")
    assert response.status_code == 200
    assert response.context["page"].pk == english["track"].pk
    assert (
        "Эта страница пока недоступна на языке «Русский». Она показана на языке «Английский»."
        in response.content.decode()
    )


def test_the_english_page_in_english_has_no_notice(client, english):
    assert UNTRANSLATED not in get_as(client, english["course"].url, "en").content.decode()


def test_a_link_with_a_translated_slug_still_opens_in_every_language(client, russian, english):
    russian["course"].slug = "ekhokardiografiya"
    russian["course"].save_revision().publish()
    russian_url = CoursePage.objects.get(pk=russian["course"].pk).url
    assert russian_url != english["course"].url
    # An English link followed by a Russian reader, and the Russian link by an English one.
    assert "Основы эхокардиографии" in get_as(client, english["course"].url, "ru").content.decode()
    assert "Echocardiography basics" in get_as(client, russian_url, "en").content.decode()


def test_canonical_is_the_english_original(russian, english):
    assert russian["course"].canonical == english["course"]
    assert russian["reading"].canonical == english["reading"]
    assert english["course"].canonical.pk == english["course"].pk


def test_studying_the_russian_translation_updates_the_english_enrollment_and_progress(
    client, russian, english, trainee
):
    speak(trainee, "ru")
    client.force_login(trainee)
    response = client.post(reverse("courses:enroll", args=[russian["course"].pk]))
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=trainee)
    assert enrollment.course_id == english["course"].pk

    # Enrolling again through the English page finds the same enrollment.
    client.post(reverse("courses:enroll", args=[english["course"].pk]))
    assert Enrollment.objects.filter(user=trainee).count() == 1

    client.post(reverse("courses:lesson_done", args=[russian["reading"].pk]))
    progress = LessonProgress.objects.get(enrollment=enrollment)
    assert progress.lesson_id == english["reading"].pk and progress.completed_at is not None

    beacon = client.post(
        reverse("courses:lesson_progress", args=[russian["video"].pk]),
        {"position": 10, "watched": 10},
    )
    assert beacon.status_code == 200
    assert (
        LessonProgress.objects.get(enrollment=enrollment, lesson=english["video"]).seconds_watched
        == 10
    )
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == english["video"].pk

    # Both language versions show the reading lesson as done.
    for language, lesson in (("ru", russian["reading"]), ("en", english["reading"])):
        speak(trainee, language)
        page = client.get(lesson.url)
        assert page.status_code == 200
        assert page.context["page"].pk == lesson.pk
        assert lesson.pk in page.context["completed_lesson_ids"]

    # The video streams from the translation too (same access check, same file).
    assert (
        client.get(reverse("courses:lesson_video", args=[russian["video"].pk])).status_code == 200
    )


def test_the_dashboard_links_to_the_trainees_language_version(client, russian, english, trainee):
    Enrollment.objects.create(user=trainee, course=english["course"], last_lesson=english["video"])
    speak(trainee, "ru")
    client.force_login(trainee)
    response = client.get(reverse("courses:dashboard"))
    item = response.context["in_progress"][0]
    assert item.course.pk == russian["course"].pk
    assert item.continue_lesson.pk == russian["video"].pk
    assert "Основы эхокардиографии" in response.content.decode()
    assert item.enrollment.course_id == english["course"].pk


def test_an_exam_started_from_the_translation_belongs_to_the_original_course(
    client, russian, english, trainee
):
    exam = ExamFactory(course=english["course"], questions_per_attempt=None)
    QuestionFactory(exam=exam)
    LessonPage.objects.filter(pk__in=[english["video"].pk, english["reading"].pk]).update(
        is_required=False
    )
    Enrollment.objects.create(user=trainee, course=english["course"])
    speak(trainee, "ru")
    client.force_login(trainee)
    overview = client.get(reverse("courses:exam", args=[russian["course"].pk]))
    assert overview.status_code == 200
    assert overview.context["course"].pk == russian["course"].pk  # shown in Russian
    response = client.post(reverse("courses:exam", args=[russian["course"].pk]))
    assert response.status_code == 302
    attempt = ExamAttempt.objects.get()
    assert attempt.exam_id == exam.pk and attempt.enrollment.course_id == english["course"].pk


def test_the_catalog_lists_the_languages_each_course_is_really_available_in(
    client, russian, english, arabic_aliases
):
    other = CoursePageFactory(parent=english["track"], title="Holter monitoring", slug="holter")
    response = get_as(client, get_catalog_page().url, "en")
    cards = {course.pk: course.content_languages for course in response.context["courses"]}
    assert cards[english["course"].pk] == [
        ("en", "English"),
        ("ru", "Русский"),
    ]  # the Arabic alias is no translation
    assert cards[other.pk] == [("en", "English")]
    assert "Available in:" in response.content.decode()


def test_the_catalog_query_count_does_not_grow_with_courses(client, english):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def render():
        with CaptureQueriesContext(connection) as queries:
            get_as(client, get_catalog_page().url, "en")
        return len(queries)

    for number in range(2):
        CoursePageFactory(parent=english["track"], title=f"Few {number}", slug=f"few-{number}")
    render()  # the first request after a cache clear fills Wagtail's cached site root paths
    few = render()
    for number in range(9):
        CoursePageFactory(parent=english["track"], title=f"Many {number}", slug=f"many-{number}")
    assert CoursePage.objects.live().count() == 12
    assert render() == few


def test_localized_pages_follow_the_active_language(russian, english):
    from courses.services import localized_pages

    with translation.override("ru"):
        mapping = localized_pages([english["course"], english["video"]])
    assert mapping[english["course"].pk].pk == russian["course"].pk
    assert mapping[english["video"].pk].pk == russian["video"].pk
    with translation.override("ar"):
        assert localized_pages([english["course"]])[english["course"].pk].pk == english["course"].pk
