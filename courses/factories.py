"""Factories for courses, shared by the tests and the demo seed (``seed_demo``).

Wagtail pages cannot be saved on their own: they are added below a parent and then
published. The page factories take a ``parent`` keyword for that; without one they use
(and create when missing) the chain HomePage → CatalogPage "Courses" → a TrackPage.

    track = TrackPageFactory()
    course = CoursePageFactory(parent=track, level="basic", lecturers=[LecturerFactory()])
    lesson = LessonPageFactory(parent=course, video=VideoFactory(duration=120))
    exam = ExamFactory(course=course, questions_per_attempt=2)
    QuestionFactory(exam=exam, choices=["Radial", "Femoral", "Brachial"], correct=[0])
"""

import hashlib
from pathlib import Path

import factory
from django.conf import settings
from django.db.models import Max
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site
from wagtailmedia.models import get_media_model

from lms.accounts.factories import TraineeFactory
from lms.home.models import HomePage

from .models import (
    CatalogPage,
    CourseLecturer,
    CoursePage,
    Enrollment,
    Exam,
    Lecturer,
    LessonPage,
    LessonProgress,
    Level,
    Question,
    QuestionKind,
    TrackPage,
)

# A real, tiny H.264/AAC file (18 s, 480x270) shipped with the seeds: no ffmpeg needed.
DEMO_VIDEO_DIR = Path(__file__).resolve().parent.parent / "seeds" / "media" / "videos"
DEMO_VIDEO_PATH = DEMO_VIDEO_DIR / "lesson-intro.mp4"
DEMO_VIDEO_DURATION = 18.0


# --- The default page chain --------------------------------------------------------


def get_home_page():
    """The site's HomePage (created by a migration); made here only if it is missing."""
    home = HomePage.objects.first()
    if home is None:
        # A transactional test's flush removes even the migrations' root page, root
        # collection and locale: put them back.
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=HomePage(title="MKA e-class", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "root_page": home, "site_name": "MKA e-class"},
        )
    return home


def get_catalog_page():
    """The catalog below the home page, created (title "Courses", slug "courses") when missing."""
    home = get_home_page()
    catalog = CatalogPage.objects.child_of(home).first()
    return catalog or CatalogPageFactory(parent=home)


def get_default_track():
    """Any track of the catalog, so a course needs no explicit parent in a test."""
    catalog = get_catalog_page()
    return TrackPage.objects.child_of(catalog).order_by("path").first() or TrackPageFactory(
        parent=catalog
    )


def publish(page):
    """Publish the page's current state as a new revision and return the fresh live page."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


# --- Pages ---------------------------------------------------------------------------


class PageFactory(factory.django.DjangoModelFactory):
    """Adds the page below ``parent`` and publishes it."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title)[:255])

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return publish(page)


class CatalogPageFactory(PageFactory):
    class Meta:
        model = CatalogPage

    title = "Courses"
    slug = "courses"
    intro = "<p>Online courses taught by Korean hospitals.</p>"
    parent = factory.LazyFunction(get_home_page)


class TrackPageFactory(PageFactory):
    class Meta:
        model = TrackPage

    title = factory.Sequence(lambda n: f"Track {n}")
    kind = "clinical"
    summary = factory.LazyAttribute(lambda track: f"Courses in {track.title}.")
    accent_colour = "#0b6e99"
    parent = factory.LazyFunction(get_catalog_page)


class CoursePageFactory(PageFactory):
    """``lecturers=[...]`` attaches Lecturer snippets in that order."""

    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    summary = factory.LazyAttribute(
        lambda course: f"What {course.title} teaches, in one paragraph."
    )
    level = Level.BASIC
    language = "en"
    cme_credit_hours = 2
    estimated_hours = 3
    parent = factory.LazyFunction(get_default_track)

    @classmethod
    def _create(cls, model_class, *args, lecturers=(), **kwargs):
        # Set through a classmethod hook: ClusterableModel saves child rows with the page.
        kwargs["course_lecturers"] = [CourseLecturer(lecturer=lecturer) for lecturer in lecturers]
        return super()._create(model_class, *args, **kwargs)


class LessonPageFactory(PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    is_required = True
    parent = factory.SubFactory(CoursePageFactory)


# --- Snippets, media and images ----------------------------------------------------

_LECTURER_NAMES = [
    "Kim Min-jun",
    "Lim Ha-neul",
    "Park Ji-hoon",
    "Choi Yu-na",
    "Jung Hyun-woo",
    "Kang Soo-min",
]


class LecturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lecturer

    name = factory.Sequence(lambda n: f"Dr. {_LECTURER_NAMES[n % len(_LECTURER_NAMES)]}")
    position = "Professor of Cardiology"
    hospital = "Hanbit University Hospital"
    bio = ""


class VideoFactory(factory.django.DjangoModelFactory):
    """A wagtailmedia video with a real, playable file (a copy of a shipped demo MP4)."""

    class Meta:
        model = get_media_model()

    title = factory.Sequence(lambda n: f"Lesson video {n}")
    type = "video"
    file = factory.django.FileField(from_path=DEMO_VIDEO_PATH, filename="lesson-video.mp4")
    duration = DEMO_VIDEO_DURATION
    width = 480
    height = 270


class ImageFactory(factory.django.DjangoModelFactory):
    """A Wagtail image. Pass ``file=ContentFile(png_bytes, name="x.png")`` for your own picture."""

    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"Image {n}")
    file = factory.django.ImageField(width=80, height=45, color="#0b6e99", filename="image.png")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        image = model_class(*args, **kwargs)
        # What Wagtail's upload form fills in: size and hash (renditions are cached by hash).
        image.file.open()
        data = image.file.read()
        image.file.seek(0)
        image.file_size = len(data)
        image.file_hash = hashlib.sha1(data).hexdigest()
        image.save()
        return image


# --- Learning records ----------------------------------------------------------------


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment
        django_get_or_create = ("user", "course")

    user = factory.SubFactory(TraineeFactory)
    course = factory.SubFactory(CoursePageFactory)


class LessonProgressFactory(factory.django.DjangoModelFactory):
    """A lesson's progress; pass ``completed_at=timezone.now()`` for a finished lesson."""

    class Meta:
        model = LessonProgress
        django_get_or_create = ("enrollment", "lesson")

    enrollment = factory.SubFactory(EnrollmentFactory)
    lesson = factory.SubFactory(
        LessonPageFactory, parent=factory.SelfAttribute("..enrollment.course")
    )


# --- Exams ---------------------------------------------------------------------------


class ExamFactory(factory.django.DjangoModelFactory):
    """A course's completion exam, without questions (add them with ``QuestionFactory``)."""

    class Meta:
        model = Exam

    course = factory.SubFactory(CoursePageFactory)
    questions_per_attempt = None
    shuffle_questions = True
    shuffle_options = True
    pass_mark_percent = 70
    time_limit_minutes = None
    max_attempts = 3


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question of an exam's bank.

    ``choices`` are the option texts and ``correct`` the indexes of the right ones:
    ``QuestionFactory(exam=exam, choices=["A", "B", "C"], correct=[0])``. A true/false
    question defaults to ``["True", "False"]``. Nothing is validated, so a test can build
    an invalid question and call ``clean()`` on it. Without ``sort_order`` the question
    goes to the end of the bank.
    """

    class Meta:
        model = Question

    class Params:
        choices = factory.LazyAttribute(
            lambda question: ["True", "False"]
            if question.kind == QuestionKind.TRUE_FALSE
            else ["Option A", "Option B", "Option C"]
        )
        correct = (0,)

    exam = factory.SubFactory(ExamFactory)
    kind = QuestionKind.SINGLE
    text = factory.Sequence(lambda n: f"Question {n}?")
    explanation = ""
    options = factory.LazyAttribute(
        lambda question: [
            ("option", {"text": text, "correct": index in question.correct})
            for index, text in enumerate(question.choices)
        ]
    )

    @classmethod
    def _create(cls, model_class, *args, exam=None, sort_order=None, **kwargs):
        # A ParentalKey child saved on its own: the exam must already be in the database.
        if exam.pk is None:
            exam.save()
        if sort_order is None:
            last = Question.objects.filter(exam=exam).aggregate(last=Max("sort_order"))["last"]
            sort_order = 0 if last is None else last + 1
        question = model_class(*args, exam=exam, sort_order=sort_order, **kwargs)
        question.save()
        return question
