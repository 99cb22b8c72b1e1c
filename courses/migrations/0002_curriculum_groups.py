"""The editorial roles: editors draft and submit curricula, publishers review and publish."""

from django.db import migrations

EDITORS = "Curriculum editors"
PUBLISHERS = "Curriculum publishers"
PAGE_PERMISSIONS = {EDITORS: ["add", "change"], PUBLISHERS: ["add", "change", "publish", "lock", "unlock"]}
COLLECTION_MODELS = [("wagtailimages", "image"), ("wagtaildocs", "document"), ("wagtailmedia", "media")]


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": f"Can {codename.replace('_', ' ')}"}
    )
    return permission


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin")

    for name, page_actions in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        if root_page:
            for action in page_actions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=_permission(apps, "wagtailcore", "page", f"{action}_page")
                )
        if root_collection:
            for app_label, model in COLLECTION_MODELS:
                for action in ("add", "change", "choose"):
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=_permission(apps, app_label, model, f"{action}_{model}"),
                    )

    # Publishers review what editors submit: they join the approval task of the root workflow.
    publishers = Group.objects.get(name=PUBLISHERS)
    workflow_page = WorkflowPage.objects.filter(page=root_page).select_related("workflow").first()
    if workflow_page:
        for workflow_task in workflow_page.workflow.workflow_tasks.all():
            task = GroupApprovalTask.objects.filter(pk=workflow_task.task_id).first()
            if task:
                task.groups.add(publishers)


def remove_groups(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=PAGE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailimages", "__latest__"),
        ("wagtaildocs", "__latest__"),
        ("wagtailmedia", "__latest__"),
        ("wagtailadmin", "__latest__"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
