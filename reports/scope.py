"""What a report counts: the filter form's choices turned into querysets and a date range."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from courses.models import CoursePage, Enrollment


def day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class ReportScope:
    """``enrollments`` and ``courses`` carry every filter except the dates, which each figure
    applies to its own event (enrolled, completed, paid...) with ``in_range(field)``."""

    enrollments: object  # Enrollment queryset
    courses: object  # CoursePage queryset
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @classmethod
    def everything(cls, **kwargs):
        return cls(Enrollment.objects.all(), CoursePage.objects.all(), **kwargs)

    def in_range(self, field):
        """Q for ``field`` between the two dates, both days included (in the site's time zone)."""
        condition = Q()
        if self.date_from:
            condition &= Q(**{f"{field}__gte": day_start(self.date_from)})
        if self.date_to:
            condition &= Q(**{f"{field}__lt": day_start(self.date_to + datetime.timedelta(days=1))})
        return condition
