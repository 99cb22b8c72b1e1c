"""Build the demo site from seeds/data/*.json: catalog, exams, lecturers, videos, demo accounts
and the certificates of their completed courses.

Idempotent: everything is looked up by a natural key (page slug under its parent, image
and video title, lecturer name, user e-mail, an exam by its course) and updated in place,
so a second run changes nothing and creates nothing. Pages are only re-published, and an
exam's question bank only rewritten, when their data changed. A certificate is issued once
per completed enrollment, and its PDF rendered only when it has none (or the file is gone).
"""

import logging
import time
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtailmedia.models import get_media_model

from certificates.models import Certificate, CertificateStatus
from certificates.services import issue_certificate, render_pdf
from courses.exam_services import ExamError, start_attempt, submit_attempt
from courses.factories import (
    CatalogPageFactory,
    CoursePageFactory,
    ExamFactory,
    ImageFactory,
    LecturerFactory,
    LessonPageFactory,
    LessonProgressFactory,
    QuestionFactory,
    TrackPageFactory,
    VideoFactory,
    get_home_page,
    publish,
)
from courses.models import (
    CourseLecturer,
    CoursePage,
    Enrollment,
    Exam,
    ExamAttempt,
    Lecturer,
    LessonPage,
    Level,
    Question,
    QuestionKind,
    TrackPage,
)
from courses.services import enroll, update_course_completion
from lms.accounts.factories import StaffUserFactory, TraineeProfileFactory, UserFactory
from lms.accounts.models import TraineeProfile, User
from seeds import datafiles, pictures
from seeds.alumni import seed_alumni
from seeds.alumni_events import seed_alumni_events
from seeds.billing import seed_billing
from seeds.billing_accounts import seed_billing_accounts
from seeds.reports_history import seed_reports_history
from seeds.translations import seed_translations

Image = get_image_model()
Media = get_media_model()

LEVEL_BADGES = {Level.BASIC: "Basic · free", Level.ADVANCED: "Advanced"}

# What exams.json may set on an Exam ("defaults" and per course); "questions" is the bank.
EXAM_SETTINGS = (
    "instructions",
    "questions_per_attempt",
    "shuffle_questions",
    "shuffle_options",
    "pass_mark_percent",
    "time_limit_minutes",
    "max_attempts",
    "wait_between_attempts_minutes",
    "scoring",
    "show_answers_after_fail",
)
TRUE_FALSE_CHOICES = ["True", "False"]


class Command(BaseCommand):
    help = "Create or update the demo catalog, lecturers, videos and accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true", help="Seed even with DJANGO_ENV=production (staging sites)."
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["allow_production"]:
            # The demo accounts have published passwords and a published TOTP secret.
            raise CommandError("Refusing to seed demo accounts in production (use --allow-production on staging).")
        started = time.monotonic()
        verbose = options["verbosity"] >= 2
        seeder = DemoSeeder(self.stdout.write if verbose else lambda message: None)
        # Every publish logs several lines (page log, eager search and reference-index tasks);
        # every completion runs the eager certificate task (Celery logs it, and kombu warns
        # that the eager setup has no broker host).
        quiet = {
            "wagtail": logging.WARNING,
            "django_tasks": logging.WARNING,
            "celery": logging.WARNING,
            "kombu": logging.ERROR,
        }
        loggers = [logging.getLogger(name) for name in quiet]
        levels = [logger.level for logger in loggers]
        try:
            if not verbose:
                for logger, level in zip(loggers, quiet.values(), strict=True):
                    logger.setLevel(level)
            with transaction.atomic():
                seeder.run()
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {elapsed:.1f} s."))
        self.stdout.write(seeder.summary())
        self.stdout.write("Run `manage.py demo_logins` for the demo accounts.")


class DemoSeeder:
    def __init__(self, log):
        self.log = log
        self.changed_pages = []
        self.changed_exams = []
        self.created = {
            "pages": 0,
            "images": 0,
            "videos": 0,
            "lecturers": 0,
            "exams": 0,
            "questions": 0,
            "users": 0,
            "exam attempts": 0,
            "certificates": 0,
            "certificate PDFs": 0,
        }
        self.completed_enrollments = []

    def run(self):
        catalog_data = datafiles.load("catalog")
        self.videos = self.seed_videos(datafiles.load("videos")["videos"])
        self.lecturers = self.seed_lecturers(datafiles.load("lecturers")["lecturers"])
        self.courses = self.seed_catalog(catalog_data)
        self.seed_exams(datafiles.load("exams"))
        self.seed_accounts(datafiles.load("accounts"))
        self.seed_certificates()
        self.created["historical enrollments (reports)"] = seed_reports_history()
        seed_billing(self.log)
        seed_billing_accounts(self.log)
        seed_alumni(self.log)
        seed_alumni_events(self.log)
        self.created["translated pages"] = seed_translations(self.log)  # Russian and Arabic page trees
        self.update_search_index()

    # --- Media -----------------------------------------------------------------------

    def seed_videos(self, specs):
        videos = {}
        for spec in specs:
            video = Media.objects.filter(title=spec["title"], type="video").first()
            if video is None or not video.file.storage.exists(video.file.name):
                path = datafiles.MEDIA_DIR / spec["file"]
                fields = {
                    "title": spec["title"],
                    # Left at 0 so the pre_save receiver reads the real length from the file.
                    "duration": 0,
                    "width": spec["width"],
                    "height": spec["height"],
                    "file__from_path": path,
                    "file__filename": path.name,
                }
                if spec.get("poster"):
                    poster = datafiles.MEDIA_DIR / spec["poster"]
                    fields["thumbnail"] = ContentFile(poster.read_bytes(), name=poster.name)
                if video is not None:
                    video.delete()  # its file is gone: replace the row, keep the count
                video = VideoFactory(**fields)
                self.created["videos"] += 1
            if not video.duration:
                video.duration = spec["duration"]
                video.save(update_fields=["duration"])
            videos[spec["key"]] = video
        return videos

    def image(self, title, filename, render, description=""):
        """The Wagtail image with this title; drawn (by ``render()``) only when missing."""
        image = Image.objects.filter(title=title).first()
        if image is not None and image.file.storage.exists(image.file.name):
            return image
        if image is not None:
            image.delete()
        self.created["images"] += 1
        return ImageFactory(
            title=title, description=description, file=ContentFile(render(), name=filename)
        )

    # --- Lecturers -------------------------------------------------------------------

    def seed_lecturers(self, specs):
        lecturers = {}
        for spec in specs:
            photo = self.image(
                f"Portrait: {spec['name']}",
                f"portrait-{pictures.initials(spec['name']).lower()}.png",
                lambda spec=spec: pictures.portrait(spec["name"], spec["colour"]),
                description=f"Portrait of {spec['name']}",
            )
            fields = {key: spec.get(key, "") for key in ("position", "hospital", "bio")}
            lecturer = Lecturer.objects.filter(name=spec["name"]).first()
            if lecturer is None:
                lecturer = LecturerFactory(name=spec["name"], photo=photo, **fields)
                self.created["lecturers"] += 1
            else:
                fields["photo"] = photo
                if _assign(lecturer, fields):
                    lecturer.save()
            lecturers[spec["name"]] = lecturer
        return lecturers

    # --- Pages -----------------------------------------------------------------------

    def upsert_page(self, factory_class, parent, slug, **fields):
        """Create the page below ``parent`` or update it; publish only what is new or changed."""
        model = factory_class._meta.model
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = factory_class(parent=parent, slug=slug, **fields)
            self.created["pages"] += 1
            self.changed_pages.append(page)
            self.log(f"Created {model.__name__} {page.url_path}")
            return page
        if _assign(page, fields) or not page.live or page.has_unpublished_changes:
            page = publish(page)
            self.changed_pages.append(page)
            self.log(f"Updated {model.__name__} {page.url_path}")
        return page

    def seed_catalog(self, data):
        home = get_home_page()
        if data.get("home", {}).get("intro") and not home.intro:
            home.intro = data["home"]["intro"]
            publish(home)
        catalog_spec = data["catalog"]
        catalog = self.upsert_page(
            CatalogPageFactory,
            home,
            catalog_spec["slug"],
            title=catalog_spec["title"],
            intro=catalog_spec["intro"],
        )
        courses = {}
        prerequisites = []
        for track_spec in data["tracks"]:
            track = self.upsert_page(
                TrackPageFactory,
                catalog,
                track_spec["slug"],
                title=track_spec["title"],
                kind=track_spec["kind"],
                summary=track_spec["summary"],
                body=track_spec.get("body", ""),
                accent_colour=track_spec["accent_colour"],
                cover_image=self.image(
                    f"Track cover: {track_spec['title']}",
                    f"track-{track_spec['slug']}.jpg",
                    lambda spec=track_spec: pictures.cover(
                        spec["title"],
                        spec["accent_colour"],
                        eyebrow=f"{spec['kind'].replace('-', ' ')} track",
                    ),
                    description=f"{track_spec['title']}: track cover",
                ),
            )
            for course_spec in track_spec["courses"]:
                if course_spec["slug"] in courses:
                    raise ValueError(
                        f"Course slug {course_spec['slug']!r} is used twice in catalog.json."
                    )
                prerequisite_slug = course_spec.get("prerequisite")
                extra = {}
                if not prerequisite_slug:
                    extra["prerequisite"] = None
                elif prerequisite_slug in courses:
                    extra["prerequisite"] = courses[prerequisite_slug]
                course = self.seed_course(track, track_spec, course_spec, **extra)
                courses[course.slug] = course
                if prerequisite_slug and prerequisite_slug not in courses:
                    prerequisites.append((course, prerequisite_slug))
        # Second pass for a prerequisite defined after the course that needs it.
        for course, prerequisite_slug in prerequisites:
            if prerequisite_slug not in courses:
                raise ValueError(
                    f"Unknown prerequisite {prerequisite_slug!r} for course {course.slug!r}."
                )
            courses[course.slug] = self.upsert_page(
                CoursePageFactory,
                course.get_parent(),
                course.slug,
                prerequisite=courses[prerequisite_slug],
            )
        return courses

    def seed_course(self, track, track_spec, spec, **extra):
        level = spec["level"]
        cme = Decimal(str(spec["cme_credit_hours"]))
        onsite = spec.get("onsite") or {}
        try:
            lecturers = [self.lecturers[name] for name in spec.get("lecturers", [])]
        except KeyError as error:
            raise ValueError(
                f"Course {spec['slug']!r}: unknown lecturer {error}; add it to lecturers.json."
            ) from None
        course = self.upsert_page(
            CoursePageFactory,
            track,
            spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            description=spec.get("description", ""),
            learning_outcomes=[
                ("outcome", outcome) for outcome in spec.get("learning_outcomes", [])
            ],
            level=level,
            language=spec.get("language", "en"),
            cme_credit_hours=cme,
            estimated_hours=Decimal(str(spec["estimated_hours"])),
            onsite_hospital=onsite.get("hospital", ""),
            onsite_programme=onsite.get("programme", ""),
            lecturers=lecturers,
            cover_image=self.image(
                f"Course cover: {spec['title']}",
                f"course-{spec['slug']}.jpg",
                lambda: pictures.cover(
                    spec["title"],
                    track_spec["accent_colour"],
                    eyebrow=track_spec["title"],
                    badge=f"{LEVEL_BADGES[level]} · {cme.normalize():f} CME hours",
                ),
                description=f"{spec['title']}: course cover",
            ),
            **extra,
        )
        for lesson_spec in spec["lessons"]:
            video_key = lesson_spec.get("video")
            if video_key and video_key not in self.videos:
                raise ValueError(f"Lesson {lesson_spec['title']!r}: unknown video {video_key!r}.")
            self.upsert_page(
                LessonPageFactory,
                course,
                lesson_spec.get("slug") or slugify(lesson_spec["title"]),
                title=lesson_spec["title"],
                video=self.videos[video_key] if video_key else None,
                body=lesson_spec.get("body", ""),
                is_required=lesson_spec.get("is_required", True),
            )
        return course

    # --- Exams -----------------------------------------------------------------------

    def seed_exams(self, data):
        """One exam per course in exams.json; its bank is replaced only when it differs."""
        defaults = data.get("defaults", {})
        course_ids = [course.pk for course in self.courses.values()]
        existing = {exam.course_id: exam for exam in Exam.objects.filter(course__in=course_ids)}
        banks = {}
        for question in Question.objects.filter(exam__in=list(existing.values())).order_by(
            "sort_order", "pk"
        ):
            banks.setdefault(question.exam_id, []).append(question)
        for slug, spec in data["exams"].items():
            course = self.courses.get(slug)
            if course is None:
                raise ValueError(
                    f"exams.json: unknown course {slug!r}; courses come from catalog.json."
                )
            fields = {**defaults, **spec}
            questions = [_question_fields(slug, spec) for spec in fields.pop("questions", [])]
            unknown = set(fields) - set(EXAM_SETTINGS)
            if unknown:
                raise ValueError(f"exams.json, {slug}: unknown setting(s) {sorted(unknown)}.")
            if len(questions) < (fields.get("questions_per_attempt") or 1):
                raise ValueError(
                    f"exams.json, {slug}: {len(questions)} question(s), "
                    "fewer than questions_per_attempt."
                )
            exam = existing.get(course.pk)
            if exam is None:
                exam = ExamFactory.build(course=course, **fields)
                _full_clean(exam, slug)
                exam.save()
                self.created["exams"] += 1
                self.log(f"Created exam of {course.url_path}")
            elif _assign(exam, fields):
                _full_clean(exam, slug)
                exam.save()
                self.changed_exams.append(exam)
                self.log(f"Updated exam settings of {course.url_path}")
            current = [_question_key_of(question) for question in banks.get(exam.pk, [])]
            if current != [_question_key(question) for question in questions]:
                self.replace_questions(exam, slug, questions, replacing=bool(current))

    def replace_questions(self, exam, slug, questions, replacing):
        # Attempts keep their own copy of what they drew; their link to the bank becomes NULL.
        Question.objects.filter(exam=exam).delete()
        for order, fields in enumerate(questions):
            question = QuestionFactory.build(exam=exam, sort_order=order, **fields)
            _full_clean(question, f"{slug}, question {order + 1}")
            question.save()
        self.created["questions"] += len(questions)
        if replacing and exam not in self.changed_exams:
            self.changed_exams.append(exam)
        self.log(f"{'Replaced' if replacing else 'Created'} {len(questions)} question(s) of {slug}")

    def pass_exam(self, user, course, enrollment):
        """A passed attempt, answered through the exam services like a trainee would."""
        exam = Exam.objects.filter(course=course).first()
        if exam is None:
            return
        if ExamAttempt.objects.filter(enrollment=enrollment, exam=exam, passed=True).exists():
            return
        try:
            attempt = start_attempt(user, course)
            answers = {
                question.position: question.correct_option_ids
                for question in attempt.questions.all()
            }
            attempt = submit_attempt(attempt, answers)
        except ExamError as error:
            raise ValueError(
                f"{user.email} cannot pass the exam of {course.slug!r}: {error}"
            ) from None
        if not attempt.passed:
            raise ValueError(
                f"{user.email} answered every question right but failed {course.slug!r}."
            )
        self.created["exam attempts"] += 1

    def update_search_index(self):
        # Publishing indexes pages through Wagtail's signal handlers, but those may be queued
        # as background tasks; index what this run touched now, one bulk call per model.
        backend = get_search_backend()
        by_model = {}
        for page in self.changed_pages:
            by_model.setdefault(type(page), []).append(page)
        for model, pages in by_model.items():
            backend.add_bulk(model, pages)

    # --- Accounts --------------------------------------------------------------------

    def upsert_user(self, factory_class, spec, factory_options=None, **attributes):
        """``attributes`` are kept up to date; ``factory_options`` only matter when creating."""
        attributes = {
            "first_name": spec.get("first_name", ""),
            "last_name": spec.get("last_name", ""),
            **attributes,
        }
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            self.created["users"] += 1
            return factory_class(
                email=spec["email"],
                password=spec["password"],
                **attributes,
                **(factory_options or {}),
            )
        changed = _assign(user, attributes)
        # Put the documented password back if someone changed it while trying the demo.
        if not user.check_password(spec["password"]):
            user.set_password(spec["password"])
            changed = True
        if changed:
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        return user

    def seed_accounts(self, data):
        for spec in data["trainees"]:
            user = self.upsert_user(UserFactory, spec)
            profile = TraineeProfile.objects.filter(user=user).first()
            if profile is None:
                TraineeProfileFactory(user=user, **spec["profile"])
            elif _assign(profile, spec["profile"]):
                profile.save()
            for enrollment_spec in spec.get("enrollments", []):
                self.seed_enrollment(user, enrollment_spec)

        for spec in data["staff"]:
            groups = list(Group.objects.filter(name__in=spec.get("groups", [])))
            if len(groups) != len(spec.get("groups", [])):
                raise ValueError(
                    f"Groups {spec['groups']} must exist: run `manage.py migrate` first."
                )
            superuser = spec.get("is_superuser", False)
            user = self.upsert_user(
                StaffUserFactory,
                spec,
                factory_options={"totp_secret": data["totp_secret"]},
                # Editors and publishers reach the admin through their group, not is_staff.
                is_staff=superuser,
                is_superuser=superuser,
            )
            # StaffUserFactory turns MFA on for new users; older rows get it here.
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, data["totp_secret"])
            RecoveryCodes.activate(user)  # no-op when the user already has recovery codes
            user.groups.set(groups)

    def seed_enrollment(self, user, spec):
        course = self.courses[spec["course"]]
        enrollment = enroll(user, course)
        lessons = list(course.lessons())
        now = timezone.now()
        if spec.get("completed"):
            done = [lesson for lesson in lessons if lesson.is_required]
        else:
            done = lessons[: spec.get("completed_lessons", 0)]
        for lesson in done:
            progress = LessonProgressFactory(enrollment=enrollment, lesson=lesson)
            if progress.completed_at is None:
                duration = lesson.video_duration
                progress.last_position = progress.furthest_position = progress.seconds_watched = (
                    duration
                )
                progress.completed_at = now
                progress.save()
        last_lesson = done[-1] if done else None
        resume_at = spec.get("resume_at_seconds")
        todo = [lesson for lesson in lessons if lesson not in done]
        if resume_at and todo and todo[0].video_id:
            # Half-watched next lesson: the dashboard shows "continue" with a resume point.
            last_lesson = todo[0]
            progress = LessonProgressFactory(enrollment=enrollment, lesson=last_lesson)
            position = min(float(resume_at), last_lesson.video_duration)
            if progress.furthest_position < position:
                progress.last_position = progress.furthest_position = progress.seconds_watched = (
                    position
                )
                progress.save()
        if last_lesson and enrollment.last_lesson_id != last_lesson.pk:
            Enrollment.objects.filter(pk=enrollment.pk).update(
                last_lesson=last_lesson, last_activity_at=now
            )
        if spec.get("completed"):
            # Completion needs a passed exam where the course has one (after the lessons).
            self.pass_exam(user, course, enrollment)
        if done and update_course_completion(enrollment):
            self.completed_enrollments.append(enrollment)

    def seed_certificates(self):
        """The certificate of every completed demo course, with its PDF.

        Completion also queues ``certificates.tasks.issue_certificate``, but only after the
        seeding transaction commits (and on a real worker, whenever it gets to it): issue here,
        through the same service, so the demo has its certificates as soon as the command ends.
        The queued task then finds the certificate and its PDF and does nothing.
        """
        for enrollment in self.completed_enrollments:
            existed = Certificate.objects.filter(
                enrollment=enrollment, status=CertificateStatus.VALID
            ).exists()
            certificate = issue_certificate(enrollment.pk)
            if certificate is None:
                raise ValueError(f"No certificate for the completed enrollment {enrollment.pk}.")
            if not existed:
                self.created["certificates"] += 1
                self.log(f"Issued certificate {certificate.serial} to {enrollment.user.email}")
            if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
                render_pdf(certificate.pk)
                self.created["certificate PDFs"] += 1
                self.log(f"Rendered the PDF of certificate {certificate.serial}")

    # --- Report ----------------------------------------------------------------------

    def summary(self):
        courses = CoursePage.objects.live()
        counts = {
            "tracks": TrackPage.objects.live().count(),
            "courses": courses.count(),
            "basic": courses.filter(level=Level.BASIC).count(),
            "advanced": courses.filter(level=Level.ADVANCED).count(),
            "lessons": LessonPage.objects.live().count(),
            "exams": Exam.objects.count(),
            "questions": Question.objects.count(),
            "pages": Page.objects.count(),
            "lecturers": Lecturer.objects.count(),
            "images": Image.objects.count(),
            "videos": Media.objects.filter(type="video").count(),
            "users": User.objects.count(),
            "enrollments": Enrollment.objects.count(),
            "exam attempts": ExamAttempt.objects.count(),
            "certificates": Certificate.objects.filter(status=CertificateStatus.VALID).count(),
        }
        created = (
            ", ".join(f"{count} {name}" for name, count in self.created.items() if count)
            or "nothing"
        )
        updated = len(self.changed_pages) - self.created["pages"]
        return ", ".join(f"{name} {value}" for name, value in counts.items()) + (
            f". This run created {created}, re-published {updated} page(s)"
            f" and updated {len(self.changed_exams)} exam(s)."
        )


def _question_fields(slug, spec):
    """QuestionFactory keywords for one question of exams.json (``correct`` lists option texts)."""
    kind = spec.get("kind", QuestionKind.SINGLE)
    if kind not in QuestionKind.values:
        raise ValueError(f"exams.json, {slug}: unknown question kind {kind!r}.")
    choices = spec.get("options") or (TRUE_FALSE_CHOICES if kind == QuestionKind.TRUE_FALSE else [])
    missing = [text for text in spec["correct"] if text not in choices]
    if missing:
        raise ValueError(
            f"exams.json, {slug}: correct answer(s) {missing} are not options of {spec['text']!r}."
        )
    return {
        "kind": kind,
        "text": spec["text"],
        "choices": list(choices),
        "correct": [index for index, text in enumerate(choices) if text in spec["correct"]],
        "explanation": spec.get("explanation", ""),
    }


def _question_key(fields):
    options = [(text, index in fields["correct"]) for index, text in enumerate(fields["choices"])]
    return (fields["kind"], fields["text"], options, fields["explanation"])


def _question_key_of(question):
    options = [(text, correct) for _id, text, correct in question.option_items()]
    return (question.kind, question.text, options, question.explanation)


def _full_clean(instance, where):
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ValueError(f"exams.json, {where}: {error}") from None


def _assign(instance, fields):
    """Set the fields that differ; return whether anything changed."""
    changed = False
    for name, value in fields.items():
        if name == "lecturers":
            if [link.lecturer_id for link in instance.course_lecturers.all()] != [
                lecturer.pk for lecturer in value
            ]:
                instance.course_lecturers = [
                    CourseLecturer(lecturer=lecturer) for lecturer in value
                ]
                changed = True
            continue
        field = instance._meta.get_field(name)
        if field.many_to_one:
            if getattr(instance, field.attname) != (value.pk if value is not None else None):
                setattr(instance, name, value)
                changed = True
        elif isinstance(field, StreamField):
            if [(block.block_type, block.value) for block in getattr(instance, name)] != list(
                value
            ):
                setattr(instance, name, value)
                changed = True
        elif getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed
