"""The learning reports' "Sponsor" filter (yearly figures, per country, funnel): only the
enrollments of learners who redeemed a seat code of that sponsor. One EXISTS subquery, so a
report costs the same queries whatever the number of learners or codes."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .models import SeatCode, Sponsor


def sponsored_learners(queryset, name, sponsor):
    """Enrollments whose learner redeemed one of ``sponsor``'s seat codes."""
    if not sponsor:
        return queryset
    return queryset.filter(Exists(SeatCode.objects.filter(redeemed_by=OuterRef("user_id"), pool__sponsor=sponsor)))


@hooks.register("register_report_enrollment_filter")
def sponsor_report_filter():
    return "sponsor", django_filters.ModelChoiceFilter(
        label=_("Sponsor"),
        queryset=Sponsor.objects.order_by("name"),
        method=sponsored_learners,
    )
