"""Alumni status and chapters: who is an alumnus, of which chapter, who moderates.

Other alumni modules (directory, events, Q&A, newsletters) ask these functions rather than
reading the models, so the rule for "alumnus" lives in one place.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.models import Enrollment
from lms.accounts.services import get_profile, is_staff_user

from .exceptions import AlumniError
from .models import AdmissionSource, AlumniMembership, Chapter


def membership_of(user):
    if not user.is_authenticated:
        return None
    return AlumniMembership.objects.select_related("chapter").filter(user=user).first()


def is_alumnus(user):
    return user.is_authenticated and AlumniMembership.objects.filter(user=user).exists()


def chapter_for(user):
    """The chapter of the user's profile country, when staff have created one."""
    profile = get_profile(user) if user.is_authenticated else None
    if profile is None or not profile.country:
        return None
    return Chapter.objects.filter(country=profile.country).first()


def is_chapter_moderator(user, chapter):
    if not user.is_authenticated or chapter is None:
        return False
    return is_staff_user(user) or chapter.moderators.filter(pk=user.pk).exists()


def admit_on_completion(enrollment_id):
    """Make the learner an alumnus on their first completed course; later completions change nothing.

    Cohort year is the year of the first completion. Safe to run twice (the task may be retried).
    """
    enrollment = Enrollment.objects.select_related("user").filter(pk=enrollment_id, completed_at__isnull=False).first()
    if enrollment is None:
        return None
    existing = AlumniMembership.objects.filter(user=enrollment.user).first()
    if existing is not None:
        return existing
    first = Enrollment.objects.filter(user=enrollment.user, completed_at__isnull=False).order_by("completed_at").first()
    try:
        with transaction.atomic():
            return AlumniMembership.objects.create(
                user=enrollment.user,
                cohort_year=timezone.localtime(first.completed_at).year,  # the academy's calendar year, as in the reports
                source=AdmissionSource.COMPLETION,
                chapter=chapter_for(enrollment.user),
                first_completion=first,
            )
    except IntegrityError:  # a concurrent run admitted them a moment earlier
        return AlumniMembership.objects.get(user=enrollment.user)


@transaction.atomic
def admit_manually(user, *, cohort_year, admitted_by, note):
    """Staff admit a graduate of the offline programme; the admission is logged with who and why."""
    if not note.strip():
        raise AlumniError(_("Say on what evidence this graduate is admitted."))
    if AlumniMembership.objects.select_for_update().filter(user=user).exists():
        raise AlumniError(_("%(user)s is already an alumnus.") % {"user": user})
    membership = AlumniMembership.objects.create(
        user=user,
        cohort_year=cohort_year,
        source=AdmissionSource.OFFLINE_PROGRAMME,
        chapter=chapter_for(user),
        admitted_by=admitted_by,
        admission_note=note.strip(),
    )
    log(instance=membership, action="alumni.admit", user=admitted_by, data={"note": membership.admission_note})
    return membership


@transaction.atomic
def assign_chapters(chapter):
    """When staff create a chapter, the alumni of its country join it."""
    return AlumniMembership.objects.filter(chapter__isnull=True, user__profile__country=chapter.country).update(
        chapter=chapter
    )


# --- Chapter news (written by the chapter's moderators) -----------------------------------


def _require_moderator(user, chapter):
    from django.core.exceptions import PermissionDenied

    if not is_chapter_moderator(user, chapter):
        raise PermissionDenied(_("Only the moderators of %(chapter)s can do this.") % {"chapter": chapter})


@transaction.atomic
def post_chapter_news(chapter, author, *, title, body):
    from .models import ChapterNewsPost

    _require_moderator(author, chapter)
    return ChapterNewsPost.objects.create(chapter=chapter, author=author, title=title.strip(), body=body.strip())


@transaction.atomic
def edit_chapter_news(post, editor, *, title, body):
    from .models import ChapterNewsPost

    post = ChapterNewsPost.objects.select_for_update().select_related("chapter").get(pk=post.pk)
    _require_moderator(editor, post.chapter)
    post.title, post.body = title.strip(), body.strip()
    post.save(update_fields=["title", "body", "updated_at"])
    return post


@transaction.atomic
def delete_chapter_news(post, user):
    _require_moderator(user, post.chapter)
    post.delete()
