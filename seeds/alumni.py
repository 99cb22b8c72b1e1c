"""Demo alumni network: chapters and moderators, alumni in several countries (some listed in the
directory, with generated photos), chapter news and two newsletter issues (one sent, with its
deliveries recorded; one draft). Called by ``seed_demo``; idempotent (looked up by e-mail,
country, slug and title; photos drawn only when missing; an issue is sent once).
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.mail import get_connection
from django.utils import timezone

from alumni import directory, newsletter, services
from alumni.factories import AlumniMembershipFactory, ChapterFactory, NewsletterIndexPageFactory, NewsletterPageFactory
from alumni.models import (
    AdmissionSource,
    AlumniMembership,
    Chapter,
    ChapterNewsPost,
    DirectoryEntry,
    NewsletterDispatch,
    NewsletterIndexPage,
    NewsletterPage,
)
from courses.factories import get_home_page
from courses.models import Enrollment
from lms.accounts.factories import TraineeProfileFactory, UserFactory
from lms.accounts.models import TraineeProfile, User
from seeds import datafiles, pictures


def seed_alumni(log=lambda message: None):
    data = datafiles.load("alumni")
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    chapters = {spec["slug"]: _chapter(spec) for spec in data["chapters"]}
    _admit_demo_graduates()
    for spec in data["alumni"]:
        _alumnus(spec, data["password"], admin, log)
    for email, spec in data["demo_directory"].items():
        membership = AlumniMembership.objects.filter(user__email=email).first()
        if membership:
            _directory(membership, spec, spec.get("colour", "#0b6e99"))
    for spec in data["chapters"]:
        moderators = list(User.objects.filter(email__in=spec["moderators"]))
        chapters[spec["slug"]].moderators.add(*moderators)
    for spec in data["chapter_news"]:
        _news(chapters[spec["chapter"]], spec)
    _newsletters(data["newsletter"], chapters, admin, log)


def _chapter(spec):
    chapter = ChapterFactory(country=spec["country"], name=spec["name"], slug=spec["slug"])
    if chapter.description != spec["description"]:
        chapter.description = spec["description"]
        chapter.save(update_fields=["description"])
    services.assign_chapters(chapter)
    return chapter


def _admit_demo_graduates():
    """Demo trainees with a completed course are alumni (the completion task does the same later)."""
    for enrollment in Enrollment.objects.filter(completed_at__isnull=False, user__email__endswith="@mka.example"):
        services.admit_on_completion(enrollment.pk)


def _alumnus(spec, password, admin, log):
    user = User.objects.filter(email=spec["email"]).first()
    if user is None:
        user = UserFactory(email=spec["email"], password=password)
        log(f"Created alumnus {user.email}")
    profile_fields = {
        key: spec[key]
        for key in ("name_latin", "name_native", "country", "specialty", "institution", "preferred_language")
    }
    profile = TraineeProfile.objects.filter(user=user).first()
    if profile is None:
        TraineeProfileFactory(user=user, **profile_fields)
    elif any(getattr(profile, key) != value for key, value in profile_fields.items()):
        for key, value in profile_fields.items():
            setattr(profile, key, value)
        profile.save()
    membership = AlumniMembership.objects.filter(user=user).first()
    if membership is None:
        offline = spec.get("offline", False)
        membership = AlumniMembershipFactory(
            user=user,
            cohort_year=spec["cohort_year"],
            source=AdmissionSource.OFFLINE_PROGRAMME if offline else AdmissionSource.COMPLETION,
            admitted_by=admin if offline else None,
            admission_note="Offline programme cohort list (demo)" if offline else "",
        )
    if spec.get("unsubscribed"):
        newsletter.unsubscribe(user)
    _directory(membership, spec["directory"], spec.get("colour", "#0b6e99"))


def _directory(membership, spec, colour):
    entry = directory.entry_of(membership)
    shown = set(spec.get("show", []))
    fields = {
        "listed": spec.get("listed", False),
        "accepts_messages": True,
        "city": spec.get("city", ""),
        "bio": spec.get("bio", ""),
        **{
            f"show_{name}": name in shown
            for name in ("institution", "specialty", "country", "city", "languages", "bio", "photo")
        },
    }
    wanted_languages = sorted(spec.get("languages", []))
    changed = any(getattr(entry, key) != value for key, value in fields.items()) or wanted_languages != sorted(
        entry.languages.values_list("language", flat=True)
    )
    photo = None
    if "photo" in shown and not (entry.photo and entry.photo.storage.exists(entry.photo.name)):
        name = membership.user.profile.name_latin
        photo = directory.normalise_photo(ContentFile(pictures.portrait(name, colour), name="portrait.png"))
    if changed or photo is not None:
        directory.update_entry(entry, fields=fields, languages=wanted_languages, photo=photo)
    return DirectoryEntry.objects.get(pk=entry.pk)


def _news(chapter, spec):
    if ChapterNewsPost.objects.filter(chapter=chapter, title=spec["title"]).exists():
        return
    ChapterNewsPost.objects.create(
        chapter=chapter,
        title=spec["title"],
        body=spec["body"],
        author=User.objects.filter(email=spec["author"]).first(),
        published_at=timezone.now() - timedelta(days=spec["days_ago"]),
    )


def _newsletters(data, chapters, admin, log):
    home = get_home_page()
    index = NewsletterIndexPage.objects.child_of(home).filter(slug=data["index"]["slug"]).first()
    if index is None:
        index = NewsletterIndexPageFactory(
            parent=home, slug=data["index"]["slug"], title=data["index"]["title"], intro=data["index"]["intro"]
        )
    for spec in data["issues"]:
        issue = NewsletterPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if issue is None:
            fields = {"title": spec["title"], "slug": spec["slug"], "intro": spec["intro"], "body": spec["body"]}
            if spec["sent"]:
                issue = NewsletterPageFactory(parent=index, **fields)
            else:
                issue = index.add_child(instance=NewsletterPage(live=False, **fields))
            segment = [chapters[slug] for slug in spec.get("segment_chapters", [])]
            if segment:
                issue.segment_chapters.set(segment)
                issue.save()  # the page row (what the send page and the sending read) and its revision
            issue.save_revision(user=admin)
            log(f"Created newsletter issue {issue.title}")
        if spec["sent"] and not NewsletterDispatch.objects.filter(issue=issue).exists():
            # Recorded through the real sending path; the demo's mail goes nowhere.
            NewsletterDispatch.objects.create(issue=issue, started_by=admin)
            quiet = get_connection("django.core.mail.backends.dummy.EmailBackend")
            for batch in newsletter.prepare_deliveries(issue.pk):
                newsletter.send_batch(issue.pk, batch, connection=quiet)
            log(f"Sent newsletter issue {issue.title} (demo: no e-mail leaves the machine)")
    return Chapter.objects.count()
