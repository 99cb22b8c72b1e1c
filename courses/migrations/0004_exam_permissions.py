"""Curriculum editors and publishers write exams; results and extra attempts stay with admins.

``courses.view_examattempt`` (the exam report) and ``courses.add_extraattemptgrant``
(granting an extra attempt) go to no group: superusers have them, and an admin may give
them to a group by hand.
"""

from django.db import migrations

GROUPS = ["Curriculum editors", "Curriculum publishers"]
EXAM_PERMISSIONS = ["add_exam", "change_exam", "view_exam"]


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": f"Can {codename.replace('_', ' ')}"}
    )
    return permission


def grant_exam_permissions(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    permissions = [_permission(apps, "courses", "exam", codename) for codename in EXAM_PERMISSIONS]
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke_exam_permissions(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permissions = Permission.objects.filter(content_type__app_label="courses", codename__in=EXAM_PERMISSIONS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_exams"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [migrations.RunPython(grant_exam_permissions, revoke_exam_permissions)]
