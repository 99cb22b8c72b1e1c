"""Billing's course access rule, listed in ``settings.COURSE_ACCESS_RULES``."""

from .services.entitlements import covering


def active_entitlement_covers_course(user, course):
    return covering(user, course).exists()
