from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """No table: it only carries the permission that opens the reports (learner data)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", _("Can view reports on trainees, completions and revenue"))]
        verbose_name = _("report access")
