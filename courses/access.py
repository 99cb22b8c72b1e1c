"""Who may open a course: the one function every access decision goes through.

``can_access`` asks the rules listed in ``settings.COURSE_ACCESS_RULES`` (dotted paths,
loaded once). Any rule that says yes grants access. Courses ships the two rules
below; billing adds "an active entitlement covers this course" to the list, so paid
access needs no ``if`` here.
"""

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from lms.accounts.services import is_staff_user

from .models import Level


@cache
def access_rules():
    return tuple(import_string(path) for path in settings.COURSE_ACCESS_RULES)


@receiver(setting_changed)
def _reload_rules(setting, **kwargs):
    if setting == "COURSE_ACCESS_RULES":
        access_rules.cache_clear()


def can_access(user, course):
    """May this user study this course (enroll, open lessons, stream videos)?"""
    return any(rule(user, course) for rule in access_rules())


def basic_courses_are_free(user, course):
    return course.level == Level.BASIC


def staff_may_access_every_course(user, course):
    # Editors and admins check what they publish.
    return is_staff_user(user)
