"""A group for people who read the reports (learner data: who enrolled, from where, who
completed). Curriculum editors and publishers do not get it; superusers have it anyway."""

from django.db import migrations

GROUP = "Report readers"


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_group(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        _permission(apps, "reports", "reportaccess", "view_reports",
                    "Can view reports on trainees, completions and revenue"),
        _permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
        ("wagtailadmin", "__latest__"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
